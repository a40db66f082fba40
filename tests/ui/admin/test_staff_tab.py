from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from ptclinic.db import Database
from ptclinic.models import Role
from ptclinic.services import auth, staff
from ptclinic.services.actor import Actor
from ptclinic.services.errors import AuthenticationError
from ptclinic.ui.admin.staff_dialogs import AddStaffDialog, ChangeRoleDialog
from ptclinic.ui.admin.staff_tab import StaffTab
from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new one 2"


@pytest.fixture
def tab(qtbot: QtBot, clinic_db: Database, admin: Actor) -> StaffTab:
    widget = StaffTab(clinic_db, admin)
    qtbot.addWidget(widget)
    return widget


def _drive(fill: Callable[[QDialog], None]) -> Callable[[QDialog], int]:
    """Stand-in for exec(): fill the dialog, press OK, report whether it closed accepted."""

    def run(dialog: QDialog) -> int:
        fill(dialog)
        dialog.accept()
        return dialog.result()

    return run


def _row(tab: StaffTab, username: str) -> list[str]:
    model = tab.model
    for row in range(model.rowCount()):
        if model.record(row).username == username:
            return [str(model.index(row, c).data()) for c in range(model.columnCount())]
    raise AssertionError(f"{username} is not in the table")


def _fill_new(dialog: AddStaffDialog, username: str, again: str = PASSWORD) -> None:
    dialog.full_name.setText("Jordan Lee")
    dialog.username.setText(username)
    dialog.role.setCurrentIndex(dialog.role.findData(Role.THERAPIST.value))
    dialog.credentials.setText("DPT")
    dialog.password.setText(PASSWORD)
    dialog.password_again.setText(again)


def test_bad_username_is_shown_beside_the_field_and_nothing_is_created(
    qtbot: QtBot, clinic_db: Database, admin: Actor
) -> None:
    dialog = AddStaffDialog(clinic_db, admin)
    qtbot.addWidget(dialog)
    _fill_new(dialog, "Jordan Lee!")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted.value
    assert "Username must be" in dialog.fields.message("username")
    assert dialog.fields.message("full_name") == ""
    assert [s.username for s in staff.list_staff(clinic_db)] == ["admin"]


def test_mismatched_passwords_are_caught_before_saving(
    qtbot: QtBot, clinic_db: Database, admin: Actor
) -> None:
    dialog = AddStaffDialog(clinic_db, admin)
    qtbot.addWidget(dialog)
    _fill_new(dialog, "jlee", again=PASSWORD + "x")
    dialog.accept()
    assert "not the same" in dialog.fields.message("password_again")
    assert [s.username for s in staff.list_staff(clinic_db)] == ["admin"]


def test_a_taken_username_is_refused_in_plain_words(
    qtbot: QtBot, clinic_db: Database, admin: Actor
) -> None:
    dialog = AddStaffDialog(clinic_db, admin)
    qtbot.addWidget(dialog)
    _fill_new(dialog, "admin")
    dialog.accept()
    assert "already taken" in dialog.error_text()


def test_added_staff_appears_in_the_table(tab: StaffTab, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tab, "exec_dialog", _drive(lambda d: _fill_new(d, "jlee")))  # type: ignore[arg-type]
    tab.add_staff()
    assert _row(tab, "jlee") == ["Jordan Lee", "jlee", "Therapist", "DPT", "✓ Active"]
    selected = tab.selected()
    assert selected is not None and selected.username == "jlee"
    assert "Added Jordan Lee" in tab.message.text()


def test_add_staff_by_keyboard_alone(qtbot: QtBot, tab: StaffTab, clinic_db: Database) -> None:
    tab.show()
    window = tab.windowHandle()
    window.requestActivate()  # shortcuts only reach the active window
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is window)
    typed: list[bool] = []

    def type_and_press_enter() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:  # a mnemonic "clicks" its button after a short animation
            QTimer.singleShot(10, type_and_press_enter)
            return
        assert isinstance(dialog, AddStaffDialog)
        for field, text in [
            (dialog.full_name, "Jordan Lee"),
            (dialog.username, "jlee"),
            (dialog.password, PASSWORD),
            (dialog.password_again, PASSWORD),
        ]:
            qtbot.keyClicks(field, text)
        qtbot.keyClick(dialog.password_again, Qt.Key.Key_Return)
        typed.append(True)

    QTimer.singleShot(0, type_and_press_enter)
    qtbot.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(typed) and QApplication.activeModalWidget() is None)
    assert "jlee" in [s.username for s in staff.list_staff(clinic_db)]
    assert _row(tab, "jlee")[tab.STATUS] == "✓ Active"


