"""Care plans: start one from the template for the episode's classification, then add, remove,
reorder and dose its items, tick what goes on the home program, set its goals, and progress or
regress exercises along their family, with the history kept.

Rules:
- A physical therapist (or a student) writes the plan: its classification, frequency and
  duration, goals, and which items it holds. A therapy assistant carries it out: they may dose,
  progress and regress exercises and choose what goes home, within the plan.
- Every change names the plan version it was made on; a change based on an old version is refused
  (two workstations on one plan must not overwrite each other). Every change is audited.
- An exercise progresses to the next one in its family only when the criteria the therapist
  recorded are met (by default: pain at most 3/10 during it, no flare the next day, good form for
  two sessions); regressing needs only a reason.
- Nothing is deleted: a removed item stays in the record, marked removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptclinic.db import Database
from ptclinic.models import (
    CarePlan,
    CarePlanGoal,
    CarePlanItem,
    CarePlanItemChange,
    EpisodeOfCare,
    Evaluation,
    EvaluationStatus,
    GoalStatus,
    ItemKind,
)
from ptclinic.models.base import utcnow
from ptclinic.services import audit, care_plan_catalogue
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.care_goals import GoalInput, validate_goal
from ptclinic.services.care_plan_catalogue import (
    KIND_LABELS,
    Library,
    ProgressCheck,
    ProgressCriteria,
)
from ptclinic.services.care_plan_templates import template_for
from ptclinic.services.clinic import clinic_today
from ptclinic.services.clinic_exercises import session_library
from ptclinic.services.dosage import dosage_summary, validate_dosage
from ptclinic.services.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.evaluation_form import CLASSIFICATION_LABELS
from ptclinic.services.pathway import checkpoint
from ptclinic.services.permissions import EVALUATING_ROLES, Permission, require
from ptclinic.services.staff import full_names
from ptclinic.services.text import clean_line

NOTE_LIMIT = 1000


@dataclass(frozen=True)
class ItemChange:
    action: str  # "progress" or "regress"
    from_name: str
    to_name: str
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class PlanItem:
    id: int
    position: int
    kind: str
    code: str
    name: str  # the exercise's or technique's name; the advice itself for education
    stage: int | None
    dosage: dict[str, Any]
    details: dict[str, Any]
    text: str
    on_home_program: bool
    kind_label: str  # "Exercise", "Manual therapy", …
    dosage_text: str  # "2 × 10, hold 5 s · 2×/day · 7 days/wk"; "" for all but exercises
    details_text: str  # a technique's grade, side and note: "Grade III · right"
    criteria: ProgressCriteria | None  # exercises only
    progresses_to: str  # the next exercise's code, "" at the end of its family
    regresses_to: str
    progresses_to_name: str
    regresses_to_name: str
    history: tuple[ItemChange, ...]


@dataclass(frozen=True)
class PlanGoal:
    id: int
    term: str
    text: str
    measure: str | None
    rule: str | None
    target: float | None
    activity: str
    target_date: date
    status: str
    status_on: date | None


@dataclass(frozen=True)
class CarePlanRecord:
    id: int
    episode_id: int
    patient_id: int
    therapist_name: str
    classification: str
    visits_per_week: int
    duration_weeks: int
    start_date: date
    checkpoint_date: date  # the 6-week conservative-care checkpoint of the episode
    items: tuple[PlanItem, ...]  # in order, removed ones left out
    goals: tuple[PlanGoal, ...]
    version: int

    @property
    def end_date(self) -> date:
        return self.start_date + timedelta(weeks=self.duration_weeks)

    @property
    def classification_label(self) -> str:
        return CLASSIFICATION_LABELS.get(self.classification, self.classification)

    @property
    def frequency_text(self) -> str:
        """ "2×/week for 6 weeks" """
        weeks = f"{self.duration_weeks} week{'' if self.duration_weeks == 1 else 's'}"
        return f"{self.visits_per_week}×/week for {weeks}"


# --- who may do what ----------------------------------------------------------------------------


def may_plan(actor: Actor) -> bool:
    """Whether ``actor`` writes plans (a therapist or a student), not only carries them out."""
    return actor.role in EVALUATING_ROLES


def _require_planner(actor: Actor) -> None:
    require(actor, Permission.WRITE_CLINICAL)
    if not may_plan(actor):
        raise PermissionDenied(
            f"{actor.full_name} may carry out the plan (dose, progress, choose the home program) "
            "but not change what it holds. Ask the patient's physical therapist."
        )


# --- reading ------------------------------------------------------------------------------------


def details_text(details: Mapping[str, Any]) -> str:
    parts = [f"Grade {details['grade']}"] if details.get("grade") else []
    parts += [str(details[key]) for key in ("side", "note") if details.get(key)]
    return " · ".join(parts)


def _item(
    row: CarePlanItem,
    changes: list[CarePlanItemChange],
    names: dict[int, str],
    library: Library = None,
) -> PlanItem:
    criteria = None
    following = previous = ""
    if row.kind == ItemKind.EXERCISE:
        criteria = ProgressCriteria.from_mapping(row.details.get("criteria"))
        family = care_plan_catalogue.family(row.code, library)
        following, previous = family.progression, family.regression
    history = tuple(
        ItemChange(
            c.action,
            care_plan_catalogue.name_of(ItemKind.EXERCISE, c.from_code, library),
            care_plan_catalogue.name_of(ItemKind.EXERCISE, c.to_code, library),
            c.reason,
            names.get(c.changed_by_id, ""),
            c.changed_at,
        )
        for c in changes
    )
    return PlanItem(
        id=row.id,
        position=row.position,
        kind=row.kind,
        code=row.code,
        name=row.text
        if row.kind == ItemKind.EDUCATION
        else care_plan_catalogue.name_of(ItemKind(row.kind), row.code, library),
        stage=row.stage,
        dosage=dict(row.dosage),
        details=dict(row.details),
        text=row.text,
        on_home_program=row.on_home_program,
        kind_label=KIND_LABELS[ItemKind(row.kind)],
        dosage_text=dosage_summary(validate_dosage(row.dosage)) if row.dosage else "",
        details_text=details_text(row.details),
        criteria=criteria,
        progresses_to=following,
        regresses_to=previous,
        progresses_to_name=care_plan_catalogue.name_of(ItemKind.EXERCISE, following, library)
        if following
        else "",
        regresses_to_name=care_plan_catalogue.name_of(ItemKind.EXERCISE, previous, library)
        if previous
        else "",
        history=history,
    )


def _record(session: Session, plan: CarePlan) -> CarePlanRecord:
    library = session_library(session)  # shipped and the clinic's own
    episode = session.get(EpisodeOfCare, plan.episode_id)
    assert episode is not None  # a foreign key
    items = list(
        session.scalars(
            select(CarePlanItem)
            .where(CarePlanItem.plan_id == plan.id, CarePlanItem.removed_at.is_(None))
            .order_by(CarePlanItem.position, CarePlanItem.id)
        )
    )
    changes = list(
        session.scalars(
            select(CarePlanItemChange)
            .where(CarePlanItemChange.item_id.in_([i.id for i in items]))
            .order_by(CarePlanItemChange.id)
        )
    )
    goals = session.scalars(
        select(CarePlanGoal)
        .where(CarePlanGoal.plan_id == plan.id)
        .order_by(CarePlanGoal.term.desc(), CarePlanGoal.position, CarePlanGoal.id)
    )
    names = full_names(session, [plan.therapist_id, *(c.changed_by_id for c in changes)])
    return CarePlanRecord(
        id=plan.id,
        episode_id=plan.episode_id,
        patient_id=episode.patient_id,
        therapist_name=names.get(plan.therapist_id, ""),
        classification=plan.classification,
        visits_per_week=plan.visits_per_week,
        duration_weeks=plan.duration_weeks,
        start_date=plan.start_date,
        checkpoint_date=checkpoint(episode.start_date),
        items=tuple(
            _item(i, [c for c in changes if c.item_id == i.id], names, library) for i in items
        ),
        goals=tuple(
            PlanGoal(
                g.id,
                g.term,
                g.text,
                g.measure,
                g.rule,
                g.target,
                g.activity,
                g.target_date,
                g.status,
                g.status_on,
            )
            for g in goals
        ),
        version=plan.version,
    )


def _audit(session: Session, actor: Actor, action: AuditAction, plan: CarePlan, what: str) -> None:
    episode = session.get(EpisodeOfCare, plan.episode_id)
    audit.record(
        session, action, actor=actor, entity_type="care_plan", entity_id=plan.id,
        patient_id=episode.patient_id if episode else None, summary=what,
    )  # fmt: skip


def episode_plan(
    db: Database, actor: Actor, episode_id: int, *, audited: bool = True
) -> CarePlanRecord | None:
    """The episode's care plan (None before one is started); each reading is audited, unless
    the caller audits it as part of something else (``audited=False``: a printed report)."""
    require(actor, Permission.VIEW_CLINICAL)
    with db.session() as session:
        plan = session.scalar(select(CarePlan).where(CarePlan.episode_id == episode_id))
        if plan is None:
            return None
        if audited:
            _audit(session, actor, AuditAction.VIEW, plan, "opened the care plan")
        return _record(session, plan)


# --- starting -----------------------------------------------------------------------------------


def _evaluation_basis(session: Session, episode_id: int) -> tuple[str | None, str]:
    """The signed evaluation's classification and the first activity the patient chose on the
    PSFS (a goal is tied to it)."""
    row = session.execute(
        select(Evaluation.classification, Evaluation.content).where(
            Evaluation.episode_id == episode_id,
            Evaluation.status == EvaluationStatus.SIGNED.value,
        )
    ).one_or_none()
    if row is None:
        return None, ""
    activities = (row.content.get("outcomes") or {}).get("psfs") or []
    first = next((a.get("activity", "") for a in activities if a.get("activity")), "")
    return row.classification, str(first)


def suggested_classification(db: Database, actor: Actor, episode_id: int) -> str | None:
    """The classification the signed evaluation chose (None before it is signed)."""
    require(actor, Permission.VIEW_CLINICAL)
    with db.session() as session:
        return _evaluation_basis(session, episode_id)[0]


def first_psfs_activity(db: Database, actor: Actor, episode_id: int) -> str:
    """The first activity the patient chose on the PSFS at intake ("" if none)."""
    require(actor, Permission.VIEW_CLINICAL)
    with db.session() as session:
        return _evaluation_basis(session, episode_id)[1]


def start_plan(
    db: Database,
    actor: Actor,
    episode_id: int,
    *,
    classification: str | None = None,
    now: datetime | None = None,
) -> CarePlanRecord:
    """The episode's plan, started from the template for its classification (the signed
    evaluation's unless another is given), or the one already started."""
    _require_planner(actor)
    today = clinic_today(db, now)
    with db.session() as session:
        episode = session.get(EpisodeOfCare, episode_id)
        if episode is None:
            raise NotFound("That episode of care does not exist.")
        existing = session.scalar(select(CarePlan).where(CarePlan.episode_id == episode_id))
        if existing is not None:
            return _record(session, existing)
        if episode.status != "open":
            raise ConflictError("This episode is closed; a care plan needs an open episode.")
        signed_classification, psfs_activity = _evaluation_basis(session, episode_id)
        chosen = classification or signed_classification
        if chosen is None:
            raise ValidationError(
                {"classification": "Choose the classification the plan follows (the evaluation "
                 "is not signed with one yet)."}
            )  # fmt: skip
        if chosen not in CLASSIFICATION_LABELS:
            raise ValidationError(
                {"classification": "Choose mobility, stability or calm and load."}
            )
        template = template_for(chosen)
        plan = CarePlan(
            episode_id=episode_id, therapist_id=actor.staff_id, classification=chosen,
            visits_per_week=template.visits_per_week, duration_weeks=template.duration_weeks,
            start_date=today, updated_by_id=actor.staff_id,
        )  # fmt: skip
        session.add(plan)
        session.flush()
        for position, entry in enumerate(template.items):
            session.add(
                CarePlanItem(
                    plan_id=plan.id, position=position, kind=entry.kind, code=entry.code,
                    stage=entry.stage, dosage=dict(entry.dosage), details=dict(entry.details),
                    text=entry.text, on_home_program=entry.on_home_program,
                )
            )  # fmt: skip
        for position, goal in enumerate(template.goals(today, psfs_activity)):
            session.add(_goal_row(plan.id, position, validate_goal(goal, plan_start=today)))
        _audit(
            session, actor, AuditAction.CREATE, plan,
            f"started the care plan from the {CLASSIFICATION_LABELS[chosen]} template",
        )  # fmt: skip
        session.flush()
        return _record(session, plan)


