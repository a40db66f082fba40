"""The waitlist: patients who want a visit sooner (or at another time), with what would suit them;
the entries that fit a slot freed by a cancellation or a move, longest waiting first; and booking
straight from the list, which books the visit and closes the entry in one transaction.

Wishes are clinic-local: weekdays (bit 0 = Monday … bit 6 = Sunday, none set = any day), a time
window the whole visit must fit in (from ``earliest_time``, ending by ``latest_time``) and the
first date the patient can come.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.exc import StaleDataError

from ptclinic.db import Database
from ptclinic.models import (
    Appointment,
    ClinicSettings,
    Patient,
    Staff,
    VisitType,
    WaitlistEntry,
    WaitlistStatus,
)
from ptclinic.services import audit, booking
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.availability import (
    WEEKDAY_NAMES,
    Interval,
    ScheduleRules,
    local_day_bounds,
    subtract,
)
from ptclinic.services.booking import BOOKABLE_ROLES, BookingRequest, short_name
from ptclinic.services.errors import ConflictError, NotFound, StaleRecordError, ValidationError
from ptclinic.services.next_available import grid_starts
from ptclinic.services.permissions import Permission, require
from ptclinic.services.text import clean_line

MAX_NOTE = 200


def weekdays_mask(weekdays: Iterable[int]) -> int:
    """(0, 3) → 0b1001: the bitmask stored for Monday and Thursday."""
    return sum(1 << day for day in set(weekdays))


def mask_weekdays(mask: int) -> tuple[int, ...]:
    return tuple(day for day in range(7) if mask & (1 << day))


@dataclass(frozen=True)
class WaitlistWish:
    patient_id: int
    visit_type: str
    earliest_date: date
    therapist_id: int | None = None  # None: any therapist
    weekdays: tuple[int, ...] = ()  # 0 = Monday; none: any day
    earliest_time: time | None = None
    latest_time: time | None = None  # the visit ends by then
    note: str = ""


@dataclass(frozen=True)
class WaitlistItem:
    id: int
    version: int
    patient_id: int
    patient_name: str  # "Ortiz, Maria"
    patient_short: str  # "M. Ortiz"
    patient_phone: str
    therapist_id: int | None
    therapist_name: str  # "" for any therapist
    visit_type: str
    visit_label: str
    minutes: int  # the visit type's usual length
    weekdays: tuple[int, ...]
    earliest_time: time | None
    latest_time: time | None
    earliest_date: date
    note: str
    status: str
    appointment_id: int | None
    created_at: datetime

    def wishes_text(self) -> str:
        """ "Mon, Thu · 08:00–12:00 · from Mon 14 Dec 2026 · any therapist"."""
        days = ", ".join(WEEKDAY_NAMES[d][:3] for d in self.weekdays) or "Any day"
        if self.earliest_time is None and self.latest_time is None:
            hours = "any time"
        else:
            start = f"{self.earliest_time:%H:%M}" if self.earliest_time else "opening"
            end = f"{self.latest_time:%H:%M}" if self.latest_time else "closing"
            hours = f"{start}–{end}"
        who = self.therapist_name or "any therapist"
        return f"{days} · {hours} · from {self.earliest_date:%a %d %b %Y} · {who}"


@dataclass(frozen=True)
class WaitlistOffer:
    """A waiting entry and where its visit would go: ready for ``book_from_waitlist``."""

    entry: WaitlistItem
    therapist_id: int
    starts_at: datetime
    ends_at: datetime


def _zone(session: Session) -> ZoneInfo:
    settings = session.get(ClinicSettings, 1)
    return ZoneInfo(settings.time_zone if settings else "UTC")


# --- adding, listing, removing ---------------------------------------------------------------


def _validate(session: Session, wish: WaitlistWish) -> tuple[WaitlistWish, VisitType]:
    errors: dict[str, str] = {}
    patient = session.get(Patient, wish.patient_id)
    if patient is None or not patient.active:
        errors["patient"] = "Choose a patient whose record is active."
    if wish.therapist_id is not None:
        therapist = session.get(Staff, wish.therapist_id)
        if therapist is None or not therapist.active or therapist.role not in BOOKABLE_ROLES:
            errors["therapist"] = "Choose an active therapist, or any therapist."
    kind = session.get(VisitType, wish.visit_type)
    if kind is None or not kind.active:
        errors["visit_type"] = "Choose a visit type from the list."
    if any(not 0 <= day <= 6 for day in wish.weekdays):
        errors["weekdays"] = "Choose days from Monday to Sunday."
    early, late = wish.earliest_time, wish.latest_time
    if early is not None and late is not None:
        if late <= early:
            errors["latest_time"] = "The latest time must be after the earliest time."
        elif kind is not None and _minutes_between(early, late) < kind.default_minutes:
            errors["latest_time"] = (
                f"The time window is shorter than {_article(kind.label)} {kind.label.lower()} "
                f"({kind.default_minutes} minutes)."
            )
    note = clean_line(wish.note)
    if len(note) > MAX_NOTE:
        errors["note"] = f"Keep the note under {MAX_NOTE} characters."
    if errors:
        raise ValidationError(errors)
    assert kind is not None
    return (
        WaitlistWish(
            wish.patient_id,
            wish.visit_type,
            wish.earliest_date,
            wish.therapist_id,
            tuple(sorted(set(wish.weekdays))),
            early,
            late,
            note,
        ),
        kind,
    )


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _minutes_between(early: time, late: time) -> int:
    return (late.hour * 60 + late.minute) - (early.hour * 60 + early.minute)


def add_to_waitlist(db: Database, actor: Actor, wish: WaitlistWish) -> WaitlistItem:
    """Put a patient on the waitlist with their wishes."""
    require(actor, Permission.MANAGE_SCHEDULE)
    with db.session() as session:
        wish, _kind = _validate(session, wish)
        entry = WaitlistEntry(
            patient_id=wish.patient_id,
            therapist_id=wish.therapist_id,
            visit_type=wish.visit_type,
            weekdays=weekdays_mask(wish.weekdays),
            earliest_time=wish.earliest_time,
            latest_time=wish.latest_time,
            earliest_date=wish.earliest_date,
            note=wish.note,
        )
        session.add(entry)
        session.flush()
        item = _items(session, [WaitlistEntry.id == entry.id])[0]
        audit.record(
            session,
            AuditAction.CREATE,
            actor=actor,
            entity_type="waitlist",
            entity_id=entry.id,
            patient_id=wish.patient_id,
            summary=f"added to the waitlist for {wish.visit_type}: {item.wishes_text()}",
        )
        return item


def _query() -> Select[WaitlistEntry, Patient, VisitType, str]:
    therapist = aliased(Staff)
    return (
        select(WaitlistEntry, Patient, VisitType, therapist.full_name)
        .join(Patient, Patient.id == WaitlistEntry.patient_id)
        .join(VisitType, VisitType.code == WaitlistEntry.visit_type)
        .outerjoin(therapist, therapist.id == WaitlistEntry.therapist_id)
        # Longest waiting first; the id breaks ties between entries added in the same instant.
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
    )


def _items(session: Session, filters: list[object]) -> list[WaitlistItem]:
    return [
        WaitlistItem(
            id=entry.id,
            version=entry.version,
            patient_id=patient.id,
            patient_name=f"{patient.last_name}, {patient.first_name}",
            patient_short=short_name(patient.first_name, patient.last_name),
            patient_phone=patient.phone,
            therapist_id=entry.therapist_id,
            therapist_name=therapist_name or "",
            visit_type=kind.code,
            visit_label=kind.label,
            minutes=kind.default_minutes,
            weekdays=mask_weekdays(entry.weekdays),
            earliest_time=entry.earliest_time,
            latest_time=entry.latest_time,
            earliest_date=entry.earliest_date,
            note=entry.note,
            status=entry.status,
            appointment_id=entry.appointment_id,
            created_at=entry.created_at,
        )
        for entry, patient, kind, therapist_name in session.execute(
            _query().where(*filters)  # type: ignore[arg-type]
        )
    ]


def waiting_list(
    db: Database,
    actor: Actor,
    *,
    therapist_id: int | None = None,
    patient_id: int | None = None,
) -> list[WaitlistItem]:
    """Entries still waiting, longest waiting first; for one therapist, those who asked for
    that therapist or for any."""
    require(actor, Permission.VIEW_PATIENTS)
    filters: list[object] = [WaitlistEntry.status == WaitlistStatus.WAITING.value]
    if therapist_id is not None:
        filters.append(
            or_(WaitlistEntry.therapist_id.is_(None), WaitlistEntry.therapist_id == therapist_id)
        )
    if patient_id is not None:
        filters.append(WaitlistEntry.patient_id == patient_id)
    with db.session() as session:
        return _items(session, filters)


def _load_waiting(session: Session, entry_id: int, expected_version: int) -> WaitlistEntry:
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None:
        raise NotFound("That waitlist entry no longer exists.")
    if entry.version != expected_version:
        raise StaleRecordError(
            "Someone else changed this waitlist entry a moment ago. It has been reloaded; "
            "nothing was changed."
        )
    if entry.status != WaitlistStatus.WAITING.value:
        raise ConflictError(f"This patient is no longer waiting (the entry is {entry.status}).")
    return entry


def remove_from_waitlist(
    db: Database, actor: Actor, entry_id: int, expected_version: int, *, reason: str = ""
) -> None:
    """Take a patient off the waitlist (the entry is kept, marked removed)."""
    require(actor, Permission.MANAGE_SCHEDULE)
    reason = clean_line(reason)[:MAX_NOTE]
    try:
        with db.session() as session:
            entry = _load_waiting(session, entry_id, expected_version)
            entry.status = WaitlistStatus.REMOVED.value
            audit.record(
                session,
                AuditAction.CHANGE,
                actor=actor,
                entity_type="waitlist",
                entity_id=entry.id,
                patient_id=entry.patient_id,
                summary="removed from the waitlist" + (f": {reason}" if reason else ""),
            )
            session.flush()
    except StaleDataError as exc:
        raise StaleRecordError(
            "Someone else changed this waitlist entry a moment ago; nothing was changed."
        ) from exc


# --- matching a freed slot -------------------------------------------------------------------


def _fits(item: WaitlistItem, start: datetime, end: datetime, zone: ZoneInfo) -> bool:
    """Whether a visit from ``start`` to ``end`` suits the entry's days, hours and first date."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.date() < item.earliest_date:
        return False
    if item.weekdays and local_start.weekday() not in item.weekdays:
        return False
    if item.earliest_time is not None and local_start.time() < item.earliest_time:
        return False
    ends_in_time = item.latest_time is None or (
        local_end.date() == local_start.date() and local_end.time() <= item.latest_time
    )
    return ends_in_time


