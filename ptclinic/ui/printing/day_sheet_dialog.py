"""Print the day sheet from the app: choose the day and whose visits, then preview (and print
from there) or save the PDF straight away.

The sheet is made by the day sheet service on the worker thread (it reads the whole day and lays
out pages); the service checks the permission and records the print in the audit log. Its
refusals are shown in words above the buttons, and the dialog stays open for another try.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import calendar
from ptclinic.services.actor import Actor
from ptclinic.services.day_sheet import date_in_words, day_sheet_pdf
from ptclinic.services.errors import DomainError
from ptclinic.ui.admin.common import MessageLine, describe
from ptclinic.ui.date_field import DateField
from ptclinic.ui.printing.pdf_preview import PdfPreviewDialog
from ptclinic.ui.printing.saving import SaveFailed, ask_save_path, write_pdf
from ptclinic.ui.tasks import TaskFailure, run_task

ALL_THERAPISTS = "All therapists"


@dataclass(frozen=True)
class SheetChoice:
    """What to print: the clinic-local day and one therapist's username (None: everyone)."""

    day: date
    username: str | None
    for_whom: str  # "Dana Lee" or "all therapists", for titles and messages
    page_per_therapist: bool

    def title(self) -> str:
        return f"Day sheet, {date_in_words(self.day)}: {self.for_whom}"

    def file_name(self) -> str:
        who = self.username or "all-therapists"
        return f"day-sheet-{self.day.isoformat()}-{who}.pdf"


