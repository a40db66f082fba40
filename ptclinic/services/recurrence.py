"""Recurring visits: a weekly pattern ("Mondays and Thursdays at 10:00 for 6 weeks") stored as an
RFC 5545 RRULE, previewed with every occurrence's conflicts, booked all or nothing, and changed or
cancelled one visit, this and the following ones, or every future visit at a time.

The rule runs on the clinic's wall clock (``AppointmentSeries.first_start_local`` is naive local
time and UNTIL is floating local time), and each occurrence becomes a UTC moment on its own, so
10:00 stays 10:00 across a daylight-saving change.

What was booked is the truth: each booked occurrence is an ordinary appointment pointing at its
series. The rule says what was planned; a skipped occurrence simply has no appointment.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ptclinic.db import Database
from ptclinic.models import (
    Appointment,
    AppointmentSeries,
    AppointmentStatus,
    ClinicSettings,
    VisitType,
)
from ptclinic.models.base import utcnow
from ptclinic.services import audit, booking
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.availability import WEEKDAY_NAMES, local_moment
from ptclinic.services.booking import BookingCheck, BookingRequest
from ptclinic.services.errors import (
    ConflictError,
    NotFound,
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.permissions import Permission, require

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_OCCURRENCES = 104  # twice a week for a year
MAX_WEEKS = 52
MAX_EVERY_WEEKS = 4
_UNTIL_FORMAT = "%Y%m%dT%H%M%S"


# --- the weekly pattern and its RRULE ------------------------------------------------------


@dataclass(frozen=True)
class WeeklyPattern:
    """Which weekdays (0 = Monday), at what clinic-local time, from which day, for how long.

    Give exactly one end: ``weeks`` ("for 6 weeks": every chosen weekday in that many weeks
    from the first visit), ``until`` (the last day, inclusive) or ``count`` (that many visits).
    """

    weekdays: tuple[int, ...]
    at: time
    first_day: date
    weeks: int | None = None
    until: date | None = None
    count: int | None = None
    every_weeks: int = 1


def build_rule(pattern: WeeklyPattern) -> tuple[datetime, str]:
    """The series' first start (naive, clinic-local) and its RRULE value, e.g.
    ``FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270117T235959``. Raises ValidationError."""
    errors: dict[str, str] = {}
    days = sorted(set(pattern.weekdays))
    if not days or any(not 0 <= day <= 6 for day in days):
        errors["weekdays"] = "Choose at least one weekday."
    ends = [end for end in (pattern.weeks, pattern.until, pattern.count) if end is not None]
    if len(ends) != 1:
        errors["end"] = "Say how long the series runs: a number of weeks, an end date or visits."
    if pattern.weeks is not None and not 1 <= pattern.weeks <= MAX_WEEKS:
        errors["weeks"] = f"A series runs 1 to {MAX_WEEKS} weeks."
    if pattern.count is not None and not 1 <= pattern.count <= MAX_OCCURRENCES:
        errors["count"] = f"A series has 1 to {MAX_OCCURRENCES} visits."
    if pattern.until is not None and pattern.until < pattern.first_day:
        errors["until"] = "The end date is before the first visit."
    if not 1 <= pattern.every_weeks <= MAX_EVERY_WEEKS:
        errors["every_weeks"] = f"Repeat every 1 to {MAX_EVERY_WEEKS} weeks."
    if errors:
        raise ValidationError(errors)
    # The first visit is the first chosen weekday on or after the first day: RFC 5545 counts
    # DTSTART as an occurrence, so it must itself match the rule.
    first = pattern.first_day
    while first.weekday() not in days:
        first += timedelta(days=1)
    parts = {"FREQ": "WEEKLY"}
    if pattern.every_weeks != 1:
        parts["INTERVAL"] = str(pattern.every_weeks)
    parts["BYDAY"] = ",".join(DAY_CODES[day] for day in days)
    if pattern.count is not None:
        parts["COUNT"] = str(pattern.count)
    else:
        last = pattern.until or first + timedelta(weeks=pattern.weeks or 0, days=-1)
        parts["UNTIL"] = datetime.combine(last, time(23, 59, 59)).strftime(_UNTIL_FORMAT)
    first_start = datetime.combine(first, pattern.at.replace(second=0, microsecond=0))
    rule = _join(parts)
    if len(local_occurrences(first_start, rule)) > MAX_OCCURRENCES:
        raise ValidationError({"end": f"A series has at most {MAX_OCCURRENCES} visits."})
    return first_start, rule


def _parts(rule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rule.removeprefix("RRULE:").split(";") if part)


def _join(parts: dict[str, str]) -> str:
    return ";".join(f"{key}={value}" for key, value in parts.items())


def local_occurrences(first_start_local: datetime, rule: str) -> list[datetime]:
    """Every occurrence of the rule, naive clinic-local (the rule always has an end)."""
    return list(rrulestr(rule, dtstart=first_start_local))


def ended_before(rule: str, first_start_local: datetime, moment_local: datetime) -> str:
    """``rule`` cut so that its last occurrence is before ``moment_local`` (an UNTIL one second
    earlier replaces COUNT, since RFC 5545 allows only one of them)."""
    parts = _parts(rule)
    cut = moment_local - timedelta(seconds=1)
    if "UNTIL" in parts and datetime.strptime(parts["UNTIL"], _UNTIL_FORMAT) <= cut:
        return rule  # it ends before then already
    parts.pop("COUNT", None)
    parts["UNTIL"] = cut.strftime(_UNTIL_FORMAT)
    return _join(parts)


def rule_weekdays(rule: str) -> tuple[int, ...]:
    return tuple(DAY_CODES.index(code) for code in _parts(rule)["BYDAY"].split(","))


def describe_rule(first_start_local: datetime, rule: str) -> str:
    """ "Mondays and Thursdays at 10:00, 12 visits from Mon 07 Dec 2026 to Thu 14 Jan 2027"."""
    parts = _parts(rule)
    names = [WEEKDAY_NAMES[day] + "s" for day in rule_weekdays(rule)]
    days = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    every = int(parts.get("INTERVAL", "1"))
    often = f"every {every} weeks on {days}" if every > 1 else days
    visits = local_occurrences(first_start_local, rule)
    text = f"{often[0].upper()}{often[1:]} at {first_start_local:%H:%M}"
    if not visits:
        return f"{text}, no visits"
    amount = f"{len(visits)} visit" + ("s" if len(visits) != 1 else "")
    return f"{text}, {amount} from {visits[0]:%a %d %b %Y} to {visits[-1]:%a %d %b %Y}"


# --- previewing and booking a new series ------------------------------------------------------


@dataclass(frozen=True)
class SeriesRequest:
    patient_id: int
    therapist_id: int
    visit_type: str
    pattern: WeeklyPattern
    minutes: int | None = None  # None: the visit type's usual length
    room_id: int | None = None
    episode_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class PlannedVisit:
    """One occurrence as it would be booked (or moved), with what stands in its way.

    ``original_start`` is the occurrence's moment in the rule: it names the occurrence when the
    front desk books it at another time. ``appointment_id`` is the visit a change moves.
    """

    original_start: datetime
    starts_at: datetime
    ends_at: datetime
    therapist_id: int
    room_id: int | None
    check: BookingCheck
    appointment_id: int | None = None

    @property
    def bookable(self) -> bool:
        return self.check.bookable


@dataclass(frozen=True)
class SeriesPreview:
    first_start_local: datetime
    rrule: str
    minutes: int
    description: str
    visits: tuple[PlannedVisit, ...]


@dataclass(frozen=True)
class Pick:
    """An occurrence to book: as the rule has it, or at another time, with another therapist
    or (``keep_room`` False) in ``room_id``."""

    original_start: datetime
    starts_at: datetime | None = None
    therapist_id: int | None = None
    room_id: int | None = None
    keep_room: bool = True


@dataclass(frozen=True)
class BookedSeries:
    series_id: int
    appointment_ids: tuple[int, ...]


def _zone(session: Session) -> ZoneInfo:
    settings = session.get(ClinicSettings, 1)
    return ZoneInfo(settings.time_zone if settings else "UTC")


def _moment(local: datetime, zone: ZoneInfo) -> datetime:
    return local_moment(local.date(), local.time(), zone)


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%a %d %b at %H:%M}"


def _minutes(session: Session, request: SeriesRequest) -> int:
    if request.minutes is not None:
        return request.minutes
    kind = session.get(VisitType, request.visit_type)
    if kind is None or not kind.active:
        raise ValidationError({"visit_type": "Choose a visit type from the list."})
    return kind.default_minutes


def _occurrence_request(
    request: SeriesRequest, minutes: int, starts_at: datetime, pick: Pick | None = None
) -> BookingRequest:
    room, therapist = request.room_id, request.therapist_id
    if pick is not None and not pick.keep_room:
        room = pick.room_id
    if pick is not None and pick.therapist_id is not None:
        therapist = pick.therapist_id
    return BookingRequest(
        patient_id=request.patient_id,
        therapist_id=therapist,
        starts_at=starts_at,
        minutes=minutes,
        visit_type=request.visit_type,
        room_id=room,
        episode_id=request.episode_id,
        note=request.note,
    )


def _label(visit: PlannedVisit, zone: ZoneInfo) -> str:
    """ "Thu 10 Dec at 10:00", or for a visit being moved "Mon 21 Dec at 10:00 (moving to Mon
    21 Dec at 14:00)": which visit a refusal is about."""
    if visit.appointment_id is None or visit.original_start == visit.starts_at:
        return _when(visit.starts_at, zone)
    return f"{_when(visit.original_start, zone)} (moving to {_when(visit.starts_at, zone)})"


