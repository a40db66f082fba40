"""A sample outcome trend chart as a one-page PDF, for looking at the printed look.

    python scripts/trend_chart_sample.py --out /tmp/trend.pdf
    pdftoppm -png -r 80 /tmp/trend.pdf /tmp/trend

The page shows the chart at the printed progress note's full text width, a narrow copy (where
the panels stack), and the single-measurement case.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ptclinic.services.outcome_trend import TrendPoint, trend_summary
from ptclinic.services.pdf_style import PAGE_SIZE, SIDE_MARGIN, TEXT_WIDTH, paragraph_style
from ptclinic.services.trend_chart_pdf import trend_chart_drawing

START = date(2026, 3, 7)
DAYS = (0, 21, 42)
SAMPLE = tuple(
    TrendPoint(measure, START + timedelta(days=day), score)
    for measure, scores in (("odi", (48, 40, 30)), ("nprs", (7, 5, 4)), ("psfs", (3.0, 4.7, 6.0)))
    for day, score in zip(DAYS, scores, strict=True)
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/trend_chart_sample.pdf"))
    out = parser.parse_args().out
    heading = paragraph_style("heading", fontName="Helvetica-Bold", fontSize=10, leading=13)
    body = paragraph_style("body")
    story = [
        Paragraph("Outcome measures", heading),
        Paragraph(trend_summary(SAMPLE), body),
        Spacer(1, 4),
        trend_chart_drawing(SAMPLE, TEXT_WIDTH, 150),
        Spacer(1, 16),
        Paragraph("Narrow (stacked)", heading),
        trend_chart_drawing(SAMPLE, 240, 3 * 130),
        Spacer(1, 16),
        KeepTogether(
            [
                Paragraph("One measurement so far", heading),
                trend_chart_drawing(SAMPLE[:1] + SAMPLE[3:4], TEXT_WIDTH, 150),
            ]
        ),
    ]
    document = SimpleDocTemplate(
        str(out), pagesize=PAGE_SIZE, leftMargin=SIDE_MARGIN, rightMargin=SIDE_MARGIN,
        topMargin=SIDE_MARGIN, bottomMargin=SIDE_MARGIN,
    )  # fmt: skip
    document.build(story)
    print(out)


if __name__ == "__main__":
    main()
