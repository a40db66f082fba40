"""Signing an evaluation with the password, co-signing a student's, and adding an addendum.

Each dialog shows what it acts on, calls one service on OK and stays open with the refusal in
words (a wrong password, a locked account, what is still missing, someone else's newer save, an
unreachable database). On success it emits ``data_changed("evaluation", [id])`` and keeps the
service's answer: ``signed`` for the signing dialogs, ``saved`` for the addendum.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QWidget

from ptclinic.db import Database
from ptclinic.roles import Role
from ptclinic.services import clinic, evaluation_records
from ptclinic.services.actor import Actor
from ptclinic.services.errors import (
    AccountLocked,
    AuthenticationError,
    DomainError,
    ValidationError,
)
from ptclinic.services.evaluation_records import EvaluationRecord
from ptclinic.services.patient_search import PatientSummary, patient_summary
from ptclinic.services.patients import PatientRecord
from ptclinic.services.signed_records import ADDENDUM_LIMIT
from ptclinic.ui.admin.common import ServiceDialog, describe
from ptclinic.ui.events import events
from ptclinic.ui.patients.search_model import format_date
from ptclinic.ui.schedule.layout import short_date

FINAL = (
    "A signed evaluation cannot be changed afterwards. Corrections are added as addenda under "
    "it, with their author and time."
)
STUDENT = (
    "As a student, your signature sends it to a physical therapist for co-signature; it is "
    "final once they co-sign."
)
COSIGN = (
    "Your co-signature makes the evaluation final: it cannot be changed afterwards. "
    "Corrections are added as addenda under it."
)

WRONG_PASSWORD = "That password is not right. Type your own password to sign."


def long_date(day: date) -> str:
    """ "Mon Dec 7, 2026"."""
    return f"{short_date(day)}, {day.year}"


def patient_words(patient: PatientSummary | PatientRecord) -> str:
    """ "Ortiz, Maria · Born Apr 12, 1978 · Chart # 000001", as the chart header says it."""
    born = f" · Born {format_date(patient.date_of_birth)}" if patient.date_of_birth else ""
    return f"{patient.display_name}{born} · Chart # {patient.chart_number}"


def problem_list(error: ValidationError) -> str:
    """What still stops the signature, one line each."""
    lines = "\n".join(f"• {message}" for message in error.field_errors.values())
    return f"The evaluation cannot be signed yet:\n{lines}\nFix these in the form, then sign."


class _PasswordDialog(ServiceDialog):
    """The evaluation at a glance, a notice of what the signature means, and the password."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        record: EvaluationRecord,
        parent: QWidget | None,
        *,
        title: str,
        ok_label: str,
        notice: str,
        patient: PatientSummary | PatientRecord | None,
    ) -> None:
        super().__init__(title, ok_label, parent)
        self.setMinimumWidth(600)
        self._db, self._actor, self._record = db, actor, record
        self.signed: EvaluationRecord | None = None
        if patient is None:
            patient = patient_summary(db, actor, record.patient_id)
        self._summary_row("Patient", patient_words(patient), "signPatient")
        self._summary_row("Evaluated", long_date(record.evaluated_on), "signDate")
        self._summary_row(
            "Classification", record.classification_label or "Not chosen yet", "signClass"
        )
        self.notice = QLabel(notice)
        self.notice.setObjectName("formNotice")
        self.notice.setWordWrap(True)
        self.form.addRow(self.notice)
        self.password = QLineEdit()
        self.password.setObjectName("signPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Your password")
        self.fields.add_row("password", f"{actor.full_name}'s pass&word", self.password)
        self.password.setFocus()

    def _summary_row(self, label: str, text: str, name: str) -> None:
        value = QLabel(text)
        value.setObjectName(name)
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        caption = QLabel(label)
        caption.setObjectName("hint")
        self.form.addRow(caption, value)

    def sign(self, password: str) -> EvaluationRecord:
        raise NotImplementedError

    def accept(self) -> None:
        self.message.clear_message()
        try:
            self.signed = self.sign(self.password.text())
        except ValidationError as exc:
            self.message.show_error(problem_list(exc))
        except AccountLocked as exc:
            self.message.show_error(str(exc))
        except AuthenticationError:
            # The service's words speak of a username; here only the password was typed.
            self.message.show_error(WRONG_PASSWORD)
        except DomainError as exc:
            self.message.show_error(describe(exc))
        else:
            events().data_changed.emit("evaluation", [self._record.id])
            QDialog.accept(self)
            return
        self.password.clear()  # never left lying in the dialog, right or wrong
        self.password.setFocus()
        self._fit()


