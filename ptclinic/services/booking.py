"""Booking, moving and the status of appointments, with conflicts said in words.

Every check here runs again inside the writing transaction, and the database's own no-overlap
guards (migration 0002) stand behind it: when two workstations take the same slot at the same
moment, one booking lands and the other gets a ConflictError naming what is in the way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ptclinic.db import Database
from ptclinic.models import (
    Appointment,
    AppointmentStatus,
    EpisodeOfCare,
    Patient,
    Room,
    Staff,
    VisitType,
)
from ptclinic.models.appointment import ACTIVE_STATUSES
from ptclinic.models.base import utcnow
from ptclinic.roles import Role
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.availability import Interval, ScheduleRules, clock
from ptclinic.services.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.permissions import EVALUATING_ROLES, Permission, require

ACTIVE = tuple(status.value for status in ACTIVE_STATUSES)
BOOKABLE_ROLES = (Role.THERAPIST.value, Role.ASSISTANT.value, Role.STUDENT.value)
LATE_CANCEL_HOURS = 24
NO_SHOW_WARNING_AT = 2
MAX_MINUTES = 480


@dataclass(frozen=True)
class BookingRequest:
    patient_id: int
    therapist_id: int
    starts_at: datetime
    minutes: int
    visit_type: str
    room_id: int | None = None
    episode_id: int | None = None
    note: str = ""

    @property
    def slot(self) -> Interval:
        return Interval(self.starts_at, self.starts_at + timedelta(minutes=self.minutes))


@dataclass(frozen=True)
class BookingCheck:
    """What stands in the way of a booking, in words for the front desk.

    ``clashes`` can never be saved (a double booking); ``outside_hours`` can only be saved with
    an administrator's override; ``warnings`` may be saved once the person has seen them.
    """

    clashes: tuple[str, ...] = ()
    outside_hours: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def bookable(self) -> bool:
        return not self.clashes and self.outside_hours is None


def short_name(first: str, last: str) -> str:
    """ "M. Ortiz": enough for a colleague to know whom, little for a passer-by to read."""
    return f"{first[:1]}. {last}" if first else last


def _span(appointment: Appointment, rules: ScheduleRules) -> str:
    return f"{clock(appointment.starts_at, rules.zone)}–{clock(appointment.ends_at, rules.zone)}"


# --- validation -----------------------------------------------------------------------------

# Visits where the patient is evaluated: booked with a therapist who evaluates.
EVALUATION_VISIT_TYPES = frozenset({"initial_evaluation", "re_evaluation"})


def _load_parties(session: Session, request: BookingRequest) -> tuple[Patient, Staff]:
    """The patient and therapist, after checking every referenced row exists and fits."""
    errors: dict[str, str] = {}
    if request.starts_at.tzinfo is None:
        errors["starts_at"] = "The start time needs a time zone."  # a programming slip
    if not 5 <= request.minutes <= MAX_MINUTES or request.minutes % 5:
        errors["minutes"] = f"A visit lasts 5 to {MAX_MINUTES} minutes, in steps of 5 minutes."
    patient = session.get(Patient, request.patient_id)
    if patient is None or not patient.active:
        errors["patient"] = "Choose a patient whose record is active."
    therapist = session.get(Staff, request.therapist_id)
    if therapist is None or not therapist.active or therapist.role not in BOOKABLE_ROLES:
        errors["therapist"] = "Choose an active therapist, assistant or student."
    visit_type = session.get(VisitType, request.visit_type)
    if visit_type is None or not visit_type.active:
        errors["visit_type"] = "Choose a visit type from the list."
    elif (
        request.visit_type in EVALUATION_VISIT_TYPES
        and therapist is not None
        and therapist.role not in EVALUATING_ROLES
    ):
        errors["therapist"] = (
            f"{visit_type.label}s are done by a physical therapist; {therapist.full_name} is "
            "an assistant. Choose a therapist for this visit."
        )
    if request.room_id is not None:
        room = session.get(Room, request.room_id)
        if room is None or not room.active:
            errors["room"] = "That room is not in use any more; choose another."
    if request.episode_id is not None:
        episode = session.get(EpisodeOfCare, request.episode_id)
        if episode is None or episode.patient_id != request.patient_id:
            errors["episode"] = "That episode of care belongs to another patient."
        elif episode.status != "open":
            errors["episode"] = "That episode of care is closed; open a new one first."
    if errors:
        raise ValidationError(errors)
    assert patient is not None and therapist is not None
    return patient, therapist


# --- conflicts -----------------------------------------------------------------------------


# The database refuses visits longer than this (migration 0002), which bounds how long before a
# span an overlapping visit can start.
LONGEST_VISIT = timedelta(hours=12)


def during(span: Interval) -> ColumnElement[bool]:
    """SQL condition: an appointment (any status) overlapping ``span``.

    The lower bound on the start is implied by the others, but it is what lets the database
    read a short stretch of the (…, starts_at) indexes instead of every earlier visit.
    """
    return and_(
        Appointment.starts_at > span.start - LONGEST_VISIT,
        Appointment.starts_at < span.end,
        Appointment.ends_at > span.start,
    )


def active_overlap(slot: Interval) -> ColumnElement[bool]:
    """SQL condition: an appointment that holds its slot and overlaps ``slot``."""
    return and_(Appointment.status.in_(ACTIVE), during(slot))


def _clashes(
    session: Session,
    request: BookingRequest,
    patient: Patient,
    therapist: Staff,
    rules: ScheduleRules,
    exclude_id: int | None,
) -> list[str]:
    slot = request.slot
    room = session.get(Room, request.room_id) if request.room_id is not None else None
    who = [Appointment.therapist_id == request.therapist_id, Appointment.patient_id == patient.id]
    if room is not None and room.capacity == 1:
        who.append(Appointment.room_id == room.id)
    query = select(Appointment).where(active_overlap(slot), or_(*who))
    if exclude_id is not None:
        query = query.where(Appointment.id != exclude_id)
    rows = session.execute(
        query.join(Patient, Patient.id == Appointment.patient_id)
        .join(Staff, Staff.id == Appointment.therapist_id)
        .add_columns(Patient.first_name, Patient.last_name, Staff.full_name)
        .order_by(Appointment.starts_at)
    ).all()
    words: list[str] = []
    for other, first, last, other_therapist in rows:
        span, them = _span(other, rules), short_name(first, last)
        if other.therapist_id == request.therapist_id:
            words.append(f"{therapist.full_name} already sees {them} {span}.")
        elif other.patient_id == patient.id:
            words.append(f"{them} already has a visit {span} with {other_therapist}.")
        else:
            assert room is not None
            words.append(f"{room.name} is taken {span} ({them} with {other_therapist}).")
    return words


def _warnings(
    session: Session, request: BookingRequest, patient: Patient, exclude_id: int | None
) -> list[str]:
    words: list[str] = []
    name = short_name(patient.first_name, patient.last_name)
    missed = session.execute(
        select(func.count(), func.max(Appointment.starts_at)).where(
            Appointment.patient_id == patient.id,
            Appointment.status == AppointmentStatus.NO_SHOW.value,
        )
    ).one()
    if missed[0] >= NO_SHOW_WARNING_AT:
        words.append(
            f"{name} has missed {missed[0]} visits without notice (the last on "
            f"{missed[1]:%d %b %Y}). Consider confirming by phone the day before."
        )
    if request.episode_id is not None:
        episode = session.get(EpisodeOfCare, request.episode_id)
        if episode is not None and episode.authorized_visits is not None:
            query = select(func.count()).where(
                Appointment.episode_id == episode.id, Appointment.status.in_(ACTIVE)
            )
            if exclude_id is not None:
                query = query.where(Appointment.id != exclude_id)
            booked = (session.scalar(query) or 0) + 1
            if booked > episode.authorized_visits:
                words.append(
                    f"This would be visit {booked} of the episode, but only "
                    f"{episode.authorized_visits} are authorized. Ask the payer for more visits "
                    "before the patient comes."
                )
    return words


def _examine(
    session: Session,
    request: BookingRequest,
    exclude_id: int | None = None,
) -> tuple[BookingCheck, Patient, Staff, ScheduleRules]:
    patient, therapist = _load_parties(session, request)
    day = request.starts_at.date()
    rules = ScheduleRules.load(
        session, [therapist.id], day - timedelta(days=1), day + timedelta(days=1)
    )
    check = BookingCheck(
        clashes=tuple(_clashes(session, request, patient, therapist, rules, exclude_id)),
        outside_hours=rules.why_not_bookable(therapist.id, request.slot, therapist.full_name),
        warnings=tuple(_warnings(session, request, patient, exclude_id)),
    )
    return check, patient, therapist, rules


def examine(
    session: Session, request: BookingRequest, *, exclude_id: int | None = None
) -> tuple[BookingCheck, Patient, Staff]:
    """The checks of ``check_booking`` inside the caller's own transaction, for services that
    weigh or book several visits in one unit of work (recurring series, the waitlist). The
    caller has checked the actor's permission; nothing is written."""
    check, patient, therapist, _rules = _examine(session, request, exclude_id)
    return check, patient, therapist


