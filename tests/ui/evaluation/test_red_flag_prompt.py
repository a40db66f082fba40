"""The red-flag referral prompt: it warns, needs an action before OK, words the action with its
details, shows an earlier action for editing, and going back answers None."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from ptclinic.ui.evaluation.red_flag_prompt import (
    COMMON_ACTIONS,
    OTHER,
    WARNING,
    RedFlagDialog,
    ask_referral_action,
)

HINT = "Saddle numbness, new bladder or bowel change, both legs weak."


def _driving(qtbot: QtBot, fill: Callable[[RedFlagDialog], None]) -> Callable[[QDialog], int]:
    def run(dialog: QDialog) -> int:
        assert isinstance(dialog, RedFlagDialog)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        fill(dialog)
        return dialog.result()

    return run


def _ok(dialog: RedFlagDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_a_common_action_is_recorded_with_its_details(qtbot: QtBot) -> None:
    def fill(dialog: RedFlagDialog) -> None:
        words = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert WARNING in words and HINT in words and "Cauda equina signs" in words
        dialog.choose(COMMON_ACTIONS[1])
        qtbot.keyClicks(dialog.details, "Called 911  at 10:20")
        _ok(dialog)

    action = ask_referral_action(
        None, "Cauda equina signs", HINT, exec_dialog=_driving(qtbot, fill)
    )
    assert action == "Sent to the emergency department — Called 911 at 10:20"


def test_ok_needs_an_action_and_another_action_needs_words(qtbot: QtBot) -> None:
    def fill(dialog: RedFlagDialog) -> None:
        _ok(dialog)
        assert "Choose the action taken" in dialog.error_text()
        assert dialog.result() != QDialog.DialogCode.Accepted.value
        dialog.choose(OTHER)
        _ok(dialog)
        assert "Describe the action taken" in dialog.error_text()
        assert dialog.focusWidget() is dialog.details
        qtbot.keyClicks(dialog.details, "Phoned the patient's oncologist; appointment tomorrow")
        qtbot.keyClick(dialog.details, Qt.Key.Key_Return)  # Enter records it

    action = ask_referral_action(None, "Malignancy", "", exec_dialog=_driving(qtbot, fill))
    assert action == "Phoned the patient's oncologist; appointment tomorrow"


def test_going_back_answers_none(qtbot: QtBot) -> None:
    def fill(dialog: RedFlagDialog) -> None:
        dialog.choose(COMMON_ACTIONS[0])
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()

    assert ask_referral_action(None, "Infection", "", exec_dialog=_driving(qtbot, fill)) is None


def test_an_earlier_action_is_shown_for_editing(qtbot: QtBot) -> None:
    earlier = f"{COMMON_ACTIONS[3]} — handout given"

    def fill(dialog: RedFlagDialog) -> None:
        assert dialog.choices.checkedId() == 3 and dialog.details.text() == "handout given"
        dialog.details.clear()
        _ok(dialog)

    action = ask_referral_action(
        None, "Suspected fracture", "", current=earlier, exec_dialog=_driving(qtbot, fill)
    )
    assert action == COMMON_ACTIONS[3]
    own = RedFlagDialog("Infection", "", "Told to see her GP tomorrow")
    qtbot.addWidget(own)
    assert own.choices.checkedId() == len(COMMON_ACTIONS) and own.action() == (
        "Told to see her GP tomorrow"
    )
