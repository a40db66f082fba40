"""The calendar that drops down from a date field (``ui/date_field.py``)."""

from __future__ import annotations

from PySide6.QtCore import QDate, QLocale, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QMouseEvent, QPalette, QTextCharFormat
from PySide6.QtWidgets import QCalendarWidget, QFrame, QVBoxLayout, QWidget

ENGLISH_US = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


class CalendarPopup(QFrame):
    """The calendar under ``field``, opened by ``button`` or the keyboard: ``picked(QDate)`` on a
    click or Enter, then it closes; Esc, Alt+↑ or a click elsewhere close it with nothing
    picked. ``closed`` either way. US weeks (Sunday first), no week numbers."""

    picked = Signal(QDate)
    closed = Signal()

    def __init__(self, field: QWidget, button: QWidget) -> None:
        super().__init__(field, Qt.WindowType.Popup)
        self._field, self._button = field, button
        self.setObjectName("dateFieldCalendar")
        self.calendar = QCalendarWidget(self)
        self.calendar.setLocale(ENGLISH_US)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Sunday)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        # Weekends in the text colour: red is for what is wrong, and a clinic works Saturdays.
        plain = QTextCharFormat()
        plain.setForeground(self.calendar.palette().color(QPalette.ColorRole.Text))
        for weekend in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):
            self.calendar.setWeekdayTextFormat(weekend, plain)
        self.calendar.clicked.connect(self._pick)
        self.calendar.activated.connect(self._pick)  # Enter
        box = QVBoxLayout(self)
        box.setContentsMargins(1, 1, 1, 1)
        box.addWidget(self.calendar)

    def drop_down(self) -> None:
        """Show under the field (above it when the screen ends first), on screen."""
        field = self._field
        size = self.sizeHint()
        area = field.screen().availableGeometry()
        below = field.mapToGlobal(QPoint(0, field.height()))
        x = max(area.left(), min(below.x(), area.left() + area.width() - size.width()))
        y = below.y()
        if y + size.height() > area.top() + area.height():
            y = max(area.top(), field.mapToGlobal(QPoint(0, 0)).y() - size.height())
        self.setGeometry(QRect(QPoint(x, y), size))
        self.show()
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _pick(self, day: QDate) -> None:
        self.close()
        self.picked.emit(day)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape or (
            event.key() == Qt.Key.Key_Up and event.modifiers() & Qt.KeyboardModifier.AltModifier
        ):
            self.close()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        # A click on the field's arrow while open closes the calendar; Qt would then hand the
        # same click to the arrow, which would open it again at once.
        button = self._button
        if button.rect().contains(button.mapFromGlobal(event.globalPosition().toPoint())):
            self.setAttribute(Qt.WidgetAttribute.WA_NoMouseReplay)
        super().mousePressEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.closed.emit()