class DaySheetDialog(QDialog):
    """Choose the date and "All therapists" or one therapist; "Preview…" opens the sheet in the
    print preview, "Save as PDF…" writes it to a file. ``therapist_id`` preselects a therapist
    (a staff id, e.g. the week view's); ``zone`` is the clinic's, for "Today"."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        zone: ZoneInfo,
        day: date,
        therapist_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._zone = db, actor, zone
        self._busy = False
        self._showing = 0  # counts closings: a sheet made for an earlier showing is dropped
        self.saved_path: Path | None = None
        self.setWindowTitle("Print day sheet")
        self.setModal(True)
        self.setMinimumWidth(480)
        self._build(day)
        self._fill_therapists(therapist_id)
        self.date_field.setFocus()

    # --- building -----------------------------------------------------------------------------

    def _build(self, day: date) -> None:
        self.date_field = DateField(
            QDate(day.year, day.month, day.day), today=lambda: datetime.now(self._zone).date()
        )
        self.date_field.setObjectName("daySheetDate")
        self.today_button = QPushButton("&Today")
        self.today_button.setToolTip("The clinic's today")
        self.today_button.setAutoDefault(False)
        self.today_button.clicked.connect(self._go_today)
        date_row = QHBoxLayout()
        date_row.setContentsMargins(0, 0, 0, 0)
        date_row.addWidget(self.date_field, 1)
        date_row.addWidget(self.today_button)
        self.therapist = QComboBox()
        self.therapist.setObjectName("daySheetTherapist")
        self.therapist.currentIndexChanged.connect(lambda _index: self._therapist_changed())
        self.page_each = QCheckBox("Start each therapist on a &new page")
        self.page_each.setToolTip("To hand each therapist their own sheet")

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        date_label = QLabel("&Date")
        date_label.setBuddy(self.date_field)
        form.addRow(date_label, date_row)
        therapist_label = QLabel("T&herapist")
        therapist_label.setBuddy(self.therapist)
        form.addRow(therapist_label, self.therapist)
        form.addRow("", self.page_each)

        hint = QLabel(
            "The sheet lists every visit of the day, cancelled ones included, with a box to tick "
            "at check-in. Each print is recorded in the audit log."
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.progress = QLabel()
        self.progress.setObjectName("hint")
        self.progress.hide()
        self.message = MessageLine()
        self.buttons = QDialogButtonBox()
        self.preview_button = self.buttons.addButton(
            "&Preview…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.preview_button.setDefault(True)
        self.preview_button.setToolTip("See the sheet, then print it or save it")
        self.save_button = self.buttons.addButton(
            "&Save as PDF…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText("&Close")
        for button in self.buttons.buttons():
            button.setIcon(QIcon())  # the platform's stock icons clash with the clinic style
        # Preview is an AcceptRole button for its place in the row; it must not close the dialog.
        self.preview_button.clicked.connect(self.preview)
        self.save_button.clicked.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(12)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def _fill_therapists(self, therapist_id: int | None) -> None:
        self.therapist.addItem(ALL_THERAPISTS, None)
        try:
            people = calendar.clinicians(self._db, self._actor)
        except DomainError as exc:
            self.message.show_error(describe(exc))
            people = []
        for person in people:
            self.therapist.addItem(person.full_name, person.username)
            if person.id == therapist_id:
                self.therapist.setCurrentIndex(self.therapist.count() - 1)
        self._therapist_changed()

    def _therapist_changed(self) -> None:
        self.page_each.setEnabled(self.therapist.currentData() is None)

    def _go_today(self) -> None:
        today = datetime.now(self._zone).date()
        self.date_field.setDate(QDate(today.year, today.month, today.day))

    # --- what is asked for --------------------------------------------------------------------

    def choice(self) -> SheetChoice:
        picked = self.date_field.date()
        username = self.therapist.currentData()
        return SheetChoice(
            day=date(picked.year(), picked.month(), picked.day()),
            username=username,
            for_whom=self.therapist.currentText() if username else ALL_THERAPISTS.lower(),
            page_per_therapist=username is None and self.page_each.isChecked(),
        )

    def is_busy(self) -> bool:
        return self._busy

    # --- actions ------------------------------------------------------------------------------

    def preview(self) -> None:
        """Make the sheet, then show it in the print preview."""
        choice = self.choice()
        self._make(choice, lambda pdf: self._show_preview(choice, pdf))

    def save(self) -> None:
        """Ask where, make the sheet and write it there, without a preview."""
        choice = self.choice()
        path = self.choose_save_path(choice.file_name())
        if path is not None:
            self._make(choice, lambda pdf: self._write(choice, path, pdf))

    def _make(self, choice: SheetChoice, then: Callable[[bytes], None]) -> None:
        if self._busy:
            return
        db, actor = self._db, self._actor

        def job() -> bytes:  # on the worker thread: no widgets here
            return day_sheet_pdf(
                db,
                actor,
                choice.day,
                choice.username,
                page_per_therapist=choice.page_per_therapist,
            )

        showing = self._showing

        def done(pdf: bytes) -> None:
            if showing == self._showing:
                self._set_busy(None)
                then(pdf)

        def failed(failure: TaskFailure) -> None:
            if showing == self._showing:
                self._set_busy(None)
                self.message.show_error(failure.message)

        self.message.clear_message()
        self._set_busy(f"Preparing the day sheet for {date_in_words(choice.day)}…")
        run_task(job, done, failed)

    def _set_busy(self, doing: str | None) -> None:
        """Say what is being made (buttons off meanwhile), or None when it is done."""
        self._busy = doing is not None
        self.progress.setText(doing or "")
        self.progress.setVisible(self._busy)
        for button in (self.preview_button, self.save_button):
            button.setEnabled(not self._busy)

    def _show_preview(self, choice: SheetChoice, pdf: bytes) -> None:
        preview = PdfPreviewDialog(pdf, choice.title(), choice.file_name(), self)
        self.exec_dialog(preview)
        preview.deleteLater()

    def _write(self, choice: SheetChoice, path: Path, pdf: bytes) -> None:
        try:
            self.saved_path = write_pdf(path, pdf)
        except SaveFailed as exc:
            self.message.show_error(str(exc))
            return
        self.message.show_notice(
            f"Saved the day sheet for {date_in_words(choice.day)} ({choice.for_whom}) "
            f"as {self.saved_path}."
        )

    # --- seams for tests ----------------------------------------------------------------------

    def exec_dialog(self, dialog: QDialog) -> int:
        """Show the preview modally (tests replace this to look at it)."""
        return dialog.exec()

    def choose_save_path(self, suggested_name: str) -> Path | None:
        """The platform's "Save as" dialog in Documents (tests replace this)."""
        return ask_save_path(self, suggested_name)

    def done(self, result: int) -> None:
        self._showing += 1  # a sheet still being made is dropped when it arrives
        self._set_busy(None)
        super().done(result)
