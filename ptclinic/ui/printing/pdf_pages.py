"""A PDF's pages as images: the only place that talks to pypdfium2.

pypdfium2 is not thread-safe: use one ``PdfPages`` from the thread that made it (the UI thread).
"""

from __future__ import annotations

import pypdfium2 as pdfium
from PySide6.QtCore import QSizeF
from PySide6.QtGui import QImage

POINTS_PER_INCH = 72.0

UNREADABLE = (
    "This document could not be shown: the file is damaged or not a PDF. Nothing was printed."
)


class UnreadablePdf(Exception):
    """The bytes are not a PDF pypdfium2 can open; ``str(error)`` is safe to show."""


class PdfPages:
    """An open PDF: how many pages, each page's size, and each page drawn at a resolution."""

    def __init__(self, pdf: bytes) -> None:
        try:
            self._document = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError as exc:
            raise UnreadablePdf(UNREADABLE) from exc
        self._sizes = [QSizeF(*self._document.get_page_size(i)) for i in range(len(self))]

    def __len__(self) -> int:
        return len(self._document)

    def size_points(self, index: int) -> QSizeF:
        """The page's width and height in PDF points (1/72 inch)."""
        return QSizeF(self._sizes[index])

    def render(self, index: int, dpi: float) -> QImage:
        """Page ``index`` (from 0) on white at ``dpi`` dots per inch, as an opaque image."""
        page = self._document[index]
        try:
            # RGBx bytes in memory order whatever the machine's endianness: Qt's RGBX8888.
            bitmap = page.render(scale=dpi / POINTS_PER_INCH, rev_byteorder=True, prefer_bgrx=True)
            try:
                image = QImage(
                    bitmap.buffer,
                    bitmap.width,
                    bitmap.height,
                    bitmap.stride,
                    QImage.Format.Format_RGBX8888,
                )
                return image.copy()  # the bitmap's memory is freed with it
            finally:
                bitmap.close()
        finally:
            page.close()

    def close(self) -> None:
        self._document.close()
