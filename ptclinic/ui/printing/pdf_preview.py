"""Print preview for any PDF the app makes: read it on screen, print it, or save a copy.

Reused by every printed document (day sheet, home-exercise handouts, progress notes): give it
the PDF bytes, a window title and a file name to suggest. Keyboard: Ctrl+P prints, Ctrl+S saves,
Page Up/Down scroll, Esc closes.

The printer and file dialogs are the platform's own and cannot be driven by tests; they sit
behind ``available_printers``, ``choose_printer`` and ``choose_save_path``, which tests replace.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSizeF, Qt, QTimer
from PySide6.QtGui import (
    QIcon,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPalette,
    QPixmap,
    QShortcut,
)
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ptclinic.ui.admin.common import MessageLine
from ptclinic.ui.printing.pdf_pages import POINTS_PER_INCH, PdfPages, UnreadablePdf
from ptclinic.ui.printing.printer import PrintFailed, print_pages
from ptclinic.ui.printing.saving import SaveFailed, ask_save_path, write_pdf

FIT_WIDTH = 0.0  # the zoom meaning "as wide as the window"
ZOOMS = (("Fit width", FIT_WIDTH), ("100 %", 1.0), ("150 %", 1.5), ("200 %", 2.0))
PAGE_GAP = 16  # pixels around and between pages
RESIZE_DELAY_MS = 120  # re-render once the window stops changing size
NO_PRINTER = (
    "No printer is set up on this computer. Use Save as PDF… to keep the file and print it "
    "elsewhere, or ask whoever looks after the clinic's computers to add a printer."
)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


@contextlib.contextmanager
def _busy() -> Iterator[None]:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


class PdfPreviewDialog(QDialog):
    """The pages of ``pdf`` one under another, with zoom, "Print…" and "Save as PDF…".

    ``suggested_name`` is the file name offered when saving ("day-sheet-2026-12-07.pdf");
    ``saved_path`` is where the last save went. Show it once (``exec``); closing it frees the
    rendered document.
    """

    def __init__(
        self, pdf: bytes, title: str, suggested_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._pdf = pdf
        self._suggested_name = suggested_name
        self._labels: list[QLabel] = []
        self._rendered_at: tuple[float, float] | None = None  # (pixels per point, pixel ratio)
        self.saved_path: Path | None = None
        self._pages: PdfPages | None
        try:
            self._pages = PdfPages(pdf)
        except UnreadablePdf as exc:
            self._pages, problem = None, str(exc)
        else:
            problem = ""
        self._count = len(self._pages) if self._pages is not None else 0
        self._build()
        self._size_to_screen()
        if problem:
            self.message.show_error(problem)
            self.print_button.setEnabled(False)
        self.render_pages()
        self._show_position()

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.zoom = QComboBox()
        self.zoom.setObjectName("previewZoom")
        for text, factor in ZOOMS:
            self.zoom.addItem(text, factor)
        self.zoom.currentIndexChanged.connect(lambda _index: self.render_pages())
        zoom_label = QLabel("&Zoom")
        zoom_label.setBuddy(self.zoom)
        self.position = QLabel()
        self.position.setObjectName("hint")
        top = QHBoxLayout()
        top.addWidget(zoom_label)
        top.addWidget(self.zoom)
        top.addSpacing(18)
        top.addWidget(self.position)
        top.addStretch(1)

        sheet = QWidget()
        self._column = QVBoxLayout(sheet)
        self._column.setContentsMargins(PAGE_GAP, PAGE_GAP, PAGE_GAP, PAGE_GAP)
        self._column.setSpacing(PAGE_GAP)
        self._column.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        for number in range(1, self.page_count() + 1):
            label = QLabel()
            label.setAccessibleName(f"Page {number} of {self.page_count()}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._labels.append(label)
            self._column.addWidget(label)
        self.pages_area = QScrollArea()
        self.pages_area.setObjectName("previewPages")
        self.pages_area.setWidgetResizable(True)
        self.pages_area.setWidget(sheet)
        # Paper on a darker desk, as in every print preview; always a scroll bar, so fitting
        # the width never makes one come and go (and the pages jump).
        self.pages_area.setBackgroundRole(QPalette.ColorRole.Dark)
        self.pages_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.pages_area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.pages_area.viewport().installEventFilter(self)
        scroll_bar = self.pages_area.verticalScrollBar()
        scroll_bar.valueChanged.connect(lambda _value: self._show_position())
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(RESIZE_DELAY_MS)
        self._resize_timer.timeout.connect(self.render_pages)

        self.message = MessageLine()
        self.buttons = QDialogButtonBox()
        self.print_button = self.buttons.addButton(
            "&Print…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.print_button.setToolTip("Choose a printer, pages and copies (Ctrl+P)")
        self.print_button.setDefault(True)
        self.save_button = self.buttons.addButton(
            "&Save as PDF…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_button.setToolTip("Keep a copy of this PDF in a folder you choose (Ctrl+S)")
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText("&Close")
        for button in self.buttons.buttons():
            button.setIcon(QIcon())  # the platform's stock icons clash with the clinic style
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_copy)
        self.buttons.rejected.connect(self.reject)
        for key, slot in (("Ctrl+P", self.print_document), ("Ctrl+S", self.save_copy)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.pages_area, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.pages_area.setFocus()

    def _size_to_screen(self) -> None:
        room = self.screen().availableGeometry()
        self.resize(min(900, int(room.width() * 0.9)), min(1000, int(room.height() * 0.9)))

    # --- showing ------------------------------------------------------------------------------

    def page_count(self) -> int:
        return self._count

    def pdf(self) -> bytes:
        """The document exactly as it was given (what Save writes)."""
        return self._pdf

    def page_pixmap(self, index: int) -> QPixmap:
        return self._labels[index].pixmap()

    def set_zoom(self, factor: float) -> None:
        """``FIT_WIDTH`` or a factor of the page's real size (1.0 is 100 %)."""
        self.zoom.setCurrentIndex(max(0, self.zoom.findData(factor)))

    def _pixels_per_point(self) -> float:
        """Screen pixels (device-independent) for one PDF point at the chosen zoom."""
        assert self._pages is not None
        factor = float(self.zoom.currentData() or FIT_WIDTH)
        if factor != FIT_WIDTH:
            return factor * self.logicalDpiX() / POINTS_PER_INCH
        widest = max(self._pages.size_points(i).width() for i in range(len(self._pages)))
        room = max(self.pages_area.viewport().width() - 2 * PAGE_GAP, 120)
        return room / widest

    def render_pages(self) -> None:
        """Draw every page for the current zoom and window width (skipped when nothing changed)."""
        if self._pages is None:
            return
        ratio = self.devicePixelRatioF()
        scale = self._pixels_per_point()
        if self._rendered_at == (scale, ratio):
            return
        self._rendered_at = (scale, ratio)
        with _busy():
            for index, label in enumerate(self._labels):
                # Rendered at the screen's real pixel density, so text stays sharp at 150 %.
                image = self._pages.render(index, scale * POINTS_PER_INCH * ratio)
                image.setDevicePixelRatio(ratio)
                label.setPixmap(QPixmap.fromImage(image))
        # Lay the pages out now, not on the next pass of the event loop: until then each label
        # would show the middle of its larger page.
        self._column.activate()
        self._show_position()

    def current_page(self) -> int:
        """The page (from 0) in the upper part of the window."""
        if not self._labels:
            return 0
        area = self.pages_area
        line = area.verticalScrollBar().value() + area.viewport().height() // 3
        current = 0
        for index, label in enumerate(self._labels):
            if label.geometry().top() <= line:
                current = index
        return current

    def _show_position(self) -> None:
        count = self.page_count()
        text = f"Page {self.current_page() + 1} of {count}" if count else "No pages to show"
        self.position.setText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.pages_area.viewport() and event.type() == QEvent.Type.Resize:
            self._resize_timer.start()
        return super().eventFilter(watched, event)

    # --- printing -----------------------------------------------------------------------------

    def available_printers(self) -> list[str]:
        """The printers this computer knows (tests replace this)."""
        return list(QPrinterInfo.availablePrinterNames())

    def choose_printer(self, printer: QPrinter) -> bool:
        """The platform's print dialog: printer, pages, copies. False when cancelled (tests
        replace this and point ``printer`` at a PDF file)."""
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print")
        dialog.setMinMax(1, self.page_count())
        options = QAbstractPrintDialog.PrintDialogOption
        dialog.setOptions(
            options.PrintPageRange | options.PrintCurrentPage | options.PrintCollateCopies
        )
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted.value
        finally:
            dialog.deleteLater()

    def _new_printer(self) -> QPrinter:
        """A printer set up for this document: its name, and paper of the first page's size."""
        assert self._pages is not None
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        size = self._pages.size_points(0)
        landscape = size.width() > size.height()
        portrait = QSizeF(min(size.width(), size.height()), max(size.width(), size.height()))
        printer.setPageSize(QPageSize(portrait, QPageSize.Unit.Point))
        printer.setPageOrientation(
            QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
        )
        printer.setFromTo(1, self.page_count())
        return printer

    def print_document(self) -> None:
        if self._pages is None:
            return
        self.message.clear_message()
        if not self.available_printers():
            self.message.show_error(NO_PRINTER)
            return
        printer = self._new_printer()
        if not self.choose_printer(printer):
            return
        try:
            with _busy():
                sheets = print_pages(self._pages, printer, current=self.current_page())
        except PrintFailed as exc:
            self.message.show_error(str(exc))
            return
        where = printer.printerName() or printer.outputFileName() or "the printer"
        self.message.show_notice(f"Sent {_plural(sheets, 'page')} to {where}.")

    # --- saving -------------------------------------------------------------------------------

    def choose_save_path(self) -> Path | None:
        """Where to save: the platform's file dialog in Documents (tests replace this)."""
        return ask_save_path(self, self._suggested_name)

    def save_copy(self) -> None:
        """Write the original PDF bytes where the person chooses."""
        self.message.clear_message()
        path = self.choose_save_path()
        if path is None:
            return
        try:
            self.saved_path = write_pdf(path, self._pdf)
        except SaveFailed as exc:
            self.message.show_error(str(exc))
            return
        self.message.show_notice(f"Saved as {self.saved_path}.")

    def done(self, result: int) -> None:
        """Closing lets go of the document (the pages on screen stay as they are): one dialog
        per showing."""
        self._resize_timer.stop()
        if self._pages is not None:
            self._pages.close()
            self._pages = None
            self.print_button.setEnabled(False)
        super().done(result)
