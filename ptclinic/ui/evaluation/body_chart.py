"""Where it hurts: a clickable body chart, seen from behind, with a small front view for the groin.

The shapes are plain data in a 260 × 316 drawing space (``CANVAS``), so the same picture can be
drawn on screen, into an image or on paper (``paint_chart``). A chosen region is filled with the
accent colour *and* hatched, so it reads on a black-and-white print and without colour vision.

Seen from behind, the patient's left is on the viewer's left; in the front view it is on the
viewer's right. Both views carry "L" and "R" marks.

Keys are ``evaluation_form.BODY_REGIONS``; ``regions()`` lists the chosen ones in that order.
``set_regions`` loads a saved choice without emitting ``changed`` (loading is not an edit);
clicks and Space emit it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from ptclinic.services.evaluation_form import BODY_REGIONS

Point = tuple[float, float]
CANVAS = (260.0, 316.0)  # the drawing space's width and height
BACK_AXIS = 90.0  # the back view's midline
FRONT_AXIS = 217.0  # the front view's midline
LABELS = dict(BODY_REGIONS)

INK = QColor("#1f2d33")
BODY_FILL = QColor("#e8edef")
BODY_LINE = QColor("#5d6f75")
REGION_FILL = QColor("#fbfdfd")
REGION_LINE = QColor("#8fa3aa")
HOVER_FILL = QColor("#d5ecec")
CHOSEN_FILL = QColor("#6cbcbc")
CHOSEN_HOVER_FILL = QColor("#4fa7a8")
CHOSEN_LINE = QColor("#0b4f52")


@dataclass(frozen=True)
class Shape:
    """A polygon, or an ellipse when ``ellipse`` (centre x, centre y, radius x, radius y) is set."""

    points: tuple[Point, ...] = ()
    ellipse: tuple[float, float, float, float] | None = None

    def path(self) -> QPainterPath:
        path = QPainterPath()
        if self.ellipse is not None:
            x, y, rx, ry = self.ellipse
            path.addEllipse(QPointF(x, y), rx, ry)
        else:
            path.addPolygon(QPolygonF([QPointF(x, y) for x, y in self.points]))
            path.closeSubpath()
        return path


def _poly(*points: Point) -> Shape:
    return Shape(points=points)


def _mirror(shape: Shape, axis: float) -> Shape:
    if shape.ellipse is not None:
        x, y, rx, ry = shape.ellipse
        return Shape(ellipse=(2 * axis - x, y, rx, ry))
    return Shape(points=tuple((2 * axis - x, y) for x, y in reversed(shape.points)))


# The outline of the body (decoration; only regions take clicks).
_ARM = _poly((50, 60), (56, 90), (52, 104), (47, 140), (45, 170), (33, 170), (36, 140), (40, 100))
_HAND = Shape(ellipse=(39, 176, 6, 8))
_LEG = _poly(
    (54, 160), (90, 160), (90, 178), (87, 240), (84, 252), (83, 296), (85, 306), (65, 306),
    (68, 296), (64, 252), (58, 240), (54, 190),
)  # fmt: skip
_TORSO = _poly(
    (58, 52), (122, 52), (130, 60), (124, 90), (118, 112), (124, 136), (126, 160), (54, 160),
    (56, 136), (62, 112), (56, 90), (50, 60),
)  # fmt: skip
_HIPS_FRONT = _poly(
    (195, 102), (239, 102), (236, 120), (243, 146), (244, 166), (241, 206), (221, 206),
    (217, 180), (213, 206), (193, 206), (190, 166), (191, 146), (198, 120),
)  # fmt: skip
BACK_OUTLINE: tuple[Shape, ...] = (
    Shape(ellipse=(90, 29, 12, 14)),
    _poly((85, 40), (95, 40), (96, 53), (84, 53)),
    _TORSO,
    *(_ARM, _HAND, _LEG),
    *(_mirror(shape, BACK_AXIS) for shape in (_ARM, _HAND, _LEG)),
)
FRONT_OUTLINE: tuple[Shape, ...] = (_HIPS_FRONT,)

# Regions on the patient's left are drawn first and mirrored for the right. In the back view
# the patient's left is the viewer's left (x below the midline).
_LEFT_BACK: dict[str, Shape] = {
    "psis": Shape(ellipse=(73, 133, 7, 7)),
    "buttock": _poly(
        (56, 142), (66, 141), (78, 143), (84, 150), (88, 162), (89, 184), (58, 184), (54, 166)
    ),
    "thigh": _poly((57, 188), (89, 188), (87, 238), (60, 238)),
    "below_knee": _poly((65, 250), (85, 250), (83, 304), (67, 304)),
}
# In the front view the patient's right is the viewer's left: a band along the groin crease.
_RIGHT_GROIN = _poly((192, 146), (201, 144), (215, 166), (215, 182), (206, 180), (193, 160))

REGION_SHAPES: dict[str, Shape] = {
    "lumbar": _poly((70, 94), (110, 94), (110, 126), (70, 126)),
    "sacrum": _poly((80, 128), (100, 128), (97, 146), (90, 160), (83, 146)),
    **{f"{part}_left": shape for part, shape in _LEFT_BACK.items()},
    **{f"{part}_right": _mirror(shape, BACK_AXIS) for part, shape in _LEFT_BACK.items()},
    "groin_left": _mirror(_RIGHT_GROIN, FRONT_AXIS),
    "groin_right": _RIGHT_GROIN,
}
assert set(REGION_SHAPES) == set(LABELS), "every body region needs a shape"
# Painted in this order; a click goes to the topmost region under it (the PSIS over the buttock).
PAINT_ORDER = tuple(sorted(REGION_SHAPES, key=lambda key: key.startswith("psis")))
# (text, centre x, centre y): the side marks of each view.
SIDE_MARKS = (("L", 18, 150), ("R", 162, 150), ("R", 202, 220), ("L", 232, 220))


def _font(pixels: int, *, bold: bool = False) -> QFont:
    # Sizes in drawing units, so text scales with the picture on screen and on paper alike.
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


def _hatch(painter: QPainter, path: QPainterPath) -> None:
    """Diagonal lines drawn as lines (not a pattern brush) so they keep their spacing in print."""
    painter.save()
    painter.setClipPath(path, Qt.ClipOperation.IntersectClip)
    painter.setPen(QPen(CHOSEN_LINE, 1.1))
    box = path.boundingRect()
    step = 5.0
    x = box.left() - box.height()
    while x < box.right():
        painter.drawLine(QPointF(x, box.bottom()), QPointF(x + box.height(), box.top()))
        x += step
    painter.restore()


def _outline(shapes: Iterable[Shape]) -> QPainterPath:
    whole = QPainterPath()
    for shape in shapes:
        whole = whole.united(shape.path())
    return whole


def paint_chart(
    painter: QPainter,
    target: QRectF,
    chosen: Iterable[str],
    *,
    hover: str | None = None,
    current: str | None = None,
) -> None:
    """Draw the chart scaled into ``target``, the ``chosen`` regions filled and hatched;
    ``hover`` is tinted and ``current`` (the keyboard's place) ringed."""
    chosen = set(chosen)
    width, height = CANVAS
    scale = min(target.width() / width, target.height() / height)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(
        target.left() + (target.width() - width * scale) / 2,
        target.top() + (target.height() - height * scale) / 2,
    )
    painter.scale(scale, scale)
    painter.setPen(QPen(BODY_LINE, 1.4))
    painter.setBrush(BODY_FILL)
    painter.drawPath(_outline(BACK_OUTLINE))
    painter.drawPath(_outline(FRONT_OUTLINE))
    for key in PAINT_ORDER:
        path = REGION_SHAPES[key].path()
        picked = key in chosen
        fill = CHOSEN_FILL if picked else REGION_FILL
        if key == hover:
            fill = CHOSEN_HOVER_FILL if picked else HOVER_FILL
        painter.setBrush(fill)
        painter.setPen(QPen(CHOSEN_LINE if picked else REGION_LINE, 1.6 if picked else 1.0))
        painter.drawPath(path)
        if picked:
            _hatch(painter, path)
    if current is not None:
        ring = QPen(INK, 2.0, Qt.PenStyle.DashLine)
        painter.setPen(ring)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(REGION_SHAPES[current].path())
    _paint_words(painter)
    painter.restore()


def _paint_words(painter: QPainter) -> None:
    painter.setPen(INK)
    painter.setFont(_font(13, bold=True))
    centre = int(Qt.AlignmentFlag.AlignCenter)
    painter.drawText(QRectF(0, 0, 180, 15), centre, "Back")
    painter.drawText(QRectF(180, 82, 80, 15), centre, "Front")
    painter.setFont(_font(12))
    painter.drawText(QRectF(180, 232, 80, 28), centre | int(Qt.TextFlag.TextWordWrap), "(groin)")
    painter.setFont(_font(13, bold=True))
    for text, x, y in SIDE_MARKS:
        painter.setPen(QPen(INK, 1.3))
        painter.setBrush(QColor("white"))
        painter.drawEllipse(QPointF(x, y), 10, 10)
        painter.drawText(QRectF(x - 10, y - 10, 20, 20), centre, text)


def region_words(keys: Iterable[str]) -> str:
    """ "Left buttock, Left posterior thigh" (in the form's order)."""
    wanted = set(keys)
    return ", ".join(label for key, label in BODY_REGIONS if key in wanted)


def _centre(key: str) -> QPointF:
    return REGION_SHAPES[key].path().boundingRect().center()


# Where each arrow key goes from each area (left, right, up, down); a blank stays put. A table
# rather than geometry: small areas next to big ones made "the nearest one that way" surprising.
_MOVES: dict[str, tuple[str, str, str, str]] = {
    "lumbar": ("psis_left", "psis_right", "", "sacrum"),
    "sacrum": ("psis_left", "psis_right", "lumbar", "buttock_left"),
    "psis_left": ("", "sacrum", "lumbar", "buttock_left"),
    "psis_right": ("sacrum", "groin_right", "lumbar", "buttock_right"),
    "buttock_left": ("", "buttock_right", "psis_left", "thigh_left"),
    "buttock_right": ("buttock_left", "groin_right", "psis_right", "thigh_right"),
    "groin_right": ("buttock_right", "groin_left", "", ""),
    "groin_left": ("groin_right", "", "", ""),
    "thigh_left": ("", "thigh_right", "buttock_left", "below_knee_left"),
    "thigh_right": ("thigh_left", "groin_right", "buttock_right", "below_knee_right"),
    "below_knee_left": ("", "below_knee_right", "thigh_left", ""),
    "below_knee_right": ("below_knee_left", "", "thigh_right", ""),
}
assert set(_MOVES) == set(LABELS)
ARROWS = {Qt.Key.Key_Left: 0, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: 2, Qt.Key.Key_Down: 3}


def neighbour(key: str, arrow: Qt.Key) -> str:
    """The area an arrow key moves to from ``key`` (``key`` itself at an edge)."""
    return _MOVES[key][ARROWS[arrow]] or key


NO_REGIONS = "Nothing marked yet: click where it hurts, or use the arrow keys and Space."
HOW_TO = (
    "Pain location chart, seen from behind: the patient's left is on your left. "
    "The small front view shows the groin. Arrow keys move between areas, Space marks or clears "
    "the area."
)


PICTURE_HEIGHT = 320  # pixels


class BodyChart(QWidget):
    """The clickable chart with a line of words under it naming what is marked."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chosen: set[str] = set()
        self._hover: str | None = None
        self._current = BODY_REGIONS[0][0]
        self._read_only = False
        self.setObjectName("bodyChart")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName("Where it hurts")
        # The picture keeps its height whatever the words under it take: marking an area must
        # not shrink the picture under the pointer (the next click would land elsewhere).
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.summary = QLabel()
        self.summary.setObjectName("bodyChartSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addSpacing(PICTURE_HEIGHT)  # the picture is painted above the words
        layout.addWidget(self.summary)
        self._refresh()

    # --- the API -------------------------------------------------------------------------

    def regions(self) -> list[str]:
        return [key for key, _label in BODY_REGIONS if key in self._chosen]

    def set_regions(self, keys: Iterable[str]) -> None:
        """Show a saved choice (does not emit ``changed``); unknown keys are a program error."""
        wanted = set(keys)
        if unknown := wanted - set(LABELS):
            raise ValueError(f"unknown body regions: {sorted(unknown)}")
        self._chosen = wanted
        self._refresh()

    def set_read_only(self, read_only: bool) -> None:
        """A signed evaluation: still readable (hover and arrows name areas), never changed."""
        self._read_only = read_only
        self._hover = None
        self.setCursor(Qt.CursorShape.ArrowCursor)
        self._refresh()

    def is_read_only(self) -> bool:
        return self._read_only

    def toggle(self, key: str) -> None:
        """Mark or clear one area as a click would (nothing while read-only)."""
        if self._read_only:
            return
        self._current = key
        self._chosen ^= {key}
        self._refresh()
        self.changed.emit()

    def current_region(self) -> str:
        """The area the keyboard is on."""
        return self._current

    # --- geometry, for painting, clicks and tests -----------------------------------------

    def chart_rect(self) -> QRectF:
        """Where the picture is painted: a fixed height above the line of words."""
        return QRectF(0, 0, self.width(), PICTURE_HEIGHT)

    def _transform(self) -> tuple[float, float, float]:
        target = self.chart_rect()
        width, height = CANVAS
        scale = min(target.width() / width, target.height() / height) or 1.0
        left = target.left() + (target.width() - width * scale) / 2
        top = target.top() + (target.height() - height * scale) / 2
        return scale, left, top

    def region_at(self, point: QPointF) -> str | None:
        scale, left, top = self._transform()
        local = QPointF((point.x() - left) / scale, (point.y() - top) / scale)
        for key in reversed(PAINT_ORDER):
            if REGION_SHAPES[key].path().contains(local):
                return key
        return None

    def region_point(self, key: str) -> QPointF:
        """A point inside the region, in widget coordinates."""
        scale, left, top = self._transform()
        centre = _centre(key)
        return QPointF(left + centre.x() * scale, top + centre.y() * scale)

    # --- Qt -------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(260, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(200, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.chart_rect()
        painter.setPen(QPen(QColor("#c5d0d4"), 1))
        painter.setBrush(QColor("white"))
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        hover = None if self._read_only else self._hover
        current = self._current if self.hasFocus() else None
        paint_chart(
            painter, rect.adjusted(6, 6, -6, -6), self._chosen, hover=hover, current=current
        )
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        key = self.region_at(event.position())
        if key != self._hover:
            self._hover = key
            pointing = key is not None and not self._read_only
            self.setCursor(
                Qt.CursorShape.PointingHandCursor if pointing else Qt.CursorShape.ArrowCursor
            )
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = None
        self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        key = self.region_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and key is not None:
            self._current = key
            self.toggle(key)
            self.update()
            event.accept()
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key in ARROWS and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self._current = neighbour(self._current, key)
            self._refresh()
            return
        if key == Qt.Key.Key_Space and not self._read_only:
            self.toggle(self._current)
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            key = self.region_at(QPointF(event.pos()))
            if key is None:
                QToolTip.hideText()
                event.ignore()
                return True
            QToolTip.showText(event.globalPos(), self._tip(key), self)
            return True
        return super().event(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    # --- words ----------------------------------------------------------------------------

    def _tip(self, key: str) -> str:
        state = "marked" if key in self._chosen else "not marked"
        if self._read_only:
            return f"{LABELS[key]}: {state}"
        return f"{LABELS[key]}: {state}. Click to {'clear' if key in self._chosen else 'mark'}."

    def _refresh(self) -> None:
        words = region_words(self._chosen)
        if words:
            self.summary.setText(f"Where it hurts: {words}")
        else:
            self.summary.setText("Nothing marked." if self._read_only else NO_REGIONS)
        state = "marked" if self._current in self._chosen else "not marked"
        self.setAccessibleDescription(
            f"{HOW_TO} On: {LABELS[self._current]}, {state}. Marked: {words or 'nothing'}."
        )
        self.setToolTip("")
        self.update()
