"""The calendar's read model: a span of appointments with what each cell shows."""

from __future__ import annotations

from datetime import timedelta

from ptclinic.models import AppointmentStatus, EpisodeOfCare, TimeOff
from ptclinic.services import booking, calendar
from tests.services.conftest import MONDAY, Clinic, at


def test_a_day_lists_visits_with_names_rooms_and_episode_counts(scheduled: Clinic) -> None:
    db, desk = scheduled.db, scheduled.desk
    with db.session() as session:
        episode = EpisodeOfCare(
            patient_id=scheduled.ortiz, start_date=MONDAY, authorized_visits=12, title="SI joint"
        )
        session.add(episode)
        session.flush()
        episode_id = episode.id
    previous = booking.book(
        db, desk, scheduled.request(at(MONDAY - timedelta(days=3), 10), episode=episode_id)
    )
    booking.book(
        db, desk, scheduled.request(at(MONDAY, 10), room=scheduled.room1, episode=episode_id)
    )
    cancelled = booking.book(
        db, desk, scheduled.request(at(MONDAY, 12), patient=scheduled.chen, therapist=scheduled.kim)
    )
    booking.set_status(db, desk, cancelled, 1, AppointmentStatus.CANCELLED, reason="sick")
    span = calendar.calendar_span(db, desk, MONDAY, MONDAY)
    assert [a.patient_short for a in span.appointments] == ["M. Ortiz", "W. Chen"]
    visit, gone = span.appointments
    assert (visit.therapist_name, visit.room_name, visit.visit_label) == (
        "Dana Lee",
        "Treatment 1",
        "Follow-up",
    )
    assert visit.visit_count_text() == "visit 2 of 12 authorized"
    assert visit.colour.startswith("#") and visit.minutes == 45
    assert gone.status == "cancelled" and not gone.active and gone.visit_count_text() == ""
    assert previous not in {a.id for a in span.appointments}


def test_bookable_hours_leave_out_time_off_and_closed_days(scheduled: Clinic) -> None:
    db = scheduled.db
    with db.session() as session:
        session.add(
            TimeOff(
                staff_id=scheduled.lee.staff_id,
                starts_at=at(MONDAY, 12),
                ends_at=at(MONDAY, 13),
                reason="lunch meeting",
            )
        )
    sunday = MONDAY + timedelta(days=6)
    span = calendar.calendar_span(db, scheduled.desk, MONDAY, sunday)
    lee = span.bookable[(scheduled.lee.staff_id, MONDAY)]
    assert [(w.start, w.end) for w in lee] == [
        (at(MONDAY, 7), at(MONDAY, 12)),
        (at(MONDAY, 13), at(MONDAY, 19)),
    ]
    assert (scheduled.lee.staff_id, sunday) not in span.bookable
    assert span.opening[sunday] is None
    assert (span.earliest.hour, span.latest.hour) == (7, 19)
    names = [c.full_name for c in calendar.clinicians(db, scheduled.desk)]
    assert names == ["Brian Kim", "Dana Lee"]
