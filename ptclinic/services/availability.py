"""When a therapist can be booked: the clinic's opening hours, the person's working hours, time off
and closed days, turned into free windows of real (UTC) time for given clinic-local days.

A staff member without any working-hours rows works whenever the clinic is open: a new clinic
can book from the first day, and hours are refined later in Administration.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptclinic.models import ClinicSettings, ClosedDay, OpeningHours, TimeOff, WorkingHours

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end


def subtract(windows: Iterable[Interval], busy: Iterable[Interval]) -> list[Interval]:
    """``windows`` with every ``busy`` stretch cut out; both in any order."""
    free = sorted(windows)
    for block in sorted(busy):
        pieces: list[Interval] = []
        for window in free:
            if not window.overlaps(block):
                pieces.append(window)
                continue
            if window.start < block.start:
                pieces.append(Interval(window.start, block.start))
            if block.end < window.end:
                pieces.append(Interval(block.end, window.end))
        free = pieces
    return free


def local_moment(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The UTC moment of a clinic-local wall-clock time on ``day``."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def local_day_bounds(day: date, zone: ZoneInfo) -> Interval:
    """Clinic-local midnight to midnight, in UTC (23 or 25 hours on a daylight-saving change)."""
    return Interval(
        local_moment(day, time.min, zone), local_moment(day + timedelta(1), time.min, zone)
    )


def clock(moment: datetime, zone: ZoneInfo) -> str:
    """ "10:00" in the clinic's zone."""
    return f"{moment.astimezone(zone):%H:%M}"


@dataclass
class ScheduleRules:
    """Everything that decides who may be booked when, for a span of days, read in one go."""

    zone: ZoneInfo
    opening: dict[int, tuple[time, time]]
    closed: dict[date, str]
    working: dict[int, dict[int, list[tuple[time, time]]]] = field(default_factory=dict)
    time_off: dict[int, list[tuple[Interval, str]]] = field(default_factory=dict)

    @classmethod
    def load(
        cls, session: Session, staff_ids: Iterable[int], first_day: date, last_day: date
    ) -> ScheduleRules:
        settings = session.get(ClinicSettings, 1)
        zone = ZoneInfo(settings.time_zone if settings else "UTC")
        opening = {
            row.weekday: (row.opens_at, row.closes_at)
            for row in session.scalars(select(OpeningHours))
        }
        closed = {
            row.day: row.reason
            for row in session.scalars(
                select(ClosedDay).where(ClosedDay.day.between(first_day, last_day))
            )
        }
        ids = list(staff_ids)
        working: dict[int, dict[int, list[tuple[time, time]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for hours in session.scalars(select(WorkingHours).where(WorkingHours.staff_id.in_(ids))):
            working[hours.staff_id][hours.weekday].append((hours.starts_at, hours.ends_at))
        span = Interval(
            local_day_bounds(first_day, zone).start, local_day_bounds(last_day, zone).end
        )
        away: dict[int, list[tuple[Interval, str]]] = defaultdict(list)
        for off in session.scalars(
            select(TimeOff).where(
                TimeOff.staff_id.in_(ids),
                TimeOff.starts_at < span.end,
                TimeOff.ends_at > span.start,
            )
        ):
            away[off.staff_id].append((Interval(off.starts_at, off.ends_at), off.reason))
        return cls(zone, opening, closed, dict(working), dict(away))

    def opening_window(self, day: date) -> Interval | None:
        if day in self.closed or day.weekday() not in self.opening:
            return None
        opens, closes = self.opening[day.weekday()]
        return Interval(local_moment(day, opens, self.zone), local_moment(day, closes, self.zone))

    def working_windows(self, staff_id: int, day: date) -> list[Interval]:
        """When ``staff_id`` can see patients on the clinic-local ``day``."""
        opening = self.opening_window(day)
        if opening is None:
            return []
        week = self.working.get(staff_id)
        if week is None:
            windows = [opening]
        else:
            windows = []
            for starts, ends in week.get(day.weekday(), []):
                block = Interval(
                    max(opening.start, local_moment(day, starts, self.zone)),
                    min(opening.end, local_moment(day, ends, self.zone)),
                )
                if block.start < block.end:
                    windows.append(block)
        return subtract(windows, [span for span, _ in self.time_off.get(staff_id, [])])

    def why_not_bookable(self, staff_id: int, slot: Interval, who: str) -> str | None:
        """Plain words for why ``slot`` is outside ``who``'s bookable time, or None if it is not."""
        day = slot.start.astimezone(self.zone).date()
        if day in self.closed:
            reason = self.closed[day]
            return f"The clinic is closed on {day:%A %d %B}" + (f" ({reason})." if reason else ".")
        opening = self.opening_window(day)
        if opening is None:
            return f"The clinic is not open on {WEEKDAY_NAMES[day.weekday()]}s."
        if not opening.contains(slot):
            return (
                f"The clinic is open {clock(opening.start, self.zone)}–"
                f"{clock(opening.end, self.zone)} on {WEEKDAY_NAMES[day.weekday()]}s."
            )
        for span, reason in self.time_off.get(staff_id, []):
            if span.overlaps(slot):
                what = f" ({reason})" if reason else ""
                return (
                    f"{who} is away{what} from {span.start.astimezone(self.zone):%a %d %b %H:%M} "
                    f"to {span.end.astimezone(self.zone):%a %d %b %H:%M}."
                )
        if not any(window.contains(slot) for window in self.working_windows(staff_id, day)):
            return f"{who} does not work at that time on {WEEKDAY_NAMES[day.weekday()]}s."
        return None
