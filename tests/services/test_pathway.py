"""The conservative-care pathway: weeks so far, and from six weeks without an outcome improved by
its MCID, the prompt to consider referral for an injection."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ptclinic.models import OutcomeResult
from ptclinic.services import episodes, evaluation_records
from ptclinic.services.episodes import EpisodeInput
from ptclinic.services.errors import NotFound, PermissionDenied
from ptclinic.services.outcomes import Measure
from ptclinic.services.pathway import OutcomeScore, episode_pathway, pathway_status
from tests.conftest import PASSWORD
from tests.services.conftest import Clinic, scheduled
from tests.services.test_evaluation_records import _ready

__all__ = ["scheduled"]

START = date(2026, 10, 5)
NOW = datetime(2026, 10, 5, 16, 0, tzinfo=UTC)


def _score(measure: Measure, weeks: int, score: float) -> OutcomeScore:
    return OutcomeScore(measure, START + timedelta(weeks=weeks), score)


def test_weeks_and_stage_before_six_weeks() -> None:
    first = pathway_status(START, START, [])
    assert (first.weeks, first.stage) == (0, "Week 1 of at least 6 weeks of conservative care")
    third = pathway_status(START, START + timedelta(days=20), [_score(Measure.ODI, 0, 40)])
    assert third.weeks == 2 and third.stage.startswith("Week 3 of at least 6 weeks")
    assert not third.consider_referral and "after 6 weeks" in third.reason
    last_day = pathway_status(START, START + timedelta(days=41), [])
    assert last_day.weeks == 5 and not last_day.consider_referral


def test_six_weeks_without_an_mcid_improvement_prompts_referral() -> None:
    results = [
        _score(Measure.ODI, 0, 44),
        _score(Measure.NPRS, 0, 6),
        _score(Measure.ODI, 5, 36),  # 8 points better: short of the 10-point MCID
        _score(Measure.NPRS, 5, 5),  # 1 point better: short of 2
    ]
    status = pathway_status(START, START + timedelta(weeks=6), results)
    assert status.weeks == 6 and status.consider_referral
    assert status.stage.startswith("Week 7 of conservative care")
    assert "no outcome measure has improved by its MCID" in status.reason
    assert "44% → 36%" in status.reason and "injection" in status.reason
    assert [c.measure for c in status.changes] == [Measure.ODI, Measure.NPRS]
    assert status.improved == ()


def test_one_measure_better_by_its_mcid_is_enough_progress() -> None:
    results = [
        _score(Measure.ODI, 0, 44),
        _score(Measure.PSFS, 0, 3.0),
        _score(Measure.ODI, 4, 42),
        _score(Measure.PSFS, 4, 5.0),  # exactly the 2-point MCID, higher is better
    ]
    status = pathway_status(START, START + timedelta(weeks=8), results)
    assert not status.consider_referral
    assert [c.measure for c in status.improved] == [Measure.PSFS]
    assert status.reason.startswith("Enough progress to continue conservative care")
    early = pathway_status(START, START + timedelta(weeks=2), results)
    assert early.reason.startswith("Improving:") and not early.consider_referral


def test_worse_or_unmeasured_is_not_progress() -> None:
    worse = [_score(Measure.NPRS, 0, 4), _score(Measure.NPRS, 3, 7)]
    assert pathway_status(START, START + timedelta(weeks=6), worse).consider_referral
    only_intake = pathway_status(START, START + timedelta(weeks=7), [_score(Measure.ODI, 0, 30)])
    assert only_intake.consider_referral and "taken again" in only_intake.reason
    nothing = pathway_status(START, START + timedelta(weeks=7), [])
    assert nothing.consider_referral and "no outcome measure" in nothing.reason


def test_the_first_result_is_the_baseline_whatever_the_order_given() -> None:
    results = [_score(Measure.ODI, 6, 20), _score(Measure.ODI, 0, 40), _score(Measure.ODI, 3, 38)]
    status = pathway_status(START, START + timedelta(weeks=7), results)
    (change,) = status.changes
    assert (change.baseline, change.latest) == (40, 20) and not status.consider_referral


def test_closed_and_future_episodes_never_prompt() -> None:
    closed = pathway_status(
        START, START + timedelta(weeks=20), [], closed_on=START + timedelta(weeks=9)
    )
    assert closed.weeks == 9 and not closed.consider_referral
    assert closed.stage == "Closed after 9 weeks of conservative care"
    future = pathway_status(START + timedelta(days=3), START, [])
    assert future.weeks == 0 and not future.consider_referral
    assert future.stage.startswith("Conservative care starts on")


def _signed_episode(clinic: Clinic) -> tuple[int, int]:
    details = EpisodeInput(
        title="Right SI pain", start_date=START, primary_therapist_id=clinic.lee.staff_id
    )
    episode = episodes.open_episode(clinic.db, clinic.desk, clinic.ortiz, details, now=NOW).id
    draft = evaluation_records.start_evaluation(clinic.db, clinic.lee, episode, now=NOW)
    draft = evaluation_records.save_draft(clinic.db, clinic.lee, draft.id, draft.version, _ready())
    evaluation_records.sign_evaluation(
        clinic.db, clinic.lee, draft.id, draft.version, PASSWORD, now=NOW
    )
    return episode, draft.id


def test_episode_pathway_reads_the_episodes_outcome_results(scheduled: Clinic) -> None:
    episode, _evaluation = _signed_episode(scheduled)
    # The intake results: ODI 40% (all sections 2), pain 5/10, PSFS 3/10.
    intake = episode_pathway(scheduled.db, scheduled.lee, episode, today=START + timedelta(days=15))
    assert intake.stage.startswith("Week 3 of at least 6")
    assert {c.measure for c in intake.changes} == {Measure.ODI, Measure.NPRS, Measure.PSFS}
    late = START + timedelta(weeks=6, days=2)
    stalled = episode_pathway(scheduled.db, scheduled.kim, episode, today=late)
    assert stalled.consider_referral and "taken again" in stalled.reason
    with scheduled.db.session() as session:
        session.add(
            OutcomeResult(
                episode_id=episode, measure="nprs", taken_on=START + timedelta(weeks=5),
                answers={"now": 4}, score=4.0, recorded_by_id=scheduled.lee.staff_id,
            )
        )  # fmt: skip
    still = episode_pathway(scheduled.db, scheduled.lee, episode, today=late)
    assert still.consider_referral and "5/10 → 4/10" in still.reason
    with scheduled.db.session() as session:
        session.add(
            OutcomeResult(
                episode_id=episode, measure="nprs", taken_on=START + timedelta(weeks=6),
                answers={"now": 2}, score=2.0, recorded_by_id=scheduled.lee.staff_id,
            )
        )  # fmt: skip
    better = episode_pathway(scheduled.db, scheduled.lee, episode, today=late)
    assert not better.consider_referral
    assert [c.measure for c in better.improved] == [Measure.NPRS]


def test_a_closed_episode_counts_to_its_closing_day(scheduled: Clinic) -> None:
    episode, _evaluation = _signed_episode(scheduled)
    record = episodes.episode(scheduled.db, scheduled.lee, episode)
    episodes.close_episode(
        scheduled.db, scheduled.lee, episode, record.version, reason="Goals met",
        closed_on=START + timedelta(weeks=4), now=NOW + timedelta(weeks=5),
    )  # fmt: skip
    status = episode_pathway(
        scheduled.db, scheduled.lee, episode, today=START + timedelta(weeks=12)
    )
    assert status.weeks == 4 and not status.consider_referral


def test_only_clinical_staff_see_the_pathway(scheduled: Clinic) -> None:
    episode, _evaluation = _signed_episode(scheduled)
    with pytest.raises(PermissionDenied):
        episode_pathway(scheduled.db, scheduled.desk, episode)
    with pytest.raises(NotFound):
        episode_pathway(scheduled.db, scheduled.lee, episode + 100)
