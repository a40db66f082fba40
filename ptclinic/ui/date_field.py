"""The house date field: type a date the way it is said at the front desk, step it with the
arrow keys, or pick it from a calendar.

QDateEdit reads typing section by section, so typed over its "Mon Nov 23, 2026", "3/7/2024"
came out as 7202-03-23. ``DateField`` is a line edit instead. It shows "Mon Nov 23, 2026"; on
focus the whole text is selected, so typing replaces it; Enter or leaving the field reads what
was typed whole (``services.date_input.parse_typed_date``: "3/7/2026", "3/7", "t+7",
"tomorrow"...) and shows the friendly form again. Text that is not a date, or a date outside the
field's range, changes nothing and says so in a red note under the field; Enter on such text
stays in the field instead of pressing the dialog's default button. Enter on a good date is
passed on like a line edit's, so the default button still answers it.

Keys: ↑ ↓ a day, Page Up / Page Down a month, within the range; Alt+↓ or F4 (or the arrow at the
right) open a calendar, where a click or Enter picks a day and Esc closes; Tab leaves.

``OptionalDateField`` may also hold no date, shown as a grey "No date".

Pitfall: a button clicked straight from the field reads the typed text on the way out, so it
sees a good new date; a refused text, though, is only reported, and the button acts on the kept
date (which the field shows again at once).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QIcon, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QSizePolicy, QToolButton, QWidget

from ptclinic.services.date_input import parse_typed_date
from ptclinic.services.day_text import weekday_day_text
from ptclinic.ui.calendar_popup import CalendarPopup
from ptclinic.ui.field_note import FieldNote
from ptclinic.ui.resources import icon_path

FIRST_DATE = QDate(1752, 9, 14)  # QDateEdit's own range, which its callers relied on
LAST_DATE = QDate(9999, 12, 31)
NO_DATE = QDate(1900, 1, 1)  # an empty OptionalDateField's date(), as with the old QDateEdit
NO_DATE_TEXT = "No date"
DATE_TIP = (
    "Type a date (3/7/2026, 3/7, t+7, tomorrow) and press Enter; ↑ ↓ a day, "
    "Page Up / Page Down a month; Alt+↓ opens the calendar"
)
_WIDEST = ("Wed Sep 28, 2026", "Wed May 31, 2026", "Mon Nov 30, 2026")
_STEPS = {
    Qt.Key.Key_Up: (1, 0),
    Qt.Key.Key_Down: (-1, 0),
    Qt.Key.Key_PageUp: (0, 1),
    Qt.Key.Key_PageDown: (0, -1),
}
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def friendly(day: QDate) -> str:
    """ "Mon Nov 23, 2026", in English whatever the workstation's language."""
    return weekday_day_text(from_qdate(day))


def _modifiers(event: QKeyEvent) -> Qt.KeyboardModifier:
    return event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier


def _steps(event: QKeyEvent) -> bool:
    return event.key() in _STEPS and _modifiers(event) == Qt.KeyboardModifier.NoModifier


def _opens_calendar(event: QKeyEvent) -> bool:
    """F4 or Alt+↓, as in a combo box."""
    if event.key() == Qt.Key.Key_F4:
        return _modifiers(event) == Qt.KeyboardModifier.NoModifier
    return event.key() == Qt.Key.Key_Down and _modifiers(event) == Qt.KeyboardModifier.AltModifier


