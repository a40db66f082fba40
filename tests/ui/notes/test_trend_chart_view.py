"""The on-screen trend chart: it paints the scores, says them in words for screen readers and in
its tooltip, says when there is nothing yet, follows a dark palette, and asks for more height
when its panels have to stack."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtGui import QColor, QImage, QPalette
from pytestqt.qtbot import QtBot

from ptclinic.services.outcome_trend import TrendPoint
from ptclinic.ui.notes.trend_chart_view import EMPTY_TEXT, MIN_HEIGHT, TrendChartView

START = date(2026, 3, 7)
SAMPLE = [
    TrendPoint(measure, START + timedelta(days=21 * n), score)
    for measure, scores in (("odi", (48, 40, 30)), ("nprs", (7, 5, 4)), ("psfs", (3.0, 4.7, 6.0)))
    for n, score in enumerate(scores)
]


def _pixels_like(image: QImage, colour: QColor, tolerance: int = 40) -> int:
    """How many pixels are within ``tolerance`` (per channel) of ``colour``."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    target = (colour.red(), colour.green(), colour.blue())
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = image.pixelColor(x, y)
            rgb = (pixel.red(), pixel.green(), pixel.blue())
            count += all(abs(a - b) <= tolerance for a, b in zip(rgb, target, strict=True))
    return count


@pytest.fixture
def view(qtbot: QtBot) -> TrendChartView:
    widget = TrendChartView()
    qtbot.addWidget(widget)
    widget.resize(700, 220)
    return widget


def test_it_paints_the_scores_and_says_them_in_words(view: TrendChartView) -> None:
    view.set_points(SAMPLE)
    image = view.grab().toImage()
    ink = view.palette().color(QPalette.ColorRole.WindowText)
    assert _pixels_like(image, ink) > 300
    assert view.accessibleDescription() == "Oswestry 48% → 30%; pain 7 → 4; PSFS 3.0 → 6.0"
    assert view.accessibleName() == "Outcome measures over the episode"
    assert "48% → 30% (18 points better; meets the 10-point MCID)" in view.toolTip()
    assert "Mar 7: 3.0, Mar 28: 4.7, Apr 18: 6.0" in view.toolTip()
    assert view.points() == tuple(SAMPLE)


def test_with_no_scores_it_says_so(view: TrendChartView) -> None:
    view.set_points([])
    assert view.accessibleDescription() == EMPTY_TEXT == "No outcome measures recorded yet"
    assert view.toolTip() == EMPTY_TEXT
    image = view.grab().toImage()
    # Only the sentence, in the middle: nothing near the edges where the panels would be.
    background = image.pixelColor(1, 1)
    painted = [
        (x, y)
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixelColor(x, y) != background
    ]
    assert painted
    assert all(150 < x < 550 and 80 < y < 140 for x, y in painted)


def test_new_scores_replace_the_old(view: TrendChartView) -> None:
    view.set_points(SAMPLE)
    before = view.grab().toImage()
    view.set_points(SAMPLE[:3])
    assert view.accessibleDescription() == "Oswestry 48% → 30%"
    assert view.grab().toImage() != before


def test_it_draws_in_the_palettes_text_colour_for_dark_mode(view: TrendChartView) -> None:
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#202326"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    view.setPalette(palette)
    view.setAutoFillBackground(True)
    view.set_points(SAMPLE)
    image = view.grab().toImage()
    assert _pixels_like(image, QColor("#f0f0f0")) > 300
    assert _pixels_like(image, QColor("#000000"), tolerance=20) == 0


def test_it_keeps_a_readable_height_and_grows_when_panels_stack(view: TrendChartView) -> None:
    assert view.minimumHeight() == MIN_HEIGHT >= 180
    view.set_points(SAMPLE)
    assert view.hasHeightForWidth()
    assert view.heightForWidth(700) < view.heightForWidth(300)
    assert view.heightForWidth(300) >= 3 * MIN_HEIGHT
    assert view.sizeHint().width() >= 600
