"""Years of synthetic appointments: episodes of care played out day by day on each clinician's grid.

Each weekday every working clinician gets one room and a day of 45-minute treatment and
60-minute evaluation slots, laid end to end within their shift (with a lunch hour and the odd
unbooked slot). Slots are filled from a queue of episodes whose next visit is due, oldest first.
Because a clinician's day is laid out sequentially and no two clinicians share a room on a day,
no therapist and no room is ever double-booked, and a patient is never seen twice on one day.
Past visits get a realistic outcome (completed, cancelled, late cancel, no-show); a cancelled or
missed visit is rebooked, and repeated no-shows may end an episode early.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ptclinic.models import AppointmentStatus
from ptclinic.services.demo_people import PatientFacts

EVALUATION, RE_EVALUATION = "initial_evaluation", "re_evaluation"
TREATMENT, DISCHARGE = "follow_up", "discharge"
VISIT_MINUTES = {
    EVALUATION: 60,
    RE_EVALUATION: 45,
    TREATMENT: 45,
    DISCHARGE: 45,
}  # the seeded defaults
LUNCH_AFTER_MINUTES, LUNCH_MINUTES, SHIFT_MINUTES = 240, 60, 540
ABSENCE_RATE = 0.04  # sick days and holidays of one clinician
UNBOOKED_SLOT_RATE = 0.1
# Visits one clinician delivers per weekday on average once days off, absences and unbooked
# slots are counted, at the ~85% utilisation a clinic aims for; used to size the caseload.
VISITS_PER_CLINICIAN_DAY = 6.7
REBOOKING_OVERHEAD = 1.13  # cancelled and missed visits are booked again

_REASONS = (
    "Patient ill", "Work conflict", "Scheduling conflict", "Transportation problem",
    "Family emergency", "Weather", "Feeling better, will call to rebook", "Doctor appointment",
    "Childcare", "Out of town",
)  # fmt: skip
_LATE_REASONS = (
    "Called an hour before: car trouble", "Same-day cancel: sick child", "Same-day cancel: ill",
    "Called 30 minutes before: stuck at work", "Same-day cancel: flare-up of pain",
)  # fmt: skip
_TITLES = (
    ("Low back pain", 16), ("Sacroiliac joint dysfunction", 10), ("Neck pain", 10),
    ("{side} shoulder pain (rotator cuff)", 8), ("{side} knee pain", 7),
    ("{side} total knee replacement, post-op", 5), ("{side} ACL reconstruction, post-op", 3),
    ("{side} hip osteoarthritis", 4), ("{side} ankle sprain", 4), ("Plantar fasciitis", 3),
    ("{side} lateral elbow pain", 3), ("Balance and fall risk", 4), ("Lumbar radiculopathy", 5),
    ("{side} total hip replacement, post-op", 3), ("Pregnancy-related pelvic girdle pain", 2),
    ("{side} rotator cuff repair, post-op", 3), ("Cervicogenic headache", 2),
    ("Work injury: low back strain", 4),
)  # fmt: skip
_AUTHORISED = {
    "medicare": (None,),
    "medicare_advantage": (12, 20),
    "commercial": (None, 12, 20, 24, 30),
    "medicaid": (8, 12),
    "workers_comp": (12, 18),
    "auto": (20, 24),
    "tricare": (24,),
    "self_pay": (None,),
}


@dataclass(frozen=True)
class Clinician:
    staff_id: int
    is_pt: bool
    shift_start: int  # minutes after local midnight
    day_off: int | None  # weekday of a four-day week, or None


GOALS_MET = "Goals met; discharged with a home program"
STOPPED_ATTENDING = "Stopped attending after missed visits"


@dataclass(slots=True)
class Episode:
    patient_index: int
    arrival: int  # date ordinal of the referral: the evaluation is due from then
    planned: int  # visits including evaluation and discharge
    per_week: int
    title: str
    authorized: int | None
    evaluator: int = 0  # index into the clinicians (a PT: evaluations, re-evaluations, discharge)
    treater: int = 0  # index into the clinicians (PT or PTA: treatment visits)
    id: int = 0
    patient_id: int = 0
    done: int = 0
    misses: int = 0
    finished: bool = False
    last_visit_in_future: bool = False
    ended_on: int = 0  # date ordinal of the last visit, once finished
    ended_because: str = ""

    @property
    def is_open(self) -> bool:
        return not self.finished or self.last_visit_in_future


def plan_episodes(
    rng: random.Random, facts: list[tuple[int, PatientFacts]], last_day: int
) -> list[Episode]:
    """Episodes of care for each patient (arrival ordinal, facts), sorted by arrival; most
    patients have one, some come back months or years later with another problem."""
    episodes: list[Episode] = []
    for index, (arrival, patient) in enumerate(facts):
        count = 0
        while arrival <= last_day and count < 3:
            episodes.append(_episode(rng, index, arrival, patient))
            count += 1
            if rng.random() >= (0.2 if count == 1 else 0.3):
                break
            arrival += rng.randint(150, 1100)
    episodes.sort(key=lambda e: e.arrival)
    return episodes


def _episode(rng: random.Random, index: int, arrival: int, patient: PatientFacts) -> Episode:
    title = str(rng.choices(_TITLES, weights=[w for _, w in _TITLES])[0][0])
    planned = 1 if rng.random() < 0.1 else max(2, min(30, round(rng.lognormvariate(2.0, 0.5))))
    authorized = rng.choice(_AUTHORISED[patient.payer_kind])
    if authorized is not None:
        planned = min(planned, authorized)
    return Episode(
        patient_index=index,
        arrival=arrival,
        planned=planned,
        per_week=rng.choices((1, 2, 3), weights=(2, 6, 2))[0],
        title=title.format(side=rng.choice(("Right", "Left"))),
        authorized=authorized,
    )


def clinicians_needed(episodes: list[Episode], weekdays: int) -> int:
    visits = sum(e.planned for e in episodes) * REBOOKING_OVERHEAD
    return max(3, math.ceil(visits / max(1, weekdays) / VISITS_PER_CLINICIAN_DAY))


def assign_clinicians(rng: random.Random, episodes: list[Episode], pts: int, ptas: int) -> None:
    """Clinicians 0..pts-1 are PTs, the rest PTAs. A PT evaluates; about 4 in 10 episodes are
    then treated mostly by an assistant."""
    for episode in episodes:
        episode.evaluator = rng.randrange(pts)
        use_pta = ptas and rng.random() < 0.4
        episode.treater = pts + rng.randrange(ptas) if use_pta else episode.evaluator


def make_clinicians(rng: random.Random, staff_ids: list[int], pts: int) -> list[Clinician]:
    return [
        Clinician(
            staff_id=staff_id,
            is_pt=index < pts,
            shift_start=rng.choice((7 * 60, 8 * 60, 8 * 60, 9 * 60, 10 * 60)),
            day_off=rng.randrange(5) if rng.random() < 0.35 else None,
        )
        for index, staff_id in enumerate(staff_ids)
    ]


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def clinic_holidays(first: date, last: date) -> set[date]:
    """US holidays the demo clinic closes on (moved to Friday or Monday when on a weekend)."""
    days: set[date] = set()
    for year in range(first.year, last.year + 1):
        fixed = [date(year, 1, 1), date(year, 7, 4), date(year, 12, 25)]
        for day in fixed:
            shift = {5: -1, 6: 1}.get(day.weekday(), 0)
            days.add(day + timedelta(days=shift))
        days.add(_nth_weekday(year, 6, 0, 1) - timedelta(days=7))  # last Monday of May
        days.add(_nth_weekday(year, 9, 0, 1))  # Labor Day
        days.add(_nth_weekday(year, 11, 3, 4))  # Thanksgiving
    return days


@dataclass
class ScheduleSimulation:
    rng: random.Random
    clinicians: list[Clinician]
    room_ids: list[int]
    episodes: list[Episode]  # sorted by arrival
    zone: ZoneInfo
    first_day: date
    last_day: date
    now: datetime
    counts: dict[str, int] = field(default_factory=dict)
    _queues: list[list[tuple[int, int, Episode]]] = field(default_factory=list)
    _last_seen: dict[int, int] = field(default_factory=dict)
    _tiebreak: Iterator[int] = field(default_factory=itertools.count)

    def days(self) -> Iterator[tuple[date, list[dict[str, Any]]]]:
        """Each opening day with its appointments as column dicts (episode ids must be set)."""
        if len(self.room_ids) < len(self.clinicians):
            raise ValueError("need at least one room per clinician")
        self._queues = [[] for _ in self.clinicians]
        holidays = clinic_holidays(self.first_day, self.last_day)
        arrivals = iter(self.episodes)
        pending = next(arrivals, None)
        for ordinal in range(self.first_day.toordinal(), self.last_day.toordinal() + 1):
            day = date.fromordinal(ordinal)
            if day.weekday() >= 5 or day in holidays:
                continue
            while pending is not None and pending.arrival <= ordinal:
                self._push(pending, pending.arrival)
                pending = next(arrivals, None)
            working = [
                index
                for index, c in enumerate(self.clinicians)
                if c.day_off != day.weekday() and self.rng.random() >= ABSENCE_RATE
            ]
            rooms = self.rng.sample(self.room_ids, len(working))
            # Clinic hours never include the small-hours DST switch, so one offset fits the day.
            offset = self.zone.utcoffset(datetime(day.year, day.month, day.day, 12)) or timedelta()
            midnight = datetime(day.year, day.month, day.day, tzinfo=UTC) - offset
            rows: list[dict[str, Any]] = []
            for index, room_id in zip(working, rooms, strict=True):
                self._fill_day(index, room_id, ordinal, midnight, rows)
            yield day, rows

    def _push(self, episode: Episode, due: int) -> None:
        kind = self._visit_type(episode)
        owner = episode.treater if kind == TREATMENT else episode.evaluator
        heapq.heappush(self._queues[owner], (due, next(self._tiebreak), episode))

    @staticmethod
    def _visit_type(episode: Episode) -> str:
        if episode.done == 0:
            return EVALUATION
        if episode.planned >= 3 and episode.done == episode.planned - 1:
            return DISCHARGE
        return RE_EVALUATION if episode.done % 10 == 0 else TREATMENT

    def _fill_day(
        self, index: int, room_id: int, ordinal: int, midnight: datetime, rows: list[dict[str, Any]]
    ) -> None:
        clinician, queue, rng = self.clinicians[index], self._queues[index], self.rng
        minute = clinician.shift_start
        lunch = minute + LUNCH_AFTER_MINUTES
        closing = minute + SHIFT_MINUTES
        while queue and queue[0][0] <= ordinal:
            if rng.random() < UNBOOKED_SLOT_RATE:
                minute += VISIT_MINUTES[TREATMENT]
            episode = queue[0][2]
            kind = self._visit_type(episode)
            length = VISIT_MINUTES[kind]
            if minute < lunch + LUNCH_MINUTES and minute + length > lunch:
                minute = max(minute, lunch + LUNCH_MINUTES)
            if minute + length > closing:
                return
            heapq.heappop(queue)
            if self._last_seen.get(episode.patient_index) == ordinal:
                self._push(episode, ordinal + 1)  # seen today for another problem: tomorrow
                continue
            self._last_seen[episode.patient_index] = ordinal
            starts = midnight + timedelta(minutes=minute)
            rows.append(self._visit(episode, kind, clinician, room_id, ordinal, starts, length))
            minute += length

    def _visit(
        self,
        episode: Episode,
        kind: str,
        clinician: Clinician,
        room_id: int,
        ordinal: int,
        starts: datetime,
        length: int,
    ) -> dict[str, Any]:
        rng = self.rng
        ends = starts + timedelta(minutes=length)
        booked = min(starts - timedelta(days=rng.randint(1, 21)), self.now)
        status, late, reason, updated = AppointmentStatus.SCHEDULED, False, "", booked
        if ends <= self.now:
            roll = rng.random()
            if roll < 0.885:
                status, updated = AppointmentStatus.COMPLETED, ends
            elif roll < 0.958:
                status, late = AppointmentStatus.CANCELLED, rng.random() < 0.35
                reason = rng.choice(_LATE_REASONS if late else _REASONS)
                ahead = timedelta(hours=rng.randint(1, 3)) if late else timedelta(days=2)
                updated = max(booked, starts - ahead)
            else:
                status, updated = AppointmentStatus.NO_SHOW, ends
        elif starts <= self.now:
            status, updated = AppointmentStatus.CHECKED_IN, starts
        self._advance(episode, status, ordinal)
        self.counts[status.value] = self.counts.get(status.value, 0) + 1
        return {
            "patient_id": episode.patient_id,
            "therapist_id": clinician.staff_id,
            "room_id": room_id,
            "episode_id": episode.id,
            "starts_at": starts,
            "ends_at": ends,
            "visit_type": kind,
            "status": status.value,
            "late_cancel": late,
            "cancel_reason": reason,
            "note": "",
            "created_at": booked,
            "updated_at": updated,
            "version": 1,
        }

    def _advance(self, episode: Episode, status: AppointmentStatus, ordinal: int) -> None:
        """Move the episode on after a visit and queue its next one, if any."""
        rng = self.rng
        if status is AppointmentStatus.CANCELLED:
            self._push(episode, ordinal + rng.choice((1, 2, 2, 3)))
            return
        if status is AppointmentStatus.NO_SHOW:
            episode.misses += 1
            if episode.misses >= 2 and rng.random() < 0.5:
                episode.finished = True  # stopped coming: discharged by the clinic
                episode.ended_on, episode.ended_because = ordinal, STOPPED_ATTENDING
            else:
                self._push(episode, ordinal + rng.choice((1, 2, 3)))
            return
        episode.done += 1
        episode.misses = 0
        if episode.done >= episode.planned:
            episode.finished = True
            episode.last_visit_in_future = status is not AppointmentStatus.COMPLETED
            episode.ended_on, episode.ended_because = ordinal, GOALS_MET
            return
        gap = {1: 7, 2: 3 + episode.done % 2, 3: 2}[episode.per_week]
        self._push(episode, ordinal + max(1, gap + rng.choice((-1, 0, 0, 0, 1))))
