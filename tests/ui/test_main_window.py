from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import AuditEvent
from ptclinic.services.actor import Actor
from ptclinic.ui.admin.page import AdministrationPage
from ptclinic.ui.main_window import MainWindow
from ptclinic.ui.patients.page import PatientsPage
from ptclinic.ui.schedule.page import SchedulePage
from ptclinic.ui.window_size import SMALLEST_SCREEN, default_size
from tests.conftest import PASSWORD

MakeWindow = Callable[[Actor], MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, clinic_db: Database, tmp_path: Path) -> MakeWindow:
    def make(actor: Actor) -> MainWindow:
        window = MainWindow(clinic_db, actor, tmp_path)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def _navigation(window: MainWindow) -> list[str]:
    return [window.navigation.item(i).text() for i in range(window.navigation.count())]


def _menu_titles(window: MainWindow) -> list[str]:
    return [a.text().replace("&", "") for a in window.menuBar().actions()]


def test_front_desk_sees_patients_not_administration(
    make_window: MakeWindow, front_desk: Actor
) -> None:
    window = make_window(front_desk)
    assert _navigation(window) == ["Schedule", "Patients"]
    assert window.current_page_key() == "schedule"
    assert "Patients" in _menu_titles(window)
    assert isinstance(window.pages["schedule"], SchedulePage)


def test_administrator_sees_administration_not_patients(
    make_window: MakeWindow, admin: Actor
) -> None:
    window = make_window(admin)
    assert _navigation(window) == ["Administration"]
    assert window.current_page_key() == "admin"
    assert "Patients" not in _menu_titles(window)


def test_therapist_sees_clinical_pages(make_window: MakeWindow, therapist: Actor) -> None:
    window = make_window(therapist)
    assert _navigation(window) == ["Schedule", "Patients", "My work", "Exercise library"]


def test_title_and_status_bar_name_the_clinic_and_the_user(
    make_window: MakeWindow, front_desk: Actor, clinic_db: Database
) -> None:
    window = make_window(front_desk)
    assert window.windowTitle() == "Riverside Physical Therapy — PT Clinic"
    identity = window.statusBar().findChild(QLabel, "statusIdentity")
    assert identity is not None
    status = identity.text()
    assert f"Frontdesk Person · Front desk · {clinic_db.describe()}" in status


