"""Home program benchmark: how long a 6-exercise handout takes to render (target: under 300 ms),
from a real care plan in a demo clinic, through the same service the app and the command line use.

The first render in a process also loads the exercise library, the figure poses and the fonts;
it is printed apart from the renders after it. Figures are printed, not asserted (see
benchmarks/README.md). Run from the repository root:

    python benchmarks/bench_home_program.py --runs 20
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

TARGET_MS = 300.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="renders after the first")
    args = parser.parse_args()

    from sqlalchemy import select

    from ptclinic.db import Database
    from ptclinic.models import CarePlan
    from ptclinic.services import care_plans, home_program
    from ptclinic.services.auth import authenticate
    from ptclinic.services.demo_data import DemoOptions, generate_demo_data
    from ptclinic.services.home_program_pdf import render_home_program

    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        try:
            db.upgrade()
            summary = generate_demo_data(db, DemoOptions(patients=600, years=1, seed=11))
            user, password, _role = next(
                login for login in summary.logins if login[0] == "therapist"
            )
            therapist = authenticate(db, user, password)
            with db.session() as session:
                episode_ids = list(session.scalars(select(CarePlan.episode_id)))
            program = None
            for episode_id in episode_ids:
                candidate = home_program.home_program(db, therapist, episode_id)
                if len(candidate.exercises) >= 6:
                    program = candidate
                    break
            if program is None:
                print("No demo care plan has 6 exercises on its home program.")
                return 1
            plan = care_plans.episode_plan(db, therapist, episode_id, audited=False)
            assert plan is not None
        finally:
            db.dispose()
    trimmed = program.__class__(**{**program.__dict__, "exercises": program.exercises[:6]})
    started = time.perf_counter()
    pdf = render_home_program(trimmed)
    first = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        render_home_program(trimmed)
        times.append((time.perf_counter() - started) * 1000)
    large = []
    for _ in range(max(3, args.runs // 4)):
        started = time.perf_counter()
        render_home_program(trimmed, large_print=True)
        large.append((time.perf_counter() - started) * 1000)
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    print(f"6-exercise home program ({plan.classification_label} plan), {len(pdf):,} bytes")
    print(f"  first render in the process (loads library, poses, fonts): {first:.0f} ms")
    print(
        f"  later renders: median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms "
        f"(target < {TARGET_MS:.0f} ms) over {len(times)} runs"
    )
    print(f"  large print: median {statistics.median(large):.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
