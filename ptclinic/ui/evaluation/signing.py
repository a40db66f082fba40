"""Signing a clinical record (the evaluation, a visit note) with the password, co-signing a
student's, and adding an addendum.

Each dialog shows what it acts on, calls one service on OK and stays open with the refusal in
words (a wrong password, a locked account, what is still missing, someone else's newer save, an
unreachable database). On success it emits ``data_changed(kind, [id])`` and keeps the service's
answer: ``signed`` for the signing dialogs, ``saved`` for the addendum.

A ``SignedKind`` says which services a kind of record signs through and how the dialogs speak of
it; the evaluation's (``EVALUATION``) is the default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, Protocol, TypeVar, cast

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
    "A signed {noun} cannot be changed afterwards. Corrections are added as addenda under "
    "it, with their author and time."
)
STUDENT = (
    "As a student, your signature sends it to a physical therapist for co-signature; it is "
    "final once they co-sign."
)
COSIGN = (
    "Your co-signature makes the {noun} final: it cannot be changed afterwards. "
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


def problem_list(error: ValidationError, noun: str = "evaluation") -> str:
    """What still stops the signature, one line each."""
    lines = "\n".join(f"• {message}" for message in error.field_errors.values())
    return f"The {noun} cannot be signed yet:\n{lines}\nFix these in the form, then sign."


class SignableRecord(Protocol):
    """What the dialogs read of a record (``EvaluationRecord``, ``NoteRecord``)."""

    @property
    def id(self) -> int: ...

    @property
    def version(self) -> int: ...

    @property
    def patient_id(self) -> int: ...

    @property
    def therapist_name(self) -> str: ...

    @property
    def signed_by_name(self) -> str: ...

    @property
    def signed_at(self) -> datetime | None: ...


R = TypeVar("R", bound=SignableRecord)


@dataclass(frozen=True)
class SignedKind(Generic[R]):
    """One kind of signed record: the ``data_changed`` kind it is announced as, the words the
    dialogs use for it, and the services that sign, co-sign and add an addendum.

    ``facts`` are the (caption, text) rows the signing dialogs show under the patient;
    ``written_on`` the record's day, for the addendum's introduction. With ``hand_back_problems``
    what signing finds missing closes the dialog and waits in ``problems`` for the window to
    show next to each part, instead of being listed in the dialog."""

    event: str
    noun: str
    facts: Callable[[R], tuple[tuple[str, str], ...]]
    written_on: Callable[[R], date]
    sign: Callable[[Database, Actor, int, int, str], R]
    cosign: Callable[[Database, Actor, int, int, str], R]
    add_addendum: Callable[[Database, Actor, int, str], R]
    hand_back_problems: bool = False


def _evaluation_facts(record: EvaluationRecord) -> tuple[tuple[str, str], ...]:
    return (
        ("Evaluated", long_date(record.evaluated_on)),
        ("Classification", record.classification_label or "Not chosen yet"),
    )


# The services are looked up on each call, so a test can stand in for one.
EVALUATION: SignedKind[EvaluationRecord] = SignedKind(
    event="evaluation",
    noun="evaluation",
    facts=_evaluation_facts,
    written_on=lambda record: record.evaluated_on,
    sign=lambda *args: evaluation_records.sign_evaluation(*args),
    cosign=lambda *args: evaluation_records.cosign_evaluation(*args),
    add_addendum=lambda *args: evaluation_records.add_addendum(*args),
)
FACT_NAMES = ("signDate", "signClass")  # object names of the first facts' values


def _kind(kind: SignedKind[R] | None) -> SignedKind[R]:
    return kind if kind is not None else cast(SignedKind[R], EVALUATION)


class _PasswordDialog(ServiceDialog, Generic[R]):
    """The record at a glance, a notice of what the signature means, and the password."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        record: R,
        parent: QWidget | None,
        *,
        kind: SignedKind[R],
        title: str,
        ok_label: str,
        notice: str,
        patient: PatientSummary | PatientRecord | None,
    ) -> None:
        super().__init__(title, ok_label, parent)
        self.setMinimumWidth(600)
        self._db, self._actor, self._record, self._kind = db, actor, record, kind
        self.signed: R | None = None
        self.problems: dict[str, str] = {}
        if patient is None:
            patient = patient_summary(db, actor, record.patient_id)
        self._summary_row("Patient", patient_words(patient), "signPatient")
        for n, (caption, text) in enumerate(kind.facts(record)):
            self._summary_row(caption, text, FACT_NAMES[n] if n < len(FACT_NAMES) else "")
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

    def sign(self, password: str) -> R:
        raise NotImplementedError

    def accept(self) -> None:
        self.message.clear_message()
        try:
            self.signed = self.sign(self.password.text())
        except ValidationError as exc:
            if self._kind.hand_back_problems:
                self.problems = dict(exc.field_errors)
                self.password.clear()
                QDialog.reject(self)
                return
            self.message.show_error(problem_list(exc, self._kind.noun))
        except AccountLocked as exc:
            self.message.show_error(str(exc))
        except AuthenticationError:
            # The service's words speak of a username; here only the password was typed.
            self.message.show_error(WRONG_PASSWORD)
        except DomainError as exc:
            self.message.show_error(describe(exc))
        else:
            events().data_changed.emit(self._kind.event, [self._record.id])
            QDialog.accept(self)
            return
        self.password.clear()  # never left lying in the dialog, right or wrong
        self.password.setFocus()
        self._fit()