def _refuse_visit(
    visit: PlannedVisit, override_by: Actor | None, zone: ZoneInfo, done: str
) -> None:
    """booking's refusal, saying which visit it is about and that nothing was written."""
    try:
        booking.refuse(visit.check, override_by)
    except ConflictError as exc:
        raise ConflictError(
            f"{_label(visit, zone)}: {exc.message} Nothing in the series was {done}."
        ) from exc


def _book_visits(
    session: Session,
    actor: Actor,
    plan: Sequence[tuple[datetime, BookingRequest]],
    zone: ZoneInfo,
    *,
    series_id: int | None,
    override_by: Actor | None,
    dry_run: bool,
) -> tuple[list[PlannedVisit], list[int]]:
    """Check and insert each planned visit in time order, so each check sees those before it
    (authorised-visit counts, alternatives that clash with each other). A dry run reports every
    check and inserts only the bookable ones, for the caller to roll back; a real run refuses
    the first visit that cannot be booked."""
    visits: list[PlannedVisit] = []
    ids: list[int] = []
    for original, request in sorted(plan, key=lambda item: item[1].starts_at):
        check, patient, therapist = booking.examine(session, request)
        visits.append(
            PlannedVisit(
                original_start=original,
                starts_at=request.starts_at,
                ends_at=request.slot.end,
                therapist_id=request.therapist_id,
                room_id=request.room_id,
                check=check,
            )
        )
        if dry_run and not check.bookable:
            continue
        if not dry_run:
            _refuse_visit(visits[-1], override_by, zone, "booked")
        ids.append(
            booking.insert_appointment(
                session, actor, request, patient, therapist, override_by, series_id
            )
        )
    return visits, ids


