"""What a note needs before it is signed, and what signing it writes besides the signature:

- the charges: each CPT code with its minutes and units by the episode's billing method (the
  CMS 8-minute rule for Medicare, each code on its own for most other payers) and the clinic's
  fee when it keeps a fee schedule;
- the appointment becomes completed: the signed note is the proof the visit took place;
- a progress note's or discharge's re-measured outcomes become the episode's results, dated
  the note's day, and its goal statuses become the care plan's;
- a discharge summary closes the episode.

Everything happens in the signing's own unit of work, so a failure leaves none of it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptclinic.models import (
    Appointment,
    CarePlan,
    CarePlanGoal,
    ClinicalNote,
    CptFee,
    EpisodeOfCare,
    NoteCharge,
    OutcomeResult,
)
from ptclinic.models.base import utcnow
from ptclinic.services.actor import Actor
from ptclinic.services.billing import billing_lines, method_for_payer
from ptclinic.services.day_text import day_text
from ptclinic.services.errors import ValidationError
from ptclinic.services.note_form import DISCHARGE_REASONS
from ptclinic.services.note_outcomes import note_scores
from ptclinic.services.outcomes import Measure

OPEN_VISIT = ("scheduled", "checked_in")


def _text(content: dict[str, Any], key: str) -> str:
    return str(content.get(key) or "").strip()


def signing_problems(row: ClinicalNote, today: date) -> None:
    """Raise a ValidationError naming what is missing before the note can be signed."""
    content = row.content
    problems: dict[str, str] = {}
    if row.note_date > today:
        problems["note_date"] = (
            f"This visit is on {day_text(row.note_date)}; sign its note on or after that day."
        )
    if not any(_text(content, key) for key in ("subjective", "objective", "assessment")):
        problems["assessment"] = "Write the note: subjective, objective or assessment."
    if row.kind == "visit" and not content.get("minutes"):
        problems["minutes"] = "Record the minutes of each treatment (CPT code) given."
    if row.kind != "visit" and not content.get("outcomes"):
        problems["outcomes"] = "Re-measure at least one outcome (Oswestry, pain or PSFS)."
    if row.kind != "visit" and not _text(content, "assessment"):
        problems["assessment"] = "Write the assessment: how the patient has progressed."
    if row.kind == "discharge" and not content.get("discharge_reason"):
        problems["discharge_reason"] = "Choose the reason for discharge."
    if problems:
        raise ValidationError(problems)


def _charges(session: Session, row: ClinicalNote, payer_type: str) -> list[NoteCharge]:
    minutes = row.content.get("minutes") or {}
    fees = {
        code: cents for code, cents in session.execute(select(CptFee.cpt_code, CptFee.amount_cents))
    }
    charges: list[NoteCharge] = []
    for line in billing_lines(minutes, method_for_payer(payer_type)):
        fee = fees.get(line.code)
        charges.append(
            NoteCharge(
                note_id=row.id, cpt_code=line.code, minutes=line.minutes, units=line.units,
                timed=line.timed, amount_cents=None if fee is None else fee * line.units,
            )
        )  # fmt: skip
    return charges


def _outcome_rows(row: ClinicalNote, actor: Actor) -> list[OutcomeResult]:
    outcomes = row.content.get("outcomes") or {}
    answers: dict[Measure, dict[str, Any]] = {
        Measure.ODI: {"sections": outcomes.get("odi")},
        Measure.NPRS: {"now": outcomes.get("nprs")},
        Measure.PSFS: {"activities": outcomes.get("psfs")},
    }
    return [
        OutcomeResult(
            episode_id=row.episode_id, measure=measure.value, taken_on=row.note_date,
            answers=answers[measure], score=score, recorded_by_id=actor.staff_id,
        )
        for measure, score in note_scores(outcomes).items()
    ]  # fmt: skip


def _update_goals(session: Session, actor: Actor, row: ClinicalNote) -> int:
    statuses = row.content.get("goals") or {}
    plan = session.scalar(select(CarePlan).where(CarePlan.episode_id == row.episode_id))
    if plan is None or not statuses:
        return 0
    changed = 0
    for goal in session.scalars(select(CarePlanGoal).where(CarePlanGoal.plan_id == plan.id)):
        entry = statuses.get(str(goal.id))
        if entry and entry.get("status") != goal.status:
            goal.status, goal.status_on = entry["status"], row.note_date
            changed += 1
    if changed:
        # A new plan version (even when the signer made the last change): open plan windows
        # reload instead of saving over the statuses.
        plan.updated_by_id, plan.updated_at = actor.staff_id, utcnow()
    return changed


def apply_signature(session: Session, actor: Actor, row: ClinicalNote) -> str:
    """Write what signing the note means (see the module docstring); returns words for the
    audit event, e.g. ", 3 units; visit completed"."""
    episode = session.get(EpisodeOfCare, row.episode_id)
    assert episode is not None  # a foreign key
    said: list[str] = []
    charges = _charges(session, row, episode.payer_type)
    session.add_all(charges)
    if charges:
        units = sum(c.units for c in charges)
        said.append(f"{units} unit{'' if units == 1 else 's'}")
    visit = session.get(Appointment, row.appointment_id) if row.appointment_id else None
    if visit is not None and visit.status in OPEN_VISIT:
        visit.status = "completed"
        said.append("visit completed")
    if row.kind != "visit":
        session.add_all(_outcome_rows(row, actor))
        if goals := _update_goals(session, actor, row):
            said.append(f"{goals} goal status{'es' if goals > 1 else ''} updated")
    if row.kind == "discharge" and episode.status == "open":
        reason = DISCHARGE_REASONS[row.content["discharge_reason"]]
        episode.status, episode.closed_on, episode.closed_reason = "closed", row.note_date, reason
        said.append("episode closed")
    return ("; " + "; ".join(said)) if said else ""
