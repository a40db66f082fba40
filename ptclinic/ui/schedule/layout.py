"""Where everything sits on the schedule grid, computed once per loaded span (not per paint).

Plain Python on purpose: the grid widget only turns these minutes and lanes into pixels, so a
busy day (20 columns, 150 visits) lays out in a couple of milliseconds and the rules here are
tested without a window. Times are clinic-local minutes after midnight; a visit belongs to the
column of its therapist (day view), its room (room view) or its day (week view).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ptclinic.services.availability import Interval
from ptclinic.services.calendar import AppointmentView, CalendarSpan, Clinician, RoomInfo

SLOT_MINUTES = 15
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


class Arrangement(enum.Enum):
    THERAPISTS = "therapists"  # one day, a column per therapist
    ROOMS = "rooms"  # one day, a column per room
    WEEK = "week"  # one therapist, a column per day


@dataclass(frozen=True)
class Column:
    """One column of the grid and what a visit dropped into it changes."""

    day: date
    title: str
    subtitle: str
    therapist_id: int | None  # the therapist a visit dropped here is with (None: unchanged)
    room_id: int | None = None  # room view: the room a dropped visit moves to (None: no room)
    by_room: bool = False
    # Clinic-local minute ranges when this column can be booked; the rest is shaded.
    bookable: tuple[tuple[int, int], ...] = ()
    closed_reason: str = ""


@dataclass(frozen=True)
class Placed:
    """A visit on the grid: its column, its lane among visits that overlap it, and its minutes."""

    view: AppointmentView
    column: int
    lane: int
    lanes: int
    top: int  # clinic-local minutes after midnight
    bottom: int
    # A cancelled or missed visit whose time is booked again: a narrow tab at the column's edge,
    # so the visit that holds the slot keeps the column's width.
    tucked: bool = False


@dataclass(frozen=True)
class Slot:
    """An empty 15-minute slot: a column and clinic-local minutes after that day's midnight."""

    column: Column
    minute: int


@dataclass(frozen=True)
class DropTarget:
    """Where a dragged visit would land: a column, a start minute and a length."""

    view: AppointmentView
    column: Column
    minute: int
    minutes: int


@dataclass
class GridLayout:
    columns: list[Column]
    placed: list[Placed]
    first_minute: int  # the grid's first row (clinic-local minutes after midnight)
    last_minute: int
    # Therapists left out of the day view: working but with no visit, and not working.
    free: list[str] = field(default_factory=list)
    off: list[str] = field(default_factory=list)
    week: bool = False  # columns are the days of one therapist's week
    empty_text: str = ""  # what the grid says when it has no column at all

    @property
    def rows(self) -> int:
        return (self.last_minute - self.first_minute) // SLOT_MINUTES


def local_minutes(moment: datetime, day: date, zone: ZoneInfo) -> int:
    """Minutes after ``day``'s local midnight (beyond 1440 for a visit ending after midnight)."""
    local = moment.astimezone(zone)
    return (local.date() - day).days * 1440 + local.hour * 60 + local.minute


def _ranges(windows: Iterable[Interval], day: date, zone: ZoneInfo) -> tuple[tuple[int, int], ...]:
    return tuple(
        (local_minutes(w.start, day, zone), local_minutes(w.end, day, zone)) for w in windows
    )


def title_date(day: date) -> str:
    """ "Monday, Dec 7, 2026" in English whatever the machine's locale."""
    return f"{WEEKDAYS[day.weekday()]}, {MONTHS[day.month - 1][:3]} {day.day}, {day.year}"


def short_date(day: date) -> str:
    """ "Mon Dec 7"."""
    return f"{WEEKDAYS[day.weekday()][:3]} {MONTHS[day.month - 1][:3]} {day.day}"


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


def _visits(count: int) -> str:
    return "no visits" if count == 0 else "1 visit" if count == 1 else f"{count} visits"


def _closed_text(span: CalendarSpan, day: date) -> str:
    reason = span.closed_reasons.get(day)
    if reason is not None:
        return f"Closed: {reason}" if reason else "Closed"
    return "Closed" if span.opening.get(day) is None else ""


