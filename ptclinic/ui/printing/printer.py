"""Putting a PDF's pages on a printer: which pages in which order, each drawn as an image.

Each page is rendered at the printer's resolution, capped at ``MAX_PRINT_DPI``: a Letter page at
1200 dpi is a 400 MB image, and 300 dpi already prints text as crisp as a laser printer does.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtPrintSupport import QPrinter

from ptclinic.ui.printing.pdf_pages import POINTS_PER_INCH, PdfPages

MAX_PRINT_DPI = 300

NOT_STARTED = (
    "The printer could not be started. Check that it is switched on and connected, then try "
    "again, or use Save as PDF… and print the file later."
)
STOPPED = (
    "The printer stopped before the last page. Check the printer, then print again; "
    "the pages it already has may need throwing away."
)


class PrintFailed(Exception):
    """The printer refused the job; ``str(error)`` says what to do."""


def page_sequence(
    page_count: int,
    *,
    first: int = 0,
    last: int = 0,
    copies: int = 1,
    collate: bool = True,
    reverse: bool = False,
) -> list[int]:
    """The pages (from 0) to send, in order, for pages ``first``…``last`` as a person counts them
    (from 1; 0 means from the start or to the end) and ``copies`` we make ourselves.

    Collated copies are whole documents one after the other (1 2 1 2); otherwise each page is
    repeated (1 1 2 2). ``reverse`` prints the last page first, for printers that stack face up.
    """
    start = max(first, 1) if first else 1
    end = min(last, page_count) if last else page_count
    pages = list(range(start - 1, end))
    if reverse:
        pages.reverse()
    copies = max(copies, 1)
    if collate:
        return pages * copies
    return [page for page in pages for _copy in range(copies)]


def chosen_pages(printer: QPrinter, page_count: int, current: int) -> list[int]:
    """What the print dialog asked for: all pages, a range, or the page on screen, with copies
    the printer cannot make itself."""
    wanted = printer.printRange()
    first, last = 0, 0
    if wanted == QPrinter.PrintRange.PageRange:
        first, last = printer.fromPage(), printer.toPage()
    elif wanted == QPrinter.PrintRange.CurrentPage:
        first = last = current + 1
    copies = 1 if printer.supportsMultipleCopies() else printer.copyCount()
    return page_sequence(
        page_count,
        first=first,
        last=last,
        copies=copies,
        collate=printer.collateCopies(),
        reverse=printer.pageOrder() == QPrinter.PageOrder.LastPageFirst,
    )


def _target(pages: PdfPages, index: int, paper: QRectF, dpi: float) -> QRectF:
    """Where page ``index`` goes on the paper: its own size if it fits, else shrunk (a Letter
    page on A4), centred either way."""
    size = pages.size_points(index)
    width, height = size.width() * dpi / POINTS_PER_INCH, size.height() * dpi / POINTS_PER_INCH
    scale = min(1.0, paper.width() / width, paper.height() / height)
    width, height = width * scale, height * scale
    left = paper.left() + (paper.width() - width) / 2
    top = paper.top() + (paper.height() - height) / 2
    return QRectF(left, top, width, height)


def print_pages(pages: PdfPages, printer: QPrinter, *, current: int = 0) -> int:
    """Print the pages the printer's settings ask for; returns how many sheets were sent.

    Raises PrintFailed when the printer cannot start or stops partway.
    """
    sequence = chosen_pages(printer, len(pages), current)
    if not sequence:
        return 0
    printer.setFullPage(True)  # the PDF carries its own margins
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed(NOT_STARTED)
    try:
        resolution = printer.resolution()
        dpi = min(resolution, MAX_PRINT_DPI)
        paper = printer.paperRect(QPrinter.Unit.DevicePixel)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for number, index in enumerate(sequence):
            if number and not printer.newPage():
                raise PrintFailed(STOPPED)
            painter.drawImage(_target(pages, index, paper, resolution), pages.render(index, dpi))
    finally:
        painter.end()
    return len(sequence)
