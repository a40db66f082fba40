"""The database itself refuses double bookings, on SQLite (triggers) and PostgreSQL (exclusion
constraints): these tests write rows directly, past every service, as a buggy client might."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from ptclinic.db import Database
from ptclinic.models import Appointment, Room
from ptclinic.services import patients, rooms
from ptclinic.services.actor import Actor
from ptclinic.services.rooms import RoomInput
from tests.conftest import patient_input

NINE = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
def ids(
    clinic_db: Database, admin: Actor, front_desk: Actor, therapist: Actor, make_staff
) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from ptclinic.roles import Role

    other = make_staff("other", Role.THERAPIST)
    single = rooms.add_room(clinic_db, admin, RoomInput("Treatment 1", capacity=1))
    gym = rooms.add_room(clinic_db, admin, RoomInput("Gym", kind="gym", capacity=4))
    first = patients.register_patient(clinic_db, front_desk, patient_input())
    second = patients.register_patient(
        clinic_db, front_desk, patient_input(last_name="Lee", first_name="Sam")
    )
    return {
        "therapist": therapist.staff_id,
        "other": other.staff_id,
        "single": single.id,
        "gym": gym.id,
        "p1": first.id,
        "p2": second.id,
    }


def _book(
    db: Database,
    therapist: int,
    patient: int,
    start: datetime,
    minutes: int = 45,
    room: int | None = None,
    status: str = "scheduled",
) -> int:
    with db.session() as session:
        row = Appointment(
            patient_id=patient,
            therapist_id=therapist,
            room_id=room,
            starts_at=start,
            ends_at=start + timedelta(minutes=minutes),
            visit_type="follow_up",
            status=status,
        )
        session.add(row)
        session.flush()
        return row.id


def test_a_therapist_cannot_be_booked_twice_at_once(
    clinic_db: Database, ids: dict[str, int]
) -> None:
    _book(clinic_db, ids["therapist"], ids["p1"], NINE)
    with pytest.raises(IntegrityError):
        _book(clinic_db, ids["therapist"], ids["p2"], NINE + timedelta(minutes=30))
    # Back to back is fine, and another therapist at the same time is fine.
    _book(clinic_db, ids["therapist"], ids["p2"], NINE + timedelta(minutes=45))
    _book(clinic_db, ids["other"], ids["p2"], NINE + timedelta(minutes=10))


def test_cancelled_and_missed_visits_free_their_slot(
    clinic_db: Database, ids: dict[str, int]
) -> None:
    first = _book(clinic_db, ids["therapist"], ids["p1"], NINE)
    with clinic_db.session() as session:
        session.execute(
            text("UPDATE appointments SET status = 'cancelled' WHERE id = :id"), {"id": first}
        )
    _book(clinic_db, ids["therapist"], ids["p2"], NINE)
    _book(clinic_db, ids["other"], ids["p1"], NINE, status="no_show")
    _book(clinic_db, ids["other"], ids["p2"], NINE)
    # Putting the cancelled visit back would double-book: refused.
    with pytest.raises(IntegrityError), clinic_db.session() as session:
        session.execute(
            text("UPDATE appointments SET status = 'scheduled' WHERE id = :id"), {"id": first}
        )


def test_moving_into_a_taken_slot_is_refused(clinic_db: Database, ids: dict[str, int]) -> None:
    _book(clinic_db, ids["therapist"], ids["p1"], NINE)
    later = _book(clinic_db, ids["therapist"], ids["p2"], NINE + timedelta(hours=2))
    with pytest.raises(IntegrityError), clinic_db.session() as session:
        session.execute(
            text("UPDATE appointments SET starts_at = :s, ends_at = :e WHERE id = :id"),
            {"s": NINE + timedelta(minutes=15), "e": NINE + timedelta(minutes=60), "id": later},
        )


def test_a_single_room_holds_one_visit_and_a_gym_several(
    clinic_db: Database, ids: dict[str, int]
) -> None:
    _book(clinic_db, ids["therapist"], ids["p1"], NINE, room=ids["single"])
    with pytest.raises(IntegrityError):
        _book(clinic_db, ids["other"], ids["p2"], NINE, room=ids["single"])
    _book(clinic_db, ids["therapist"], ids["p1"], NINE + timedelta(hours=1), room=ids["gym"])
    _book(clinic_db, ids["other"], ids["p2"], NINE + timedelta(hours=1), room=ids["gym"])
    with clinic_db.session() as session:
        flags = dict(session.execute(select(Appointment.room_id, Appointment.room_exclusive)).all())
    assert flags == {ids["single"]: True, ids["gym"]: False}


def test_a_shared_room_cannot_become_single_while_it_is_shared(
    clinic_db: Database, ids: dict[str, int]
) -> None:
    _book(clinic_db, ids["therapist"], ids["p1"], NINE, room=ids["gym"])
    _book(clinic_db, ids["other"], ids["p2"], NINE, room=ids["gym"])
    with pytest.raises(IntegrityError), clinic_db.session() as session:
        room = session.get(Room, ids["gym"])
        assert room is not None
        room.capacity = 1


def test_a_visit_longer_than_twelve_hours_is_refused(
    clinic_db: Database, ids: dict[str, int]
) -> None:
    with pytest.raises(IntegrityError):
        _book(clinic_db, ids["therapist"], ids["p1"], NINE, minutes=13 * 60)


def test_the_guards_exist_at_the_newest_revision(db: Database) -> None:
    # A later SQLite batch migration that rebuilds the table would silently drop its triggers.
    if db.backend == "sqlite":
        with db.session() as session:
            names = set(
                session.scalars(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
            )
        assert {"appointments_no_overlap_insert", "appointments_no_overlap_update"} <= names
    else:
        with db.session() as session:
            names = set(
                session.scalars(text("SELECT conname FROM pg_constraint WHERE contype = 'x'"))
            )
        assert {"ex_appointments_therapist_overlap", "ex_appointments_room_overlap"} <= names
    assert "appointments" in inspect(db.engine).get_table_names()
