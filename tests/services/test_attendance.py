"""Attendance history: what the chart shows of a patient's visits, counted by outcome."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from ptclinic.models import Appointment, AppointmentStatus, EpisodeOfCare
from ptclinic.services import booking
from ptclinic.services.attendance import attendance
from ptclinic.services.errors import NotFound, PermissionDenied
from tests.services.conftest import MONDAY, Clinic, at

CANCELLED, NO_SHOW = AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW


def _day(n: int) -> datetime:
    return at(MONDAY + timedelta(days=n), 10)


def _history(clinic: Clinic) -> dict[str, int]:
    """Ortiz: one visit of each outcome (two no-shows, two cancellations, one late) over two
    weeks, the first three in an episode of care; Chen has one visit of her own."""
    db, desk = clinic.db, clinic.desk
    with db.session() as session:
        episode = EpisodeOfCare(patient_id=clinic.ortiz, start_date=MONDAY, title="Low back")
        session.add(episode)
        session.flush()
        episode_id = episode.id
    ids = {
        name: booking.book(
            db, desk, clinic.request(_day(offset), episode=episode_id if offset < 3 else None)
        )
        for name, offset in (
            ("completed", 0),
            ("no_show", 1),
            ("late", 2),
            ("in_time", 3),
            ("no_show_2", 4),
            ("checked_in", 7),
            ("upcoming", 8),
        )
    }
    booking.book(db, desk, clinic.request(_day(0), patient=clinic.chen, therapist=clinic.kim))
    # Completion comes from the visit note (a later issue): set it as that will.
    with db.session() as session:
        session.execute(
            update(Appointment)
            .where(Appointment.id == ids["completed"])
            .values(status=AppointmentStatus.COMPLETED.value)
        )
    later = _day(20)
    booking.set_status(db, desk, ids["no_show"], 1, NO_SHOW, now=later)
    booking.set_status(db, desk, ids["no_show_2"], 1, NO_SHOW, now=later)
    booking.set_status(
        db, desk, ids["late"], 1, CANCELLED, reason="flat tyre", now=_day(2) - timedelta(hours=2)
    )
    booking.set_status(
        db, desk, ids["in_time"], 1, CANCELLED, reason="work", now=_day(3) - timedelta(days=3)
    )
    booking.set_status(db, desk, ids["checked_in"], 1, AppointmentStatus.CHECKED_IN)
    return ids | {"episode": episode_id}


def test_the_history_counts_each_outcome_and_lists_the_visits_newest_first(
    scheduled: Clinic,
) -> None:
    ids = _history(scheduled)
    record = attendance(scheduled.db, scheduled.desk, scheduled.ortiz)
    assert (
        record.completed,
        record.scheduled,
        record.cancelled,
        record.late_cancelled,
        record.no_shows,
    ) == (1, 2, 2, 1, 2)
    assert record.summary_text() == "1 completed · 2 booked · 2 cancelled (1 late) · 2 no-shows"
    assert [v.id for v in record.visits] == [
        ids["upcoming"],
        ids["checked_in"],
        ids["no_show_2"],
        ids["in_time"],
        ids["late"],
        ids["no_show"],
        ids["completed"],
    ]
    late = next(v for v in record.visits if v.id == ids["late"])
    assert (late.status, late.late_cancel, late.cancel_reason) == ("cancelled", True, "flat tyre")
    assert (late.therapist_name, late.visit_label) == ("Dana Lee", "Follow-up")
    # The same no-shows are what booking warns about; the rule itself stays in booking.
    check = booking.check_booking(scheduled.db, scheduled.desk, scheduled.request(_day(9)))
    assert any(f"has missed {record.no_shows} visits" in w for w in check.warnings)


def test_one_episode_and_another_patient_are_counted_apart(scheduled: Clinic) -> None:
    ids = _history(scheduled)
    episode = attendance(scheduled.db, scheduled.desk, scheduled.ortiz, episode_id=ids["episode"])
    assert [v.id for v in episode.visits] == [ids["late"], ids["no_show"], ids["completed"]]
    assert episode.summary_text() == "1 completed · 0 booked · 1 cancelled (1 late) · 1 no-show"
    chen = attendance(scheduled.db, scheduled.desk, scheduled.chen)
    assert (chen.scheduled, len(chen.visits), chen.no_shows) == (1, 1, 0)


def test_a_new_patient_has_an_empty_history(scheduled: Clinic) -> None:
    record = attendance(scheduled.db, scheduled.lee, scheduled.chen)
    assert record.visits == () and record.summary_text() == (
        "0 completed · 0 booked · 0 cancelled · 0 no-shows"
    )


def test_reading_attendance_needs_access_to_patients(scheduled: Clinic) -> None:
    with pytest.raises(PermissionDenied):
        attendance(scheduled.db, scheduled.admin, scheduled.ortiz)
    with pytest.raises(NotFound):
        attendance(scheduled.db, scheduled.desk, 999_999)
