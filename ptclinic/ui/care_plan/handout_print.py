"""Printing the home exercise program from the care-plan window: regular or large print, then
the preview with Print… and Save as PDF…."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.errors import DomainError
from ptclinic.services.home_program_pdf import BODY, LARGE_BODY, home_program_pdf
from ptclinic.ui.printing.pdf_preview import PdfPreviewDialog

if TYPE_CHECKING:
    from ptclinic.ui.care_plan.window import CarePlanWindow


class PrintChoice(QDialog):
    """Regular or large print: ``large()`` after it is accepted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Print the home program")
        self.regular = QRadioButton(f"&Regular print ({BODY:g} pt)")
        self.large_print = QRadioButton(f"&Large print ({LARGE_BODY:g} pt), for poor eyesight")
        self.regular.setChecked(True)
        hint = QLabel("The handout shows the patient's first name only: no date of birth, chart "
                      "number or insurance.")  # fmt: skip
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Preview")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        for widget in (self.regular, self.large_print, hint, buttons):
            box.addWidget(widget)

    def large(self) -> bool:
        return self.large_print.isChecked()


def print_home_program(window: CarePlanWindow) -> PdfPreviewDialog | None:
    """Ask regular or large print, make the handout and show its preview (returned, closed)."""
    choice = PrintChoice(window)
    if choice.exec() != QDialog.DialogCode.Accepted:
        return None
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        pdf = home_program_pdf(window.db, window.actor, window.episode.id,
                               large_print=choice.large())  # fmt: skip
    except DomainError as exc:
        QMessageBox.warning(window, "Print", str(exc))
        return None
    finally:
        QGuiApplication.restoreOverrideCursor()
    name = f"home-program-{window.patient.chart_number}-{window.today().isoformat()}.pdf"
    preview = PdfPreviewDialog(pdf, f"Home program: {window.patient.display_name}", name, window)
    preview.exec()
    preview.deleteLater()
    return preview