class SignDialog(_PasswordDialog):
    """The author signs their draft. ``patient`` (shown in the summary) is looked up when the
    caller does not pass the one it already holds."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        record: EvaluationRecord,
        parent: QWidget | None = None,
        *,
        patient: PatientSummary | PatientRecord | None = None,
    ) -> None:
        student = actor.role == Role.STUDENT.value
        super().__init__(
            db, actor, record, parent,
            title="Sign the evaluation",
            ok_label="&Sign",
            notice=f"⚠ {FINAL}" + (f"\n{STUDENT}" if student else ""),
            patient=patient,
        )  # fmt: skip
        self.set_intro("Check that this is the right patient and evaluation, then sign.")

    def sign(self, password: str) -> EvaluationRecord:
        record = self._record
        return evaluation_records.sign_evaluation(
            self._db, self._actor, record.id, record.version, password
        )


class CosignDialog(_PasswordDialog):
    """A therapist co-signs a student's signed evaluation."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        record: EvaluationRecord,
        parent: QWidget | None = None,
        *,
        patient: PatientSummary | PatientRecord | None = None,
    ) -> None:
        super().__init__(
            db, actor, record, parent,
            title="Co-sign the evaluation",
            ok_label="&Co-sign",
            notice=f"⚠ {COSIGN}",
            patient=patient,
        )  # fmt: skip
        signed = ""
        if record.signed_at is not None:
            day = record.signed_at.astimezone(clinic.clinic_zone(db)).date()
            signed = f" on {long_date(day)}"
        self.set_intro(
            f"Written and signed by {record.signed_by_name or record.therapist_name}{signed}, "
            "waiting for your co-signature. Read it through before co-signing."
        )

    def sign(self, password: str) -> EvaluationRecord:
        record = self._record
        return evaluation_records.cosign_evaluation(
            self._db, self._actor, record.id, record.version, password
        )


class AddendumDialog(ServiceDialog):
    """A correction or addition under a signed evaluation; closing with text typed asks first."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        record: EvaluationRecord,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Add an addendum", "&Add the addendum", parent)
        self._db, self._actor, self._record = db, actor, record
        self.saved: EvaluationRecord | None = None
        self.setMinimumWidth(600)
        by = record.signed_by_name or record.therapist_name
        self.set_intro(
            f"Evaluation of {long_date(record.evaluated_on)}, signed by {by}. The addendum is "
            "shown under it with your name and the time; the signed evaluation stays as it was."
        )
        self.text = QPlainTextEdit()
        self.text.setObjectName("addendumText")
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(160)
        self.text.setPlaceholderText("What to correct or add, and why.")
        self.text.setAccessibleName("Addendum")
        self.fields.add_row("text", "&Addendum", self.text)
        self.count = QLabel()
        self.count.setObjectName("hint")
        self.form.addRow("", self.count)
        self.text.textChanged.connect(self._count)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.accept)
        self._count()
        self.text.setFocus()

    def _count(self) -> None:
        used = len(self.text.toPlainText().strip())
        over = used > ADDENDUM_LIMIT
        self.count.setObjectName("fieldError" if over else "hint")
        self.count.setStyleSheet("/* restyle */")
        tail = " — too long, shorten it" if over else ""
        self.count.setText(
            f"{used} of {ADDENDUM_LIMIT} characters{tail}. Ctrl+Enter adds the addendum."
        )

    def is_dirty(self) -> bool:
        return bool(self.text.toPlainText().strip())

    def save(self) -> None:
        self.saved = evaluation_records.add_addendum(
            self._db, self._actor, self._record.id, self.text.toPlainText()
        )
        events().data_changed.emit("evaluation", [self._record.id])

    def reject(self) -> None:
        """Esc, Cancel and the close button: ask before throwing away what was typed."""
        if not self.is_dirty():
            super().reject()
            return
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            self.accept()
        elif answer == QMessageBox.StandardButton.Discard:
            super().reject()

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        """Save / Discard / Cancel (Esc keeps the dialog open). Tests replace this method."""
        buttons = QMessageBox.StandardButton
        return QMessageBox.question(
            self,
            "Addendum not added yet",
            "Add this addendum before closing?\n\nIf you discard it, what you typed is lost.",
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
