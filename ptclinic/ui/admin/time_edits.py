"""Time and date fields for the scheduling settings, and how days and moments read in its lists.

Times are clinic-local wall-clock times in 24-hour "HH:mm", the form the Schedule's grid uses;
the services decide which minutes they accept, so a typed 07:07 reaches them and is refused there
in their words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QLocale, QObject, Qt, QTime
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QDateTimeEdit, QTimeEdit, QWidget

from ptclinic.services.day_text import weekday_day_text
from ptclinic.ui.date_field import DateField, to_qdate

STEP_MINUTES = 15
_LAST_STEP = 24 * 60 - STEP_MINUTES  # 23:45: a step never wraps round to the previous morning
# English names whatever the workstation's language, like every other date in the program.
_ENGLISH = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


class QuarterTimeEdit(QTimeEdit):
    """A wall-clock time whose arrows, Up/Down keys and wheel move the minutes a quarter hour at
    a time (the hours one hour at a time); any time can still be typed, e.g. "0730", after a
    Tab, a click or Ctrl+A."""

    def __init__(self, value: time = time(8), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("HH:mm")
        self.setLocale(_ENGLISH)
        self.set_value(value)
        self.lineEdit().installEventFilter(self)

    def value(self) -> time:
        shown = self.time()
        return time(shown.hour(), shown.minute())

    def set_value(self, value: time) -> None:
        self.setTime(QTime(value.hour, value.minute))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Qt leaves a bare cursor in the clicked section, where typed digits are refused; select
        # the section instead, so a click then "1830" (or "18", "30") replaces it as expected.
        # Clicks land on the inner line edit, not on this widget, hence the filter.
        if (
            watched is self.lineEdit()
            and event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and not self.lineEdit().hasSelectedText()  # a drag selection is left alone
        ):
            self.setSelectedSection(self.currentSection())
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # After Ctrl+A the whole text is selected and Qt refuses a digit typed over it; start a
        # whole time from the hours instead ("0730" → 07:30).
        editor = self.lineEdit()
        if event.text().isdigit() and len(editor.selectedText()) == len(editor.text()):
            self.setSelectedSection(QDateTimeEdit.Section.HourSection)
        super().keyPressEvent(event)

    def stepBy(self, steps: int) -> None:
        if self.currentSection() != QDateTimeEdit.Section.MinuteSection:
            super().stepBy(steps)
            return
        minutes = self.time().hour() * 60 + self.time().minute()
        # From an odd minute the first step lands on the quarter in that direction (07:07 → 07:15
        # up, 07:00 down), so a mistyped time is one key press from a round one.
        quarter = minutes // STEP_MINUTES if steps > 0 else -(-minutes // STEP_MINUTES)
        target = min(max((quarter + steps) * STEP_MINUTES, 0), _LAST_STEP)
        self.set_value(time(target // 60, target % 60))


def date_edit(day: date, *, today: Callable[[], date] = date.today) -> DateField:
    """The house date field, shown as "Mon Dec 7, 2026" so the weekday is in sight; ``today``
    (the clinic's) is what "t+7" and the like count from."""
    return DateField(to_qdate(day), today=today)


def day_text(day: date) -> str:
    """ "Mon Dec 7, 2026"."""
    return weekday_day_text(day)


def is_midnight(moment: datetime, zone: ZoneInfo) -> bool:
    return moment.astimezone(zone).time() == time.min


def whole_days(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> tuple[date, date] | None:
    """(first day, last day) when an absence runs from one clinic midnight to another, else None."""
    if not (is_midnight(starts_at, zone) and is_midnight(ends_at, zone)):
        return None
    return starts_at.astimezone(zone).date(), ends_at.astimezone(zone).date() - timedelta(days=1)


def moment_text(moment: datetime, zone: ZoneInfo) -> str:
    """ "Mon Dec 7, 2026 09:00" in the clinic's zone."""
    local = moment.astimezone(zone)
    return f"{day_text(local.date())} {local:%H:%M}"


def length_text(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> str:
    """ "3 days", "1 day", "4 h 30 min": the size of an absence at a glance."""
    if days := whole_days(starts_at, ends_at, zone):
        count = (days[1] - days[0]).days + 1
        return "1 day" if count == 1 else f"{count} days"
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if hours >= 24:
        return f"{hours // 24} d {hours % 24} h" if hours % 24 else f"{hours // 24} d"
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
