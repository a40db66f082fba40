"""The print preview: pages on screen, printing through a (PDF file) printer, saving a copy."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from ptclinic.ui.printing.pdf_preview import FIT_WIDTH, NO_PRINTER, PdfPreviewDialog


def make_pdf(pages: int = 2) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica", 24)
        canvas.drawString(72, 700, f"Page number {number}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.fixture
def two_pages() -> bytes:
    return make_pdf(2)


def _dialog(qtbot: QtBot, pdf: bytes) -> PdfPreviewDialog:
    dialog = PdfPreviewDialog(pdf, "Day sheet", "day-sheet.pdf")
    qtbot.addWidget(dialog)
    dialog.resize(800, 600)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # for the Ctrl+P and Ctrl+S shortcuts
    dialog.render_pages()  # the resize re-renders after a pause; do it now
    return dialog


def _printing_to(
    dialog: PdfPreviewDialog,
    path: Path,
    *,
    pages: tuple[int, int] | None = None,
    copies: int = 1,
) -> list[QPrinter]:
    """Stand in for the platform's print dialog: a printer exists, and the person picks a PDF
    file as the printer, maybe with a page range or copies."""
    chosen: list[QPrinter] = []

    def choose(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        if pages is not None:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(*pages)
        printer.setCopyCount(copies)
        chosen.append(printer)
        return True

    dialog.available_printers = lambda: ["Front desk laser"]  # type: ignore[method-assign]
    dialog.choose_printer = choose  # type: ignore[method-assign]
    return chosen


def test_preview_shows_every_page_and_the_page_count(qtbot: QtBot, two_pages: bytes) -> None:
    dialog = _dialog(qtbot, two_pages)
    assert dialog.windowTitle() == "Day sheet"
    assert dialog.page_count() == 2
    assert dialog.position.text() == "Page 1 of 2"
    assert all(not dialog.page_pixmap(i).isNull() for i in range(2))
    dialog.pages_area.verticalScrollBar().setValue(dialog.pages_area.verticalScrollBar().maximum())
    assert dialog.position.text() == "Page 2 of 2"


def test_fit_width_fills_the_window_and_100_percent_is_the_real_size(
    qtbot: QtBot, two_pages: bytes
) -> None:
    dialog = _dialog(qtbot, two_pages)
    page = dialog.page_pixmap(0)
    fitted = page.width() / page.devicePixelRatio()
    room = dialog.pages_area.viewport().width()
    assert room - 40 <= fitted <= room  # the page's width, less a small gap each side

    dialog.set_zoom(1.0)
    page = dialog.page_pixmap(0)
    inches = 612 / 72  # Letter is 8.5 inches wide
    assert page.width() / page.devicePixelRatio() == pytest.approx(
        inches * dialog.logicalDpiX(), abs=2
    )
    dialog.set_zoom(FIT_WIDTH)
    assert dialog.zoom.currentText() == "Fit width"


def test_save_writes_the_original_bytes(qtbot: QtBot, two_pages: bytes, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, two_pages)
    dialog.choose_save_path = lambda: tmp_path / "sheet"  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = tmp_path / "sheet.pdf"  # the .pdf ending added
    assert saved.read_bytes() == two_pages
    assert dialog.saved_path == saved
    assert dialog.message.text() == f"✓ Saved as {saved}."
    assert list(tmp_path.iterdir()) == [saved]  # no temporary file left behind


def test_ctrl_s_saves_and_a_failed_save_says_why(
    qtbot: QtBot, two_pages: bytes, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, two_pages)
    missing = tmp_path / "no such folder" / "sheet.pdf"
    dialog.choose_save_path = lambda: missing  # type: ignore[method-assign]
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.message.is_error()
    assert f"could not be saved as {missing}" in dialog.message.text()
    assert "Choose another folder" in dialog.message.text()
    assert dialog.saved_path is None and not missing.parent.exists()


def test_cancelling_the_save_dialog_writes_nothing(qtbot: QtBot, two_pages: bytes) -> None:
    dialog = _dialog(qtbot, two_pages)
    dialog.choose_save_path = lambda: None  # type: ignore[method-assign]
    dialog.save_button.click()
    assert dialog.saved_path is None and dialog.message.isHidden()


def test_print_puts_every_page_on_the_printer(
    qtbot: QtBot, two_pages: bytes, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, two_pages)
    out = tmp_path / "printed.pdf"
    chosen = _printing_to(dialog, out)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert len(chosen) == 1
    # Set up for the document before the dialog opens: its name and Letter paper.
    assert chosen[0].docName() == "Day sheet"
    assert chosen[0].pageLayout().pageSize().id().name == "Letter"
    assert len(page_texts(out)) == 2
    assert dialog.message.text() == f"✓ Sent 2 pages to {out}."


def test_print_honours_the_page_range_and_copies(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, make_pdf(3))
    second = tmp_path / "second.pdf"
    _printing_to(dialog, second, pages=(2, 3))
    qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(page_texts(second)) == 2

    copies = tmp_path / "copies.pdf"
    _printing_to(dialog, copies, copies=2)
    dialog.print_button.click()
    # A PDF "printer" cannot make copies itself, so each copy is sent: 3 pages, twice.
    assert len(page_texts(copies)) == 6


def test_print_without_a_printer_says_so(qtbot: QtBot, two_pages: bytes) -> None:
    dialog = _dialog(qtbot, two_pages)
    asked: list[QPrinter] = []
    dialog.available_printers = lambda: []  # type: ignore[method-assign]
    dialog.choose_printer = lambda printer: bool(asked.append(printer))  # type: ignore[method-assign, func-returns-value]
    dialog.print_button.click()
    assert asked == []
    assert dialog.message.text() == "⚠ " + NO_PRINTER


def test_cancelling_the_print_dialog_prints_nothing(
    qtbot: QtBot, two_pages: bytes, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, two_pages)
    dialog.available_printers = lambda: ["Front desk laser"]  # type: ignore[method-assign]
    dialog.choose_printer = lambda printer: False  # type: ignore[method-assign]
    dialog.print_button.click()
    assert dialog.message.isHidden()


def test_a_damaged_pdf_is_explained_and_cannot_be_printed(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, b"not a pdf")
    assert dialog.page_count() == 0
    assert dialog.position.text() == "No pages to show"
    assert "could not be shown" in dialog.message.text()
    assert not dialog.print_button.isEnabled()
