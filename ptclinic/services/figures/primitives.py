"""What a figure is drawn with: paths, circles and text in the figure's own space.

Figure space is in centimetres of the drawn scene (the person is about 173 cm tall), x to the
right and y *up*, the floor at y = 0. Line widths are in the same units, so a picture keeps its
look at any size. Colours are "#rrggbb" strings; ``None`` means no stroke or no fill.

Primitives are painted in list order, each over the ones before it. The body is outlined by
painting every piece of a limb twice: first its outline (a stroke twice the visible width),
then its fill with no stroke, which covers the inner half of the strokes; the union of the
pieces is left with one clean outline, with no seams at the joints. Adapters need no special
case for it; they only paint paths, circles and text, in order, with round caps and joins.
"""

from __future__ import annotations

from dataclasses import dataclass

from ptclinic.services.figures.geometry import Point

INK = "#1a1a1a"
FILL = "#ffffff"
FAR_INK = "#808080"
FAR_FILL = "#e3e3e3"
PROP_INK = "#3d3d3d"
PROP_FILL = "#eeeeee"
PROP_SHADE = "#d4d4d4"
ARROW_INK = "#1a1a1a"

OUTLINE = 0.95  # the visible outline of the body (cm of the scene)
PROP_LINE = 0.7
ARROW_LINE = 1.3


@dataclass(frozen=True)
class Path:
    """A polyline, closed into a polygon when ``closed``."""

    points: tuple[Point, ...]
    stroke: str | None = INK
    fill: str | None = None
    width: float = OUTLINE
    closed: bool = False
    dash: tuple[float, ...] = ()


@dataclass(frozen=True)
class Circle:
    centre: Point
    radius: float
    stroke: str | None = INK
    fill: str | None = None
    width: float = OUTLINE


@dataclass(frozen=True)
class Text:
    """A short label; ``anchor`` is "start", "middle" or "end" of the baseline at ``position``,
    ``size`` the font size in figure units."""

    position: Point
    text: str
    size: float = 9.0
    anchor: str = "middle"
    colour: str = INK
    bold: bool = False


Primitive = Path | Circle | Text


@dataclass(frozen=True)
class Bounds:
    left: float
    bottom: float
    right: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    def union(self, other: Bounds) -> Bounds:
        return Bounds(
            min(self.left, other.left),
            min(self.bottom, other.bottom),
            max(self.right, other.right),
            max(self.top, other.top),
        )

    def padded(self, margin: float) -> Bounds:
        return Bounds(
            self.left - margin, self.bottom - margin, self.right + margin, self.top + margin
        )

    def fit(self, width: float, height: float) -> tuple[float, float, float]:
        """The scale and offsets (x, y) that fit these bounds, centred, into a ``width`` ×
        ``height`` box with y up: box point = figure point × scale + offset."""
        factor = min(width / self.width, height / self.height)
        dx = (width - self.width * factor) / 2 - self.left * factor
        dy = (height - self.height * factor) / 2 - self.bottom * factor
        return factor, dx, dy


def bounds_of(primitives: list[Primitive] | tuple[Primitive, ...]) -> Bounds:
    """The box around the primitives' points (strokes included, text approximated)."""
    xs: list[float] = []
    ys: list[float] = []
    for item in primitives:
        if isinstance(item, Path):
            half = item.width / 2 if item.stroke else 0.0
            for x, y in item.points:
                xs += [x - half, x + half]
                ys += [y - half, y + half]
        elif isinstance(item, Circle):
            r = item.radius + (item.width / 2 if item.stroke else 0.0)
            xs += [item.centre[0] - r, item.centre[0] + r]
            ys += [item.centre[1] - r, item.centre[1] + r]
        else:
            half = len(item.text) * item.size * 0.3
            x, y = item.position
            xs += [x - half, x + half]
            ys += [y, y + item.size]
    if not xs:
        return Bounds(0.0, 0.0, 1.0, 1.0)
    return Bounds(min(xs), min(ys), max(xs), max(ys))
