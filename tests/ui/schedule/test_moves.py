"""Moves made from the grid and their undo, on a real database: each undo is a checked move
against the version the move produced."""

from __future__ import annotations

from datetime import timedelta

from ptclinic.services import booking, calendar
from ptclinic.services.actor import Actor
from ptclinic.services.calendar import AppointmentView
from ptclinic.services.schedule_view import AppointmentStatus
from ptclinic.ui.schedule.moves import Mover, Placement, placement_of
from tests.services.conftest import MONDAY
from tests.ui.schedule.conftest import Clinic, at


def _view(clinic: Clinic, appointment_id: int) -> AppointmentView:
    view = calendar.appointment_view(clinic.db, clinic.desk, appointment_id)
    assert view is not None
    return view


def _mover(clinic: Clinic, approver: Actor | None = None) -> Mover:
    def ask(_why: str, perform):  # type: ignore[no-untyped-def]
        return perform(approver) if approver is not None else None

    return Mover(clinic.db, clinic.desk, ask)


def _move(mover: Mover, view: AppointmentView, hour: int, minutes: int = 45) -> bool:
    to = Placement(at(MONDAY, hour), minutes, view.therapist_id, view.room_id)
    return mover.move(view, to, where_text="there", before_text="here").moved


def test_two_moves_of_one_visit_are_undone_one_after_the_other(scheduled: Clinic) -> None:
    visit = booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    mover = _mover(scheduled)
    assert _move(mover, _view(scheduled, visit), 11)
    assert _move(mover, _view(scheduled, visit), 14, 60)
    first = mover.undo()
    assert (
        first is not None
        and first.moved
        and first.message == ("Move undone: M. Ortiz is back at here.")
    )
    assert placement_of(_view(scheduled, visit)) == Placement(
        at(MONDAY, 11), 45, scheduled.lee.staff_id, None
    )
    second = mover.undo()
    assert second is not None and second.moved
    assert _view(scheduled, visit).starts_at == at(MONDAY, 10)
    assert mover.undo() is None


def test_undo_leaves_a_visit_someone_changed_since(scheduled: Clinic) -> None:
    visit = booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    mover = _mover(scheduled)
    assert _move(mover, _view(scheduled, visit), 11)
    elsewhere = _view(scheduled, visit)
    booking.reschedule(
        scheduled.db, scheduled.desk, visit, elsewhere.version, starts_at=at(MONDAY, 15)
    )
    result = mover.undo()
    assert result is not None and not result.moved
    assert "someone changed this visit after it was moved" in result.message
    assert _view(scheduled, visit).starts_at == at(MONDAY, 15)
    assert not mover.can_undo()


def test_an_undo_that_would_clash_is_refused_and_can_be_tried_again(scheduled: Clinic) -> None:
    visit = booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    mover = _mover(scheduled)
    assert _move(mover, _view(scheduled, visit), 11)
    taken = booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10), patient=scheduled.chen)
    )
    result = mover.undo()
    assert result is not None and not result.moved
    assert result.message == "Not undone: Dana Lee already sees W. Chen 10:00–10:45."
    assert mover.can_undo()
    booking.set_status(
        scheduled.db, scheduled.desk, taken, 1, AppointmentStatus.CANCELLED, reason="ill"
    )
    again = mover.undo()
    assert again is not None and again.moved


def test_outside_the_hours_only_an_approved_move_lands(scheduled: Clinic) -> None:
    visit = booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    late = Placement(at(MONDAY, 18, 30), 45, scheduled.lee.staff_id, None)
    refused = _mover(scheduled).move(
        _view(scheduled, visit), late, where_text="late", before_text="10:00"
    )
    assert not refused.moved and "The clinic is open 07:00–19:00 on Mondays." in refused.message
    approved = _mover(scheduled, scheduled.admin).move(
        _view(scheduled, visit), late, where_text="late", before_text="10:00"
    )
    assert approved.moved and approved.version == 2
    assert _view(scheduled, visit).ends_at == at(MONDAY, 18, 30) + timedelta(minutes=45)
