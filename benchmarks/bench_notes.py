"""Notes benchmark: opening a visit note pre-filled from the care plan (target: under 150 ms)
and a therapist's "My work" (target: under 100 ms), on a generated clinic (by default 50,000
patients over 10 years, as bench_scheduling). Figures are printed, not asserted (see
benchmarks/README.md). Run from the repository root:

    python benchmarks/bench_notes.py                                   # 50,000 patients, 10 years
    python benchmarks/bench_notes.py --patients 3000 --years 1 --runs 10   # quick look
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

OPEN_TARGET_MS = 150.0
MY_WORK_TARGET_MS = 100.0


def _timed(job: Callable[[], object]) -> float:
    started = time.perf_counter()
    job()
    return (time.perf_counter() - started) * 1000


def _report(what: str, times: list[float], target: float) -> None:
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    verdict = "within" if p95 < target else "OVER"
    print(
        f"  {what}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(times):.1f} ms over {len(times)} runs ({verdict} the {target:.0f} ms target)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=50_000)
    parser.add_argument("--years", type=float, default=10)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database", help="an empty database URL (default: SQLite in a temp dir)")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from ptclinic.db import Database
    from ptclinic.models import Appointment, CarePlan, ClinicalNote, Staff
    from ptclinic.services import clinical_notes, my_work
    from ptclinic.services.auth import actor_of
    from ptclinic.services.demo_data import DemoOptions, generate_demo_data

    with tempfile.TemporaryDirectory() as folder:
        db = Database(args.database or f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        try:
            db.upgrade()
            started = time.perf_counter()
            summary = generate_demo_data(
                db, DemoOptions(patients=args.patients, years=args.years, seed=7)
            )
            print(
                f"Generated {summary.patients:,} patients, {summary.appointments:,} appointments "
                f"in {time.perf_counter() - started:.0f} s"
            )
            with db.session() as session:
                visits = session.execute(
                    select(Appointment.id, Appointment.therapist_id)
                    .join(CarePlan, CarePlan.episode_id == Appointment.episode_id)
                    .outerjoin(ClinicalNote, ClinicalNote.appointment_id == Appointment.id)
                    .where(Appointment.status == "scheduled", ClinicalNote.id.is_(None))
                    .limit(args.runs)
                ).all()
                staff = {row.id: actor_of(row) for row in session.scalars(select(Staff))}
                busiest = session.execute(
                    select(Appointment.therapist_id, func.count())
                    .group_by(Appointment.therapist_id)
                    .order_by(func.count().desc())
                    .limit(5)
                ).all()
                notes = session.scalar(select(func.count()).select_from(ClinicalNote))
            print(f"{notes:,} notes in the clinic; {len(visits)} visits of planned episodes")
            opened = [
                _timed(lambda v=v: clinical_notes.start_note_for_appointment(
                    db, staff[v.therapist_id], v.id))
                for v in visits
            ]  # fmt: skip
            if opened:
                _report("start a visit note pre-filled from the plan (service)", opened,
                        OPEN_TARGET_MS)  # fmt: skip
            reopened = [
                _timed(lambda v=v: clinical_notes.start_note_for_appointment(
                    db, staff[v.therapist_id], v.id))
                for v in visits
            ]  # fmt: skip
            if reopened:
                _report("open an existing note", reopened, OPEN_TARGET_MS)
            work: list[float] = []
            for _ in range(max(1, args.runs // len(busiest))):
                for therapist_id, _count in busiest:
                    work.append(_timed(lambda t=therapist_id: my_work.my_work(db, staff[t])))
            _report("My work for the five busiest clinicians", work, MY_WORK_TARGET_MS)
        finally:
            db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
