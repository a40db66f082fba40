"""A note in plain words right under a field, e.g. why what was typed there was not taken."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QToolTip, QWidget

NOTE_MS = 10_000  # how long a note stays once the person has left the field (in it: for good)
NOTE_MIN_WIDTH = 320


class FieldNote(QObject):
    """A red note under ``field``, laid over whatever is below it (above the field when that is
    where the focus went and there is room), so no layout has to make room for it. It takes
    neither the focus nor the mouse. It goes on ``hide()``, when the field hides, and, once the
    field no longer has the focus, at the next key pressed elsewhere (the person has moved on
    and may be typing under it) or ``NOTE_MS`` after it was shown.

    The label belongs to the field's window (styled as ``QLabel#fieldNote``); a field that
    is a window of its own gets a tooltip instead.
    """

    def __init__(self, field: QWidget) -> None:
        super().__init__(field)
        self._field = field
        self._label: QLabel | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(NOTE_MS)
        self._timer.timeout.connect(self._timeout)
        field.installEventFilter(self)

    def text(self) -> str:
        """The note on show, "" when none is."""
        label = self._label
        return label.text() if label is not None and label.isVisible() else ""

    def show(self, text: str) -> None:
        field = self._field
        if not field.isVisible():  # e.g. read on the way out of a closing dialog
            return
        window = field.window()
        if window is field:
            QToolTip.showText(field.mapToGlobal(QPoint(0, field.height())), text, field)
            return
        label = self._label
        if label is None or label.parentWidget() is not window:
            if label is not None:
                label.deleteLater()
            label = self._label = QLabel(window)
            label.setObjectName("fieldNote")
            label.setWordWrap(True)
            label.setAutoFillBackground(True)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            self.destroyed.connect(label.deleteLater)
            window.installEventFilter(self)
        label.setText(text)
        label.ensurePolished()  # the style sheet's padding counts in its height
        self._place(label, window)
        label.show()
        label.raise_()
        self._timer.start()
        if app := QApplication.instance():
            app.installEventFilter(self)  # for keys pressed elsewhere

    def hide(self) -> None:
        self._timer.stop()
        if app := QApplication.instance():
            app.removeEventFilter(self)
        if self._label is not None:
            self._label.hide()
        if self._field.isWindow() and QToolTip.isVisible():
            QToolTip.hideText()

    def _timeout(self) -> None:
        if self._field.hasFocus():
            self._timer.start()  # still there, fixing it
        else:
            self.hide()

    def _place(self, label: QLabel, window: QWidget) -> None:
        field = self._field
        width = min(max(field.width(), NOTE_MIN_WIDTH), window.width() - 8)
        height = label.heightForWidth(width)
        top = field.mapTo(window, QPoint(0, 0))
        x = max(4, min(top.x(), window.width() - width - 4))
        below = QRect(x, top.y() + field.height() + 2, width, height)
        above = QRect(x, top.y() - height - 2, width, height)
        focus = QApplication.focusWidget()
        covers_focus = (
            focus is not None
            and focus is not field
            and window.isAncestorOf(focus)
            and below.intersects(QRect(focus.mapTo(window, QPoint(0, 0)), focus.size()))
        )
        if (covers_focus or below.bottom() > window.height()) and above.top() >= 0:
            label.setGeometry(above)
        else:
            label.setGeometry(below)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        field_hidden = watched is self._field and event.type() == QEvent.Type.Hide
        typing_elsewhere = (
            event.type() == QEvent.Type.KeyPress
            and watched is not self._field
            and not self._field.hasFocus()
        )
        if field_hidden or typing_elsewhere:
            self.hide()
        label = self._label
        if (
            label is not None
            and label.isVisible()
            and watched is label.parentWidget()
            and isinstance(watched, QWidget)
            and event.type() == QEvent.Type.Resize
        ):
            self._place(label, watched)
        return super().eventFilter(watched, event)
