"""First-run wizard for an empty database: the clinic, then its first administrator.

Each page checks its input with the services' own validators before moving on, so mistakes are
shown next to the field straight away; nothing is written until Finish.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ptclinic.db import Database
from ptclinic.services import clinic, staff
from ptclinic.services.errors import DomainError, ValidationError
from ptclinic.services.passwords import MIN_PASSWORD_LENGTH
from ptclinic.services.permissions import Role
from ptclinic.ui.forms import FieldErrors

FALLBACK_TIME_ZONE = "America/New_York"


def default_time_zone(names: list[str]) -> str:
    """The machine's own zone when it names a place; UTC-like zones are servers, not clinics."""
    system = bytes(QTimeZone.systemTimeZoneId().data()).decode()
    if system in names and not system.startswith(("UTC", "Etc/", "GMT", "Universal", "Zulu")):
        return system
    return FALLBACK_TIME_ZONE


def _page_layout(page: QWizardPage, title: str, intro: str) -> tuple[QFormLayout, QLabel]:
    """Heading, intro sentence, a form, and a line for errors that belong to no single field."""
    # Our own heading rather than QWizard's title, so it matches the rest of the app.
    page.setWindowTitle(title)
    layout = QVBoxLayout(page)
    layout.setSpacing(12)
    heading = QLabel(title)
    heading.setObjectName("pageTitle")
    layout.addWidget(heading)
    hint = QLabel(intro)
    hint.setObjectName("hint")
    hint.setWordWrap(True)
    layout.addWidget(hint)
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setVerticalSpacing(10)
    layout.addLayout(form)
    error = QLabel()
    error.setObjectName("formError")
    error.setWordWrap(True)
    error.hide()
    layout.addWidget(error)
    layout.addStretch(1)
    return form, error


class ClinicPage(QWizardPage):
    """The clinic's details. With ``save_to`` it is the only step and saves them itself."""

    def __init__(self, save_to: Database | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save_to = save_to
        form, self.error = _page_layout(
            self,
            "Your clinic" if save_to else "Step 1 of 2 — Your clinic",
            "Welcome to PT Clinic. Tell us about the clinic; you can change all of this later "
            "in Administration.",
        )
        self.fields = FieldErrors(form)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Riverside Physical Therapy")
        self.time_zone = self._time_zone_picker()
        self.address = QLineEdit()
        self.phone = QLineEdit()
        self.fields.add_row("name", "Clinic &name", self.name)
        self.fields.add_row("time_zone", "&Time zone", self.time_zone)
        self.fields.add_row("address", "&Address", self.address)
        self.fields.add_row("phone", "&Phone", self.phone)
        self.setFinalPage(save_to is not None)

    @staticmethod
    def _time_zone_picker() -> QComboBox:
        names = clinic.time_zone_names()
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(names)
        combo.setCurrentText(default_time_zone(names))
        combo.setMaxVisibleItems(15)
        # Typing "chicago" should find America/Chicago: match anywhere, ignore case.
        completer = QCompleter(names, combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
        return combo

    def info(self) -> clinic.ClinicInfo:
        return clinic.ClinicInfo(
            name=self.name.text(),
            time_zone=self.time_zone.currentText(),
            address=self.address.text(),
            phone=self.phone.text(),
        )

    def validatePage(self) -> bool:
        self.error.hide()
        try:
            clinic.validate_clinic(self.info())
            if self._save_to is not None:
                clinic.save_first_clinic(self._save_to, self.info())
        except ValidationError as exc:
            self.fields.show(exc)
            return False
        except DomainError as exc:
            self.fields.clear()
            self.error.setText(f"⚠ {exc}")
            self.error.show()
            return False
        self.fields.clear()
        return True


class AdministratorPage(QWizardPage):
    def __init__(
        self, clinic_page: ClinicPage | None, db: Database, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._clinic_page = clinic_page
        self._db = db
        self._clinic_saved = clinic_page is None
        form, self.error = _page_layout(
            self,
            "Step 2 of 2 — First administrator" if clinic_page else "First administrator",
            "This account sets up staff, rooms and clinic settings. Administrators do not see "
            "patients' clinical records. Add other staff after logging in.",
        )
        self.fields = FieldErrors(form)
        self.full_name = QLineEdit()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(f"At least {MIN_PASSWORD_LENGTH} characters")
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.fields.add_row("full_name", "&Full name", self.full_name)
        self.fields.add_row("username", "&Username", self.username)
        self.fields.add_row("password", "Pass&word", self.password)
        self.fields.add_row("confirm", "&Confirm password", self.confirm)
        self.setFinalPage(True)

    def new_staff(self) -> staff.NewStaff:
        return staff.NewStaff(
            username=self.username.text(),
            full_name=self.full_name.text(),
            role=Role.ADMIN.value,
            password=self.password.text(),
        )

    def validatePage(self) -> bool:
        self.error.hide()
        try:
            data = self.new_staff()
            self._validate(data)
            # Both pages have passed the same validators the services use, so the two writes
            # below fail only if the database itself refuses.
            if not self._clinic_saved and self._clinic_page is not None:
                # Not yet saved, or a retry after the administrator's write failed.
                clinic.save_first_clinic(self._db, self._clinic_page.info())
                self._clinic_saved = True
            staff.create_first_admin(self._db, data)
        except ValidationError as exc:
            if "confirm" in exc.field_errors:
                self.confirm.clear()
            self._show_error(self.fields.show(exc))
            return False
        except DomainError as exc:
            self.fields.clear()
            self._show_error([str(exc)])
            return False
        return True

    def _validate(self, data: staff.NewStaff) -> None:
        """The services' own checks plus the confirmation, all reported at once."""
        problems: dict[str, str] = {}
        try:
            staff.validate_new_staff(data)
        except ValidationError as exc:
            problems.update(exc.field_errors)
        if self.confirm.text() != data.password:
            problems["confirm"] = "The two passwords differ. Type them again."
        if problems:
            raise ValidationError(problems)

    def _show_error(self, messages: list[str]) -> None:
        if messages:
            self.error.setText("⚠ " + " ".join(messages))
            self.error.show()


class SetupWizard(QWizard):
    """Accepted once the clinic and its first administrator have been saved.

    Only the missing steps are shown: when the first administrator was made from the command
    line, the wizard asks for the clinic's details alone and saves them on Finish.
    """

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        state: clinic.SetupState | None = None,
    ) -> None:
        super().__init__(parent)
        state = state or clinic.setup_state(db)
        self.setWindowTitle("Set up PT Clinic")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Finish")
        self.clinic_page: ClinicPage | None = None
        self.admin_page: AdministratorPage | None = None
        if state.needs_clinic:
            self.clinic_page = ClinicPage(db if not state.needs_administrator else None)
            self.addPage(self.clinic_page)
        if state.needs_administrator:
            self.admin_page = AdministratorPage(self.clinic_page, db)
            self.addPage(self.admin_page)
        self.setMinimumSize(620, 480)