def _goal_row(plan_id: int, position: int, goal: GoalInput) -> CarePlanGoal:
    return CarePlanGoal(
        plan_id=plan_id, position=position, term=goal.term, text=goal.text, measure=goal.measure,
        rule=goal.rule, target=goal.target, activity=goal.activity, target_date=goal.target_date,
    )  # fmt: skip


# --- changing -----------------------------------------------------------------------------------


def _plan_for_change(session: Session, plan_id: int, version: int) -> CarePlan:
    plan = session.get(CarePlan, plan_id)
    if plan is None:
        raise NotFound("That care plan does not exist.")
    if plan.version != version:
        who = full_names(session, [plan.updated_by_id]).get(plan.updated_by_id or 0, "someone")
        raise StaleRecordError(
            f"{who} changed this care plan since you opened it, so nothing was saved. "
            "Look at the plan as it is now and make your change again."
        )
    episode = session.get(EpisodeOfCare, plan.episode_id)
    if episode is None or episode.status != "open":
        raise ConflictError("This episode is closed; its care plan can no longer change.")
    return plan


def _touch(plan: CarePlan, actor: Actor) -> None:
    """Every change moves the plan's version on, so a second workstation's change based on the
    old plan is refused."""
    plan.updated_by_id = actor.staff_id
    plan.updated_at = utcnow()


