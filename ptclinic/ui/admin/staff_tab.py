"""The Staff tab: who can log in, in which role, and whether the account is usable right now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ptclinic.db import Database
from ptclinic.services import staff
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_zone
from ptclinic.ui.admin.common import (
    SERVICE_ERRORS,
    Column,
    MessageLine,
    RecordTableModel,
    confirm,
    describe,
    record_table,
)
from ptclinic.ui.admin.staff_dialogs import (
    AddStaffDialog,
    ChangeRoleDialog,
    EditDetailsDialog,
    ResetPasswordDialog,
)
from ptclinic.ui.events import events

StaffDialog = AddStaffDialog | EditDetailsDialog | ChangeRoleDialog | ResetPasswordDialog


def status_text(person: staff.StaffSummary, zone: ZoneInfo, now: datetime | None = None) -> str:
    """The account's state in words with a symbol, never colour alone."""
    if not person.active:
        return "✗ Disabled"
    if person.locked_until is not None and person.is_locked(now):
        # A text symbol rather than an emoji padlock: workstations without an emoji font would
        # show an empty box.
        return f"⚠ Locked until {person.locked_until.astimezone(zone):%H:%M}"
    return "✓ Active"


class StaffTab(QWidget):
    """Staff list with Add / Edit details / Change role / Reset password / Disable-Enable."""

    NAME, USERNAME, ROLE, CREDENTIALS, STATUS = range(5)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._zone = ZoneInfo("UTC")
        # Replaceable so tests can answer the confirmation without a modal box.
        self.confirm: Callable[[str, str, str], bool] = lambda title, text, yes: confirm(
            self, title, text, yes
        )
        self.model: RecordTableModel[staff.StaffSummary] = RecordTableModel(
            [
                Column("Name", lambda s: s.full_name),
                Column("Username", lambda s: s.username),
                Column("Role", lambda s: s.role_label),
                Column("Credentials", lambda s: s.credentials),
                Column("Status", lambda s: status_text(s, self._zone)),
            ],
            self,
        )
        self.message = MessageLine()
        self.table = record_table(self.model)
        self.table.setAccessibleName("Staff members")
        self.table.doubleClicked.connect(lambda _index: self.edit_details())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

        self.add_button = QPushButton("&Add staff…")
        self.edit_button = QPushButton("Ed&it details…")
        self.role_button = QPushButton("Change r&ole…")
        self.password_button = QPushButton("Reset &password…")
        self.active_button = QPushButton("&Disable…")
        self.add_button.clicked.connect(self.add_staff)
        self.edit_button.clicked.connect(self.edit_details)
        self.role_button.clicked.connect(self.change_role)
        self.password_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_active)
        self.edit_button.setToolTip("Correct the name, credentials or NPI (Enter on a row)")
        # Enter on a selected row opens the details, like a double click.
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            enter = QShortcut(QKeySequence(key), self.table)
            enter.setContext(Qt.ShortcutContext.WidgetShortcut)
            enter.activated.connect(self.edit_details)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        for button in (
            self.add_button,
            self.edit_button,
            self.role_button,
            self.password_button,
            self.active_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 14, 0, 0)  # flush with the tab bar and page title
        layout.setSpacing(10)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

        events().data_changed.connect(self._on_data_changed)
        self.refresh()

    # --- reading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the list, keeping the same person selected."""
        chosen = self.selected()
        try:
            self._zone = clinic_zone(self._db)
            people = staff.list_staff(self._db)
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            return
        self.model.set_records(people)
        if chosen is not None:
            self.select(chosen.username)
        self._update_buttons()

    def selected(self) -> staff.StaffSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select(self, username: str) -> None:
        for row, person in enumerate(self.model.records()):
            if person.username == username:
                self.table.selectRow(row)
                return

    def _on_data_changed(self, kind: str, _ids: list[object]) -> None:
        if kind in ("staff", "clinic"):  # the clinic's time zone shows in "Locked until"
            self.refresh()

    def _update_buttons(self) -> None:
        person = self.selected()
        for button in (self.edit_button, self.role_button, self.password_button):
            button.setEnabled(person is not None)
        self.active_button.setEnabled(person is not None)
        enabling = person is not None and not person.active
        self.active_button.setText("&Enable" if enabling else "&Disable…")

    # --- actions ------------------------------------------------------------------------------

    def add_staff(self) -> None:
        self._run(AddStaffDialog(self._db, self._actor, self), "Added {name}.")

    def edit_details(self) -> None:
        if person := self.selected():
            dialog = EditDetailsDialog(self._db, self._actor, person, self)
            self._run(dialog, "Saved the details of {name}.")

    def change_role(self) -> None:
        if person := self.selected():
            dialog = ChangeRoleDialog(self._db, self._actor, person, self)
            self._run(dialog, "{name} is now: {role}.")

    def reset_password(self) -> None:
        if person := self.selected():
            dialog = ResetPasswordDialog(self._db, self._actor, person, self)
            self._run(dialog, "New password set for {name}; they can log in with it now.")

    def toggle_active(self) -> None:
        person = self.selected()
        if person is None:
            return
        if person.active and not self.confirm(
            "Disable account",
            f"Disable the account of {person.full_name} ({person.username})?\n\n"
            "They will not be able to log in until an administrator enables it again. "
            "Their records and signed notes stay as they are.",
            "&Disable account",
        ):
            return
        self.message.clear_message()
        try:
            changed = staff.set_active(
                self._db, self._actor, person.username, not person.active, seen=person
            )
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            return
        state = "enabled" if changed.active else "disabled"
        self._saved(changed, f"The account of {changed.full_name} is {state}.")

    def _run(self, dialog: StaffDialog, notice: str) -> None:
        self.message.clear_message()
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        done = dialog.result_summary
        dialog.deleteLater()
        if accepted and done is not None:
            self._saved(done, notice.format(name=done.full_name, role=done.role_label))

    def exec_dialog(self, dialog: QDialog) -> int:
        """Show a dialog modally (tests drive the dialog through a timer)."""
        return dialog.exec()

    def _saved(self, person: staff.StaffSummary, notice: str) -> None:
        events().data_changed.emit("staff", [person.id])  # refreshes this list too
        self.select(person.username)
        self.message.show_notice(notice)
