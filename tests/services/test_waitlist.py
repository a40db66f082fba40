"""The waitlist: wishes, matching a freed slot, and booking straight from the list."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from ptclinic.models import Appointment, AppointmentStatus, AuditEvent, WaitlistEntry
from ptclinic.roles import Role
from ptclinic.services import booking, patients, waitlist
from ptclinic.services.booking import BookingCheck
from ptclinic.services.errors import (
    ConflictError,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.waitlist import WaitlistOffer, WaitlistWish
from tests.conftest import patient_input
from tests.services.conftest import CHICAGO, MONDAY, Clinic, at

NEXT_MONDAY = MONDAY + timedelta(days=7)


def _garcia(clinic: Clinic) -> int:
    return patients.register_patient(
        clinic.db, clinic.desk, patient_input(last_name="Garcia", first_name="Ana", phone="")
    ).id


def _add(clinic: Clinic, patient_id: int, **kwargs: Any) -> waitlist.WaitlistItem:
    kwargs.setdefault("visit_type", "follow_up")
    kwargs.setdefault("earliest_date", MONDAY)
    return waitlist.add_to_waitlist(clinic.db, clinic.desk, WaitlistWish(patient_id, **kwargs))


def _who(offers: list[WaitlistOffer]) -> list[tuple[str, str]]:
    """(patient, "Mon 10:00") for each offer, in clinic time."""
    return [(o.entry.patient_short, f"{o.starts_at.astimezone(CHICAGO):%a %H:%M}") for o in offers]


def test_a_wish_is_stored_as_given_and_audited(scheduled: Clinic) -> None:
    item = _add(
        scheduled,
        scheduled.ortiz,
        weekdays=(3, 0, 3),
        earliest_time=time(8),
        latest_time=time(12),
        note="  can come  at short notice ",
    )
    assert (item.weekdays, item.status, item.version, item.minutes) == ((0, 3), "waiting", 1, 45)
    assert item.wishes_text() == "Mon, Thu · 08:00–12:00 · from Mon 07 Dec 2026 · any therapist"
    assert item.note == "can come at short notice" and item.patient_short == "M. Ortiz"
    with scheduled.db.session() as session:
        entry = session.get(WaitlistEntry, item.id)
        assert entry is not None and entry.weekdays == 0b0001001
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "waitlist")
        ).one()
    assert (event.action, event.entity_id, event.patient_id) == ("create", item.id, scheduled.ortiz)
    for_lee = _add(scheduled, scheduled.chen, therapist_id=scheduled.lee.staff_id)
    assert for_lee.wishes_text() == "Any day · any time · from Mon 07 Dec 2026 · Dana Lee"


def test_wishes_that_can_never_be_met_are_refused(scheduled: Clinic) -> None:
    def fields(**kwargs: Any) -> set[str]:
        with pytest.raises(ValidationError) as caught:
            _add(scheduled, scheduled.ortiz, **kwargs)
        return set(caught.value.field_errors)

    assert fields(earliest_time=time(10), latest_time=time(10, 30)) == {"latest_time"}
    assert fields(earliest_time=time(12), latest_time=time(9)) == {"latest_time"}
    assert fields(weekdays=(7,), visit_type="massage") == {"weekdays", "visit_type"}
    assert fields(therapist_id=scheduled.desk.staff_id, note="x" * 201) == {"therapist", "note"}
    # An hour's window is enough for a 45-minute visit but not for a 60-minute evaluation.
    window = {"earliest_time": time(9), "latest_time": time(9, 50)}
    assert _add(scheduled, scheduled.ortiz, **window).minutes == 45
    assert fields(visit_type="initial_evaluation", **window) == {"latest_time"}
    with pytest.raises(ValidationError, match="shorter than an initial evaluation"):
        _add(scheduled, scheduled.ortiz, visit_type="initial_evaluation", **window)


def test_the_list_shows_who_waits_longest_first_and_removal_takes_them_off(
    scheduled: Clinic,
) -> None:
    db, desk = scheduled.db, scheduled.desk
    first = _add(scheduled, scheduled.ortiz)
    second = _add(scheduled, scheduled.chen, therapist_id=scheduled.kim.staff_id)
    third = _add(scheduled, scheduled.ortiz, therapist_id=scheduled.lee.staff_id)
    assert [i.id for i in waitlist.waiting_list(db, desk)] == [first.id, second.id, third.id]
    for_lee = waitlist.waiting_list(db, desk, therapist_id=scheduled.lee.staff_id)
    assert [i.id for i in for_lee] == [first.id, third.id]
    chen = waitlist.waiting_list(db, desk, patient_id=scheduled.chen)
    assert [i.id for i in chen] == [second.id]

    with pytest.raises(StaleRecordError):
        waitlist.remove_from_waitlist(db, desk, first.id, 3)
    waitlist.remove_from_waitlist(db, desk, first.id, 1, reason="Found another clinic")
    assert [i.id for i in waitlist.waiting_list(db, desk)] == [second.id, third.id]
    with pytest.raises(ConflictError, match="no longer waiting"):
        waitlist.remove_from_waitlist(db, desk, first.id, 2)
    with db.session() as session:
        summaries = session.scalars(
            select(AuditEvent.summary).where(
                AuditEvent.entity_type == "waitlist", AuditEvent.action == "change"
            )
        ).all()
    assert summaries == ["removed from the waitlist: Found another clinic"]


def test_a_slot_matches_the_entries_whose_wishes_it_fits(scheduled: Clinic) -> None:
    db, desk = scheduled.db, scheduled.desk
    lee, kim = scheduled.lee.staff_id, scheduled.kim.staff_id
    garcia = _garcia(scheduled)
    _add(scheduled, scheduled.ortiz, weekdays=(0, 3), earliest_time=time(8), latest_time=time(12))
    _add(scheduled, scheduled.chen, therapist_id=kim)
    _add(scheduled, garcia, visit_type="initial_evaluation", earliest_date=NEXT_MONDAY)

    def matches(therapist: int, start: Any, end: Any) -> list[tuple[str, str]]:
        return _who(waitlist.matches_for_slot(db, desk, therapist, start, end))

    assert matches(lee, at(MONDAY, 10), at(MONDAY, 10, 45)) == [("M. Ortiz", "Mon 10:00")]
    assert matches(kim, at(MONDAY, 10), at(MONDAY, 10, 45)) == [
        ("M. Ortiz", "Mon 10:00"),
        ("W. Chen", "Mon 10:00"),
    ]
    tuesday = MONDAY + timedelta(days=1)
    assert matches(lee, at(tuesday, 10), at(tuesday, 10, 45)) == []  # not one of her days
    assert matches(lee, at(MONDAY, 11, 30), at(MONDAY, 12, 30)) == []  # would end after 12:00
    assert matches(lee, at(MONDAY, 7, 30), at(MONDAY, 9)) == [("M. Ortiz", "Mon 08:00")]
    # A week later Garcia may come, and an hour is long enough for her evaluation.
    assert matches(lee, at(NEXT_MONDAY, 10), at(NEXT_MONDAY, 11)) == [
        ("M. Ortiz", "Mon 10:00"),
        ("A. Garcia", "Mon 10:00"),
    ]
    assert matches(lee, at(NEXT_MONDAY, 10), at(NEXT_MONDAY, 10, 45)) == [("M. Ortiz", "Mon 10:00")]
    # A patient already booked then (with anyone) is not offered the slot.
    booking.book(db, desk, scheduled.request(at(MONDAY, 10), therapist=scheduled.kim))
    assert matches(lee, at(MONDAY, 10), at(MONDAY, 10, 45)) == []


def test_a_freed_slot_is_offered_with_the_free_time_around_it(scheduled: Clinic) -> None:
    db, desk, lee = scheduled.db, scheduled.desk, scheduled.lee.staff_id
    garcia = _garcia(scheduled)
    booking.book(db, desk, scheduled.request(at(MONDAY, 8), patient=scheduled.chen, minutes=60))
    freed = booking.book(db, desk, scheduled.request(at(MONDAY, 9), patient=garcia))
    booking.book(db, desk, scheduled.request(at(MONDAY, 10, 30), patient=scheduled.chen))
    _add(scheduled, scheduled.ortiz, visit_type="initial_evaluation")
    booking.set_status(
        db, desk, freed, 1, AppointmentStatus.CANCELLED, reason="ill", now=at(MONDAY, 7)
    )
    # 09:00-09:45 was freed and 09:45-10:30 was free already: room for an hour's evaluation.
    assert waitlist.matches_for_slot(db, desk, lee, at(MONDAY, 9), at(MONDAY, 9, 45)) == []
    offers = waitlist.offers_for_freed_slot(db, desk, lee, at(MONDAY, 9), at(MONDAY, 9, 45))
    assert _who(offers) == [("M. Ortiz", "Mon 09:00")]
    assert offers[0].ends_at == at(MONDAY, 10) and offers[0].therapist_id == lee
    # Asked at 09:20, the time already gone is not offered: 09:30-10:30 still fits the hour.
    later = waitlist.offers_for_freed_slot(
        db, desk, lee, at(MONDAY, 9), at(MONDAY, 9, 45), now=at(MONDAY, 9, 20)
    )
    assert _who(later) == [("M. Ortiz", "Mon 09:30")]
    gone = waitlist.offers_for_freed_slot(
        db, desk, lee, at(MONDAY, 9), at(MONDAY, 9, 45), now=at(MONDAY, 9, 40)
    )
    assert gone == []  # 09:45-10:30 is too short for the evaluation
    # Once the time is booked again there is nothing to offer.
    booking.book(db, desk, scheduled.request(at(MONDAY, 9), patient=garcia, minutes=90))
    assert waitlist.offers_for_freed_slot(db, desk, lee, at(MONDAY, 9), at(MONDAY, 9, 45)) == []


def test_booking_from_the_waitlist_books_and_closes_the_entry_together(scheduled: Clinic) -> None:
    db, desk, lee = scheduled.db, scheduled.desk, scheduled.lee.staff_id
    item = _add(scheduled, scheduled.ortiz)
    (offer,) = waitlist.matches_for_slot(db, desk, lee, at(MONDAY, 10), at(MONDAY, 10, 45))
    appointment_id = waitlist.book_from_waitlist(
        db,
        desk,
        offer.entry.id,
        offer.entry.version,
        therapist_id=offer.therapist_id,
        starts_at=offer.starts_at,
        room_id=scheduled.room1,
    )
    with db.session() as session:
        entry = session.get(WaitlistEntry, item.id)
        visit = session.get(Appointment, appointment_id)
        assert entry is not None and visit is not None
        assert (entry.status, entry.appointment_id, entry.version) == ("booked", visit.id, 2)
        assert (visit.patient_id, visit.therapist_id, visit.room_id) == (
            scheduled.ortiz,
            lee,
            scheduled.room1,
        )
        assert visit.ends_at - visit.starts_at == timedelta(minutes=45)
        events = session.execute(
            select(AuditEvent.entity_type, AuditEvent.action)
            .where(
                AuditEvent.patient_id == scheduled.ortiz,
                AuditEvent.entity_type.in_(["appointment", "waitlist"]),
            )
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(e) for e in events] == [
        ("waitlist", "create"),
        ("appointment", "create"),
        ("waitlist", "change"),
    ]
    assert waitlist.waiting_list(db, desk) == []
    with pytest.raises(StaleRecordError):
        waitlist.book_from_waitlist(
            db, desk, item.id, 1, therapist_id=lee, starts_at=at(MONDAY, 12)
        )
    with pytest.raises(ConflictError, match="no longer waiting"):
        waitlist.book_from_waitlist(
            db, desk, item.id, 2, therapist_id=lee, starts_at=at(MONDAY, 12)
        )


def test_a_clash_or_a_lost_race_books_nothing_and_leaves_the_patient_waiting(
    scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, desk, lee = scheduled.db, scheduled.desk, scheduled.lee.staff_id
    item = _add(scheduled, scheduled.chen)
    booking.book(db, desk, scheduled.request(at(MONDAY, 10)))
    with pytest.raises(ConflictError, match=r"Dana Lee already sees M\. Ortiz 10:00–10:45"):
        waitlist.book_from_waitlist(
            db, desk, item.id, 1, therapist_id=lee, starts_at=at(MONDAY, 10)
        )
    # Another workstation's booking landed after the checks ran (faked: they saw nothing), so
    # the database's own guard refuses; the message still names the clash.
    real_examine = booking.examine

    def examine_too_early(
        session: Any, request: booking.BookingRequest, *, exclude_id: int | None = None
    ) -> tuple[BookingCheck, Any, Any]:
        _check, patient, therapist = real_examine(session, request, exclude_id=exclude_id)
        return BookingCheck(), patient, therapist

    monkeypatch.setattr(booking, "examine", examine_too_early)
    with pytest.raises(ConflictError, match=r"Dana Lee already sees M\. Ortiz 10:00–10:45"):
        waitlist.book_from_waitlist(
            db, desk, item.id, 1, therapist_id=lee, starts_at=at(MONDAY, 10, 15)
        )
    with db.session() as session:
        entry = session.get(WaitlistEntry, item.id)
        assert entry is not None and (entry.status, entry.version) == ("waiting", 1)
        assert len(session.scalars(select(Appointment.id)).all()) == 1


def test_the_waitlist_needs_the_right_permissions(scheduled: Clinic, make_staff) -> None:  # type: ignore[no-untyped-def]
    student = make_staff("student", Role.STUDENT)
    with pytest.raises(PermissionDenied):
        waitlist.add_to_waitlist(
            scheduled.db, student, WaitlistWish(scheduled.ortiz, "follow_up", date(2026, 12, 7))
        )
    with pytest.raises(PermissionDenied):
        waitlist.waiting_list(scheduled.db, scheduled.admin)
    assert waitlist.waiting_list(scheduled.db, student) == []


def test_weekday_masks_round_trip() -> None:
    assert waitlist.weekdays_mask((0, 3)) == 0b1001
    assert waitlist.mask_weekdays(0b1100001) == (0, 5, 6)
    assert waitlist.mask_weekdays(waitlist.weekdays_mask(range(7))) == tuple(range(7))


def test_the_freed_time_itself_is_offered_before_earlier_free_time(scheduled: Clinic) -> None:
    db, desk, lee = scheduled.db, scheduled.desk, scheduled.lee.staff_id
    _add(scheduled, scheduled.ortiz)
    # An otherwise empty day: the whole day is free, yet the desk freed 11:00 and offers that.
    offers = waitlist.offers_for_freed_slot(
        db, desk, lee, at(MONDAY, 11), at(MONDAY, 11, 45), now=at(MONDAY, 7)
    )
    assert _who(offers) == [("M. Ortiz", "Mon 11:00")]
