"""Put a patient on the waitlist with what would suit them, and take one off it again.

The waitlist service decides what a wish may be; its refusals appear beside the fields they are
about. The dialog only reads what was typed: a patient chosen, times that can be read. Blank
times mean "from opening" and "until closing"; no weekday ticked means any day.
"""

from __future__ import annotations

import logging
from datetime import date, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import waitlist
from ptclinic.services.actor import Actor
from ptclinic.services.availability import WEEKDAY_NAMES
from ptclinic.services.errors import (
    ConflictError,
    DomainError,
    NotFound,
    ValidationError,
)
from ptclinic.services.patient_search import PatientSummary
from ptclinic.services.waitlist import WaitlistItem, WaitlistWish
from ptclinic.ui.admin.common import ServiceDialog
from ptclinic.ui.date_field import DateField
from ptclinic.ui.events import events
from ptclinic.ui.schedule.fields import PatientPicker, TimeField, parse_clock
from ptclinic.ui.schedule.form_parts import ScheduleChoices
from ptclinic.ui.schedule.layout import MONTHS
from ptclinic.ui.unsaved import KeepsWorkDialog

log = logging.getLogger(__name__)

DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ANY_THERAPIST = "Any therapist"
CHOOSE_PATIENT = "Choose a patient: type part of the name, then Enter."
UNREADABLE = "could not be read: type it as 10:30 or 1030, or leave it blank."
# The service names the two ends of the time window apart; the dialog shows them on one row.
_HOURS_FIELDS = {"earliest_time": "hours", "latest_time": "hours"}
REMOVE_REASONS = (
    "Booked at another time", "No longer needs the visit", "Found another clinic",
    "Could not be reached", "Asked to be taken off",
)  # fmt: skip


def since_text(item: WaitlistItem, zone: ZoneInfo, today: date) -> str:
    """ "since Nov 2" (or "since Nov 2, 2025" from another year): when the wait began."""
    day = item.created_at.astimezone(zone).date()
    year = "" if day.year == today.year else f", {day.year}"
    return f"since {MONTHS[day.month - 1][:3]} {day.day}{year}"


def _optional_time(field: TimeField) -> tuple[time | None, bool]:
    """The time typed (None when blank) and whether the text could be read."""
    text = field.currentText().strip()
    if not text:
        return None, True
    clock = parse_clock(text)
    return clock, clock is not None


def _blank_time(placeholder: str) -> TimeField:
    field = TimeField(time(8))
    field.setCurrentIndex(-1)
    field.setEditText("")
    line = field.lineEdit()
    assert line is not None  # editable combo boxes always have one
    line.setPlaceholderText(placeholder)
    return field


