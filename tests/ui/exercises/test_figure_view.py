"""The figure view: it paints the exercise (pixels differ from the background), scales the
drawing with its size, shows the placeholder for an exercise without a figure and nothing
without an exercise; images for lists come out at the asked size."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from ptclinic.ui.exercises.figure_view import FigureView, figure_image, figure_pixmap

DARK = 110  # a grey level below this is ink, not background or a light fill


def _grey(image: QImage) -> QImage:
    return image.convertToFormat(QImage.Format.Format_Grayscale8)


def _ink_box(image: QImage) -> tuple[int, int, int, int] | None:
    """The box (left, top, right, bottom) round the dark pixels, None when there are none."""
    grey = _grey(image)
    data, stride = bytes(grey.constBits()), grey.bytesPerLine()
    xs, ys = [], []
    for y in range(grey.height()):
        row = data[y * stride : y * stride + grey.width()]
        dark = [x for x, value in enumerate(row) if value < DARK]
        if dark:
            xs += [dark[0], dark[-1]]
            ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _changed(image: QImage) -> int:
    grey = _grey(image)
    data, stride = bytes(grey.constBits()), grey.bytesPerLine()
    return sum(
        value < 250
        for y in range(grey.height())
        for value in data[y * stride : y * stride + grey.width()]
    )


@pytest.fixture
def view(qtbot: QtBot) -> FigureView:
    widget = FigureView("SB-BRIDGE")
    qtbot.addWidget(widget)
    widget.resize(360, 150)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_view_paints_the_exercise(view: FigureView) -> None:
    image = view.grab().toImage()
    assert _changed(image) > 0.03 * image.width() * image.height()
    assert _ink_box(image) is not None
    assert view.toolTip() == "Bridge"


def test_the_drawing_scales_with_the_widget(qtbot: QtBot, view: FigureView) -> None:
    view.resize(240, 100)
    small = _ink_box(view.grab().toImage())
    view.resize(720, 300)
    large = _ink_box(view.grab().toImage())
    assert small is not None and large is not None
    ratio = (large[2] - large[0]) / (small[2] - small[0])
    assert ratio == pytest.approx(3.0, rel=0.15)


def test_another_exercise_paints_another_picture(view: FigureView) -> None:
    before = view.grab().toImage()
    view.set_code("SG-SQUAT")
    assert view.code() == "SG-SQUAT"
    assert view.grab().toImage() != before


def test_an_exercise_without_a_figure_shows_the_placeholder(view: FigureView) -> None:
    view.set_code("CLINIC-0001")
    assert view.drawing().placeholder
    assert _changed(view.grab().toImage()) > 500


def test_no_exercise_shows_nothing(view: FigureView) -> None:
    view.set_code(None)
    assert _changed(view.grab().toImage()) == 0


def test_images_for_lists_come_out_at_the_asked_size(qtbot: QtBot) -> None:
    image = figure_image("SG-CLAM", 200, 80)
    assert (image.width(), image.height()) == (200, 80)
    assert _ink_box(image) is not None
    sharp = figure_image("SG-CLAM", 200, 80, device_pixel_ratio=2.0)
    assert (sharp.width(), sharp.height()) == (400, 160)
    pixmap = figure_pixmap("AE-BIKE", 120, 50)
    assert (pixmap.width(), pixmap.height()) == (120, 50)
