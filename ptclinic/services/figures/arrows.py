"""Movement cues: curved or straight arrows with a solid head, and an optional word.

A ``move`` arrow follows a landmark from where it is in the start pose to where it is in the end
pose, set off to one side so it does not sit on the limb; a ``push`` arrow starts at a
landmark and points a given way (a press, a squeeze, a belly drawn in). Directions and offsets
in the poses file are in the unmirrored picture; a mirrored figure mirrors them too.
"""

from __future__ import annotations

import math

from ptclinic.services.figures.geometry import Point
from ptclinic.services.figures.poses import ArrowSpec
from ptclinic.services.figures.primitives import ARROW_INK, ARROW_LINE, Path, Primitive, Text

HEAD_LENGTH = 5.2
HEAD_HALF_WIDTH = 3.0
LABEL_SIZE = 8.5
AUTO_OFFSET = 9.0
TRIM = 0.12


def _bezier(p0: Point, control: Point, p1: Point, steps: int = 20) -> list[Point]:
    return [
        (
            (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * control[0] + t * t * p1[0],
            (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * control[1] + t * t * p1[1],
        )
        for t in (i / steps for i in range(steps + 1))
    ]


def arrow(p0: Point, p1: Point, bow: float = 0.0, label: str = "") -> list[Primitive]:
    """An arrow from ``p0`` to ``p1`` (its head at ``p1``), bowed to its left by ``bow`` times
    its length (negative bows to the right)."""
    dx, dy = p1[0] - p0[0], p1[1] - p0[1]
    size = math.hypot(dx, dy)
    if size < 1e-6:
        return []
    left = (-dy / size, dx / size)
    middle = ((p0[0] + p1[0]) / 2, (p0[1] + p1[1]) / 2)
    control = (middle[0] + left[0] * bow * size, middle[1] + left[1] * bow * size)
    curve = _bezier(p0, control, p1)
    # The head points along the curve's last stretch; the shaft stops where the head begins.
    tx, ty = p1[0] - control[0], p1[1] - control[1]
    tangent = math.hypot(tx, ty) or 1.0
    tx, ty = tx / tangent, ty / tangent
    head_len = min(HEAD_LENGTH, size * 0.6)
    base = (p1[0] - tx * head_len, p1[1] - ty * head_len)
    shaft = [p for p in curve if (p[0] - base[0]) * tx + (p[1] - base[1]) * ty < 0] + [base]
    half = HEAD_HALF_WIDTH * head_len / HEAD_LENGTH
    head = (
        (p1[0] + tx * 0.4, p1[1] + ty * 0.4),
        (base[0] - ty * half, base[1] + tx * half),
        (base[0] + ty * half, base[1] - tx * half),
    )
    items: list[Primitive] = [
        Path(tuple(shaft), stroke=ARROW_INK, width=ARROW_LINE),
        Path(head, stroke=ARROW_INK, fill=ARROW_INK, width=0.4, closed=True),
    ]
    if label:
        items.append(_label(label, _bezier(p0, control, p1, 2)[1], left, bow))
    return items


def _label(text: str, middle: Point, left: Point, bow: float) -> Text:
    """The word beside the middle of an arrow, on the outside of its bow: set from its end
    beside an upright arrow, centred over or under a level one."""
    side = 1.0 if bow >= 0 else -1.0
    nx, ny = left[0] * side, left[1] * side
    gap = 4.5
    x, y = middle[0] + nx * gap, middle[1] + ny * gap
    if abs(nx) > 0.6:
        anchor = "start" if nx > 0 else "end"
        return Text((x, y - LABEL_SIZE * 0.35), text, LABEL_SIZE, anchor, ARROW_INK, bold=True)
    below = LABEL_SIZE * 0.8 if ny < 0 else 0.0
    return Text((x, y - below), text, LABEL_SIZE, "middle", ARROW_INK, bold=True)


def cue(
    spec: ArrowSpec,
    start: Point,
    end: Point,
    at: Point,
    centre: Point,
    mirror: bool,
) -> list[Primitive]:
    """The arrow ``spec`` asks for: ``start`` and ``end`` are its landmark in the two poses,
    ``at`` where it is in this picture, ``centre`` the middle of the body (a move arrow is set
    off away from it)."""
    flip = -1.0 if mirror else 1.0
    offset = (spec.offset[0] * flip, spec.offset[1])
    if spec.kind == "push":
        angle = math.radians(spec.direction)
        p0 = (at[0] + offset[0], at[1] + offset[1])
        p1 = (p0[0] + flip * math.cos(angle) * spec.length, p0[1] + math.sin(angle) * spec.length)
        return arrow(p0, p1, spec.bow * flip, spec.label)
    if offset == (0.0, 0.0):
        dx, dy = end[0] - start[0], end[1] - start[1]
        size = math.hypot(dx, dy) or 1.0
        normal = (-dy / size, dx / size)
        mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
        away = (mid[0] - centre[0]) * normal[0] + (mid[1] - centre[1]) * normal[1]
        sign = 1.0 if away >= 0 else -1.0
        offset = (normal[0] * sign * AUTO_OFFSET, normal[1] * sign * AUTO_OFFSET)
    # The middle of the path: an arrow from end to end would crowd the limb at both ends.
    p0 = (
        start[0] + offset[0] + (end[0] - start[0]) * TRIM,
        start[1] + offset[1] + (end[1] - start[1]) * TRIM,
    )
    p1 = (
        end[0] + offset[0] - (end[0] - start[0]) * TRIM,
        end[1] + offset[1] - (end[1] - start[1]) * TRIM,
    )
    return arrow(p0, p1, spec.bow * flip, spec.label)
