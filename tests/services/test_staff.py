import pytest

from ptclinic.db import Database
from ptclinic.models import Role
from ptclinic.services import auth, staff
from ptclinic.services.actor import Actor
from ptclinic.services.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    SetupError,
    ValidationError,
)
from tests.conftest import PASSWORD


def _new(username: str = "jlee", role: str = "therapist", **kw: str) -> staff.NewStaff:
    return staff.NewStaff(username, kw.pop("full_name", "Jordan Lee"), role, PASSWORD, **kw)


def test_first_admin_only_once(clinic_db: Database) -> None:
    with pytest.raises(SetupError):
        staff.create_first_admin(clinic_db, _new("second"))


def test_first_admin_is_always_an_administrator(db: Database) -> None:
    created = staff.create_first_admin(db, _new("boss", role="therapist"))
    assert created.role == Role.ADMIN.value


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (_new("J"), "username"),
        (_new("1abc"), "username"),
        (_new("has space"), "username"),
        (_new(full_name="  "), "full_name"),
        (_new(role="boss"), "role"),
        (staff.NewStaff("jlee", "Jordan Lee", "therapist", "short"), "password"),
        (_new(npi="12345"), "npi"),
    ],
)
def test_bad_staff_input_is_refused(
    clinic_db: Database, admin: Actor, data: staff.NewStaff, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        staff.add_staff(clinic_db, admin, data)
    assert field in caught.value.field_errors
    assert [s.username for s in staff.list_staff(clinic_db)] == ["admin"]


def test_usernames_are_unique_case_insensitively(clinic_db: Database, admin: Actor) -> None:
    staff.add_staff(clinic_db, admin, _new("jlee"))
    with pytest.raises(ConflictError, match="already taken"):
        staff.add_staff(clinic_db, admin, _new("JLee"))


def test_only_administrators_manage_staff(clinic_db: Database, therapist: Actor) -> None:
    with pytest.raises(PermissionDenied):
        staff.add_staff(clinic_db, therapist, _new("other"))
    with pytest.raises(PermissionDenied):
        staff.set_role(clinic_db, therapist, "therapist", "admin")


def test_the_last_active_administrator_cannot_be_demoted_or_disabled(
    clinic_db: Database, admin: Actor, make_staff: object
) -> None:
    with pytest.raises(ConflictError, match="only active administrator"):
        staff.set_role(clinic_db, admin, "admin", "therapist")
    staff.add_staff(clinic_db, admin, _new("second", role="admin"))
    with pytest.raises(ConflictError, match="your own account"):
        staff.set_active(clinic_db, admin, "admin", False)
    staff.set_role(clinic_db, admin, "admin", "therapist")
    roles = {s.username: s.role for s in staff.list_staff(clinic_db)}
    assert roles == {"admin": "therapist", "second": "admin"}


def test_disable_enable_and_unknown_user(
    clinic_db: Database, admin: Actor, therapist: Actor
) -> None:
    assert not staff.set_active(clinic_db, admin, "therapist", False).active
    assert staff.set_active(clinic_db, admin, "therapist", True).active
    assert auth.authenticate(clinic_db, "therapist", PASSWORD).username == "therapist"
    with pytest.raises(NotFound):
        staff.set_active(clinic_db, admin, "ghost", False)
