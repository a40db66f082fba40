"""Changing or cancelling recurring visits: one visit, this and the following ones, or every
future visit of a series (``SeriesScope``), previewed with each moved visit's clashes and done
all or nothing.

A change that moves more than one visit starts a new series from the first moved visit (the old
one ends before it), so the series' rule keeps describing what was planned; visits already seen
keep their history.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ptclinic.db import Database
from ptclinic.models import (
    Appointment,
    AppointmentSeries,
    AppointmentStatus,
)
from ptclinic.models.base import utcnow
from ptclinic.services import booking
from ptclinic.services.actor import Actor
from ptclinic.services.availability import local_moment
from ptclinic.services.errors import (
    ConflictError,
    NotFound,
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.permissions import Permission, require
from ptclinic.services.recurrence import (
    PlannedVisit,
    WeeklyPattern,
    audit_series,
    build_rule,
    ended_before,
    local_occurrences,
    lost_race,
    refuse_visit,
    rule_parts,
    rule_weekdays,
    series_moment,
    session_zone,
)


class SeriesScope(enum.StrEnum):
    ONE = "one"  # this visit only
    FOLLOWING = "following"  # this visit and every later one of the series
    ALL = "all"  # every future visit of the series; past ones keep their history


@dataclass(frozen=True)
class SeriesChange:
    """What changes; None keeps it. ``weekdays`` only for more than one visit."""

    at: time | None = None
    weekdays: tuple[int, ...] | None = None
    minutes: int | None = None
    therapist_id: int | None = None
    room_id: int | None = None
    keep_room: bool = True

    @property
    def empty(self) -> bool:
        return (
            self.at is None
            and self.weekdays is None
            and self.minutes is None
            and self.therapist_id is None
            and self.keep_room
        )


@dataclass(frozen=True)
class SeriesChangeResult:
    series_id: int  # the series the moved visits belong to now (new, or the same one)
    moved: tuple[int, ...]


def _load_series(session: Session, row: Appointment) -> AppointmentSeries:
    if row.series_id is None:
        raise ConflictError("This visit is not part of a series.")
    # Two workstations changing one series at once: the second waits, then sees the first's
    # work (PostgreSQL; SQLite runs one writer at a time anyway).
    series = session.get(AppointmentSeries, row.series_id, with_for_update=True)
    if series is None:
        raise NotFound("That series no longer exists.")
    return series


def _cutoff(row: Appointment, scope: SeriesScope, now: datetime) -> datetime:
    """The moment from which visits are changed or cancelled."""
    if scope == SeriesScope.FOLLOWING:
        if row.status != AppointmentStatus.SCHEDULED.value:
            raise ConflictError(
                f"This visit is already {row.status.replace('_', ' ')}; choose a later one "
                "to change the series from."
            )
        return row.starts_at
    return now


def _following(session: Session, series_id: int, cutoff: datetime) -> list[Appointment]:
    return list(
        session.scalars(
            select(Appointment)
            .where(
                Appointment.series_id == series_id,
                Appointment.status == AppointmentStatus.SCHEDULED.value,
                Appointment.starts_at >= cutoff,
            )
            .order_by(Appointment.starts_at)
        )
    )


def _has_history_before(session: Session, series_id: int, cutoff: datetime) -> bool:
    first = session.scalar(
        select(Appointment.id)
        .where(Appointment.series_id == series_id, Appointment.starts_at < cutoff)
        .limit(1)
    )
    return first is not None


def series_visits(
    db: Database,
    actor: Actor,
    appointment_id: int,
    scope: SeriesScope,
    *,
    now: datetime | None = None,
) -> list[tuple[int, datetime]]:
    """The booked visits (id, start) that ``cancel_series`` or ``change_series`` with ``scope``
    would touch from this visit, in time order; nothing is written. Raises as they would for
    a visit outside any series or a "this and following" from a visit already seen."""
    require(actor, Permission.MANAGE_SCHEDULE)
    with db.session() as session:
        row = session.get(Appointment, appointment_id)
        if row is None:
            raise NotFound("That appointment does not exist.")
        if scope == SeriesScope.ONE:
            return [(row.id, row.starts_at)]
        if row.series_id is None:
            raise ConflictError("This visit is not part of a series.")
        cutoff = _cutoff(row, scope, now or utcnow())
        return [(a.id, a.starts_at) for a in _following(session, row.series_id, cutoff)]


def cancel_series(
    db: Database,
    actor: Actor,
    appointment_id: int,
    expected_version: int,
    scope: SeriesScope,
    *,
    reason: str,
    now: datetime | None = None,
) -> tuple[int, ...]:
    """Cancel this visit, this and the following ones, or every future visit of its series,
    with a reason (late under 24 hours ahead, as for one visit). For more than one visit the
    rule is ended before the first cancelled one, in the same transaction. Returns the ids of
    the cancelled visits."""
    require(actor, Permission.MANAGE_SCHEDULE)
    now = now or utcnow()
    if scope == SeriesScope.ONE:
        booking.set_status(
            db,
            actor,
            appointment_id,
            expected_version,
            AppointmentStatus.CANCELLED,
            reason=reason,
            now=now,
        )
        return (appointment_id,)
    reason = booking.clean_reason(reason, required=True)
    try:
        with db.session() as session:
            row = booking.load_for_change(session, appointment_id, expected_version)
            series = _load_series(session, row)
            cutoff = _cutoff(row, scope, now)
            zone = session_zone(session)
            series.rrule = ended_before(
                series.rrule, series.first_start_local, _local(cutoff, zone)
            )
            cancelled: list[int] = []
            for visit in _following(session, series.id, cutoff):
                visit.status = AppointmentStatus.CANCELLED.value
                visit.cancel_reason = reason
                visit.late_cancel = booking.is_late_cancel(visit.starts_at, now)
                late = " (late)" if visit.late_cancel else ""
                booking.audit_appointment_change(
                    session,
                    actor,
                    visit,
                    f"scheduled → cancelled{late} with series {series.id}: {reason}",
                )
                cancelled.append(visit.id)
            what = f"{len(cancelled)} visits cancelled ({scope.value}): {reason}"
            audit_series(session, actor, series, what)
            session.flush()
            return tuple(cancelled)
    except StaleDataError as exc:
        raise StaleRecordError(
            "Someone else changed a visit of this series a moment ago; nothing was changed."
        ) from exc


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _new_pattern(
    series: AppointmentSeries,
    change: SeriesChange,
    count: int,
    not_before: datetime,
    zone: ZoneInfo,
) -> tuple[datetime, str]:
    """The rule for the changed visits: the old one's rhythm with the changes, holding the same
    number of visits, its first occurrence at or after ``not_before``."""
    weekdays = change.weekdays if change.weekdays is not None else rule_weekdays(series.rrule)
    at = change.at or series.first_start_local.time()
    every = int(rule_parts(series.rrule).get("INTERVAL", "1"))
    first_day = not_before.astimezone(zone).date()
    pattern = WeeklyPattern(weekdays, at, first_day, count=count, every_weeks=every)
    first_start, rule = build_rule(pattern)
    if (
        series_moment(first_start, zone) < not_before
    ):  # that day's time has passed: start a day later
        pattern = replace(pattern, first_day=first_start.date() + timedelta(days=1))
        first_start, rule = build_rule(pattern)
    return first_start, rule


def _move_visits(
    session: Session,
    actor: Actor,
    rows: Sequence[Appointment],
    targets: Sequence[datetime],
    change: SeriesChange,
    series_id: int,
    zone: ZoneInfo,
    *,
    override_by: Actor | None,
    dry_run: bool,
) -> list[PlannedVisit]:
    """Move each visit onto its new time, checked like a booking.

    The visits are first set aside (made inactive inside this transaction) so that they never
    clash with each other's old times, then put back one by one at the new times; the checks and
    the database's own guards see only the visits already put back. Nothing of the in-between
    state is ever committed.
    """
    for row in rows:
        row.status = AppointmentStatus.CANCELLED.value
    session.flush()
    visits: list[PlannedVisit] = []
    for row, start in zip(rows, targets, strict=True):
        current = booking.request_of(row)
        request = replace(
            current,
            starts_at=start,
            minutes=change.minutes or current.minutes,
            therapist_id=change.therapist_id or current.therapist_id,
            room_id=current.room_id if change.keep_room else change.room_id,
        )
        check, _patient, therapist = booking.examine(session, request, exclude_id=row.id)
        visits.append(
            PlannedVisit(
                original_start=row.starts_at,
                starts_at=start,
                ends_at=request.slot.end,
                therapist_id=request.therapist_id,
                room_id=request.room_id,
                check=check,
                appointment_id=row.id,
            )
        )
        if dry_run and not check.bookable:
            continue
        if not dry_run:
            refuse_visit(visits[-1], override_by, zone, "changed")
        before = f"{row.starts_at:%Y-%m-%d %H:%M}"
        row.status = AppointmentStatus.SCHEDULED.value
        row.starts_at, row.ends_at = request.starts_at, request.slot.end
        row.therapist_id, row.room_id, row.series_id = (
            request.therapist_id,
            request.room_id,
            series_id,
        )
        booking.audit_appointment_change(
            session,
            actor,
            row,
            f"moved with series {series_id} from {before} to "
            f"{request.starts_at:%Y-%m-%d %H:%M} UTC, {request.minutes} min, "
            f"with {therapist.username}",
        )
        session.flush()
    return visits


def _change(
    session: Session,
    actor: Actor,
    appointment_id: int,
    expected_version: int,
    scope: SeriesScope,
    change: SeriesChange,
    now: datetime,
    *,
    override_by: Actor | None,
    dry_run: bool,
) -> tuple[SeriesChangeResult, list[PlannedVisit]]:
    row = booking.load_for_change(session, appointment_id, expected_version)
    series = _load_series(session, row)
    cutoff = _cutoff(row, scope, now)
    zone = session_zone(session)
    rows = _following(session, series.id, cutoff)
    if not rows:
        raise ConflictError("This series has no booked visits from then on to change.")
    # A changed time may fall earlier on the first day than the visit it replaces, but never in
    # the past.
    day_start = local_moment(cutoff.astimezone(zone).date(), time.min, zone)
    not_before = max(day_start, now) if scope == SeriesScope.FOLLOWING else cutoff
    first_start, rule = _new_pattern(series, change, len(rows), not_before, zone)
    targets = [series_moment(o, zone) for o in local_occurrences(first_start, rule)]
    therapist_id = change.therapist_id or series.therapist_id
    room_id = series.room_id if change.keep_room else change.room_id
    minutes = change.minutes or series.minutes
    if _has_history_before(session, series.id, cutoff):
        series.rrule = ended_before(series.rrule, series.first_start_local, _local(cutoff, zone))
        target = AppointmentSeries(
            patient_id=series.patient_id,
            therapist_id=therapist_id,
            room_id=room_id,
            episode_id=series.episode_id,
            visit_type=series.visit_type,
            first_start_local=first_start,
            rrule=rule,
            minutes=minutes,
            note=series.note,
        )
        session.add(target)
        audit_series(
            session,
            actor,
            series,
            f"ended before {_local(cutoff, zone):%Y-%m-%d %H:%M}; "
            f"the following visits continue in series {target.id}",
        )
        audit_series(session, actor, target, f"continues series {series.id}", create=True)
    else:  # nothing of the series lies before the change: change it in place
        target, before = series, f"{series.rrule} from {series.first_start_local:%Y-%m-%d %H:%M}"
        series.rrule, series.first_start_local = rule, first_start
        series.therapist_id, series.room_id, series.minutes = therapist_id, room_id, minutes
        audit_series(session, actor, series, f"changed from {before}")
    visits = _move_visits(
        session,
        actor,
        rows,
        targets,
        change,
        target.id,
        zone,
        override_by=override_by,
        dry_run=dry_run,
    )
    return SeriesChangeResult(target.id, tuple(row.id for row in rows)), visits


def _run_change(
    db: Database,
    actor: Actor,
    appointment_id: int,
    expected_version: int,
    scope: SeriesScope,
    change: SeriesChange,
    now: datetime,
    override_by: Actor | None,
    *,
    dry_run: bool,
) -> tuple[SeriesChangeResult, list[PlannedVisit]]:
    with db.session() as session:
        # A dry run does the whole change inside a savepoint and rolls it back, so its checks
        # see exactly what the real change would.
        savepoint = session.begin_nested() if dry_run else None
        try:
            return _change(
                session,
                actor,
                appointment_id,
                expected_version,
                scope,
                change,
                now,
                override_by=override_by,
                dry_run=dry_run,
            )
        finally:
            if savepoint is not None:
                savepoint.rollback()


def _validate_change(scope: SeriesScope, change: SeriesChange) -> None:
    if change.empty:
        raise ValidationError(
            {"change": "Say what changes: the time, days, length, therapist or room."}
        )
    if scope == SeriesScope.ONE and change.weekdays is not None:
        raise ValidationError(
            {"weekdays": "To move one visit to another day, move that visit on the calendar."}
        )
    if change.weekdays is not None and not change.weekdays:
        raise ValidationError({"weekdays": "Choose at least one weekday."})


def preview_change(
    db: Database,
    actor: Actor,
    appointment_id: int,
    expected_version: int,
    scope: SeriesScope,
    change: SeriesChange,
    *,
    now: datetime | None = None,
) -> list[PlannedVisit]:
    """Where each visit would move with ``change_series`` and what stands in the way there
    (nothing is written). Not for ``SeriesScope.ONE``: check one visit with check_booking."""
    require(actor, Permission.MANAGE_SCHEDULE)
    if scope == SeriesScope.ONE:
        raise ValidationError({"scope": "Check one visit's move with the booking check."})
    _validate_change(scope, change)
    args = (appointment_id, expected_version, scope, change, now or utcnow(), None)
    return _run_change(db, actor, *args, dry_run=True)[1]


def change_series(
    db: Database,
    actor: Actor,
    appointment_id: int,
    expected_version: int,
    scope: SeriesScope,
    change: SeriesChange,
    *,
    now: datetime | None = None,
    override_by: Actor | None = None,
) -> SeriesChangeResult:
    """Change this visit, this and the following ones, or every future visit of its series.

    One visit moves like any other (booking.reschedule). For more, the booked visits from then
    on (scheduled ones) move in order onto the changed pattern, which keeps their number; the
    old rule ends before them and a new series continues it, unless nothing of the series lies
    before, when the series itself changes. All or nothing: a clash or a time outside hours
    (without an administrator's ``override_by``) refuses the whole change, naming the visit.
    """
    require(actor, Permission.MANAGE_SCHEDULE)
    _validate_change(scope, change)
    if scope == SeriesScope.ONE:
        return _change_one(db, actor, appointment_id, expected_version, change, override_by)
    args = (appointment_id, expected_version, scope, change, now or utcnow(), override_by)
    try:
        return _run_change(db, actor, *args, dry_run=False)[0]
    except StaleDataError as exc:
        raise StaleRecordError(
            "Someone else changed a visit of this series a moment ago; nothing was changed."
        ) from exc
    except IntegrityError as exc:
        visits = _run_change(db, actor, *args, dry_run=True)[1]
        with db.session() as session:
            zone = session_zone(session)
        raise lost_race(visits, zone, "changed") from exc


def _change_one(
    db: Database,
    actor: Actor,
    appointment_id: int,
    expected_version: int,
    change: SeriesChange,
    override_by: Actor | None,
) -> SeriesChangeResult:
    with db.session() as session:
        row = session.get(Appointment, appointment_id)
        if row is None:
            raise NotFound("That appointment no longer exists.")
        zone, series_id = session_zone(session), row.series_id
        starts_at = row.starts_at
    if series_id is None:
        raise ConflictError("This visit is not part of a series.")
    if change.at is not None:
        starts_at = local_moment(starts_at.astimezone(zone).date(), change.at, zone)
    booking.reschedule(
        db,
        actor,
        appointment_id,
        expected_version,
        starts_at=starts_at,
        minutes=change.minutes,
        therapist_id=change.therapist_id,
        room_id=change.room_id,
        keep_room=change.keep_room,
        override_by=override_by,
    )
    return SeriesChangeResult(series_id, (appointment_id,))
