from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import AuditEvent
from ptclinic.services.actor import Actor
from ptclinic.ui.idle_lock import IdleLock, LockScreen
from ptclinic.ui.tasks import runner
from tests.conftest import PASSWORD

IDLE_MS = 300


def _actions(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    main = QWidget()
    main.resize(600, 400)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.fixture
def lock(front_desk: Actor, clinic_db: Database, window: QWidget) -> Iterator[IdleLock]:
    idle = IdleLock(clinic_db, front_desk, IDLE_MS, anchor=window)
    idle.start()
    yield idle
    runner().wait_for_done(5000)  # no audit write may outlive the test's database
    idle.stop()
    if idle.lock_screen is not None:
        idle.lock_screen._may_close = True
        idle.lock_screen.close()


def _submit(qtbot: QtBot, screen: LockScreen, field: QLineEdit, text: str) -> None:
    """Type into a lock-screen field, press Enter and wait for the refusal."""
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not screen.is_busy(), timeout=5000)


def _open_form(qtbot: QtBot, parent: QWidget) -> tuple[QDialog, QLineEdit]:
    dialog = QDialog(parent)
    field = QLineEdit()
    QVBoxLayout(dialog).addWidget(field)
    dialog.open()
    qtbot.keyClicks(field, "Pain 6/10 after stairs")
    return dialog, field


def test_idle_time_covers_the_app_and_keeps_open_work(
    qtbot: QtBot, lock: IdleLock, window: QWidget, clinic_db: Database
) -> None:
    dialog, field = _open_form(qtbot, window)
    with qtbot.waitSignal(lock.locked, timeout=5000):
        pass
    screen = lock.lock_screen
    assert screen is not None and screen.isVisible()
    assert screen.objectName() == "lockScreen"
    assert screen.geometry() == window.screen().geometry()
    # Covered, not hidden: the open form and what was typed into it stay.
    assert dialog.isVisible() and window.isVisible()
    assert field.text() == "Pain 6/10 after stairs"
    qtbot.waitUntil(lambda: "screen_locked" in _actions(clinic_db), timeout=5000)


def test_wrong_password_keeps_the_lock_and_right_one_resumes(
    qtbot: QtBot, lock: IdleLock, window: QWidget, clinic_db: Database
) -> None:
    dialog, field = _open_form(qtbot, window)
    lock.lock_now()
    screen = lock.lock_screen
    assert screen is not None
    _submit(qtbot, screen, screen.password, "not my password")
    assert lock.is_locked() and screen.isVisible()
    assert "not right" in screen.error.text() and screen.password.text() == ""
    # Escape never dismisses the lock.
    qtbot.keyClick(screen.password, "\x1b")
    assert screen.isVisible()

    with qtbot.waitSignal(lock.unlocked, timeout=5000):
        qtbot.keyClicks(screen.password, PASSWORD)
        screen.unlock_button.click()
    assert not lock.is_locked()
    assert dialog.isVisible() and field.text() == "Pain 6/10 after stairs"
    qtbot.waitUntil(lambda: "screen_locked" in _actions(clinic_db), timeout=5000)
    actions = _actions(clinic_db)
    assert actions.index("screen_locked") < actions.index("screen_unlocked")
    assert "login_failed" in actions


def test_activity_postpones_the_lock(qtbot: QtBot, lock: IdleLock, window: QWidget) -> None:
    field = QLineEdit(window)
    field.show()
    for _ in range(6):
        qtbot.keyClicks(field, "a")
        qtbot.wait(IDLE_MS // 3)
    assert not lock.is_locked()
    with qtbot.waitSignal(lock.locked, timeout=5000):
        pass


def test_lockout_rules_apply_to_unlocking(qtbot: QtBot, lock: IdleLock) -> None:
    lock.lock_now()
    screen = lock.lock_screen
    assert screen is not None
    for _ in range(5):
        _submit(qtbot, screen, screen.password, "not my password")
    assert "locked for 15 minutes" in screen.error.text()
    _submit(qtbot, screen, screen.password, PASSWORD)
    assert "locked" in screen.error.text()
    assert lock.is_locked()


def test_only_an_administrator_can_switch_user(
    qtbot: QtBot, lock: IdleLock, therapist: Actor, clinic_db: Database
) -> None:
    lock.lock_now()
    screen = lock.lock_screen
    assert screen is not None
    screen.switch_button.click()
    assert screen.switch_panel.isVisible()
    qtbot.keyClicks(screen.admin_username, "therapist")
    _submit(qtbot, screen, screen.admin_password, PASSWORD)
    assert "Only an administrator" in screen.switch_error.text()
    assert lock.is_locked()

    screen.admin_username.clear()
    qtbot.keyClicks(screen.admin_username, "admin")
    with qtbot.waitSignal(lock.session_ended, timeout=5000):
        qtbot.keyClicks(screen.admin_password, PASSWORD)
        screen.end_session_button.click()
    assert not lock.is_locked()
    with clinic_db.session() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert last is not None
        assert (last.action, last.actor_username) == ("logout", "frontdesk")
