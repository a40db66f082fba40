from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot

from ptclinic.db import Database
from ptclinic.ui.login import LoginDialog
from tests.conftest import PASSWORD

DEMO = [("frontdesk", "demo pass 1", "Front desk"), ("admin", PASSWORD, "Administrator")]


def _dialog(
    qtbot: QtBot, db: Database, demo: list[tuple[str, str, str]] | None = None
) -> LoginDialog:
    dialog = LoginDialog(db, "Riverside Physical Therapy", demo or [])
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _try(qtbot: QtBot, dialog: LoginDialog, username: str, password: str) -> None:
    dialog.username.clear()
    dialog.password.clear()
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    dialog.login_button.click()


def test_right_password_logs_in(qtbot: QtBot, clinic_db: Database) -> None:
    dialog = _dialog(qtbot, clinic_db)
    assert dialog.login_button.isDefault()
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor().username == "admin"
    assert dialog.actor().full_name == "Avery Admin"


def test_escape_closes_the_dialog(qtbot: QtBot, clinic_db: Database) -> None:
    dialog = _dialog(qtbot, clinic_db)
    with qtbot.waitSignal(dialog.rejected, timeout=5000):
        qtbot.keyClick(dialog.username, Qt.Key.Key_Escape)


def test_wrong_password_is_explained_in_the_dialog(qtbot: QtBot, clinic_db: Database) -> None:
    dialog = _dialog(qtbot, clinic_db)
    _try(qtbot, dialog, "admin", "not my password")
    assert dialog.isVisible()
    assert dialog.error.objectName() == "formError"
    assert "not right" in dialog.error_text()
    assert dialog.password.text() == ""
    assert dialog.focusWidget() is dialog.password
    assert dialog.username.text() == "admin"


def test_fifth_failure_says_the_account_is_locked(qtbot: QtBot, clinic_db: Database) -> None:
    dialog = _dialog(qtbot, clinic_db)
    for _ in range(5):
        _try(qtbot, dialog, "admin", "not my password")
    assert "locked for 15 minutes" in dialog.error_text()
    # Even the right password is refused while the lock lasts.
    _try(qtbot, dialog, "admin", PASSWORD)
    assert "locked" in dialog.error_text()
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_demo_panel_lists_accounts_and_fills_the_fields(qtbot: QtBot, clinic_db: Database) -> None:
    dialog = _dialog(qtbot, clinic_db, DEMO)
    texts = {label.text() for label in dialog.findChildren(QLabel)}
    assert "Demo clinic — sample log-ins" in texts
    assert {"frontdesk", "demo pass 1", "Front desk", "Administrator"} <= texts
    dialog.demo_buttons[1].click()
    assert dialog.username.text() == "admin"
    assert dialog.password.text() == PASSWORD
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.login_button.click()
    assert dialog.actor().username == "admin"


def test_no_demo_panel_for_a_real_clinic(qtbot: QtBot, clinic_db: Database) -> None:
    dialog = _dialog(qtbot, clinic_db)
    assert dialog.demo_buttons == []
    assert "Demo clinic — sample log-ins" not in {w.text() for w in dialog.findChildren(QLabel)}


def test_error_message_makes_room_instead_of_squeezing_the_demo_panel(
    qtbot: QtBot, clinic_db: Database
) -> None:
    dialog = _dialog(qtbot, clinic_db, DEMO)
    _try(qtbot, dialog, "admin", "not my password")
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert dialog.height() >= dialog.layout().heightForWidth(dialog.width())


def test_a_one_off_notice_is_shown(qtbot: QtBot, clinic_db: Database) -> None:
    dialog = LoginDialog(clinic_db, "Riverside", [], notice="A copy is kept at /tmp/x.bak")
    qtbot.addWidget(dialog)
    notices = [w for w in dialog.findChildren(QLabel) if w.objectName() == "formNotice"]
    assert [n.text() for n in notices] == ["A copy is kept at /tmp/x.bak"]
