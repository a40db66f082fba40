"""Booking, moving and visit statuses: the rules the front desk relies on, on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ptclinic.models import (
    Appointment,
    AppointmentStatus,
    AuditEvent,
    ClosedDay,
    TimeOff,
    WorkingHours,
)
from ptclinic.services import booking
from ptclinic.services.errors import (
    ConflictError,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from tests.services.conftest import CHICAGO, MONDAY, Clinic, at


def _count(clinic: Clinic) -> int:
    with clinic.db.session() as session:
        return len(session.scalars(select(Appointment.id)).all())


def test_booking_in_hours_is_saved_and_audited(scheduled: Clinic) -> None:
    appointment_id = booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10), room=scheduled.room1)
    )
    with scheduled.db.session() as session:
        row = session.get(Appointment, appointment_id)
        assert row is not None and row.status == "scheduled" and row.room_exclusive
        assert row.ends_at - row.starts_at == timedelta(minutes=45)
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None and (event.action, event.entity_id) == ("create", appointment_id)
        assert event.patient_id == scheduled.ortiz


def test_conflicts_are_named_in_words_and_nothing_is_written(scheduled: Clinic) -> None:
    booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10), room=scheduled.room1)
    )
    same_therapist = scheduled.request(at(MONDAY, 10, 30), patient=scheduled.chen)
    check = booking.check_booking(scheduled.db, scheduled.desk, same_therapist)
    assert check.clashes == ("Dana Lee already sees M. Ortiz 10:00–10:45.",)
    with pytest.raises(ConflictError, match=r"Dana Lee already sees M\. Ortiz 10:00–10:45"):
        booking.book(scheduled.db, scheduled.desk, same_therapist)

    same_patient = scheduled.request(at(MONDAY, 10, 15), therapist=scheduled.kim)
    assert booking.check_booking(scheduled.db, scheduled.desk, same_patient).clashes == (
        "M. Ortiz already has a visit 10:00–10:45 with Dana Lee.",
    )
    same_room = scheduled.request(
        at(MONDAY, 10), therapist=scheduled.kim, patient=scheduled.chen, room=scheduled.room1
    )
    assert booking.check_booking(scheduled.db, scheduled.desk, same_room).clashes == (
        "Treatment 1 is taken 10:00–10:45 (M. Ortiz with Dana Lee).",
    )
    assert _count(scheduled) == 1
    # A shared gym is fine for two visits at once.
    gym = scheduled.request(
        at(MONDAY, 10), therapist=scheduled.kim, patient=scheduled.chen, room=scheduled.gym
    )
    assert booking.check_booking(scheduled.db, scheduled.desk, gym).bookable


def test_outside_hours_needs_an_administrators_override(scheduled: Clinic) -> None:
    early = scheduled.request(at(MONDAY, 6, 30))
    with pytest.raises(ConflictError, match="open 07:00–19:00 on Mondays"):
        booking.book(scheduled.db, scheduled.desk, early)
    with pytest.raises(PermissionDenied):
        booking.book(scheduled.db, scheduled.desk, early, override_by=scheduled.kim)
    assert _count(scheduled) == 0
    booking.book(scheduled.db, scheduled.desk, early, override_by=scheduled.admin)
    assert _count(scheduled) == 1
    sunday = scheduled.request(at(MONDAY - timedelta(days=1), 10))
    assert "not open on Sundays" in str(
        booking.check_booking(scheduled.db, scheduled.desk, sunday).outside_hours
    )


def test_closed_days_time_off_and_working_hours_are_respected(scheduled: Clinic) -> None:
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    with scheduled.db.session() as session:
        session.add(ClosedDay(day=MONDAY, reason="Staff training"))
        session.add(
            TimeOff(
                staff_id=scheduled.lee.staff_id,
                starts_at=at(tuesday, 12),
                ends_at=at(tuesday, 19),
                reason="dentist",
            )
        )
        session.add(
            WorkingHours(
                staff_id=scheduled.kim.staff_id,
                weekday=wednesday.weekday(),
                starts_at=at(wednesday, 8).astimezone(CHICAGO).time(),
                ends_at=at(wednesday, 12).astimezone(CHICAGO).time(),
            )
        )

    def why(request: booking.BookingRequest) -> str | None:
        return booking.check_booking(scheduled.db, scheduled.desk, request).outside_hours

    assert why(scheduled.request(at(MONDAY, 10))) == (
        "The clinic is closed on Monday 07 December (Staff training)."
    )
    assert "Dana Lee is away (dentist)" in str(why(scheduled.request(at(tuesday, 13))))
    assert why(scheduled.request(at(tuesday, 10))) is None
    kim = scheduled.kim
    assert "Brian Kim does not work at that time on Wednesdays" in str(
        why(scheduled.request(at(wednesday, 14), therapist=kim))
    )
    assert why(scheduled.request(at(wednesday, 9), therapist=kim)) is None


def test_moving_is_checked_like_booking_and_refuses_stale_copies(scheduled: Clinic) -> None:
    db, desk = scheduled.db, scheduled.desk
    first = booking.book(db, desk, scheduled.request(at(MONDAY, 10)))
    second = booking.book(db, desk, scheduled.request(at(MONDAY, 12), patient=scheduled.chen))
    with pytest.raises(ConflictError, match=r"Dana Lee already sees M\. Ortiz 10:00–10:45"):
        booking.reschedule(db, desk, second, 1, starts_at=at(MONDAY, 10, 30))
    version = booking.reschedule(db, desk, second, 1, starts_at=at(MONDAY, 11), minutes=60)
    assert version == 2
    with pytest.raises(StaleRecordError):
        booking.reschedule(db, desk, second, 1, starts_at=at(MONDAY, 14))
    with db.session() as session:
        row = session.get(Appointment, second)
        assert row is not None and row.starts_at == at(MONDAY, 11)
        assert row.ends_at == at(MONDAY, 12)
    assert first != second


def test_cancelling_needs_a_reason_and_is_late_under_24_hours(scheduled: Clinic) -> None:
    db, desk = scheduled.db, scheduled.desk
    early = booking.book(db, desk, scheduled.request(at(MONDAY, 10)))
    later = booking.book(db, desk, scheduled.request(at(MONDAY, 12), patient=scheduled.chen))
    with pytest.raises(ValidationError):
        booking.set_status(db, desk, early, 1, AppointmentStatus.CANCELLED, reason="  ")
    now = at(MONDAY, 8)
    row = booking.set_status(db, desk, early, 1, AppointmentStatus.CANCELLED, reason="flu", now=now)
    assert row.late_cancel and row.cancel_reason == "flu"
    row = booking.set_status(
        db,
        desk,
        later,
        1,
        AppointmentStatus.CANCELLED,
        reason="work",
        now=at(MONDAY, 12) - timedelta(days=2),
    )
    assert not row.late_cancel
    # The freed slot can be booked again.
    booking.book(db, desk, scheduled.request(at(MONDAY, 10), patient=scheduled.chen))


def test_check_in_and_no_show_follow_the_visit(scheduled: Clinic) -> None:
    db, desk = scheduled.db, scheduled.desk
    visit = booking.book(db, desk, scheduled.request(at(MONDAY, 10)))
    with pytest.raises(ConflictError, match="only once its time has come"):
        booking.set_status(db, desk, visit, 1, AppointmentStatus.NO_SHOW, now=at(MONDAY, 9))
    row = booking.set_status(db, desk, visit, 1, AppointmentStatus.CHECKED_IN)
    assert row.status == "checked_in"
    with pytest.raises(ConflictError, match="cannot become no show"):
        booking.set_status(db, desk, visit, 2, AppointmentStatus.NO_SHOW, now=at(MONDAY, 11))
    with pytest.raises(ConflictError, match="Only a scheduled visit can be moved"):
        booking.reschedule(db, desk, visit, 2, starts_at=at(MONDAY, 14))
    with pytest.raises(ValidationError):
        booking.set_status(db, desk, visit, 2, AppointmentStatus.COMPLETED)


def test_warnings_for_missed_visits_and_authorised_counts(scheduled: Clinic) -> None:
    from ptclinic.models import EpisodeOfCare

    db, desk = scheduled.db, scheduled.desk
    with db.session() as session:
        episode = EpisodeOfCare(
            patient_id=scheduled.ortiz, start_date=MONDAY, authorized_visits=1, title="SI joint"
        )
        session.add(episode)
        session.flush()
        episode_id = episode.id
    for day in (1, 2):
        missed = booking.book(
            db, desk, scheduled.request(at(MONDAY + timedelta(days=day), 10), episode=episode_id)
        )
        booking.set_status(
            db, desk, missed, 1, AppointmentStatus.NO_SHOW, now=at(MONDAY + timedelta(days=9), 9)
        )
    check = booking.check_booking(
        db, desk, scheduled.request(at(MONDAY + timedelta(days=7), 10), episode=episode_id)
    )
    assert check.bookable
    assert any("has missed 2 visits without notice" in w for w in check.warnings)
    assert not any("authorized" in w for w in check.warnings)  # missed visits do not count
    booking.book(
        db, desk, scheduled.request(at(MONDAY + timedelta(days=7), 10), episode=episode_id)
    )
    check = booking.check_booking(
        db, desk, scheduled.request(at(MONDAY + timedelta(days=8), 10), episode=episode_id)
    )
    assert any("visit 2 of the episode, but only 1 are authorized" in w for w in check.warnings)


def test_bad_requests_are_refused_in_plain_words(scheduled: Clinic) -> None:
    bad = scheduled.request(at(MONDAY, 10), minutes=7, visit_type="massage")
    with pytest.raises(ValidationError) as caught:
        booking.book(scheduled.db, scheduled.desk, bad)
    assert set(caught.value.field_errors) == {"minutes", "visit_type"}
    not_a_clinician = booking.BookingRequest(
        scheduled.ortiz, scheduled.desk.staff_id, at(MONDAY, 10), 45, "follow_up"
    )
    with pytest.raises(ValidationError, match="active therapist"):
        booking.book(scheduled.db, scheduled.desk, not_a_clinician)


def test_students_cannot_book(scheduled: Clinic, make_staff) -> None:  # type: ignore[no-untyped-def]
    from ptclinic.roles import Role

    student = make_staff("student", Role.STUDENT)
    with pytest.raises(PermissionDenied):
        booking.book(scheduled.db, student, scheduled.request(at(MONDAY, 10)))


def test_a_move_outside_hours_records_who_allowed_it(scheduled: Clinic) -> None:
    db, desk = scheduled.db, scheduled.desk
    visit = booking.book(db, desk, scheduled.request(at(MONDAY, 10)))
    with pytest.raises(ConflictError, match="Only an administrator"):
        booking.reschedule(db, desk, visit, 1, starts_at=at(MONDAY, 6, 30))
    booking.reschedule(db, desk, visit, 1, starts_at=at(MONDAY, 6, 30), override_by=scheduled.admin)
    with db.session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None and "allowed by admin" in event.summary


def test_an_evaluation_is_booked_with_a_therapist_never_an_assistant(
    scheduled: Clinic,
    make_staff,  # type: ignore[no-untyped-def]
) -> None:
    from ptclinic.roles import Role

    assistant = make_staff("aabel", Role.ASSISTANT)
    for visit_type in ("initial_evaluation", "re_evaluation"):
        request = scheduled.request(
            at(MONDAY, 10), therapist=assistant, visit_type=visit_type, minutes=60
        )
        with pytest.raises(ValidationError, match="done by a physical therapist") as raised:
            booking.book(scheduled.db, scheduled.desk, request)
        assert "therapist" in raised.value.field_errors
    # The same assistant sees follow-ups, and a therapist does the evaluation.
    booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10), therapist=assistant)
    )
    booking.book(
        scheduled.db,
        scheduled.desk,
        scheduled.request(at(MONDAY, 11), visit_type="initial_evaluation", minutes=60),
    )
