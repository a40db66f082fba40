"""Progress note benchmark: how long a 3-page progress note with its outcome trend chart takes to
print (target: under 500 ms), from a real episode of a demo clinic, through the same service the
app's Print button and `ptclinic print progress-note` call.

The demo clinic's episodes have signed evaluations but no notes, so the script writes them the
way a therapist would (``clinical_notes``): a progress note three weeks after the evaluation and
another at six weeks (three measurements of each outcome measure), with enough written in the
second to fill three pages. It then times ``progress_note_pdf`` (reading the note, its episode
and outcome history in one unit of work, the print's audit event, and drawing) and
``render_progress_note`` alone (drawing only). The first print in a process also loads fonts and
modules; it is printed apart. Figures are printed, not asserted (see benchmarks/README.md).
Run from the repository root:

    python benchmarks/bench_progress_note.py --runs 20
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

TARGET_MS = 500.0
WORDS = (
    "Sitting tolerance is up to forty-five minutes at work; stands and walks at each break. "
    "Load transfer in single-leg stance is steadier on the right; no pain on stairs. "
) * 9


def _timed(runs: int, work: Callable[[], Any]) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _progress_content(
    prefilled: dict[str, Any], scores: tuple[list[int], int, int], activity: str, long: bool
) -> dict[str, Any]:
    odi, nprs, psfs = scores
    text = f"\n{WORDS}" if long else ""
    goals = {
        key: {"status": "progressing", "note": "On track"} for key in prefilled.get("goals", {})
    }
    flowsheet = [{**row, "tolerance": "good"} for row in prefilled.get("flowsheet", [])]
    return {
        "subjective": "Sits through meetings now; still sore after gardening." + text,
        "objective": "ASLR 1/5 on the right (3/5 at intake). Gait normal." + text,
        "assessment": "Good progress toward the goals; load transfer improving." + text,
        "plan_update": "Continue 2×/week for 4 weeks; progress to stage 3 loading.",
        "pain_before": nprs,
        "pain_after": max(nprs - 1, 0),
        "flowsheet": flowsheet,
        "techniques": prefilled.get("techniques", []),
        "minutes": {"97110": 25, "97140": 15, "97164": 20},
        "outcomes": {"odi": odi, "nprs": nprs, "psfs": [{"activity": activity, "score": psfs}]},
        "goals": goals,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="prints after the first")
    parser.add_argument("--out", type=Path, help="also save the note here, to look at")
    args = parser.parse_args()

    from pypdf import PdfReader
    from sqlalchemy import func, select

    from ptclinic.db import Database
    from ptclinic.models import EpisodeOfCare, Evaluation, OutcomeResult
    from ptclinic.services import booking, care_plans, clinical_notes
    from ptclinic.services.auth import authenticate
    from ptclinic.services.booking import BookingRequest
    from ptclinic.services.demo_data import DemoOptions, generate_demo_data
    from ptclinic.services.progress_note_pdf import progress_note_pdf, render_progress_note
    from ptclinic.services.progress_report import progress_report

    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        try:
            db.upgrade()
            summary = generate_demo_data(db, DemoOptions(patients=600, years=1, seed=11))
            user, password, _role = next(
                login for login in summary.logins if login[0] == "therapist"
            )
            therapist = authenticate(db, user, password)
            admin_login = next(login for login in summary.logins if login[0] == "admin")
            admin = authenticate(db, admin_login[0], admin_login[1])
            with db.session() as session:
                # An open episode whose signed evaluation measured all three outcomes.
                found = session.execute(
                    select(EpisodeOfCare.id, EpisodeOfCare.patient_id, Evaluation.evaluated_on)
                    .join(Evaluation, Evaluation.episode_id == EpisodeOfCare.id)
                    .join(OutcomeResult, OutcomeResult.evaluation_id == Evaluation.id)
                    .where(EpisodeOfCare.status == "open", Evaluation.status == "signed")
                    .group_by(EpisodeOfCare.id, EpisodeOfCare.patient_id, Evaluation.evaluated_on)
                    .having(func.count(func.distinct(OutcomeResult.measure)) == 3)
                    .order_by(EpisodeOfCare.id)
                ).first()
            if found is None:
                print("No open demo episode has a signed evaluation.")
                return 1
            episode_id, patient_id, evaluated_on = found
            if care_plans.episode_plan(db, therapist, episode_id, audited=False) is None:
                care_plans.start_plan(db, therapist, episode_id)
            activity = care_plans.first_psfs_activity(db, therapist, episode_id)
            note_id = 0
            for weeks, odi, nprs, psfs in ((3, [2] * 5 + [1] * 5, 4, 5), (6, [1] * 9 + [0], 2, 7)):
                # A Saturday morning, which the demo schedule leaves free (booked outside the
                # opening hours with the administrator's override).
                day = evaluated_on + timedelta(weeks=weeks)
                day += timedelta(days=(5 - day.weekday()) % 7)
                visit = booking.book(
                    db, therapist,
                    BookingRequest(patient_id, therapist.staff_id,
                                   datetime.combine(day, clock(15), tzinfo=UTC), 45,
                                   "progress_visit", None, episode_id),
                    override_by=admin,
                )  # fmt: skip
                moment = datetime.combine(day, clock(22), tzinfo=UTC)
                draft = clinical_notes.start_note_for_appointment(db, therapist, visit, now=moment)
                content = _progress_content(
                    draft.content, (odi, nprs, psfs), activity or "Sitting", long=weeks == 6
                )
                saved = clinical_notes.save_note_draft(
                    db, therapist, draft.id, draft.version, content
                )
                clinical_notes.sign_note(
                    db, therapist, saved.id, saved.version, password, now=moment
                )
                note_id = saved.id

            started = time.perf_counter()
            pdf = progress_note_pdf(db, therapist, note_id)
            first = (time.perf_counter() - started) * 1000
            full = _timed(args.runs, lambda: progress_note_pdf(db, therapist, note_id))
            report = progress_report(db, therapist, note_id)
            drawing = _timed(args.runs, lambda: render_progress_note(report))
        finally:
            db.dispose()
    if args.out:
        args.out.write_bytes(pdf)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    dates = len({point.taken_on for point in report.trend})
    p95 = sorted(full)[max(0, int(len(full) * 0.95) - 1)]
    print(
        f"Progress note, {pages} pages, {len(report.outcomes)} measures, a trend chart of "
        f"{len(report.trend)} scores on {dates} dates, {len(pdf):,} bytes (600-patient demo)"
    )
    print(f"  first print in the process (loads fonts and modules): {first:.0f} ms")
    print(
        f"  progress_note_pdf (read, audit, draw): median {statistics.median(full):.0f} ms, "
        f"p95 {p95:.0f} ms (target < {TARGET_MS:.0f} ms) over {len(full)} runs"
    )
    print(f"  render_progress_note (draw only): median {statistics.median(drawing):.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
