"""The printed trend chart: a drawing with a group per measure, its words in Helvetica no smaller
than 7 pt, only black, white and greys (it goes through black-and-white printers), and it sits
in a document like any other flowable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from io import BytesIO
from typing import Any

from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.lib.pagesizes import letter
from reportlab.platypus import Paragraph, SimpleDocTemplate
from reportlab.platypus.flowables import Flowable

from ptclinic.services.outcome_trend import TrendPoint
from ptclinic.services.pdf_style import paragraph_style
from ptclinic.services.trend_chart_pdf import trend_chart_drawing

START = date(2026, 3, 7)
SAMPLE = [
    TrendPoint(measure, START + timedelta(days=21 * n), score)
    for measure, scores in (("odi", (48, 40, 30)), ("nprs", (7, 5, 4)), ("psfs", (3.0, 4.7, 6.0)))
    for n, score in enumerate(scores)
]


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "contents", ()):
        yield from _walk(child)


def _strings(drawing: Drawing) -> list[String]:
    return [node for node in _walk(drawing) if isinstance(node, String)]


def test_one_group_per_measure_with_scores() -> None:
    drawing = trend_chart_drawing(SAMPLE, 520, 150)
    assert (drawing.width, drawing.height) == (520, 150)
    assert [type(node) for node in drawing.contents] == [Group, Group, Group]
    assert len(trend_chart_drawing(SAMPLE[:3], 520, 150).contents) == 1
    assert trend_chart_drawing([], 520, 150).contents == []


def test_the_words_and_values_are_there_in_helvetica_at_7_pt_or_more() -> None:
    strings = _strings(trend_chart_drawing(SAMPLE, 520, 150))
    texts = [string.text for string in strings]
    for expected in (
        "Oswestry Disability Index",
        "Pain rating (NPRS)",
        "Patient-Specific Functional Scale",
        "0–10 · higher is better · MCID 2",
        "48", "40", "30", "7", "5", "4", "3.0", "4.7", "6.0",
        "Mar 7", "Apr 18", "100", "MCID",
    ):  # fmt: skip
        assert expected in texts
    assert texts.count("MCID") == 3
    assert all(string.fontName.startswith("Helvetica") for string in strings)
    assert min(string.fontSize for string in strings) >= 7
    # Each panel: 2 header lines, 6 score ticks, 3 date ticks, 3 values, MCID and baseline.
    assert len(strings) == 3 * (2 + 6 + 3 + 3 + 2)


def test_a_narrow_chart_still_keeps_its_text_at_7_pt() -> None:
    strings = _strings(trend_chart_drawing(SAMPLE, 150, 400))
    assert min(string.fontSize for string in strings) >= 7
    assert "PSFS" in [string.text for string in strings]


def test_only_black_white_and_greys() -> None:
    for node in _walk(trend_chart_drawing(SAMPLE, 520, 150)):
        for attribute in ("fillColor", "strokeColor"):
            colour = getattr(node, attribute, None)
            if colour is not None:
                assert colour.red == colour.green == colour.blue, (node, attribute)


def test_the_reference_lines_are_dashed() -> None:
    dashed = [
        node
        for node in _walk(trend_chart_drawing(SAMPLE[:3], 520, 150))
        if getattr(node, "strokeDashArray", None)
    ]
    assert len(dashed) == 2  # the baseline and the MCID threshold, told apart by their dashes
    assert dashed[0].strokeDashArray != dashed[1].strokeDashArray


def test_it_renders_in_a_document() -> None:
    out = BytesIO()
    document = SimpleDocTemplate(out, pagesize=letter)
    story: list[Flowable] = [
        Paragraph("Outcome measures", paragraph_style("heading")),
        trend_chart_drawing(SAMPLE, 500, 150),
        trend_chart_drawing(SAMPLE[:1], 500, 150),
    ]
    document.build(story)
    pdf = out.getvalue()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 2000
