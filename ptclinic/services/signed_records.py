"""What every signed clinical record shares (the evaluation and the notes): the addendum's
text rules, the "saved elsewhere" message, and the quarter-hourly coalescing of draft-save audit
events (autosave runs every few seconds; a log full of identical "draft saved" lines hides what
matters)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptclinic.models import AuditEvent
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.errors import StaleRecordError, ValidationError
from ptclinic.services.text import clean_line, has_control_characters

DRAFT_AUDIT_EVERY = timedelta(minutes=15)
ADDENDUM_LIMIT = 4000


def clean_addendum(text: str) -> str:
    """The addendum as it will be stored, or a ValidationError saying what is wrong."""
    cleaned = text.strip()
    if has_control_characters(cleaned.replace("\n", " ").replace("\t", " ")):
        raise ValidationError({"text": "The addendum has characters that cannot be stored."})
    if not clean_line(cleaned):
        raise ValidationError({"text": "Write the addendum first."})
    if len(cleaned) > ADDENDUM_LIMIT:
        raise ValidationError(
            {"text": f"The addendum is {len(cleaned)} characters; keep it to {ADDENDUM_LIMIT}."}
        )
    return cleaned


def saved_elsewhere(what: str, who: str | None, when: datetime | None) -> StaleRecordError:
    """The error for a save based on an old version: who saved ``what`` since, and when."""
    at = f" at {when:%H:%M} UTC" if when else ""
    return StaleRecordError(
        f"{who or 'Someone'} saved this {what}{at} from another window or workstation. What you "
        f"typed since was not saved here: copy anything you need, then reopen the {what}."
    )


def recently_audited(
    session: Session, actor: Actor, entity_type: str, entity_id: int, now: datetime
) -> bool:
    """Whether ``actor`` had a change to this record audited within the last quarter hour."""
    last = session.scalar(
        select(AuditEvent.occurred_at)
        .where(
            AuditEvent.entity_type == entity_type,
            AuditEvent.entity_id == entity_id,
            AuditEvent.actor_id == actor.staff_id,
            AuditEvent.action == AuditAction.CHANGE.value,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return last is not None and now - last < DRAFT_AUDIT_EVERY
