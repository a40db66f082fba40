"""Where an episode's evaluation stands, in one sentence for the chart: not started, a draft
(whose, last saved when), waiting for a co-signature, or signed (by whom, when, with what
classification). Reading this is not reading the evaluation, so it is not audited as one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ptclinic.db import Database
from ptclinic.models import Evaluation, EvaluationAddendum, EvaluationStatus
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_zone
from ptclinic.services.day_text import day_text
from ptclinic.services.evaluation_form import CLASSIFICATION_LABELS
from ptclinic.services.permissions import Permission, require
from ptclinic.services.staff import full_names

NOT_STARTED = "Evaluation not started."


def _day(moment: datetime, db: Database) -> str:
    return day_text(moment.astimezone(clinic_zone(db)).date())


def evaluation_state(db: Database, actor: Actor, episode_id: int) -> str:
    """e.g. "Evaluation draft by Dana Lee, last saved Nov 20, 2026." or "Evaluation signed by
    Dana Lee on Nov 20, 2026: Stability. 1 addendum." """
    require(actor, Permission.VIEW_CLINICAL)
    with db.session() as session:
        row = session.scalar(select(Evaluation).where(Evaluation.episode_id == episode_id))
        if row is None:
            return NOT_STARTED
        names = full_names(session, (row.therapist_id, row.signed_by_id))
        addenda = session.scalar(
            select(func.count()).where(EvaluationAddendum.evaluation_id == row.id)
        )
        status, classification = row.status, row.classification
        updated_at, signed_at = row.updated_at, row.signed_at
        author, signer = names.get(row.therapist_id, ""), names.get(row.signed_by_id or 0, "")
    if status == EvaluationStatus.DRAFT:
        return f"Evaluation draft by {author}, last saved {_day(updated_at, db)}."
    assert signed_at is not None  # the database requires it once signed
    signed = f"Evaluation signed by {signer} on {_day(signed_at, db)}"
    if status == EvaluationStatus.AWAITING_COSIGN:
        return f"{signed}; waiting for a therapist's co-signature."
    label = CLASSIFICATION_LABELS.get(classification or "", "")
    text = f"{signed}: {label}." if label else f"{signed}."
    if addenda:
        text += f" {addenda} addend{'um' if addenda == 1 else 'a'}."
    return text
