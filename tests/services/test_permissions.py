import pytest

from ptclinic.db import Database
from ptclinic.models import Role
from ptclinic.services.actor import Actor
from ptclinic.services.errors import PermissionDenied
from ptclinic.services.permissions import ROLE_PERMISSIONS, Permission, can, require


def _actor(role: Role) -> Actor:
    return Actor(1, "someone", "Sam Someone", role.value)


def test_every_role_has_an_entry() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (Role.ADMIN, Permission.MANAGE_STAFF, Permission.VIEW_CLINICAL),
        (Role.FRONT_DESK, Permission.EDIT_PATIENTS, Permission.VIEW_CLINICAL),
        (Role.THERAPIST, Permission.SIGN_CLINICAL, Permission.MANAGE_STAFF),
        (Role.ASSISTANT, Permission.WRITE_CLINICAL, Permission.COSIGN_CLINICAL),
        (Role.STUDENT, Permission.WRITE_CLINICAL, Permission.SIGN_CLINICAL),
    ],
)
def test_role_table(role: Role, allowed: Permission, refused: Permission) -> None:
    assert can(_actor(role), allowed)
    assert not can(_actor(role), refused)
    with pytest.raises(PermissionDenied, match=r"Sam Someone .* is not allowed to"):
        require(_actor(role), refused)


def test_a_session_opened_before_a_demotion_or_disabling_is_stopped(
    clinic_db: Database,
    admin: Actor,
    make_staff,  # type: ignore[no-untyped-def]
) -> None:
    from ptclinic.services import patients, staff
    from tests.conftest import PASSWORD, patient_input

    second_admin = make_staff("alice", Role.ADMIN)
    desk = make_staff("desk", Role.FRONT_DESK)
    # Alice is demoted while her window stays open; her old session may not add an admin.
    staff.set_role(clinic_db, admin, "alice", Role.FRONT_DESK.value)
    with pytest.raises(PermissionDenied, match="changed your account since you logged in"):
        staff.add_staff(
            clinic_db, second_admin, staff.NewStaff("mallory", "Mal Lory", "admin", PASSWORD)
        )
    assert [s.username for s in staff.list_staff(clinic_db) if s.username == "mallory"] == []
    # A disabled front desk account can no longer register patients from an open window.
    staff.set_active(clinic_db, admin, "desk", False)
    with pytest.raises(PermissionDenied):
        patients.register_patient(clinic_db, desk, patient_input())
