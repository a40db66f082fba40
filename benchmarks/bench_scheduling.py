"""Scheduling benchmark: on the 50,000-patient / 10-year clinic, time opening a day (all
clinicians) and a week (one clinician), booking with its conflict check, and "next available".

Figures are printed next to their targets, not asserted (see benchmarks/README.md). Run from the
repository root:

    python benchmarks/bench_scheduling.py                         # SQLite in a temporary folder
    python benchmarks/bench_scheduling.py --patients 5000 --years 2
    python benchmarks/bench_scheduling.py --database postgresql+psycopg://user@host/emptydb
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ptclinic.db import Database  # noqa: E402
from ptclinic.models import AppointmentStatus  # noqa: E402
from ptclinic.services import auth, booking, calendar, next_available  # noqa: E402
from ptclinic.services.actor import Actor  # noqa: E402
from ptclinic.services.calendar import Clinician  # noqa: E402
from ptclinic.services.clinic import clinic_today  # noqa: E402
from ptclinic.services.demo_data import DEMO_LOGINS, DemoOptions, generate_demo_data  # noqa: E402
from ptclinic.services.patient_search import search_patients  # noqa: E402
from ptclinic.ui.schedule import layout as grid_layout  # noqa: E402 - plain Python, no Qt

TARGETS_MS = {"day": 100.0, "week": 100.0, "book": 20.0, "next": 50.0}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", metavar="URL", help="an empty database (default: SQLite)")
    parser.add_argument("--existing", action="store_true", help="use the data in --database")
    parser.add_argument("--patients", type=int, default=50_000)
    parser.add_argument("--years", type=float, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each kind")
    return parser.parse_args(argv)


def report(name: str, key: str, timings: list[float], extra: str = "") -> None:
    p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else timings[0]
    target = TARGETS_MS[key]
    verdict = "meets" if p95 < target else "MISSES"
    print(
        f"{name:<44} median {statistics.median(timings):6.1f} ms   p95 {p95:6.1f} ms   "
        f"max {max(timings):6.1f} ms  [target < {target:.0f} ms: {verdict}]{extra}"
    )


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def weekdays_around(today: date, rng: random.Random, count: int) -> list[date]:
    """Busy weekdays, past and coming, where the clinic is full of visits."""
    days: list[date] = []
    while len(days) < count:
        day = today + timedelta(days=rng.randint(-300, 30))
        if day.weekday() < 5:
            days.append(day)
    return days


def open_day(db: Database, desk: Actor, people: list[Clinician], day: date) -> object:
    """What the Schedule page does to show a day: read it, then place every visit."""
    span = calendar.calendar_span(db, desk, day, day)
    columns, free, off = grid_layout.therapist_columns(span, day, people, show_everyone=False)
    return grid_layout.place(span, columns, free=free, off=off)


def open_week(db: Database, desk: Actor, therapist_id: int, day: date) -> object:
    days = grid_layout.week_of(day)
    span = calendar.calendar_span(db, desk, days[0], days[-1], therapist_ids=[therapist_id])
    return grid_layout.place(span, grid_layout.week_columns(span, therapist_id, days), week=True)


def bench(db: Database, runs: int, rng: random.Random) -> None:
    desk = auth.authenticate(db, *next(x[:2] for x in DEMO_LOGINS if x[0] == "frontdesk"))
    today = clinic_today(db)
    people = calendar.clinicians(db, desk)
    print(f"{len(people)} clinicians; a busy day lists about", end=" ")
    sample = calendar.calendar_span(db, desk, today - timedelta(days=7), today - timedelta(days=7))
    print(f"{len(sample.appointments)} visits")

    for day in weekdays_around(today, rng, 3):  # warm the connection pool and the page cache
        calendar.calendar_span(db, desk, day, day)
    days = weekdays_around(today, rng, runs)
    report(
        "Open a day, every clinician (query)",
        "day",
        [timed(lambda d=d: calendar.calendar_span(db, desk, d, d)) for d in days],
    )
    report(
        "Open a day, every clinician (query + layout)",
        "day",
        [timed(lambda d=d: open_day(db, desk, people, d)) for d in days],
    )
    weeks = []
    for day in days:
        monday = day - timedelta(days=day.weekday())
        who = rng.choice(people).id
        weeks.append(
            timed(
                lambda m=monday, w=who: calendar.calendar_span(
                    db, desk, m, m + timedelta(days=6), therapist_ids=[w]
                )
            )
        )
    report("Open a week, one clinician (query)", "week", weeks)
    whose = [rng.choice(people).id for _day in days]
    report(
        "Open a week, one clinician (query + layout)",
        "week",
        [
            timed(lambda d=d, w=w: open_week(db, desk, w, d))
            for d, w in zip(days, whose, strict=True)
        ],
    )

    # Booking: free slots found by "next available", then booked (conflict check + write),
    # then cancelled again so the database ends as it began.
    searches, bookings = [], []
    patients = search_patients(db, desk, "a", limit=200)
    booked: list[tuple[int, int]] = []
    for n in range(runs):
        after = datetime.now(UTC) + timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 8))
        therapist = rng.choice(people).id if n % 2 else None
        slots: list[next_available.FreeSlot] = []
        searches.append(
            timed(
                lambda a=after, t=therapist, found=slots: found.extend(
                    next_available.next_available(
                        db, desk, after=a, visit_type="follow_up", therapist_id=t
                    )
                )
            )
        )
        if not slots:
            continue
        slot = slots[0]
        request = booking.BookingRequest(
            patient_id=rng.choice(patients).id,
            therapist_id=slot.therapist_id,
            starts_at=slot.starts_at,
            minutes=slot.minutes,
            visit_type="follow_up",
            room_id=slot.room_id,
        )
        ids: list[int] = []
        try:
            bookings.append(timed(lambda r=request, out=ids: out.append(booking.book(db, desk, r))))
        except Exception as exc:  # the random patient may be busy then: not a timing
            print(f"  (booking skipped: {exc})")
            continue
        booked.append((ids[0], 1))
    report("Next available, follow-up, any or one clinician", "next", searches)
    if bookings:
        report("Book one visit with its conflict check", "book", bookings)
    for appointment_id, version in booked:
        booking.set_status(
            db, desk, appointment_id, version, AppointmentStatus.CANCELLED, reason="benchmark"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="ptclinic-bench-"))
    url = args.database or f"sqlite:///{folder / 'bench.sqlite3'}"
    db = Database(url)
    print(
        f"PT Clinic scheduling benchmark: {db.describe()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    )
    try:
        db.upgrade()
        if not args.existing:
            print(f"Generating {args.patients:,} patients and {args.years:g} years of visits …")
            summary = generate_demo_data(
                db, DemoOptions(patients=args.patients, years=args.years, seed=args.seed)
            )
            print(
                f"  {summary.appointments:,} appointments, {summary.staff} staff, "
                f"in {summary.seconds:.1f} s"
            )
            if db.backend == "postgresql":
                with db.engine.begin() as conn:  # fresh bulk data: give the planner statistics
                    conn.exec_driver_sql("ANALYZE")
        bench(db, args.runs, random.Random(args.seed))
    finally:
        db.dispose()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