def closed_words(span: CalendarSpan, day: date) -> str:
    """ "The clinic is closed on Thu Nov 26 (Thanksgiving Day).", or "" on an open day."""
    reason = span.closed_reasons.get(day)
    if reason is not None:
        return f"The clinic is closed on {short_date(day)}" + (f" ({reason})." if reason else ".")
    if span.opening.get(day) is None:
        return f"The clinic is not open on {WEEKDAYS[day.weekday()]}s."
    return ""


def therapist_columns(
    span: CalendarSpan, day: date, clinicians: Sequence[Clinician], *, show_everyone: bool
) -> tuple[list[Column], list[str], list[str]]:
    """Columns for the therapists with a visit on ``day``, and the names of those left out:
    working but free all day, and not working. With ``show_everyone``, or on a day nobody is
    booked yet, everyone who works that day (or everyone at all) gets a column."""
    counts: dict[int, int] = {}
    names: dict[int, str] = {}
    for view in span.appointments:
        if view.starts_at.astimezone(span.zone).date() == day:
            counts[view.therapist_id] = counts.get(view.therapist_id, 0) + (1 if view.active else 0)
            names[view.therapist_id] = view.therapist_name
    closed = _closed_text(span, day)
    columns: list[Column] = []
    free: list[str] = []
    off: list[str] = []
    for person in clinicians:
        windows = span.bookable.get((person.id, day), [])
        shown = show_everyone or person.id in counts or (not counts and bool(windows))
        if not shown:
            if not closed:  # on a closed day nobody's absence is news
                (free if windows else off).append(person.full_name)
            continue
        if closed:
            status = closed
        elif not windows:
            status = "Not working"
        else:
            status = _visits(counts.get(person.id, 0))
        subtitle = f"{status} · {person.credentials}" if person.credentials else status
        columns.append(
            Column(
                day,
                person.full_name,
                subtitle,
                person.id,
                bookable=_ranges(windows, day, span.zone),
                closed_reason=closed,
            )
        )
    # Visits of someone no longer on the staff list still show, in a column of their own.
    known = {person.id for person in clinicians}
    for therapist_id, name in sorted(names.items(), key=lambda item: item[1]):
        if therapist_id not in known:
            columns.append(Column(day, name, "Not on the staff list", therapist_id))
    return columns, free, off


def room_columns(span: CalendarSpan, day: date, rooms: Sequence[RoomInfo]) -> list[Column]:
    """A column per room in use, plus "No room" when some visit has none."""
    opening = span.opening.get(day)
    bookable = _ranges([opening], day, span.zone) if opening is not None else ()
    closed = _closed_text(span, day)
    todays = [v for v in span.appointments if v.starts_at.astimezone(span.zone).date() == day]
    columns = []
    for room in rooms:
        count = sum(1 for v in todays if v.room_id == room.id and v.active)
        size = "" if room.capacity == 1 else f"{room.capacity} at once · "
        columns.append(
            Column(
                day,
                room.name,
                closed or f"{size}{_visits(count)}",
                None,
                room.id,
                by_room=True,
                bookable=bookable,
                closed_reason=closed,
            )
        )
    known = {room.id for room in rooms}
    retired = {v.room_id: v.room_name for v in todays if v.room_id is not None}
    for room_id, name in sorted(retired.items(), key=lambda item: item[1]):
        if room_id not in known:
            columns.append(Column(day, name, "Not in use any more", None, room_id, by_room=True))
    if any(v.room_id is None for v in todays):
        count = sum(1 for v in todays if v.room_id is None and v.active)
        columns.append(
            Column(day, "No room", _visits(count), None, None, by_room=True, bookable=bookable)
        )
    return columns


