from datetime import timedelta

import pytest
from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import AuditEvent
from ptclinic.models.base import utcnow
from ptclinic.services import auth, staff
from ptclinic.services.actor import Actor
from ptclinic.services.errors import AccountLocked, AuthenticationError, PermissionDenied
from tests.conftest import PASSWORD


def _actions(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_login_returns_actor_and_is_audited(clinic_db: Database) -> None:
    actor = auth.authenticate(clinic_db, "  ADMIN ", PASSWORD)
    assert actor.username == "admin" and actor.role == "admin"
    assert _actions(clinic_db)[-1] == "login"


def test_wrong_password_and_unknown_user_are_refused_and_audited(clinic_db: Database) -> None:
    with pytest.raises(AuthenticationError, match="not right"):
        auth.authenticate(clinic_db, "admin", "nope nope nope")
    with pytest.raises(AuthenticationError, match="not right"):
        auth.authenticate(clinic_db, "nobody", PASSWORD)
    assert _actions(clinic_db)[-2:] == ["login_failed", "login_failed"]


def test_five_failures_lock_the_account_for_fifteen_minutes(clinic_db: Database) -> None:
    now = utcnow()
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            auth.authenticate(clinic_db, "admin", "wrong password", now=now)
    with pytest.raises(AccountLocked):
        auth.authenticate(clinic_db, "admin", "wrong password", now=now)
    assert "account_locked" in _actions(clinic_db)
    # Even the right password is refused while locked...
    with pytest.raises(AccountLocked, match="14 minutes"):
        auth.authenticate(clinic_db, "admin", PASSWORD, now=now + timedelta(minutes=1))
    # ...and accepted once the 15 minutes are over.
    actor = auth.authenticate(clinic_db, "admin", PASSWORD, now=now + timedelta(minutes=16))
    assert actor.username == "admin"


def test_success_resets_the_failure_count(clinic_db: Database) -> None:
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            auth.authenticate(clinic_db, "admin", "wrong password")
    auth.authenticate(clinic_db, "admin", PASSWORD)
    for _ in range(4):
        with pytest.raises(AuthenticationError):
            auth.authenticate(clinic_db, "admin", "wrong password")
    assert auth.authenticate(clinic_db, "admin", PASSWORD).username == "admin"


def test_disabled_account_cannot_log_in(
    clinic_db: Database, admin: Actor, therapist: Actor
) -> None:
    staff.set_active(clinic_db, admin, "therapist", False)
    with pytest.raises(AuthenticationError, match="disabled"):
        auth.authenticate(clinic_db, "therapist", PASSWORD)


def test_admin_password_reset_clears_a_lockout(
    clinic_db: Database, admin: Actor, therapist: Actor
) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            auth.authenticate(clinic_db, "therapist", "wrong password")
    staff.reset_password(clinic_db, admin, "therapist", "a new password 2")
    assert auth.authenticate(clinic_db, "therapist", "a new password 2").username == "therapist"


def test_screen_unlock_needs_the_same_users_password(clinic_db: Database, admin: Actor) -> None:
    with pytest.raises(AuthenticationError):
        auth.unlock_screen(clinic_db, admin, "wrong password")
    auth.unlock_screen(clinic_db, admin, PASSWORD)
    assert _actions(clinic_db)[-1] == "screen_unlocked"


def test_only_an_administrator_can_end_a_locked_session(
    clinic_db: Database, therapist: Actor, front_desk: Actor
) -> None:
    with pytest.raises(PermissionDenied):
        auth.end_locked_session(clinic_db, therapist, "frontdesk", PASSWORD)
    assert "logout" not in _actions(clinic_db)
    with pytest.raises(AuthenticationError):
        auth.end_locked_session(clinic_db, therapist, "admin", "wrong password")
    assert "logout" not in _actions(clinic_db)

    before = len(_actions(clinic_db))
    auth.end_locked_session(clinic_db, therapist, "admin", PASSWORD)
    assert _actions(clinic_db)[before:] == ["logout"]  # not a log-in of the administrator
    with clinic_db.session() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert last is not None and last.actor_username == "therapist"
    assert last.summary == "locked session ended by admin"
