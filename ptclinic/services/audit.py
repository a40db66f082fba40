"""Writing and reading the audit log.

Events are written inside the same transaction as the change they describe, so a change is never
committed without its audit record (nor an audit record for a change that rolled back). Events
that must survive a failed operation (a failed log-in) are written in a transaction of their own.
"""

from __future__ import annotations

import enum
import socket
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ptclinic.db import Database
from ptclinic.models import AuditEvent, Patient, Staff
from ptclinic.services.actor import Actor
from ptclinic.services.errors import PermissionDenied
from ptclinic.services.permissions import Permission, require


class AuditAction(enum.StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    ACCOUNT_LOCKED = "account_locked"
    LOGOUT = "logout"
    SCREEN_LOCKED = "screen_locked"
    SCREEN_UNLOCKED = "screen_unlocked"
    VIEW = "view"
    SEARCH = "search"
    CREATE = "create"
    CHANGE = "change"
    EXPORT = "export"
    PRINT = "print"


_WORKSTATION = socket.gethostname()[:120]

# What is still written for an account that has been disabled or changed meanwhile: leaving.
_ALWAYS_RECORDED = frozenset(
    {AuditAction.LOGOUT, AuditAction.LOGIN_FAILED, AuditAction.ACCOUNT_LOCKED,
     AuditAction.SCREEN_LOCKED}
)  # fmt: skip


def _confirm_still_entitled(session: Session, actor: Actor) -> None:
    # The account as stored, not as this very transaction is changing it: an administrator
    # demoting their own account is acting with the rights they had when they asked.
    with session.no_autoflush:
        account = session.execute(
            select(Staff.active, Staff.role).where(Staff.id == actor.staff_id)
        ).one_or_none()
    if account is None or not account.active or account.role != actor.role:
        raise PermissionDenied(
            "An administrator has changed your account since you logged in, so nothing was "
            "saved. Log out and log in again."
        )


def record(
    session: Session,
    action: AuditAction,
    *,
    actor: Actor | None = None,
    username: str = "",
    entity_type: str = "",
    entity_id: int | None = None,
    patient_id: int | None = None,
    summary: str = "",
) -> None:
    """Add one audit event to the session's transaction.

    Every change and every audited read passes through here, so this is where a session opened
    before an administrator disabled the account or changed its role is stopped: the acting
    account is read again inside the same transaction.
    """
    if actor is not None and action not in _ALWAYS_RECORDED:
        _confirm_still_entitled(session, actor)
    session.add(
        AuditEvent(
            actor_id=actor.staff_id if actor else None,
            actor_username=(actor.username if actor else username)[:40],
            action=action.value,
            entity_type=entity_type,
            entity_id=entity_id,
            patient_id=patient_id,
            summary=summary,
            workstation=_WORKSTATION,
        )
    )


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    chart_number: str = ""
    action: str = ""
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    occurred_at: datetime
    username: str
    action: str
    entity: str
    chart_number: str
    patient_name: str
    summary: str
    workstation: str


def _filtered(query: Select[AuditEvent, Patient], f: AuditFilter) -> Select[AuditEvent, Patient]:
    if f.username:
        query = query.where(AuditEvent.actor_username == f.username.strip().lower())
    if f.chart_number:
        query = query.where(Patient.chart_number == f.chart_number.strip())
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.since is not None:
        query = query.where(AuditEvent.occurred_at >= f.since)
    if f.until is not None:
        query = query.where(AuditEvent.occurred_at < f.until)
    return query


def _joined(filters: AuditFilter) -> Select[AuditEvent, Patient]:
    return _filtered(
        select(AuditEvent, Patient).outerjoin(Patient, AuditEvent.patient_id == Patient.id),
        filters,
    )


def list_events(
    db: Database, actor: Actor, filters: AuditFilter, *, offset: int = 0, limit: int = 200
) -> list[AuditRow]:
    """Audit events, newest first, filtered and paged in SQL. Admins only."""
    require(actor, Permission.VIEW_AUDIT_LOG)
    with db.session() as session:
        rows = session.execute(
            _joined(filters)
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
    return [
        AuditRow(
            id=event.id,
            occurred_at=event.occurred_at,
            username=event.actor_username,
            action=event.action,
            entity=f"{event.entity_type} {event.entity_id}"
            if event.entity_id
            else event.entity_type,
            chart_number=patient.chart_number if patient else "",
            patient_name=f"{patient.last_name}, {patient.first_name}" if patient else "",
            summary=event.summary,
            workstation=event.workstation,
        )
        for event, patient in rows
    ]


def count_events(db: Database, actor: Actor, filters: AuditFilter) -> int:
    require(actor, Permission.VIEW_AUDIT_LOG)
    with db.session() as session:
        query = select(func.count()).select_from(_joined(filters).subquery())
        return session.scalar(query) or 0