def week_columns(span: CalendarSpan, therapist_id: int, days: Sequence[date]) -> list[Column]:
    """A column per day of one therapist's week. Weekdays the clinic never opens are left out
    unless the therapist has a visit on them (a holiday that falls in the week stays, shaded)."""
    counts: dict[date, int] = {}
    for view in span.appointments:
        if view.therapist_id == therapist_id:
            local_day = view.starts_at.astimezone(span.zone).date()
            counts[local_day] = counts.get(local_day, 0) + (1 if view.active else 0)
    columns = []
    for day in days:
        closed = _closed_text(span, day)
        never_open = span.opening.get(day) is None and day not in span.closed_reasons
        if never_open and day not in counts:
            continue
        windows = span.bookable.get((therapist_id, day), [])
        status = closed or ("Not working" if not windows else _visits(counts.get(day, 0)))
        columns.append(
            Column(
                day,
                short_date(day),
                status,
                therapist_id,
                bookable=_ranges(windows, day, span.zone),
                closed_reason=closed,
            )
        )
    return columns


def _column_of(view: AppointmentView, columns: Sequence[Column], zone: ZoneInfo) -> int | None:
    day = view.starts_at.astimezone(zone).date()
    for index, column in enumerate(columns):
        if column.day != day:
            continue
        if column.by_room:
            if column.room_id == view.room_id:
                return index
        elif column.therapist_id == view.therapist_id:
            return index
    return None


def _lanes(items: list[tuple[int, int, AppointmentView]], column: int) -> list[Placed]:
    """Side-by-side lanes for visits that overlap (a shared gym, a double-booked room)."""
    items.sort(key=lambda item: (item[0], -item[1]))
    placed: list[Placed] = []
    cluster: list[tuple[int, int, int, AppointmentView]] = []  # top, bottom, lane, view
    cluster_end = -1
    lane_ends: list[int] = []

    def close_cluster() -> None:
        lanes = max((lane for _t, _b, lane, _v in cluster), default=-1) + 1
        placed.extend(Placed(v, column, lane, lanes, t, b) for t, b, lane, v in cluster)

    for top, bottom, view in items:
        if cluster and top >= cluster_end:
            close_cluster()
            cluster, lane_ends, cluster_end = [], [], -1
        lane = next((n for n, end in enumerate(lane_ends) if end <= top), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(bottom)
        else:
            lane_ends[lane] = bottom
        cluster.append((top, bottom, lane, view))
        cluster_end = max(cluster_end, bottom)
    if cluster:
        close_cluster()
    return placed


def _assign_lanes(items: list[tuple[int, int, AppointmentView]], column: int) -> list[Placed]:
    """Visits that hold their slot share the column in lanes; a cancelled or missed visit
    whose time is taken again is tucked at the edge instead of halving its replacement."""
    held = [item for item in items if item[2].active]
    spans = [(top, bottom) for top, bottom, _view in held]
    freed, tucked = [], []
    for item in items:
        if item[2].active:
            continue
        top, bottom, view = item
        if any(top < b and t < bottom for t, b in spans):
            tucked.append(Placed(view, column, 0, 1, top, bottom, tucked=True))
        else:
            freed.append(item)
    return _lanes(held, column) + _lanes(freed, column) + tucked


def place(
    span: CalendarSpan,
    columns: list[Column],
    *,
    free: Sequence[str] = (),
    off: Sequence[str] = (),
    week: bool = False,
) -> GridLayout:
    """Lay the span's visits into ``columns`` and choose the grid's hours: the clinic's opening
    hours of the week, widened to whole hours around any visit booked outside them."""
    first = span.earliest.hour * 60 + span.earliest.minute
    last = span.latest.hour * 60 + span.latest.minute
    by_column: dict[int, list[tuple[int, int, AppointmentView]]] = {}
    for view in span.appointments:
        index = _column_of(view, columns, span.zone)
        if index is None:
            continue
        day = columns[index].day
        top = local_minutes(view.starts_at, day, span.zone)
        bottom = max(top + 5, local_minutes(view.ends_at, day, span.zone))
        by_column.setdefault(index, []).append((top, bottom, view))
        first = min(first, top // 60 * 60)
        last = max(last, min(24 * 60, -(-bottom // 60) * 60))
    placed: list[Placed] = []
    for index, items in by_column.items():
        placed.extend(_assign_lanes(items, index))
    first -= first % SLOT_MINUTES
    last += -last % SLOT_MINUTES
    return GridLayout(columns, placed, first, max(last, first + 60), list(free), list(off), week)