def _dry_run_booking(
    session: Session,
    actor: Actor,
    plan: Sequence[tuple[datetime, BookingRequest]],
    zone: ZoneInfo,
) -> list[PlannedVisit]:
    savepoint = session.begin_nested()
    try:
        visits, _ids = _book_visits(
            session, actor, plan, zone, series_id=None, override_by=None, dry_run=True
        )
    finally:
        savepoint.rollback()
    return visits


def preview_series(db: Database, actor: Actor, request: SeriesRequest) -> SeriesPreview:
    """Every occurrence of the series with its conflicts, outside-hours reason and warnings, as
    if the bookable ones were booked in order (nothing is written)."""
    require(actor, Permission.MANAGE_SCHEDULE)
    first_start, rule = build_rule(request.pattern)
    with db.session() as session:
        minutes, zone = _minutes(session, request), _zone(session)
        plan = [
            (start, _occurrence_request(request, minutes, start))
            for start in (_moment(o, zone) for o in local_occurrences(first_start, rule))
        ]
        visits = _dry_run_booking(session, actor, plan, zone)
    return SeriesPreview(
        first_start, rule, minutes, describe_rule(first_start, rule), tuple(visits)
    )


def _plan_picks(
    request: SeriesRequest, minutes: int, occurrences: Iterable[datetime], picks: Sequence[Pick]
) -> list[tuple[datetime, BookingRequest]]:
    known = set(occurrences)
    errors: dict[str, str] = {}
    if not picks:
        errors["picks"] = "Choose at least one visit of the series to book."
    originals = [pick.original_start for pick in picks]
    if len(set(originals)) != len(originals):
        errors["picks"] = "Each visit of the series can be booked once."
    if any(original not in known for original in originals):
        errors["picks"] = "One of the chosen visits is not a date of this series."
    if any(p.starts_at is not None and p.starts_at.tzinfo is None for p in picks):
        errors["picks"] = "The start time needs a time zone."  # a programming slip
    if errors:
        raise ValidationError(errors)
    return [
        (
            p.original_start,
            _occurrence_request(request, minutes, p.starts_at or p.original_start, p),
        )
        for p in picks
    ]


