"""Small input widgets of the evaluation form: a row of segment buttons with a "not recorded"
state, and a whole-number field that may stay empty.

Both are one Tab stop each and keep "not recorded" distinct from any answer: a finding nobody
looked at must never read as "no" or "0".
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QIntValidator, QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

# Two digits typed this close together make one number ("1" then "0" is 10).
DIGIT_PAIR_SECONDS = 0.8


def freeze(widget: QWidget, frozen: bool = True) -> None:
    """Make ``widget`` read-only without greying it out (a disabled widget is hard to read):
    it ignores the mouse and takes no focus. ``frozen=False`` gives both back."""
    if frozen and not widget.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents):
        widget.setProperty("focusPolicyBeforeFreeze", int(widget.focusPolicy().value))
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    elif not frozen and widget.property("focusPolicyBeforeFreeze") is not None:
        widget.setFocusPolicy(Qt.FocusPolicy(int(widget.property("focusPolicyBeforeFreeze"))))
        widget.setProperty("focusPolicyBeforeFreeze", None)
    widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, frozen)


class Segmented(QWidget):
    """Buttons side by side, at most one chosen; clicking the chosen one again clears it.

    Keyboard (the row is one Tab stop): the number keys choose the first, second… option (or,
    for numeric options, type the number), and a letter the option it begins ("y", "n");
    Left/Right change an answer already given, but on an unanswered row they only move a
    dashed outline, which Space or Enter then chooses: an arrow key must never record an answer
    (a red flag "Yes", a pain of 0) nobody gave. Delete or Backspace clears. ``changed`` fires
    only for the person's own changes, never for ``set_value``.
    """

    changed = Signal()

    def __init__(
        self,
        options: Sequence[tuple[str, str]],
        *,
        accessible_name: str = "",
        compact: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(accessible_name)
        self._keys = [key for key, _label in options]
        self._numeric = all(key.isdigit() for key in self._keys)
        self._value: str | None = None
        self._read_only = False
        self._typed = ""
        self._typed_at = 0.0
        self._cursor: int | None = None  # the outlined option on an unanswered row
        self._labels = [label for _key, label in options]
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # The buttons sit in a frame as wide as they are, left-aligned; it shows the focus.
        self.frame = QFrame()
        self.frame.setObjectName("segmented")
        outer.addWidget(self.frame)
        outer.addStretch(1)
        row = QHBoxLayout(self.frame)
        row.setContentsMargins(2, 2, 2, 2)
        row.setSpacing(0)
        self.buttons: dict[str, QPushButton] = {}
        for n, (key, label) in enumerate(options):
            button = QPushButton(label)
            button.setObjectName("segment")
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setProperty("compact", compact)
            button.setProperty("first", n == 0)
            button.setProperty("last", n == len(options) - 1)
            button.clicked.connect(lambda _checked=False, key=key: self._clicked(key))
            row.addWidget(button)
            self.buttons[key] = button
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        keys = "type the number" if self._numeric else "1, 2, 3… or the first letter choose"
        self.setToolTip(f"{keys}; ← → then Space; Delete clears (not recorded)")

    # --- value ------------------------------------------------------------------------------

    def value(self) -> str | None:
        return self._value

    def set_value(self, key: str | None) -> None:
        """Show ``key`` chosen (None or an unknown key: nothing chosen), without ``changed``."""
        self._value = key if key in self.buttons else None
        for name, button in self.buttons.items():
            button.setChecked(name == self._value)

    def choose(self, key: str | None) -> None:
        """As the person would: set and announce the change."""
        if self._read_only or key == self._value:
            return
        self.set_value(key)
        self.changed.emit()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for button in self.buttons.values():
            button.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, read_only)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus if read_only else Qt.FocusPolicy.StrongFocus)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._show_focus(True)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._show_focus(False)
        self._move_cursor(None)
        super().focusOutEvent(event)

    def _move_cursor(self, index: int | None) -> None:
        self._cursor = index
        for n, button in enumerate(self.buttons.values()):
            if bool(button.property("outlined")) != (n == index):
                button.setProperty("outlined", n == index)
                button.style().unpolish(button)
                button.style().polish(button)

    def _show_focus(self, focused: bool) -> None:
        self.frame.setProperty("focused", focused)
        self.frame.style().unpolish(self.frame)
        self.frame.style().polish(self.frame)

    # --- the person's input -------------------------------------------------------------------

    def _clicked(self, key: str) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if key == self._value:
            self.set_value(None)
            self.changed.emit()
        else:
            self.choose(key)
        self.set_value(self._value)  # a click toggles the button itself; show the real state

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if self._read_only:
            super().keyPressEvent(event)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self._step(-1 if key == Qt.Key.Key_Left else 1)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.choose(None)
        elif key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            self._cursor is not None
        ):
            self.choose(self._keys[self._cursor])
            self._move_cursor(None)
        elif event.text().isdigit() and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self._digit(event.text())
        elif (
            event.text().isalpha()
            and not self._numeric
            and not event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier)
        ):
            self._letter(event.text().lower())
        else:
            super().keyPressEvent(event)

    def _letter(self, letter: str) -> None:
        for key, label in zip(self._keys, self._labels, strict=True):
            if label.lower().startswith(letter):
                self.choose(key)
                self._move_cursor(None)
                return

    def _step(self, step: int) -> None:
        if self._value is None:
            if self._cursor is None:
                self._move_cursor(0 if step > 0 else len(self._keys) - 1)
            else:
                self._move_cursor(max(0, min(len(self._keys) - 1, self._cursor + step)))
            return
        index = self._keys.index(self._value) + step
        if 0 <= index < len(self._keys):
            self.choose(self._keys[index])

    def _digit(self, digit: str) -> None:
        if not self._numeric:
            index = int(digit) - 1
            if 0 <= index < len(self._keys):
                self.choose(self._keys[index])
            return
        now = time.monotonic()
        together = self._typed + digit
        if now - self._typed_at <= DIGIT_PAIR_SECONDS and together in self.buttons:
            self.choose(together)
            self._typed = ""
        elif digit in self.buttons:
            self.choose(digit)
            self._typed = digit
        self._typed_at = now


class NumberField(QLineEdit):
    """A whole number from ``low`` to ``high``, or empty (not recorded). ``value()`` is None
    for empty text; ``problem()`` names what is wrong with text out of range."""

    def __init__(self, low: int, high: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.low, self.high = low, high
        self.setValidator(QIntValidator(low, high, self))
        self.setPlaceholderText("not recorded")
        self.setMaximumWidth(140)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def value(self) -> int | None:
        text = self.text().strip()
        if not text:
            return None
        try:
            number = int(text)
        except ValueError:
            return None
        return number if self.low <= number <= self.high else None

    def problem(self) -> str:
        text = self.text().strip()
        if text and self.value() is None:
            return f"Type a whole number from {self.low} to {self.high}."
        return ""

    def set_value(self, value: object) -> None:
        ok = isinstance(value, int) and not isinstance(value, bool)
        self.setText(str(value) if ok else "")
