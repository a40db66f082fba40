"""The Schedule page in the main window: where each role lands, and "Open chart"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ptclinic.roles import Role
from ptclinic.services.actor import Actor
from ptclinic.ui.main_window import MainWindow
from ptclinic.ui.patients.page import PatientsPage
from ptclinic.ui.schedule.page import SchedulePage
from tests.ui.schedule.conftest import Clinic


def _window(qtbot: QtBot, clinic: Clinic, actor: Actor, tmp_path: Path) -> MainWindow:
    window = MainWindow(clinic.db, actor, tmp_path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_front_desk_lands_on_the_schedule_clinicians_on_my_work(
    qtbot: QtBot,
    scheduled: Clinic,
    make_staff,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    desk = _window(qtbot, scheduled, scheduled.desk, tmp_path)
    assert desk.current_page_key() == "schedule"
    page = desk.pages["schedule"]
    assert isinstance(page, SchedulePage)
    assert page.isAncestorOf(desk.focusWidget()) or desk.focusWidget() is None
    therapist = _window(qtbot, scheduled, scheduled.lee, tmp_path)
    assert therapist.current_page_key() == "my_work"  # the next patient, what is due
    student = _window(qtbot, scheduled, make_staff("pupil", Role.STUDENT), tmp_path)
    assert "schedule" not in student.pages
    assert student.current_page_key() == "my_work"


def test_open_chart_from_the_schedule_shows_the_patient(
    qtbot: QtBot, scheduled: Clinic, tmp_path: Path
) -> None:
    from ptclinic.services import booking
    from tests.services.conftest import MONDAY
    from tests.ui.schedule.conftest import at

    visit = booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    window = _window(qtbot, scheduled, scheduled.desk, tmp_path)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    schedule = window.pages["schedule"]
    assert isinstance(schedule, SchedulePage)
    schedule.go_to(MONDAY)
    assert schedule.grid.select_appointment(visit)
    schedule.grid.setFocus()
    qtbot.keyClick(schedule.grid, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "patients"
    patients = window.pages["patients"]
    assert isinstance(patients, PatientsPage)
    record = patients.current_patient()
    assert record is not None and record.id == scheduled.ortiz
