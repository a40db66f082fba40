"""The "Next available" picker: the first free times for a therapist (or any therapist) and a
visit's length from a day on, found by the ``next_available`` service.

The service decides what is free (hours, time off, closed days, other visits, rooms) and which
room to suggest. This dialog only narrows its answers to a time of day and days of the week the
patient can come, by asking again from the next moment that could fit: the first search lists
the first free times at once, "Show more" continues after the last one. The list has the
keyboard after each search: Up/Down move, Enter or a double-click takes the highlighted time
(``chosen``); Enter in the search fields searches again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import booking
from ptclinic.services.actor import Actor
from ptclinic.services.availability import local_moment
from ptclinic.services.calendar import VisitTypeInfo
from ptclinic.services.errors import DatabaseUnavailable, DomainError
from ptclinic.services.next_available import (
    GRID_MINUTES,
    MAX_COUNT,
    SEARCH_DAYS,
    FreeSlot,
    next_available,
)
from ptclinic.ui.admin.common import Column, RecordTableModel, record_table
from ptclinic.ui.date_field import DateField
from ptclinic.ui.forms import TITLE_BAR
from ptclinic.ui.schedule.fields import TimeField
from ptclinic.ui.schedule.form_parts import ScheduleChoices
from ptclinic.ui.schedule.layout import WEEKDAYS, short_date

log = logging.getLogger(__name__)

PAGE = 10  # free times per search and per "Show more"
SEARCH_TIMER_MS = 300
NOON = time(12)
ANY_DAY = frozenset(range(7))
DATABASE_TROUBLE = "Could not look for free times: the database did not answer. Try again."
NO_DAY = "Tick at least one day of the week."
BAD_WINDOW = "The time of day ends before it starts: check the two times."
UNREADABLE_WINDOW = "The time of day could not be read: type it as 15:00 or 1500."


# --- the search: plain Python over the service ----------------------------------------------


@dataclass(frozen=True)
class TimeWindow:
    """When in the clinic's day a visit may fall: it starts at or after ``start_from`` and
    before ``start_before``, and ends by ``end_by`` (None: no limit)."""

    start_from: time | None = None
    start_before: time | None = None
    end_by: time | None = None

    def admits(self, start: datetime, end: datetime) -> bool:
        """Whether a visit from ``start`` to ``end`` (clinic-local) lies in the window."""
        if self.start_from is not None and start.time() < self.start_from:
            return False
        if self.start_before is not None and start.time() >= self.start_before:
            return False
        return self.end_by is None or (end.date() == start.date() and end.time() <= self.end_by)


ANY_TIME = TimeWindow()
MORNING = TimeWindow(start_before=NOON)
AFTERNOON = TimeWindow(start_from=NOON)


@dataclass(frozen=True)
class SlotQuery:
    """What the service is asked besides where to start: who, how long, for whom."""

    minutes: int
    therapist_id: int | None = None
    patient_id: int | None = None
    exclude_appointment_id: int | None = None
    window: TimeWindow = ANY_TIME
    weekdays: frozenset[int] = ANY_DAY  # Monday 0 … Sunday 6

    @property
    def narrowed(self) -> bool:
        return self.window != ANY_TIME or self.weekdays != ANY_DAY


@dataclass
class SearchResult:
    slots: list[FreeSlot] = field(default_factory=list)
    exhausted: bool = False  # the search span holds no more


def _first_fitting(moment: datetime, query: SlotQuery, zone: ZoneInfo) -> datetime:
    """The first moment at or after ``moment`` where a visit could start in the window on an
    allowed weekday (a quick jump, not a promise: each slot is checked again)."""
    local = moment.astimezone(zone)
    length = timedelta(minutes=query.minutes)
    window = query.window
    for _ in range(8):  # an allowed weekday is at most a week away
        day = local.date()
        if day.weekday() in query.weekdays:
            if window.start_from is not None and local.time() < window.start_from:
                local = local_moment(day, window.start_from, zone).astimezone(zone)
            late = window.start_before is not None and local.time() >= window.start_before
            if window.end_by is not None:
                late = late or local + length > datetime.combine(day, window.end_by, local.tzinfo)
            if not late:
                return local.astimezone(UTC)
        local = local_moment(day + timedelta(days=1), window.start_from or time.min, zone)
        local = local.astimezone(zone)
    return local.astimezone(UTC)


def find_slots(
    db: Database,
    actor: Actor,
    zone: ZoneInfo,
    query: SlotQuery,
    *,
    after: datetime,
    last_day: date,
    count: int = PAGE,
    shown: Sequence[FreeSlot] = (),
) -> SearchResult:
    """Up to ``count`` free slots from ``after`` to the end of ``last_day`` (clinic-local) that
    fit the query's time of day and weekdays, leaving out those already ``shown``.

    Without a time of day or weekdays this is one call of the service. With them, the service
    is asked again from the next moment that could fit until enough slots are found or the span
    is searched: a few calls per week searched at most.
    """
    seen = {(slot.therapist_id, slot.starts_at) for slot in shown}
    result = SearchResult()
    cursor = after
    rounds = 3 * ((last_day - after.astimezone(zone).date()).days + 1) + 5
    for _ in range(rounds):
        cursor = _first_fitting(cursor, query, zone)
        first_day = cursor.astimezone(zone).date()
        if first_day > last_day:
            break
        wanted = count - len(result.slots)
        again = sum(1 for slot in shown if slot.starts_at == cursor)
        asked = min(MAX_COUNT, max(wanted * 4, 20) if query.narrowed else wanted + again)
        batch = next_available(
            db,
            actor,
            after=cursor,
            minutes=query.minutes,
            therapist_id=query.therapist_id,
            patient_id=query.patient_id,
            count=asked,
            days=(last_day - first_day).days + 1,
            exclude_appointment_id=query.exclude_appointment_id,
        )
        for slot in batch:
            key = (slot.therapist_id, slot.starts_at)
            if key in seen:
                continue
            seen.add(key)
            start, end = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
            if start.weekday() in query.weekdays and query.window.admits(start, end):
                result.slots.append(slot)
                if len(result.slots) == count:
                    return result
        if len(batch) < asked:
            break  # the service found no more in the span
        last = batch[-1].starts_at
        # Slots starting with the last one may have been cut off: ask again from it (the ones
        # seen are skipped), unless that would not move on.
        cursor = last if last > cursor else cursor + timedelta(minutes=GRID_MINUTES)
    result.exhausted = True
    return result


def slot_text(slot: FreeSlot, zone: ZoneInfo) -> str:
    """ "Tue Dec 8, 10:15–11:00 · Dana Lee · Treatment 2"."""
    start, end = slot.starts_at.astimezone(zone), slot.ends_at.astimezone(zone)
    parts = [f"{short_date(start.date())}, {start:%H:%M}–{end:%H:%M}", slot.therapist_name]
    if slot.room_name:
        parts.append(slot.room_name)
    return " · ".join(parts)


def _weeks(days: int) -> str:
    return f"{days // 7} weeks" if days % 7 == 0 else f"{days} days"


# --- the dialog -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    slot: FreeSlot
    first_of_day: bool  # the day is written on the first row of each day only: a group


class NextAvailableDialog(QDialog):
    """Find a free time. ``chosen`` is the slot taken (None until then); ``visit_type_code``
    and ``minutes()`` say which visit it was found for (they may have been changed here).
    ``window`` and ``weekdays`` (Monday 0; none: any day) narrow the first search."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        choices: ScheduleChoices,
        zone: ZoneInfo,
        *,
        day: date,
        therapist_id: int | None = None,
        visit_type: str | None = None,
        minutes: int | None = None,
        patient_id: int | None = None,
        exclude_appointment_id: int | None = None,
        fixed_visit_type: bool = False,
        window: TimeWindow | None = None,
        weekdays: Iterable[int] = (),
        clock: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._zone, self._choices = db, actor, zone, choices
        self._patient_id, self._exclude = patient_id, exclude_appointment_id
        self._clock = clock or (lambda: datetime.now(UTC))
        self._query: SlotQuery | None = None
        self._last_day = day
        self.chosen: FreeSlot | None = None
        self.setWindowTitle("Next available")
        self.setMinimumWidth(720)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_TIMER_MS)
        self._search_timer.timeout.connect(lambda: self.search(focus_list=False))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(8)
        self.criteria = QWidget()
        self._build_criteria(day, therapist_id, visit_type, minutes, fixed_visit_type)
        self._preset(window or ANY_TIME, frozenset(weekdays) or ANY_DAY)
        layout.addWidget(self.criteria)

        self.model: RecordTableModel[_Row] = RecordTableModel(
            [
                Column("Day", lambda row: self._day_text(row)),
                Column("Time", lambda row: self._time_text(row.slot)),
                Column("Therapist", lambda row: row.slot.therapist_name),
                Column("Room", lambda row: row.slot.room_name or "—"),
            ],
            self,
        )
        self.table = record_table(self.model)
        self.table.setObjectName("nextAvailableSlots")
        self.table.setAccessibleName("Free times")
        self.table.setMinimumHeight(4 * 30 + 32)
        self.table.doubleClicked.connect(self._double_clicked)
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setObjectName("formNotice")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.hint = QLabel("↑ ↓ to move, Enter or a double-click takes the highlighted time.")
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.more_button = QPushButton("Show &more")
        self.more_button.setToolTip(f"The next {PAGE} free times after the last one listed")
        self.more_button.setAutoDefault(False)
        under = QHBoxLayout()
        under.addWidget(self.hint, 1)
        under.addWidget(self.more_button)
        layout.addLayout(under)

        buttons = QDialogButtonBox()
        self.choose_button = buttons.addButton("&Choose", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.choose_button.setDefault(True)
        self.more_button.clicked.connect(self.show_more)
        self.choose_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(buttons)

        self.search(focus_list=True)
        self._fit_height()

    def _fit_height(self) -> None:
        """Room for a dozen free times, but no taller than the screen (a laptop at 150 %)."""
        self.ensurePolished()
        layout = self.layout()
        assert layout is not None
        layout.activate()
        hint = layout.sizeHint()
        wanted = hint.height() + 6 * self.table.verticalHeader().defaultSectionSize()
        room = self.screen().availableGeometry().height() - TITLE_BAR
        self.resize(max(hint.width(), self.minimumWidth()), max(min(wanted, room), 0))

    # --- building -----------------------------------------------------------------------------

    def _build_criteria(
        self,
        day: date,
        therapist_id: int | None,
        visit_type: str | None,
        minutes: int | None,
        fixed_visit_type: bool,
    ) -> None:
        form = QFormLayout(self.criteria)
        form.setContentsMargins(0, 0, 0, 0)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(6)

        self.therapist = QComboBox()
        self.therapist.setObjectName("nextTherapist")
        self.therapist.addItem("Any therapist", None)
        for person in self._choices.clinicians:
            self.therapist.addItem(person.full_name, person.id)
        self.therapist.setCurrentIndex(max(0, self.therapist.findData(therapist_id)))
        self.from_date = DateField(
            QDate(day.year, day.month, day.day),
            today=lambda: self._clock().astimezone(self._zone).date(),
        )
        self.from_date.setObjectName("nextFromDate")
        who_row = self._row(
            self.therapist, 3, self._caption("&from", self.from_date), self.from_date, 2
        )
        form.addRow(self._caption("&Therapist", self.therapist), who_row)

        self.visit_type = QComboBox()
        self.visit_type.setObjectName("nextVisitType")
        for info in self._choices.visit_types:
            self.visit_type.addItem(info.label, info.code)
        self.visit_type.setCurrentIndex(max(0, self.visit_type.findData(visit_type)))
        self.visit_type.setEnabled(not fixed_visit_type)  # a visit being moved keeps its type
        self.length = QSpinBox()
        self.length.setObjectName("nextMinutes")
        self.length.setRange(5, booking.MAX_MINUTES)
        self.length.setSingleStep(5)
        self.length.setSuffix(" min")
        kind = self._visit_kind()
        self.length.setValue(minutes or (kind.default_minutes if kind else 45))
        self._length_typed = minutes is not None and (
            kind is None or minutes != kind.default_minutes
        )
        self.visit_type.currentIndexChanged.connect(lambda _i: self._visit_type_changed())
        self.length.valueChanged.connect(self._length_changed)
        kind_row = self._row(
            self.visit_type, 3, self._caption("&lasting", self.length), self.length, 1
        )
        form.addRow(self._caption("&Visit type", self.visit_type), kind_row)

        self.time_of_day = QComboBox()
        self.time_of_day.setObjectName("nextTimeOfDay")
        for text in ("Any time", "Mornings", "Afternoons", "Between…"):
            self.time_of_day.addItem(text)
        self.time_of_day.setToolTip(
            "Mornings: starting before 12:00. Afternoons: from 12:00. "
            "Between: the whole visit inside the two times."
        )
        self.window_from = TimeField(time(15))
        self.window_from.setObjectName("nextWindowFrom")
        self.window_from.setAccessibleName("Not before")
        self.window_to = TimeField(time(18))
        self.window_to.setObjectName("nextWindowTo")
        self.window_to.setAccessibleName("Done by")
        self.window_dash = QLabel("–")
        self.time_of_day.currentIndexChanged.connect(lambda _i: self._time_of_day_changed())
        when_row = self._row(
            self.time_of_day, 2, self.window_from, 1, self.window_dash, self.window_to, 1
        )
        form.addRow(self._caption("Time of &day", self.time_of_day), when_row)
        self._time_of_day_changed()

        self.weekday_boxes: list[QCheckBox] = []
        days = QWidget()
        days_row = QHBoxLayout(days)
        days_row.setContentsMargins(0, 0, 0, 0)
        for number, name in enumerate(WEEKDAYS):
            box = QCheckBox(name[:3])
            box.setObjectName(f"nextWeekday{number}")
            box.setAccessibleName(name)
            box.setChecked(True)
            box.toggled.connect(lambda _on: self._criteria_changed())
            self.weekday_boxes.append(box)
            days_row.addWidget(box)
        days_row.addStretch(1)
        self.search_button = QPushButton("&Search")
        self.search_button.setToolTip("Search again and go to the list (Enter in these fields)")
        self.search_button.clicked.connect(lambda: self.search(focus_list=True))
        days_row.addWidget(self.search_button)
        form.addRow(self._caption("&Weekdays", self.weekday_boxes[0]), days)

        for signal in (
            self.therapist.currentIndexChanged,
            self.from_date.dateChanged,
            self.window_from.editTextChanged,
            self.window_to.editTextChanged,
        ):
            signal.connect(lambda *_args: self._criteria_changed())

    def _preset(self, window: TimeWindow, weekdays: frozenset[int]) -> None:
        """Start from a time of day and weekdays (a waiting patient's wishes)."""
        if window in (MORNING, AFTERNOON):
            self.time_of_day.setCurrentIndex(1 if window == MORNING else 2)
        elif window != ANY_TIME:
            self.window_from.set_time(window.start_from or time(6))
            self.window_to.set_time(window.end_by or time(21))
            self.time_of_day.setCurrentIndex(3)
        for number, box in enumerate(self.weekday_boxes):
            box.setChecked(number in weekdays)

    @staticmethod
    def _caption(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    @staticmethod
    def _row(*parts: QWidget | int) -> QWidget:
        """Widgets side by side, each optionally followed by its stretch."""
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        items = list(parts)
        while items:
            widget = items.pop(0)
            assert isinstance(widget, QWidget)
            stretch = items.pop(0) if items and isinstance(items[0], int) else 0
            assert isinstance(stretch, int)
            row.addWidget(widget, stretch)
        return box

    # --- criteria -----------------------------------------------------------------------------

    def _visit_kind(self) -> VisitTypeInfo | None:
        return self._choices.visit_kind(self.visit_type.currentData())

    @property
    def visit_type_code(self) -> str | None:
        code = self.visit_type.currentData()
        return None if code is None else str(code)

    def minutes(self) -> int:
        return self.length.value()

    def _visit_type_changed(self) -> None:
        kind = self._visit_kind()
        if kind is not None and not self._length_typed:
            self.length.blockSignals(True)
            self.length.setValue(kind.default_minutes)
            self.length.blockSignals(False)
        self._criteria_changed()

    def _length_changed(self, _value: int) -> None:
        self._length_typed = True
        self._criteria_changed()

    def _time_of_day_changed(self) -> None:
        between = self.time_of_day.currentIndex() == 3
        for widget in (self.window_from, self.window_dash, self.window_to):
            widget.setVisible(between)
        self._criteria_changed()

    def _criteria_changed(self) -> None:
        # Searched again a moment after the last change, keeping the keyboard where it is:
        # the list never shows free times for other criteria than those on screen.
        self._search_timer.start()

    def _window(self) -> TimeWindow | str:
        """The time of day chosen, or what is wrong with it."""
        choice = self.time_of_day.currentIndex()
        if choice == 1:
            return MORNING
        if choice == 2:
            return AFTERNOON
        if choice == 3:
            start, end = self.window_from.time(), self.window_to.time()
            if start is None or end is None:
                return UNREADABLE_WINDOW
            if end <= start:
                return BAD_WINDOW
            return TimeWindow(start_from=start, end_by=end)
        return ANY_TIME

    def _question(self) -> SlotQuery | str:
        window = self._window()
        if isinstance(window, str):
            return window
        weekdays = frozenset(n for n, box in enumerate(self.weekday_boxes) if box.isChecked())
        if not weekdays:
            return NO_DAY
        therapist = self.therapist.currentData()
        return SlotQuery(
            minutes=self.length.value(),
            therapist_id=None if therapist is None else int(therapist),
            patient_id=self._patient_id,
            exclude_appointment_id=self._exclude,
            window=window,
            weekdays=weekdays,
        )

    def _start(self) -> datetime:
        """Midnight of the day chosen, or now when that is past."""
        picked = self.from_date.date()
        day = date(picked.year(), picked.month(), picked.day())
        return max(local_moment(day, time.min, self._zone), self._clock().astimezone(UTC))

    # --- searching ----------------------------------------------------------------------------

    def search(self, *, focus_list: bool = True) -> None:
        """The first free times for what is on screen; the list takes the keyboard."""
        self._search_timer.stop()
        self.model.set_records([])
        question = self._question()
        if isinstance(question, str):
            self._say("⚠ " + question, error=True)
            return
        self._query = question
        after = self._start()
        self._last_day = after.astimezone(self._zone).date() + timedelta(days=SEARCH_DAYS - 1)
        found = self._run(question, after, [])
        if found is None:
            return
        if not found.slots:
            self._say(self._nothing_text(after))
            return
        self._show(found, focus_list=focus_list)

    def show_more(self) -> None:
        """The next free times after the last one listed, searching the span after it."""
        rows = self.model.records()
        if self._query is None or not rows:
            return
        shown = [row.slot for row in rows]
        after = shown[-1].starts_at
        self._last_day = after.astimezone(self._zone).date() + timedelta(days=SEARCH_DAYS - 1)
        found = self._run(self._query, after, shown)
        if found is None:
            return
        if not found.slots:
            self.more_button.setEnabled(False)
            self._say(
                f"No more free times in the {_weeks(SEARCH_DAYS)} after "
                f"{short_date(after.astimezone(self._zone).date())}."
            )
            self.table.setFocus()
            return
        self._show(found, focus_list=True, keep=shown)

    def _run(self, query: SlotQuery, after: datetime, shown: list[FreeSlot]) -> SearchResult | None:
        try:
            return find_slots(
                self._db,
                self._actor,
                self._zone,
                query,
                after=after,
                last_day=self._last_day,
                shown=shown,
            )
        except DatabaseUnavailable as exc:
            log.warning("next available failed: %s", exc.__cause__ or exc)
            self._say("⚠ " + DATABASE_TROUBLE, error=True)
        except DomainError as exc:
            self._say("⚠ " + str(exc), error=True)
        return None

    def _show(
        self, found: SearchResult, *, focus_list: bool, keep: Sequence[FreeSlot] = ()
    ) -> None:
        slots = [*keep, *found.slots]
        days = [slot.starts_at.astimezone(self._zone).date() for slot in slots]
        rows = [
            _Row(slot, index == 0 or days[index - 1] != days[index])
            for index, slot in enumerate(slots)
        ]
        self.model.set_records(rows)
        self.table.show()
        self.hint.show()
        self.message.hide()
        self.more_button.setEnabled(not found.exhausted)
        first_new = len(keep)
        self.table.selectRow(first_new)
        # The new times at the top of the list, the ones already seen above them.
        self.table.scrollTo(
            self.model.index(first_new, 0), QAbstractItemView.ScrollHint.PositionAtTop
        )
        if focus_list:
            self.table.setFocus()

    def _say(self, text: str, *, error: bool = False) -> None:
        """A message in the list's place: nothing found, or what is wrong with the question."""
        if not self.model.records():
            self.table.hide()
            self.hint.hide()
            self.more_button.setEnabled(False)
        self.message.setObjectName("formError" if error else "formNotice")
        self.message.setStyleSheet("/* restyle */")  # re-read the rules for the new name
        self.message.setText(text)
        self.message.show()

    def _nothing_text(self, after: datetime) -> str:
        who = self.therapist.currentText() if self.therapist.currentData() else "any therapist"
        return (
            f"No free time for {who} ({self.length.value()} min) in the {_weeks(SEARCH_DAYS)} "
            f"from {short_date(after.astimezone(self._zone).date())}. Try another therapist, "
            "a shorter visit, another time of day or a later date."
        )

    def message_text(self) -> str:
        """What is said in the list's place, if anything (for tests and screen readers)."""
        return self.message.text() if not self.message.isHidden() else ""

    def slots(self) -> list[FreeSlot]:
        return [row.slot for row in self.model.records()]

    def _day_text(self, row: _Row) -> str:
        return (
            short_date(row.slot.starts_at.astimezone(self._zone).date()) if row.first_of_day else ""
        )

    def _time_text(self, slot: FreeSlot) -> str:
        start, end = slot.starts_at.astimezone(self._zone), slot.ends_at.astimezone(self._zone)
        return f"{start:%H:%M}–{end:%H:%M}"

    # --- choosing -----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in the search fields searches and goes to the list; in the list it chooses."""
        focus = self.focusWidget()
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and focus is not None and self.criteria.isAncestorOf(focus):
            self.search(focus_list=True)
            event.accept()
            return
        super().keyPressEvent(event)

    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.table.selectRow(index.row())
            self.accept()

    def accept(self) -> None:
        if self._search_timer.isActive():
            self.search(focus_list=True)  # changed criteria: show their times first
            return
        index = self.table.currentIndex()
        if not index.isValid() or self.table.isHidden():
            return  # nothing to take; the message says why
        self.chosen = self.model.record(index.row()).slot
        super().accept()
