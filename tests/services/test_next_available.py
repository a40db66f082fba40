"""Next available: free slots that respect hours, visits and rooms, found in a few queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, update

from ptclinic.models import ClosedDay, Room, TimeOff, WorkingHours
from ptclinic.roles import Role
from ptclinic.services import booking
from ptclinic.services.actor import Actor
from ptclinic.services.availability import Interval
from ptclinic.services.errors import PermissionDenied, ValidationError
from ptclinic.services.next_available import FreeSlot, grid_starts, next_available
from tests.services.conftest import CHICAGO, MONDAY, Clinic, at

TUESDAY, WEDNESDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)


def _local(slots: list[FreeSlot]) -> list[tuple[str, str, str]]:
    """(therapist, "Mon 07:00", room) for each slot, in the clinic's wall-clock time."""
    return [
        (s.therapist_name, f"{s.starts_at.astimezone(CHICAGO):%a %H:%M}", s.room_name)
        for s in slots
    ]


def _find(clinic: Clinic, after: datetime, **kwargs: Any) -> list[FreeSlot]:
    kwargs.setdefault("visit_type", "follow_up")
    return next_available(clinic.db, clinic.desk, after=after, **kwargs)


def test_a_therapists_busy_time_is_skipped_and_the_length_comes_from_the_visit_type(
    scheduled: Clinic,
) -> None:
    booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 7), room=scheduled.room1)
    )
    slots = _find(scheduled, at(MONDAY, 7), therapist_id=scheduled.lee.staff_id, count=3)
    assert [(t, s) for t, s, _ in _local(slots)] == [
        ("Dana Lee", "Mon 07:45"),
        ("Dana Lee", "Mon 08:00"),
        ("Dana Lee", "Mon 08:15"),
    ]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=45) for s in slots)
    evaluation = _find(
        scheduled, at(MONDAY, 7), therapist_id=scheduled.lee.staff_id, visit_type=None, minutes=60
    )
    assert evaluation[0].minutes == 60 and len(evaluation) == 5
    by_type = _find(
        scheduled,
        at(MONDAY, 7),
        therapist_id=scheduled.lee.staff_id,
        visit_type="initial_evaluation",
    )
    assert by_type[0].minutes == 60


def test_any_therapist_lists_slots_in_time_order_with_different_rooms(scheduled: Clinic) -> None:
    booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 7)))  # Lee, no room
    slots = _find(scheduled, at(MONDAY, 7), count=4)
    assert _local(slots) == [
        ("Brian Kim", "Mon 07:00", "Treatment 1"),
        ("Brian Kim", "Mon 07:15", "Treatment 1"),
        ("Brian Kim", "Mon 07:30", "Treatment 1"),
        ("Brian Kim", "Mon 07:45", "Treatment 1"),
    ]
    # Both therapists free at 08:00: Kim first by name, and Lee gets the other room so that
    # both suggestions can be booked.
    both = _find(scheduled, at(MONDAY, 8), count=2)
    assert _local(both) == [
        ("Brian Kim", "Mon 08:00", "Treatment 1"),
        ("Dana Lee", "Mon 08:00", "Treatment 2"),
    ]


def test_the_search_starts_on_the_quarter_hour_and_stays_in_opening_hours(
    scheduled: Clinic,
) -> None:
    lee = scheduled.lee.staff_id
    assert _local(_find(scheduled, at(MONDAY, 18, 5), therapist_id=lee, count=1)) == [
        ("Dana Lee", "Mon 18:15", "Treatment 1")
    ]
    # 18:30 + 45 minutes is after closing time: the next morning.
    assert _local(_find(scheduled, at(MONDAY, 18, 20), therapist_id=lee, count=1)) == [
        ("Dana Lee", "Tue 07:00", "Treatment 1")
    ]
    # Saturday is open 08:00-13:00 and Sunday not at all.
    saturday = MONDAY - timedelta(days=2)
    slots = _find(scheduled, at(saturday, 12, 30), therapist_id=lee, count=2)
    assert [s for _, s, _ in _local(slots)] == ["Mon 07:00", "Mon 07:15"]


def test_closed_days_time_off_and_working_hours_are_respected(scheduled: Clinic) -> None:
    lee, kim = scheduled.lee.staff_id, scheduled.kim.staff_id
    with scheduled.db.session() as session:
        session.add(ClosedDay(day=TUESDAY, reason="Inventory"))
        session.add(TimeOff(staff_id=lee, starts_at=at(WEDNESDAY, 6), ends_at=at(WEDNESDAY, 12)))
        # Kim works Wednesday mornings only.
        session.add(WorkingHours(staff_id=kim, weekday=2, starts_at=time(8), ends_at=time(12)))
    assert _local(_find(scheduled, at(MONDAY, 18, 30), therapist_id=lee, count=1)) == [
        ("Dana Lee", "Wed 12:00", "Treatment 1")
    ]
    kim_slots = _find(scheduled, at(MONDAY, 7), therapist_id=kim, count=1)
    assert _local(kim_slots) == [("Brian Kim", "Wed 08:00", "Treatment 1")]
    # 11:15 is the last start of an hour's visit before noon; after it, the next Wednesday.
    late = _find(scheduled, at(WEDNESDAY, 11, 5), therapist_id=kim, minutes=60, visit_type=None)
    assert late[0].starts_at == at(WEDNESDAY + timedelta(days=7), 8)


