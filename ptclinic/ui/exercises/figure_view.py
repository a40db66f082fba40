"""An exercise's figure on screen: the start and end pictures side by side, painted from the
same primitives the handouts print (``ptclinic.services.figures``), antialiased and scaled to
fit whatever size the widget gets.

``FigureView(code)`` shows one exercise; ``set_code`` changes it (``None`` clears it). A code
without a figure (a clinic's own exercise) shows the grey placeholder and says "No picture".
``paint_figure`` draws the same into any painter (a printer, an image); ``figure_image`` gives a
``QImage`` for lists and icons, and may be called off the UI thread; ``figure_pixmap`` is its
UI-thread ``QPixmap``. With ``tint``, the mat and furniture get a light wash of the app's teal;
the figure itself stays black on white, as printed.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ptclinic.services.figures import FigureDrawing, figure, has_figure, placeholder_figure
from ptclinic.services.figures.primitives import (
    PROP_FILL,
    PROP_SHADE,
    Bounds,
    Circle,
    Path,
    Primitive,
    Text,
)

BACKGROUND = QColor("#ffffff")
CAPTION = QColor("#4a5a60")
CAPTIONS = ("Start", "Finish")
GAP = 0.12  # of the width, between the pictures (holds the small "then" arrow)
CAPTION_PIXELS = 11
# Light teal washes for props on screen (prints stay grey).
TINTS = {PROP_FILL: "#e3f1f1", PROP_SHADE: "#c9e2e2", "#f4f4f4": "#eef7f7"}


def drawing_for(code: str | None) -> FigureDrawing:
    """The figure of ``code``, or the placeholder when it has none (or ``code`` is None)."""
    if code is not None and has_figure(code):
        return figure(code)
    return placeholder_figure()


def _colour(value: str, tint: bool) -> QColor:
    return QColor(TINTS.get(value, value) if tint else value)


def _pen(colour: QColor, width: float, dash: tuple[float, ...] = ()) -> QPen:
    pen = QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
               Qt.PenJoinStyle.RoundJoin)  # fmt: skip
    if dash and width > 0:
        pen.setDashPattern([d / width for d in dash])  # Qt counts dashes in pen widths
    return pen


def paint_primitives(
    painter: QPainter,
    primitives: tuple[Primitive, ...] | list[Primitive],
    bounds: Bounds,
    target: QRectF,
    *,
    tint: bool = False,
) -> None:
    """Paint ``primitives`` (figure space ``bounds``, y up) fitted and centred in ``target``."""
    factor, dx, dy = bounds.fit(target.width(), target.height())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    # Figure space has y up; the widget's y runs down.
    painter.translate(target.left() + dx, target.bottom() - dy)
    painter.scale(factor, -factor)
    for item in primitives:
        if isinstance(item, Path):
            _paint_path(painter, item, tint)
        elif isinstance(item, Circle):
            _paint_circle(painter, item, tint)
        else:
            _paint_text(painter, item, factor)
    painter.restore()


def _paint_path(painter: QPainter, item: Path, tint: bool) -> None:
    if not item.points:
        return
    path = QPainterPath(QPointF(*item.points[0]))
    for point in item.points[1:]:
        path.lineTo(QPointF(*point))
    if item.closed:
        path.closeSubpath()
    painter.setPen(
        _pen(_colour(item.stroke, tint), item.width, item.dash)
        if item.stroke
        else Qt.PenStyle.NoPen
    )
    painter.setBrush(
        QBrush(_colour(item.fill, tint)) if item.fill and item.closed else Qt.BrushStyle.NoBrush
    )
    painter.drawPath(path)


def _paint_circle(painter: QPainter, item: Circle, tint: bool) -> None:
    painter.setPen(
        _pen(_colour(item.stroke, tint), item.width) if item.stroke else Qt.PenStyle.NoPen
    )
    painter.setBrush(QBrush(_colour(item.fill, tint)) if item.fill else Qt.BrushStyle.NoBrush)
    painter.drawEllipse(QPointF(*item.centre), item.radius, item.radius)


def _paint_text(painter: QPainter, item: Text, factor: float) -> None:
    # Drawn upright in device space: under the flipped transform it would come out mirrored.
    where = painter.transform().map(QPointF(*item.position))
    painter.save()
    painter.resetTransform()
    font = QFont()
    font.setPixelSize(max(1, round(item.size * factor)))
    font.setBold(item.bold)
    painter.setFont(font)
    painter.setPen(QColor(item.colour))
    width = painter.fontMetrics().horizontalAdvance(item.text)
    shift = {"start": 0.0, "end": -width, "middle": -width / 2}.get(item.anchor, -width / 2)
    painter.drawText(QPointF(where.x() + shift, where.y()), item.text)
    painter.restore()


def paint_figure(
    painter: QPainter,
    drawing: FigureDrawing,
    target: QRectF,
    *,
    captions: bool = True,
    tint: bool = False,
) -> None:
    """Start and end side by side in ``target`` with a small arrow between, captioned under
    each; the placeholder once, captioned "No picture"."""
    painter.save()
    painter.fillRect(target, BACKGROUND)
    caption_height = CAPTION_PIXELS * 1.6 if captions else 0.0
    pictures = QRectF(target.left(), target.top(), target.width(),
                      target.height() - caption_height)  # fmt: skip
    if drawing.placeholder:
        paint_primitives(painter, drawing.start, drawing.bounds, pictures)
        if captions:
            _caption(painter, "No picture", target.left(), target.width(), target.bottom())
        painter.restore()
        return
    panel = target.width() * (1 - GAP) / 2
    for index, primitives in enumerate((drawing.start, drawing.end)):
        left = target.left() + index * (panel + target.width() * GAP)
        box = QRectF(left, pictures.top(), panel, pictures.height())
        paint_primitives(painter, primitives, drawing.bounds, box, tint=tint)
        if captions:
            _caption(painter, CAPTIONS[index], left, panel, target.bottom())
    _then_arrow(painter, target.left() + panel, target.width() * GAP, pictures.center().y())
    painter.restore()


def _caption(painter: QPainter, text: str, left: float, width: float, bottom: float) -> None:
    font = QFont()
    font.setPixelSize(CAPTION_PIXELS)
    painter.setFont(font)
    painter.setPen(CAPTION)
    box = QRectF(left, bottom - CAPTION_PIXELS * 1.5, width, CAPTION_PIXELS * 1.5)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def _then_arrow(painter: QPainter, left: float, span: float, middle: float) -> None:
    size = min(span * 0.35, 9.0)
    start, tip = left + span * 0.25, left + span * 0.75
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(_pen(CAPTION, max(1.0, size * 0.18)))
    painter.drawLine(QPointF(start, middle), QPointF(tip - size * 0.6, middle))
    head = QPainterPath(QPointF(tip, middle))
    head.lineTo(tip - size, middle + size * 0.5)
    head.lineTo(tip - size, middle - size * 0.5)
    head.closeSubpath()
    painter.fillPath(head, CAPTION)
    painter.restore()


def figure_image(
    code: str | None, width: int, height: int, *, captions: bool = False, tint: bool = False,
    device_pixel_ratio: float = 1.0,
) -> QImage:  # fmt: skip
    """The figure of ``code`` (or the placeholder) as a ``width`` × ``height`` image (logical
    pixels). Safe to call from a worker thread."""
    image = QImage(
        QSize(round(width * device_pixel_ratio), round(height * device_pixel_ratio)),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.setDevicePixelRatio(device_pixel_ratio)
    image.fill(BACKGROUND)
    painter = QPainter(image)
    paint_figure(painter, drawing_for(code), QRectF(0, 0, width, height), captions=captions,
                 tint=tint)  # fmt: skip
    painter.end()
    return image


def figure_pixmap(code: str | None, width: int, height: int, *, tint: bool = True) -> QPixmap:
    """``figure_image`` as a pixmap, for list rows and labels (UI thread only)."""
    return QPixmap.fromImage(figure_image(code, width, height, tint=tint))


class FigureView(QWidget):
    """Shows an exercise's start and end figures, scaled to the widget."""

    def __init__(
        self, code: str | None = None, parent: QWidget | None = None, *, captions: bool = True,
        tint: bool = True,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("figureView")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._captions = captions
        self._tint = tint
        self._code: str | None = None
        self._drawing = placeholder_figure()
        self.set_code(code)

    def code(self) -> str | None:
        return self._code

    def drawing(self) -> FigureDrawing:
        return self._drawing

    def set_code(self, code: str | None) -> None:
        """Show ``code``'s figure; the placeholder when it has none, nothing when None."""
        self._code = code
        self._drawing = drawing_for(code)
        self.setToolTip("" if code is None else self._drawing.title)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, 150)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, 60)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self._code is None:
            painter.fillRect(self.rect(), BACKGROUND)
        else:
            paint_figure(painter, self._drawing, QRectF(self.rect()), captions=self._captions,
                         tint=self._tint)  # fmt: skip
        painter.end()