def book_series(
    db: Database,
    actor: Actor,
    request: SeriesRequest,
    picks: Sequence[Pick],
    *,
    override_by: Actor | None = None,
) -> BookedSeries:
    """Create the series and book the picked occurrences in one transaction: all or nothing.

    Each pick names an occurrence by its ``original_start`` (from the preview) and may move it
    (``starts_at``, therapist, room); occurrences not picked are left unbooked. A clash, or a
    time outside hours without an administrator's ``override_by``, refuses the whole series with
    the occurrence named; so does a slot another workstation took a moment ago.
    """
    require(actor, Permission.MANAGE_SCHEDULE)
    first_start, rule = build_rule(request.pattern)
    plan: list[tuple[datetime, BookingRequest]] = []
    try:
        with db.session() as session:
            minutes, zone = _minutes(session, request), _zone(session)
            occurrences = [_moment(o, zone) for o in local_occurrences(first_start, rule)]
            plan = _plan_picks(request, minutes, occurrences, picks)
            series = AppointmentSeries(
                patient_id=request.patient_id,
                therapist_id=request.therapist_id,
                room_id=request.room_id,
                episode_id=request.episode_id,
                visit_type=request.visit_type,
                first_start_local=first_start,
                rrule=rule,
                minutes=minutes,
                note=request.note.strip(),
            )
            session.add(series)
            session.flush()
            _visits, ids = _book_visits(
                session,
                actor,
                plan,
                zone,
                series_id=series.id,
                override_by=override_by,
                dry_run=False,
            )
            what = f"created with {len(ids)} of {len(occurrences)} visits booked"
            _audit_series(session, actor, series, what, create=True)
            return BookedSeries(series.id, tuple(ids))
    except IntegrityError as exc:
        with db.session() as session:
            zone = _zone(session)
            visits = _dry_run_booking(session, actor, plan, zone)
        raise _lost_race(visits, zone, "booked") from exc


def _lost_race(visits: Sequence[PlannedVisit], zone: ZoneInfo, done: str) -> ConflictError:
    """The database refused an overlap another workstation wrote after the checks: name it,
    from a fresh dry run of the same work."""
    said = " ".join(
        f"{_label(v, zone)}: {' '.join(v.check.clashes)}" for v in visits if v.check.clashes
    )
    return ConflictError(
        f"{said or 'Someone else booked one of these times a moment ago.'} "
        f"Nothing in the series was {done}."
    )


# --- changing and cancelling ------------------------------------------------------------------


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
            zone = _zone(session)
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
            _audit_series(session, actor, series, what)
            session.flush()
            return tuple(cancelled)
    except StaleDataError as exc:
        raise StaleRecordError(
            "Someone else changed a visit of this series a moment ago; nothing was changed."
        ) from exc


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _audit_series(
    session: Session, actor: Actor, series: AppointmentSeries, what: str, *, create: bool = False
) -> None:
    """One audit row for a series, with its rule as it now stands (clinic wall-clock time)."""
    session.flush()  # a new series needs its id
    audit.record(
        session,
        AuditAction.CREATE if create else AuditAction.CHANGE,
        actor=actor,
        entity_type="series",
        entity_id=series.id,
        patient_id=series.patient_id,
        summary=f"{what}; now {series.rrule} from {series.first_start_local:%Y-%m-%d %H:%M} "
        "clinic time",
    )


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
    every = int(_parts(series.rrule).get("INTERVAL", "1"))
    first_day = not_before.astimezone(zone).date()
    pattern = WeeklyPattern(weekdays, at, first_day, count=count, every_weeks=every)
    first_start, rule = build_rule(pattern)
    if _moment(first_start, zone) < not_before:  # that day's time has passed: start a day later
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
            _refuse_visit(visits[-1], override_by, zone, "changed")
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
    zone = _zone(session)
    rows = _following(session, series.id, cutoff)
    if not rows:
        raise ConflictError("This series has no booked visits from then on to change.")
    # A changed time may fall earlier on the first day than the visit it replaces, but never in
    # the past.
    day_start = local_moment(cutoff.astimezone(zone).date(), time.min, zone)
    not_before = max(day_start, now) if scope == SeriesScope.FOLLOWING else cutoff
    first_start, rule = _new_pattern(series, change, len(rows), not_before, zone)
    targets = [_moment(o, zone) for o in local_occurrences(first_start, rule)]
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
        _audit_series(
            session,
            actor,
            series,
            f"ended before {_local(cutoff, zone):%Y-%m-%d %H:%M}; "
            f"the following visits continue in series {target.id}",
        )
        _audit_series(session, actor, target, f"continues series {series.id}", create=True)
    else:  # nothing of the series lies before the change: change it in place
        target, before = series, f"{series.rrule} from {series.first_start_local:%Y-%m-%d %H:%M}"
        series.rrule, series.first_start_local = rule, first_start
        series.therapist_id, series.room_id, series.minutes = therapist_id, room_id, minutes
        _audit_series(session, actor, series, f"changed from {before}")
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
            zone = _zone(session)
        raise _lost_race(visits, zone, "changed") from exc


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
        zone, series_id = _zone(session), row.series_id
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
