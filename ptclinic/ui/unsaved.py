"""Dialogs that never throw typed work away unasked: Esc, Cancel and the window's close button
all come to ``reject``, which asks Save / Discard / Cancel when something was typed.

A dialog built on ``KeepsWorkDialog`` says whether it holds unsaved work (``is_dirty``), how to
save it (``save_work``) and what to ask (``unsaved_question``); tests answer for the person by
replacing ``ask_unsaved``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox


class KeepsWorkDialog(QDialog):
    unsaved_title = "Not saved yet"

    def is_dirty(self) -> bool:
        return False

    def save_work(self) -> None:
        """Save as the dialog's own button would (a refusal keeps the dialog open)."""
        self.accept()

    def unsaved_question(self) -> str:
        return "Save before closing?"

    def reject(self) -> None:
        if not self.is_dirty():
            super().reject()
            return
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            self.save_work()
        elif answer == QMessageBox.StandardButton.Discard:
            super().reject()

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        """Save / Discard / Cancel; Enter saves, Esc keeps the dialog open."""
        buttons = QMessageBox.StandardButton
        return QMessageBox.question(
            self,
            self.unsaved_title,
            f"{self.unsaved_question()}\n\nIf you discard it, what you typed or chose is lost.",
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
