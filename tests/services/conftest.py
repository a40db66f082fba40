"""A small scheduled clinic for the scheduling tests: two therapists, rooms and patients, in
Chicago (the clinic's zone), with the seeded opening hours (Mon-Fri 07:00-19:00)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from ptclinic.db import Database
from ptclinic.roles import Role
from ptclinic.services import patients, rooms
from ptclinic.services.actor import Actor
from ptclinic.services.booking import BookingRequest
from ptclinic.services.rooms import RoomInput
from tests.conftest import patient_input

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = date(2026, 12, 7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A clinic-local wall-clock time as the UTC moment the services take."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHICAGO).astimezone(UTC)


@dataclass
class Clinic:
    db: Database
    admin: Actor
    desk: Actor
    lee: Actor  # therapist "Dana Lee"
    kim: Actor  # therapist "Brian Kim"
    room1: int
    room2: int
    gym: int
    ortiz: int  # Maria Ortiz
    chen: int  # Wei Chen

    def request(
        self,
        start: datetime,
        *,
        therapist: Actor | None = None,
        patient: int | None = None,
        minutes: int = 45,
        room: int | None = None,
        visit_type: str = "follow_up",
        episode: int | None = None,
    ) -> BookingRequest:
        return BookingRequest(
            patient_id=patient if patient is not None else self.ortiz,
            therapist_id=(therapist or self.lee).staff_id,
            starts_at=start,
            minutes=minutes,
            visit_type=visit_type,
            room_id=room,
            episode_id=episode,
        )


@pytest.fixture
def scheduled(clinic_db: Database, admin: Actor, front_desk: Actor, make_staff) -> Clinic:  # type: ignore[no-untyped-def]
    from ptclinic.services import staff

    lee = make_staff("dlee", Role.THERAPIST)
    kim = make_staff("bkim", Role.THERAPIST)
    for username, name in (("dlee", "Dana Lee"), ("bkim", "Brian Kim")):
        staff.update_details(clinic_db, admin, username, staff.StaffDetails(name, "PT, DPT", ""))
    lee = Actor(lee.staff_id, lee.username, "Dana Lee", lee.role)
    kim = Actor(kim.staff_id, kim.username, "Brian Kim", kim.role)
    room1 = rooms.add_room(clinic_db, admin, RoomInput("Treatment 1")).id
    room2 = rooms.add_room(clinic_db, admin, RoomInput("Treatment 2")).id
    gym = rooms.add_room(clinic_db, admin, RoomInput("Gym", kind="gym", capacity=4)).id
    ortiz = patients.register_patient(clinic_db, front_desk, patient_input()).id
    chen = patients.register_patient(
        clinic_db, front_desk, patient_input(last_name="Chen", first_name="Wei", phone="")
    ).id
    return Clinic(clinic_db, admin, front_desk, lee, kim, room1, room2, gym, ortiz, chen)
