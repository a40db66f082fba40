"""The demo clinic's schedule around today: closed holidays, recurring series booked through
the real recurrence service, and a waitlist — so the Schedule page shows what a clinic has.

Runs after the bulk generation, with the services a front desk uses (and so their checks and
audit rows); only a few dozen bookings, so it takes a moment, not minutes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import insert, select, update

from ptclinic.db import Database
from ptclinic.models import ClosedDay, EpisodeOfCare, Staff, WaitlistEntry
from ptclinic.services import recurrence, waitlist
from ptclinic.services.auth import actor_of
from ptclinic.services.booking import BOOKABLE_ROLES
from ptclinic.services.demo_schedule import clinic_holidays
from ptclinic.services.errors import DomainError

SERIES_WEEKS = 6
# What a waiting patient says, by the hour their wished time starts (so note and wish agree).
WISHES = {
    7: "Prefers mornings before work",
    8: "Any morning works",
    12: "Lunch hours are easiest",
    15: "Can come after school pick-up",
}
WAITING_DAYS = 21  # how long the demo's waiting patients have waited, at most


@dataclass(frozen=True)
class ExtrasSummary:
    closed_days: int
    series: int
    series_visits: int
    waiting: int


def add_schedule_extras(
    db: Database, rng: random.Random, today: date, first_day: date, last_day: date, patients: int
) -> ExtrasSummary:
    holidays = sorted(clinic_holidays(first_day, last_day))
    with db.session() as session:
        if holidays:
            session.execute(
                insert(ClosedDay), [{"day": day, "reason": "Public holiday"} for day in holidays]
            )
        desk_row = session.scalar(select(Staff).where(Staff.username == "frontdesk"))
        episodes = session.execute(
            select(EpisodeOfCare.id, EpisodeOfCare.patient_id, Staff.id)
            .join(Staff, Staff.id == EpisodeOfCare.primary_therapist_id)
            .where(EpisodeOfCare.status == "open", Staff.role.in_(BOOKABLE_ROLES))
            .order_by(EpisodeOfCare.id)
        ).all()
    if desk_row is None or not episodes:
        return ExtrasSummary(len(holidays), 0, 0, 0)
    desk = actor_of(desk_row)
    wanted = min(12, max(2, patients // 150))
    series = visits = 0
    monday = today + timedelta(days=7 - today.weekday())
    # Within the generated span: the demo's own data ends at ``last_day``.
    until = min(last_day, monday + timedelta(weeks=SERIES_WEEKS) - timedelta(days=1))
    candidates = rng.sample(episodes, min(len(episodes), wanted * 5)) if until > monday else []
    for episode_id, patient_id, therapist_id in candidates:
        if series >= wanted:
            break
        days = tuple(sorted(rng.sample(range(5), 2)))
        request = recurrence.SeriesRequest(
            patient_id=patient_id,
            therapist_id=therapist_id,
            visit_type="follow_up",
            episode_id=episode_id,
            pattern=recurrence.WeeklyPattern(
                weekdays=days,
                at=time(rng.choice(range(8, 17)), rng.choice((0, 15, 30, 45))),
                first_day=monday,
                until=until,
            ),
        )
        try:
            preview = recurrence.preview_series(db, desk, request)
            picks = [recurrence.Pick(v.original_start) for v in preview.visits if v.check.bookable]
            # A busy therapist: book the free half or more, as a front desk would, else move on.
            if len(picks) < max(3, len(preview.visits) // 2):
                continue
            booked = recurrence.book_series(db, desk, request, picks)
        except DomainError:
            continue  # the demo's own visits got in the way: try another patient
        series, visits = series + 1, visits + len(booked.appointment_ids)
    waiting = 0
    for _episode, patient_id, therapist_id in rng.sample(episodes, min(len(episodes), wanted)):
        start = rng.choice((7, 8, 12, 15))
        wish = waitlist.WaitlistWish(
            patient_id=patient_id,
            visit_type="follow_up",
            earliest_date=today,
            therapist_id=therapist_id if rng.random() < 0.6 else None,
            weekdays=tuple(sorted(rng.sample(range(5), rng.randint(1, 3)))),
            earliest_time=time(start),
            latest_time=time(start + 3),
            note=WISHES[start],
        )
        try:
            item = waitlist.add_to_waitlist(db, desk, wish)
        except DomainError:
            continue
        waiting += 1
        # People join a waitlist over weeks, not all this morning: date the entry back.
        with db.session() as session:
            session.execute(
                update(WaitlistEntry)
                .where(WaitlistEntry.id == item.id)
                .values(created_at=item.created_at - timedelta(days=rng.randint(0, WAITING_DAYS)))
            )
    return ExtrasSummary(len(holidays), series, visits, waiting)