def _live_item(session: Session, plan: CarePlan, item_id: int) -> CarePlanItem:
    item = session.get(CarePlanItem, item_id)
    if item is None or item.plan_id != plan.id or item.removed_at is not None:
        raise NotFound("That item is no longer in this care plan.")
    return item


def _live_items(session: Session, plan: CarePlan) -> list[CarePlanItem]:
    return list(
        session.scalars(
            select(CarePlanItem)
            .where(CarePlanItem.plan_id == plan.id, CarePlanItem.removed_at.is_(None))
            .order_by(CarePlanItem.position, CarePlanItem.id)
        )
    )


def _finish(session: Session, actor: Actor, plan: CarePlan, what: str) -> CarePlanRecord:
    _touch(plan, actor)
    _audit(session, actor, AuditAction.CHANGE, plan, what)
    session.flush()
    return _record(session, plan)


def set_frequency(
    db: Database, actor: Actor, plan_id: int, version: int, visits_per_week: int,
    duration_weeks: int,
) -> CarePlanRecord:  # fmt: skip
    """How often and for how long: 1 to 7 visits a week, for 1 to 52 weeks."""
    _require_planner(actor)
    errors: dict[str, str] = {}
    if not 1 <= visits_per_week <= 7:
        errors["visits_per_week"] = "Visits a week must be from 1 to 7."
    if not 1 <= duration_weeks <= 52:
        errors["duration_weeks"] = "The plan lasts from 1 to 52 weeks."
    if errors:
        raise ValidationError(errors)
    with db.session() as session:
        plan = _plan_for_change(session, plan_id, version)
        plan.visits_per_week, plan.duration_weeks = visits_per_week, duration_weeks
        return _finish(
            session,
            actor,
            plan,
            f"set the plan to {visits_per_week}×/week for {duration_weeks} weeks",
        )