class SignDialog(_PasswordDialog[R]):
    """The author signs their draft. ``patient`` (shown in the summary) is looked up when the
    caller does not pass the one it already holds; ``kind`` is the evaluation's by default."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        record: R,
        parent: QWidget | None = None,
        *,
        patient: PatientSummary | PatientRecord | None = None,
        kind: SignedKind[R] | None = None,
    ) -> None:
        student = actor.role == Role.STUDENT.value
        chosen = _kind(kind)
        super().__init__(
            db, actor, record, parent,
            kind=chosen,
            title=f"Sign the {chosen.noun}",
            ok_label="&Sign",
            notice=f"⚠ {FINAL.format(noun=chosen.noun)}" + (f"\n{STUDENT}" if student else ""),
            patient=patient,
        )  # fmt: skip
        self.set_intro(f"Check that this is the right patient and {chosen.noun}, then sign.")

    def sign(self, password: str) -> R:
        record = self._record
        return self._kind.sign(self._db, self._actor, record.id, record.version, password)


class CosignDialog(_PasswordDialog[R]):
    """A therapist co-signs a student's signed record."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        record: R,
        parent: QWidget | None = None,
        *,
        patient: PatientSummary | PatientRecord | None = None,
        kind: SignedKind[R] | None = None,
    ) -> None:
        chosen = _kind(kind)
        super().__init__(
            db, actor, record, parent,
            kind=chosen,
            title=f"Co-sign the {chosen.noun}",
            ok_label="&Co-sign",
            notice=f"⚠ {COSIGN.format(noun=chosen.noun)}",
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

    def sign(self, password: str) -> R:
        record = self._record
        return self._kind.cosign(self._db, self._actor, record.id, record.version, password)


class AddendumDialog(ServiceDialog, Generic[R]):
    """A correction or addition under a signed record; closing with text typed asks first."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        record: R,
        parent: QWidget | None = None,
        *,
        kind: SignedKind[R] | None = None,
    ) -> None:
        super().__init__("Add an addendum", "&Add the addendum", parent)
        self._kind = _kind(kind)
        self._db, self._actor, self._record = db, actor, record
        self.saved: R | None = None
        self.setMinimumWidth(600)
        by = record.signed_by_name or record.therapist_name
        noun = self._kind.noun
        self.set_intro(
            f"{noun.capitalize()} of {long_date(self._kind.written_on(record))}, signed by {by}. "
            f"The addendum is shown under it with your name and the time; the signed {noun} "
            "stays as it was."
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
        self.saved = self._kind.add_addendum(
            self._db, self._actor, self._record.id, self.text.toPlainText()
        )
        events().data_changed.emit(self._kind.event, [self._record.id])

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
