"""Care plans keep their history in the database itself, on SQLite and PostgreSQL: rows written
and changed directly, past every service. Nothing in a plan is deleted, the progression history
never changes, and the checks refuse what makes no sense (an unknown kind, a home-program tick on
a therapist's technique, half a measurable goal)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import IntegrityError

from ptclinic.db import Database
from ptclinic.models import (
    CarePlan,
    CarePlanGoal,
    CarePlanItem,
    CarePlanItemChange,
    EpisodeOfCare,
)
from ptclinic.services import patients
from ptclinic.services.actor import Actor
from tests.conftest import patient_input


@pytest.fixture
def plan(clinic_db: Database, front_desk: Actor, therapist: Actor) -> int:
    patient = patients.register_patient(clinic_db, front_desk, patient_input())
    with clinic_db.session() as session:
        episode = EpisodeOfCare(patient_id=patient.id, start_date=date(2026, 12, 7), title="SI")
        session.add(episode)
        session.flush()
        row = CarePlan(
            episode_id=episode.id, therapist_id=therapist.staff_id, classification="stability",
            visits_per_week=2, duration_weeks=6, start_date=date(2026, 12, 7),
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def _add(db: Database, row: Any) -> int:
    with db.session() as session:
        session.add(row)
        session.flush()
        return int(row.id)


def _run(db: Database, statement: object) -> None:
    with db.session() as session:
        session.execute(statement)  # type: ignore[call-overload]


def _item(plan: int, **kw: Any) -> CarePlanItem:
    values: dict[str, Any] = {"plan_id": plan, "position": 0, "kind": "exercise",
                              "code": "SB-BRIDGE", "stage": 1}  # fmt: skip
    return CarePlanItem(**(values | kw))


def _goal(plan: int, **kw: Any) -> CarePlanGoal:
    values: dict[str, Any] = {
        "plan_id": plan, "position": 0, "term": "long", "text": "Oswestry down by 10 points",
        "measure": "odi", "rule": "drop_by", "target": 10.0, "target_date": date(2027, 1, 18),
    }  # fmt: skip
    return CarePlanGoal(**(values | kw))


def test_nothing_in_a_plan_is_deleted(clinic_db: Database, plan: int) -> None:
    item = _add(clinic_db, _item(plan))
    goal = _add(clinic_db, _goal(plan))
    _run(clinic_db, update(CarePlanItem).where(CarePlanItem.id == item).values(position=3))
    for model, row_id, words in (
        (CarePlanItem, item, "mark them removed"),
        (CarePlanGoal, goal, "mark them revised"),
        (CarePlan, plan, "never deleted"),
    ):
        with pytest.raises(IntegrityError, match=words):
            _run(clinic_db, delete(model).where(model.id == row_id))


def test_the_progression_history_is_append_only(
    clinic_db: Database, plan: int, therapist: Actor
) -> None:
    item = _add(clinic_db, _item(plan))
    change = _add(
        clinic_db,
        CarePlanItemChange(
            item_id=item, action="progress", from_code="SB-BRIDGE", to_code="SB-BRIDGE-MARCH",
            from_stage=1, to_stage=2, changed_by_id=therapist.staff_id,
        ),
    )  # fmt: skip
    with pytest.raises(IntegrityError, match="never changed or removed"):
        _run(clinic_db, update(CarePlanItemChange).values(reason="rewritten"))
    with pytest.raises(IntegrityError, match="never changed or removed"):
        _run(clinic_db, delete(CarePlanItemChange).where(CarePlanItemChange.id == change))
    with pytest.raises(IntegrityError):  # a "change" that changes nothing
        _add(
            clinic_db,
            CarePlanItemChange(item_id=item, action="progress", from_code="SB-BRIDGE",
                               to_code="SB-BRIDGE", changed_by_id=therapist.staff_id),
        )  # fmt: skip


@pytest.mark.parametrize(
    "values",
    [
        {"kind": "massage"},
        {"stage": 4},
        {"position": -1},
        {"kind": "manual", "code": "MT-SIJ-MOB", "stage": None, "on_home_program": True},
        {"kind": "met", "code": ""},
    ],
)
def test_an_item_that_makes_no_sense_is_refused(
    clinic_db: Database, plan: int, values: dict[str, Any]
) -> None:
    with pytest.raises(IntegrityError):
        _add(clinic_db, _item(plan, **values))


def test_advice_may_go_home_without_a_code(clinic_db: Database, plan: int) -> None:
    _add(clinic_db, _item(plan, kind="education", code="", stage=None, on_home_program=True,
                          text="Change position every 30 minutes when sitting."))  # fmt: skip


@pytest.mark.parametrize(
    "values",
    [
        {"term": "medium"},
        {"status": "abandoned"},
        {"measure": "sf36"},
        {"rule": None},  # measurable goals are whole: measure, rule and target together
        {"target": -1.0},
        {"text": ""},
    ],
)
def test_a_goal_that_makes_no_sense_is_refused(
    clinic_db: Database, plan: int, values: dict[str, Any]
) -> None:
    with pytest.raises(IntegrityError):
        _add(clinic_db, _goal(plan, **values))


def test_a_goal_in_words_only_is_allowed(clinic_db: Database, plan: int) -> None:
    _add(clinic_db, _goal(plan, measure=None, rule=None, target=None,
                          text="Back to gardening for an hour"))  # fmt: skip


@pytest.mark.parametrize(
    "values", [{"visits_per_week": 0}, {"duration_weeks": 53}, {"classification": "rest"}]
)
def test_a_plan_with_impossible_frequency_or_classification_is_refused(
    clinic_db: Database, plan: int, values: dict[str, Any]
) -> None:
    with pytest.raises(IntegrityError):
        _run(clinic_db, update(CarePlan).where(CarePlan.id == plan).values(**values))


def test_the_care_plan_guards_are_there_at_the_newest_revision(clinic_db: Database) -> None:
    with clinic_db.session() as session:
        if clinic_db.backend == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        names = set(session.scalars(text(query)))
    if clinic_db.backend == "sqlite":
        expected = {
            "care_plans_no_delete", "care_plan_items_no_delete", "care_plan_goals_no_delete",
            "care_plan_item_changes_no_update", "care_plan_item_changes_no_delete",
        }  # fmt: skip
    else:
        expected = {
            "care_plans_guard", "care_plan_items_guard", "care_plan_goals_guard",
            "care_plan_item_changes_guard", "care_plan_item_changes_no_truncate",
        }  # fmt: skip
    assert expected <= names
