import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from ptclinic.db import Database
from ptclinic.ui import app as app_module
from ptclinic.ui.app import EXIT_DATABASE, run_app
from ptclinic.ui.login import LoginDialog
from ptclinic.ui.tasks import runner
from tests.conftest import PASSWORD

Problems = list[tuple[str, str, str, str]]


@pytest.fixture
def problems(monkeypatch: pytest.MonkeyPatch) -> Problems:
    shown: Problems = []
    monkeypatch.setattr(app_module, "show_problem", lambda *args: shown.append((*args, "")[:4]))
    return shown


@pytest.fixture(autouse=True)
def watchdog(qtbot: QtBot) -> Iterator[None]:
    """A stuck flow ends the app's event loop (and so fails the test) instead of hanging.

    Also puts back the look run_app gives the shared QApplication, so later tests' sizes do
    not depend on whether this module ran first.
    """
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    # Windows other tests left open are not this run's: the flows below look for "the" log-in
    # dialog or main window on screen, so they must not find a stranger.
    for widget in app.topLevelWidgets():
        if widget.isVisible():
            widget.hide()
    # Nor may their background work hold the one worker thread the app's writes wait for.
    assert runner().wait_for_done(10_000), "another test left work running on the worker thread"
    sheet, style = app.styleSheet(), app.style().name()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(QApplication.quit)
    timer.start(20_000)
    yield
    timer.stop()
    app.setStyleSheet(sheet)
    app.setStyle(style)


def _visible(kind: type[QWidget]) -> QWidget | None:
    return next(
        (w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()),
        None,
    )


def _when(kind: type[QWidget], then: Callable[[QWidget], None]) -> None:
    """Poll from inside the app's own event loop until a window of ``kind`` is up."""

    deadline = time.monotonic() + 25  # past the watchdog: a failed flow stops polling too

    def check() -> None:
        widget = _visible(kind)
        if widget is not None:
            then(widget)
        elif time.monotonic() < deadline:
            QTimer.singleShot(20, check)

    QTimer.singleShot(20, check)


def test_exits_once_the_login_dialog_is_shown_or_ready(
    qtbot: QtBot, clinic_db: Database, tmp_path: Path
) -> None:
    assert run_app(clinic_db.url, tmp_path, exit_when="shown") == 0
    assert run_app(clinic_db.url, tmp_path, exit_when="ready") == 0


def test_the_login_dialog_shows_before_the_database_and_waits_for_it(
    qtbot: QtBot, clinic_db: Database
) -> None:
    dialog = LoginDialog(None, "PT Clinic")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "admin")  # typing is taken while the database opens
    assert not dialog.login_button.isEnabled() and "Opening" in dialog.hint.text()
    dialog.password.setText(PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # nothing to check against yet
    assert dialog.isVisible() and not dialog.is_ready()

    dialog.attach(clinic_db, "Riverside Physical Therapy", "Upgraded; a copy is kept.")
    assert dialog.login_button.isEnabled() and dialog.title.text() == "Riverside Physical Therapy"
    assert dialog.notice.text() == "Upgraded; a copy is kept." and dialog.notice.isVisible()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor().username == "admin"


def test_a_database_that_cannot_be_opened_is_explained(
    qtbot: QtBot, tmp_path: Path, problems: Problems
) -> None:
    url = f"sqlite:///{tmp_path / 'missing-folder' / 'clinic.sqlite3'}"
    assert run_app(url, tmp_path) == EXIT_DATABASE
    [(_title, text, advice, _detail)] = problems
    assert "could not open the clinic database" in text
    assert "folder exists" in advice
    assert "Traceback" not in text + advice


def test_a_database_from_a_newer_version_is_explained(
    qtbot: QtBot, tmp_path: Path, problems: Problems
) -> None:
    import sqlite3

    path = tmp_path / "newer.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    assert run_app(f"sqlite:///{path}", tmp_path) == EXIT_DATABASE
    assert "newer version of PT Clinic" in problems[0][2]


def test_log_in_log_out_and_quit(
    qtbot: QtBot, clinic_db: Database, tmp_path: Path, problems: Problems
) -> None:
    from ptclinic.ui.main_window import MainWindow

    seen: list[str] = []

    def log_in(widget: QWidget) -> None:
        assert isinstance(widget, LoginDialog)
        seen.append("login")
        widget.fill("admin", PASSWORD)
        widget.login_button.click()
        _when(MainWindow, log_out)

    def log_out(widget: QWidget) -> None:
        assert isinstance(widget, MainWindow)
        seen.append(widget.windowTitle())
        widget.log_out()
        _when(LoginDialog, quit_from_login)

    def quit_from_login(widget: QWidget) -> None:
        seen.append("login again")
        widget.close()  # Esc or Quit: the program ends

    _when(LoginDialog, log_in)
    assert run_app(clinic_db.url, tmp_path) == 0
    assert seen == ["login", "Riverside Physical Therapy — PT Clinic", "login again"]
    assert problems == []


def test_a_main_window_that_fails_to_open_returns_to_the_login_and_is_logged(
    qtbot: QtBot,
    clinic_db: Database,
    tmp_path: Path,
    problems: Problems,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ptclinic.ui import main_window

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a module is missing")

    monkeypatch.setattr(main_window.MainWindow, "__init__", broken)
    seen: list[str] = []

    def log_in(widget: QWidget) -> None:
        assert isinstance(widget, LoginDialog)
        seen.append("login")
        widget.fill("admin", PASSWORD)
        widget.login_button.click()
        _when(LoginDialog, back_at_login)

    def back_at_login(widget: QWidget) -> None:
        seen.append("login again")  # never a program running with no window at all
        widget.close()

    _when(LoginDialog, log_in)
    assert run_app(clinic_db.url, tmp_path) == 0
    assert seen == ["login", "login again"]
    assert problems and "problem in the program" in problems[0][1]
    logged = (tmp_path / app_module.LOG_FILE).read_text(encoding="utf-8")
    assert "Main window could not open" in logged and "a module is missing" in logged


def test_ctrl_c_in_the_terminal_quits_like_file_quit(
    qtbot: QtBot, clinic_db: Database, tmp_path: Path, problems: Problems
) -> None:
    import os
    import signal

    _when(LoginDialog, lambda _dialog: os.kill(os.getpid(), signal.SIGINT))
    assert run_app(clinic_db.url, tmp_path) == 0
    assert _visible(LoginDialog) is None
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # given back
    assert problems == []
