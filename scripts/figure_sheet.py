"""A contact sheet of the exercise figures: start → finish side by side, code and title under
each, as a PDF, for looking over every drawing at once.

    python scripts/figure_sheet.py --out /tmp/sheet.pdf [--codes SB-BRIDGE SG-CLAM] [--columns 2]
    pdftoppm -png -r 60 /tmp/sheet.pdf /tmp/sheet      # -r 100 for detail

A figure that cannot be drawn is listed on the sheet with the reason, in red, and the script
exits with status 1 once the sheet is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ptclinic.services.figures import (
    FigureDataError,
    figure_codes,
    has_figure,
    library,
)
from ptclinic.services.figures.pdf import draw_figure
from ptclinic.services.pdf_style import ALERT, FONT, FONT_BOLD, INK, RULE, fitted

MARGIN = 0.5 * inch
TITLE_SPACE = 22.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="the PDF to write")
    parser.add_argument("--codes", nargs="+", help="only these exercise codes")
    parser.add_argument("--columns", type=int, default=2)
    parser.add_argument("--rows", type=int, default=5)
    args = parser.parse_args(argv)
    codes = args.codes or figure_codes()
    width, height = letter
    cell_w = (width - 2 * MARGIN) / args.columns
    cell_h = (height - 2 * MARGIN) / args.rows
    canvas = Canvas(str(args.out), pagesize=letter)
    canvas.setTitle("PT Clinic exercise figures")
    failures = 0
    per_page = args.columns * args.rows
    for index, code in enumerate(codes):
        if index and index % per_page == 0:
            canvas.showPage()
        slot = index % per_page
        x = MARGIN + (slot % args.columns) * cell_w
        y = height - MARGIN - (slot // args.columns + 1) * cell_h
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.rect(x + 3, y + 3, cell_w - 6, cell_h - 6)
        title = library().figures[code].title if has_figure(code) else "no figure"
        try:
            draw_figure(canvas, code, x + 8, y + TITLE_SPACE, cell_w - 16, cell_h - TITLE_SPACE - 8)
        except FigureDataError as exc:
            failures += 1
            canvas.setFillColor(ALERT)
            text, size = fitted(str(exc), FONT, 7, cell_w - 16)
            canvas.setFont(FONT, size)
            canvas.drawString(x + 8, y + cell_h / 2, text)
        canvas.setFillColor(INK)
        canvas.setFont(FONT_BOLD, 8.5)
        canvas.drawString(x + 10, y + 9, code)
        canvas.setFont(FONT, 8.5)
        text, size = fitted(title, FONT, 8.5, cell_w - 120)
        canvas.setFont(FONT, size)
        canvas.drawString(x + 100, y + 9, text)
    canvas.save()
    print(f"{len(codes)} figures, {failures} failed: {args.out}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