class DateField(QLineEdit):
    """A date typed whole, stepped with the arrow keys or picked from a calendar (see the
    module). Keeps the part of QDateEdit's API the program uses: ``date()``, ``setDate()``,
    ``dateChanged`` (only on a real change), the minimum and maximum (clamping, like
    QDateEdit) and ``calendarWidget()``. ``today`` gives the clinic's today, for "t+7" and the
    like. ``text()`` is what the field shows; set the date with ``setDate``, never ``setText``.
    """

    dateChanged = Signal(QDate)
    _EMPTY_ALLOWED = False  # OptionalDateField: the date may be null (shown as "No date")

    def __init__(
        self,
        day: QDate,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._minimum, self._maximum = QDate(FIRST_DATE), QDate(LAST_DATE)
        if day.isValid() or self._EMPTY_ALLOWED:
            self._date = self._clamp(day) if day.isValid() else QDate()
        else:
            self._date = self._clamp(to_qdate(today()))
        self._popup: CalendarPopup | None = None
        self._note = FieldNote(self)
        self._select_on_release = False
        action = self.addAction(
            QIcon(icon_path("drop-down.svg")), QLineEdit.ActionPosition.TrailingPosition
        )
        action.setToolTip("Calendar (Alt+↓)")
        action.triggered.connect(self.show_calendar)
        (button,) = (w for w in action.associatedObjects() if isinstance(w, QToolButton))
        button.setObjectName("dateFieldCalendarButton")
        button.setAccessibleName("Open the calendar")
        self.calendar_button: QToolButton = button
        self.setToolTip(DATE_TIP)
        # As QDateEdit's: as wide as a date unless the layout asks for more.
        self.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.textEdited.connect(self._edited)
        self._show_date()

    # --- the value ----------------------------------------------------------------------------

    def date(self) -> QDate:
        return QDate(self._date)

    def setDate(self, day: QDate) -> None:
        """Show ``day``, brought within the range; an invalid QDate is ignored."""
        if day.isValid():
            self._set(self._clamp(day))

    def minimumDate(self) -> QDate:
        return QDate(self._minimum)

    def maximumDate(self) -> QDate:
        return QDate(self._maximum)

    def setMinimumDate(self, day: QDate) -> None:
        """As QDateEdit: a later maximum follows it up, and the date is clamped."""
        if day.isValid():
            self.setDateRange(day, max(day, self._maximum))

    def setMaximumDate(self, day: QDate) -> None:
        if day.isValid():
            self.setDateRange(min(day, self._minimum), day)

    def setDateRange(self, first: QDate, last: QDate) -> None:
        self._minimum, self._maximum = QDate(first), QDate(max(first, last))
        if self._popup is not None:
            self._popup.calendar.setDateRange(self._minimum, self._maximum)
        if self._date.isValid() and self._clamp(self._date) != self._date:
            self._set(self._clamp(self._date))

    def calendarWidget(self) -> QCalendarWidget:
        return self._calendar_popup().calendar

    def note(self) -> str:
        """The note under the field (why typed text was not taken), "" when none is shown."""
        return self._note.text()

    def _clamp(self, day: QDate) -> QDate:
        return QDate(min(max(day, self._minimum), self._maximum))

    def _set(self, day: QDate) -> None:
        changed = day != self._date
        self._date = QDate(day)
        self._note.hide()
        self._show_date()
        if changed:
            self.dateChanged.emit(self.date())

    def _show_date(self) -> None:
        self.setText(self._text_for(self._date))  # also clears isModified()
        if self.hasFocus():
            self.selectAll()  # typing replaces it, as on arrival

    def _text_for(self, day: QDate) -> str:
        return friendly(day) if day.isValid() else ""

    def _start_date(self) -> QDate:
        """Where stepping and the calendar start when there is no date."""
        return to_qdate(self._today())

    # --- reading what was typed ---------------------------------------------------------------

    def _typed(self) -> str:
        return " ".join(QLineEdit.text(self).split())

    def _read(self, typed: str) -> QDate | tuple[str, str]:
        """The date ``typed`` says, or in plain words why it is not taken and what to do."""
        today = self._today()
        day = parse_typed_date(typed, today)
        if day is None:
            hint = (
                f"Type it like {today.month}/{today.day}/{today.year}, "
                "or press Alt+Down for the calendar."
            )
            return (f"“{typed}” is not a date." if typed else "A date is needed here.", hint)
        chosen = to_qdate(day)
        if chosen < self._minimum:
            first = friendly(self._minimum)
            return (f"{friendly(chosen)} is too early: the first day allowed here is {first}.", "")
        if chosen > self._maximum:
            last = friendly(self._maximum)
            return (f"{friendly(chosen)} is too late: the last day allowed here is {last}.", "")
        return chosen

    def _kept(self) -> str:
        return f"The date stays {friendly(self._date)}."

    def commit(self, *, leaving: bool = False) -> bool:
        """Read the typed text, as Enter does (``leaving``: as leaving the field does). True
        when the field now holds what it shows; False when the text was refused: the date is
        kept and a note under the field says why. Leaving, the kept date is shown again."""
        typed = self._typed()
        if typed == self._text_for(self._date):
            if self.isModified():
                self._show_date()
            return True
        outcome = self._read(typed)
        if isinstance(outcome, QDate):
            self._set(outcome)
            return True
        problem, hint = outcome
        if leaving:
            self._show_date()
            problem += " " + self._kept()
        self._note.show(f"{problem} {hint}".strip())
        return False

    def _take_typed(self) -> None:
        """Before a step or the calendar: a readable typed date is taken, anything else is
        quietly dropped for the date the field holds."""
        typed = self._typed()
        if typed != self._text_for(self._date):
            outcome = self._read(typed)
            if isinstance(outcome, QDate):
                self._set(outcome)
                return
        if self.isModified():
            self._show_date()

    def _edited(self, text: str) -> None:
        self._note.hide()
        if self._EMPTY_ALLOWED and not text.strip():
            self._set(QDate())  # cleared: no date, at once

    # --- keys ---------------------------------------------------------------------------------

    def step(self, days: int = 0, months: int = 0) -> None:
        """Move the date by ``days`` and ``months`` within the range (from the typed date when
        it is one). With no date, the first step only fills in the starting date."""
        self._take_typed()
        if not self._date.isValid():
            self._set(self._clamp(self._start_date()))
            return
        self._set(self._clamp(self._date.addMonths(months).addDays(days)))

    def event(self, event: QEvent) -> bool:
        # The field's own keys win over a window's shortcuts for them while it has the focus.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (_opens_calendar(event) or _steps(event))
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _opens_calendar(event):
            self.show_calendar()
            return
        if _steps(event):
            if not self.isReadOnly():
                self.step(*_STEPS[Qt.Key(event.key())])
            return
        if event.key() in _ENTER and not self.commit():
            event.accept()  # stays here: never presses the dialog's default button
            return
        super().keyPressEvent(event)  # a good Enter goes on to the dialog, as a line edit's

    # --- focus and mouse ----------------------------------------------------------------------

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.selectAll()
        # A click's own press puts a cursor in: select again when the button comes up.
        self._select_on_release = event.reason() == Qt.FocusReason.MouseFocusReason

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if self._select_on_release and not self.hasSelectedText():
            self.selectAll()
        self._select_on_release = False

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._select_on_release = False
        # A pop-up (the calendar, a context menu) is not leaving the field.
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.commit(leaving=True)
        super().focusOutEvent(event)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        metrics = self.fontMetrics()
        wanted = max(metrics.horizontalAdvance(text) for text in _WIDEST)
        extra = wanted - metrics.horizontalAdvance("x" * 17)  # what QLineEdit allows for
        return QSize(hint.width() + max(extra, 0) + 4, hint.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()  # never squeezed below a whole date, as QDateEdit was

    # --- the calendar -------------------------------------------------------------------------

    def _calendar_popup(self) -> CalendarPopup:
        if self._popup is None:
            self._popup = CalendarPopup(self, self.calendar_button)
            self._popup.calendar.setDateRange(self._minimum, self._maximum)
            self._popup.picked.connect(self._picked)
            self._popup.closed.connect(self._calendar_closed)
        return self._popup

    def show_calendar(self) -> None:
        """Open the calendar on the date (or, with none, on the starting date)."""
        if self.isReadOnly():
            return
        self._take_typed()
        popup = self._calendar_popup()
        start = self._date if self._date.isValid() else self._clamp(self._start_date())
        popup.calendar.setSelectedDate(start)
        popup.drop_down()

    def _picked(self, day: QDate) -> None:
        self._set(self._clamp(day))

    def _calendar_closed(self) -> None:
        if self.isVisible():
            self.setFocus(Qt.FocusReason.PopupFocusReason)


class OptionalDateField(DateField):
    """The house date field that may also hold no date, shown as a grey "No date" (``value()``
    None, ``date()`` ``NO_DATE``). Clearing the text, or Del over the selected date, leaves no
    date; on no date the first ↑ ↓ fills in ``fallback()`` to step from there, and the calendar
    opens on it: never on the year 1900."""

    _EMPTY_ALLOWED = True

    def __init__(
        self,
        fallback: Callable[[], date],
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(QDate(), parent, today=today)
        self._fallback = fallback
        self.setPlaceholderText(NO_DATE_TEXT)

    def value(self) -> date | None:
        return from_qdate(self._date) if self._date.isValid() else None

    def set_value(self, day: date | None) -> None:
        self._set(QDate() if day is None else self._clamp(to_qdate(day)))

    def date(self) -> QDate:
        return QDate(self._date) if self._date.isValid() else QDate(NO_DATE)

    def setDate(self, day: QDate) -> None:
        """``NO_DATE`` (or an invalid QDate) clears the field, as with the old field."""
        if not day.isValid() or day == NO_DATE:
            self._set(QDate())
        else:
            super().setDate(day)

    def text(self) -> str:
        """What the field shows: "No date" when it holds none."""
        return QLineEdit.text(self) or self.placeholderText()

    def _start_date(self) -> QDate:
        return to_qdate(self._fallback())

    def _read(self, typed: str) -> QDate | tuple[str, str]:
        return QDate() if not typed else super()._read(typed)

    def _kept(self) -> str:
        return super()._kept() if self._date.isValid() else "The field stays empty (no date)."
