"""What signing a note writes besides the signature: the charges (units by the payer's billing
method, the fee when the clinic keeps one), the completed visit, a progress note's re-measured
outcomes and goal statuses, a discharge's closed episode; what has to be written first; and
that a failure leaves none of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from ptclinic.models import AppointmentStatus, CptFee, EpisodeOfCare, NoteCharge, OutcomeResult
from ptclinic.roles import Role
from ptclinic.services import booking, care_plans, clinical_notes, episodes, note_signing
from ptclinic.services.errors import ValidationError
from ptclinic.services.outcomes import oswestry_percent
from tests.conftest import PASSWORD
from tests.services.conftest import MONDAY, Clinic, scheduled
from tests.services.test_clinical_notes import (
    NOW,
    WRITTEN,
    audits,
    book_visit,
    charge_count,
    open_episode,
    planned_episode,
    visit_status,
    written_note,
)

__all__ = ["scheduled"]

LATER = MONDAY + timedelta(days=14)  # Monday Dec 21: the progress visit
LATER_NOW = datetime(2026, 12, 21, 16, 0, tzinfo=UTC)
ODI = [3, 2, 2, 2, 2, 2, 2, 2, 2, None]
OUTCOMES = {
    "odi": ODI,
    "nprs": 2,
    "psfs": [
        {"activity": "Sitting 1 hour", "score": 6},
        {"activity": "Walking 30 minutes", "score": 8},
        {"activity": "Lifting the grandchild", "score": None},
    ],
}
PROGRESS = {"subjective": "Sits through films.", "assessment": "Better load transfer.",
            "outcomes": OUTCOMES}  # fmt: skip


def _sign(clinic: Clinic, note: clinical_notes.NoteRecord, now: datetime = NOW) -> Any:
    return clinical_notes.sign_note(clinic.db, clinic.lee, note.id, note.version, PASSWORD, now=now)


def _charges(clinic: Clinic) -> list[tuple[Any, ...]]:
    with clinic.db.session() as session:
        rows = session.execute(
            select(
                NoteCharge.cpt_code, NoteCharge.minutes, NoteCharge.units, NoteCharge.timed,
                NoteCharge.amount_cents,
            ).order_by(NoteCharge.id)
        ).all()  # fmt: skip
    return [tuple(r) for r in rows]


# --- charges ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payer", "units"),
    [
        ("medicare", {"97110": 2, "97140": 1}),  # 40 timed minutes together: 3 units
        ("medicaid", {"97110": 2, "97140": 1}),
        ("commercial", {"97110": 2, "97140": 0}),  # 7 minutes alone earn nothing
        ("workers_comp", {"97110": 2, "97140": 0}),
    ],
)
def test_charges_follow_the_payers_billing_method(
    scheduled: Clinic, payer: str, units: dict[str, int]
) -> None:
    visit = book_visit(scheduled, open_episode(scheduled, payer))
    signed = _sign(scheduled, written_note(scheduled, scheduled.lee, visit))
    assert [(c.code, c.minutes, c.units, c.timed) for c in signed.charges] == [
        ("97110", 33, units["97110"], True),
        ("97140", 7, units["97140"], True),
    ]
    assert [c.description for c in signed.charges] == ["Therapeutic exercise", "Manual therapy"]
    assert _charges(scheduled) == [
        ("97110", 33, units["97110"], True, None),
        ("97140", 7, units["97140"], True, None),
    ]
    total = sum(units.values())
    assert audits(scheduled, signed.id)[-1] == (
        f"signed the visit note; {total} units; visit completed"
    )


def test_the_fee_schedule_prices_each_charge_by_its_units(scheduled: Clinic) -> None:
    with scheduled.db.session() as session:
        session.add_all([CptFee(cpt_code="97110", amount_cents=3150),
                         CptFee(cpt_code="97010", amount_cents=1200),
                         CptFee(cpt_code="97530", amount_cents=9900)])  # fmt: skip
    visit = book_visit(scheduled, open_episode(scheduled, "medicare"))
    content = WRITTEN | {"minutes": {"97110": 33, "97140": 7, "97010": 10}}
    _sign(scheduled, written_note(scheduled, scheduled.lee, visit, content))
    assert _charges(scheduled) == [
        ("97110", 33, 2, True, 6300),
        ("97140", 7, 1, True, None),  # no fee recorded for manual therapy
        ("97010", 10, 1, False, 1200),  # a hot pack: once per visit
    ]


def test_a_fee_of_a_code_that_earned_no_unit_is_nothing(scheduled: Clinic) -> None:
    with scheduled.db.session() as session:
        session.add(CptFee(cpt_code="97140", amount_cents=4000))
    visit = book_visit(scheduled, open_episode(scheduled, "commercial"))
    _sign(scheduled, written_note(scheduled, scheduled.lee, visit))
    assert _charges(scheduled) == [("97110", 33, 2, True, None), ("97140", 7, 0, True, 0)]


# --- the visit ----------------------------------------------------------------------------


@pytest.mark.parametrize("checked_in", [False, True])
def test_signing_completes_the_visit(scheduled: Clinic, checked_in: bool) -> None:
    visit = book_visit(scheduled, open_episode(scheduled))
    if checked_in:
        booking.set_status(scheduled.db, scheduled.desk, visit, 1, AppointmentStatus.CHECKED_IN)
    note = written_note(scheduled, scheduled.lee, visit)
    assert visit_status(scheduled, visit) == ("checked_in" if checked_in else "scheduled")
    _sign(scheduled, note)
    assert visit_status(scheduled, visit) == "completed"


# --- what has to be written first -------------------------------------------------------------


@pytest.mark.parametrize(
    ("visit_type", "content", "problems"),
    [
        ("follow_up", {}, {"assessment", "minutes"}),
        ("follow_up", {"minutes": {"97110": 30}}, {"assessment"}),
        ("follow_up", {"objective": "ASLR 1/5"}, {"minutes"}),
        ("follow_up", {"subjective": "  ", "minutes": {"97110": 30}}, {"assessment"}),
        ("progress_visit", {"assessment": "Better"}, {"outcomes"}),
        ("progress_visit", {"subjective": "Better", "outcomes": {"nprs": 2}}, {"assessment"}),
        ("re_evaluation", {}, {"assessment", "outcomes"}),
        ("discharge", {"assessment": "Met", "outcomes": {"nprs": 1}}, {"discharge_reason"}),
        ("discharge", {"discharge_reason": "goals_met"}, {"assessment", "outcomes"}),
    ],
)
def test_signing_names_what_is_missing_and_writes_nothing(
    scheduled: Clinic, visit_type: str, content: dict[str, Any], problems: set[str]
) -> None:
    episode = open_episode(scheduled)
    visit = book_visit(scheduled, episode, visit_type=visit_type)
    note = written_note(scheduled, scheduled.lee, visit, content)
    with pytest.raises(ValidationError) as raised:
        _sign(scheduled, note)
    assert set(raised.value.field_errors) == problems
    _nothing_written(scheduled, note, visit, episode)


def test_a_progress_note_is_asked_for_its_assessment_in_words(scheduled: Clinic) -> None:
    visit = book_visit(scheduled, open_episode(scheduled), visit_type="progress_visit")
    note = written_note(scheduled, scheduled.lee, visit, {"subjective": "Better"})
    with pytest.raises(ValidationError) as raised:
        _sign(scheduled, note)
    assert raised.value.field_errors["assessment"] == (
        "Write the assessment: how the patient has progressed."
    )
    assert "Oswestry" in raised.value.field_errors["outcomes"]


def test_a_future_visits_note_is_signed_on_its_day(scheduled: Clinic) -> None:
    episode = open_episode(scheduled)
    tuesday = MONDAY + timedelta(days=1)
    visit = book_visit(scheduled, episode, day=tuesday)
    note = written_note(scheduled, scheduled.lee, visit)
    with pytest.raises(ValidationError) as raised:
        _sign(scheduled, note, now=NOW)  # Monday
    assert set(raised.value.field_errors) == {"note_date"}
    assert "on or after that day" in raised.value.field_errors["note_date"]
    _nothing_written(scheduled, note, visit, episode)
    signed = _sign(scheduled, note, now=NOW + timedelta(days=1))
    assert signed.status == "signed"


def _nothing_written(
    clinic: Clinic, note: clinical_notes.NoteRecord, visit: int, episode: int
) -> None:
    after = clinical_notes.note(clinic.db, clinic.lee, note.id)
    assert (after.status, after.signed_at, after.version) == ("draft", None, note.version)
    assert charge_count(clinic) == 0 and visit_status(clinic, visit) == "scheduled"
    with clinic.db.session() as session:
        results = session.scalars(
            select(OutcomeResult.id).where(OutcomeResult.episode_id == episode)
        ).all()
        row = session.get(EpisodeOfCare, episode)
        assert row is not None and row.status == "open"
    assert results == []
    assert not any(s.startswith("signed") for s in audits(clinic, note.id))


def test_a_failure_while_signing_leaves_nothing_written(
    scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    episode = planned_episode(scheduled, "medicare")
    visit = book_visit(scheduled, episode, day=LATER, visit_type="discharge")
    content = PROGRESS | {"minutes": {"97110": 33}, "discharge_reason": "goals_met",
                          "goals": {"1": {"status": "met"}}}  # fmt: skip
    note = written_note(scheduled, scheduled.lee, visit, content)

    def broken(*_args: Any) -> int:
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(note_signing, "_update_goals", broken)  # after charges and outcomes
    with pytest.raises(RuntimeError):
        _sign(scheduled, note, now=LATER_NOW)
    after = clinical_notes.note(scheduled.db, scheduled.lee, note.id)
    assert (after.status, after.charges) == ("draft", ())
    assert charge_count(scheduled) == 0 and visit_status(scheduled, visit) == "scheduled"
    with scheduled.db.session() as session:
        assert (
            session.scalars(select(OutcomeResult.id).where(OutcomeResult.taken_on == LATER)).all()
            == []
        )
        row = session.get(EpisodeOfCare, episode)
        assert row is not None and row.status == "open"
    plan = care_plans.episode_plan(scheduled.db, scheduled.lee, episode)
    assert plan is not None and all(g.status == "progressing" for g in plan.goals)


# --- progress notes and discharges --------------------------------------------------------


def test_a_progress_notes_outcomes_become_the_episodes_results(scheduled: Clinic) -> None:
    episode = planned_episode(scheduled)
    visit = book_visit(scheduled, episode, day=LATER, visit_type="progress_visit")
    _sign(scheduled, written_note(scheduled, scheduled.lee, visit, PROGRESS), now=LATER_NOW)
    with scheduled.db.session() as session:
        rows = session.execute(
            select(
                OutcomeResult.measure, OutcomeResult.score, OutcomeResult.answers,
                OutcomeResult.recorded_by_id,
            )
            .where(OutcomeResult.episode_id == episode, OutcomeResult.taken_on == LATER)
            .order_by(OutcomeResult.measure)
        ).all()  # fmt: skip
    percent = oswestry_percent(ODI)
    assert percent is not None and round(percent, 1) == 42.2  # 19 of 45 points
    assert [tuple(r) for r in rows] == [
        ("nprs", 2.0, {"now": 2}, scheduled.lee.staff_id),
        ("odi", float(percent), {"sections": ODI}, scheduled.lee.staff_id),
        ("psfs", 7.0, {"activities": OUTCOMES["psfs"]}, scheduled.lee.staff_id),
    ]


def test_only_the_measures_taken_become_results(scheduled: Clinic) -> None:
    episode = open_episode(scheduled)
    visit = book_visit(scheduled, episode, visit_type="progress_visit")
    content = {"assessment": "Steady", "outcomes": {"odi": [None] * 10, "nprs": 0}}
    _sign(scheduled, written_note(scheduled, scheduled.lee, visit, content))
    with scheduled.db.session() as session:
        rows = session.execute(
            select(OutcomeResult.measure, OutcomeResult.score, OutcomeResult.taken_on)
        ).all()
    assert [tuple(r) for r in rows] == [("nprs", 0.0, MONDAY)]


def test_a_progress_notes_goal_statuses_become_the_plans(scheduled: Clinic) -> None:
    episode = planned_episode(scheduled)
    before = care_plans.episode_plan(scheduled.db, scheduled.lee, episode)
    assert before is not None
    first, second, third = (g.id for g in before.goals[:3])
    visit = book_visit(scheduled, episode, day=LATER, visit_type="progress_visit")
    content = PROGRESS | {"goals": {
        str(first): {"status": "met", "note": "Pain 2/10 from 5/10"},
        str(second): {"status": "progressing"},  # as it was
        str(third): {"status": "not_met"},
    }}  # fmt: skip
    signed = _sign(scheduled, written_note(scheduled, scheduled.lee, visit, content), LATER_NOW)
    after = care_plans.episode_plan(scheduled.db, scheduled.lee, episode)
    assert after is not None
    statuses = {g.id: (g.status, g.status_on) for g in after.goals}
    assert statuses[first] == ("met", LATER)
    assert statuses[second] == ("progressing", None)
    assert statuses[third] == ("not_met", LATER)
    assert audits(scheduled, signed.id)[-1] == (
        "signed the progress note; visit completed; 2 goal statuses updated"
    )


def test_goal_statuses_from_a_note_move_the_plan_to_a_new_version(scheduled: Clinic) -> None:
    # A care-plan window opened before the note was signed must not save over the new statuses.
    episode = planned_episode(scheduled)
    before = care_plans.episode_plan(scheduled.db, scheduled.lee, episode)
    assert before is not None
    visit = book_visit(scheduled, episode, day=LATER, visit_type="progress_visit")
    content = PROGRESS | {"goals": {str(before.goals[0].id): {"status": "met"}}}
    _sign(scheduled, written_note(scheduled, scheduled.lee, visit, content), LATER_NOW)
    after = care_plans.episode_plan(scheduled.db, scheduled.lee, episode)
    assert after is not None and after.version > before.version


def test_a_discharge_closes_the_episode_with_its_reason(scheduled: Clinic) -> None:
    episode = planned_episode(scheduled, "medicare")
    visit = book_visit(scheduled, episode, day=LATER, visit_type="discharge")
    content = PROGRESS | {"discharge_reason": "plateau", "minutes": {"97110": 20},
                          "home_advice": "Walk daily."}  # fmt: skip
    signed = _sign(scheduled, written_note(scheduled, scheduled.lee, visit, content), LATER_NOW)
    record = episodes.episode(scheduled.db, scheduled.lee, episode)
    assert (record.status, record.closed_on, record.closed_reason) == (
        "closed", LATER, "Progress has levelled off",
    )  # fmt: skip
    assert [(c.code, c.units) for c in signed.charges] == [("97110", 1)]
    said = audits(scheduled, signed.id)[-1]
    assert said.startswith("signed the discharge summary; 1 unit")
    assert said.endswith("; visit completed; episode closed")
    with scheduled.db.session() as session:
        measures = session.scalars(
            select(OutcomeResult.measure).where(OutcomeResult.taken_on == LATER)
        ).all()
    assert sorted(measures) == ["nprs", "odi", "psfs"]


def test_one_unit_is_said_in_the_singular(scheduled: Clinic) -> None:
    visit = book_visit(scheduled, open_episode(scheduled, "medicare"))
    content = WRITTEN | {"minutes": {"97110": 20}}
    signed = _sign(scheduled, written_note(scheduled, scheduled.lee, visit, content))
    assert audits(scheduled, signed.id)[-1] == "signed the visit note; 1 unit; visit completed"


def test_a_visit_notes_signature_leaves_the_episode_and_the_plan_alone(scheduled: Clinic) -> None:
    episode = planned_episode(scheduled)
    before = care_plans.episode_plan(scheduled.db, scheduled.lee, episode)
    visit = book_visit(scheduled, episode, day=LATER)
    _sign(scheduled, written_note(scheduled, scheduled.lee, visit), LATER_NOW)
    with scheduled.db.session() as session:
        row = session.get(EpisodeOfCare, episode)
        assert row is not None and row.status == "open"
        assert (
            session.scalars(select(OutcomeResult.id).where(OutcomeResult.taken_on == LATER)).all()
            == []
        )
    assert care_plans.episode_plan(scheduled.db, scheduled.lee, episode) == before


def test_a_students_signature_writes_the_charges_and_the_cosignature_adds_none(
    scheduled: Clinic, make_staff: Any
) -> None:
    student = make_staff("student1", Role.STUDENT)
    visit = book_visit(scheduled, open_episode(scheduled, "medicare"), therapist=student)
    note = written_note(scheduled, student, visit)
    waiting = clinical_notes.sign_note(
        scheduled.db, student, note.id, note.version, PASSWORD, now=NOW
    )
    assert [(c.code, c.units) for c in waiting.charges] == [("97110", 2), ("97140", 1)]
    assert visit_status(scheduled, visit) == "completed"
    clinical_notes.cosign_note(
        scheduled.db, scheduled.kim, note.id, waiting.version, PASSWORD, now=NOW
    )
    assert charge_count(scheduled) == 2
