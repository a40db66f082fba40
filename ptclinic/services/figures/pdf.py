"""Exercise figures on paper: primitives painted onto a ReportLab canvas, and a flowable that a
handout places like a paragraph.

``draw_picture`` paints one picture fitted into a box; ``draw_figure`` paints start and end side
by side, each under its word ("Start", "Finish") with a small arrow between; ``ExerciseFigure``
is that as a flowable, ``ExerciseFigure("SB-BRIDGE", 5 * cm, 2.2 * cm)``. A code without a
figure gets the grey placeholder (see ``figures.placeholder_figure``), so a handout keeps its
layout; check ``has_figure`` first to leave the picture out instead.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.platypus import Flowable

from ptclinic.services.figures import FigureDrawing, figure, has_figure, placeholder_figure
from ptclinic.services.figures.primitives import Bounds, Circle, Path, Primitive, Text
from ptclinic.services.pdf_style import FONT, FONT_BOLD, MUTED, printable

CAPTION_SIZE = 7.0
CAPTIONS = ("Start", "Finish")
GAP = 0.12  # of the width, between the two pictures (holds the "then" arrow)


def draw_picture(
    canvas: Any,
    primitives: tuple[Primitive, ...] | list[Primitive],
    bounds: Bounds,
    x: float,
    y: float,
    width: float,
    height: float,
) -> None:
    """Paint ``primitives`` (figure space ``bounds``) scaled to fit the box at (x, y) of
    ``width`` × ``height`` points, centred, keeping their proportions."""
    factor, dx, dy = bounds.fit(width, height)
    canvas.saveState()
    canvas.translate(x + dx, y + dy)
    canvas.scale(factor, factor)
    canvas.setLineCap(1)
    canvas.setLineJoin(1)
    for item in primitives:
        if isinstance(item, Path):
            _path(canvas, item)
        elif isinstance(item, Circle):
            _style(canvas, item.stroke, item.fill, item.width, ())
            canvas.circle(*item.centre, item.radius, stroke=int(bool(item.stroke)),
                          fill=int(bool(item.fill)))  # fmt: skip
        else:
            _text(canvas, item)
    canvas.restoreState()


def _style(
    canvas: Any, stroke: str | None, fill: str | None, width: float, dash: tuple[float, ...]
) -> None:
    if stroke:
        canvas.setStrokeColor(HexColor(stroke))
        canvas.setLineWidth(width)
        canvas.setDash(list(dash) if dash else [])
    if fill:
        canvas.setFillColor(HexColor(fill))


def _path(canvas: Any, item: Path) -> None:
    if not item.points:
        return
    _style(canvas, item.stroke, item.fill, item.width, item.dash)
    path = canvas.beginPath()
    path.moveTo(*item.points[0])
    for point in item.points[1:]:
        path.lineTo(*point)
    if item.closed:
        path.close()
    canvas.drawPath(path, stroke=int(bool(item.stroke)), fill=int(bool(item.fill and item.closed)))


def _text(canvas: Any, item: Text) -> None:
    canvas.setFont(FONT_BOLD if item.bold else FONT, item.size)
    canvas.setFillColor(HexColor(item.colour))
    text = printable(item.text)
    x, y = item.position
    if item.anchor == "start":
        canvas.drawString(x, y, text)
    elif item.anchor == "end":
        canvas.drawRightString(x, y, text)
    else:
        canvas.drawCentredString(x, y, text)


def draw_figure(
    canvas: Any,
    code: str,
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    captions: tuple[str, str] | None = CAPTIONS,
) -> None:
    """The start and end pictures of ``code`` side by side in the box, captioned underneath
    unless ``captions`` is None; the placeholder when ``code`` has no figure."""
    drawn = figure_for(code)
    caption_height = CAPTION_SIZE * 1.6 if captions else 0.0
    picture_height = height - caption_height
    if drawn.placeholder:
        draw_picture(canvas, drawn.start, drawn.bounds, x, y + caption_height, width,
                     picture_height)  # fmt: skip
        return
    panel = width * (1 - GAP) / 2
    for index, primitives in enumerate((drawn.start, drawn.end)):
        left = x + index * (panel + width * GAP)
        draw_picture(canvas, primitives, drawn.bounds, left, y + caption_height, panel,
                     picture_height)  # fmt: skip
        if captions:
            canvas.setFont(FONT, CAPTION_SIZE)
            canvas.setFillColor(MUTED)
            canvas.drawCentredString(left + panel / 2, y + CAPTION_SIZE * 0.4, captions[index])
    _then_arrow(canvas, x + panel, x + panel + width * GAP, y + caption_height + picture_height / 2)


def _then_arrow(canvas: Any, left: float, right: float, middle: float) -> None:
    """A small grey arrow between the pictures: first this, then that."""
    span = right - left
    size = min(span * 0.35, 6.0)
    start, tip = left + span * 0.25, right - span * 0.25
    canvas.saveState()
    canvas.setStrokeColor(MUTED)
    canvas.setFillColor(MUTED)
    canvas.setLineWidth(max(0.6, size * 0.18))
    canvas.line(start, middle, tip - size * 0.6, middle)
    path = canvas.beginPath()
    path.moveTo(tip, middle)
    path.lineTo(tip - size, middle + size * 0.5)
    path.lineTo(tip - size, middle - size * 0.5)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class ExerciseFigure(Flowable):  # type: ignore[misc]
    """The start and end pictures of an exercise as a flowable ``width`` × ``height`` points."""

    def __init__(self, code: str, width: float, height: float, *, captions: bool = True) -> None:
        super().__init__()
        self.code = code
        self.width = width
        self.height = height
        self.captions = captions

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        draw_figure(
            self.canv, self.code, 0, 0, self.width, self.height,
            captions=CAPTIONS if self.captions else None,
        )  # fmt: skip


def figure_for(code: str) -> FigureDrawing:
    """The figure a handout draws for ``code``: its own, or the placeholder."""
    return figure(code) if has_figure(code) else placeholder_figure()
