"""The outcome trend chart for printed notes: a ReportLab ``Drawing`` to place in a story like any
flowable (``story.append(trend_chart_drawing(points, TEXT_WIDTH, 150))``).

It draws exactly what ``outcome_trend.layout_panels`` lays out, turned right way up for PDF (y grows
up). Clinical documents go through black-and-white office printers, so everything is black or grey
and the reference lines are told apart by their dashes and their labels, not by colour: the
baseline is a fine dotted grey line, the MCID threshold a longer-dashed dark line at the edge of a
light grey band. Text is Helvetica, never smaller than 7 pt (set smaller, then cut short with "…",
only if it would otherwise run out of its panel). Check ``outcome_trend.has_data`` before
calling: with no scores the drawing is empty.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
from reportlab.lib.colors import Color, black, white
from reportlab.pdfbase.pdfmetrics import stringWidth

from ptclinic.services.outcome_trend import PanelLayout, TextMark, TrendPoint, layout_panels, y_up
from ptclinic.services.pdf_style import FONT, FONT_BOLD, FONT_ITALIC, printable

TEXT_SIZE = 7.5
MIN_TEXT_SIZE = 7.0
GRID = Color(0.82, 0.82, 0.82)
AXIS = Color(0.45, 0.45, 0.45)
BAND = Color(0.92, 0.92, 0.92)
QUIET_TEXT = Color(0.3, 0.3, 0.3)
BASELINE_DASH: list[float] = [1.0, 1.5]
MCID_DASH: list[float] = [4.0, 2.0]
MARKER_RADIUS = 2.2
_FONTS = {"title": FONT_BOLD, "note": FONT_ITALIC}
_COLOURS = {"title": black, "value": black}


def trend_chart_drawing(
    points: Sequence[TrendPoint], width: float, height: float, *, text_size: float = TEXT_SIZE
) -> Drawing:
    """A ``width`` × ``height`` drawing (in points) with one ``Group`` per measure panel."""
    drawing = Drawing(width, height)
    for panel in layout_panels(points, width, height, text_size=max(text_size, MIN_TEXT_SIZE)):
        drawing.add(_panel_group(panel, height))
    return drawing


def _panel_group(panel: PanelLayout, height: float) -> Group:
    def up(y: float) -> float:
        return y_up(y, height)

    def across(y: float, colour: Color, width: float, dash: list[float] | None = None) -> Line:
        return Line(frame.left, up(y), frame.right, up(y), strokeColor=colour,
                    strokeWidth=width, strokeDashArray=dash)  # fmt: skip

    group, frame = Group(), panel.frame
    # The band runs from the baseline to the MCID threshold: scores past it are a real change.
    band_bottom, band_top = sorted((up(panel.baseline_y), up(panel.mcid_y)))
    group.add(Rect(frame.left, band_bottom, frame.width, band_top - band_bottom, fillColor=BAND,
                   strokeColor=None))  # fmt: skip
    for tick in panel.y_ticks:
        group.add(across(tick.position, GRID, 0.4))
    group.add(across(frame.bottom, AXIS, 0.6))
    group.add(Line(frame.left, up(frame.bottom), frame.left, up(frame.top), strokeColor=AXIS,
                   strokeWidth=0.6))  # fmt: skip
    for tick in panel.x_ticks:
        y = up(frame.bottom)
        group.add(Line(tick.position, y, tick.position, y - 2.5, strokeColor=AXIS, strokeWidth=0.6))
    group.add(across(panel.baseline_y, AXIS, 0.6, BASELINE_DASH))
    group.add(across(panel.mcid_y, black, 0.8, MCID_DASH))
    if len(panel.points) > 1:
        coordinates = [value for p in panel.points for value in (p.x, up(p.y))]
        group.add(PolyLine(coordinates, strokeColor=black, strokeWidth=1.2))
    for point in panel.points:
        group.add(Circle(point.x, up(point.y), MARKER_RADIUS, fillColor=black, strokeColor=white,
                         strokeWidth=0.6))  # fmt: skip
    for mark in panel.texts:
        _add_text(group, mark, up(mark.y), panel)
    return group


def _add_text(group: Group, mark: TextMark, y: float, panel: PanelLayout) -> None:
    font = _FONTS.get(mark.role, FONT)
    room = (
        panel.cell.width - (mark.x - panel.cell.left)
        if mark.anchor == "start"
        else panel.cell.width
    )
    text, size = _fit(mark.text, font, max(mark.size, MIN_TEXT_SIZE), room)
    if mark.halo:
        width = stringWidth(text, font, size)
        left = {"start": mark.x, "middle": mark.x - width / 2, "end": mark.x - width}[mark.anchor]
        group.add(
            Rect(left - 1, y - 0.25 * size, width + 2, size, fillColor=white, strokeColor=None)
        )
    group.add(
        String(mark.x, y, text, fontName=font, fontSize=size, textAnchor=mark.anchor,
               fillColor=_COLOURS.get(mark.role, QUIET_TEXT))
    )  # fmt: skip


def _fit(text: str, font: str, size: float, width: float) -> tuple[str, float]:
    """``text`` printable in Helvetica, set smaller down to 7 pt and then cut short with "…" until
    it fits ``width`` (the layout's estimate of text widths is close, not exact)."""
    text = printable(text)
    while size > MIN_TEXT_SIZE and stringWidth(text, font, size) > width:
        size = max(size - 0.25, MIN_TEXT_SIZE)
    while len(text) > 1 and stringWidth(text, font, size) > width:
        text = text[:-2].rstrip() + "…"
    return text, size
