"""What the series dialog will book: the recurrence service's preview and, for each visit, the
person's choice (as planned, at another time, or left out), turned into ``Pick``s and into the
lines of the list. Plain data and rules of the screen only; every check is the services'.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from ptclinic.services.booking import BookingCheck
from ptclinic.services.recurrence import Pick, PlannedVisit, SeriesPreview
from ptclinic.ui.schedule.layout import short_date
from ptclinic.ui.schedule.series_parts import Tone, VisitRow, check_words, day_and_time
from ptclinic.ui.schedule.series_picker import Alternative


class Toggle(Enum):
    """What taking a visit in or out did."""

    DONE = "done"
    NEEDS_ANOTHER_TIME = "needs another time"  # a clash: only another time can be booked
    NO_SUCH_VISIT = "no such visit"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


class SeriesPlan:
    """The visits of the previewed series and what becomes of each, by its moment in the rule
    (``original_start``): free ones are booked unless skipped; a clash only at another time;
    one outside the hours only when ticked, and then an administrator signs."""

    def __init__(self, zone: ZoneInfo) -> None:
        self._zone = zone
        self.preview: SeriesPreview | None = None
        self.alternatives: dict[datetime, Alternative] = {}
        self.skipped: set[datetime] = set()
        self.forced: set[datetime] = set()  # outside the hours, booked with approval

    def set_preview(
        self,
        preview: SeriesPreview | None,
        recheck: Callable[[PlannedVisit, Alternative], Alternative],
    ) -> None:
        """A new preview: choices about visits no longer in it are dropped, other times are
        checked again (``recheck``) against the series as it now stands."""
        self.preview = preview
        if preview is None:
            return
        known = {visit.original_start: visit for visit in preview.visits}
        self.skipped &= known.keys()
        self.forced &= known.keys()
        self.alternatives = {
            key: recheck(known[key], alternative)
            for key, alternative in self.alternatives.items()
            if key in known
        }

    def visits(self) -> tuple[PlannedVisit, ...]:
        return self.preview.visits if self.preview else ()

    def visit(self, row: int) -> PlannedVisit | None:
        visits = self.visits()
        return visits[row] if 0 <= row < len(visits) else None

    def check(self, visit: PlannedVisit) -> BookingCheck:
        """What stands in the way of the visit as it would be booked (another time if chosen,
        which must not land on another visit of this very series)."""
        alternative = self.alternatives.get(visit.original_start)
        if alternative is None:
            return visit.check
        own = self._own_clash(visit.original_start, alternative)
        if own is None:
            return alternative.check
        return replace(alternative.check, clashes=(*alternative.check.clashes, own))

    def _booked_as_planned(self, visit: PlannedVisit) -> bool:
        key = visit.original_start
        if key in self.skipped or key in self.alternatives or visit.check.clashes:
            return False
        return visit.check.outside_hours is None or key in self.forced

    def _own_clash(self, key: datetime, alternative: Alternative) -> str | None:
        """The series' own visit that another time would overlap (the patient cannot be in two
        places): one booked as planned, or one moved to another time chosen earlier in the
        series (so of two overlapping choices the later one is flagged)."""
        length = timedelta(minutes=self.preview.minutes if self.preview else 0)
        start, end = alternative.starts_at, alternative.starts_at + length
        for other in self.visits():
            other_key = other.original_start
            if other_key == key or other_key in self.skipped:
                continue
            moved = self.alternatives.get(other_key)
            if moved is None:
                if not self._booked_as_planned(other):
                    continue
                other_start = other.starts_at
            elif other_key < key and not moved.check.clashes:
                other_start = moved.starts_at
            else:
                continue
            if start < other_start + length and other_start < end:
                when = day_and_time(other_start, self._zone)
                return f"Another visit of this series is on {when}."
        return None

    def taken(self, visit: PlannedVisit) -> list[tuple[datetime, datetime]]:
        """The times the series' other visits to book take (for the other-time picker)."""
        length = timedelta(minutes=self.preview.minutes if self.preview else 0)
        spans = []
        for other in self.booked():
            if other.original_start == visit.original_start:
                continue
            moved = self.alternatives.get(other.original_start)
            start = moved.starts_at if moved is not None else other.starts_at
            spans.append((start, start + length))
        return spans

    def is_booked(self, visit: PlannedVisit) -> bool:
        key = visit.original_start
        if key in self.skipped:
            return False
        if key in self.alternatives:
            return not self.check(visit).clashes
        return self._booked_as_planned(visit)

    def booked(self) -> list[PlannedVisit]:
        return [visit for visit in self.visits() if self.is_booked(visit)]

    def needs_approval(self) -> bool:
        return any(self.check(visit).outside_hours is not None for visit in self.booked())

    def picks(self) -> list[Pick]:
        picks = []
        for visit in self.booked():
            alternative = self.alternatives.get(visit.original_start)
            if alternative is None:
                picks.append(Pick(visit.original_start))
                continue
            other = alternative.therapist_id != visit.therapist_id
            picks.append(
                Pick(
                    visit.original_start,
                    starts_at=alternative.starts_at,
                    therapist_id=alternative.therapist_id if other else None,
                )
            )
        return picks

    # --- the person's choices ---------------------------------------------------------------------

    def toggle(self, row: int) -> Toggle:
        """Leave the visit out, or take it back in."""
        visit = self.visit(row)
        if visit is None:
            return Toggle.NO_SUCH_VISIT
        key = visit.original_start
        if self.is_booked(visit):
            self.skipped.add(key)
            return Toggle.DONE
        self.skipped.discard(key)
        if not self.is_booked(visit):
            if self.check(visit).clashes:
                return Toggle.NEEDS_ANOTHER_TIME
            self.forced.add(key)  # outside the hours: an administrator signs on Book
        return Toggle.DONE

    def set_alternative(self, visit: PlannedVisit, alternative: Alternative) -> None:
        self.alternatives[visit.original_start] = alternative
        self.skipped.discard(visit.original_start)

    def choices(self) -> tuple[object, ...]:
        """The person's choices, to tell whether anything was chosen since (closing asks)."""
        return tuple(sorted(self.alternatives)), frozenset(self.skipped), frozenset(self.forced)

    # --- in words ---------------------------------------------------------------------------------

    def warnings(self) -> dict[str, int]:
        """Each warning of the visits to book, with how many of them it is about, those about
        the most first (a patient's missed visits are about every one)."""
        counts: dict[str, int] = {}
        for visit in self.booked():
            for warning in self.check(visit).warnings:
                counts[warning] = counts.get(warning, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))

    def rows(self) -> list[VisitRow]:
        """A line per visit: its day, time and what stands in its way; a warning about many
        visits is said once under the list."""
        if self.preview is None:
            return []
        shared = {warning for warning, count in self.warnings().items() if count > 1}
        return [self._row(visit, self.preview.minutes, shared) for visit in self.visits()]

    def _row(self, visit: PlannedVisit, minutes: int, shared: Collection[str]) -> VisitRow:
        key = visit.original_start
        alternative = self.alternatives.get(key)
        start = alternative.starts_at if alternative else visit.starts_at
        local, end = start.astimezone(self._zone), start + timedelta(minutes=minutes)
        clock = f"{local:%H:%M}–{end.astimezone(self._zone):%H:%M}"
        words, tone = check_words(self.check(visit), shared)
        if alternative is not None:
            other = alternative.therapist_id != visit.therapist_id
            therapist = f" with {alternative.therapist_name}" if other else ""
            words = f"↻ Instead of {day_and_time(key, self._zone)}{therapist}: {words}"
        elif visit.check.clashes:
            words += " Choose another time, or leave it out."
        elif visit.check.outside_hours is not None:
            words += (
                " Needs an administrator's approval."
                if key in self.forced
                else " Tick it to book it with an administrator's approval."
            )
        if key in self.skipped:
            words, tone = f"– Skipped, not booked ({words})", Tone.MUTED
        return VisitRow((short_date(local.date()), clock, words), tone, self.is_booked(visit))

    def tally(self) -> str:
        """ "10 of 12 to book; 2 left out (1 with a clash)."."""
        visits = self.visits()
        if not visits:
            return ""
        count = len(self.booked())
        left = len(visits) - count
        clashes = sum(1 for v in visits if not self.is_booked(v) and self.check(v).clashes)
        text = f"{count} of {len(visits)} to book"
        if left:
            text += f"; {left} left out" + (f" ({clashes} with a clash)" if clashes else "")
        return text + "."

    def lost(self, before: Collection[datetime]) -> list[PlannedVisit]:
        """Visits that were to be booked (``before``: their keys) and now cannot be."""
        return [v for v in self.visits() if v.original_start in before and not self.is_booked(v)]
