"""Who may do what: the one permission table, and the check every service calls."""

from __future__ import annotations

import enum

from ptclinic.models.staff import Role
from ptclinic.services.actor import Actor
from ptclinic.services.errors import PermissionDenied

# The UI lists and compares roles but never imports models; it takes Role from here.
__all__ = [
    "EVALUATING_ROLES",
    "ROLE_LABELS",
    "ROLE_PERMISSIONS",
    "Permission",
    "Role",
    "can",
    "require",
]


class Permission(enum.StrEnum):
    MANAGE_STAFF = "manage staff"
    MANAGE_ROOMS = "manage rooms"
    MANAGE_SETTINGS = "change clinic settings"
    VIEW_AUDIT_LOG = "view the audit log"
    VIEW_PATIENTS = "view patients"
    EDIT_PATIENTS = "register and edit patients"
    EXPORT_PATIENT_DATA = "export patient data"
    MANAGE_SCHEDULE = "manage the schedule"
    VIEW_CLINICAL = "view clinical records"
    WRITE_CLINICAL = "write clinical records"
    SIGN_CLINICAL = "sign clinical records"
    COSIGN_CLINICAL = "co-sign students' notes"


P = Permission
_DEMOGRAPHICS = {P.VIEW_PATIENTS, P.EDIT_PATIENTS, P.MANAGE_SCHEDULE}
_CLINICAL = {P.VIEW_CLINICAL, P.WRITE_CLINICAL}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {P.MANAGE_STAFF, P.MANAGE_ROOMS, P.MANAGE_SETTINGS, P.VIEW_AUDIT_LOG, P.EXPORT_PATIENT_DATA}
    ),
    Role.FRONT_DESK: frozenset(_DEMOGRAPHICS | {P.EXPORT_PATIENT_DATA}),
    Role.THERAPIST: frozenset(
        _DEMOGRAPHICS | _CLINICAL | {P.SIGN_CLINICAL, P.COSIGN_CLINICAL, P.EXPORT_PATIENT_DATA}
    ),
    Role.ASSISTANT: frozenset(_DEMOGRAPHICS | _CLINICAL | {P.SIGN_CLINICAL}),
    # Students write drafts that a therapist co-signs; they never sign on their own.
    Role.STUDENT: frozenset({P.VIEW_PATIENTS} | _CLINICAL),
}

# Evaluating a patient is a physical therapist's work (a student's under supervision), never an
# assistant's: they write evaluations, and evaluation visits are booked with them.
EVALUATING_ROLES = frozenset({Role.THERAPIST.value, Role.STUDENT.value})

ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "Administrator",
    Role.FRONT_DESK: "Front desk",
    Role.THERAPIST: "Therapist",
    Role.ASSISTANT: "Therapy assistant",
    Role.STUDENT: "Student",
}


def can(actor: Actor, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role(actor.role)]


def require(actor: Actor, permission: Permission) -> None:
    """Raise PermissionDenied unless the actor's role grants the permission."""
    if not can(actor, permission):
        label = ROLE_LABELS[Role(actor.role)]
        raise PermissionDenied(
            f"{actor.full_name} ({label}) is not allowed to {permission.value}. "
            "Ask an administrator if you need this."
        )