def test_the_patients_own_visits_are_kept_clear(scheduled: Clinic) -> None:
    booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 7), therapist=scheduled.kim)
    )
    lee = scheduled.lee.staff_id
    without = _find(scheduled, at(MONDAY, 7), therapist_id=lee, count=1)
    assert without[0].starts_at == at(MONDAY, 7)
    with_patient = _find(
        scheduled, at(MONDAY, 7), therapist_id=lee, patient_id=scheduled.ortiz, count=1
    )
    assert with_patient[0].starts_at == at(MONDAY, 7, 45)
    other_patient = _find(
        scheduled, at(MONDAY, 7), therapist_id=lee, patient_id=scheduled.chen, count=1
    )
    assert other_patient[0].starts_at == at(MONDAY, 7)


def test_cancelled_visits_free_their_time_and_a_visit_being_moved_does_not_block_itself(
    scheduled: Clinic,
) -> None:
    db, desk, lee = scheduled.db, scheduled.desk, scheduled.lee.staff_id
    moving = booking.book(db, desk, scheduled.request(at(MONDAY, 7)))
    cancelled = booking.book(db, desk, scheduled.request(at(MONDAY, 8), patient=scheduled.chen))
    booking.set_status(db, desk, cancelled, 1, booking.AppointmentStatus.CANCELLED, reason="ill")
    assert _find(scheduled, at(MONDAY, 7), therapist_id=lee, count=1)[0].starts_at == at(
        MONDAY, 7, 45
    )
    assert _find(scheduled, at(MONDAY, 8), therapist_id=lee, count=1)[0].starts_at == at(MONDAY, 8)
    moved = _find(
        scheduled, at(MONDAY, 7), therapist_id=lee, count=1, exclude_appointment_id=moving
    )
    assert moved[0].starts_at == at(MONDAY, 7)


def test_a_requested_single_room_must_be_free_but_a_shared_room_may_be_busy(
    scheduled: Clinic,
) -> None:
    db, desk = scheduled.db, scheduled.desk
    kim = scheduled.request(
        at(MONDAY, 8), therapist=scheduled.kim, minutes=60, room=scheduled.room1
    )
    booking.book(db, desk, kim)
    lee = scheduled.request(at(MONDAY, 7), patient=scheduled.chen, room=scheduled.gym)
    booking.book(db, desk, lee)
    in_room1 = _find(
        scheduled, at(MONDAY, 7), therapist_id=scheduled.lee.staff_id, room_id=scheduled.room1
    )
    assert _local(in_room1)[0] == ("Dana Lee", "Mon 09:00", "Treatment 1")
    in_gym = _find(
        scheduled, at(MONDAY, 7), therapist_id=scheduled.kim.staff_id, room_id=scheduled.gym
    )
    assert _local(in_gym)[0] == ("Brian Kim", "Mon 07:00", "Gym")


def test_a_slot_without_a_free_treatment_room_is_skipped(
    scheduled: Clinic,
    make_staff,  # type: ignore[no-untyped-def]
) -> None:
    db, desk = scheduled.db, scheduled.desk
    pat: Actor = make_staff("ppark", Role.THERAPIST)
    booking.book(
        db,
        desk,
        scheduled.request(at(MONDAY, 7), therapist=scheduled.kim, minutes=60, room=scheduled.room1),
    )
    booking.book(
        db,
        desk,
        scheduled.request(
            at(MONDAY, 7), therapist=pat, patient=scheduled.chen, minutes=60, room=scheduled.room2
        ),
    )
    slots = _find(scheduled, at(MONDAY, 7), therapist_id=scheduled.lee.staff_id, count=1)
    assert _local(slots) == [("Dana Lee", "Mon 08:00", "Treatment 1")]


def test_the_therapists_own_room_that_day_is_suggested_first(scheduled: Clinic) -> None:
    booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 9), room=scheduled.room2)
    )
    slots = _find(scheduled, at(MONDAY, 10), therapist_id=scheduled.lee.staff_id, count=1)
    assert _local(slots) == [("Dana Lee", "Mon 10:00", "Treatment 2")]


def test_a_clinic_without_treatment_rooms_gets_slots_without_a_room(scheduled: Clinic) -> None:
    with scheduled.db.session() as session:
        session.execute(
            update(Room).where(Room.id.in_([scheduled.room1, scheduled.room2])).values(active=False)
        )
    slots = _find(scheduled, at(MONDAY, 7), therapist_id=scheduled.lee.staff_id, count=1)
    assert slots == [
        FreeSlot(scheduled.lee.staff_id, "Dana Lee", at(MONDAY, 7), at(MONDAY, 7, 45), None, "")
    ]