def check_booking(
    db: Database, actor: Actor, request: BookingRequest, *, exclude_id: int | None = None
) -> BookingCheck:
    """What would stand in the way of booking ``request`` (nothing is written)."""
    require(actor, Permission.MANAGE_SCHEDULE)
    with db.session() as session:
        return _examine(session, request, exclude_id)[0]


def refuse(check: BookingCheck, override_by: Actor | None = None) -> None:
    """Raise what ``book`` raises for ``check``: a clash always, outside hours unless an
    administrator overrides. For services that book inside their own transaction."""
    _refuse(check, override_by)


def _refuse(check: BookingCheck, override_by: Actor | None) -> None:
    if check.clashes:
        raise ConflictError(" ".join(check.clashes))
    if check.outside_hours is not None:
        if override_by is None:
            raise ConflictError(
                f"{check.outside_hours} Only an administrator can book outside these hours."
            )
        if override_by.role != Role.ADMIN.value:
            raise PermissionDenied("Only an administrator can book outside the working hours.")


def _lost_race(
    db: Database, actor: Actor, request: BookingRequest, exclude_id: int | None
) -> ConflictError:
    """The database refused an overlap another workstation wrote a moment ago: say what."""
    clashes = check_booking(db, actor, request, exclude_id=exclude_id).clashes
    return ConflictError(
        " ".join(clashes) if clashes else "Someone else booked that time a moment ago."
    )