def _offers(
    session: Session,
    therapist_id: int,
    windows: list[Interval],
    zone: ZoneInfo,
    prefer: datetime | None = None,
) -> list[WaitlistOffer]:
    """Waiting entries that fit somewhere in ``windows`` (free time of ``therapist_id``), each
    at the first start that suits it: ``prefer`` (the freed visit's own time), else the window's
    own start or the next quarter hours."""
    if not windows:
        return []
    span = Interval(min(w.start for w in windows), max(w.end for w in windows))
    items = _items(
        session,
        [
            WaitlistEntry.status == WaitlistStatus.WAITING.value,
            or_(WaitlistEntry.therapist_id.is_(None), WaitlistEntry.therapist_id == therapist_id),
            WaitlistEntry.earliest_date <= span.end.astimezone(zone).date(),
            Patient.active.is_(True),
            VisitType.default_minutes <= _longest(windows),
        ],
    )
    if not items:
        return []
    # A patient already seen (by anyone) at that time cannot come: one query for all of them.
    busy: dict[int, list[Interval]] = defaultdict(list)
    for patient_id, starts, ends in session.execute(
        select(Appointment.patient_id, Appointment.starts_at, Appointment.ends_at).where(
            Appointment.patient_id.in_({item.patient_id for item in items}),
            booking.active_overlap(span),
        )
    ):
        busy[patient_id].append(Interval(starts, ends))
    offers = []
    for item in items:
        length = timedelta(minutes=item.minutes)
        for window in windows:
            preferred = [prefer] if prefer is not None and window.start <= prefer else []
            candidates = dict.fromkeys(
                [*preferred, window.start, *grid_starts(window, length, zone)]
            )
            start = next(
                (
                    s
                    for s in candidates
                    if s + length <= window.end
                    and _fits(item, s, s + length, zone)
                    and not any(b.overlaps(Interval(s, s + length)) for b in busy[item.patient_id])
                ),
                None,
            )
            if start is not None:
                offers.append(WaitlistOffer(item, therapist_id, start, start + length))
                break
    return offers