def test_wall_clock_hours_hold_across_a_daylight_saving_change(scheduled: Clinic) -> None:
    # Chicago moves its clocks forward on Sunday 14 March 2027.
    saturday = date(2027, 3, 13)
    slots = _find(scheduled, at(saturday, 12, 30), therapist_id=scheduled.lee.staff_id, count=1)
    assert slots[0].starts_at == datetime(2027, 3, 15, 12, 0, tzinfo=UTC)  # 07:00 CDT
    assert f"{slots[0].starts_at.astimezone(CHICAGO):%H:%M}" == "07:00"


def test_the_search_gives_up_after_its_span(scheduled: Clinic) -> None:
    with scheduled.db.session() as session:
        session.add(
            TimeOff(
                staff_id=scheduled.lee.staff_id,
                starts_at=at(MONDAY, 0),
                ends_at=at(MONDAY + timedelta(days=70), 0),
                reason="sabbatical",
            )
        )
    lee = scheduled.lee.staff_id
    assert _find(scheduled, at(MONDAY, 7), therapist_id=lee) == []
    later = _find(scheduled, at(MONDAY, 7), therapist_id=lee, days=80, count=1)
    assert later[0].starts_at == at(MONDAY + timedelta(days=70), 7)


def test_slots_start_on_the_local_quarter_hour_in_any_zone() -> None:
    kathmandu = ZoneInfo("Asia/Kathmandu")  # UTC+05:45
    start = datetime(2026, 12, 7, 8, 5, tzinfo=kathmandu).astimezone(UTC)
    free = Interval(start, start + timedelta(hours=1))
    starts = [
        f"{s.astimezone(kathmandu):%H:%M}"
        for s in grid_starts(free, timedelta(minutes=30), kathmandu)
    ]
    assert starts == ["08:15", "08:30"]


def test_bad_questions_are_refused_in_plain_words(scheduled: Clinic) -> None:
    with pytest.raises(ValidationError) as caught:
        next_available(scheduled.db, scheduled.desk, after=at(MONDAY, 7))
    assert set(caught.value.field_errors) == {"minutes"}
    with pytest.raises(ValidationError) as caught:
        next_available(
            scheduled.db,
            scheduled.desk,
            after=at(MONDAY, 7),
            minutes=7,
            therapist_id=scheduled.desk.staff_id,
        )
    assert set(caught.value.field_errors) == {"minutes", "therapist"}
    with pytest.raises(ValidationError, match="visit type"):
        next_available(scheduled.db, scheduled.desk, after=at(MONDAY, 7), visit_type="massage")


def test_reading_free_slots_needs_access_to_patients(scheduled: Clinic) -> None:
    with pytest.raises(PermissionDenied):
        next_available(scheduled.db, scheduled.admin, after=at(MONDAY, 7), minutes=45)


@contextmanager
def _counting_queries(clinic: Clinic) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(clinic.db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(clinic.db.engine, "before_cursor_execute", count)


def test_a_busy_stretch_is_read_in_one_query_per_week_not_per_slot(scheduled: Clinic) -> None:
    db, desk = scheduled.db, scheduled.desk
    # Lee is fully booked for two weeks (in long blocks to keep the set-up short).
    for offset in range(14):
        day = MONDAY + timedelta(days=offset)
        if day.weekday() < 5:
            blocks = [(hour, 120) for hour in range(7, 19, 2)]
        elif day.weekday() == 5:
            blocks = [(8, 120), (10, 120), (12, 60)]
        else:
            blocks = []
        for hour, minutes in blocks:
            booking.book(db, desk, scheduled.request(at(day, hour), minutes=minutes))
    lee = scheduled.lee.staff_id
    with _counting_queries(scheduled) as statements:
        slots = _find(scheduled, at(MONDAY, 7), therapist_id=lee, count=1)
    assert slots[0].starts_at == at(MONDAY + timedelta(days=14), 7)
    appointment_reads = [s for s in statements if "FROM appointments" in s]
    # Fifteen days searched: the first day, then two weeks, one read each.
    assert len(appointment_reads) == 3
    assert len(statements) <= 15


def test_an_evaluation_is_only_offered_with_someone_who_evaluates(
    scheduled: Clinic,
    make_staff,  # type: ignore[no-untyped-def]
) -> None:
    assistant: Actor = make_staff("aabel", Role.ASSISTANT)
    follow_ups = _find(scheduled, at(MONDAY, 7), count=10)
    assert assistant.staff_id in {s.therapist_id for s in follow_ups}
    evaluations = _find(scheduled, at(MONDAY, 7), visit_type="initial_evaluation", count=10)
    assert evaluations and assistant.staff_id not in {s.therapist_id for s in evaluations}
