"""The weekly pattern of the series dialog: weekdays, first day and time, how often and how
long, read back at once in the recurrence service's own words ("Mondays and Thursdays at 10:00,
12 visits from Mon 07 Dec 2026 to Thu 14 Jan 2027.") before any database work.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QObject, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGridLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from ptclinic.services import recurrence
from ptclinic.services.errors import ValidationError
from ptclinic.services.recurrence import WeeklyPattern
from ptclinic.ui.date_field import DateField
from ptclinic.ui.forms import FieldErrors
from ptclinic.ui.schedule.fields import TimeField
from ptclinic.ui.schedule.form_parts import UNREADABLE_TIME, line
from ptclinic.ui.schedule.series_parts import WeekdayBoxes

DEFAULT_WEEKS = 6
AddRow = Callable[[str, str, QWidget, QWidget], None]


def _day(picked: QDate) -> date:
    return date(picked.year(), picked.month(), picked.day())


class PatternFields(QObject):
    """The pattern's widgets (``add_rows`` puts them in a form) and the rule sentence under
    them; ``changed`` after every change. Until weekdays are ticked by hand, the first day's
    weekday is the series' day."""

    changed = Signal()

    def __init__(self, start: datetime, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._days_typed = False
        self._setting_days = False
        self.weekdays = WeekdayBoxes([start.weekday()])
        self.first_day = DateField(QDate(start.year, start.month, start.day))
        self.first_day.setObjectName("seriesFirstDay")
        self.time_edit = TimeField(time(start.hour, start.minute))
        self.time_edit.setObjectName("seriesTime")
        self.time_edit.setToolTip("Choose a time or type one, such as 10:30 or 1030")
        self.every = QSpinBox()
        self.every.setObjectName("seriesEvery")
        self.every.setRange(1, recurrence.MAX_EVERY_WEEKS)
        self.every.setPrefix("every ")
        self.every.setSuffix(" week")
        self.every.setToolTip("1: every week; 2: every other week")
        self.end_box = self._build_end(start.date())
        self.rule_label = QLabel()
        self.rule_label.setObjectName("scheduleDetails")
        self.rule_label.setWordWrap(True)
        font = self.rule_label.font()
        font.setBold(True)
        self.rule_label.setFont(font)

        self.every.valueChanged.connect(self._every_changed)
        self.first_day.dateChanged.connect(lambda _d: self._first_day_changed())
        self.weekdays.changed.connect(self._weekdays_changed)
        for spin, radio in ((self.weeks, self.for_weeks), (self.count, self.for_count)):
            spin.valueChanged.connect(lambda _v, r=radio: r.setChecked(True))
        self.until.dateChanged.connect(lambda _d: self.for_until.setChecked(True))
        for signal in (
            self.time_edit.editTextChanged,
            self.end_kind.buttonToggled,
            self.weeks.valueChanged,
            self.count.valueChanged,
            self.until.dateChanged,
        ):
            signal.connect(lambda *_args: self._changed())
        self.update_rule()

    def _build_end(self, first: date) -> QWidget:
        """For N weeks, after N visits, or until a day: one choice, a field each."""
        self.for_weeks = QRadioButton("fo&r")
        self.weeks = QSpinBox()
        self.weeks.setObjectName("seriesWeeks")
        self.weeks.setRange(1, recurrence.MAX_WEEKS)
        self.weeks.setValue(DEFAULT_WEEKS)
        self.weeks.setSuffix(" weeks")
        self.for_count = QRadioButton("a&fter")
        self.count = QSpinBox()
        self.count.setObjectName("seriesCount")
        self.count.setRange(1, recurrence.MAX_OCCURRENCES)
        self.count.setValue(2 * DEFAULT_WEEKS)
        self.count.setSuffix(" visits")
        self.for_until = QRadioButton("unti&l")
        last = first + timedelta(weeks=DEFAULT_WEEKS, days=-1)
        self.until = DateField(QDate(last.year, last.month, last.day))
        self.until.setObjectName("seriesUntil")
        self.end_kind = QButtonGroup(self)
        for radio in (self.for_weeks, self.for_count, self.for_until):
            self.end_kind.addButton(radio)
        self.for_weeks.setChecked(True)
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.addWidget(self.for_weeks, 0, 0)
        grid.addWidget(self.weeks, 0, 1)
        grid.addWidget(self.for_count, 0, 2)
        grid.addWidget(self.count, 0, 3)
        grid.addWidget(self.for_until, 1, 0)
        grid.addWidget(self.until, 1, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return box

    def add_rows(self, fields: FieldErrors, form: QFormLayout, add_row: AddRow) -> None:
        """The pattern's rows, named as the service names its fields; ``add_row`` adds a row
        of several widgets whose mnemonic goes to the last argument."""
        add_row("weekdays", "&Days *", self.weekdays, self.weekdays.boxes[0])
        when = line((self.first_day, 3), ("at ti&me", self.time_edit, 2))
        add_row("first_day", "&Starting *", when, self.first_day)
        fields.add_row("every_weeks", "&How often", self.every)
        fields.add_row("end", "How long *", self.end_box)
        form.addRow(self.rule_label)

    # --- reacting -----------------------------------------------------------------------------

    def _changed(self) -> None:
        self.update_rule()
        self.changed.emit()

    def _every_changed(self, value: int) -> None:
        self.every.setSuffix(" week" if value == 1 else " weeks")
        self._changed()

    def _weekdays_changed(self) -> None:
        if not self._setting_days:
            self._days_typed = True
        self._changed()

    def _first_day_changed(self) -> None:
        weekday = self.first_day.date().dayOfWeek() - 1
        if not self._days_typed and weekday < len(self.weekdays.boxes):
            self._setting_days = True
            try:
                self.weekdays.set_days([weekday])
            finally:
                self._setting_days = False
        self._changed()

    # --- the pattern and its rule -------------------------------------------------------------

    def pattern(self) -> WeeklyPattern | None:
        """The weekly pattern typed; None while the time cannot be read."""
        clock = self.time_edit.time()
        if clock is None:
            return None
        end = self.end_kind.checkedButton()
        return WeeklyPattern(
            weekdays=self.weekdays.days(),
            at=clock,
            first_day=_day(self.first_day.date()),
            weeks=self.weeks.value() if end is self.for_weeks else None,
            count=self.count.value() if end is self.for_count else None,
            until=_day(self.until.date()) if end is self.for_until else None,
            every_weeks=self.every.value(),
        )

    def update_rule(self) -> None:
        """ "Mondays and Thursdays at 10:00, 12 visits from …", or what is wrong."""
        pattern = self.pattern()
        if pattern is None:
            self._say_rule("⚠ " + UNREADABLE_TIME, problem=True)
            return
        try:
            first, rule = recurrence.build_rule(pattern)
        except ValidationError as exc:
            self._say_rule("⚠ " + str(exc), problem=True)
            return
        self._say_rule(recurrence.describe_rule(first, rule) + ".", problem=False)

    def _say_rule(self, text: str, *, problem: bool) -> None:
        self.rule_label.setText(text)
        self.rule_label.setObjectName("fieldError" if problem else "scheduleDetails")
        self.rule_label.setStyleSheet("/* restyle */")  # re-read the rules for the new name

    def rule_text(self) -> str:
        return self.rule_label.text()

    def snapshot(self) -> tuple[object, ...]:
        pattern = self.pattern()
        return pattern, self.time_edit.currentText() if pattern is None else None
