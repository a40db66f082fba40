"""Next available: the first free slots for one therapist (or any therapist) from a moment on.

A slot is free when it lies in the therapist's bookable hours (opening hours, working hours,
time off, closed days: ``ScheduleRules``), clashes with none of the therapist's or the patient's
active visits, and has a room: the one asked for (when it takes one patient at a time), or else a
free single treatment room is suggested. A clinic without such rooms gets slots without a room.

Speed: the schedule rules for the whole search are read up front, then the active visits of one
stretch of days (therapists, patient and rooms together) in one query, never one per slot; the
search stops as soon as it has enough slots.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from ptclinic.db import Database
from ptclinic.models import Appointment, ClinicSettings, Patient, Room, Staff, VisitType
from ptclinic.services import booking
from ptclinic.services.actor import Actor
from ptclinic.services.availability import Interval, ScheduleRules, local_day_bounds, subtract
from ptclinic.services.booking import BOOKABLE_ROLES, EVALUATION_VISIT_TYPES, MAX_MINUTES
from ptclinic.services.errors import ValidationError
from ptclinic.services.permissions import EVALUATING_ROLES, Permission, require

GRID_MINUTES = 15
DEFAULT_COUNT = 5
SEARCH_DAYS = 56  # eight weeks: further out, the front desk books a series or the waitlist
MAX_SEARCH_DAYS = 366
MAX_COUNT = 50
SUGGESTED_ROOM_KIND = "treatment"
# The first stretch read is one day (most searches end there); later ones are a week each.
FIRST_STRETCH_DAYS, STRETCH_DAYS = 1, 7


@dataclass(frozen=True)
class FreeSlot:
    """A bookable slot: who, when (UTC moments) and where (room id None: no room suggested)."""

    therapist_id: int
    therapist_name: str
    starts_at: datetime
    ends_at: datetime
    room_id: int | None
    room_name: str

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass(frozen=True)
class _RoomChoice:
    id: int
    name: str


@dataclass
class _Busy:
    """Active visits of one stretch of days, sorted into who or what they keep busy."""

    therapist: dict[int, list[tuple[Interval, int | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    patient: list[Interval] = field(default_factory=list)
    room: dict[int, list[Interval]] = field(default_factory=lambda: defaultdict(list))


@dataclass(frozen=True)
class _Search:
    zone: ZoneInfo
    rules: ScheduleRules
    therapists: list[tuple[int, str]]  # by name: the order of slots starting together
    length: timedelta
    patient_id: int | None
    requested_room: _RoomChoice | None
    requested_room_exclusive: bool
    suggestable_rooms: list[_RoomChoice]  # by name
    exclude_id: int | None


def next_available(
    db: Database,
    actor: Actor,
    *,
    after: datetime,
    visit_type: str | None = None,
    minutes: int | None = None,
    therapist_id: int | None = None,
    patient_id: int | None = None,
    room_id: int | None = None,
    count: int = DEFAULT_COUNT,
    days: int = SEARCH_DAYS,
    exclude_appointment_id: int | None = None,
) -> list[FreeSlot]:
    """The first ``count`` free slots starting at or after ``after`` (an aware moment), in time
    order (slots starting together: by therapist's name), searching ``days`` clinic-local days.

    The length is ``minutes`` or else the ``visit_type``'s usual length. Without
    ``therapist_id`` every active therapist, assistant and student is a candidate. With
    ``patient_id`` the patient's own visits are kept clear too. ``exclude_appointment_id`` is a
    visit being moved: its own time does not count as busy. Fewer slots (or none) come back when
    the search span holds fewer.
    """
    require(actor, Permission.VIEW_PATIENTS)
    with db.session() as session:
        search = _prepare(
            session,
            after=after,
            visit_type=visit_type,
            minutes=minutes,
            therapist_id=therapist_id,
            patient_id=patient_id,
            room_id=room_id,
            count=count,
            days=days,
            exclude_id=exclude_appointment_id,
        )
        first_day = after.astimezone(search.zone).date()
        last_day = first_day + timedelta(days=days - 1)
        # Only days with bookable time left are read: a Saturday evening or a holiday costs no
        # query. The first stretch is one such day (most searches end there), then a week's.
        open_days = [d for d in _days(first_day, last_day) if _bookable_after(search, d, after)]
        slots: list[FreeSlot] = []
        stretch = FIRST_STRETCH_DAYS
        while open_days and len(slots) < count:
            chunk = [d for d in open_days if d < open_days[0] + timedelta(days=stretch)]
            open_days = open_days[len(chunk) :]
            busy = _load_busy(session, search, chunk[0], chunk[-1])
            for day in chunk:
                slots.extend(_free_on(day, search, busy, after, slots, count - len(slots)))
                if len(slots) >= count:
                    break
            stretch = STRETCH_DAYS
        return slots


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _bookable_after(search: _Search, day: date, after: datetime) -> bool:
    """Whether any candidate therapist has working time on ``day`` ending after ``after``."""
    return any(
        window.end - max(window.start, after) >= search.length
        for therapist_id, _name in search.therapists
        for window in search.rules.working_windows(therapist_id, day)
    )


def _prepare(
    session: Session,
    *,
    after: datetime,
    visit_type: str | None,
    minutes: int | None,
    therapist_id: int | None,
    patient_id: int | None,
    room_id: int | None,
    count: int,
    days: int,
    exclude_id: int | None,
) -> _Search:
    """Validate the question and read everything that does not change from day to day."""
    errors: dict[str, str] = {}
    if after.tzinfo is None:
        errors["after"] = "The start time needs a time zone."  # a programming slip
    if minutes is None and visit_type is not None:
        kind = session.get(VisitType, visit_type)
        if kind is None or not kind.active:
            errors["visit_type"] = "Choose a visit type from the list."
        else:
            minutes = kind.default_minutes
    if minutes is None:
        if "visit_type" not in errors:
            errors["minutes"] = "Choose a visit type or a length for the visit."
    elif not 5 <= minutes <= MAX_MINUTES or minutes % 5:
        errors["minutes"] = f"A visit lasts 5 to {MAX_MINUTES} minutes, in steps of 5 minutes."
    if not 1 <= count <= MAX_COUNT:
        errors["count"] = f"Ask for 1 to {MAX_COUNT} slots."
    if not 1 <= days <= MAX_SEARCH_DAYS:
        errors["days"] = f"Search 1 to {MAX_SEARCH_DAYS} days ahead."
    # An evaluation is only offered with someone who evaluates (booking refuses the rest).
    roles = EVALUATING_ROLES if visit_type in EVALUATION_VISIT_TYPES else BOOKABLE_ROLES
    staff_query = select(Staff.id, Staff.full_name).where(
        Staff.active.is_(True), Staff.role.in_(roles)
    )
    if therapist_id is not None:
        staff_query = staff_query.where(Staff.id == therapist_id)
    therapists = [(row.id, row.full_name) for row in session.execute(staff_query)]
    therapists.sort(key=lambda pair: (pair[1], pair[0]))
    if therapist_id is not None and not therapists:
        errors["therapist"] = "Choose an active therapist, assistant or student."
    if patient_id is not None:
        patient = session.get(Patient, patient_id)
        if patient is None or not patient.active:
            errors["patient"] = "Choose a patient whose record is active."
    requested: Room | None = None
    if room_id is not None:
        requested = session.get(Room, room_id)
        if requested is None or not requested.active:
            errors["room"] = "That room is not in use any more; choose another."
    if errors:
        raise ValidationError(errors)
    assert minutes is not None
    settings = session.get(ClinicSettings, 1)
    zone = ZoneInfo(settings.time_zone if settings else "UTC")
    first_day = after.astimezone(zone).date()
    rules = ScheduleRules.load(
        session, [tid for tid, _ in therapists], first_day, first_day + timedelta(days=days)
    )
    suggestable: list[_RoomChoice] = []
    if requested is None:
        suggestable = [
            _RoomChoice(room.id, room.name)
            for room in session.scalars(
                select(Room)
                .where(
                    Room.active.is_(True),
                    Room.capacity == 1,
                    Room.kind == SUGGESTED_ROOM_KIND,
                )
                .order_by(Room.name)
            )
        ]
    return _Search(
        zone=zone,
        rules=rules,
        therapists=therapists,
        length=timedelta(minutes=minutes),
        patient_id=patient_id,
        requested_room=_RoomChoice(requested.id, requested.name) if requested else None,
        requested_room_exclusive=requested is not None and requested.capacity == 1,
        suggestable_rooms=suggestable,
        exclude_id=exclude_id,
    )


def _load_busy(session: Session, search: _Search, first_day: date, last_day: date) -> _Busy:
    """Every active visit in the stretch that keeps a candidate therapist, the patient or a
    room of interest busy: one query for the whole stretch."""
    span = Interval(
        local_day_bounds(first_day, search.zone).start,
        local_day_bounds(last_day, search.zone).end,
    )
    therapist_ids = [tid for tid, _ in search.therapists]
    whose: list[ColumnElement[bool]] = [Appointment.therapist_id.in_(therapist_ids)]
    if search.patient_id is not None:
        whose.append(Appointment.patient_id == search.patient_id)
    room_ids = [room.id for room in search.suggestable_rooms]
    if search.requested_room is not None and search.requested_room_exclusive:
        room_ids.append(search.requested_room.id)
    if room_ids:
        whose.append(and_(Appointment.room_exclusive.is_(True), Appointment.room_id.in_(room_ids)))
    query = select(
        Appointment.therapist_id,
        Appointment.patient_id,
        Appointment.room_id,
        Appointment.room_exclusive,
        Appointment.starts_at,
        Appointment.ends_at,
    ).where(
        booking.active_overlap(span),
        or_(*whose),
    )
    if search.exclude_id is not None:
        query = query.where(Appointment.id != search.exclude_id)
    busy = _Busy()
    for therapist, patient, room, exclusive, starts, ends in session.execute(query):
        interval = Interval(starts, ends)
        busy.therapist[therapist].append((interval, room))
        if patient == search.patient_id:
            busy.patient.append(interval)
        if room is not None and exclusive:
            busy.room[room].append(interval)
    return busy


def grid_starts(free: Interval, length: timedelta, zone: ZoneInfo) -> list[datetime]:
    """Every start on the clinic-local 15-minute grid at which ``length`` fits in ``free``.

    Stepping 15 minutes of real time keeps to the local grid even across a daylight-saving
    change, because every zone's offset (and its changes) is a whole number of quarter hours.
    """
    local = free.start.astimezone(zone)
    into = timedelta(
        minutes=local.minute % GRID_MINUTES, seconds=local.second, microseconds=local.microsecond
    )
    start = free.start if not into else free.start + timedelta(minutes=GRID_MINUTES) - into
    step, starts = timedelta(minutes=GRID_MINUTES), []
    while start + length <= free.end:
        starts.append(start)
        start += step
    return starts


def _free_on(
    day: date,
    search: _Search,
    busy: _Busy,
    after: datetime,
    found: list[FreeSlot],
    wanted: int,
) -> list[FreeSlot]:
    """Up to ``wanted`` free slots on the clinic-local ``day``, in time order."""
    candidates: list[tuple[datetime, int, str]] = []
    for order, (therapist_id, name) in enumerate(search.therapists):
        windows = search.rules.working_windows(therapist_id, day)
        if not windows:
            continue
        blocked = [interval for interval, _room in busy.therapist.get(therapist_id, [])]
        blocked += busy.patient
        if search.requested_room is not None and search.requested_room_exclusive:
            blocked += busy.room.get(search.requested_room.id, [])
        for free in subtract(windows, blocked):
            if free.end <= after:
                continue
            free = Interval(max(free.start, after), free.end)
            candidates.extend(
                (start, order, name) for start in grid_starts(free, search.length, search.zone)
            )
    candidates.sort()
    slots: list[FreeSlot] = []
    for start, order, name in candidates:
        slot = Interval(start, start + search.length)
        therapist_id = search.therapists[order][0]
        room: _RoomChoice | None
        if search.requested_room is not None:
            room = search.requested_room
        elif search.suggestable_rooms:
            room = _suggest_room(slot, therapist_id, search, busy, [*found, *slots])
            if room is None:
                continue  # every treatment room is taken then: not a slot the desk can use
        else:
            room = None
        slots.append(
            FreeSlot(
                therapist_id=therapist_id,
                therapist_name=name,
                starts_at=slot.start,
                ends_at=slot.end,
                room_id=room.id if room else None,
                room_name=room.name if room else "",
            )
        )
        if len(slots) == wanted:
            break
    return slots


def _suggest_room(
    slot: Interval, therapist_id: int, search: _Search, busy: _Busy, offered: list[FreeSlot]
) -> _RoomChoice | None:
    """A free single treatment room for ``slot``: preferably the one the therapist works in
    nearest that time (no moving between rooms), and one not already offered to another
    therapist for an overlapping slot in this list, so both suggestions can be taken."""
    day = local_day_bounds(slot.start.astimezone(search.zone).date(), search.zone)
    nearby = sorted(
        (abs((interval.start - slot.start).total_seconds()), room)
        for interval, room in busy.therapist.get(therapist_id, [])
        if room is not None and day.overlaps(interval)
    )
    preferred = [room for _distance, room in nearby]
    by_id = {room.id: room for room in search.suggestable_rooms}
    ordered = [by_id[room] for room in dict.fromkeys(preferred) if room in by_id]
    ordered += [room for room in search.suggestable_rooms if room not in ordered]
    free = [
        room
        for room in ordered
        if not any(slot.overlaps(taken) for taken in busy.room.get(room.id, []))
    ]
    # The same therapist's overlapping slots are alternatives to each other, so only another
    # therapist's offer can compete for the room.
    promised = {
        other.room_id
        for other in offered
        if other.room_id is not None
        and other.therapist_id != therapist_id
        and slot.overlaps(Interval(other.starts_at, other.ends_at))
    }
    unpromised = [room for room in free if room.id not in promised]
    choices = unpromised or free
    return choices[0] if choices else None
