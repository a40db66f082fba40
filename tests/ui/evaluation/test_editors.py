"""The finding editors as a person uses them: familiar pain asked only of a positive test, a red
flag answered yes asks for the action (declining leaves it unanswered), the Oswestry and PSFS
scores as they are entered, choices with "Not recorded"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ptclinic.services.evaluation_form import SECTIONS
from ptclinic.ui.evaluation.editors import (
    ChoiceEditor,
    ProvocationEditor,
    RedFlagEditor,
    TextEditor,
)
from ptclinic.ui.evaluation.outcome_editors import OdiEditor, PsfsEditor


def _finding(section: str, key: str):  # type: ignore[no-untyped-def]
    found = SECTIONS[section].finding(key)
    assert found is not None
    return found


def test_familiar_pain_is_asked_only_of_a_positive_test(qtbot: QtBot) -> None:
    editor = ProvocationEditor(_finding("provocation", "distraction"))
    qtbot.addWidget(editor)
    editor.show()
    changes: list[None] = []
    editor.changed.connect(lambda: changes.append(None))
    assert editor.value() is None and not editor.familiar.isEnabled()
    qtbot.mouseClick(editor.result.buttons["positive"], Qt.MouseButton.LeftButton)
    assert editor.familiar.isEnabled()
    qtbot.mouseClick(editor.familiar, Qt.MouseButton.LeftButton)
    assert editor.value() == {"result": "positive", "familiar": True}
    qtbot.mouseClick(editor.result.buttons["negative"], Qt.MouseButton.LeftButton)
    assert editor.value() == {"result": "negative", "familiar": False}
    assert not editor.familiar.isEnabled() and not editor.familiar.isChecked()
    qtbot.mouseClick(editor.result.buttons["negative"], Qt.MouseButton.LeftButton)  # again: clear
    assert editor.value() is None
    assert len(changes) == 4
    editor.set_value({"result": "positive", "familiar": True})
    assert len(changes) == 4  # showing a saved value is not a change


def test_a_red_flag_answered_yes_records_the_action_taken(qtbot: QtBot) -> None:
    asked: list[tuple[str, str]] = []

    def ask(label: str, hint: str) -> str | None:
        asked.append((label, hint))
        return "Referred to the patient's physician today"

    editor = RedFlagEditor(_finding("red_flags", "cauda_equina"), ask)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.mouseClick(editor.answer.buttons["yes"], Qt.MouseButton.LeftButton)
    assert asked == [("Cauda equina signs", SECTIONS["red_flags"].findings[3].hint)]
    assert editor.value() == {
        "present": True,
        "action": "Referred to the patient's physician today",
    }
    assert editor.action.isVisible()
    qtbot.mouseClick(editor.answer.buttons["no"], Qt.MouseButton.LeftButton)
    assert editor.value() == {"present": False, "action": ""}
    assert not editor.action.isVisible()


def test_declining_the_referral_question_leaves_the_flag_unanswered(qtbot: QtBot) -> None:
    editor = RedFlagEditor(_finding("red_flags", "infection"), lambda _label, _hint: None)
    qtbot.addWidget(editor)
    editor.answer.setFocus()
    qtbot.keyClick(editor.answer, Qt.Key.Key_1)  # the row takes keys: 1 is "Yes"
    assert editor.value() is None
    assert not editor.answer.buttons["yes"].isChecked()


def test_the_oswestry_scores_as_sections_are_entered(qtbot: QtBot) -> None:
    editor = OdiEditor(_finding("outcomes", "odi"))
    qtbot.addWidget(editor)
    assert editor.score.text() == "Score: no section entered yet."
    for n, segments in enumerate(editor.sections[:8]):
        qtbot.keyClick(segments, str(n % 5))
    assert editor.value() == [0, 1, 2, 3, 4, 0, 1, 2, None, None]
    assert editor.score.text() == "Score: 32.5% · Moderate disability · 8 of 10 sections"
    qtbot.keyClick(editor.sections[7], Qt.Key.Key_Delete)
    assert editor.score.text() == "Score: too few sections answered to score"


def test_psfs_rows_with_their_average_and_a_score_without_a_name(qtbot: QtBot) -> None:
    editor = PsfsEditor(_finding("outcomes", "psfs"))
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.activities[0], "Sitting 1 hour")
    qtbot.keyClick(editor.scores[0], "4")
    qtbot.keyClick(editor.scores[2], "1")
    qtbot.keyClick(editor.scores[2], "0")  # typed quickly: ten
    assert editor.value() == [
        {"activity": "Sitting 1 hour", "score": 4},
        {"activity": "", "score": 10},
    ]
    assert editor.problem() == "Activity 2 has a score but no name."
    assert editor.score.text() == "Score: 4/10 (average of 1)"


def test_a_long_choice_list_is_a_drop_down_with_not_recorded(qtbot: QtBot) -> None:
    editor = ChoiceEditor(_finding("palpation", "fortin"))
    qtbot.addWidget(editor)
    assert editor.combo is not None
    editor.combo.setCurrentIndex(2)
    editor.combo.activated.emit(2)
    assert editor.value() == "positive_left"
    editor.set_value(None)
    assert editor.combo.currentText() == "Not recorded" and editor.value() is None


def test_blank_text_is_not_recorded(qtbot: QtBot) -> None:
    editor = TextEditor(_finding("subjective", "onset"))
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.edit, "   ")
    assert editor.value() is None
    qtbot.keyClicks(editor.edit, "Lifting a box")
    assert editor.value() == "   Lifting a box"


def test_declining_the_referral_question_keeps_an_earlier_no(qtbot: QtBot) -> None:
    editor = RedFlagEditor(_finding("red_flags", "infection"), lambda _label, _hint: None)
    qtbot.addWidget(editor)
    editor.set_value({"present": False, "action": ""})
    editor.answer.setFocus()
    qtbot.keyClick(editor.answer, Qt.Key.Key_1)  # a slip onto "Yes", then "Back"
    assert editor.value() == {"present": False, "action": ""}
    assert editor.answer.buttons["no"].isChecked()
