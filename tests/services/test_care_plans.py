"""Care plans: started from the classification's template, changed item by item with every
change audited and refused when based on an old version, exercises progressed only when their
criteria are met (with the history kept), and who may do what."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from ptclinic.models import AuditEvent, CarePlanItem, CarePlanItemChange
from ptclinic.roles import Role
from ptclinic.services import care_plans, episodes, evaluation_records
from ptclinic.services.care_goals import GoalInput
from ptclinic.services.care_plan_catalogue import ProgressCheck
from ptclinic.services.care_plans import CarePlanRecord
from ptclinic.services.episodes import EpisodeInput
from ptclinic.services.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.exercise_library import shipped_exercises
from tests.conftest import PASSWORD
from tests.services.conftest import Clinic, scheduled
from tests.services.test_evaluation_records import _ready

__all__ = ["scheduled"]

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # Monday Dec 7 in the clinic
NAMES = {e.code: e.name for e in shipped_exercises()}
READY = ProgressCheck(pain_during=2, flare_next_day=False, good_form_sessions=2)


def _episode(clinic: Clinic) -> int:
    return episodes.open_episode(
        clinic.db, clinic.desk, clinic.ortiz,
        EpisodeInput(title="Right SI pain", primary_therapist_id=clinic.lee.staff_id), now=NOW,
    ).id  # fmt: skip


def _signed_episode(clinic: Clinic) -> int:
    """An episode whose evaluation is signed as "stability", PSFS activity "Sitting 1 hour"."""
    episode = _episode(clinic)
    draft = evaluation_records.start_evaluation(clinic.db, clinic.lee, episode, now=NOW)
    draft = evaluation_records.save_draft(clinic.db, clinic.lee, draft.id, draft.version, _ready())
    evaluation_records.sign_evaluation(
        clinic.db, clinic.lee, draft.id, draft.version, PASSWORD, now=NOW
    )
    return episode


@pytest.fixture
def plan(scheduled: Clinic) -> CarePlanRecord:
    return care_plans.start_plan(scheduled.db, scheduled.lee, _signed_episode(scheduled), now=NOW)


def _item(plan: CarePlanRecord, code: str) -> Any:
    return next(i for i in plan.items if i.code == code)


def test_a_plan_starts_from_the_signed_classifications_template(
    scheduled: Clinic, plan: CarePlanRecord
) -> None:
    assert (plan.classification, plan.frequency_text) == ("stability", "2×/week for 8 weeks")
    assert plan.start_date == date(2026, 12, 7)
    assert plan.checkpoint_date == date(2027, 1, 18)  # 6 weeks from the episode's start
    codes = [i.code for i in plan.items if i.kind == "exercise"]
    assert codes[:3] == ["SB-DRAWIN", "SB-BRIDGE", "SG-CLAM"]
    bridge = _item(plan, "SB-BRIDGE")
    assert bridge.stage == 1 and bridge.on_home_program and bridge.dosage["reps"] == 10
    assert bridge.progresses_to == "SB-BRIDGE-MARCH"
    assert not _item(plan, "MT-STM-GLUT").on_home_program  # a therapist's technique stays in clinic
    words = [g.text for g in plan.goals]
    assert "Oswestry score down by at least 10 points" in words
    assert "Sitting 1 hour at least 7/10 (PSFS)" in words  # the patient's own PSFS activity
    again = care_plans.start_plan(scheduled.db, scheduled.kim, plan.episode_id, now=NOW)
    assert again.id == plan.id  # one plan per episode


def test_without_a_signed_evaluation_the_classification_is_asked_for(scheduled: Clinic) -> None:
    episode = _episode(scheduled)
    with pytest.raises(ValidationError, match="classification"):
        care_plans.start_plan(scheduled.db, scheduled.lee, episode, now=NOW)
    chosen = care_plans.start_plan(
        scheduled.db, scheduled.lee, episode, classification="calm_load", now=NOW
    )
    assert chosen.classification == "calm_load"
    assert not any(g.measure == "psfs" for g in chosen.goals)  # no PSFS activity to tie one to


def test_items_are_added_reordered_dosed_ticked_and_removed(
    scheduled: Clinic, plan: CarePlanRecord
) -> None:
    db, lee = scheduled.db, scheduled.lee
    plan = care_plans.add_item(db, lee, plan.id, plan.version, "exercise", "ST-PIRI-SUP")
    plan = care_plans.add_item(
        db,
        lee,
        plan.id,
        plan.version,
        "manual",
        "MT-MOB-SIJ",
        details={"grade": "3", "side": "right"},
    )
    plan = care_plans.add_item(
        db, lee, plan.id, plan.version, "education", text="Sleep with a pillow between the knees."
    )
    mobilisation = _item(plan, "MT-MOB-SIJ")
    assert mobilisation.details == {"grade": "III", "side": "right"}
    with pytest.raises(ConflictError, match="already in the plan"):
        care_plans.add_item(db, lee, plan.id, plan.version, "exercise", "ST-PIRI-SUP")
    stretch = _item(plan, "ST-PIRI-SUP")
    plan = care_plans.move_item(db, lee, plan.id, plan.version, stretch.id, 0)
    assert plan.items[0].code == "ST-PIRI-SUP"
    plan = care_plans.set_dosage(
        db,
        lee,
        plan.id,
        plan.version,
        stretch.id,
        {"reps": 3, "hold_seconds": 30, "per_day": 2, "per_side": True},
    )
    assert _item(plan, "ST-PIRI-SUP").dosage["hold_seconds"] == 30
    plan = care_plans.set_home_program(db, lee, plan.id, plan.version, stretch.id, False)
    assert not _item(plan, "ST-PIRI-SUP").on_home_program
    plan = care_plans.remove_item(db, lee, plan.id, plan.version, stretch.id)
    assert "ST-PIRI-SUP" not in [i.code for i in plan.items]
    with db.session() as session:  # removed, not deleted
        kept = session.get(CarePlanItem, stretch.id)
        assert kept is not None and kept.removed_at is not None


@pytest.mark.parametrize(
    ("kind", "code", "extra", "field"),
    [
        ("exercise", "XX-NOPE", {}, "code"),
        ("manual", "MT-NOPE", {}, "code"),
        ("manual", "MT-MOB-SIJ", {"details": {"grade": "VI"}}, "grade"),
        ("manual", "MT-STM-PIRI", {"details": {"grade": "II"}}, "grade"),  # soft tissue: ungraded
        ("manual", "MT-MOB-SIJ", {"details": {"side": "middle"}}, "side"),
        ("met", "MT-MOB-SIJ", {}, "kind"),  # a mobilisation is not a muscle energy technique
        ("education", "", {"text": "   "}, "text"),
        ("massage", "", {}, "kind"),
    ],
)
def test_an_item_that_cannot_be_added_changes_nothing(
    scheduled: Clinic, plan: CarePlanRecord, kind: str, code: str, extra: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        care_plans.add_item(scheduled.db, scheduled.lee, plan.id, plan.version, kind, code, **extra)
    assert field in raised.value.field_errors
    after = care_plans.episode_plan(scheduled.db, scheduled.lee, plan.episode_id)
    assert after is not None and after.version == plan.version and after.items == plan.items


def test_a_bad_dosage_is_refused_and_techniques_do_not_go_home(
    scheduled: Clinic, plan: CarePlanRecord
) -> None:
    db, lee = scheduled.db, scheduled.lee
    bridge = _item(plan, "SB-BRIDGE")
    with pytest.raises(ValidationError):
        care_plans.set_dosage(db, lee, plan.id, plan.version, bridge.id, {"reps": -3})
    glutes = _item(plan, "MT-STM-GLUT")
    with pytest.raises(ValidationError, match="home program"):
        care_plans.set_home_program(db, lee, plan.id, plan.version, glutes.id, True)


def test_progressing_needs_the_criteria_met_and_keeps_the_history(
    scheduled: Clinic, plan: CarePlanRecord
) -> None:
    db, lee = scheduled.db, scheduled.lee
    bridge = _item(plan, "SB-BRIDGE")
    sore = ProgressCheck(pain_during=5, flare_next_day=True, good_form_sessions=1)
    with pytest.raises(ValidationError) as raised:
        care_plans.progress_item(db, lee, plan.id, plan.version, bridge.id, sore)
    message = str(raised.value)
    assert "pain was 5/10" in message and "flared" in message and "1 of 2 sessions" in message
    plan = care_plans.progress_item(
        db, lee, plan.id, plan.version, bridge.id, READY, "Bridges easily, no pain"
    )
    moved = next(i for i in plan.items if i.id == bridge.id)
    assert (moved.code, moved.stage, moved.regresses_to) == ("SB-BRIDGE-MARCH", 2, "SB-BRIDGE")
    assert moved.on_home_program  # still on the home program, now as its next exercise
    assert [(h.action, h.from_name, h.to_name, h.by) for h in moved.history] == [
        ("progress", NAMES["SB-BRIDGE"], NAMES["SB-BRIDGE-MARCH"], "Dana Lee")
    ]
    with pytest.raises(ValidationError, match="why"):
        care_plans.regress_item(db, lee, plan.id, plan.version, bridge.id, "  ")
    plan = care_plans.regress_item(db, lee, plan.id, plan.version, bridge.id, "Flared after march")
    back = next(i for i in plan.items if i.id == bridge.id)
    assert back.code == "SB-BRIDGE" and [h.action for h in back.history] == ["progress", "regress"]
    with db.session() as session:
        rows = session.scalars(
            select(CarePlanItemChange.to_code).where(CarePlanItemChange.item_id == bridge.id)
        ).all()
    assert rows == ["SB-BRIDGE-MARCH", "SB-BRIDGE"]


def test_the_end_of_a_family_has_nowhere_to_go(scheduled: Clinic, plan: CarePlanRecord) -> None:
    db, lee = scheduled.db, scheduled.lee
    clam = _item(plan, "SG-CLAM")
    with pytest.raises(ConflictError, match="first exercise of its family"):
        care_plans.regress_item(db, lee, plan.id, plan.version, clam.id, "Too hard")
    squeeze = _item(plan, "ME-ADDUCTOR")  # a family of one
    with pytest.raises(ConflictError, match="last exercise of its family"):
        care_plans.progress_item(db, lee, plan.id, plan.version, squeeze.id, READY)


def test_a_change_on_an_old_version_says_who_changed_the_plan(
    scheduled: Clinic, plan: CarePlanRecord
) -> None:
    db = scheduled.db
    care_plans.set_frequency(db, scheduled.kim, plan.id, plan.version, 3, 6)
    with pytest.raises(StaleRecordError, match="Brian Kim changed this care plan"):
        care_plans.set_frequency(db, scheduled.lee, plan.id, plan.version, 1, 4)
    now = care_plans.episode_plan(db, scheduled.lee, plan.episode_id)
    assert now is not None and now.frequency_text == "3×/week for 6 weeks"


def test_an_assistant_carries_the_plan_out_but_does_not_change_what_it_holds(
    scheduled: Clinic, plan: CarePlanRecord, make_staff: Any
) -> None:
    assistant = make_staff("pta1", Role.ASSISTANT)
    bridge = _item(plan, "SB-BRIDGE")
    plan = care_plans.progress_item(
        scheduled.db, assistant, plan.id, plan.version, bridge.id, READY
    )
    plan = care_plans.set_home_program(
        scheduled.db, assistant, plan.id, plan.version, bridge.id, False
    )
    for change in (
        lambda: care_plans.add_item(
            scheduled.db, assistant, plan.id, plan.version, "exercise", "ST-HAM"
        ),
        lambda: care_plans.remove_item(scheduled.db, assistant, plan.id, plan.version, bridge.id),
        lambda: care_plans.set_frequency(scheduled.db, assistant, plan.id, plan.version, 1, 4),
    ):
        with pytest.raises(PermissionDenied, match="carry out the plan"):
            change()
    with pytest.raises(PermissionDenied):
        care_plans.start_plan(scheduled.db, scheduled.desk, plan.episode_id)


def test_goals_are_added_checked_and_marked(scheduled: Clinic, plan: CarePlanRecord) -> None:
    db, lee = scheduled.db, scheduled.lee
    with pytest.raises(ValidationError):
        care_plans.add_goal(
            db,
            lee,
            plan.id,
            plan.version,
            GoalInput("long", "", date(2026, 12, 1), "odi", "drop_by", 10.0),
        )
    plan = care_plans.add_goal(
        db,
        lee,
        plan.id,
        plan.version,
        GoalInput("long", "Back to gardening for an hour", date(2027, 2, 1)),
    )
    goal = next(g for g in plan.goals if g.text == "Back to gardening for an hour")
    plan = care_plans.set_goal_status(db, lee, plan.id, plan.version, goal.id, "met", now=NOW)
    marked = next(g for g in plan.goals if g.id == goal.id)
    assert (marked.status, marked.status_on) == ("met", date(2026, 12, 7))
    with pytest.raises(NotFound):
        care_plans.set_goal_status(db, lee, plan.id, plan.version, 99999, "met")


def test_every_change_is_audited(scheduled: Clinic, plan: CarePlanRecord) -> None:
    db, lee = scheduled.db, scheduled.lee
    bridge = _item(plan, "SB-BRIDGE")
    care_plans.progress_item(db, lee, plan.id, plan.version, bridge.id, READY)
    with db.session() as session:
        said = session.scalars(
            select(AuditEvent.summary)
            .where(AuditEvent.entity_type == "care_plan", AuditEvent.entity_id == plan.id)
            .order_by(AuditEvent.id)
        ).all()
    assert said == [
        "started the care plan from the Stability template",
        f"progressed {NAMES['SB-BRIDGE']} to {NAMES['SB-BRIDGE-MARCH']}",
    ]


def test_a_closed_episodes_plan_no_longer_changes(scheduled: Clinic, plan: CarePlanRecord) -> None:
    episode = episodes.episode(scheduled.db, scheduled.lee, plan.episode_id)
    episodes.close_episode(
        scheduled.db, scheduled.lee, episode.id, episode.version, reason="Goals met", now=NOW
    )
    with pytest.raises(ConflictError, match="closed"):
        care_plans.set_frequency(scheduled.db, scheduled.lee, plan.id, plan.version, 1, 4)


def test_the_clinics_own_exercise_goes_on_a_plan_and_home(
    scheduled: Clinic, plan: CarePlanRecord
) -> None:
    from ptclinic.services import clinic_exercises, home_program

    mapping = clinic_exercises.copy_of("SB-BRIDGE")
    mapping["name"] = "Bridge on the clinic's foam roller"
    own = clinic_exercises.add_exercise(scheduled.db, scheduled.lee, mapping)
    db, lee = scheduled.db, scheduled.lee
    plan = care_plans.add_item(db, lee, plan.id, plan.version, "exercise", own.code)
    added = _item(plan, own.code)
    assert added.name == "Bridge on the clinic's foam roller" and added.on_home_program
    program = home_program.home_program(db, lee, plan.episode_id, now=NOW)
    assert own.code in [e.code for e in program.exercises]
    clinic_exercises.retire_exercise(db, lee, own.code, clinic_exercises.own_exercise(
        db, lee, own.code).version)  # fmt: skip
    with pytest.raises(ValidationError, match="retired"):
        care_plans.add_item(db, lee, plan.id, plan.version, "exercise", own.code)


def test_progressing_needs_the_pain_entered_and_keeps_what_was_seen(
    scheduled: Clinic, plan: CarePlanRecord
) -> None:
    db, lee = scheduled.db, scheduled.lee
    bridge = _item(plan, "SB-BRIDGE")
    unknown = ProgressCheck(pain_during=-1, flare_next_day=False, good_form_sessions=2)
    with pytest.raises(ValidationError) as raised:
        care_plans.progress_item(db, lee, plan.id, plan.version, bridge.id, unknown)
    assert "pain_during" in raised.value.field_errors
    plan = care_plans.progress_item(db, lee, plan.id, plan.version, bridge.id, READY, "Easy")
    (change,) = next(i for i in plan.items if i.id == bridge.id).history
    assert (
        change.reason
        == "Easy (pain 2/10 during it, no flare the next day, good form for 2 sessions)"
    )
