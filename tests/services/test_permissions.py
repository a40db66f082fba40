import pytest

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
