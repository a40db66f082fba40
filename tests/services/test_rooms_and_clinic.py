from dataclasses import replace
from datetime import UTC, datetime

import pytest

from ptclinic.db import Database
from ptclinic.services import clinic, rooms
from ptclinic.services.actor import Actor
from ptclinic.services.errors import (
    ConflictError,
    PermissionDenied,
    SetupError,
    StaleRecordError,
    ValidationError,
)


def test_rooms_add_rename_retire_and_stale_edit(clinic_db: Database, admin: Actor) -> None:
    gym = rooms.add_room(clinic_db, admin, rooms.RoomInput("Gym", "gym", 6))
    with pytest.raises(ConflictError, match="already a room called"):
        rooms.add_room(clinic_db, admin, rooms.RoomInput("Gym"))
    retired = rooms.update_room(
        clinic_db, admin, gym.id, gym.version, rooms.RoomInput("Gym", "gym", 6, active=False)
    )
    assert not retired.active
    with pytest.raises(StaleRecordError):
        rooms.update_room(clinic_db, admin, gym.id, gym.version, rooms.RoomInput("Big gym", "gym"))
    assert [r.name for r in rooms.list_rooms(clinic_db, include_inactive=False)] == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (rooms.RoomInput(""), "name"),
        (rooms.RoomInput("A", kind="closet"), "kind"),
        (rooms.RoomInput("A", capacity=0), "capacity"),
    ],
)
def test_bad_room_input(
    clinic_db: Database, admin: Actor, data: rooms.RoomInput, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        rooms.add_room(clinic_db, admin, data)
    assert field in caught.value.field_errors
    assert rooms.list_rooms(clinic_db) == []


def test_rooms_need_admin(clinic_db: Database, front_desk: Actor) -> None:
    with pytest.raises(PermissionDenied):
        rooms.add_room(clinic_db, front_desk, rooms.RoomInput("Room 1"))


def test_set_up_once_then_settings_change_with_version_check(
    clinic_db: Database, admin: Actor
) -> None:
    assert not clinic.needs_setup(clinic_db)
    with pytest.raises(SetupError):
        clinic.save_first_clinic(clinic_db, clinic.ClinicInfo("Other", "UTC"))
    info = clinic.get_clinic(clinic_db)
    saved = clinic.update_clinic(clinic_db, admin, replace(info, idle_lock_minutes=5))
    assert saved.idle_lock_minutes == 5 and saved.version == info.version + 1
    with pytest.raises(StaleRecordError):
        clinic.update_clinic(clinic_db, admin, replace(info, name="Stale"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": " "}, "name"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"idle_lock_minutes": 0}, "idle_lock_minutes"),
    ],
)
def test_bad_settings_are_refused(
    clinic_db: Database, admin: Actor, change: dict[str, object], field: str
) -> None:
    info = clinic.get_clinic(clinic_db)
    with pytest.raises(ValidationError) as caught:
        clinic.update_clinic(clinic_db, admin, replace(info, **change))  # type: ignore[arg-type]
    assert field in caught.value.field_errors
    assert clinic.get_clinic(clinic_db) == info


def test_empty_database_needs_setup(db: Database) -> None:
    assert clinic.needs_setup(db)
    with pytest.raises(SetupError):
        clinic.get_clinic(db)


def test_today_is_the_clinics_date_not_the_machines(clinic_db: Database) -> None:
    # 03:00 UTC on 1 March is still 28 February in Chicago.
    assert clinic.clinic_today(clinic_db, datetime(2026, 3, 1, 3, 0, tzinfo=UTC)).day == 28
