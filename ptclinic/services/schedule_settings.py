"""The calendar's settings: visit types and their usual lengths, the clinic's opening hours, each
clinician's working hours, time off and the days the clinic is closed.

Administrators keep the clinic-wide settings; time off is entered by whoever runs the schedule
(front desk) or by an administrator, since both hear of it first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ptclinic.db import Database
from ptclinic.models import (
    Appointment,
    ClosedDay,
    OpeningHours,
    Staff,
    TimeOff,
    VisitType,
    WorkingHours,
)
from ptclinic.models.base import utcnow
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.availability import (
    WEEKDAY_NAMES,
    Interval,
    local_day_bounds,
)
from ptclinic.services.booking import BOOKABLE_ROLES, MAX_MINUTES, active_overlap
from ptclinic.services.clinic import clinic_zone
from ptclinic.services.errors import NotFound, PermissionDenied, ValidationError
from ptclinic.services.permissions import Permission, can, require
from ptclinic.services.text import clean_line

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


# --- visit types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitTypeInput:
    label: str
    default_minutes: int
    colour: str
    active: bool = True


def update_visit_type(db: Database, actor: Actor, code: str, data: VisitTypeInput) -> None:
    """Change a visit type's name, usual length, colour or whether it is offered."""
    require(actor, Permission.MANAGE_SETTINGS)
    label = clean_line(data.label)
    errors: dict[str, str] = {}
    if not label or len(label) > 60:
        errors["label"] = "Give the visit type a name of up to 60 characters."
    if not 5 <= data.default_minutes <= MAX_MINUTES or data.default_minutes % 5:
        errors["default_minutes"] = (
            f"The usual length is 5 to {MAX_MINUTES} minutes, in steps of 5 minutes."
        )
    if not _COLOUR.match(data.colour):
        errors["colour"] = "Choose a colour."
    if errors:
        raise ValidationError(errors)
    with db.session() as session:
        row = session.get(VisitType, code)
        if row is None:
            raise NotFound("That visit type no longer exists.")
        clash = session.scalar(
            select(VisitType.code).where(VisitType.label == label, VisitType.code != code)
        )
        if clash is not None:
            raise ValidationError({"label": f"Another visit type is already called “{label}”."})
        row.label, row.default_minutes = label, data.default_minutes
        row.colour, row.active = data.colour.lower(), data.active
        audit.record(
            session,
            AuditAction.CHANGE,
            actor=actor,
            entity_type="visit_type",
            summary=f"visit type {code}: {label}, {data.default_minutes} min"
            + ("" if data.active else ", not offered"),
        )


# --- opening and working hours -----------------------------------------------------------


def opening_hours(db: Database) -> dict[int, tuple[time, time]]:
    """Weekday (0 = Monday) → (opens, closes); a missing weekday is closed."""
    with db.session() as session:
        rows = session.scalars(select(OpeningHours))
        return {h.weekday: (h.opens_at, h.closes_at) for h in rows}


def _check_block(weekday: int, start: time, end: time, what: str) -> str | None:
    if not 0 <= weekday <= 6:
        return "Choose a day of the week."
    if end <= start:
        return f"On {WEEKDAY_NAMES[weekday]}s {what} must end after it starts."
    if start.minute % 5 or end.minute % 5 or start.second or end.second:
        return "Use times on the 5-minute mark, such as 07:30 or 18:45."
    return None


def set_opening_hours(
    db: Database, actor: Actor, hours: dict[int, tuple[time, time] | None]
) -> None:
    """Replace the clinic's week: for each weekday its hours, or None for closed."""
    require(actor, Permission.MANAGE_SETTINGS)
    errors = {
        f"weekday_{day}": problem
        for day, block in hours.items()
        if block is not None and (problem := _check_block(day, *block, "the clinic's day"))
    }
    if errors:
        raise ValidationError(errors)
    with db.session() as session:
        session.execute(delete(OpeningHours))
        for day, block in sorted(hours.items()):
            if block is not None:
                session.add(OpeningHours(weekday=day, opens_at=block[0], closes_at=block[1]))
        summary = "; ".join(
            f"{WEEKDAY_NAMES[d][:3]} " + (f"{b[0]:%H:%M}-{b[1]:%H:%M}" if b else "closed")
            for d, b in sorted(hours.items())
        )
        audit.record(
            session, AuditAction.CHANGE, actor=actor, entity_type="opening_hours", summary=summary
        )


