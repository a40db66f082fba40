"""What the calendar, the day sheet and the calendar export show: appointments over a span of
time with everything a cell needs (names, phone, room, visit type and colour, the visit's place in
its episode), plus the bookable hours to shade. Read in a few queries per span, never per cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ptclinic.db import Database
from ptclinic.models import (
    Appointment,
    ClinicalNote,
    ClinicSettings,
    EpisodeOfCare,
    OpeningHours,
    Patient,
    Room,
    Staff,
    VisitType,
)
from ptclinic.services.actor import Actor
from ptclinic.services.availability import Interval, ScheduleRules, local_day_bounds
from ptclinic.services.booking import ACTIVE, BOOKABLE_ROLES, during, short_name
from ptclinic.services.compliance import medicare_progress_due
from ptclinic.services.errors import NotFound, ValidationError
from ptclinic.services.permissions import ROLE_LABELS, Permission, Role, require


@dataclass(frozen=True)
class AppointmentView:
    id: int
    version: int
    patient_id: int
    patient_name: str  # "Ortiz, Maria"
    patient_short: str  # "M. Ortiz"
    patient_phone: str
    chart_number: str
    therapist_id: int
    therapist_name: str
    room_id: int | None
    room_name: str
    starts_at: datetime
    ends_at: datetime
    visit_type: str
    visit_label: str
    colour: str
    status: str
    late_cancel: bool
    cancel_reason: str
    note: str
    series_id: int | None
    episode_id: int | None
    visit_number: int | None  # place among the episode's active visits, 1-based
    authorized_visits: int | None
    progress_day: int | None = None  # Medicare: the treatment day, when a progress note is due
    note_status: str = ""  # the visit note's status; "" before one is started

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def visit_count_text(self) -> str:
        """ "visit 7 of 12 authorized", "visit 3", or "" outside an episode; with "· progress
        note due" at a Medicare visit that needs one."""
        if self.visit_number is None:
            return ""
        text = f"visit {self.visit_number}"
        if self.authorized_visits is not None:
            text += f" of {self.authorized_visits} authorized"
        return text + (" · progress note due" if self.progress_day is not None else "")


@dataclass(frozen=True)
class Clinician:
    id: int
    username: str
    full_name: str
    credentials: str


@dataclass(frozen=True)
class RoomInfo:
    id: int
    name: str
    capacity: int


@dataclass(frozen=True)
class VisitTypeInfo:
    code: str
    label: str
    default_minutes: int
    colour: str


@dataclass(frozen=True)
class CalendarSpan:
    """Appointments from ``first_day`` to ``last_day`` (clinic-local), with what to shade."""

    zone: ZoneInfo
    first_day: date
    last_day: date
    appointments: list[AppointmentView]
    # (staff id, day) → when that person can be booked; missing means not at all.
    bookable: dict[tuple[int, date], list[Interval]]
    opening: dict[date, Interval | None]
    closed_reasons: dict[date, str]
    earliest: time  # the grid's first row: the earliest opening of the week shown
    latest: time


def clinicians(db: Database, actor: Actor) -> list[Clinician]:
    """Active staff who see patients, by name: the calendar's columns."""
    require(actor, Permission.VIEW_PATIENTS)
    with db.session() as session:
        rows = session.scalars(
            select(Staff)
            .where(Staff.active.is_(True), Staff.role.in_(BOOKABLE_ROLES))
            .order_by(Staff.full_name)
        )
        return [Clinician(s.id, s.username, s.full_name, s.credentials) for s in rows]


def clinician_by_username(db: Database, actor: Actor, username: str) -> Clinician:
    """The staff member who sees patients under ``username`` (a disabled one too: their booked
    visits still need printing or moving). Raises NotFound or ValidationError in plain words."""
    require(actor, Permission.VIEW_PATIENTS)
    name = username.strip().lower()
    with db.session() as session:
        row = session.scalar(select(Staff).where(Staff.username == name))
        if row is None:
            raise NotFound(f"No staff member has the username “{name}”. Check the spelling.")
        if row.role not in BOOKABLE_ROLES:
            raise ValidationError(
                {
                    "therapist": f"{row.full_name} ({ROLE_LABELS[Role(row.role)]}) does not see "
                    "patients, so has no visits to list."
                }
            )
        return Clinician(row.id, row.username, row.full_name, row.credentials)


def active_rooms(db: Database) -> list[RoomInfo]:
    with db.session() as session:
        rows = session.scalars(select(Room).where(Room.active.is_(True)).order_by(Room.name))
        return [RoomInfo(r.id, r.name, r.capacity) for r in rows]


def visit_types(db: Database, *, include_inactive: bool = False) -> list[VisitTypeInfo]:
    with db.session() as session:
        query = select(VisitType).order_by(VisitType.sort_order, VisitType.label)
        if not include_inactive:
            query = query.where(VisitType.active.is_(True))
        return [
            VisitTypeInfo(v.code, v.label, v.default_minutes, v.colour)
            for v in session.scalars(query)
        ]


