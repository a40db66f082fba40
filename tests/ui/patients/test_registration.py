from datetime import timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from ptclinic.db import Database
from ptclinic.models import Patient
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_today
from ptclinic.services.patients import PatientRecord, register_patient, update_patient
from ptclinic.ui.events import events
from ptclinic.ui.patients.registration import UNREADABLE_DATE, PatientDialog
from tests.conftest import patient_input


@pytest.fixture(autouse=True)
def never_block_on_the_question(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dirty dialog closed at teardown would otherwise wait forever in a modal box."""
    monkeypatch.setattr(
        PatientDialog, "ask_unsaved", lambda self: QMessageBox.StandardButton.Discard
    )


def _patient_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Patient)) or 0


def _dialog(
    qtbot: QtBot, db: Database, actor: Actor, record: PatientRecord | None = None
) -> PatientDialog:
    dialog = PatientDialog(db, actor, record)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill(dialog: PatientDialog, **values: str) -> None:
    defaults = {"last_name": "Ortiz", "first_name": "Maria", "date_of_birth": "04/12/1978"}
    for name, text in (defaults | values).items():
        dialog.line_edits[name].setText(text)


def test_required_fields_are_named_next_to_the_fields_and_nothing_is_saved(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor
) -> None:
    dialog = _dialog(qtbot, clinic_db, front_desk)
    dialog.save_button.click()
    assert dialog.field_error("last_name") == "⚠ Last name is required."
    assert dialog.field_error("first_name") == "⚠ First name is required."
    assert dialog.field_error("date_of_birth") == "⚠ Date of birth is required."
    assert dialog.field_error("phone") == ""
    assert dialog.focusWidget() is dialog.line_edits["last_name"]
    assert dialog.isVisible()
    assert _patient_count(clinic_db) == 0


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        ("date_of_birth", "FUTURE", "Date of birth is in the future — check the year."),
        ("date_of_birth", "01/01/1890", "more than 120 years ago — check the year."),
        ("date_of_birth", "12.4.78x", UNREADABLE_DATE),
        ("phone", "555-1234", "Phone needs 10 digits with the area code"),
        ("emergency_contact_phone", "call me", "Emergency contact phone may contain only"),
        ("email", "maria@", "Email does not look right"),
    ],
)
def test_bad_values_get_plain_messages_next_to_their_field(
    qtbot: QtBot,
    clinic_db: Database,
    front_desk: Actor,
    field: str,
    typed: str,
    expected: str,
) -> None:
    if typed == "FUTURE":
        typed = f"{clinic_today(clinic_db) + timedelta(days=2):%m/%d/%Y}"
    dialog = _dialog(qtbot, clinic_db, front_desk)
    _fill(dialog, **{field: typed})
    dialog.save_button.click()
    assert expected in dialog.field_error(field)
    assert dialog.focusWidget() is dialog.line_edits[field]
    assert dialog.line_edits[field].text() == typed  # nothing typed is lost
    assert _patient_count(clinic_db) == 0


def test_successful_registration_saves_emits_and_closes(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor
) -> None:
    dialog = _dialog(qtbot, clinic_db, front_desk)
    _fill(dialog, phone="555 201 3344", date_of_birth="1978-04-12", payer="Aetna")
    dialog.sex.setCurrentIndex(dialog.sex.findData("female"))
    dialog.language.setCurrentText("Spanish")
    with qtbot.waitSignal(events().data_changed) as changed:
        qtbot.keyClick(dialog.line_edits["payer"], Qt.Key.Key_Return)  # Enter saves
    record = dialog.record()
    assert record is not None
    assert changed.args == ["patient", [record.id]]
    assert (record.last_name, record.phone, record.sex) == ("Ortiz", "(555) 201-3344", "female")
    assert record.preferred_language == "Spanish"
    assert dialog.result() == PatientDialog.DialogCode.Accepted
    assert not dialog.isVisible()


def test_sex_is_not_recorded_unless_someone_chooses_it(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor
) -> None:
    dialog = _dialog(qtbot, clinic_db, front_desk)
    assert dialog.sex.currentText() == "Not recorded"
    _fill(dialog)
    dialog.save_button.click()
    record = dialog.record()
    assert record is not None and record.sex == "unknown"


def test_likely_duplicate_warns_then_register_anyway_needs_a_second_click(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor
) -> None:
    existing = register_patient(clinic_db, front_desk, patient_input())
    dialog = _dialog(qtbot, clinic_db, front_desk)
    _fill(dialog)
    dialog.save_button.click()
    assert dialog.form_notice.isVisible()
    assert existing.chart_number in dialog.form_notice.text()
    assert dialog.save_button.text().replace("&", "") == "Register anyway"
    assert dialog.open_button.isVisible() and dialog.open_button.isDefault()
    assert not dialog.save_button.isDefault()  # Enter must not register a duplicate
    assert _patient_count(clinic_db) == 1

    dialog.save_button.click()
    record = dialog.record()
    assert record is not None and record.id != existing.id
    assert _patient_count(clinic_db) == 2


def test_duplicate_warning_offers_the_existing_chart(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor
) -> None:
    existing = register_patient(clinic_db, front_desk, patient_input())
    dialog = _dialog(qtbot, clinic_db, front_desk)
    _fill(dialog)
    dialog.save_button.click()
    with qtbot.waitSignal(dialog.open_existing) as chosen:
        qtbot.keyClick(dialog.open_button, Qt.Key.Key_Return)
    assert chosen.args == [existing.id]
    assert not dialog.isVisible()
    assert _patient_count(clinic_db) == 1


def test_changing_the_name_after_a_duplicate_warning_asks_again(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor
) -> None:
    register_patient(clinic_db, front_desk, patient_input())
    dialog = _dialog(qtbot, clinic_db, front_desk)
    _fill(dialog)
    dialog.save_button.click()
    qtbot.keyClicks(dialog.line_edits["first_name"], "n")
    assert not dialog.form_notice.isVisible()
    assert dialog.save_button.text().replace("&", "") == "Save"


def test_stale_edit_is_refused_with_a_message_and_keeps_the_typing(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor, therapist: Actor
) -> None:
    record = register_patient(clinic_db, front_desk, patient_input())
    dialog = _dialog(qtbot, clinic_db, front_desk, record)
    assert dialog.line_edits["date_of_birth"].text() == "04/12/1978"
    update_patient(clinic_db, therapist, record.id, record.version, patient_input(payer="Aetna"))
    dialog.line_edits["phone"].setText("(555) 999-0000")
    dialog.save_button.click()
    assert dialog.form_error.isVisible()
    assert "Therapist Person changed this patient's details" in dialog.form_error.text()
    assert dialog.line_edits["phone"].text() == "(555) 999-0000"
    assert dialog.isVisible() and dialog.record() is None


def test_closing_with_unsaved_changes_asks_first(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: list[QMessageBox.StandardButton] = [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(PatientDialog, "ask_unsaved", lambda self: answers.pop(0))
    dialog = _dialog(qtbot, clinic_db, front_desk)
    _fill(dialog)
    qtbot.keyClick(dialog.line_edits["last_name"], Qt.Key.Key_Escape)
    assert dialog.isVisible()  # Cancel: back to the form, typing intact
    assert dialog.line_edits["last_name"].text() == "Ortiz"

    answers.append(QMessageBox.StandardButton.Discard)
    dialog.close()
    assert not dialog.isVisible()
    assert dialog.record() is None and _patient_count(clinic_db) == 0


def test_save_from_the_unsaved_changes_question_saves(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PatientDialog, "ask_unsaved", lambda self: QMessageBox.StandardButton.Save)
    dialog = _dialog(qtbot, clinic_db, front_desk)
    _fill(dialog)
    dialog.reject()
    assert dialog.record() is not None and not dialog.isVisible()
    assert _patient_count(clinic_db) == 1


def test_an_untouched_form_closes_without_asking(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(self: PatientDialog) -> QMessageBox.StandardButton:
        raise AssertionError("nothing was typed, nothing to ask")

    monkeypatch.setattr(PatientDialog, "ask_unsaved", fail)
    record = register_patient(clinic_db, front_desk, patient_input(preferred_language="Tagalog"))
    dialog = _dialog(qtbot, clinic_db, front_desk, record)
    assert dialog.language.currentText() == "Tagalog"
    qtbot.keyClick(dialog.line_edits["last_name"], Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_real_question_box_offers_save_discard_cancel(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.undo()  # the real question this time
    dialog = _dialog(qtbot, clinic_db, front_desk)
    seen: list[QMessageBox.StandardButton] = []

    def answer_cancel() -> None:
        box = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)), None)
        if box is None or not box.isVisible():
            QTimer.singleShot(20, answer_cancel)
            return
        seen.append(box.standardButtons())
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(20, answer_cancel)
    assert PatientDialog.ask_unsaved(dialog) == QMessageBox.StandardButton.Cancel
    assert seen == [
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel
    ]


def test_enter_in_the_language_box_saves_too(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor
) -> None:
    dialog = _dialog(qtbot, clinic_db, front_desk)
    _fill(dialog)
    edit = dialog.language.lineEdit()
    assert edit is not None
    edit.selectAll()
    qtbot.keyClicks(edit, "Somali")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    record = dialog.record()
    assert record is not None and record.preferred_language == "Somali"
