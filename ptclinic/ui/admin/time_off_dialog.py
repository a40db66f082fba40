"""Recording a clinician's time off: whole days by default, or from one time to another.

Shared by Administration and (later) the Schedule page, since the front desk hears of a sick day
first; the service lets both record it. People enter the absence in the clinic's local time; the
service gets aware UTC moments, so an absence over a daylight-saving change keeps its wall-clock
ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from ptclinic.db import Database
from ptclinic.services import schedule_settings, staff
from ptclinic.services.actor import Actor
from ptclinic.services.availability import local_moment
from ptclinic.services.booking import BOOKABLE_ROLES
from ptclinic.services.calendar import Clinician
from ptclinic.services.clinic import clinic_today, clinic_zone
from ptclinic.services.errors import ValidationError
from ptclinic.ui.admin.common import ServiceDialog
from ptclinic.ui.admin.time_edits import (
    QuarterTimeEdit,
    date_edit,
    day_text,
    length_text,
    moment_text,
    whole_days,
)
from ptclinic.ui.date_field import from_qdate, to_qdate
from ptclinic.ui.events import events

# A partial absence starts as the clinic's day when that weekday is closed or unknown.
FALLBACK_HOURS = (time(8), time(17))


def clinician_choices(db: Database) -> list[Clinician]:
    """Active staff who see patients, by name. Read from the staff list rather than
    ``calendar.clinicians``, which asks for the patient-viewing permission an administrator does
    not have."""
    return [
        Clinician(s.id, s.username, s.full_name, s.credentials)
        for s in sorted(staff.list_staff(db, include_inactive=False), key=lambda s: s.full_name)
        if s.role in BOOKABLE_ROLES
    ]


def person_label(person: Clinician) -> str:
    """ "Dana Lee, PT, DPT" (the credentials tell two people of one name apart)."""
    return f"{person.full_name}, {person.credentials}" if person.credentials else person.full_name


def displaced_text(count: int, where: str) -> str:
    """ "2 booked visits fall in this absence — move them in the Schedule." (empty for none)."""
    if count <= 0:
        return ""
    if count == 1:
        return f"1 booked visit falls {where} — move it in the Schedule."
    return f"{count} booked visits fall {where} — move them in the Schedule."


class TimeOffDialog(ServiceDialog):
    """Add an absence for one of ``people`` (``staff_id`` preselects one; else nobody is chosen,
    so a hurried Enter cannot book the wrong person off).

    After it is accepted, ``displaced`` says how many booked visits fall in the absence,
    ``notice()`` says all of it in a sentence, and ``data_changed("schedule_settings", [])`` has
    been emitted so open calendars shade the absence.
    """

    def __init__(
        self,
        db: Database,
        actor: Actor,
        people: Sequence[Clinician],
        *,
        staff_id: int | None = None,
        day: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Add time off", "&Add time off", parent)
        self.setObjectName("timeOffDialog")
        self._db = db
        self._actor = actor
        self._zone = clinic_zone(db)
        self.displaced: schedule_settings.Displaced | None = None
        self._saved: tuple[str, datetime, datetime] | None = None
        first_day = day or clinic_today(db)

        self.who = QComboBox()
        self.who.setPlaceholderText("Choose who is away")
        for person in people:
            self.who.addItem(person_label(person), person.id)
        self.who.setCurrentIndex(self.who.findData(staff_id) if staff_id is not None else -1)
        self.all_day = QCheckBox("A&ll day (whole days, first to last)")
        self.all_day.setChecked(True)  # most absences are holidays, courses and sick days
        opens, closes = schedule_settings.opening_hours(db).get(first_day.weekday(), FALLBACK_HOURS)
        self.from_date = date_edit(first_day, today=lambda: datetime.now(self._zone).date())
        self.from_time = QuarterTimeEdit(opens)
        self.until_date = date_edit(first_day, today=lambda: datetime.now(self._zone).date())
        self.until_time = QuarterTimeEdit(closes)
        for edit, name in (
            (self.from_date, "First day"),
            (self.from_time, "From time"),
            (self.until_date, "Last day"),
            (self.until_time, "Until time"),
        ):
            edit.setAccessibleName(name)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. Holiday, course, sick day (optional)")
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)

        self.fields.add_row("staff_id", "&Clinician", self.who)
        self.fields.add_row("all_day", "", self.all_day)
        self.fields.add_row("starts_at", "&From", _pair(self.from_date, self.from_time))
        self.fields.add_row("ends_at", "&Until", _pair(self.until_date, self.until_time))
        self.fields.add_row("reason", "&Reason", self.reason)
        self.form.addRow("", self.summary)

        self.all_day.toggled.connect(self._follow_all_day)
        self.from_date.dateChanged.connect(self._keep_until_after_from)
        for signal in (
            self.from_date.dateChanged,
            self.until_date.dateChanged,
            self.from_time.timeChanged,
            self.until_time.timeChanged,
        ):
            signal.connect(self._describe)
        self._follow_all_day(True)
        (self.who if staff_id is None else self.from_date).setFocus()

    # --- what the form holds --------------------------------------------------------------

    def span(self) -> tuple[datetime, datetime]:
        """The absence as UTC moments: midnight to midnight for whole days (so the last day is
        included), otherwise the two wall-clock times."""
        first, last = from_qdate(self.from_date.date()), from_qdate(self.until_date.date())
        if self.all_day.isChecked():
            return (
                local_moment(first, time.min, self._zone),
                local_moment(last + timedelta(days=1), time.min, self._zone),
            )
        return (
            local_moment(first, self.from_time.value(), self._zone),
            local_moment(last, self.until_time.value(), self._zone),
        )

    def set_days(self, first: date, last: date) -> None:
        self.from_date.setDate(to_qdate(first))
        self.until_date.setDate(to_qdate(last))

    def _follow_all_day(self, all_day: bool) -> None:
        self.from_time.setVisible(not all_day)
        self.until_time.setVisible(not all_day)
        self._describe()

    def _keep_until_after_from(self) -> None:
        # Moving the first day past the last one drags the last day along, as a calendar does.
        if self.until_date.date() < self.from_date.date():
            self.until_date.setDate(self.from_date.date())

    def _describe(self) -> None:
        start, end = self.span()
        self.summary.setVisible(end > start)
        if end > start:
            self.summary.setText("Away " + span_text(start, end, self._zone) + ".")

    # --- saving -----------------------------------------------------------------------------

    def save(self) -> None:
        staff_id = self.who.currentData()
        if staff_id is None:
            raise ValidationError({"staff_id": "Choose who will be away."})
        start, end = self.span()
        self.displaced = schedule_settings.add_time_off(
            self._db, self._actor, int(staff_id), start, end, self.reason.text()
        )
        self._saved = (self.who.currentText().split(",")[0], start, end)
        events().data_changed.emit("schedule_settings", [])

    def notice(self) -> str:
        """What to tell the person once saved, including the visits to move."""
        if self._saved is None or self.displaced is None:
            return ""
        name, start, end = self._saved
        saved = f"Time off recorded for {name}: {span_text(start, end, self._zone)}."
        moved = displaced_text(self.displaced.count, "in this absence")
        return f"{saved}\n⚠ {moved}" if moved else saved  # the task on its own line


def span_text(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """ "Mon Dec 7 – Wed Dec 9, 2026 (3 days)" or "Mon Dec 7, 2026 13:00 – 17:00 (4 h)"."""
    size = length_text(start, end, zone)
    if days := whole_days(start, end, zone):
        first, last = days
        if first == last:
            return f"{day_text(first)} ({size})"
        return f"{day_text(first)} – {day_text(last)} ({size})"
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.date() == local_end.date():
        return f"{moment_text(start, zone)} – {local_end:%H:%M} ({size})"
    return f"{moment_text(start, zone)} – {moment_text(end, zone)} ({size})"


def _pair(day: QWidget, clock: QWidget) -> QWidget:
    """A date and a time side by side in one form row; the row's mnemonic lands on the date."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(8)
    row.addWidget(day, 1)
    row.addWidget(clock)
    box.setFocusProxy(day)
    # A label's mnemonic skips a buddy without a focus policy, proxy or not.
    box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return box
