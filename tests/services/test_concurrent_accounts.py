"""Account rules that must hold when several workstations act at the same moment."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from sqlalchemy import func, select

from ptclinic.db import Database
from ptclinic.models import AuditEvent, Role, Staff
from ptclinic.services import auth, staff
from ptclinic.services.actor import Actor
from ptclinic.services.auth import MAX_FAILED_LOGINS
from ptclinic.services.errors import AuthenticationError, DomainError

ATTEMPTS = MAX_FAILED_LOGINS - 1


def test_simultaneous_wrong_passwords_all_count_and_are_all_audited(clinic_db: Database) -> None:
    start = Barrier(ATTEMPTS)

    def guess(n: int) -> str:
        own = Database(clinic_db.url)  # a workstation of its own
        try:
            start.wait()
            auth.authenticate(own, "admin", f"wrong guess {n}")
        except AuthenticationError as exc:
            return type(exc).__name__
        finally:
            own.dispose()
        return "logged in"

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        outcomes = list(pool.map(guess, range(ATTEMPTS)))
    assert outcomes == ["AuthenticationError"] * ATTEMPTS
    with clinic_db.session() as session:
        failures = session.scalar(select(Staff.failed_logins).where(Staff.username == "admin"))
        audited = session.scalar(select(func.count()).where(AuditEvent.action == "login_failed"))
    assert (failures, audited) == (ATTEMPTS, ATTEMPTS)
    # One more wrong password reaches the limit and locks the account.
    with pytest.raises(AuthenticationError, match="locked"):
        auth.authenticate(clinic_db, "admin", "one more wrong")


def test_two_administrators_disabling_each_other_leave_one_active(
    clinic_db: Database,
    admin: Actor,
    make_staff,  # type: ignore[no-untyped-def]
) -> None:
    other = make_staff("alice", Role.ADMIN)
    start = Barrier(2)

    def disable(pair: tuple[Actor, str]) -> str:
        actor, target = pair
        own = Database(clinic_db.url)
        try:
            start.wait()
            staff.set_active(own, actor, target, False)
        except DomainError as exc:
            return type(exc).__name__
        finally:
            own.dispose()
        return "disabled"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(disable, [(admin, "alice"), (other, "admin")]))
    assert outcomes.count("disabled") == 1, outcomes
    active_admins = [
        s for s in staff.list_staff(clinic_db) if s.role == Role.ADMIN.value and s.active
    ]
    assert len(active_admins) == 1


def test_two_set_up_wizards_at_once_make_one_first_administrator(db: Database) -> None:
    from ptclinic.services import clinic

    start = Barrier(3)

    def wizard(n: int) -> str:
        own = Database(db.url)
        try:
            start.wait()
            clinic.save_first_clinic(own, clinic.ClinicInfo(f"Clinic {n}", "America/Chicago"))
        except DomainError:
            pass  # another wizard saved the clinic first: fine
        try:
            staff.create_first_admin(
                own, staff.NewStaff(f"boss{n}", f"Boss {n}", "admin", "pw-12345678")
            )
        except DomainError as exc:
            return type(exc).__name__
        finally:
            own.dispose()
        return "created"

    with ThreadPoolExecutor(3) as pool:
        outcomes = sorted(pool.map(wizard, range(3)))
    assert outcomes == ["SetupError", "SetupError", "created"]
    assert len(staff.list_staff(db)) == 1
    assert not clinic.needs_setup(db)