class WaitlistDialog(ServiceDialog, KeepsWorkDialog):
    """Add a patient to the waitlist. ``patient`` and ``therapist_id`` preselect; ``today`` is
    the clinic's today (the first date offered). After a save ``saved`` holds the entry and
    ``events().data_changed("waitlist", [id])`` has been emitted."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        choices: ScheduleChoices,
        *,
        today: date,
        patient: PatientSummary | None = None,
        therapist_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Add to the waitlist", "&Add to waitlist", parent)
        self.setMinimumWidth(640)
        self._db, self._actor = db, actor
        self._patient: PatientSummary | None = None
        self.saved: WaitlistItem | None = None
        self.set_intro(
            "Who wants a visit sooner, and when they could come. When a slot that suits them "
            "frees up, the schedule offers it."
        )

        self.picker = PatientPicker(db, actor)
        self.picker.chosen.connect(self._patient_chosen)
        self.visit_type = QComboBox()
        self.visit_type.setObjectName("waitlistVisitType")
        for kind in choices.visit_types:
            self.visit_type.addItem(f"{kind.label} ({kind.default_minutes} min)", kind.code)
        self.therapist = QComboBox()
        self.therapist.setObjectName("waitlistTherapist")
        self.therapist.addItem(ANY_THERAPIST, None)
        for person in choices.clinicians:
            self.therapist.addItem(person.full_name, person.id)
        self.therapist.setCurrentIndex(max(0, self.therapist.findData(therapist_id)))
        self.day_boxes = [QCheckBox(label) for label in DAY_LABELS]
        days = QWidget()
        days_row = QHBoxLayout(days)
        days_row.setContentsMargins(0, 0, 0, 0)
        days_row.setSpacing(10)
        for box, name in zip(self.day_boxes, WEEKDAY_NAMES, strict=True):
            box.setAccessibleName(name)
            days_row.addWidget(box)
        days_row.addStretch(1)
        days.setToolTip("Leave every day unticked if any day suits")
        self.earliest_time = _blank_time("opening")
        self.earliest_time.setObjectName("waitlistEarliestTime")
        self.earliest_time.setAccessibleName("Earliest time of day")
        self.latest_time = _blank_time("closing")
        self.latest_time.setObjectName("waitlistLatestTime")
        self.latest_time.setAccessibleName("Latest time the visit ends")
        hours = QWidget()
        hours_row = QHBoxLayout(hours)
        hours_row.setContentsMargins(0, 0, 0, 0)
        hours_row.setSpacing(8)
        hours_row.addWidget(QLabel("from"))
        hours_row.addWidget(self.earliest_time, 1)
        hours_row.addWidget(QLabel("ending by"))
        hours_row.addWidget(self.latest_time, 1)
        hours.setToolTip("Blank: from opening, until closing. The whole visit fits in between.")
        self.earliest_date = DateField(
            QDate(today.year, today.month, today.day), today=lambda: today
        )
        self.earliest_date.setObjectName("waitlistEarliestDate")
        self.note = QLineEdit()
        self.note.setObjectName("waitlistNote")
        self.note.setPlaceholderText("e.g. can come at short notice (optional)")
        self.note.setMaxLength(waitlist.MAX_NOTE)

        self._add_row("patient", "&Patient *", self.picker, self.picker.search)
        self.fields.add_row("visit_type", "&Visit type *", self.visit_type)
        self.fields.add_row("therapist", "&Therapist", self.therapist)
        self._add_row("weekdays", "&Weekdays", days, self.day_boxes[0])
        self._add_row("hours", "&Hours", hours, self.earliest_time)
        for row in (days, hours):
            # A refused row of several fields marks its fields (``_mark_hours``), not the row's
            # container, whose red frame would box in the "from" and "ending by" words.
            row.setObjectName("waitlistRow")
            row.setStyleSheet('QWidget#waitlistRow[invalid="true"] { border: none; }')
        self.days_hint = QLabel("No day ticked: any day. Blank times: any time the clinic is open.")
        self.days_hint.setObjectName("hint")
        self.days_hint.setWordWrap(True)
        self.form.addRow("", self.days_hint)
        self.fields.add_row("earliest_date", "&Earliest date", self.earliest_date)
        self.fields.add_row("note", "&Note", self.note)
        self.waiting_notice = QLabel()
        self.waiting_notice.setObjectName("formNotice")
        self.waiting_notice.setWordWrap(True)
        self.waiting_notice.hide()
        self.form.addRow(self.waiting_notice)

        if patient is not None:
            self.picker.choose(patient)
        self._initial = self._snapshot()
        (self.visit_type if patient is not None else self.picker.search).setFocus()

    def _add_row(self, name: str, label: str, box: QWidget, first: QWidget) -> None:
        """A row of several widgets: its Alt+letter goes to ``first`` (a plain container never
        takes focus)."""
        self.fields.add_row(name, label, box)
        row = box.parentWidget()  # FieldErrors wraps the field with its error line
        caption = self.form.labelForField(row) if row is not None else None
        if isinstance(caption, QLabel):
            caption.setBuddy(first)

    # --- patient ------------------------------------------------------------------------------

    def chosen_patient(self) -> PatientSummary | None:
        return self._patient

    def _patient_chosen(self, patient: PatientSummary) -> None:
        self._patient = patient
        self._say_already_waiting(patient)
        self.visit_type.setFocus()

    def _say_already_waiting(self, patient: PatientSummary) -> None:
        """A second entry is allowed (another visit type, another therapist), but say so."""
        try:
            waiting = waitlist.waiting_list(self._db, self._actor, patient_id=patient.id)
        except DomainError as exc:
            log.warning("waitlist of patient %s: %s", patient.id, exc)
            waiting = []
        lines = [f"{w.visit_label}: {w.wishes_text()}" for w in waiting]
        self.waiting_notice.setText(
            f"⚠ {patient.display_name} is already waiting:\n" + "\n".join(lines) if lines else ""
        )
        self.waiting_notice.setVisible(bool(lines))

    # --- saving -------------------------------------------------------------------------------

    def weekdays(self) -> tuple[int, ...]:
        return tuple(day for day, box in enumerate(self.day_boxes) if box.isChecked())

    def wish(self) -> WaitlistWish:
        """What was typed, as the service takes it; raises ValidationError for what cannot be
        read (no patient, a time that is not a time)."""
        problems: dict[str, str] = {}
        early, early_ok = _optional_time(self.earliest_time)
        late, late_ok = _optional_time(self.latest_time)
        if not early_ok:
            problems["hours"] = "The earliest time " + UNREADABLE
        elif not late_ok:
            problems["hours"] = "The latest time " + UNREADABLE
        if self._patient is None:
            problems["patient"] = CHOOSE_PATIENT
        code = self.visit_type.currentData()
        if code is None:
            problems["visit_type"] = "Choose a visit type (an administrator sets them up)."
        if problems:
            raise ValidationError(problems)
        assert self._patient is not None
        picked = self.earliest_date.date()
        return WaitlistWish(
            patient_id=self._patient.id,
            visit_type=str(code),
            earliest_date=date(picked.year(), picked.month(), picked.day()),
            therapist_id=self.therapist.currentData(),
            weekdays=self.weekdays(),
            earliest_time=early,
            latest_time=late,
            note=self.note.text(),
        )

    def save(self) -> None:
        wish = self.wish()
        try:
            self.saved = waitlist.add_to_waitlist(self._db, self._actor, wish)
        except ValidationError as exc:
            fields = {_HOURS_FIELDS.get(k, k): v for k, v in exc.field_errors.items()}
            raise ValidationError(fields) from exc
        events().data_changed.emit("waitlist", [self.saved.id])

    def accept(self) -> None:
        super().accept()
        self._mark_hours(bool(self.fields.message("hours")) and self.saved is None)

    def _mark_hours(self, invalid: bool) -> None:
        for field in (self.earliest_time, self.latest_time):
            field.setProperty("invalid", invalid)
            field.style().unpolish(field)
            field.style().polish(field)

    # --- closing ------------------------------------------------------------------------------

    def _snapshot(self) -> tuple[object, ...]:
        return (
            self._patient.id if self._patient else None,
            self.visit_type.currentData(),
            self.therapist.currentData(),
            self.weekdays(),
            self.earliest_time.currentText().strip(),
            self.latest_time.currentText().strip(),
            self.earliest_date.date(),
            self.note.text(),
        )

    unsaved_title = "Not on the waitlist yet"

    def unsaved_question(self) -> str:
        return "Add this patient to the waitlist before closing?"

    def is_dirty(self) -> bool:
        return self.saved is None and self._snapshot() != self._initial


class RemoveDialog(ServiceDialog):
    """Take one patient off the waitlist, with a reason for the record (optional). ``stale``
    says the entry was changed, booked or removed elsewhere meanwhile."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        item: WaitlistItem,
        zone: ZoneInfo,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Take off the waitlist", "&Take off the waitlist", parent)
        self._db, self._actor, self._item = db, actor, item
        self.stale = False
        self.set_intro(
            f"{item.patient_name} · {item.visit_label} · waiting {since_text(item, zone, today)}"
            f"\n{item.wishes_text()}"
        )
        keep = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        keep.setText("&Keep waiting")
        self.reason = QComboBox()
        self.reason.setObjectName("waitlistRemoveReason")
        self.reason.setEditable(True)
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason.addItems(["", *REMOVE_REASONS])
        line = self.reason.lineEdit()
        assert line is not None  # editable combo boxes always have one
        line.setPlaceholderText("Why? (optional, kept in the record)")
        line.setMaxLength(waitlist.MAX_NOTE)
        self.fields.add_row("reason", "&Reason", self.reason)
        self.reason.setFocus()

    def save(self) -> None:
        item = self._item
        try:
            waitlist.remove_from_waitlist(
                self._db, self._actor, item.id, item.version, reason=self.reason.currentText()
            )
        except (ConflictError, NotFound):
            self.stale = True  # the list behind is out of date too
            raise
        events().data_changed.emit("waitlist", [item.id])