def add_item(
    db: Database, actor: Actor, plan_id: int, version: int, kind: str, code: str = "", *,
    text: str = "", details: Mapping[str, Any] | None = None, on_home_program: bool | None = None,
) -> CarePlanRecord:  # fmt: skip
    """Add an exercise or technique by its code (with its default dosage, or a technique's
    details such as the grade) or a line of education, at the end of the plan."""
    _require_planner(actor)
    with db.session() as session:
        entry = care_plan_catalogue.new_entry(
            kind, code, text=text, details=details or {}, on_home_program=on_home_program,
            library=session_library(session),
        )  # fmt: skip
        plan = _plan_for_change(session, plan_id, version)
        items = _live_items(session, plan)
        if entry.code and any(i.kind == entry.kind and i.code == entry.code for i in items):
            raise ConflictError(f"{entry.name} is already in the plan.")
        session.add(
            CarePlanItem(
                plan_id=plan.id, position=(items[-1].position + 1 if items else 0),
                kind=entry.kind, code=entry.code, stage=entry.stage, dosage=dict(entry.dosage),
                details=dict(entry.details), text=entry.text,
                on_home_program=entry.on_home_program,
            )
        )  # fmt: skip
        return _finish(session, actor, plan, f"added {entry.name} to the care plan")


def remove_item(
    db: Database, actor: Actor, plan_id: int, version: int, item_id: int
) -> CarePlanRecord:
    _require_planner(actor)
    with db.session() as session:
        plan = _plan_for_change(session, plan_id, version)
        item = _live_item(session, plan, item_id)
        item.removed_at = utcnow()
        item.on_home_program = False
        name = _item(item, [], {}, session_library(session)).name
        return _finish(session, actor, plan, f"removed {name} from the care plan")


