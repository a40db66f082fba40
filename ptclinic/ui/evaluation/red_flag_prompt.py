"""The referral prompt a red flag answered "yes" brings up: stop, decide, record what was done.

``ask_referral_action`` returns the action taken in words (what the evaluation stores with the
flag) or None when the person backs out, in which case the caller leaves the question
unanswered. Nothing is saved here: the evaluation window keeps the answer in its draft.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.evaluation_form import TEXT_LIMIT
from ptclinic.ui.admin.common import MessageLine

COMMON_ACTIONS = (
    "Referred to the patient's physician today",
    "Sent to the emergency department",
    "Discussed with the referring physician; therapy continues",
    "Patient declined referral; advised in writing",
)
OTHER = "Another action (describe it below)"
# The form stores the action in up to twice a one-line text's length (evaluation_form).
ACTION_LIMIT = TEXT_LIMIT * 2
SEPARATOR = " — "
DETAILS_LIMIT = ACTION_LIMIT - max(len(a) for a in COMMON_ACTIONS) - len(SEPARATOR)
WARNING = "This may need a physician's attention before physical therapy continues."

ExecDialog = Callable[[QDialog], int]


def _exec(dialog: QDialog) -> int:
    return dialog.exec()


class RedFlagDialog(QDialog):
    """Which action was taken for one red flag; OK needs one (a common action or own words)."""

    def __init__(
        self, flag_label: str, hint: str, current: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("redFlagDialog")
        self.setWindowTitle(f"Red flag: {flag_label}")
        self.setModal(True)
        self.setMinimumWidth(580)
        warning = QLabel(f"<b>⚠ {html.escape(flag_label)}: answered yes.</b><br>{WARNING}")
        warning.setTextFormat(Qt.TextFormat.RichText)
        warning.setObjectName("formNotice")
        warning.setWordWrap(True)
        warning.setAccessibleName("Warning")
        signs = QLabel(f"Signs to ask about: {hint}" if hint else "")
        signs.setObjectName("hint")
        signs.setWordWrap(True)
        signs.setVisible(bool(hint))
        question = QLabel("<b>What was done?</b> Record the action taken with this answer.")
        question.setWordWrap(True)
        self.choices = QButtonGroup(self)
        self._buttons: list[QRadioButton] = []
        for number, text in enumerate((*COMMON_ACTIONS, OTHER), start=1):
            button = QRadioButton(f"&{number}  {text}")
            button.setAccessibleName(text)
            self.choices.addButton(button, number - 1)
            self._buttons.append(button)
        self.details = QLineEdit()
        self.details.setObjectName("redFlagDetails")
        self.details.setMaxLength(DETAILS_LIMIT)
        self.details.setPlaceholderText("Who was told, what was advised (optional)")
        self.details.setAccessibleName("Details of the action")
        details_label = QLabel("&Details")
        details_label.setBuddy(self.details)
        self.message = MessageLine()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Record the action")
        ok.setDefault(True)
        back = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        back.setText("&Back (leave unanswered)")
        for push in self.buttons.buttons():
            push.setIcon(QIcon())  # the platform's stock icons clash with the clinic style
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.choices.idToggled.connect(self._choice_toggled)

        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(warning)
        layout.addWidget(signs)
        layout.addSpacing(4)
        layout.addWidget(question)
        for button in self._buttons:
            layout.addWidget(button)
        layout.addSpacing(4)
        layout.addWidget(details_label)
        layout.addWidget(self.details)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._fill(current)
        checked = self.choices.checkedButton()
        (checked or self._buttons[0]).setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill(self, current: str) -> None:
        """Show an action recorded before: its common action chosen, the rest as details."""
        current = current.strip()
        if not current:
            return
        for index, text in enumerate(COMMON_ACTIONS):
            if current == text or current.startswith(text + SEPARATOR):
                self._buttons[index].setChecked(True)
                self.details.setText(current[len(text) + len(SEPARATOR) :])
                return
        self._buttons[-1].setChecked(True)
        self.details.setText(current)

    def _choice_toggled(self, index: int, checked: bool) -> None:
        if not checked:
            return
        self.message.clear_message()
        other = index == len(COMMON_ACTIONS)
        self.details.setPlaceholderText(
            "Describe the action taken (required)"
            if other
            else "Who was told, what was advised (optional)"
        )
        if other:
            self.details.setFocus(Qt.FocusReason.OtherFocusReason)

    def choose(self, text: str) -> None:
        """Pick a common action (or ``OTHER``) as a click would."""
        self._buttons[[*COMMON_ACTIONS, OTHER].index(text)].click()

    def action(self) -> str:
        """The action in words, "" while none is chosen or described."""
        index = self.choices.checkedId()
        details = " ".join(self.details.text().split())
        if 0 <= index < len(COMMON_ACTIONS):
            chosen = COMMON_ACTIONS[index]
            return f"{chosen}{SEPARATOR}{details}" if details else chosen
        return details  # "another action", or words typed without choosing

    def accept(self) -> None:
        if self.action():
            super().accept()
            return
        if self.choices.checkedId() == len(COMMON_ACTIONS):
            self.message.show_error("Describe the action taken in Details.")
            self.details.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.message.show_error("Choose the action taken, or describe it in Details.")
            self._buttons[0].setFocus(Qt.FocusReason.OtherFocusReason)
        self._fit()

    def _fit(self) -> None:
        # The message line appears after the dialog was sized; grow it so nothing is clipped.
        layout = self._layout
        layout.activate()
        needed = (
            layout.totalHeightForWidth(self.width())
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        if needed > self.height():
            self.resize(self.width(), needed)

    def error_text(self) -> str:
        return self.message.text() if self.message.is_error() else ""


def ask_referral_action(
    parent: QWidget | None,
    flag_label: str,
    hint: str,
    *,
    current: str = "",
    exec_dialog: ExecDialog = _exec,
) -> str | None:
    """Ask what was done about a red flag answered yes; None when the person goes back.

    ``current`` is an action recorded before (shown for editing); tests pass ``exec_dialog`` to
    drive the dialog instead of showing it modally.
    """
    dialog = RedFlagDialog(flag_label, hint, current, parent)
    try:
        accepted = exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        return dialog.action() if accepted else None
    finally:
        dialog.deleteLater()