@dataclass(frozen=True)
class HoursBlock:
    weekday: int
    starts_at: time
    ends_at: time


def working_hours(db: Database, staff_id: int) -> list[HoursBlock]:
    """The clinician's regular week; empty means "whenever the clinic is open"."""
    with db.session() as session:
        rows = session.scalars(
            select(WorkingHours)
            .where(WorkingHours.staff_id == staff_id)
            .order_by(WorkingHours.weekday, WorkingHours.starts_at)
        )
        return [HoursBlock(r.weekday, r.starts_at, r.ends_at) for r in rows]


def set_working_hours(db: Database, actor: Actor, staff_id: int, blocks: list[HoursBlock]) -> None:
    """Replace a clinician's regular week (an empty list: works whenever the clinic is open)."""
    require(actor, Permission.MANAGE_STAFF)
    errors: dict[str, str] = {}
    for n, block in enumerate(blocks):
        if problem := _check_block(block.weekday, block.starts_at, block.ends_at, "a shift"):
            errors[f"block_{n}"] = problem
    for a, b in ((a, b) for i, a in enumerate(blocks) for b in blocks[i + 1 :]):
        if a.weekday == b.weekday and a.starts_at < b.ends_at and b.starts_at < a.ends_at:
            errors.setdefault(
                "blocks", f"Two shifts on {WEEKDAY_NAMES[a.weekday]}s overlap; join them into one."
            )
    if errors:
        raise ValidationError(errors)
    with db.session() as session:
        person = session.get(Staff, staff_id)
        if person is None or person.role not in BOOKABLE_ROLES:
            raise NotFound("Working hours are kept for therapists, assistants and students only.")
        session.execute(delete(WorkingHours).where(WorkingHours.staff_id == staff_id))
        for block in blocks:
            session.add(
                WorkingHours(
                    staff_id=staff_id,
                    weekday=block.weekday,
                    starts_at=block.starts_at,
                    ends_at=block.ends_at,
                )
            )
        audit.record(
            session,
            AuditAction.CHANGE,
            actor=actor,
            entity_type="staff",
            entity_id=staff_id,
            summary=f"working hours of {person.username}: "
            + ("; ".join(f"{WEEKDAY_NAMES[b.weekday][:3]} {b.starts_at:%H:%M}-{b.ends_at:%H:%M}"
                         for b in blocks) or "whenever the clinic is open"),
        )  # fmt: skip


# --- time off and closed days ------------------------------------------------------------


@dataclass(frozen=True)
class TimeOffRecord:
    id: int
    staff_id: int
    staff_name: str
    starts_at: datetime
    ends_at: datetime
    reason: str


@dataclass(frozen=True)
class Displaced:
    """What a new absence or closed day leaves without a clinician or a clinic: the front desk
    must move these visits."""

    count: int


def _may_enter_time_off(actor: Actor) -> None:
    if not (can(actor, Permission.MANAGE_SCHEDULE) or can(actor, Permission.MANAGE_SETTINGS)):
        raise PermissionDenied("Only the front desk or an administrator records time off.")


def _booked_between(session: Session, span: Interval, staff_id: int | None) -> int:
    query = select(func.count()).where(active_overlap(span))
    if staff_id is not None:
        query = query.where(Appointment.therapist_id == staff_id)
    return session.scalar(query) or 0


