"""The chart's attendance section: the summary, a warning after repeated no-shows, and the visits
ahead apart from past ones, each status in words."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from ptclinic.models import Appointment, AppointmentStatus
from ptclinic.services import booking
from ptclinic.services.actor import Actor
from ptclinic.ui.events import events
from ptclinic.ui.patients.attendance_view import (
    LOAD_TROUBLE,
    NO_VISITS,
    AttendanceView,
    VisitTableModel,
)
from tests.services.conftest import MONDAY, Clinic, at, scheduled

__all__ = ["scheduled"]

S = AppointmentStatus
THURSDAY_NOON = at(MONDAY + timedelta(days=3), 12)  # "now" in these tests
LATER = at(MONDAY + timedelta(days=20), 12)


def _day(offset: int, hour: int = 10) -> datetime:
    return at(MONDAY + timedelta(days=offset), hour)


def _history(clinic: Clinic) -> dict[str, int]:
    """Ortiz, seen from Thursday noon: Monday completed and a no-show, Tuesday a no-show,
    Wednesday cancelled late, Thursday morning and next Monday still booked."""
    db, desk = clinic.db, clinic.desk
    ids = {
        name: booking.book(db, desk, clinic.request(when, therapist=who))
        for name, when, who in (
            ("completed", _day(0), clinic.lee),
            ("no_show", _day(0, 14), clinic.lee),
            ("no_show_2", _day(1), clinic.lee),
            ("late", _day(2), clinic.kim),
            ("today", _day(3), clinic.lee),
            ("next_week", _day(7), clinic.lee),
        )
    }
    with db.session() as session:  # completion comes from the visit note (a later issue)
        session.execute(
            update(Appointment)
            .where(Appointment.id == ids["completed"])
            .values(status=S.COMPLETED.value)
        )
    booking.set_status(db, desk, ids["no_show"], 1, S.NO_SHOW, now=LATER)
    booking.set_status(db, desk, ids["no_show_2"], 1, S.NO_SHOW, now=LATER)
    booking.set_status(db, desk, ids["late"], 1, S.CANCELLED, reason="flat tyre", now=_day(2, 8))
    return ids


def _view(qtbot: QtBot, clinic: Clinic, actor: Actor | None = None) -> AttendanceView:
    view = AttendanceView(clinic.db, actor or clinic.desk, clock=lambda: THURSDAY_NOON)
    qtbot.addWidget(view)
    view.resize(700, 600)
    view.show()
    return view


def _rows(model: VisitTableModel) -> list[list[str]]:
    return [
        [str(model.index(row, column).data()) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_visits_ahead_come_first_soonest_first_and_past_ones_newest_first(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    _history(scheduled)
    view = _view(qtbot, scheduled)
    view.show_patient(scheduled.ortiz)
    assert view.ahead_title.text() == "Today and upcoming (2)"
    assert _rows(view.ahead_model) == [
        ["Thu Dec 10, 2026", "10:00", "Scheduled", "D. Lee", "Follow-up", ""],
        ["Mon Dec 14, 2026", "10:00", "Scheduled", "D. Lee", "Follow-up", ""],
    ]
    assert view.past_title.text() == "Past visits (4)"
    assert _rows(view.past_model) == [
        ["Wed Dec 9, 2026", "10:00", "✗ Late cancel", "B. Kim", "Follow-up", "flat tyre"],
        ["Tue Dec 8, 2026", "10:00", "⚠ No-show", "D. Lee", "Follow-up", ""],
        ["Mon Dec 7, 2026", "14:00", "⚠ No-show", "D. Lee", "Follow-up", ""],
        ["Mon Dec 7, 2026", "10:00", "✔ Completed", "D. Lee", "Follow-up", ""],
    ]
    with_kim = view.past_model.index(0, VisitTableModel.WITH)
    assert with_kim.data(Qt.ItemDataRole.ToolTipRole) == "Brian Kim"  # the whole name
    assert view.ahead_table.isVisible() and view.past_table.isVisible()
    assert not view.nothing_ahead.isVisible() and not view.empty.isVisible()
    # Visits that did not take place are muted as well as worded; the others are not.
    muted = view.past_model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert muted is not None
    assert view.past_model.index(3, 0).data(Qt.ItemDataRole.ForegroundRole) is None


def test_two_no_shows_make_the_summary_a_warning(qtbot: QtBot, scheduled: Clinic) -> None:
    _history(scheduled)
    view = _view(qtbot, scheduled)
    view.show_patient(scheduled.ortiz)
    assert view.summary.text() == ("⚠ 1 completed · 2 booked · 1 cancelled (1 late) · 2 no-shows")
    assert view.summary.objectName() == "formNotice"
    assert view.summary.toolTip() == "Missed 2 visits without notice."


def test_one_no_show_is_counted_without_a_warning(qtbot: QtBot, scheduled: Clinic) -> None:
    missed = booking.book(scheduled.db, scheduled.desk, scheduled.request(_day(0)))
    booking.set_status(scheduled.db, scheduled.desk, missed, 1, S.NO_SHOW, now=LATER)
    view = _view(qtbot, scheduled)
    view.show_patient(scheduled.ortiz)
    assert view.summary.text() == "0 completed · 0 booked · 0 cancelled · 1 no-show"
    assert view.summary.objectName() == ""
    assert view.nothing_ahead.isVisible()  # nothing booked from today on, said in words
    assert not view.ahead_table.isVisible()


def test_a_patient_without_visits_says_so(qtbot: QtBot, scheduled: Clinic) -> None:
    view = _view(qtbot, scheduled)
    view.show_patient(scheduled.chen)
    assert view.empty.isVisible() and view.empty.text() == NO_VISITS
    assert not view.summary.isVisible()
    assert not view.ahead_table.isVisible() and not view.past_table.isVisible()


def test_the_section_reloads_when_appointments_change(qtbot: QtBot, scheduled: Clinic) -> None:
    view = _view(qtbot, scheduled)
    view.show_patient(scheduled.chen)
    visit = booking.book(
        scheduled.db, scheduled.desk, scheduled.request(_day(4), patient=scheduled.chen)
    )
    events().data_changed.emit("room", [])  # not about visits: nothing to reload
    assert view.empty.isVisible()
    events().data_changed.emit("appointment", [visit])
    assert not view.empty.isVisible()
    assert _rows(view.ahead_model) == [
        ["Fri Dec 11, 2026", "10:00", "Scheduled", "D. Lee", "Follow-up", ""]
    ]
    booking.set_status(
        scheduled.db, scheduled.desk, visit, 1, S.CANCELLED, reason="Work conflict", now=_day(0)
    )
    events().data_changed.emit("appointment", [visit])
    assert _rows(view.ahead_model)[0][2:] == [
        "✗ Cancelled",
        "D. Lee",
        "Follow-up",
        "Work conflict",
    ]
    assert view.summary.text() == "0 completed · 0 booked · 1 cancelled · 0 no-shows"


def test_a_refusal_or_a_silent_database_is_said_in_words(
    qtbot: QtBot, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = _view(qtbot, scheduled, actor=scheduled.admin)
    view.show_patient(scheduled.ortiz)
    assert view.error.isVisible()
    assert "is not allowed to view patients" in view.error.text()
    assert not view.summary.isVisible() and not view.empty.isVisible()

    from ptclinic.services.errors import DatabaseUnavailable
    from ptclinic.ui.patients import attendance_view

    def unreachable(*_args: object, **_kwargs: object) -> None:
        raise DatabaseUnavailable("the server went away")

    monkeypatch.setattr(attendance_view, "attendance", unreachable)
    view = _view(qtbot, scheduled)
    view.show_patient(scheduled.ortiz)
    assert view.error.text() == "⚠ " + LOAD_TROUBLE
