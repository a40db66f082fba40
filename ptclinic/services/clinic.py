"""The clinic's identity and settings, first-run set-up, and what "today" means for the clinic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ptclinic.db import Database
from ptclinic.models import ClinicSettings, Staff
from ptclinic.models.base import utcnow
from ptclinic.models.clinic import DEFAULT_IDLE_LOCK_MINUTES
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.errors import SetupError, StaleRecordError, ValidationError
from ptclinic.services.permissions import Permission, require
from ptclinic.services.text import clean_line


@dataclass(frozen=True)
class ClinicInfo:
    name: str
    time_zone: str
    address: str = ""
    phone: str = ""
    idle_lock_minutes: int = DEFAULT_IDLE_LOCK_MINUTES
    version: int = 0


def time_zone_names() -> list[str]:
    return sorted(available_timezones())


def validate_clinic(info: ClinicInfo) -> ClinicInfo:
    info = ClinicInfo(
        name=clean_line(info.name),
        time_zone=info.time_zone.strip(),
        address=clean_line(info.address),
        phone=clean_line(info.phone),
        idle_lock_minutes=info.idle_lock_minutes,
        version=info.version,
    )
    errors: dict[str, str] = {}
    if not info.name:
        errors["name"] = "The clinic's name is required."
    elif len(info.name) > 120:
        errors["name"] = "The clinic's name is too long (at most 120 characters)."
    try:
        ZoneInfo(info.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = "Choose a time zone from the list, e.g. America/New_York."
    if len(info.address) > 200:
        errors["address"] = "The address is too long (at most 200 characters)."
    if len(info.phone) > 40:
        errors["phone"] = "The phone number is too long."
    if not 1 <= info.idle_lock_minutes <= 240:
        errors["idle_lock_minutes"] = "The idle lock must be between 1 and 240 minutes."
    if errors:
        raise ValidationError(errors)
    return info


def _info(row: ClinicSettings) -> ClinicInfo:
    return ClinicInfo(
        name=row.name,
        time_zone=row.time_zone,
        address=row.address,
        phone=row.phone,
        idle_lock_minutes=row.idle_lock_minutes,
        version=row.version,
    )


@dataclass(frozen=True)
class SetupState:
    """What first-run set-up still has to record. An IT person may have created the first
    administrator from the command line, leaving only the clinic's own details."""

    needs_clinic: bool
    needs_administrator: bool

    @property
    def complete(self) -> bool:
        return not (self.needs_clinic or self.needs_administrator)


def setup_state(db: Database) -> SetupState:
    with db.session() as session:
        has_settings = session.get(ClinicSettings, 1) is not None
        staff_count = session.scalar(select(func.count()).select_from(Staff)) or 0
    return SetupState(needs_clinic=not has_settings, needs_administrator=staff_count == 0)


def needs_setup(db: Database) -> bool:
    """True on an empty database: no clinic settings or no staff yet."""
    return not setup_state(db).complete


def get_clinic(db: Database) -> ClinicInfo:
    """The clinic's settings. Not patient data, so any logged-in or starting program may read it."""
    with db.session() as session:
        row = session.get(ClinicSettings, 1)
        if row is None:
            raise SetupError("This database has not been set up yet: run the first-run wizard.")
        return _info(row)


def save_first_clinic(db: Database, info: ClinicInfo) -> None:
    """Record the clinic's settings during first-run set-up (refused once a clinic exists)."""
    info = validate_clinic(info)
    already = SetupError("This clinic is already set up; change its settings in Administration.")
    try:
        with db.session() as session:
            if session.get(ClinicSettings, 1) is not None:
                raise already
            session.add(
                ClinicSettings(
                    id=1,
                    name=info.name,
                    time_zone=info.time_zone,
                    address=info.address,
                    phone=info.phone,
                    idle_lock_minutes=info.idle_lock_minutes,
                )
            )
    except IntegrityError as exc:  # another workstation's wizard saved it a moment earlier
        raise already from exc


def update_clinic(db: Database, actor: Actor, info: ClinicInfo) -> ClinicInfo:
    require(actor, Permission.MANAGE_SETTINGS)
    info = validate_clinic(info)
    try:
        with db.session() as session:
            row = session.get(ClinicSettings, 1)
            if row is None:
                raise SetupError("This database has not been set up yet.")
            if row.version != info.version:
                raise StaleRecordError(
                    "Someone else changed the clinic settings while you were editing. "
                    "Nothing was saved: reopen the settings to see theirs."
                )
            row.name, row.time_zone, row.address = info.name, info.time_zone, info.address
            row.phone, row.idle_lock_minutes = info.phone, info.idle_lock_minutes
            audit.record(
                session, AuditAction.CHANGE, actor=actor, entity_type="clinic_settings", entity_id=1
            )
            session.flush()
            return _info(row)
    except StaleDataError as exc:
        raise StaleRecordError(
            "Someone else changed the clinic settings at the same moment. Nothing was saved."
        ) from exc


def clinic_zone(db: Database) -> ZoneInfo:
    return ZoneInfo(get_clinic(db).time_zone)


def clinic_today(db: Database, now: datetime | None = None) -> date:
    """Today's date in the clinic's time zone (the machine's own zone may differ)."""
    return (now or utcnow()).astimezone(clinic_zone(db)).date()