def test_ctrl_k_goes_to_patients_and_focuses_search(
    qtbot: QtBot, make_window: MakeWindow, front_desk: Actor
) -> None:
    window = make_window(front_desk)
    window.show_page("schedule")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.find_action.shortcut().toString() == "Ctrl+K"
    qtbot.keyClick(window.navigation, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    page = window.pages["patients"]
    assert window.current_page_key() == "patients"
    assert isinstance(page, PatientsPage)
    qtbot.waitUntil(lambda: page.isAncestorOf(window.focusWidget()))


def test_go_shortcuts_switch_pages(
    qtbot: QtBot, make_window: MakeWindow, front_desk: Actor
) -> None:
    window = make_window(front_desk)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.navigation, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "schedule"
    qtbot.keyClick(window.navigation, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "patients"


def test_geometry_is_remembered(
    qtbot: QtBot, make_window: MakeWindow, front_desk: Actor, tmp_path: Path
) -> None:
    first = make_window(front_desk)
    # Smaller than the default but no smaller than the window allows; restoring clamps a
    # size to the (small, offscreen) test screen, so stay well inside it.
    smallest = first.minimumSizeHint()
    wanted = QSize(max(smallest.width(), first.width() - 60), max(smallest.height(), 400))
    assert wanted != first.size()
    first.resize(wanted)
    qtbot.waitUntil(lambda: first.size() == wanted)
    first.close()
    assert (tmp_path / "ui.ini").exists()
    second = make_window(front_desk)
    assert second.size() == wanted


@pytest.mark.parametrize("role", ["front_desk", "therapist", "admin"])
def test_every_page_fits_the_smallest_laptop(
    make_window: MakeWindow, role: str, request: pytest.FixtureRequest
) -> None:
    window = make_window(request.getfixturevalue(role))
    room = SMALLEST_SCREEN - QSize(40, 60)
    smallest = window.minimumSizeHint()
    assert smallest.width() <= room.width() and smallest.height() <= room.height()


@pytest.mark.parametrize("screen", [QSize(1280, 720), QSize(1366, 768), QSize(2560, 1400)])
def test_default_size_fits_the_screen_and_the_layout(
    make_window: MakeWindow, front_desk: Actor, screen: QSize
) -> None:
    size = default_size(screen)
    assert size.width() < screen.width() and size.height() < screen.height()
    smallest = make_window(front_desk).minimumSizeHint()
    assert size.width() >= smallest.width() and size.height() >= smallest.height()
    if screen.width() > 2000:
        assert size.width() >= screen.width() * 3 // 4  # a large screen is used, not wasted


def test_log_out_is_audited_and_returns_to_login(
    qtbot: QtBot, make_window: MakeWindow, front_desk: Actor, clinic_db: Database
) -> None:
    window = make_window(front_desk)
    with qtbot.waitSignal(window.closed) as closed:
        window.log_out()
    assert closed.args == [True]
    with clinic_db.session() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert last is not None and (last.action, last.actor_username) == ("logout", "frontdesk")


def test_unsaved_work_asks_before_closing(
    qtbot: QtBot, make_window: MakeWindow, front_desk: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(front_desk)
    page = window.pages["patients"]
    monkeypatch.setattr(page, "has_unsaved_work", lambda: True, raising=False)
    asked: list[list[str]] = []

    def keep_working(titles: list[str]) -> bool:
        asked.append(titles)
        return False

    monkeypatch.setattr(window, "confirm_discard", keep_working)
    window.log_out()
    assert asked == [["Patients"]]
    assert window.isVisible()
    monkeypatch.setattr(window, "confirm_discard", lambda titles: True)
    with qtbot.waitSignal(window.closed):
        window.close()


def test_typing_in_clinic_settings_counts_as_unsaved_work(
    make_window: MakeWindow, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(admin)
    monkeypatch.setattr(window, "confirm_discard", lambda titles: True)  # for the teardown
    assert window.unsaved_pages() == []
    page = window.pages["admin"]
    assert isinstance(page, AdministrationPage) and page.settings_tab is not None
    page.settings_tab.name.setText("Renamed clinic")
    assert window.unsaved_pages() == ["Administration"]


def test_about_shows_version_and_database(
    make_window: MakeWindow, admin: Actor, clinic_db: Database
) -> None:
    from ptclinic import __version__

    window = make_window(admin)
    box = window.show_about()
    assert __version__ in box.text()
    assert "SQLite" in box.text() or "PostgreSQL" in box.text()
    box.close()


class _AskingDialog(QDialog):
    """Like a form with typing in it: its own reject() would ask before closing."""

    asked = False

    def reject(self) -> None:
        _AskingDialog.asked = True


def test_switch_user_from_the_lock_closes_everything_without_asking(
    qtbot: QtBot, make_window: MakeWindow, front_desk: Actor
) -> None:
    window = make_window(front_desk)
    dialog = _AskingDialog(window)
    dialog.open()
    window.lock_action.trigger()
    screen = window.idle_lock.lock_screen
    assert screen is not None and dialog.isVisible()
    screen.switch_button.click()
    qtbot.keyClicks(screen.admin_username, "admin")
    with qtbot.waitSignal(window.closed, timeout=5000) as closed:
        qtbot.keyClicks(screen.admin_password, PASSWORD)
        qtbot.keyClick(screen.admin_password, Qt.Key.Key_Return)
    assert closed.args == [True]
    assert not dialog.isVisible() and not _AskingDialog.asked


def test_the_schedule_menu_brings_the_schedule_forward_before_acting(
    make_window: MakeWindow, front_desk: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window(front_desk)
    assert "Schedule" in _menu_titles(window)
    schedule = window.pages["schedule"]
    assert isinstance(schedule, SchedulePage)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Schedule")
    titles = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert "&Book…" in titles and "Add &time off…" in titles
    window.show_page("patients")
    opened: list[str] = []

    def shown_from(_dialog: QDialog) -> int:
        opened.append(window.current_page_key())
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(schedule, "exec_dialog", shown_from)
    next(a for a in menu.actions() if a.text() == "&Go to date…").trigger()
    assert opened == ["schedule"]  # the page was in front before its dialog opened


def test_new_patient_is_offered_in_the_patients_menu_too(
    make_window: MakeWindow, front_desk: Actor
) -> None:
    window = make_window(front_desk)
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    patients = [a.text() for a in menus["&Patients"].actions()]
    assert "&New patient…" in patients
    assert "&New patient…" in [a.text() for a in menus["&File"].actions()]


def test_the_chart_opens_an_evaluation_window_that_quitting_saves_and_closes(
    qtbot: QtBot,
    make_window: MakeWindow,
    therapist: Actor,
    front_desk: Actor,
    clinic_db: Database,
) -> None:
    from ptclinic.services import episodes, evaluation_records, patients
    from ptclinic.services.episodes import EpisodeInput
    from ptclinic.ui.evaluation.window import open_windows
    from tests.conftest import patient_input

    patient = patients.register_patient(clinic_db, front_desk, patient_input())
    episode = episodes.open_episode(clinic_db, front_desk, patient.id, EpisodeInput(title="SI"))
    window = make_window(therapist)
    page = window.pages["patients"]
    assert isinstance(page, PatientsPage)
    page.open_evaluation.emit(episode.id)
    (evaluation,) = open_windows()
    qtbot.waitExposed(evaluation)
    assert evaluation.isVisible()
    page.open_evaluation.emit(episode.id)  # brought forward, not opened twice
    assert open_windows() == [evaluation]
    window.close()
    assert open_windows() == [] and not window.isVisible()
    record = evaluation_records.episode_evaluation(clinic_db, therapist, episode.id)
    assert record is not None and record.status == "draft"


def test_an_evaluation_that_cannot_open_is_said_in_words(
    make_window: MakeWindow,
    front_desk: Actor,
    clinic_db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QMessageBox

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: said.append(text))
    window = make_window(front_desk)
    assert window.open_evaluation(12345) is None
    assert said == ["That episode of care does not exist."]
