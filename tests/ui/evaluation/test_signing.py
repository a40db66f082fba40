"""Signing dialogs: the right password signs, a wrong one or a locked account says so in words
and signs nothing, what is missing is listed, a student's signature waits for a therapist's
co-signature, and an addendum is added under a signed evaluation (asking before it is lost)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from ptclinic.roles import Role
from ptclinic.services import episodes, evaluation_records, patients
from ptclinic.services.actor import Actor
from ptclinic.services.episodes import EpisodeInput
from ptclinic.services.errors import DatabaseUnavailable
from ptclinic.services.evaluation_records import EvaluationRecord
from ptclinic.ui.admin.common import DATABASE_TROUBLE
from ptclinic.ui.evaluation.signing import AddendumDialog, CosignDialog, SignDialog
from ptclinic.ui.events import events
from tests.conftest import PASSWORD
from tests.services.conftest import Clinic, scheduled
from tests.services.test_evaluation_records import _ready

__all__ = ["scheduled"]

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
ACCEPTED = QDialog.DialogCode.Accepted.value


def _draft(
    clinic: Clinic, author: Actor, content: dict[str, Any] | None = None
) -> EvaluationRecord:
    episode = episodes.open_episode(
        clinic.db, clinic.desk, clinic.ortiz,
        EpisodeInput(title="Right SI pain", primary_therapist_id=clinic.lee.staff_id), now=NOW,
    ).id  # fmt: skip
    draft = evaluation_records.start_evaluation(clinic.db, author, episode, now=NOW)
    return evaluation_records.save_draft(
        clinic.db, author, draft.id, draft.version, _ready() if content is None else content
    )


def _stored(clinic: Clinic, record: EvaluationRecord) -> EvaluationRecord:
    found = evaluation_records.episode_evaluation(clinic.db, clinic.lee, record.episode_id)
    assert found is not None
    return found


def _shown(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()  # its shortcuts work in the active window
    qtbot.waitUntil(dialog.isActiveWindow)


def _type_and_enter(qtbot: QtBot, dialog: SignDialog | CosignDialog, password: str) -> None:
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


def _words(dialog: QWidget) -> str:
    from PySide6.QtWidgets import QLabel

    return " ".join(label.text() for label in dialog.findChildren(QLabel) if label.isVisible())


def test_the_right_password_signs_and_says_so(qtbot: QtBot, scheduled: Clinic) -> None:
    draft = _draft(scheduled, scheduled.lee)
    dialog = SignDialog(scheduled.db, scheduled.lee, draft)  # looks the patient up itself
    _shown(qtbot, dialog)
    shown = _words(dialog)
    assert "Ortiz, Maria" in shown and "Chart #" in shown and "Born" in shown
    assert "Stability" in shown and "Mon Dec 7, 2026" in shown
    assert "cannot be changed" in shown and "co-signature" not in shown
    with qtbot.waitSignal(events().data_changed) as changed:
        _type_and_enter(qtbot, dialog, PASSWORD)
    assert changed.args == ["evaluation", [draft.id]]
    assert dialog.result() == ACCEPTED
    assert dialog.signed is not None and dialog.signed.status == "signed"
    stored = _stored(scheduled, draft)
    assert (stored.status, stored.signed_by_name) == ("signed", "Dana Lee")


def test_a_wrong_password_is_refused_in_words_and_signs_nothing(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    draft = _draft(scheduled, scheduled.lee)
    patient = patients.open_chart(scheduled.db, scheduled.lee, scheduled.ortiz)
    dialog = SignDialog(scheduled.db, scheduled.lee, draft, patient=patient)
    _shown(qtbot, dialog)
    _type_and_enter(qtbot, dialog, "not my password")
    assert "That password is not right" in dialog.error_text()
    assert "sername" not in dialog.error_text()  # no username was asked for
    assert dialog.isVisible() and dialog.result() != ACCEPTED and dialog.signed is None
    assert dialog.password.text() == ""  # cleared for the next try
    assert _stored(scheduled, draft).status == "draft"
    for _attempt in range(4):  # five wrong passwords lock the account
        _type_and_enter(qtbot, dialog, "not my password")
    assert "locked" in dialog.error_text()
    _type_and_enter(qtbot, dialog, PASSWORD)
    assert "locked" in dialog.error_text() and _stored(scheduled, draft).status == "draft"


def test_what_is_missing_is_listed_and_nothing_is_signed(qtbot: QtBot, scheduled: Clinic) -> None:
    draft = _draft(scheduled, scheduled.lee, {"subjective": {"nprs_now": 5}})
    dialog = SignDialog(scheduled.db, scheduled.lee, draft)
    _shown(qtbot, dialog)
    assert "Not chosen yet" in _words(dialog)
    _type_and_enter(qtbot, dialog, PASSWORD)
    error = dialog.error_text()
    assert "cannot be signed yet" in error
    assert "• Record the chief complaint." in error and "• Choose the classification." in error
    assert dialog.isVisible() and _stored(scheduled, draft).status == "draft"


def test_a_newer_save_elsewhere_or_a_database_outage_is_told_in_words(
    qtbot: QtBot, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _draft(scheduled, scheduled.lee)
    newer = _ready()
    newer["subjective"]["nprs_now"] = 6  # typed in another window since this one opened
    evaluation_records.save_draft(scheduled.db, scheduled.lee, old.id, old.version, newer)
    dialog = SignDialog(scheduled.db, scheduled.lee, old)
    _shown(qtbot, dialog)
    _type_and_enter(qtbot, dialog, PASSWORD)
    assert "saved this evaluation" in dialog.error_text()
    assert _stored(scheduled, old).status == "draft"

    def unreachable(*_args: object, **_kwargs: object) -> EvaluationRecord:
        raise DatabaseUnavailable("connection refused")

    monkeypatch.setattr(evaluation_records, "sign_evaluation", unreachable)
    _type_and_enter(qtbot, dialog, PASSWORD)
    assert dialog.error_text() == "⚠ " + DATABASE_TROUBLE and dialog.isVisible()


def test_a_students_signature_waits_for_a_therapists_cosignature(
    qtbot: QtBot, scheduled: Clinic, make_staff: Any
) -> None:
    student: Actor = make_staff("student1", Role.STUDENT)
    draft = _draft(scheduled, student)
    signing = SignDialog(scheduled.db, student, draft)
    _shown(qtbot, signing)
    assert "sends it to a physical therapist for co-signature" in _words(signing)
    _type_and_enter(qtbot, signing, PASSWORD)
    assert signing.signed is not None and signing.signed.status == "awaiting_cosign"
    assert _stored(scheduled, draft).status == "awaiting_cosign"

    cosigning = CosignDialog(scheduled.db, scheduled.kim, signing.signed)
    _shown(qtbot, cosigning)
    assert "signed by Student1 Person on" in _words(cosigning)
    _type_and_enter(qtbot, cosigning, "wrong")
    assert "not right" in cosigning.error_text()
    assert _stored(scheduled, draft).status == "awaiting_cosign"
    _type_and_enter(qtbot, cosigning, PASSWORD)
    assert cosigning.result() == ACCEPTED and cosigning.signed is not None
    stored = _stored(scheduled, draft)
    assert (stored.status, stored.cosigned_by_name) == ("signed", "Brian Kim")


def _signed(clinic: Clinic) -> EvaluationRecord:
    draft = _draft(clinic, clinic.lee)
    return evaluation_records.sign_evaluation(
        clinic.db, clinic.lee, draft.id, draft.version, PASSWORD, now=NOW
    )


def test_an_addendum_is_added_under_the_signed_evaluation(qtbot: QtBot, scheduled: Clinic) -> None:
    signed = _signed(scheduled)
    dialog = AddendumDialog(scheduled.db, scheduled.kim, signed)
    dialog.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    _shown(qtbot, dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()  # nothing typed yet
    assert "Write the addendum first" in dialog.fields.message("text") and dialog.isVisible()
    qtbot.keyClicks(dialog.text, "Reviewed; agree with the plan.")
    assert dialog.count.text().startswith("30 of 4000 characters")
    with qtbot.waitSignal(events().data_changed):
        qtbot.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == ACCEPTED and dialog.saved is not None
    listed = [(a.author_name, a.text) for a in _stored(scheduled, signed).addenda]
    assert listed == [("Brian Kim", "Reviewed; agree with the plan.")]


def test_closing_with_an_addendum_typed_asks_first(qtbot: QtBot, scheduled: Clinic) -> None:
    signed = _signed(scheduled)
    dialog = AddendumDialog(scheduled.db, scheduled.lee, signed)
    _shown(qtbot, dialog)
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    dialog.ask_unsaved = lambda: answers.pop(0)  # type: ignore[method-assign]
    qtbot.keyClicks(dialog.text, "ASLR right was 2/5")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.text.toPlainText() == "ASLR right was 2/5"  # kept
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.saved is None
    assert _stored(scheduled, signed).addenda == ()

    again = AddendumDialog(scheduled.db, scheduled.lee, signed)
    _shown(qtbot, again)
    again.ask_unsaved = lambda: QMessageBox.StandardButton.Save  # type: ignore[method-assign]
    qtbot.keyClicks(again.text, "ASLR right was 2/5")
    again.reject()  # the window's close button
    assert again.result() == ACCEPTED
    assert [a.text for a in _stored(scheduled, signed).addenda] == ["ASLR right was 2/5"]
