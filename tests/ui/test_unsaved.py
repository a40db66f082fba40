"""Closing a dialog with typed work asks first: Save saves, Discard closes, Cancel stays."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ptclinic.ui.unsaved import KeepsWorkDialog

B = QMessageBox.StandardButton


class Note(KeepsWorkDialog):
    def __init__(self) -> None:
        super().__init__()
        self.typed = ""
        self.saved: list[str] = []
        self.answer = B.Cancel
        self.asked = 0

    def is_dirty(self) -> bool:
        return bool(self.typed) and not self.saved

    def save_work(self) -> None:
        self.saved.append(self.typed)
        self.accept()

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        self.asked += 1
        return self.answer


@pytest.mark.parametrize(
    ("answer", "saved", "result", "open_after"),
    [
        (B.Save, ["walk"], KeepsWorkDialog.DialogCode.Accepted, False),
        (B.Discard, [], KeepsWorkDialog.DialogCode.Rejected, False),
        (B.Cancel, [], None, True),
    ],
)
def test_closing_with_typed_work_asks_and_does_what_was_answered(
    qtbot: QtBot,
    answer: QMessageBox.StandardButton,
    saved: list[str],
    result: KeepsWorkDialog.DialogCode | None,
    open_after: bool,
) -> None:
    dialog = Note()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.typed, dialog.answer = "walk", answer
    dialog.reject()
    assert dialog.asked == 1 and dialog.saved == saved
    assert dialog.isVisible() == open_after
    if result is not None:
        assert dialog.result() == result.value


def test_nothing_typed_closes_without_a_question(qtbot: QtBot) -> None:
    dialog = Note()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()
    assert dialog.asked == 0 and not dialog.isVisible()