# --- writing --------------------------------------------------------------------------------


def book(
    db: Database, actor: Actor, request: BookingRequest, *, override_by: Actor | None = None
) -> int:
    """Book one appointment; returns its id. ``override_by`` is an administrator who allowed a
    booking outside the clinic's or therapist's hours."""
    require(actor, Permission.MANAGE_SCHEDULE)
    try:
        with db.session() as session:
            check, patient, therapist, _rules = _examine(session, request)
            _refuse(check, override_by)
            return insert_appointment(session, actor, request, patient, therapist, override_by)
    except IntegrityError as exc:
        raise _lost_race(db, actor, request, None) from exc


def insert_appointment(
    session: Session,
    actor: Actor,
    request: BookingRequest,
    patient: Patient,
    therapist: Staff,
    override_by: Actor | None = None,
    series_id: int | None = None,
) -> int:
    """Write one checked appointment and its audit row (the caller has run the checks)."""
    row = Appointment(
        patient_id=request.patient_id,
        therapist_id=request.therapist_id,
        room_id=request.room_id,
        episode_id=request.episode_id,
        starts_at=request.starts_at,
        ends_at=request.slot.end,
        visit_type=request.visit_type,
        note=request.note.strip(),
        series_id=series_id,
    )
    session.add(row)
    session.flush()
    overridden = f"; outside hours, allowed by {override_by.username}" if override_by else ""
    audit.record(
        session,
        AuditAction.CREATE,
        actor=actor,
        entity_type="appointment",
        entity_id=row.id,
        patient_id=patient.id,
        summary=f"booked {request.visit_type} with {therapist.username} at "
        f"{request.starts_at:%Y-%m-%d %H:%M} UTC{overridden}",
    )
    return row.id


def audit_appointment_change(
    session: Session, actor: Actor, row: Appointment, summary: str
) -> None:
    """The audit row for a change to one appointment (move, status, series edit)."""
    audit.record(
        session,
        AuditAction.CHANGE,
        actor=actor,
        entity_type="appointment",
        entity_id=row.id,
        patient_id=row.patient_id,
        summary=summary,
    )


def load_for_change(session: Session, appointment_id: int, expected_version: int) -> Appointment:
    """The appointment to change, refused if it is gone or someone changed it since it was read."""
    row = session.get(Appointment, appointment_id)
    if row is None:
        raise NotFound("That appointment no longer exists.")
    if row.version != expected_version:
        raise StaleRecordError(
            "Someone else changed this appointment a moment ago. It has been reloaded; "
            "nothing was changed."
        )
    return row