def move_item(
    db: Database, actor: Actor, plan_id: int, version: int, item_id: int, position: int
) -> CarePlanRecord:
    """Put the item at ``position`` in the plan's order (0 is first; past the end is last)."""
    _require_planner(actor)
    with db.session() as session:
        plan = _plan_for_change(session, plan_id, version)
        item = _live_item(session, plan, item_id)
        items = [i for i in _live_items(session, plan) if i.id != item.id]
        items.insert(max(0, min(position, len(items))), item)
        for number, row in enumerate(items):
            row.position = number
        return _finish(session, actor, plan, "reordered the care plan")


def set_dosage(
    db: Database, actor: Actor, plan_id: int, version: int, item_id: int,
    dosage: Mapping[str, Any],
) -> CarePlanRecord:  # fmt: skip
    require(actor, Permission.WRITE_CLINICAL)
    with db.session() as session:
        plan = _plan_for_change(session, plan_id, version)
        item = _live_item(session, plan, item_id)
        if item.kind != ItemKind.EXERCISE:
            raise ValidationError({"dosage": "Only exercises have a dosage."})
        item.dosage = care_plan_catalogue.checked_dosage(dosage)
        name = _item(item, [], {}, session_library(session)).name
        return _finish(session, actor, plan, f"changed the dosage of {name}")


def set_details(
    db: Database, actor: Actor, plan_id: int, version: int, item_id: int,
    details: Mapping[str, Any],
) -> CarePlanRecord:  # fmt: skip
    """A technique's grade, side or note; an exercise's progression criteria."""
    _require_planner(actor)
    with db.session() as session:
        plan = _plan_for_change(session, plan_id, version)
        item = _live_item(session, plan, item_id)
        item.details = care_plan_catalogue.checked_details(item.kind, item.code, details)
        name = _item(item, [], {}, session_library(session)).name
        return _finish(session, actor, plan, f"changed the details of {name}")


def set_home_program(
    db: Database, actor: Actor, plan_id: int, version: int, item_id: int, on_home: bool
) -> CarePlanRecord:
    require(actor, Permission.WRITE_CLINICAL)
    with db.session() as session:
        plan = _plan_for_change(session, plan_id, version)
        item = _live_item(session, plan, item_id)
        if on_home and item.kind not in (ItemKind.EXERCISE, ItemKind.EDUCATION):
            raise ValidationError(
                {"on_home_program": "Only exercises and advice go on the home program."}
            )
        item.on_home_program = on_home
        name = _item(item, [], {}, session_library(session)).name
        where = "on" if on_home else "off"
        return _finish(session, actor, plan, f"put {name} {where} the home program")


