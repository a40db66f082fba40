"""What a new note starts with, so the therapist edits rather than retypes: the exercise
flowsheet from the care plan, carried forward from the last note (the stage, sets, repetitions,
hold and load used last time are what the patient does today unless changed); the techniques
the plan lists with their grade and side; and for a progress note or discharge, each goal with
its current status. Tolerance, pain and minutes are left for today: copying them would put last
visit's facts in today's note."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptclinic.models import CarePlan, CarePlanGoal, CarePlanItem, ClinicalNote, ItemKind
from ptclinic.services import care_plan_catalogue
from ptclinic.services.care_plans import details_text
from ptclinic.services.clinic_exercises import session_library
from ptclinic.services.note_form import SIDES

_CARRIED = ("stage", "sets", "reps", "hold_s", "load")


def _last_flowsheet(session: Session, episode_id: int, before: date) -> dict[str, dict[str, Any]]:
    content = session.scalar(
        select(ClinicalNote.content)
        .where(ClinicalNote.episode_id == episode_id, ClinicalNote.note_date <= before)
        .order_by(ClinicalNote.note_date.desc(), ClinicalNote.id.desc())
        .limit(1)
    )
    rows = (content or {}).get("flowsheet") or []
    return {str(row.get("code")): row for row in rows if isinstance(row, dict)}


def _exercise_row(item: CarePlanItem, name: str, last: dict[str, Any] | None) -> dict[str, Any]:
    dosage = item.dosage or {}
    row: dict[str, Any] = {
        "code": item.code,
        "name": name,
        "stage": item.stage,
        "sets": dosage.get("sets"),
        "reps": dosage.get("reps"),
        "hold_s": dosage.get("hold_seconds"),
        "load": "",
    }
    if last is not None and last.get("stage", item.stage) == item.stage:
        row.update({key: last[key] for key in _CARRIED if last.get(key) not in (None, "")})
    return row


def _technique_row(item: CarePlanItem, name: str) -> dict[str, Any]:
    side = str(item.details.get("side") or "").lower()
    details = {k: v for k, v in item.details.items() if k != "side" or side not in SIDES}
    row: dict[str, Any] = {"code": item.code, "name": name, "dose": details_text(details)}
    if side in SIDES:
        row["side"] = side
    return row


def prefilled_content(session: Session, episode_id: int, kind: str, day: date) -> dict[str, Any]:
    """The content a new note of ``kind`` on ``day`` starts with (empty without a care plan)."""
    plan = session.scalar(select(CarePlan).where(CarePlan.episode_id == episode_id))
    if plan is None:
        return {}
    items = session.scalars(
        select(CarePlanItem)
        .where(CarePlanItem.plan_id == plan.id, CarePlanItem.removed_at.is_(None))
        .order_by(CarePlanItem.position, CarePlanItem.id)
    ).all()
    library = session_library(session)
    last = _last_flowsheet(session, episode_id, day)
    flowsheet: list[dict[str, Any]] = []
    techniques: list[dict[str, Any]] = []
    for item in items:
        if item.kind == ItemKind.EDUCATION:
            continue
        name = care_plan_catalogue.name_of(ItemKind(item.kind), item.code, library)
        if item.kind == ItemKind.EXERCISE:
            flowsheet.append(_exercise_row(item, name, last.get(item.code)))
        else:
            techniques.append(_technique_row(item, name))
    content: dict[str, Any] = {"flowsheet": flowsheet, "techniques": techniques}
    if kind != "visit":
        goals = session.execute(
            select(CarePlanGoal.id, CarePlanGoal.status)
            .where(CarePlanGoal.plan_id == plan.id, CarePlanGoal.status != "revised")
            .order_by(CarePlanGoal.position, CarePlanGoal.id)
        ).all()
        content["goals"] = {str(goal_id): {"status": status} for goal_id, status in goals}
    return {key: value for key, value in content.items() if value}
