"""Staff accounts: first administrator, adding staff, roles, passwords, disabling."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ptclinic.db import Database
from ptclinic.models import Role, Staff
from ptclinic.models.base import utcnow
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.errors import (
    ConflictError,
    NotFound,
    SetupError,
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.passwords import hash_password, password_problem
from ptclinic.services.permissions import ROLE_LABELS, Permission, require
from ptclinic.services.text import clean_line

_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,39}$")


@dataclass(frozen=True)
class NewStaff:
    username: str
    full_name: str
    role: str
    password: str
    credentials: str = ""
    npi: str = ""


@dataclass(frozen=True)
class StaffSummary:
    id: int
    username: str
    full_name: str
    role: str
    credentials: str
    npi: str
    active: bool
    locked_until: datetime | None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]

    def is_locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or utcnow())


def _summary(s: Staff) -> StaffSummary:
    return StaffSummary(
        id=s.id,
        username=s.username,
        full_name=s.full_name,
        role=s.role,
        credentials=s.credentials,
        npi=s.npi,
        active=s.active,
        locked_until=s.locked_until,
    )


@dataclass(frozen=True)
class StaffDetails:
    """What an administrator may correct about a person after the account exists."""

    full_name: str
    credentials: str = ""
    npi: str = ""


def _details_problems(data: StaffDetails) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.full_name:
        errors["full_name"] = "Full name is required."
    elif len(data.full_name) > 120:
        errors["full_name"] = "Full name is too long (at most 120 characters)."
    if data.npi and not re.fullmatch(r"\d{10}", data.npi):
        errors["npi"] = "An NPI has exactly 10 digits."
    if len(data.credentials) > 40:
        errors["credentials"] = "Credentials are too long (at most 40 characters)."
    return errors


def role_problem(role: str) -> str | None:
    if role not in {r.value for r in Role}:
        choices = ", ".join(r.value for r in Role)
        return f"Role must be one of: {choices}."
    return None


def validate_new_staff(data: NewStaff) -> NewStaff:
    data = NewStaff(
        username=data.username.strip().lower(),
        full_name=clean_line(data.full_name),
        role=data.role.strip(),
        password=data.password,
        credentials=clean_line(data.credentials),
        npi=data.npi.strip(),
    )
    errors: dict[str, str] = {}
    if not _USERNAME.match(data.username):
        errors["username"] = (
            "Username must be 2 to 40 characters: letters, digits, dot, dash or underscore, "
            "starting with a letter."
        )
    errors.update(_details_problems(StaffDetails(data.full_name, data.credentials, data.npi)))
    if problem := role_problem(data.role):
        errors["role"] = problem
    if problem := password_problem(data.password):
        errors["password"] = problem
    if errors:
        raise ValidationError(errors)
    return data


FIRST_RUN_LOCK_KEY = 0x50744331  # "PtC1": first-run set-up, one workstation at a time


def _insert(
    db: Database,
    data: NewStaff,
    actor: Actor | None,
    *,
    first_check: Callable[[Session], None] | None = None,
) -> StaffSummary:
    try:
        with db.session() as session:
            if first_check is not None:
                first_check(session)
            row = Staff(
                username=data.username,
                full_name=data.full_name,
                role=data.role,
                credentials=data.credentials,
                npi=data.npi,
                password_hash=hash_password(data.password),
            )
            session.add(row)
            session.flush()
            audit.record(
                session,
                AuditAction.CREATE,
                actor=actor,
                username=data.username,
                entity_type="staff",
                entity_id=row.id,
                summary=f"added {data.username} as {data.role}",
            )
            return _summary(row)
    except IntegrityError as exc:
        raise ConflictError(f"The username “{data.username}” is already taken.") from exc


def create_first_admin(db: Database, data: NewStaff) -> StaffSummary:
    """Create the first administrator on an empty clinic; refused once any staff exists."""
    data = validate_new_staff(NewStaff(**{**data.__dict__, "role": Role.ADMIN.value}))

    def nobody_yet(session: Session) -> None:
        # Checked and written in one transaction, under a lock on PostgreSQL, so two set-up
        # wizards (or a wizard and the command line) cannot both make a "first" administrator.
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(func.pg_advisory_xact_lock(FIRST_RUN_LOCK_KEY)))
        if (session.scalar(select(func.count()).select_from(Staff)) or 0) > 0:
            raise SetupError("Staff accounts already exist; an administrator adds new ones.")

    return _insert(db, data, None, first_check=nobody_yet)


def add_staff(db: Database, actor: Actor, data: NewStaff) -> StaffSummary:
    require(actor, Permission.MANAGE_STAFF)
    return _insert(db, validate_new_staff(data), actor)


def list_staff(db: Database, *, include_inactive: bool = True) -> list[StaffSummary]:
    """Staff names and roles (not patient data: shown in pickers and the administration list)."""
    query = select(Staff).order_by(Staff.full_name)
    if not include_inactive:
        query = query.where(Staff.active.is_(True))
    with db.session() as session:
        return [_summary(s) for s in session.scalars(query)]


def _change(
    db: Database,
    actor: Actor,
    username: str,
    what: str,
    apply: Callable[[Session, Staff], None],
    *,
    unchanged: Callable[[Staff], bool] = lambda _row: True,
) -> StaffSummary:
    """Apply one administrator's change to an account, row-locked for the transaction.

    ``unchanged`` says whether the fields being changed still hold what the administrator saw:
    if another administrator changed them meanwhile, nothing is saved. (A version number would
    also trip over the person's own log-ins, which update the row's lockout counters.)
    """
    require(actor, Permission.MANAGE_STAFF)
    with db.session() as session:
        row = session.scalar(
            select(Staff).where(Staff.username == username.strip().lower()).with_for_update()
        )
        if row is None:
            raise NotFound(f"There is no staff member with the username “{username}”.")
        if not unchanged(row):
            raise StaleRecordError(
                f"Another administrator changed {row.full_name}'s account a moment ago, so "
                "nothing was saved. Look at the account again and repeat the change if needed."
            )
        apply(session, row)
        audit.record(
            session,
            AuditAction.CHANGE,
            actor=actor,
            entity_type="staff",
            entity_id=row.id,
            summary=f"{what} for {row.username}",
        )
        session.flush()
        return _summary(row)


def _guard_last_admin(session: Session, row: Staff) -> None:
    if row.role != Role.ADMIN.value or not row.active:
        return
    # Lock every active administrator's row: two administrators disabling each other at the same
    # moment would otherwise each count two and leave the clinic with none.
    admins = session.scalars(
        select(Staff.id)
        .where(Staff.role == Role.ADMIN.value, Staff.active.is_(True))
        .with_for_update()
    ).all()
    if len(admins) <= 1:
        raise ConflictError(
            "This is the only active administrator. Add another administrator first, "
            "so that someone can still manage staff and settings."
        )


def set_role(
    db: Database, actor: Actor, username: str, role: str, *, seen: StaffSummary | None = None
) -> StaffSummary:
    """Give an account another role. ``seen`` is the account as the administrator saw it."""
    if problem := role_problem(role):
        raise ValidationError({"role": problem})

    def apply(session: Session, row: Staff) -> None:
        if role != Role.ADMIN.value:
            _guard_last_admin(session, row)
        row.role = role

    return _change(
        db,
        actor,
        username,
        f"role set to {role}",
        apply,
        unchanged=lambda row: seen is None or row.role == seen.role,
    )


def set_active(
    db: Database, actor: Actor, username: str, active: bool, *, seen: StaffSummary | None = None
) -> StaffSummary:
    def apply(session: Session, row: Staff) -> None:
        if not active:
            if row.id == actor.staff_id:
                raise ConflictError("You cannot disable your own account while logged in.")
            _guard_last_admin(session, row)
        row.active = active

    return _change(
        db,
        actor,
        username,
        "enabled" if active else "disabled",
        apply,
        unchanged=lambda row: seen is None or row.active == seen.active,
    )


def reset_password(db: Database, actor: Actor, username: str, new_password: str) -> StaffSummary:
    """Set a new password and clear any lockout (an administrator's way to let someone back in)."""
    if problem := password_problem(new_password):
        raise ValidationError({"password": problem})

    def apply(_session: Session, row: Staff) -> None:
        row.password_hash = hash_password(new_password)
        row.failed_logins = 0
        row.locked_until = None

    return _change(db, actor, username, "password reset", apply)


def update_details(
    db: Database,
    actor: Actor,
    username: str,
    data: StaffDetails,
    *,
    seen: StaffSummary | None = None,
) -> StaffSummary:
    """Correct a staff member's full name, credentials or NPI (the username never changes)."""
    require(actor, Permission.MANAGE_STAFF)
    data = StaffDetails(clean_line(data.full_name), clean_line(data.credentials), data.npi.strip())
    if errors := _details_problems(data):
        raise ValidationError(errors)

    def apply(_session: Session, row: Staff) -> None:
        row.full_name, row.credentials, row.npi = data.full_name, data.credentials, data.npi

    def unchanged(row: Staff) -> bool:
        return seen is None or (row.full_name, row.credentials, row.npi) == (
            seen.full_name,
            seen.credentials,
            seen.npi,
        )

    return _change(
        db, actor, username, "name, credentials and NPI updated", apply, unchanged=unchanged
    )


def full_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Staff ids to full names, for records that say who did what (None and unknown ids are
    left out), in one query within the caller's unit of work."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(Staff.id, Staff.full_name).where(Staff.id.in_(wanted)))
    return {staff_id: name for staff_id, name in rows}
