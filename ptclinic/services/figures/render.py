"""A built body as primitives: outlined, filled limb shapes painted back to front.

Every segment is a tapering capsule (two circles and their common tangents) whose width is its
cross-section seen from the viewer; the head is a circle with a nose when seen from the side.
A limb (thigh + shin + foot, upper arm + forearm + hand) and the trunk (pelvis + chest + neck)
each get one seamless outline (see ``primitives``). Parts on the far side are grey: drawn behind,
a lighter outline and a grey fill, so "lift the top leg" or "opposite arm and leg" reads in
black and white.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from ptclinic.services.figures.body import HEAD_RADIUS, Body, Segment
from ptclinic.services.figures.geometry import Point, Vec, dot, scale, sub, unit
from ptclinic.services.figures.primitives import (
    FAR_FILL,
    FAR_INK,
    FILL,
    INK,
    OUTLINE,
    Path,
    Primitive,
)

ARC_STEP = math.radians(12.0)


def _arc(centre: Point, radius: float, start: float, sweep: float) -> list[Point]:
    steps = max(2, math.ceil(abs(sweep) / ARC_STEP))
    return [
        (
            centre[0] + radius * math.cos(start + sweep * i / steps),
            centre[1] + radius * math.sin(start + sweep * i / steps),
        )
        for i in range(steps + 1)
    ]


def circle_points(centre: Point, radius: float) -> tuple[Point, ...]:
    return tuple(_arc(centre, radius, 0.0, 2 * math.pi)[:-1])


def capsule(a: Point, b: Point, ra: float, rb: float) -> tuple[Point, ...]:
    """The outline of two circles (centre ``a`` radius ``ra``, centre ``b`` radius ``rb``) and
    their outer common tangents, as a polygon."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    d = math.hypot(dx, dy)
    if d <= abs(ra - rb) + 1e-6:
        return circle_points(a, ra) if ra >= rb else circle_points(b, rb)
    axis = math.atan2(dy, dx)
    # The tangent points lean toward the smaller end by beta.
    beta = math.asin((ra - rb) / d)
    side = math.pi / 2 + beta
    far_end = _arc(b, rb, axis - side, 2 * side)
    near_end = _arc(a, ra, axis + side, 2 * (math.pi - side))
    return tuple(far_end + near_end)


def _seen_radius(segment: Segment, radii: tuple[float, float], across: Vec) -> float:
    lateral, front = radii
    frame = segment.frame
    return math.hypot(lateral * dot(frame.near, across), front * dot(frame.anterior, across))


def segment_outline(segment: Segment) -> tuple[Point, ...]:
    """The segment's silhouette in the picture (x, y)."""
    a = (segment.start[0], segment.start[1])
    b = (segment.end[0], segment.end[1])
    axis = unit((b[0] - a[0], b[1] - a[1], 0.0))
    if axis == (0.0, 0.0, 0.0):  # pointing at the viewer: the larger end's outline
        radius = max(max(segment.start_radii), max(segment.end_radii))
        return circle_points(a, radius)
    across = (-axis[1], axis[0], 0.0)
    return capsule(
        a, b, _seen_radius(segment, segment.start_radii, across),
        _seen_radius(segment, segment.end_radii, across),
    )  # fmt: skip


def silhouette(
    outlines: Iterable[tuple[Point, ...]], ink: str, fill: str, width: float = OUTLINE
) -> list[Primitive]:
    """Shapes painted as one: all outlines first (twice ``width``, half of it then covered),
    then all fills."""
    shapes = list(outlines)
    strokes: list[Primitive] = [
        Path(shape, stroke=ink, fill=ink, width=2 * width, closed=True) for shape in shapes
    ]
    fills: list[Primitive] = [
        Path(shape, stroke=None, fill=fill, width=0.0, closed=True) for shape in shapes
    ]
    return strokes + fills


def _head(body: Body, ink: str, fill: str) -> list[Primitive]:
    """The head: a circle, with a nose (and an ear line) when the face is turned side-on."""
    centre3 = body.points["head"]
    centre = (centre3[0], centre3[1])
    frame = body.head_frame
    shapes = [circle_points(centre, HEAD_RADIUS)]
    face = math.hypot(frame.anterior[0], frame.anterior[1])
    if abs(frame.anterior[2]) > 0.6:  # facing the viewer (or away): no profile to show
        return silhouette(shapes, ink, fill)
    angle = math.atan2(frame.anterior[1], frame.anterior[0])
    down = unit((-frame.superior[0], -frame.superior[1], 0.0))
    tip = HEAD_RADIUS + 2.6 * face
    tip_point = (
        centre[0] + tip * math.cos(angle) + 3.0 * down[0],
        centre[1] + tip * math.sin(angle) + 3.0 * down[1],
    )
    nose = [
        *_arc(centre, HEAD_RADIUS - 0.3, angle + 0.05, 0.0),
        tip_point,
        *_arc(centre, HEAD_RADIUS - 0.3, angle - 0.45, 0.0),
    ]
    items = silhouette([*shapes, tuple(nose)], ink, fill)
    ear = sub(centre3, scale(frame.anterior, 1.0))
    items.append(
        Path(tuple(_arc((ear[0], ear[1]), 2.4, angle + 2.0, 2.3)), stroke=ink, width=0.6 * OUTLINE)
    )
    return items


def _depth(segments: list[Segment]) -> float:
    return sum(s.start[2] + s.end[2] for s in segments) / (2 * len(segments))


def chains(body: Body) -> dict[str, list[Segment]]:
    grouped: dict[str, list[Segment]] = {}
    for segment in body.segments:
        grouped.setdefault(segment.chain, []).append(segment)
    return grouped


def layers(body: Body) -> list[tuple[float, str, list[Primitive]]]:
    """Each part of the body as (depth, name, primitives), for painting in depth order with the
    props: the trunk, the head, and each limb."""
    result: list[tuple[float, str, list[Primitive]]] = []
    for name, segments in chains(body).items():
        far = name.startswith("far_")
        ink, fill = (FAR_INK, FAR_FILL) if far else (INK, FILL)
        # Ties (a limb level with the trunk) go far side first, then trunk, then near side.
        tie = -0.01 if far else (0.0 if name == "trunk" else 0.01)
        outlines = [segment_outline(s) for s in segments]
        result.append((_depth(segments) + tie, name, silhouette(outlines, ink, fill)))
    result.append((body.points["head"][2] + 0.005, "head", _head(body, INK, FILL)))
    return result