def _longest(windows: list[Interval]) -> int:
    return max(int((w.end - w.start).total_seconds() // 60) for w in windows)


def matches_for_slot(
    db: Database, actor: Actor, therapist_id: int, starts_at: datetime, ends_at: datetime
) -> list[WaitlistOffer]:
    """Waiting entries whose wishes fit the slot (therapist any or this one, weekday, hours,
    first date, the slot at least as long as the visit), longest waiting first, each with the
    first time in the slot that suits it. The slot is taken as free."""
    require(actor, Permission.VIEW_PATIENTS)
    if ends_at <= starts_at:
        return []
    with db.session() as session:
        return _offers(session, therapist_id, [Interval(starts_at, ends_at)], _zone(session))


def offers_for_freed_slot(
    db: Database,
    actor: Actor,
    therapist_id: int,
    starts_at: datetime,
    ends_at: datetime,
    *,
    now: datetime | None = None,
) -> list[WaitlistOffer]:
    """What to offer after a visit of ``therapist_id`` from ``starts_at`` to ``ends_at`` was
    cancelled or moved away: the waitlist matches for the whole free stretch of the therapist's
    bookable time around it (a freed 45 minutes next to a free half hour fits an hour's
    evaluation), never starting before ``now`` (a visit cancelled at 09:30 frees nothing at
    07:00). Nothing when the time has been booked again meanwhile."""
    require(actor, Permission.VIEW_PATIENTS)
    with db.session() as session:
        zone = _zone(session)
        freed = Interval(starts_at, ends_at)
        day = starts_at.astimezone(zone).date()
        rules = ScheduleRules.load(session, [therapist_id], day, day)
        bounds = local_day_bounds(day, zone)
        visits = session.execute(
            select(Appointment.starts_at, Appointment.ends_at).where(
                Appointment.therapist_id == therapist_id,
                booking.active_overlap(bounds),
            )
        )
        free = subtract(
            rules.working_windows(therapist_id, day), [Interval(s, e) for s, e in visits]
        )
        if now is not None:
            # From the next quarter hour: nobody is offered a visit that has already begun.
            soon = now.replace(second=0, microsecond=0)
            soon += timedelta(minutes=-soon.minute % 15)
            free = subtract(free, [Interval(bounds.start, max(soon, bounds.start))])
        windows = [w for w in free if w.overlaps(freed)]
        return _offers(session, therapist_id, windows, zone, prefer=starts_at)


# --- booking from the list --------------------------------------------------------------------


def book_from_waitlist(
    db: Database,
    actor: Actor,
    entry_id: int,
    expected_version: int,
    *,
    therapist_id: int,
    starts_at: datetime,
    minutes: int | None = None,
    room_id: int | None = None,
    episode_id: int | None = None,
    note: str = "",
    override_by: Actor | None = None,
) -> int:
    """Book the waiting patient's visit (checked like any booking) and mark the entry booked
    with the appointment, in one transaction; returns the appointment's id. A stale entry
    (changed, booked or removed on another workstation) books nothing."""
    require(actor, Permission.MANAGE_SCHEDULE)
    request: BookingRequest | None = None
    try:
        with db.session() as session:
            entry = _load_waiting(session, entry_id, expected_version)
            kind = session.get(VisitType, entry.visit_type)
            request = BookingRequest(
                patient_id=entry.patient_id,
                therapist_id=therapist_id,
                starts_at=starts_at,
                minutes=minutes or (kind.default_minutes if kind else 0),
                visit_type=entry.visit_type,
                room_id=room_id,
                episode_id=episode_id,
                note=note,
            )
            check, patient, therapist = booking.examine(session, request)
            booking.refuse(check, override_by)
            appointment_id = booking.insert_appointment(
                session, actor, request, patient, therapist, override_by
            )
            entry.status = WaitlistStatus.BOOKED.value
            entry.appointment_id = appointment_id
            audit.record(
                session,
                AuditAction.CHANGE,
                actor=actor,
                entity_type="waitlist",
                entity_id=entry.id,
                patient_id=entry.patient_id,
                summary=f"booked from the waitlist: appointment {appointment_id}",
            )
            session.flush()
            return appointment_id
    except StaleDataError as exc:
        raise StaleRecordError(
            "Someone else changed this waitlist entry a moment ago; nothing was booked."
        ) from exc
    except IntegrityError as exc:
        clashes = booking.check_booking(db, actor, request).clashes if request else ()
        raise ConflictError(
            " ".join(clashes) if clashes else "Someone else booked that time a moment ago."
        ) from exc
