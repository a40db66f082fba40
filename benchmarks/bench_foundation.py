"""Foundation benchmark: build the 50,000-patient / 10-year clinic, then time patient search and
start-up to the login window against a bare PySide6 window.

Figures are printed, not asserted (see benchmarks/README.md). Run from the repository root:

    python benchmarks/bench_foundation.py                      # SQLite in a temporary folder
    python benchmarks/bench_foundation.py --patients 5000 --years 2
    python benchmarks/bench_foundation.py --database postgresql+psycopg://user@host/emptydb
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from sqlalchemy import func, select  # noqa: E402

from ptclinic.db import Database  # noqa: E402
from ptclinic.models import Patient  # noqa: E402
from ptclinic.services import auth  # noqa: E402
from ptclinic.services.demo_data import DEMO_LOGINS, DemoOptions, generate_demo_data  # noqa: E402
from ptclinic.services.patient_search import search_patients  # noqa: E402

SEARCH_TARGET_MS = 20.0
STARTUP_TARGET_RATIO = 1.5

# Both windows are timed to their first paint, the moment a person would see them.
BARE_WINDOW = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget
class QuitOnPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, app.quit)
        return False
app = QApplication(sys.argv[:1])
window = QWidget()
window.setWindowTitle("bare")
window.resize(480, 320)
quit_on_paint = QuitOnPaint()
window.installEventFilter(quit_on_paint)
window.show()
sys.exit(app.exec())
"""
# The real `ptclinic` command (argument parsing, display check, run_app), told to quit at the
# moment being measured: "shown" (log-in window first painted) or "ready" (painted able to log in,
# the database open and upgraded).
APP_LOGIN = """
import sys
import ptclinic.ui.app as app
from ptclinic.cli.main import main
real_run_app = app.run_app
app.run_app = lambda url, data_dir, **kw: real_run_app(url, data_dir, exit_when=sys.argv[1], **kw)
sys.exit(main(["--database", sys.argv[2], "--data-dir", sys.argv[3]]))
"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", metavar="URL", help="an empty database (default: SQLite)")
    parser.add_argument("--patients", type=int, default=50_000)
    parser.add_argument("--years", type=float, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=200, help="search queries to time")
    parser.add_argument("--startup-runs", type=int, default=5, help="start-ups of each kind")
    parser.add_argument(
        "--existing", action="store_true", help="use the data already in --database"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite folder")
    return parser.parse_args(argv)


def build_queries(db: Database, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, text) pairs drawn from real rows, as the front desk would type them."""
    with db.session() as session:
        total = session.scalar(select(func.count()).select_from(Patient)) or 0
        sample_ids = rng.sample(range(1, total + 1), min(total, count))
        rows = session.execute(
            select(
                Patient.last_name,
                Patient.first_name,
                Patient.chart_number,
                Patient.phone,
                Patient.date_of_birth,
            ).where(Patient.id.in_(sample_ids))
        ).all()
    makers: list[tuple[str, Callable[..., str]]] = [
        *[(f"last-name prefix {n}", lambda r, n=n: r.last_name[:n]) for n in range(1, 6)],
        ("last, first", lambda r: f"{r.last_name}, {r.first_name[: rng.randint(1, 3)]}"),
        ("first last", lambda r: f"{r.first_name} {r.last_name[: rng.randint(2, 4)]}"),
        ("chart number", lambda r: r.chart_number),
        ("phone last 4", lambda r: r.phone[-4:]),
        ("full phone", lambda r: r.phone),
        ("date of birth", lambda r: r.date_of_birth.isoformat()),
        ("date of birth US", lambda r: r.date_of_birth.strftime("%m/%d/%Y")),
    ]
    return [
        (makers[i % len(makers)][0], makers[i % len(makers)][1](rows[i % len(rows)]))
        for i in range(count)
    ]


def time_search(db: Database, queries: list[tuple[str, str]]) -> None:
    username, password, _ = next(login for login in DEMO_LOGINS if login[0] == "frontdesk")
    actor = auth.authenticate(db, username, password)
    for _kind, query in queries[:20]:  # warm the connection pool and the page cache
        search_patients(db, actor, query)
    timings: dict[str, list[float]] = defaultdict(list)
    found = 0
    for kind, query in queries:
        started = time.perf_counter()
        found += len(search_patients(db, actor, query))  # first page, as the search box asks
        timings[kind].append((time.perf_counter() - started) * 1000)
    every = [t for values in timings.values() for t in values]
    p95 = statistics.quantiles(every, n=100)[94]
    verdict = "meets" if p95 < SEARCH_TARGET_MS else "MISSES"
    print(
        f"Patient search ({len(every)} queries, first page): median "
        f"{statistics.median(every):.1f} ms, p95 {p95:.1f} ms, max {max(every):.1f} ms "
        f"[target p95 < {SEARCH_TARGET_MS:.0f} ms on SQLite: {verdict}]"
    )
    print(f"  {found / len(every):.0f} patients returned per query on average")
    for kind, values in timings.items():
        print(
            f"  {kind:<20} median {statistics.median(values):6.1f} ms   max {max(values):6.1f} ms"
        )


def _run_child(code: str, args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"start-up run failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def time_startup(url: str, data_dir: Path, runs: int) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    kinds: dict[str, tuple[str, list[str]]] = {
        "bare PySide6 window": (BARE_WINDOW, []),
        "PT Clinic log-in shown": (APP_LOGIN, ["shown", url, str(data_dir)]),
        "PT Clinic log-in ready": (APP_LOGIN, ["ready", url, str(data_dir)]),
    }
    for code, args in kinds.values():  # the first start pays for cold disk caches; not counted
        _run_child(code, args, env)
    times: dict[str, list[float]] = defaultdict(list)
    for _ in range(runs):  # interleaved, so a noisy moment hurts all alike
        for name, (code, args) in kinds.items():
            times[name].append(_run_child(code, args, env))
    bare = statistics.median(times["bare PySide6 window"])
    print(f"Start-up, fresh process each ({runs} runs each, median, offscreen):")
    for name, values in times.items():
        ratio = statistics.median(values) / bare
        target = ""
        if name == "PT Clinic log-in shown":
            verdict = "meets" if ratio <= STARTUP_TARGET_RATIO else "MISSES"
            target = f" [target <= {STARTUP_TARGET_RATIO}x the bare window: {verdict}]"
        print(
            f"  {name:<24} {statistics.median(values):.2f} s  ratio {ratio:.2f}x{target}"
            f"   runs: {', '.join(f'{t:.2f}' for t in values)}"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="ptclinic-bench-"))
    url = args.database or f"sqlite:///{folder / 'bench.sqlite3'}"
    db = Database(url)
    print(
        f"PT Clinic foundation benchmark: {db.describe()}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"
    )
    try:
        db.upgrade()
        if not args.existing:
            years = f"{args.years:g} year{'' if args.years == 1 else 's'}"
            print(f"Generating {args.patients:,} patients and {years} of visits …")
            summary = generate_demo_data(
                db,
                DemoOptions(patients=args.patients, years=args.years, seed=args.seed),
                progress=lambda message: print(f"  {message}", flush=True),
            )
            print(
                f"Generation: {summary.seconds:.1f} s for {summary.patients:,} patients, "
                f"{summary.episodes:,} episodes, {summary.appointments:,} appointments, "
                f"{summary.staff} staff [target: minutes, not hours]"
            )
        time_search(db, build_queries(db, args.queries, random.Random(args.seed)))
        db.dispose()
        time_startup(url, folder / "app-data", args.startup_runs)
    finally:
        db.dispose()
        if args.keep:
            print(f"Kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