def test_disable_asks_first_then_enable_restores(
    tab: StaffTab, clinic_db: Database, make_staff
) -> None:  # type: ignore[no-untyped-def]
    make_staff("jlee", Role.THERAPIST)  # emits no event: the test refreshes like a new visit
    tab.refresh()
    tab.select("jlee")
    assert tab.active_button.text() == "&Disable…"

    tab.confirm = lambda *_: False
    tab.toggle_active()
    assert _row(tab, "jlee")[tab.STATUS] == "✓ Active"

    tab.confirm = lambda *_: True
    tab.toggle_active()
    assert _row(tab, "jlee")[tab.STATUS] == "✗ Disabled"
    assert tab.active_button.text() == "&Enable"
    with pytest.raises(AuthenticationError, match="disabled"):
        auth.authenticate(clinic_db, "jlee", PASSWORD)

    tab.confirm = lambda *_: pytest.fail("enabling needs no confirmation")  # type: ignore[assignment,misc]
    tab.toggle_active()
    assert _row(tab, "jlee")[tab.STATUS] == "✓ Active"
    auth.authenticate(clinic_db, "jlee", PASSWORD)


def test_own_account_cannot_be_disabled_and_the_reason_is_shown(tab: StaffTab) -> None:
    tab.select("admin")
    tab.confirm = lambda *_: True
    tab.toggle_active()
    assert tab.message.is_error()
    assert "cannot disable your own account" in tab.message.text()
    assert _row(tab, "admin")[tab.STATUS] == "✓ Active"


def test_last_administrator_keeps_the_role(qtbot: QtBot, clinic_db: Database, admin: Actor) -> None:
    me = next(s for s in staff.list_staff(clinic_db) if s.username == "admin")
    dialog = ChangeRoleDialog(clinic_db, admin, me)
    qtbot.addWidget(dialog)
    dialog.role.setCurrentIndex(dialog.role.findData(Role.THERAPIST.value))
    dialog.accept()
    assert "only active administrator" in dialog.error_text()
    assert dialog.result() != QDialog.DialogCode.Accepted.value


def test_change_role_updates_the_row(
    tab: StaffTab, make_staff, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    make_staff("jlee", Role.THERAPIST)
    tab.refresh()
    tab.select("jlee")

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ChangeRoleDialog)
        dialog.role.setCurrentIndex(dialog.role.findData(Role.ASSISTANT.value))

    monkeypatch.setattr(tab, "exec_dialog", _drive(fill))
    tab.change_role()
    assert _row(tab, "jlee")[tab.ROLE] == "Therapy assistant"
    assert "Therapy assistant" in tab.message.text()


def test_reset_password_unlocks_and_lets_them_in(
    tab: StaffTab, clinic_db: Database, make_staff, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    make_staff("jlee", Role.THERAPIST)
    for _ in range(auth.MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            auth.authenticate(clinic_db, "jlee", "wrong password")
    tab.refresh()
    assert _row(tab, "jlee")[tab.STATUS].startswith("⚠ Locked until ")
    tab.select("jlee")

    def fill(dialog: QDialog) -> None:
        dialog.password.setText(NEW_PASSWORD)  # type: ignore[attr-defined]
        dialog.password_again.setText(NEW_PASSWORD)  # type: ignore[attr-defined]

    monkeypatch.setattr(tab, "exec_dialog", _drive(fill))
    tab.reset_password()
    assert _row(tab, "jlee")[tab.STATUS] == "✓ Active"
    assert auth.authenticate(clinic_db, "jlee", NEW_PASSWORD).username == "jlee"


def test_a_short_new_password_is_refused_beside_the_field(
    tab: StaffTab, clinic_db: Database, make_staff, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    make_staff("jlee", Role.THERAPIST)
    tab.refresh()
    tab.select("jlee")
    seen: list[str] = []

    def fill(dialog: QDialog) -> None:
        dialog.password.setText("short")  # type: ignore[attr-defined]
        dialog.password_again.setText("short")  # type: ignore[attr-defined]

    def run(dialog: QDialog) -> int:
        result = _drive(fill)(dialog)
        seen.append(dialog.fields.message("password"))  # type: ignore[attr-defined]
        return result

    monkeypatch.setattr(tab, "exec_dialog", run)
    tab.reset_password()
    assert "at least 8 characters" in seen[0]
    auth.authenticate(clinic_db, "jlee", PASSWORD)  # unchanged


def test_edit_details_corrects_name_and_credentials(
    tab: StaffTab, make_staff, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    make_staff("jlee", Role.THERAPIST)
    tab.refresh()
    tab.select("jlee")

    def fill(dialog: QDialog) -> None:
        dialog.full_name.setText("Jordan Lee-Park")  # type: ignore[attr-defined]
        dialog.credentials.setText("DPT, OCS")  # type: ignore[attr-defined]

    monkeypatch.setattr(tab, "exec_dialog", _drive(fill))
    tab.edit_details()
    assert _row(tab, "jlee")[: tab.CREDENTIALS + 1] == [
        "Jordan Lee-Park",
        "jlee",
        "Therapist",
        "DPT, OCS",
    ]


def test_buttons_need_a_selection(tab: StaffTab) -> None:
    tab.table.clearSelection()
    assert not tab.role_button.isEnabled() and not tab.active_button.isEnabled()
    assert tab.add_button.isEnabled()
    tab.select("admin")
    assert tab.role_button.isEnabled() and tab.password_button.isEnabled()


def test_status_is_words_and_a_symbol(qtmodeltester, tab: StaffTab) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(tab.model)
    assert tab.model.index(0, tab.STATUS).data() == "✓ Active"
