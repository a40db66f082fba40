"""Recurring visits: a weekly pattern ("Mondays and Thursdays at 10:00 for 6 weeks") stored as an
RFC 5545 RRULE, previewed with every occurrence's conflicts and booked all or nothing. Changing
and cancelling visits of a series is ``series_changes``.

The rule runs on the clinic's wall clock (``AppointmentSeries.first_start_local`` is naive local
time and UNTIL is floating local time), and each occurrence becomes a UTC moment on its own, so
10:00 stays 10:00 across a daylight-saving change.

What was booked is the truth: each booked occurrence is an ordinary appointment pointing at its
series. The rule says what was planned; a skipped occurrence simply has no appointment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ptclinic.db import Database
from ptclinic.models import (
    AppointmentSeries,
    ClinicSettings,
    VisitType,
)
from ptclinic.services import audit, booking
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.availability import WEEKDAY_NAMES, local_moment
from ptclinic.services.booking import BookingCheck, BookingRequest
from ptclinic.services.errors import (
    ConflictError,
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


def rule_parts(rule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rule.removeprefix("RRULE:").split(";") if part)


def _join(parts: dict[str, str]) -> str:
    return ";".join(f"{key}={value}" for key, value in parts.items())


def local_occurrences(first_start_local: datetime, rule: str) -> list[datetime]:
    """Every occurrence of the rule, naive clinic-local (the rule always has an end)."""
    return list(rrulestr(rule, dtstart=first_start_local))


def ended_before(rule: str, first_start_local: datetime, moment_local: datetime) -> str:
    """``rule`` cut so that its last occurrence is before ``moment_local`` (an UNTIL one second
    earlier replaces COUNT, since RFC 5545 allows only one of them)."""
    parts = rule_parts(rule)
    cut = moment_local - timedelta(seconds=1)
    if "UNTIL" in parts and datetime.strptime(parts["UNTIL"], _UNTIL_FORMAT) <= cut:
        return rule  # it ends before then already
    parts.pop("COUNT", None)
    parts["UNTIL"] = cut.strftime(_UNTIL_FORMAT)
    return _join(parts)


def rule_weekdays(rule: str) -> tuple[int, ...]:
    return tuple(DAY_CODES.index(code) for code in rule_parts(rule)["BYDAY"].split(","))


def describe_rule(first_start_local: datetime, rule: str) -> str:
    """ "Mondays and Thursdays at 10:00, 12 visits from Mon 07 Dec 2026 to Thu 14 Jan 2027"."""
    parts = rule_parts(rule)
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


def session_zone(session: Session) -> ZoneInfo:
    settings = session.get(ClinicSettings, 1)
    return ZoneInfo(settings.time_zone if settings else "UTC")


def series_moment(local: datetime, zone: ZoneInfo) -> datetime:
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


def refuse_visit(visit: PlannedVisit, override_by: Actor | None, zone: ZoneInfo, done: str) -> None:
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
    (authorized-visit counts, alternatives that clash with each other). A dry run reports every
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
            refuse_visit(visits[-1], override_by, zone, "booked")
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
        minutes, zone = _minutes(session, request), session_zone(session)
        plan = [
            (start, _occurrence_request(request, minutes, start))
            for start in (series_moment(o, zone) for o in local_occurrences(first_start, rule))
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


def audit_series(
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
            minutes, zone = _minutes(session, request), session_zone(session)
            occurrences = [series_moment(o, zone) for o in local_occurrences(first_start, rule)]
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
            audit_series(session, actor, series, what, create=True)
            return BookedSeries(series.id, tuple(ids))
    except IntegrityError as exc:
        with db.session() as session:
            zone = session_zone(session)
            visits = _dry_run_booking(session, actor, plan, zone)
        raise lost_race(visits, zone, "booked") from exc


def lost_race(visits: Sequence[PlannedVisit], zone: ZoneInfo, done: str) -> ConflictError:
    """The database refused an overlap another workstation wrote after the checks: name it,
    from a fresh dry run of the same work."""
    said = " ".join(
        f"{_label(v, zone)}: {' '.join(v.check.clashes)}" for v in visits if v.check.clashes
    )
    return ConflictError(
        f"{said or 'Someone else booked one of these times a moment ago.'} "
        f"Nothing in the series was {done}."
    )
