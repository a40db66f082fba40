"""A new note starts from the care plan: its exercises with the plan's stage and dosage (or
what the last note used, when the stage has not changed), its techniques with their dose and
side, and for a progress note or discharge the goals with their current statuses. Nothing of
last visit's tolerance, pain or minutes comes along; removed plan items stay out; without a
plan the note starts empty."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ptclinic.services import care_plans, clinical_notes
from ptclinic.services.care_plans import CarePlanRecord
from ptclinic.services.note_prefill import prefilled_content
from tests.services.conftest import MONDAY, Clinic, scheduled
from tests.services.test_clinical_notes import book_visit, open_episode, planned_episode

__all__ = ["scheduled"]

WEDNESDAY = MONDAY + timedelta(days=2)


@pytest.fixture
def episode(scheduled: Clinic) -> int:
    return planned_episode(scheduled)


def _plan(clinic: Clinic, episode: int) -> CarePlanRecord:
    plan = care_plans.episode_plan(clinic.db, clinic.lee, episode)
    assert plan is not None
    return plan


def _item_id(plan: CarePlanRecord, code: str) -> int:
    return next(i.id for i in plan.items if i.code == code)


def _new_note(
    clinic: Clinic, episode: int, *, day: Any = MONDAY, visit_type: str = "follow_up"
) -> clinical_notes.NoteRecord:
    visit = book_visit(clinic, episode, day=day, visit_type=visit_type)
    return clinical_notes.start_note_for_appointment(clinic.db, clinic.lee, visit)


def _rows(content: dict[str, Any], part: str) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in content.get(part, [])}


def test_a_note_lists_the_plans_exercises_with_their_dosage(
    scheduled: Clinic, episode: int
) -> None:
    plan = _plan(scheduled, episode)
    note = _new_note(scheduled, episode)
    exercises = [i for i in plan.items if i.kind == "exercise"]
    assert [row["code"] for row in note.content["flowsheet"]] == [i.code for i in exercises]
    assert [row["name"] for row in note.content["flowsheet"]] == [i.name for i in exercises]
    rows = _rows(note.content, "flowsheet")
    assert rows["SB-BRIDGE"] == {
        "code": "SB-BRIDGE", "name": "Glute bridge", "stage": 1, "sets": 2, "reps": 10,
        "hold_s": 5, "load": "",
    }  # fmt: skip
    assert (rows["SB-DRAWIN"]["sets"], rows["SB-DRAWIN"]["reps"], rows["SB-DRAWIN"]["hold_s"]) == (
        None, 10, 10,
    )  # fmt: skip
    assert (rows["SG-CLAM"]["sets"], rows["SG-CLAM"]["reps"], rows["SG-CLAM"]["hold_s"]) == (
        2, 15, None,
    )  # fmt: skip
    for row in note.content["flowsheet"]:  # today's facts are left for today
        assert "tolerance" not in row and "note" not in row
    assert set(note.content) == {"flowsheet", "techniques"}  # a visit note lists no goals


def test_a_note_lists_the_plans_techniques_with_dose_and_side(
    scheduled: Clinic, episode: int
) -> None:
    db, lee = scheduled.db, scheduled.lee
    plan = _plan(scheduled, episode)
    plan = care_plans.add_item(
        db, lee, plan.id, plan.version, "manual", "MT-MOB-SIJ",
        details={"grade": "3", "side": "right", "note": "Prone"},
    )  # fmt: skip
    name = next(i.name for i in plan.items if i.code == "MT-MOB-SIJ")
    note = _new_note(scheduled, episode)
    assert note.content["techniques"] == [
        {"code": "MT-STM-GLUT", "name": "Soft tissue mobilisation: gluteals", "dose": ""},
        {"code": "MT-MOB-SIJ", "name": name, "dose": "Grade III · Prone", "side": "right"},
    ]
    education = [i.text for i in plan.items if i.kind == "education"]
    assert education and not any(
        row["name"] in education for part in ("flowsheet", "techniques")
        for row in note.content[part]
    )  # fmt: skip


def test_the_next_note_carries_the_dosage_forward_but_not_the_tolerance(
    scheduled: Clinic, episode: int
) -> None:
    db, lee = scheduled.db, scheduled.lee
    first = _new_note(scheduled, episode)
    rows = _rows(first.content, "flowsheet")
    rows["SB-BRIDGE"] |= {"sets": 3, "reps": 12, "hold_s": 8, "load": "Red band",
                          "tolerance": "fair", "note": "Cramped at the end"}  # fmt: skip
    rows["SB-DEADBUG-HEEL"] |= {"sets": None, "reps": 12, "tolerance": "good"}
    rows["SB-DRAWIN"] |= {"stage": 2, "sets": 3, "reps": 20}  # another stage than the plan's
    content = {
        "subjective": "Sore after gardening", "pain_before": 5, "pain_after": 2,
        "flowsheet": list(rows.values()), "minutes": {"97110": 30},
    }  # fmt: skip
    clinical_notes.save_note_draft(db, lee, first.id, first.version, content)
    second = _new_note(scheduled, episode, day=WEDNESDAY)
    carried = _rows(second.content, "flowsheet")
    assert carried["SB-BRIDGE"] == {
        "code": "SB-BRIDGE", "name": "Glute bridge", "stage": 1, "sets": 3, "reps": 12,
        "hold_s": 8, "load": "Red band",
    }  # fmt: skip
    deadbug = carried["SB-DEADBUG-HEEL"]
    assert (deadbug["sets"], deadbug["reps"], "tolerance" in deadbug) == (2, 12, False)
    drawin = carried["SB-DRAWIN"]  # the stage changed: the plan's dosage again
    assert (drawin["stage"], drawin["sets"], drawin["reps"], drawin["hold_s"]) == (1, None, 10, 10)
    assert carried["SG-CLAM"]["reps"] == 15  # not in the last note: the plan's
    assert set(second.content) == {"flowsheet", "techniques"}  # no pain, minutes or words


def test_a_later_note_is_not_carried_back_to_an_earlier_visit(
    scheduled: Clinic, episode: int
) -> None:
    later = _new_note(scheduled, episode, day=WEDNESDAY)
    rows = _rows(later.content, "flowsheet")
    rows["SB-BRIDGE"] |= {"sets": 4}
    clinical_notes.save_note_draft(
        scheduled.db, scheduled.lee, later.id, later.version, {"flowsheet": list(rows.values())}
    )
    earlier = _new_note(scheduled, episode)
    assert _rows(earlier.content, "flowsheet")["SB-BRIDGE"]["sets"] == 2


def test_removed_plan_items_are_left_out(scheduled: Clinic, episode: int) -> None:
    db, lee = scheduled.db, scheduled.lee
    first = _new_note(scheduled, episode)
    plan = _plan(scheduled, episode)
    plan = care_plans.remove_item(db, lee, plan.id, plan.version, _item_id(plan, "SG-CLAM"))
    care_plans.remove_item(db, lee, plan.id, plan.version, _item_id(plan, "MT-STM-GLUT"))
    assert "SG-CLAM" in _rows(first.content, "flowsheet")  # the last note still has it
    second = _new_note(scheduled, episode, day=WEDNESDAY)
    assert "SG-CLAM" not in _rows(second.content, "flowsheet")
    assert "SB-BRIDGE" in _rows(second.content, "flowsheet")
    assert "techniques" not in second.content  # the only technique was removed


@pytest.mark.parametrize("visit_type", ["progress_visit", "discharge"])
def test_a_progress_note_or_discharge_lists_the_goals_as_they_stand(
    scheduled: Clinic, episode: int, visit_type: str
) -> None:
    db, lee = scheduled.db, scheduled.lee
    plan = _plan(scheduled, episode)
    met, revised, *rest = (g.id for g in plan.goals)
    plan = care_plans.set_goal_status(db, lee, plan.id, plan.version, met, "met")
    care_plans.set_goal_status(db, lee, plan.id, plan.version, revised, "revised")
    note = _new_note(scheduled, episode, visit_type=visit_type)
    assert note.content["goals"] == {
        str(met): {"status": "met"},
        **{str(goal): {"status": "progressing"} for goal in rest},
    }
    assert list(note.content["goals"]) == [str(met), *map(str, rest)]  # in the plan's order


def test_a_prefilled_note_saves_as_it_starts(scheduled: Clinic, episode: int) -> None:
    plan = _plan(scheduled, episode)
    care_plans.add_item(
        scheduled.db, scheduled.lee, plan.id, plan.version, "manual", "MT-MOB-SIJ",
        details={"grade": "3", "side": "both"},
    )  # fmt: skip
    note = _new_note(scheduled, episode, visit_type="progress_visit")
    saved = clinical_notes.save_note_draft(
        scheduled.db, scheduled.lee, note.id, note.version, note.content
    )
    assert saved.content == note.content


@pytest.mark.parametrize("kind", ["visit", "progress", "discharge"])
def test_without_a_care_plan_a_note_starts_empty(scheduled: Clinic, kind: str) -> None:
    episode = open_episode(scheduled)
    visit_type = {"visit": "follow_up", "progress": "progress_visit", "discharge": "discharge"}
    note = _new_note(scheduled, episode, visit_type=visit_type[kind])
    assert (note.kind, note.content) == (kind, {})
    with scheduled.db.session() as session:
        assert prefilled_content(session, episode, kind, MONDAY) == {}