def add_time_off(
    db: Database,
    actor: Actor,
    staff_id: int,
    starts_at: datetime,
    ends_at: datetime,
    reason: str = "",
) -> Displaced:
    """Record an absence; returns how many booked visits now fall in it (they stay booked)."""
    _may_enter_time_off(actor)
    reason = clean_line(reason)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The absence must end after it starts."})
    if len(reason) > 120:
        raise ValidationError({"reason": "Keep the reason under 120 characters."})
    with db.session() as session:
        person = session.get(Staff, staff_id)
        if person is None:
            raise NotFound("That staff member no longer exists.")
        row = TimeOff(staff_id=staff_id, starts_at=starts_at, ends_at=ends_at, reason=reason)
        session.add(row)
        session.flush()
        audit.record(
            session,
            AuditAction.CREATE,
            actor=actor,
            entity_type="time_off",
            entity_id=row.id,
            summary=f"time off for {person.username} {starts_at:%Y-%m-%d %H:%M} to "
            f"{ends_at:%Y-%m-%d %H:%M} UTC" + (f" ({reason})" if reason else ""),
        )
        return Displaced(_booked_between(session, Interval(starts_at, ends_at), staff_id))


def list_time_off(db: Database, actor: Actor, since: datetime | None = None) -> list[TimeOffRecord]:
    """Absences that have not ended yet (or since ``since``), soonest first."""
    if not can(actor, Permission.MANAGE_SETTINGS):  # administrators see absences too
        require(actor, Permission.VIEW_PATIENTS)
    with db.session() as session:
        rows = session.execute(
            select(TimeOff, Staff.full_name)
            .join(Staff, Staff.id == TimeOff.staff_id)
            .where(TimeOff.ends_at > (since or utcnow()))
            .order_by(TimeOff.starts_at)
        ).all()
        return [
            TimeOffRecord(t.id, t.staff_id, name, t.starts_at, t.ends_at, t.reason)
            for t, name in rows
        ]


def remove_time_off(db: Database, actor: Actor, time_off_id: int) -> None:
    _may_enter_time_off(actor)
    with db.session() as session:
        row = session.get(TimeOff, time_off_id)
        if row is None:
            raise NotFound("That absence has already been removed.")
        session.delete(row)
        audit.record(
            session,
            AuditAction.CHANGE,
            actor=actor,
            entity_type="time_off",
            entity_id=time_off_id,
            summary="time off removed",
        )


def closed_days(db: Database, first: date, last: date) -> list[tuple[date, str]]:
    with db.session() as session:
        rows = session.scalars(
            select(ClosedDay).where(ClosedDay.day.between(first, last)).order_by(ClosedDay.day)
        )
        return [(r.day, r.reason) for r in rows]


def add_closed_day(db: Database, actor: Actor, day: date, reason: str = "") -> Displaced:
    """Close the clinic for a day; returns how many booked visits fall on it (they stay
    booked until the front desk moves them)."""
    require(actor, Permission.MANAGE_SETTINGS)
    reason = clean_line(reason)
    if len(reason) > 120:
        raise ValidationError({"reason": "Keep the reason under 120 characters."})
    zone = clinic_zone(db)
    with db.session() as session:
        existing = session.get(ClosedDay, day)
        if existing is not None:
            existing.reason = reason
        else:
            session.add(ClosedDay(day=day, reason=reason))
        audit.record(
            session,
            AuditAction.CHANGE,
            actor=actor,
            entity_type="closed_day",
            summary=f"clinic closed on {day.isoformat()}" + (f" ({reason})" if reason else ""),
        )
        return Displaced(_booked_between(session, local_day_bounds(day, zone), None))


def remove_closed_day(db: Database, actor: Actor, day: date) -> None:
    require(actor, Permission.MANAGE_SETTINGS)
    with db.session() as session:
        row = session.get(ClosedDay, day)
        if row is None:
            raise NotFound("That day is not marked as closed.")
        session.delete(row)
        audit.record(
            session,
            AuditAction.CHANGE,
            actor=actor,
            entity_type="closed_day",
            summary=f"clinic open again on {day.isoformat()}",
        )
