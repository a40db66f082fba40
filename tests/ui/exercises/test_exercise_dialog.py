"""The form for the clinic's own exercises, used as a person would: typed fields, messages beside
the field at fault, clinical words pointed out once, a stale edit said in words, links chosen
from the library's free ends, and no typed work lost on closing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ptclinic.db import Database
from ptclinic.models import Role
from ptclinic.services import clinic_exercises
from ptclinic.services.actor import Actor
from ptclinic.services.exercise_library import exercise
from ptclinic.ui.events import events
from ptclinic.ui.exercises.exercise_dialog import NO_LINK, ExerciseDialog
from tests.services.test_clinic_exercises import form


def _dialog(
    qtbot: QtBot,
    db: Database,
    actor: Actor,
    *,
    start: dict[str, object] | None = None,
    own: clinic_exercises.OwnExercise | None = None,
) -> ExerciseDialog:
    dialog = ExerciseDialog(db, actor, clinic_exercises.library(db, actor), start=start, own=own)
    qtbot.addWidget(dialog)
    # Closed at the end of the test with whatever was typed: never a modal question then.
    dialog.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    dialog.show()
    return dialog


def _fill(qtbot: QtBot, dialog: ExerciseDialog) -> None:
    qtbot.keyClicks(dialog.name, "Wall sit, short range")
    qtbot.keyClicks(dialog.plain_name, "Sitting against the wall")
    dialog.category.setCurrentIndex(dialog.category.findData("strengthening"))
    dialog.stage.setCurrentIndex(dialog.stage.findData(2))
    dialog.indications["stability"].setChecked(True)
    qtbot.keyClicks(dialog.purpose, "Makes your thighs strong so standing up is easier.")
    dialog.steps.setPlainText(
        "Stand with your back against a wall.\nSlide down a little way.\nHold, then slide back up."
    )
    dialog.cautions.setPlainText("Stop if your knee hurts.")
    qtbot.keyClicks(dialog.dosage["reps"], "5")
    qtbot.keyClicks(dialog.dosage["hold_seconds"], "10")
    qtbot.keyClicks(dialog.dosage["per_day"], "1")


def test_a_new_exercise_is_typed_and_saved_with_ctrl_s(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    dialog = _dialog(qtbot, clinic_db, therapist)
    assert dialog.windowTitle() == "New exercise"
    assert dialog.focusWidget() is dialog.name
    _fill(qtbot, dialog)
    dialog.activateWindow()  # its shortcuts work in the active window
    qtbot.waitUntil(dialog.isActiveWindow)
    with qtbot.waitSignal(events().data_changed) as changed:
        qtbot.keySequence(dialog, QKeySequence(QKeySequence.StandardKey.Save))
    assert changed.args == ["exercise", ["C-001"]]
    saved = dialog.saved()
    assert saved is not None and saved.code == "C-001"
    assert not dialog.isVisible()
    stored = exercise("C-001", clinic_exercises.library(clinic_db))
    assert stored.dosage.reps == 5 and stored.dosage.hold_seconds == 10
    assert stored.steps[1] == "Slide down a little way."


def test_enter_in_a_field_saves(qtbot: QtBot, clinic_db: Database, therapist: Actor) -> None:
    dialog = _dialog(qtbot, clinic_db, therapist)
    _fill(qtbot, dialog)
    qtbot.keyClick(dialog.purpose, Qt.Key.Key_Return)
    assert dialog.saved() is not None


def test_errors_show_beside_their_fields_and_nothing_is_saved(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    dialog = _dialog(qtbot, clinic_db, therapist)
    dialog.steps.setPlainText("Just one step.")
    qtbot.keyClicks(dialog.dosage["sets"], "12")
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.saved() is None
    assert dialog.field_error("name") == "⚠ Name is required."
    assert dialog.field_error("plain_name") == "⚠ Name for the patient is required."
    assert dialog.field_error("category") == "⚠ Category is required."
    assert dialog.field_error("indications") == "⚠ Suits is required."
    assert dialog.field_error("steps") == "⚠ Steps: give 3 to 7 (not 1)."
    assert dialog.field_error("dosage.sets") == "⚠ Sets must be from 1 to 10 (not 12)."
    assert dialog.field_error("stage") == ""
    assert dialog.focusWidget() is dialog.name  # the first problem, in reading order
    assert clinic_exercises.library(clinic_db) == clinic_exercises.library(clinic_db, therapist)
    assert all(e.shipped for e in clinic_exercises.library(clinic_db))
    # Fixed, the messages go.
    dialog.dosage["sets"].clear()
    _fill(qtbot, dialog)
    dialog.steps.setPlainText("One.\nTwo.\nThree.")
    dialog.save_button.click()
    assert dialog.saved() is not None


def test_a_timed_dosage_refuses_repetitions_in_words(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    dialog = _dialog(qtbot, clinic_db, therapist)
    _fill(qtbot, dialog)
    qtbot.keyClicks(dialog.dosage["minutes"], "20")
    dialog.save_button.click()
    assert dialog.field_error("dosage.minutes").startswith(
        "⚠ A timed exercise is given in minutes only"
    )


def test_clinical_words_are_pointed_out_once_then_saved(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    dialog = _dialog(qtbot, clinic_db, therapist)
    _fill(qtbot, dialog)
    dialog.steps.setPlainText("Lie supine.\nBend your knees.\nLift your hips.")
    dialog.save_button.click()
    assert dialog.saved() is None
    assert "“supine” is a clinical word" in dialog.notice_text()
    assert "press Save again" in dialog.notice_text()
    dialog.save_button.click()
    saved = dialog.saved()
    assert saved is not None and saved.steps[0] == "Lie supine."


def test_a_copy_starts_filled_and_links_offer_free_family_ends(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    dialog = _dialog(qtbot, clinic_db, therapist, start=clinic_exercises.copy_of("SB-BRIDGE-SL"))
    assert dialog.windowTitle() == "New exercise from a copy"
    assert dialog.name.text() == "Single-leg bridge (copy)"
    assert dialog.regression.currentText() == NO_LINK
    offered = {dialog.regression.itemData(i) for i in range(dialog.regression.count())}
    assert "SB-BRIDGE-SL" in offered and "SB-BRIDGE" not in offered
    dialog.regression.setCurrentIndex(dialog.regression.findData("SB-BRIDGE-SL"))
    dialog.save_button.click()
    saved = dialog.saved()
    assert saved is not None and saved.regression == "SB-BRIDGE-SL"
    listed = clinic_exercises.library(clinic_db)
    assert exercise("SB-BRIDGE-SL", listed).progression == saved.code


def test_an_edit_starts_from_the_stored_exercise_and_a_stale_one_says_who(
    qtbot: QtBot,
    clinic_db: Database,
    therapist: Actor,
    make_staff: Callable[[str, Role], Actor],
) -> None:
    added = clinic_exercises.add_exercise(clinic_db, therapist, form())
    own = clinic_exercises.own_exercise(clinic_db, therapist, added.code)
    dialog = _dialog(qtbot, clinic_db, therapist, own=own)
    assert dialog.windowTitle() == "Edit exercise — Wall sit, short range (C-001)"
    assert dialog.steps.toPlainText().splitlines()[0] == "Stand with your back against a wall."
    assert dialog.dosage["reps"].text() == "5"
    assert not dialog.is_dirty()
    other = make_staff("dlee", Role.THERAPIST)
    clinic_exercises.update_exercise(clinic_db, other, added.code, 1, form(name="Wall sit"))
    dialog.name.setText("Wall squat")
    dialog.save_button.click()
    assert dialog.saved() is None
    assert dialog.error_text().startswith("⚠ Dlee Person changed this exercise at ")
    assert dialog.name.text() == "Wall squat"  # what was typed stays


def test_closing_with_changes_asks_first(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    dialog = _dialog(qtbot, clinic_db, therapist)
    asked: list[str] = []

    def keep() -> QMessageBox.StandardButton:
        asked.append(dialog.unsaved_question())
        return QMessageBox.StandardButton.Cancel

    dialog.ask_unsaved = keep  # type: ignore[method-assign]
    dialog.reject()
    assert asked == [] and not dialog.isVisible()  # nothing typed: closes without asking

    dialog = _dialog(qtbot, clinic_db, therapist)
    dialog.ask_unsaved = keep  # type: ignore[method-assign]
    qtbot.keyClicks(dialog.name, "Wall sit")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == ["Save this new exercise before closing?"]
    assert dialog.isVisible()


@pytest.mark.parametrize("link", ["progression", "regression"])
def test_a_link_that_breaks_a_family_is_shown_beside_its_picker(
    qtbot: QtBot, clinic_db: Database, therapist: Actor, link: str
) -> None:
    first = clinic_exercises.add_exercise(clinic_db, therapist, form(stage=2))
    dialog = _dialog(qtbot, clinic_db, therapist)
    _fill(qtbot, dialog)
    picker = dialog.progression if link == "progression" else dialog.regression
    picker.setCurrentIndex(picker.findData(first.code))
    # Stage 3 cannot progress to stage 2; stage 1 cannot ease back to stage 2.
    dialog.stage.setCurrentIndex(dialog.stage.findData(3 if link == "progression" else 1))
    dialog.save_button.click()
    assert "“Wall sit, short range” is at stage 2" in dialog.field_error(link)


def test_every_mnemonic_of_the_dialog_is_its_own(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    """A letter shared by two labels makes Alt+letter do nothing."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    dialog = _dialog(qtbot, clinic_db, therapist)
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.buddy() is not None]
    texts += [w.text() for w in dialog.findChildren(QAbstractButton)]
    letters = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
    assert len(letters) == len(set(letters)), sorted(letters)