def request_of(row: Appointment) -> BookingRequest:
    minutes = int((row.ends_at - row.starts_at).total_seconds() // 60)
    return BookingRequest(
        patient_id=row.patient_id,
        therapist_id=row.therapist_id,
        starts_at=row.starts_at,
        minutes=minutes,
        visit_type=row.visit_type,
        room_id=row.room_id,
        episode_id=row.episode_id,
        note=row.note,
    )


def reschedule(
    db: Database,
    actor: Actor,
    appointment_id: int,
    expected_version: int,
    *,
    starts_at: datetime | None = None,
    minutes: int | None = None,
    therapist_id: int | None = None,
    room_id: int | None = None,
    keep_room: bool = True,
    override_by: Actor | None = None,
) -> int:
    """Move or resize an appointment (or give it to another therapist, or with ``keep_room``
    False to ``room_id``), checked like a new booking. Returns the new version."""
    require(actor, Permission.MANAGE_SCHEDULE)
    request: BookingRequest | None = None
    try:
        with db.session() as session:
            row = load_for_change(session, appointment_id, expected_version)
            if row.status not in (AppointmentStatus.SCHEDULED.value,):
                raise ConflictError(
                    "Only a scheduled visit can be moved; this one is already "
                    f"{row.status.replace('_', ' ')}."
                )
            current = request_of(row)
            request = BookingRequest(
                patient_id=current.patient_id,
                therapist_id=therapist_id if therapist_id is not None else current.therapist_id,
                starts_at=starts_at if starts_at is not None else current.starts_at,
                minutes=minutes if minutes is not None else current.minutes,
                visit_type=current.visit_type,
                room_id=current.room_id if keep_room else room_id,
                episode_id=current.episode_id,
                note=current.note,
            )
            check, _patient, therapist, _rules = _examine(session, request, exclude_id=row.id)
            _refuse(check, override_by)
            before = f"{row.starts_at:%Y-%m-%d %H:%M}"
            row.starts_at, row.ends_at = request.starts_at, request.slot.end
            row.therapist_id, row.room_id = request.therapist_id, request.room_id
            audit_appointment_change(
                session,
                actor,
                row,
                f"moved from {before} to {request.starts_at:%Y-%m-%d %H:%M} UTC, "
                f"{request.minutes} min, with {therapist.username}"
                + (f"; outside hours, allowed by {override_by.username}" if override_by else ""),
            )
            session.flush()
            return row.version
    except StaleDataError as exc:
        raise StaleRecordError(
            "Someone else changed this appointment a moment ago; nothing was changed."
        ) from exc
    except IntegrityError as exc:
        assert request is not None
        raise _lost_race(db, actor, request, appointment_id) from exc


def clean_reason(reason: str, *, required: bool) -> str:
    """A cancellation reason on one line; refused when missing (if ``required``) or too long."""
    reason = " ".join(reason.split())
    if required and not reason:
        raise ValidationError({"reason": "Say why the visit is cancelled."})
    if len(reason) > 200:
        raise ValidationError({"reason": "Keep the reason under 200 characters."})
    return reason


def is_late_cancel(starts_at: datetime, now: datetime) -> bool:
    """A cancellation less than 24 hours before the visit is late."""
    return starts_at - now < timedelta(hours=LATE_CANCEL_HOURS)


def set_status(
    db: Database,
    actor: Actor,
    appointment_id: int,
    expected_version: int,
    status: AppointmentStatus,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> Appointment:
    """Check in, cancel (with a reason; late when under 24 hours ahead) or mark a no-show.

    Completion comes from signing the visit note (``note_signing``), so it is not offered here.
    """
    require(actor, Permission.MANAGE_SCHEDULE)
    now = now or utcnow()
    allowed = {
        AppointmentStatus.CHECKED_IN: {AppointmentStatus.SCHEDULED},
        AppointmentStatus.CANCELLED: {AppointmentStatus.SCHEDULED, AppointmentStatus.CHECKED_IN},
        AppointmentStatus.NO_SHOW: {AppointmentStatus.SCHEDULED},
        AppointmentStatus.SCHEDULED: {AppointmentStatus.CHECKED_IN},  # undo a check-in
    }
    if status not in allowed:
        raise ValidationError({"status": "That status is set by the visit note, not here."})
    reason = clean_reason(reason, required=status == AppointmentStatus.CANCELLED)
    try:
        with db.session() as session:
            row = load_for_change(session, appointment_id, expected_version)
            current = AppointmentStatus(row.status)
            if current not in allowed[status]:
                raise ConflictError(
                    f"This visit is {current.value.replace('_', ' ')}; it cannot become "
                    f"{status.value.replace('_', ' ')}."
                )
            if status == AppointmentStatus.NO_SHOW and row.starts_at > now:
                raise ConflictError("A visit can be marked as missed only once its time has come.")
            row.status = status.value
            if status == AppointmentStatus.CANCELLED:
                row.cancel_reason = reason
                row.late_cancel = is_late_cancel(row.starts_at, now)
            late = " (late)" if row.late_cancel and status == AppointmentStatus.CANCELLED else ""
            audit_appointment_change(
                session,
                actor,
                row,
                f"{current.value} → {status.value}{late}" + (f": {reason}" if reason else ""),
            )
            session.flush()
            session.expunge(row)
            return row
    except StaleDataError as exc:
        raise StaleRecordError(
            "Someone else changed this appointment a moment ago; nothing was changed."
        ) from exc
    except IntegrityError as exc:  # undoing a check-in into a slot taken meanwhile
        raise ConflictError("That time has been booked for someone else meanwhile.") from exc
