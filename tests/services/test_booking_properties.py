"""Whatever the front desks do, in whatever order, no two active visits overlap.

A property-based test drives random sequences of book / move / resize / cancel / re-book through
the services, and checks the database after each step; a second test has two processes race for
the same slot on PostgreSQL, as two workstations would.
"""

from __future__ import annotations

import multiprocessing
from datetime import timedelta
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import Appointment, AppointmentStatus
from ptclinic.models.appointment import ACTIVE_STATUSES
from ptclinic.services import booking
from ptclinic.services.errors import DomainError
from tests.services.conftest import MONDAY, Clinic, at

ACTIVE = {s.value for s in ACTIVE_STATUSES}

step = st.one_of(
    st.tuples(
        st.just("book"),
        st.integers(0, 1),  # therapist
        st.integers(0, 1),  # patient
        st.integers(0, 2),  # room: 0 none, 1 single room, 2 gym
        st.integers(9 * 4, 11 * 4),  # start, in quarter hours: a busy morning, to collide
        st.sampled_from([15, 30, 45, 60, 90]),
    ),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(9 * 4, 11 * 4), st.integers(0, 1)),
    st.tuples(st.just("resize"), st.integers(0, 50), st.sampled_from([15, 45, 120])),
    st.tuples(st.just("cancel"), st.integers(0, 50)),
)


def _overlaps(db: Database) -> list[tuple[int, int]]:
    with db.session() as session:
        rows = session.execute(
            select(
                Appointment.id,
                Appointment.therapist_id,
                Appointment.patient_id,
                Appointment.room_id,
                Appointment.room_exclusive,
                Appointment.starts_at,
                Appointment.ends_at,
            ).where(Appointment.status.in_(ACTIVE))
        ).all()
    clashes = []
    for a, b in combinations(rows, 2):
        if a.starts_at < b.ends_at and b.starts_at < a.ends_at:
            same_room = a.room_id is not None and a.room_id == b.room_id and a.room_exclusive
            if a.therapist_id == b.therapist_id or a.patient_id == b.patient_id or same_room:
                clashes.append((a.id, b.id))
    return clashes


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_random_booking_sequences_never_leave_an_overlap(
    scheduled: Clinic, steps: list[tuple[object, ...]]
) -> None:
    db, desk = scheduled.db, scheduled.desk
    with db.session() as session:  # each example starts from an empty calendar
        for row in session.scalars(select(Appointment)):
            session.delete(row)
    therapists = [scheduled.lee, scheduled.kim]
    patients = [scheduled.ortiz, scheduled.chen]
    rooms = [None, scheduled.room1, scheduled.gym]
    booked: list[int] = []

    def version(appointment_id: int) -> int:
        with db.session() as session:
            row = session.get(Appointment, appointment_id)
            assert row is not None
            return row.version

    for action, *args in steps:
        try:
            if action == "book":
                t, p, r, quarter, minutes = args
                start = at(MONDAY, 0) + timedelta(minutes=15 * int(quarter))
                request = scheduled.request(
                    start, therapist=therapists[int(t)], patient=patients[int(p)],
                    room=rooms[int(r)], minutes=int(minutes),
                )  # fmt: skip
                booked.append(booking.book(db, desk, request))
            elif booked and action == "move":
                n, quarter, t = args
                target = booked[int(n) % len(booked)]
                booking.reschedule(
                    db, desk, target, version(target),
                    starts_at=at(MONDAY, 0) + timedelta(minutes=15 * int(quarter)),
                    therapist_id=therapists[int(t)].staff_id,
                )  # fmt: skip
            elif booked and action == "resize":
                n, minutes = args
                target = booked[int(n) % len(booked)]
                booking.reschedule(db, desk, target, version(target), minutes=int(minutes))
            elif booked and action == "cancel":
                target = booked[int(args[0]) % len(booked)]
                booking.set_status(
                    db, desk, target, version(target), AppointmentStatus.CANCELLED, reason="test"
                )
        except DomainError:
            pass  # refused in words: fine, as long as nothing overlapping was written
        assert _overlaps(db) == []


def _race(url: str, request: booking.BookingRequest, desk_id: int, go: object) -> str:
    from ptclinic.services.actor import Actor

    db = Database(url)
    try:
        go.wait()  # type: ignore[attr-defined]
        booking.book(db, Actor(desk_id, "frontdesk", "Front Desk", "front_desk"), request)
        return "booked"
    except DomainError as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        db.dispose()


def test_two_workstations_racing_for_one_slot_book_it_once(scheduled: Clinic) -> None:
    # Two processes, as two copies of the app: PostgreSQL decides by its exclusion constraint,
    # SQLite by its single writer and triggers. Either way one books and one is told why not.
    slot = scheduled.request(at(MONDAY, 10), room=scheduled.room1)
    other_patient = scheduled.request(at(MONDAY, 10, 15), patient=scheduled.chen)
    context = multiprocessing.get_context("spawn")
    go = context.Manager().Barrier(2)
    with context.Pool(2) as pool:
        outcomes = pool.starmap(
            _race,
            [
                (scheduled.db.url, slot, scheduled.desk.staff_id, go),
                (scheduled.db.url, other_patient, scheduled.desk.staff_id, go),
            ],
        )
    assert sorted(o.split(":")[0] for o in outcomes) == ["ConflictError", "booked"], outcomes
    assert any("Dana Lee already sees" in o for o in outcomes), outcomes
    assert _overlaps(scheduled.db) == []
    with scheduled.db.session() as session:
        assert len(session.scalars(select(Appointment.id)).all()) == 1
