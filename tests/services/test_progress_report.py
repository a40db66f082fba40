"""What a printed note says (``progress_report``): intake against this note's outcome scores
with their MCID verdicts, the trend up to the note, goals with this note's statuses, the
treatment and its charges (a draft's computed, not billed), signatures, addenda, the audit, and
finding the note by chart number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from ptclinic.models import AuditEvent
from ptclinic.services import booking, care_plans, clinical_notes
from ptclinic.services.errors import NotFound, PermissionDenied
from ptclinic.services.outcomes import Measure
from ptclinic.services.progress_report import note_to_print, progress_report
from tests.conftest import PASSWORD
from tests.services.conftest import Clinic, at, scheduled
from tests.services.test_evaluation_report import open_evaluated_episode

__all__ = ["scheduled"]

INTAKE = date(2026, 12, 7)  # the evaluation: Oswestry 40%, pain 5/10, PSFS sitting 3/10
DAILY = date(2026, 12, 9)
FIRST_PROGRESS = date(2026, 12, 28)
SECOND_PROGRESS = date(2027, 1, 18)  # six weeks after the evaluation
LATER = datetime(2027, 1, 18, 22, 0, tzinfo=UTC)  # 16:00 in Chicago, after every visit


@dataclass(frozen=True)
class History:
    episode: int
    daily: int
    first_progress: int
    second_progress: int  # signed unless asked otherwise


def note_content(
    prefilled: dict[str, Any], *, odi: list[int], nprs: int, psfs: int, long: bool = False
) -> dict[str, Any]:
    """A progress note on the prefilled flowsheet and goals, re-measured."""
    flowsheet = [
        {**row, "tolerance": "good", "load": "red band" if n == 0 else ""}
        for n, row in enumerate(prefilled.get("flowsheet", []))
    ]
    goals = {
        goal_id: {"status": "met" if n == 0 else "progressing", "note": "Sits 45 min at work"}
        for n, goal_id in enumerate(prefilled.get("goals", {}))
    }
    words = " ".join(["Tolerating loading well; sitting at work is easier week by week."] * 12)
    return {
        "subjective": "Sits through meetings now.\nStill sore after gardening."
        + (f"\n{words}" if long else ""),
        "objective": "ASLR 1/5 on the right (3/5 at intake). Gait normal."
        + (f"\n{words}" if long else ""),
        "assessment": "Good progress toward the goals; load transfer improving."
        + (f"\n{words}" if long else ""),
        "plan_update": "Continue 2×/week for 4 weeks; progress to stage 3 loading.",
        "pain_before": nprs,
        "pain_after": max(nprs - 1, 0),
        "flowsheet": flowsheet,
        "techniques": prefilled.get("techniques", []),
        "minutes": {"97110": 25, "97140": 15, "97164": 20},
        "outcomes": {
            "odi": odi,
            "nprs": nprs,
            "psfs": [{"activity": "Sitting 1 hour", "score": psfs}],
        },
        "goals": goals,
    }


def _visit(clinic: Clinic, episode: int, day: date, visit_type: str) -> int:
    request = clinic.request(at(day, 9), visit_type=visit_type, episode=episode)
    return booking.book(clinic.db, clinic.desk, request)


def _write(clinic: Clinic, appointment: int, content: Any, *, sign: bool, when: datetime) -> int:
    draft = clinical_notes.start_note_for_appointment(clinic.db, clinic.lee, appointment, now=when)
    saved = clinical_notes.save_note_draft(
        clinic.db, clinic.lee, draft.id, draft.version, content(draft.content)
    )
    if sign:
        clinical_notes.sign_note(clinic.db, clinic.lee, saved.id, saved.version, PASSWORD, now=when)
    return draft.id


def progress_history(clinic: Clinic, *, sign_last: bool = True, long: bool = False) -> History:
    """Ortiz's episode: a signed evaluation and care plan on Dec 7, a daily note on Dec 9 and
    progress notes on Dec 28 (signed) and Jan 18: three measurements over six weeks."""
    episode, _evaluation = open_evaluated_episode(clinic)
    care_plans.start_plan(clinic.db, clinic.lee, episode, now=datetime(2026, 12, 7, 18, tzinfo=UTC))
    evening = timedelta(hours=8)
    daily = _write(
        clinic, _visit(clinic, episode, DAILY, "follow_up"),
        lambda prefilled: {**prefilled, "subjective": "Sore after the weekend.",
                           "minutes": {"97110": 30, "97140": 10}},
        sign=True, when=at(DAILY, 9) + evening,
    )  # fmt: skip
    first = _write(
        clinic, _visit(clinic, episode, FIRST_PROGRESS, "progress_visit"),
        lambda p: note_content(p, odi=[1, 2, 2, 1, 2, 2, 1, 1, 2, 1], nprs=4, psfs=5),
        sign=True, when=at(FIRST_PROGRESS, 9) + evening,
    )  # fmt: skip
    second = _write(
        clinic, _visit(clinic, episode, SECOND_PROGRESS, "progress_visit"),
        lambda p: note_content(p, odi=[1, 1, 1, 1, 1, 1, 1, 1, 1, 0], nprs=2, psfs=7, long=long),
        sign=sign_last, when=LATER,
    )  # fmt: skip
    return History(episode, daily, first, second)


def test_the_outcomes_compare_intake_with_this_note_and_give_the_mcid_verdict(
    scheduled: Clinic,
) -> None:
    history = progress_history(scheduled)
    report = progress_report(scheduled.db, scheduled.lee, history.second_progress, now=LATER)
    rows = {row.measure: row for row in report.outcomes}
    odi, pain, psfs = rows[Measure.ODI], rows[Measure.NPRS], rows[Measure.PSFS]
    assert (odi.intake, odi.intake_on, odi.latest) == (40.0, INTAKE, 18.0)
    assert (odi.change_text, odi.verdict) == ("22 points better", "MCID met (10 points)")
    assert odi.detail == "Moderate disability → Minimal disability"
    assert (pain.score_text(pain.intake), pain.score_text(pain.latest)) == ("5/10", "2/10")
    assert pain.verdict == "MCID met (2 points)"
    assert (psfs.score_text(psfs.latest), psfs.detail) == ("7.0/10", "Sitting 1 hour 3 → 7")
    # The first progress note: pain 5 → 4 is real but short of the MCID.
    earlier = progress_report(scheduled.db, scheduled.lee, history.first_progress, now=LATER)
    first_pain = next(row for row in earlier.outcomes if row.measure is Measure.NPRS)
    assert (first_pain.change_text, first_pain.verdict) == (
        "1 point better", "MCID not met (needs 2 points)",
    )  # fmt: skip
    # Its trend stops at its own day: the later note's scores are not in it.
    assert max(point.taken_on for point in earlier.trend) == FIRST_PROGRESS


def test_the_trend_holds_three_measurements_over_six_weeks(scheduled: Clinic) -> None:
    history = progress_history(scheduled)
    report = progress_report(scheduled.db, scheduled.lee, history.second_progress, now=LATER)
    odi = [(p.taken_on, p.score) for p in report.trend if p.measure == "odi"]
    assert odi == [(INTAKE, 40.0), (FIRST_PROGRESS, 30.0), (SECOND_PROGRESS, 18.0)]
    assert {p.measure for p in report.trend} == {"odi", "nprs", "psfs"}


def test_a_draft_shows_its_own_scores_and_charges_not_yet_billed(scheduled: Clinic) -> None:
    history = progress_history(scheduled, sign_last=False)
    report = progress_report(scheduled.db, scheduled.lee, history.second_progress, now=LATER)
    assert report.is_draft and report.signed is None
    assert [p.score for p in report.trend if p.measure == "nprs"] == [5.0, 4.0, 2.0]
    assert not report.billing.billed
    # Medicare: the CMS 8-minute rule on 40 timed minutes gives 3 units; the re-evaluation 1.
    assert [(c.code, c.minutes, c.units) for c in report.billing.lines] == [
        ("97164", 20, 1), ("97110", 25, 2), ("97140", 15, 1),
    ]  # fmt: skip
    assert (report.billing.total_minutes, report.billing.total_units) == (60, 4)
    assert report.billing.explained == "40 timed minutes = 3 units (CMS 8-minute rule)."


def test_a_signed_note_gives_its_charges_goals_signature_and_addenda(scheduled: Clinic) -> None:
    history = progress_history(scheduled)
    clinical_notes.add_note_addendum(
        scheduled.db, scheduled.kim, history.second_progress, "Physician called; agrees."
    )
    report = progress_report(scheduled.db, scheduled.lee, history.second_progress, now=LATER)
    assert report.billing.billed and report.billing.total_units == 4
    assert report.signed is not None and report.signed.title == "Dana Lee, PT, DPT"
    assert report.local(report.signed.at) == "Jan 18, 2027 at 16:00"
    assert [(a.author, a.text) for a in report.addenda] == [
        ("Brian Kim, PT, DPT", "Physician called; agrees.")
    ]
    assert report.goals and report.goals[0].status == "Met"
    assert {g.status for g in report.goals[1:]} <= {"Progressing"}
    assert report.goals[0].note == "Sits 45 min at work"
    assert report.exercises and report.exercises[0].load == "red band"
    assert report.episode.visit_number == 4  # evaluation, daily note, two progress notes
    assert report.episode.diagnoses[0][0] == "M46.1"
    assert report.episode.plan.startswith("2×/week") or "×/week for" in report.episode.plan
    labels = [label for label, _text in report.parts]
    assert labels == ["Subjective", "Objective", "Assessment", "Updated plan"]
    assert (report.pain_before, report.pain_after) == (2, 1)


def test_a_daily_note_prints_as_a_daily_note_without_outcomes(scheduled: Clinic) -> None:
    history = progress_history(scheduled)
    report = progress_report(scheduled.db, scheduled.lee, history.daily, now=LATER)
    assert report.title == "Daily note" and report.outcomes == () and report.trend == ()
    assert [(c.code, c.units) for c in report.billing.lines] == [("97110", 2), ("97140", 1)]


def test_printing_is_audited_under_the_patient(scheduled: Clinic) -> None:
    history = progress_history(scheduled, sign_last=False)
    progress_report(scheduled.db, scheduled.lee, history.second_progress, channel="command line")
    with scheduled.db.session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (event.action, event.entity_type, event.entity_id, event.patient_id) == (
        "print", "note", history.second_progress, scheduled.ortiz,
    )  # fmt: skip
    assert event.summary == "printed the draft progress note (command line)"
    with pytest.raises(PermissionDenied):
        progress_report(scheduled.db, scheduled.desk, history.second_progress)
    with pytest.raises(NotFound):
        progress_report(scheduled.db, scheduled.lee, history.second_progress + 100)


def test_the_note_to_print_is_found_by_chart_number(scheduled: Clinic) -> None:
    with pytest.raises(NotFound, match=r"Ortiz, Maria \(chart 10001\) has no progress note yet"):
        note_to_print(scheduled.db, scheduled.lee, "10001")
    history = progress_history(scheduled, sign_last=False)
    latest = note_to_print(scheduled.db, scheduled.lee, " 10001 ", "latest")
    assert (latest.note_id, latest.title, latest.is_draft) == (
        history.second_progress, "Progress note", True,
    )  # fmt: skip
    daily = note_to_print(scheduled.db, scheduled.lee, "10001", str(history.daily))
    assert (daily.title, daily.note_date) == ("Daily note", DAILY)
    with pytest.raises(NotFound, match="has no note 999"):
        note_to_print(scheduled.db, scheduled.lee, "10001", "999")
    with pytest.raises(NotFound, match="No patient has chart number “99999”"):
        note_to_print(scheduled.db, scheduled.lee, "99999")
    with pytest.raises(NotFound, match="not a note"):
        note_to_print(scheduled.db, scheduled.lee, "10001", "first")
