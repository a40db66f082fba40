"""`ptclinic demo-data`, and the demo clinic that `ptclinic --demo` starts on."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ptclinic.cli.common import EXIT_OK, Actions, add_command, open_database, print_table
from ptclinic.config import sqlite_url

if TYPE_CHECKING:  # imported by each handler: see ptclinic/cli/common.py
    from ptclinic.services.demo_data import DemoOptions, DemoSummary


def demo_clinic_options() -> DemoOptions:
    """Enough patients for a busy schedule (six or seven clinicians a day) and a real search,
    yet built in about a second."""
    from ptclinic.services.demo_data import DemoOptions

    return DemoOptions(patients=1500, years=1, days_ahead=60, seed=2024)


def register(commands: Actions[argparse.ArgumentParser]) -> None:
    parser = add_command(
        commands,
        "demo-data",
        summary="fill an empty clinic with realistic synthetic data",
        description="Fill a database that has no patients yet with realistic synthetic data: "
        "clinic settings (if missing), about 20 staff with known demo passwords (therapists, "
        "assistants, front desk, a student, administrators), rooms, patients with plausible "
        "names, dates of birth, phones and payers, episodes of care, and years of appointments "
        "up to a month ahead of today with a realistic mix of completed, cancelled and "
        "missed visits. Very large data sets add therapists so the schedule stays realistic.\n\n"
        "Refuses a database that already has patients. Never use it on a clinic's real "
        "database: the demo accounts have published passwords. 50,000 patients and 10 years "
        "take a few minutes.",
        example_lines=[
            "ptclinic --data-dir /tmp/demo demo-data --patients 2000 --years 2",
            "ptclinic --database postgresql+psycopg://bench@localhost/bench demo-data "
            "--patients 50000 --years 10 --seed 7",
        ],
    )
    parser.add_argument("--patients", type=int, required=True, metavar="N", help="patients")
    parser.add_argument(
        "--years", type=float, required=True, metavar="Y", help="years of appointment history"
    )
    parser.add_argument(
        "--seed", type=int, default=1, metavar="S", help="random seed (default 1): same seed, "
        "same data on the same day",
    )  # fmt: skip
    parser.set_defaults(handler=run_demo_data)


def run_demo_data(args: argparse.Namespace) -> int:
    from ptclinic.services.demo_data import DemoOptions, generate_demo_data

    db = open_database(args)
    years = f"{args.years:g} year{'' if args.years == 1 else 's'}"
    headline = [
        f"Generating demo data in {db.describe()}: {args.patients:,} patients, {years} of "
        f"appointments (seed {args.seed})"
    ]

    def progress(message: str) -> None:
        # The headline waits for the first step, so a refused database prints only the refusal.
        if headline:
            print(headline.pop(), flush=True)
        print(f"  {message}", flush=True)

    try:
        summary = generate_demo_data(
            db,
            DemoOptions(patients=args.patients, years=args.years, seed=args.seed),
            progress=progress,
        )
    finally:
        db.dispose()
    _report(summary)
    return EXIT_OK


def _report(summary: DemoSummary) -> None:
    from ptclinic.services.demo_people import OTHER_STAFF_PASSWORD

    counts = ", ".join(
        f"{n:,} {status.replace('_', '-')}" for status, n in summary.status_counts.items()
    )
    print(
        f"Done in {summary.seconds:.1f} s: {summary.patients:,} patients, "
        f"{summary.episodes:,} episodes of care, {summary.appointments:,} appointments "
        f"({counts}) from {summary.first_day} to {summary.last_day}; {summary.staff} staff, "
        f"{summary.rooms} rooms."
    )
    print(f"Demo log-ins (every other demo account's password is {OTHER_STAFF_PASSWORD}):")
    print_table(["Username", "Password", "Who"], [list(x) for x in summary.logins], sys.stdout)


DEMO_FILE = "demo-clinic.sqlite3"
KEPT_MARK = "ptclinic-demo.txt"  # says a kept folder holds a demo clinic (published log-ins)


def is_kept_demo(folder: Path) -> bool:
    return (folder / KEPT_MARK).exists()


def build_demo_clinic(
    folder: Path, *, kept: bool = False
) -> tuple[str, list[tuple[str, str, str]]]:
    """The demo clinic in ``folder``: built fresh, or (``kept``: ``--demo --data-dir``) the one
    already there, opened again after the app stopped. A kept demo uses the usual database file
    name, so every command given the same ``--data-dir`` finds it. Returns its database URL and
    the demo log-ins."""
    from ptclinic.config import SQLITE_FILE_NAME
    from ptclinic.db import Database
    from ptclinic.services.demo_data import DEMO_LOGINS, generate_demo_data

    path = folder / (SQLITE_FILE_NAME if kept else DEMO_FILE)
    url = sqlite_url(path)
    if kept and is_kept_demo(folder) and path.exists():
        print(f"Opening the demo clinic kept in {folder}.", flush=True)
        return url, list(DEMO_LOGINS)
    folder.mkdir(parents=True, exist_ok=True)
    if kept:
        (folder / KEPT_MARK).write_text(
            "This folder holds a PT Clinic demo clinic: made-up patients and published log-ins.\n"
            "Open it with: ptclinic --demo --data-dir <this folder>\n",
            encoding="utf-8",
        )
    db = Database(url)
    try:
        db.upgrade()
        print(f"Building the demo clinic in {folder} …", flush=True)
        summary = generate_demo_data(db, demo_clinic_options())
    finally:
        db.dispose()
    print(
        f"Demo clinic ready ({summary.patients:,} patients, {summary.appointments:,} "
        f"appointments) in {summary.seconds:.1f} s.",
        flush=True,
    )
    return url, summary.logins