def _views(session: Session, query_filter: list[object]) -> list[AppointmentView]:
    # The visit's place among its episode's active visits: a count per shown visit over the
    # (episode, start) index, not a window over every appointment ever booked.
    earlier = aliased(Appointment)
    number = (
        select(func.count())
        .where(
            earlier.episode_id == Appointment.episode_id,
            earlier.status.in_(ACTIVE),
            earlier.starts_at <= Appointment.starts_at,
        )
        .correlate(Appointment)
        .scalar_subquery()
    )
    therapist = aliased(Staff)
    query = (
        select(
            Appointment,
            Patient.first_name,
            Patient.last_name,
            Patient.phone,
            Patient.chart_number,
            therapist.full_name,
            Room.name,
            VisitType.label,
            VisitType.colour,
            EpisodeOfCare.authorized_visits,
            number,
            ClinicalNote.status,
        )
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(therapist, therapist.id == Appointment.therapist_id)
        .join(VisitType, VisitType.code == Appointment.visit_type)
        .outerjoin(Room, Room.id == Appointment.room_id)
        .outerjoin(EpisodeOfCare, EpisodeOfCare.id == Appointment.episode_id)
        .outerjoin(ClinicalNote, ClinicalNote.appointment_id == Appointment.id)
        .where(*query_filter)  # type: ignore[arg-type]
        .order_by(Appointment.starts_at, therapist.full_name)
    )
    rows = session.execute(query).all()
    zone = ZoneInfo(session.scalar(select(ClinicSettings.time_zone)) or "UTC")
    due = medicare_progress_due(session, {r[0].episode_id for r in rows if r[0].episode_id}, zone)
    views = []
    for row in rows:
        a = row[0]
        first, last, phone, chart, therapist_name, room, label, colour, authorized = row[1:10]
        number, note_status = row[10:]
        views.append(
            AppointmentView(
                id=a.id,
                version=a.version,
                patient_id=a.patient_id,
                patient_name=f"{last}, {first}",
                patient_short=short_name(first, last),
                patient_phone=phone,
                chart_number=chart,
                therapist_id=a.therapist_id,
                therapist_name=therapist_name,
                room_id=a.room_id,
                room_name=room or "",
                starts_at=a.starts_at,
                ends_at=a.ends_at,
                visit_type=a.visit_type,
                visit_label=label,
                colour=colour,
                status=a.status,
                late_cancel=a.late_cancel,
                cancel_reason=a.cancel_reason,
                note=a.note,
                series_id=a.series_id,
                episode_id=a.episode_id,
                visit_number=number if a.episode_id is not None and a.status in ACTIVE else None,
                authorized_visits=authorized,
                progress_day=due.get(a.id),
                note_status=note_status or "",
            )
        )
    return views


def calendar_span(
    db: Database,
    actor: Actor,
    first_day: date,
    last_day: date,
    *,
    therapist_ids: list[int] | None = None,
    room_ids: list[int] | None = None,
) -> CalendarSpan:
    """Appointments (all statuses) and bookable hours for clinic-local days, optionally only for
    some therapists or rooms."""
    require(actor, Permission.VIEW_PATIENTS)
    with db.session() as session:
        staff_ids = therapist_ids
        if staff_ids is None:
            staff_ids = list(
                session.scalars(
                    select(Staff.id).where(Staff.active.is_(True), Staff.role.in_(BOOKABLE_ROLES))
                )
            )
        rules = ScheduleRules.load(session, staff_ids, first_day, last_day)
        span = Interval(
            local_day_bounds(first_day, rules.zone).start,
            local_day_bounds(last_day, rules.zone).end,
        )
        filters: list[object] = [during(span)]
        if therapist_ids is not None:
            filters.append(Appointment.therapist_id.in_(therapist_ids))
        if room_ids is not None:
            filters.append(Appointment.room_id.in_(room_ids))
        appointments = _views(session, filters)
        days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
        bookable = {
            (staff_id, day): windows
            for staff_id in staff_ids
            for day in days
            if (windows := rules.working_windows(staff_id, day))
        }
        hours = list(session.scalars(select(OpeningHours)))
    earliest = min((h.opens_at for h in hours), default=time(7))
    latest = max((h.closes_at for h in hours), default=time(19))
    return CalendarSpan(
        zone=rules.zone,
        first_day=first_day,
        last_day=last_day,
        appointments=appointments,
        bookable=bookable,
        opening={day: rules.opening_window(day) for day in days},
        closed_reasons={day: rules.closed[day] for day in days if day in rules.closed},
        earliest=earliest,
        latest=latest,
    )


def appointment_view(db: Database, actor: Actor, appointment_id: int) -> AppointmentView | None:
    require(actor, Permission.VIEW_PATIENTS)
    with db.session() as session:
        views = _views(session, [Appointment.id == appointment_id])
    return views[0] if views else None
