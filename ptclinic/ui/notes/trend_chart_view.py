"""The outcome trend chart on screen (progress notes): ODI, pain and PSFS over the episode.

It paints what ``outcome_trend.layout_panels`` lays out, the same geometry the printed note uses,
in the palette's own text colour (and shades mixed from it and the background), so it follows dark
mode and high-contrast themes. Reference lines differ by dash, not colour: the baseline is dotted,
the MCID threshold dashed at the edge of a faint band. With no scores it says so in words.

``set_points`` replaces the scores; the accessible description and the tooltip carry the values in
words ("Oswestry 48% → 30%; pain 7 → 4; PSFS 3.0 → 6.0"), for screen readers and for anyone who
wants the exact dates. Panels stack when the widget is too narrow for them side by side, and the
widget then asks for more height (``heightForWidth``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ptclinic.services.outcome_trend import (
    CHAR_WIDTH,
    PanelLayout,
    TextMark,
    TrendPoint,
    grid,
    layout_panels,
    series_by_measure,
    trend_details,
    trend_summary,
)

EMPTY_TEXT = "No outcome measures recorded yet"
MIN_HEIGHT = 180
PANEL_HEIGHT = 220  # one row of panels; stacked panels ask for this much each
MARKER_RADIUS = 3.5


def _mix(ink: QColor, paper: QColor, ink_share: float) -> QColor:
    """A shade between the text and background colours, so greys work on light and dark alike."""

    def channels(colour: QColor) -> tuple[float, float, float]:
        return colour.redF(), colour.greenF(), colour.blueF()

    r, g, b = (
        i * ink_share + p * (1 - ink_share)
        for i, p in zip(channels(ink), channels(paper), strict=True)
    )
    return QColor.fromRgbF(r, g, b)


class TrendChartView(QWidget):
    """Small multiples of the episode's outcome measures; see the module docstring."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: tuple[TrendPoint, ...] = ()
        self.setMinimumHeight(MIN_HEIGHT)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName("Outcome measures over the episode")
        self._describe()

    def set_points(self, points: Sequence[TrendPoint]) -> None:
        self._points = tuple(points)
        self._describe()
        self.updateGeometry()
        self.update()

    def points(self) -> tuple[TrendPoint, ...]:
        return self._points

    def sizeHint(self) -> QSize:
        return QSize(700, self.heightForWidth(700))

    def minimumSizeHint(self) -> QSize:
        return QSize(240, MIN_HEIGHT)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        _columns, rows = grid(len(series_by_measure(self._points)), width, self._text_size())
        return max(MIN_HEIGHT, PANEL_HEIGHT * max(rows, 1))

    def _text_size(self) -> float:
        """The text size to lay out with: the font's pixel size, made larger when the font is
        wider than the layout assumes (``CHAR_WIDTH`` ems), so labels keep clear of each other."""
        return self._pixel_size() * self._widening()

    def _pixel_size(self) -> float:
        return float(QFontInfo(self.font()).pixelSize())

    def _widening(self) -> float:
        sample = "0123456789 MarDec"
        average = QFontMetricsF(self.font()).horizontalAdvance(sample) / len(sample)
        return max(1.0, average / (CHAR_WIDTH * self._pixel_size()))

    def _describe(self) -> None:
        summary = trend_summary(self._points) or EMPTY_TEXT
        self.setAccessibleDescription(summary)
        self.setToolTip("\n".join(trend_details(self._points)) or EMPTY_TEXT)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        ink = palette.color(QPalette.ColorRole.WindowText)
        paper = palette.color(QPalette.ColorRole.Window)
        panels = layout_panels(
            self._points, self.width(), self.height(), text_size=self._text_size()
        )
        if not panels:
            painter.setPen(_mix(ink, paper, 0.75))
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, EMPTY_TEXT)
        for panel in panels:
            self._paint_panel(painter, panel, ink, paper)
        painter.end()

    def _paint_panel(
        self, painter: QPainter, panel: PanelLayout, ink: QColor, paper: QColor
    ) -> None:
        frame = panel.frame
        left, right = frame.left, frame.right
        # The band from the baseline to the MCID threshold: scores past it are a real change.
        band_top, band_bottom = sorted((panel.baseline_y, panel.mcid_y))
        painter.fillRect(
            QRectF(left, band_top, frame.width, band_bottom - band_top), _mix(ink, paper, 0.1)
        )
        painter.setPen(QPen(_mix(ink, paper, 0.18), 1))
        for tick in panel.y_ticks:
            painter.drawLine(QPointF(left, tick.position), QPointF(right, tick.position))
        painter.setPen(QPen(_mix(ink, paper, 0.55), 1))
        painter.drawLine(QPointF(left, frame.bottom), QPointF(right, frame.bottom))
        painter.drawLine(QPointF(left, frame.bottom), QPointF(left, frame.top))
        for tick in panel.x_ticks:
            painter.drawLine(
                QPointF(tick.position, frame.bottom), QPointF(tick.position, frame.bottom + 4)
            )
        painter.setPen(QPen(_mix(ink, paper, 0.6), 1, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(left, panel.baseline_y), QPointF(right, panel.baseline_y))
        painter.setPen(QPen(ink, 1.2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(left, panel.mcid_y), QPointF(right, panel.mcid_y))
        painter.setPen(QPen(ink, 2))
        painter.drawPolyline(QPolygonF([QPointF(p.x, p.y) for p in panel.points]))
        painter.setPen(QPen(paper, 1.2))
        painter.setBrush(ink)
        for point in panel.points:
            painter.drawEllipse(QPointF(point.x, point.y), MARKER_RADIUS, MARKER_RADIUS)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for mark in panel.texts:
            self._paint_text(painter, mark, panel, ink, paper)

    def _paint_text(
        self, painter: QPainter, mark: TextMark, panel: PanelLayout, ink: QColor, paper: QColor
    ) -> None:
        font = QFont(self.font())
        font.setPixelSize(max(1, round(mark.size / self._widening())))
        font.setBold(mark.role == "title")
        font.setItalic(mark.role == "note")
        metrics = QFontMetricsF(font)
        room = panel.cell.right - mark.x if mark.anchor == "start" else panel.cell.width
        text = metrics.elidedText(mark.text, Qt.TextElideMode.ElideRight, room)
        width = metrics.horizontalAdvance(text)
        left = {"start": mark.x, "middle": mark.x - width / 2, "end": mark.x - width}[mark.anchor]
        if mark.halo:
            painter.fillRect(
                QRectF(left - 1, mark.y - metrics.ascent(), width + 2, metrics.height()), paper
            )
        painter.setFont(font)
        loud = mark.role in ("title", "value")
        painter.setPen(ink if loud else _mix(ink, paper, 0.75))
        painter.drawText(QPointF(left, mark.y), text)
