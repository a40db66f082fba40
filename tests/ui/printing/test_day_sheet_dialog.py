"""Printing the day sheet from the app: the chosen day and therapist reach the service, the
sheet opens in the preview or is saved, and refusals are shown in words."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptclinic.models import AuditEvent
from ptclinic.services import booking
from ptclinic.services.actor import Actor
from ptclinic.ui.printing.day_sheet_dialog import DaySheetDialog
from ptclinic.ui.printing.pdf_preview import PdfPreviewDialog
from ptclinic.ui.tasks import runner
from tests.services.conftest import CHICAGO, MONDAY, Clinic, at, scheduled

__all__ = ["scheduled"]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def monday(scheduled: Clinic) -> Clinic:
    """Ortiz sees Dana Lee at 10:00, Chen sees Brian Kim at 11:00."""
    booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    booking.book(
        scheduled.db,
        scheduled.desk,
        scheduled.request(at(MONDAY, 11), therapist=scheduled.kim, patient=scheduled.chen),
    )
    return scheduled


class Previews:
    """Stands in for showing the preview: keeps what would have been shown."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, bytes, int]] = []

    def __call__(self, dialog: QDialog) -> int:
        assert isinstance(dialog, PdfPreviewDialog)
        self.shown.append(
            (dialog.windowTitle(), dialog._suggested_name, dialog.pdf(), dialog.page_count())
        )
        return QDialog.DialogCode.Rejected.value


MakeDialog = Callable[..., DaySheetDialog]


@pytest.fixture
def make_dialog(qtbot: QtBot, monday: Clinic) -> MakeDialog:
    def make(actor: Actor | None = None, therapist_id: int | None = None) -> DaySheetDialog:
        dialog = DaySheetDialog(monday.db, actor or monday.desk, CHICAGO, MONDAY, therapist_id)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return make


def _preview(qtbot: QtBot, dialog: DaySheetDialog) -> Previews:
    previews = Previews()
    dialog.exec_dialog = previews  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.is_busy())
    return previews


def test_preview_shows_the_chosen_therapists_sheet(
    qtbot: QtBot, make_dialog: MakeDialog, monday: Clinic
) -> None:
    dialog = make_dialog()
    assert dialog.therapist.currentText() == "All therapists"
    assert [dialog.therapist.itemText(i) for i in range(3)] == [
        "All therapists", "Brian Kim", "Dana Lee",
    ]  # fmt: skip
    dialog.therapist.setFocus()
    qtbot.keyClicks(dialog.therapist, "Dana")  # typing picks the name, as in any list
    assert dialog.therapist.currentText() == "Dana Lee"
    previews = _preview(qtbot, dialog)

    [(title, file_name, pdf, pages)] = previews.shown
    assert title == "Day sheet, Monday, December 7, 2026: Dana Lee"
    assert file_name == "day-sheet-2026-12-07-dlee.pdf"
    assert pages == 1
    text = pdf_text(pdf)
    assert "Ortiz, Maria" in text and "Chen" not in text
    assert dialog.isVisible()  # stays open for the next sheet
    with monday.db.session() as session:
        printed = session.scalars(
            select(AuditEvent.summary).where(
                AuditEvent.action == "print", AuditEvent.entity_type == "day_sheet"
            )
        ).all()
    assert printed == ["day sheet for 2026-12-07, dlee: 1 visits (app)"]


def test_enter_previews_everyone_and_a_page_each_splits_the_sheet(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    dialog = make_dialog()
    previews = Previews()
    dialog.exec_dialog = previews  # type: ignore[method-assign]
    qtbot.keyClick(dialog.date_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(previews.shown) == 1)
    title, file_name, pdf, pages = previews.shown[0]
    assert title.endswith(": all therapists")
    assert file_name == "day-sheet-2026-12-07-all-therapists.pdf"
    assert pages == 1  # two short sections share a page
    assert "Ortiz, Maria" in pdf_text(pdf) and "Chen, Wei" in pdf_text(pdf)

    assert dialog.page_each.isEnabled()
    dialog.page_each.setChecked(True)
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: len(previews.shown) == 2)
    assert previews.shown[1][3] == 2


def test_a_page_each_is_only_offered_for_everyone(make_dialog: MakeDialog, monday: Clinic) -> None:
    dialog = make_dialog(therapist_id=monday.kim.staff_id)
    assert dialog.therapist.currentText() == "Brian Kim"  # preselected by the caller
    assert not dialog.page_each.isEnabled()
    dialog.page_each.setChecked(True)
    assert dialog.choice().page_per_therapist is False


def test_another_date_gives_that_days_sheet(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    tuesday = MONDAY + timedelta(days=1)
    dialog.date_field.setDate(QDate(tuesday.year, tuesday.month, tuesday.day))
    [(title, _name, pdf, _pages)] = _preview(qtbot, dialog).shown
    assert "Tuesday, December 8, 2026" in title
    assert "No visits booked" in pdf_text(pdf)


def test_save_as_pdf_writes_the_sheet_without_a_preview(
    qtbot: QtBot, make_dialog: MakeDialog, tmp_path: Path
) -> None:
    dialog = make_dialog()
    offered: list[str] = []

    def choose(suggested_name: str) -> Path | None:
        offered.append(suggested_name)
        return tmp_path / "monday"

    dialog.choose_save_path = choose  # type: ignore[method-assign]
    previews = Previews()
    dialog.exec_dialog = previews  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.saved_path is not None)
    saved = tmp_path / "monday.pdf"
    assert offered == ["day-sheet-2026-12-07-all-therapists.pdf"]
    assert dialog.saved_path == saved
    assert "Ortiz, Maria" in pdf_text(saved.read_bytes())
    assert dialog.message.text() == (
        f"✓ Saved the day sheet for Monday, December 7, 2026 (all therapists) as {saved}."
    )
    assert previews.shown == []


def test_cancelling_the_save_dialog_makes_nothing(
    qtbot: QtBot, make_dialog: MakeDialog, monday: Clinic
) -> None:
    dialog = make_dialog()
    dialog.choose_save_path = lambda suggested_name: None  # type: ignore[method-assign]
    dialog.save_button.click()
    assert not dialog.is_busy()
    with monday.db.session() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).all() == []


def test_a_refusal_is_shown_in_words(qtbot: QtBot, make_dialog: MakeDialog, monday: Clinic) -> None:
    # An administrator manages the clinic but may not see patients' visits.
    dialog = make_dialog(actor=monday.admin)
    assert dialog.therapist.count() == 1
    assert "is not allowed to view patients" in dialog.message.text()
    previews = _preview(qtbot, dialog)
    assert previews.shown == []
    assert dialog.message.is_error()
    assert dialog.message.text().startswith("⚠ Avery Admin (")
    assert dialog.preview_button.isEnabled()  # ready to try again


def test_closing_while_the_sheet_is_made_drops_it(qtbot: QtBot, make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    previews = Previews()
    dialog.exec_dialog = previews  # type: ignore[method-assign]
    dialog.preview_button.click()
    assert dialog.is_busy() and not dialog.preview_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and not dialog.is_busy()
    qtbot.waitUntil(lambda: runner().pending() == 0)  # the sheet arrived after the closing
    assert previews.shown == []
    dialog.show()  # shown again, it works as before
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: len(previews.shown) == 1)
