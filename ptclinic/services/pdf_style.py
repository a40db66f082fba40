"""The look our printed documents share (the day sheet, the evaluation report): Letter paper,
the app's palette, Helvetica, letters Helvetica lacks folded to ones it has, lines cut to fit,
and "Page n of N" on every page.

Text is set in the PDF's built-in Helvetica, which needs no font files on any computer but only
covers Western European letters: other letters are printed as their closest plain letter
("Łukasz Żółć" as "Lukasz Zólc") rather than as black boxes. In paragraphs, ReportLab draws a
few marks (✓ ✗ ▲ →) from the built-in symbol fonts; drawn straight on the canvas they would not
show, so canvas text always goes through ``printable``.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ptclinic.services.availability import WEEKDAY_NAMES
from ptclinic.services.day_text import day_text

PAGE_SIZE = letter
SIDE_MARGIN = 0.6 * inch
HEADER_TOP = PAGE_SIZE[1] - 0.5 * inch
FOOTER_BASELINE = 0.45 * inch
TEXT_WIDTH = PAGE_SIZE[0] - 2 * SIDE_MARGIN
FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
FONT_ITALIC = "Helvetica-Oblique"
# The app's palette (resources/style.qss): one teal accent, dark slate ink. Every colour stays
# readable when a black-and-white printer turns it grey.
INK = HexColor("#1f2d33")
MUTED = HexColor("#4a5a60")
GREYED = HexColor("#7d8a8f")
ALERT = HexColor("#b3261e")  # the one red: red flags, and a draft that must not pass as signed
ACCENT = HexColor("#0f7c80")
RULE = HexColor("#c5d0d4")
STRIPE = HexColor("#f1f5f6")
HEADING_FILL = HexColor("#e3f1f1")
COLUMN_FILL = HexColor("#e6ecee")
BODY_SIZE = 9.0
SMALL_SIZE = 7.5
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
# Marks ReportLab's paragraphs draw from the symbol fonts (others would print as black boxes).
PARAGRAPH_SYMBOLS = frozenset("✓✗▲→≥≤•")
_STAND_INS = str.maketrans({"⚠": "▲"})


def paragraph_style(name: str, **kw: Any) -> ParagraphStyle:
    """A paragraph style in the house look: Helvetica 9 pt in ink, unless ``kw`` says else."""
    base: dict[str, Any] = {
        "fontName": FONT,
        "fontSize": BODY_SIZE,
        "leading": 11,
        "textColor": INK,
    }
    return ParagraphStyle(name, **(base | kw))


# --- words ----------------------------------------------------------------------------------


def date_in_words(day: date) -> str:
    """ "Monday, December 7, 2026", in English whatever the computer's locale."""
    return f"{WEEKDAY_NAMES[day.weekday()]}, {MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def short_date(day: date) -> str:
    """ "Dec 7, 2026" """
    return day_text(day)


def printed_line(moment: datetime, zone: ZoneInfo, who: str) -> str:
    """ "Printed Dec 7, 2026, 07:42 by Rosa Delgado", in the clinic's time."""
    local = moment.astimezone(zone)
    return f"Printed {short_date(local.date())}, {local:%H:%M} by {who}"


def staff_title(full_name: str, credentials: str) -> str:
    """ "Dana Lee, PT, DPT" """
    return f"{full_name}, {credentials}" if credentials else full_name


_FOLDED = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ı": "i"})


def printable(text: str) -> str:
    """``text`` with each letter Helvetica cannot show replaced by its nearest one it can:
    accents it lacks are dropped ("ễ" becomes "ê", "ż" becomes "z"), "?" when nothing is left."""

    def fold(ch: str) -> str:
        try:
            ch.encode("cp1252")  # the built-in fonts' encoding
            return ch
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch.translate(_FOLDED))
        # Drop accents from the last one back, keeping those the font has ("ễ" → "ê", not "e").
        for keep in range(len(decomposed), 0, -1):
            candidate = unicodedata.normalize("NFC", decomposed[:keep])
            try:
                candidate.encode("cp1252")
                return candidate
            except UnicodeEncodeError:
                continue
        return "?"

    return "".join(fold(ch) for ch in unicodedata.normalize("NFC", text))


def markup(text: str, *, symbols: bool = False) -> str:
    """Data as Paragraph markup: printable, and never read as markup ("A & B", "<x>").

    With ``symbols``, the marks paragraphs can draw (``PARAGRAPH_SYMBOLS``; "⚠" becomes "▲")
    are kept, for the services' own wording ("48% → 30%"); data typed by people goes without.
    """
    if not symbols:
        return escape(printable(text))
    text = text.translate(_STAND_INS)
    return escape("".join(ch if ch in PARAGRAPH_SYMBOLS else printable(ch) for ch in text))


# --- drawing --------------------------------------------------------------------------------


def fitted(text: str, font: str, size: float, width: float) -> tuple[str, float]:
    """``text`` made printable, then smaller (to 70 %) and then cut short with "…" until it
    fits ``width``; returns the text and the size to set it at."""
    text, smallest = printable(text), size * 0.7
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.25
    if stringWidth(text, font, size) > width:
        while text and stringWidth(text + "…", font, size) > width:
            text = text[:-1]
        text = text.rstrip() + "…"
    return text, size


def draw_line(
    canvas: Any,
    y: float,
    text: str,
    font: str,
    size: float,
    width: float,
    *,
    right: bool = False,
) -> None:
    """One line from the left margin (or ending at the right one), made to fit ``width``: a
    long clinic or staff name must not run into its neighbour."""
    text, size = fitted(text, font, size, width)
    canvas.setFont(font, size)
    if right:
        canvas.drawRightString(PAGE_SIZE[0] - SIDE_MARGIN, y, text)
    else:
        canvas.drawString(SIDE_MARGIN, y, text)


class PagedCanvas(Canvas):  # type: ignore[misc]
    """Holds every page back until the document ends, so each can say "Page 2 of 3"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT_BOLD, 8)
            self.setFillColor(INK)
            self.drawRightString(
                PAGE_SIZE[0] - SIDE_MARGIN, FOOTER_BASELINE, f"Page {number} of {total}"
            )
            super().showPage()
        super().save()