def _move(
    db: Database, actor: Actor, plan_id: int, version: int, item_id: int, action: str,
    reason: str, check: ProgressCheck | None,
) -> CarePlanRecord:  # fmt: skip
    require(actor, Permission.WRITE_CLINICAL)
    reason = clean_line(reason)
    if len(reason) > NOTE_LIMIT:
        raise ValidationError({"reason": f"Keep the reason under {NOTE_LIMIT} characters."})
    with db.session() as session:
        plan = _plan_for_change(session, plan_id, version)
        item = _live_item(session, plan, item_id)
        if item.kind != ItemKind.EXERCISE:
            raise ValidationError({"item": "Only exercises progress and regress."})
        current = _item(item, [], {}, session_library(session))
        target = current.progresses_to if action == "progress" else current.regresses_to
        if not target:
            raise ConflictError(
                f"{current.name} is the {'last' if action == 'progress' else 'first'} exercise "
                f"of its family: there is nothing to {action} it to. Add another exercise instead."
            )
        if action == "progress":
            assert current.criteria is not None and check is not None
            if not 0 <= check.pain_during <= 10:
                raise ValidationError(
                    {"pain_during": "Say how much it hurt during the exercise, from 0 to 10."}
                )
            unmet = current.criteria.unmet(check)
            if unmet:
                raise ValidationError(
                    {"criteria": "Not ready to progress: " + "; ".join(unmet) + "."}
                )
        elif not reason:
            raise ValidationError({"reason": "Say why the exercise steps back."})
        entry = care_plan_catalogue.new_entry(
            ItemKind.EXERCISE, target, library=session_library(session)
        )
        if check is not None:  # what was seen is kept with the change, not only the verdict
            seen = (
                f"pain {check.pain_during}/10 during it, "
                f"{'a flare' if check.flare_next_day else 'no flare'} the next day, good form "
                f"for {check.good_form_sessions} session"
                f"{'' if check.good_form_sessions == 1 else 's'}"
            )
            reason = f"{reason} ({seen})" if reason else seen.capitalize()
        session.add(
            CarePlanItemChange(
                item_id=item.id, action=action, from_code=item.code, to_code=entry.code,
                from_stage=item.stage, to_stage=entry.stage, reason=reason,
                changed_by_id=actor.staff_id,
            )
        )  # fmt: skip
        item.code, item.stage, item.dosage = entry.code, entry.stage, dict(entry.dosage)
        verb = "progressed" if action == "progress" else "regressed"
        return _finish(session, actor, plan, f"{verb} {current.name} to {entry.name}")


def progress_item(
    db: Database, actor: Actor, plan_id: int, version: int, item_id: int, check: ProgressCheck,
    reason: str = "",
) -> CarePlanRecord:  # fmt: skip
    """Move the exercise on to the next one in its family, when ``check`` meets its criteria."""
    return _move(db, actor, plan_id, version, item_id, "progress", reason, check)


def regress_item(
    db: Database, actor: Actor, plan_id: int, version: int, item_id: int, reason: str
) -> CarePlanRecord:
    """Step the exercise back to the one before it in its family."""
    return _move(db, actor, plan_id, version, item_id, "regress", reason, None)


# --- goals --------------------------------------------------------------------------------------


def add_goal(
    db: Database, actor: Actor, plan_id: int, version: int, goal: GoalInput
) -> CarePlanRecord:
    _require_planner(actor)
    with db.session() as session:
        plan = _plan_for_change(session, plan_id, version)
        checked = validate_goal(goal, plan_start=plan.start_date)
        count = len(
            list(session.scalars(select(CarePlanGoal.id).where(CarePlanGoal.plan_id == plan.id)))
        )
        session.add(_goal_row(plan.id, count, checked))
        return _finish(session, actor, plan, f"added the goal “{checked.text}”")


def set_goal_status(
    db: Database, actor: Actor, plan_id: int, version: int, goal_id: int, status: str,
    *, now: datetime | None = None,
) -> CarePlanRecord:  # fmt: skip
    require(actor, Permission.WRITE_CLINICAL)
    if status not in {s.value for s in GoalStatus}:
        raise ValidationError({"status": "Choose progressing, met, not met or revised."})
    today = clinic_today(db, now)
    with db.session() as session:
        plan = _plan_for_change(session, plan_id, version)
        goal = session.get(CarePlanGoal, goal_id)
        if goal is None or goal.plan_id != plan.id:
            raise NotFound("That goal is not in this care plan.")
        goal.status, goal.status_on = status, today
        return _finish(
            session, actor, plan, f"marked the goal “{goal.text}” {status.replace('_', ' ')}"
        )
