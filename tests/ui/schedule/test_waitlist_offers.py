"""Freed time offered to the waitlist: after a cancellation the patient who fits is booked into
it and leaves the list; nobody fitting shows nothing; a lost race is said in words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptclinic.models import Appointment, WaitlistEntry
from ptclinic.roles import Role
from ptclinic.services import booking, calendar, patients, waitlist
from ptclinic.services.calendar import AppointmentView
from ptclinic.services.schedule_view import AppointmentStatus
from ptclinic.services.waitlist import WaitlistItem, WaitlistWish
from ptclinic.ui.events import events
from ptclinic.ui.schedule.waitlist_dialog import since_text
from ptclinic.ui.schedule.waitlist_offers import OffersDialog, offer_freed_slot
from tests.conftest import patient_input
from tests.services.conftest import CHICAGO, MONDAY
from tests.ui.schedule.conftest import NOW, Clinic, at, driving

TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def parent(qtbot: QtBot) -> Iterator[QWidget]:
    widget = QWidget()
    qtbot.addWidget(widget)
    yield widget


def _wait(clinic: Clinic, patient_id: int, **kwargs: Any) -> WaitlistItem:
    kwargs.setdefault("visit_type", "follow_up")
    kwargs.setdefault("earliest_date", MONDAY)
    return waitlist.add_to_waitlist(clinic.db, clinic.desk, WaitlistWish(patient_id, **kwargs))


def _cancelled(clinic: Clinic) -> AppointmentView:
    """Dana Lee's Tuesday: W. Chen 08:00-09:00, 09:00-09:45 in Treatment 1 (cancelled now, the
    view as it was) and 09:45-10:30: exactly 45 minutes come free."""
    db, desk = clinic.db, clinic.desk
    booking.book(db, desk, clinic.request(at(TUESDAY, 8), patient=clinic.chen, minutes=60))
    freed = booking.book(
        db, desk, clinic.request(at(TUESDAY, 9), patient=clinic.chen, room=clinic.room1)
    )
    booking.book(db, desk, clinic.request(at(TUESDAY, 9, 45), patient=clinic.chen))
    view = calendar.appointment_view(db, desk, freed)
    assert view is not None
    booking.set_status(
        db, desk, freed, view.version, AppointmentStatus.CANCELLED, reason="ill", now=NOW
    )
    return view


def _book_button(dialog: OffersDialog) -> Any:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def _offer(parent: QWidget, clinic: Clinic, view: AppointmentView, fill: Any) -> int | None:
    return offer_freed_slot(parent, clinic.db, clinic.desk, CHICAGO, view, driving(fill), now=NOW)


def _never(dialog: QDialog) -> None:
    raise AssertionError("no dialog should open when nobody fits")


def test_after_a_cancellation_the_waiting_patient_is_booked_into_the_freed_time(
    qtbot: QtBot, parent: QWidget, scheduled: Clinic
) -> None:
    entry = _wait(scheduled, scheduled.ortiz, note="any time")
    view = _cancelled(scheduled)
    shown: list[str] = []

    def book_first(dialog: QDialog) -> None:
        assert isinstance(dialog, OffersDialog)
        shown.append(dialog.intro.text())
        shown.extend(dialog.card(o).text() for o in dialog.offers())
        with qtbot.waitSignals([events().data_changed, events().data_changed]):
            _book_button(dialog).click()

    booked = _offer(parent, scheduled, view, book_first)
    assert shown[0].startswith("Dana Lee is free on Tue Dec 8, 09:00–09:45 (Treatment 1).")
    assert shown[1:] == [
        "M. Ortiz · 09:00–09:45\n"
        "Follow-up in Treatment 1\n"
        "Wants Any day · any time · from Mon 07 Dec 2026 · any therapist\n"
        f"Waiting since {_since(entry)} · (555) 201-3344 · “any time”"
    ]
    assert booked is not None
    with scheduled.db.session() as session:
        visit = session.get(Appointment, booked)
        row = session.get(WaitlistEntry, entry.id)
        assert visit is not None and row is not None
        assert (visit.patient_id, visit.therapist_id, visit.room_id) == (
            scheduled.ortiz,
            scheduled.lee.staff_id,
            scheduled.room1,
        )
        assert (visit.starts_at, visit.ends_at) == (at(TUESDAY, 9), at(TUESDAY, 9, 45))
        assert (row.status, row.appointment_id) == ("booked", booked)
    assert waitlist.waiting_list(scheduled.db, scheduled.desk) == []


def _since(entry: WaitlistItem) -> str:
    return since_text(entry, CHICAGO, MONDAY).removeprefix("since ")


def test_no_dialog_when_nobody_on_the_waitlist_fits(parent: QWidget, scheduled: Clinic) -> None:
    _wait(scheduled, scheduled.ortiz, weekdays=(3,))  # Thursdays only
    _wait(scheduled, scheduled.chen, therapist_id=scheduled.kim.staff_id)  # Brian Kim only
    view = _cancelled(scheduled)
    assert _offer(parent, scheduled, view, _never) is None
    assert len(waitlist.waiting_list(scheduled.db, scheduled.desk)) == 2


def test_not_now_books_nothing_and_the_patient_keeps_waiting(
    parent: QWidget, scheduled: Clinic
) -> None:
    _wait(scheduled, scheduled.ortiz)
    view = _cancelled(scheduled)

    def not_now(dialog: QDialog) -> None:
        assert isinstance(dialog, OffersDialog)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()

    assert _offer(parent, scheduled, view, not_now) is None
    assert len(waitlist.waiting_list(scheduled.db, scheduled.desk)) == 1
    with scheduled.db.session() as session:
        ortiz_visits = session.scalars(
            select(Appointment.id).where(Appointment.patient_id == scheduled.ortiz)
        ).all()
    assert ortiz_visits == []


def test_a_slot_taken_meanwhile_is_said_in_words_and_the_dialog_stays_open(
    parent: QWidget, scheduled: Clinic
) -> None:
    _wait(scheduled, scheduled.ortiz)
    view = _cancelled(scheduled)
    garcia = patients.register_patient(
        scheduled.db, scheduled.desk, patient_input(last_name="Garcia", first_name="Ana")
    ).id
    seen: dict[str, object] = {}

    def lose_the_race(dialog: QDialog) -> None:
        assert isinstance(dialog, OffersDialog)
        # Another workstation books the time while the desk is on the phone.
        booking.book(
            scheduled.db, scheduled.desk, scheduled.request(at(TUESDAY, 9), patient=garcia)
        )
        _book_button(dialog).click()
        seen["error"] = dialog.error_text()
        seen["result"] = dialog.result()
        seen["offers"] = dialog.offers()
        seen["can_book"] = _book_button(dialog).isEnabled()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()

    assert _offer(parent, scheduled, view, lose_the_race) is None
    assert seen["error"] == (
        "⚠ M. Ortiz could not be booked: Dana Lee already sees A. Garcia 09:00–09:45."
    )
    assert seen["result"] != QDialog.DialogCode.Accepted.value
    assert seen["offers"] == [] and seen["can_book"] is False
    (still,) = waitlist.waiting_list(scheduled.db, scheduled.desk)
    assert still.patient_id == scheduled.ortiz


def test_a_visit_reaching_past_the_freed_time_gets_no_room(
    parent: QWidget, scheduled: Clinic
) -> None:
    """45 minutes freed next to 45 free ones fit an hour's evaluation: its room was not the
    cancelled visit's to give, so it is booked without one, as the dialog says."""
    db, desk = scheduled.db, scheduled.desk
    freed = booking.book(db, desk, scheduled.request(at(TUESDAY, 9), room=scheduled.room1))
    booking.book(db, desk, scheduled.request(at(TUESDAY, 10, 30), patient=scheduled.chen))
    booking.book(db, desk, scheduled.request(at(TUESDAY, 8), patient=scheduled.chen, minutes=60))
    view = calendar.appointment_view(db, desk, freed)
    assert view is not None
    booking.set_status(db, desk, freed, 1, AppointmentStatus.CANCELLED, reason="ill", now=NOW)
    _wait(scheduled, scheduled.chen, visit_type="initial_evaluation", earliest_date=TUESDAY)
    cards: list[str] = []

    def book(dialog: QDialog) -> None:
        assert isinstance(dialog, OffersDialog)
        cards.extend(dialog.card(o).text() for o in dialog.offers())
        _book_button(dialog).click()

    booked = _offer(parent, scheduled, view, book)
    assert cards[0].startswith("W. Chen · 09:00–10:00\nInitial evaluation, no room yet\n")
    with db.session() as session:
        visit = session.get(Appointment, booked)
        assert visit is not None and visit.room_id is None
        assert visit.ends_at == at(TUESDAY, 10)


def test_someone_who_may_not_book_is_offered_nothing(
    parent: QWidget, scheduled: Clinic, make_staff: Any
) -> None:
    _wait(scheduled, scheduled.ortiz)
    view = _cancelled(scheduled)
    student = make_staff("student", Role.STUDENT)
    assert offer_freed_slot(parent, scheduled.db, student, CHICAGO, view, driving(_never)) is None
