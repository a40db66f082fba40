"""Logging in and out, account lockout after repeated failures, and unlocking an idle screen."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import Role, Staff
from ptclinic.models.base import utcnow
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.errors import AccountLocked, AuthenticationError, PermissionDenied
from ptclinic.services.passwords import verify_password

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
_BAD_CREDENTIALS = "Username or password is not right. Check Caps Lock and try again."


def actor_of(staff: Staff) -> Actor:
    return Actor(
        staff_id=staff.id, username=staff.username, full_name=staff.full_name, role=staff.role
    )


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, int((until - now).total_seconds() + 59) // 60)


def authenticate(
    db: Database,
    username: str,
    password: str,
    *,
    now: datetime | None = None,
    success_action: AuditAction | None = AuditAction.LOGIN,
) -> Actor:
    """Check a username and password and return the actor; every attempt is audited.

    The fifth wrong password in a row locks the account for 15 minutes. A locked or disabled account
    is refused even with the right password. Raises AuthenticationError / AccountLocked.
    """
    now = now or utcnow()
    name = username.strip().lower()
    with db.session() as session:
        # Locked for the transaction: attempts made at the same moment from several
        # workstations each count towards the lockout instead of overwriting each other.
        staff = session.scalar(select(Staff).where(Staff.username == name).with_for_update())
        if staff is not None and staff.locked_until is not None and staff.locked_until > now:
            audit.record(
                session, AuditAction.LOGIN_FAILED, username=name, summary="account is locked"
            )
            error: AuthenticationError = AccountLocked(
                "This account is locked after too many wrong passwords. Try again in "
                f"{_minutes_left(staff.locked_until, now)} minutes, or ask an administrator."
            )
        elif not verify_password(staff.password_hash if staff else None, password):
            error = AuthenticationError(_BAD_CREDENTIALS)
            audit.record(
                session,
                AuditAction.LOGIN_FAILED,
                actor=actor_of(staff) if staff else None,
                username=name,
                summary="wrong password" if staff else "unknown username",
            )
            if staff is not None:
                staff.failed_logins += 1
                if staff.failed_logins >= MAX_FAILED_LOGINS:
                    staff.locked_until = now + LOCKOUT
                    staff.failed_logins = 0
                    audit.record(
                        session,
                        AuditAction.ACCOUNT_LOCKED,
                        actor=actor_of(staff),
                        entity_type="staff",
                        entity_id=staff.id,
                        summary=f"locked for {int(LOCKOUT.total_seconds() // 60)} minutes "
                        f"after {MAX_FAILED_LOGINS} failed log-ins",
                    )
                    error = AccountLocked(
                        "Too many wrong passwords: this account is locked for 15 minutes."
                    )
        elif not staff or not staff.active:
            audit.record(
                session, AuditAction.LOGIN_FAILED, username=name, summary="account disabled"
            )
            error = AuthenticationError(
                "This account is disabled. Ask an administrator to enable it."
            )
        else:
            staff.failed_logins = 0
            staff.locked_until = None
            actor = actor_of(staff)
            if success_action is not None:  # None: the caller records what the check was for
                audit.record(session, success_action, actor=actor)
            return actor
    # The failure has been audited and committed above; only now tell the caller.
    raise error


def logout(db: Database, actor: Actor, *, ended_by: Actor | None = None) -> None:
    with db.session() as session:
        audit.record(
            session,
            AuditAction.LOGOUT,
            actor=actor,
            summary=f"locked session ended by {ended_by.username}" if ended_by else "",
        )


def end_locked_session(db: Database, locked: Actor, username: str, password: str) -> None:
    """Log ``locked`` out of a locked screen on an administrator's own credentials."""
    # Not a log-in of the administrator: the log-out below records who ended the session.
    approver = authenticate(db, username, password, success_action=None)
    if approver.role != Role.ADMIN.value:
        raise PermissionDenied("Only an administrator can end someone else's session.")
    logout(db, locked, ended_by=approver)


def record_screen_lock(db: Database, actor: Actor) -> None:
    with db.session() as session:
        audit.record(session, AuditAction.SCREEN_LOCKED, actor=actor)


def unlock_screen(db: Database, actor: Actor, password: str) -> None:
    """Resume a locked screen: the same user's password, under the same lockout rules as log-in."""
    resumed = authenticate(db, actor.username, password, success_action=AuditAction.SCREEN_UNLOCKED)
    if resumed.staff_id != actor.staff_id:  # pragma: no cover - usernames are unique
        raise AuthenticationError(_BAD_CREDENTIALS)
