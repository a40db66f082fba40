"""The therapist's calendar export: valid iCalendar, UTC times, initials only, audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar, Event
from sqlalchemy import select

from ptclinic.models import AppointmentStatus, AuditEvent, Patient
from ptclinic.roles import Role
from ptclinic.services import booking
from ptclinic.services.actor import Actor
from ptclinic.services.errors import NotFound, PermissionDenied, ValidationError
from ptclinic.services.ics_export import (
    DEFAULT_WEEKS,
    PRODID,
    default_range,
    initials,
    therapist_calendar_ics,
)
from tests.services.conftest import MONDAY, Clinic, at

EXPORTED_AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SUNDAY = MONDAY + timedelta(days=6)


def _events(ics: bytes) -> list[Event]:
    events = [e for e in Calendar.from_ical(ics).walk("VEVENT") if isinstance(e, Event)]
    return sorted(events, key=lambda e: e.decoded("dtstart"))


def _export(clinic: Clinic, first: date = MONDAY, last: date = SUNDAY) -> bytes:
    return therapist_calendar_ics(clinic.db, clinic.desk, "dlee", first, last, now=EXPORTED_AT)


def _book_week(clinic: Clinic) -> dict[str, int]:
    db, desk = clinic.db, clinic.desk
    booked = {
        "follow_up": booking.book(
            db, desk, clinic.request(at(MONDAY, 10), room=clinic.room1, minutes=45)
        ),
        "evaluation": booking.book(
            db,
            desk,
            booking.BookingRequest(
                patient_id=clinic.chen,
                therapist_id=clinic.lee.staff_id,
                starts_at=at(MONDAY + timedelta(days=2), 8, 30),
                minutes=60,
                visit_type="initial_evaluation",
                note="Maria Ortiz's sister; call (555) 201-3344 if late",
            ),
        ),
        "cancelled": booking.book(db, desk, clinic.request(at(MONDAY, 12))),
        "missed": booking.book(db, desk, clinic.request(at(MONDAY, 14))),
        "other_therapist": booking.book(
            db, desk, clinic.request(at(MONDAY, 8), therapist=clinic.kim, patient=clinic.chen)
        ),
        "next_week": booking.book(db, desk, clinic.request(at(MONDAY + timedelta(days=7), 10))),
    }
    booking.set_status(db, desk, booked["cancelled"], 1, AppointmentStatus.CANCELLED, reason="ill")
    booking.set_status(db, desk, booked["missed"], 1, AppointmentStatus.NO_SHOW, now=at(MONDAY, 15))
    return booked


def test_a_valid_calendar_with_one_event_per_active_visit_in_utc(scheduled: Clinic) -> None:
    booked = _book_week(scheduled)
    ics = _export(scheduled)

    assert ics.startswith(b"BEGIN:VCALENDAR\r\n") and ics.endswith(b"END:VCALENDAR\r\n")
    calendar = Calendar.from_ical(ics)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"] == PRODID
    assert calendar["X-WR-CALNAME"] == "Dana Lee — Riverside Physical Therapy"
    follow_up, evaluation = _events(ics)  # cancelled, missed, Kim's and next week's left out

    assert str(follow_up["SUMMARY"]) == "M.O. — Follow-up"
    assert follow_up.decoded("dtstart") == at(MONDAY, 10)
    assert follow_up.decoded("dtstart").utcoffset() == timedelta(0)
    assert follow_up.decoded("dtend") == at(MONDAY, 10, 45)
    assert b"DTSTART:20261207T160000Z" in ics  # 10:00 in Chicago, written in UTC
    assert str(follow_up["LOCATION"]) == "Treatment 1"
    assert (
        str(follow_up["UID"])
        == f"appointment-{booked['follow_up']}@riversidephysicaltherapy.ptclinic"
    )
    assert follow_up.decoded("dtstamp") == EXPORTED_AT
    assert str(follow_up["STATUS"]) == "CONFIRMED" and str(follow_up["CLASS"]) == "PRIVATE"

    assert str(evaluation["SUMMARY"]) == "W.C. — Initial evaluation"
    assert evaluation.decoded("dtstart") == at(MONDAY + timedelta(days=2), 8, 30)
    assert "LOCATION" not in evaluation  # no room booked
    assert len({str(e["UID"]) for e in (follow_up, evaluation)}) == 2


def test_no_name_phone_chart_number_or_note_leaves_the_clinic(scheduled: Clinic) -> None:
    _book_week(scheduled)
    with scheduled.db.session() as session:
        patients = list(session.scalars(select(Patient)))
    # Unfold the lines (RFC 5545 wraps them at 75 octets) before looking for anything.
    text = _export(scheduled).decode().replace("\r\n ", "")
    for patient in patients:
        for detail in (
            patient.first_name,
            patient.last_name,
            patient.chart_number,
            patient.email,
            patient.date_of_birth.isoformat(),
        ):
            if detail:
                assert detail.lower() not in text.lower(), detail
        if patient.phone_digits:
            assert patient.phone_digits[-4:] not in text
    assert "sister" not in text  # the booking note stays inside too
    assert len(_events(_export(scheduled))) == 2


def test_times_are_utc_on_both_sides_of_daylight_saving(scheduled: Clinic) -> None:
    july = date(2027, 7, 5)  # a Monday, Chicago on daylight time (UTC-5, in December UTC-6)
    booking.book(scheduled.db, scheduled.desk, scheduled.request(at(july, 10)))
    ics = _export(scheduled, july, july)
    assert b"DTSTART:20270705T150000Z" in ics and b"DTEND:20270705T154500Z" in ics


def test_a_refreshed_file_updates_moved_visits_and_drops_cancelled_ones(scheduled: Clinic) -> None:
    db, desk = scheduled.db, scheduled.desk
    moved = booking.book(db, desk, scheduled.request(at(MONDAY, 10)))
    cancelled = booking.book(db, desk, scheduled.request(at(MONDAY, 12), patient=scheduled.chen))
    before = {str(e["UID"]): e for e in _events(_export(scheduled))}
    assert len(before) == 2

    booking.reschedule(db, desk, moved, 1, starts_at=at(MONDAY, 15))
    booking.set_status(db, desk, cancelled, 1, AppointmentStatus.CANCELLED, reason="ill")
    (after,) = _events(_export(scheduled))
    uid = str(after["UID"])
    assert uid in before  # the same event, so the phone moves it instead of adding another
    assert after.decoded("dtstart") == at(MONDAY, 15)
    assert after.decoded("sequence") > before[uid].decoded("sequence")


def test_an_export_is_audited_once_for_the_file_and_once_per_patient(scheduled: Clinic) -> None:
    _book_week(scheduled)
    therapist_calendar_ics(
        scheduled.db, scheduled.desk, "dlee", MONDAY, SUNDAY, channel="command line"
    )
    with scheduled.db.session() as session:
        events = list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)
            )
        )
    summary, *patients = events
    assert (summary.entity_type, summary.actor_username) == ("calendar_export", "frontdesk")
    assert summary.summary == (
        "calendar of dlee, 2026-12-07 to 2026-12-13: 2 visits, initials and visit type only "
        "(command line)"
    )
    # Only patients whose visits are in the file; Kim's patient and the cancelled one are not.
    assert {e.patient_id for e in patients} == {scheduled.ortiz, scheduled.chen}
    assert len(patients) == 2


def test_exporting_needs_the_export_permission(
    scheduled: Clinic, make_staff: Callable[[str, Role], Actor]
) -> None:
    booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    assistant = make_staff("pta", Role.ASSISTANT)
    with pytest.raises(PermissionDenied, match="not allowed to export patient data"):
        therapist_calendar_ics(scheduled.db, assistant, "dlee", MONDAY, SUNDAY)
    with pytest.raises(PermissionDenied, match="not allowed to view patients"):
        therapist_calendar_ics(scheduled.db, scheduled.admin, "dlee", MONDAY, SUNDAY)
    with scheduled.db.session() as session:
        assert not session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    # A therapist may export (their own or a colleague's calendar).
    own = therapist_calendar_ics(scheduled.db, scheduled.lee, "dlee", MONDAY, SUNDAY)
    assert len(_events(own)) == 1


def test_the_range_and_the_therapist_are_checked(scheduled: Clinic) -> None:
    db, desk = scheduled.db, scheduled.desk
    with pytest.raises(ValidationError, match=r"last day \(2026-12-06\) comes before the first"):
        therapist_calendar_ics(db, desk, "dlee", MONDAY, MONDAY - timedelta(days=1))
    with pytest.raises(ValidationError, match="at most 366 days"):
        therapist_calendar_ics(db, desk, "dlee", MONDAY, MONDAY + timedelta(days=366))
    year = therapist_calendar_ics(db, desk, "dlee", MONDAY, MONDAY + timedelta(days=365))
    assert _events(year) == []
    with pytest.raises(NotFound):
        therapist_calendar_ics(db, desk, "nobody", MONDAY, SUNDAY)
    with pytest.raises(ValidationError, match="does not see patients"):
        therapist_calendar_ics(db, desk, "frontdesk", MONDAY, SUNDAY)


def test_initials_and_the_default_range() -> None:
    assert initials("Maria", "Ortiz") == "M.O."
    assert initials("josé", "garcía lópez") == "J.G."
    assert initials("Łukasz", "Żółć") == "Ł.Ż."
    assert initials("(Bob)", "'t Hooft") == "B.T."
    assert default_range(MONDAY) == (MONDAY, MONDAY + timedelta(weeks=DEFAULT_WEEKS))
    assert DEFAULT_WEEKS == 8
