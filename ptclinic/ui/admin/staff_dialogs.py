"""Dialogs of the Staff tab: add a person, correct details, change a role, reset a password.

Each dialog calls one service operation when OK is pressed and stays open, with the service's
message beside the field, until the service accepts; the caller reads ``result_summary``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from ptclinic.db import Database
from ptclinic.services import staff
from ptclinic.services.actor import Actor
from ptclinic.services.errors import ValidationError
from ptclinic.services.passwords import MIN_PASSWORD_LENGTH
from ptclinic.services.permissions import ROLE_LABELS, Role
from ptclinic.ui.admin.common import ServiceDialog

# The confirmation field exists only to catch a typing slip in a hidden field; the password rules
# themselves are the service's.
_MISMATCH = "The two passwords are not the same. Type the new password again in both fields."


def role_combo(current: str = Role.THERAPIST.value) -> QComboBox:
    combo = QComboBox()
    for role in Role:
        combo.addItem(ROLE_LABELS[role], role.value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


def password_field(placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    return field


class _StaffDialog(ServiceDialog):
    def __init__(
        self, db: Database, actor: Actor, title: str, ok_label: str, parent: QWidget | None
    ) -> None:
        super().__init__(title, ok_label, parent)
        self.db = db
        self.actor = actor
        self.result_summary: staff.StaffSummary | None = None

    def _check_same(self, password: QLineEdit, again: QLineEdit) -> None:
        if password.text() != again.text():
            raise ValidationError({"password_again": _MISMATCH})


class AddStaffDialog(_StaffDialog):
    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(db, actor, "Add staff member", "&Add staff member", parent)
        self.set_intro(
            "The new person logs in with this username and password. "
            "Tell them the password in person; they can keep it or ask you to reset it."
        )
        self.full_name = QLineEdit()
        self.full_name.setPlaceholderText("e.g. Jordan Lee")
        self.username = QLineEdit()
        self.username.setPlaceholderText("e.g. jlee")
        self.role = role_combo()
        self.credentials = QLineEdit()
        self.credentials.setPlaceholderText("e.g. DPT, OCS (optional)")
        self.npi = QLineEdit()
        self.npi.setPlaceholderText("10 digits (optional)")
        self.npi.setMaxLength(10)
        self.password = password_field(f"At least {MIN_PASSWORD_LENGTH} characters")
        self.password_again = password_field()
        self.fields.add_row("full_name", "Full &name", self.full_name)
        self.fields.add_row("username", "&Username", self.username)
        self.fields.add_row("role", "&Role", self.role)
        self.fields.add_row("credentials", "&Credentials", self.credentials)
        self.fields.add_row("npi", "N&PI", self.npi)
        self.fields.add_row("password", "Pass&word", self.password)
        self.fields.add_row("password_again", "Password a&gain", self.password_again)

    def save(self) -> None:
        data = staff.NewStaff(
            username=self.username.text(),
            full_name=self.full_name.text(),
            role=str(self.role.currentData()),
            password=self.password.text(),
            credentials=self.credentials.text(),
            npi=self.npi.text(),
        )
        # Validate first so every field's problem shows at once, the mismatch included.
        try:
            staff.validate_new_staff(data)
        except ValidationError as exc:
            if self.password.text() != self.password_again.text():
                exc.field_errors["password_again"] = _MISMATCH
            raise
        self._check_same(self.password, self.password_again)
        self.result_summary = staff.add_staff(self.db, self.actor, data)


class EditDetailsDialog(_StaffDialog):
    def __init__(
        self,
        db: Database,
        actor: Actor,
        person: staff.StaffSummary,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, actor, "Edit staff details", "&Save details", parent)
        self.person = person
        self.set_intro(f"Username: {person.username} (a username cannot be changed).")
        self.full_name = QLineEdit(person.full_name)
        self.credentials = QLineEdit(person.credentials)
        self.npi = QLineEdit(person.npi)
        self.npi.setMaxLength(10)
        self.fields.add_row("full_name", "Full &name", self.full_name)
        self.fields.add_row("credentials", "&Credentials", self.credentials)
        self.fields.add_row("npi", "N&PI", self.npi)

    def save(self) -> None:
        details = staff.StaffDetails(
            self.full_name.text(), self.credentials.text(), self.npi.text()
        )
        self.result_summary = staff.update_details(
            self.db, self.actor, self.person.username, details, seen=self.person
        )


class ChangeRoleDialog(_StaffDialog):
    def __init__(
        self,
        db: Database,
        actor: Actor,
        person: staff.StaffSummary,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, actor, "Change role", "&Change role", parent)
        self.person = person
        self.set_intro(
            f"{person.full_name} ({person.username}) is now: {person.role_label}. "
            "The new role decides what they may see and do from their next action on."
        )
        self.role = role_combo(person.role)
        self.fields.add_row("role", "New &role", self.role)

    def save(self) -> None:
        role = str(self.role.currentData())
        self.result_summary = staff.set_role(
            self.db, self.actor, self.person.username, role, seen=self.person
        )


class ResetPasswordDialog(_StaffDialog):
    def __init__(
        self,
        db: Database,
        actor: Actor,
        person: staff.StaffSummary,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(db, actor, "Reset password", "&Reset password", parent)
        self.person = person
        self.set_intro(
            f"Choose a new password for {person.full_name} ({person.username}) and tell it to them "
            "in person. Resetting also lifts a lock after too many wrong passwords."
        )
        self.password = password_field(f"At least {MIN_PASSWORD_LENGTH} characters")
        self.password_again = password_field()
        self.fields.add_row("password", "New pass&word", self.password)
        self.fields.add_row("password_again", "Password a&gain", self.password_again)

    def save(self) -> None:
        self._check_same(self.password, self.password_again)
        self.result_summary = staff.reset_password(
            self.db, self.actor, self.person.username, self.password.text()
        )
