"""The things around the figure: mat, chair, step, counter, ball, belt, bands, strap, dowel,
water, stationary bike. Each is made in 3-D from where the body is, so it touches what it
should (the chair's seat under the hips, the ball between the knees, the strap round the sole),
and then goes through the same camera as the body.

Furniture that stays put (chair, step, counter, band anchor, bike frame) is placed from the
start pose and drawn the same in both pictures; things that move with the body (ball, belt,
band, strap, dowel, pedals) follow each pose. Boxes are drawn face by face, only the faces
turned to the viewer, the top lighter than the front.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ptclinic.services.figures.body import Body
from ptclinic.services.figures.geometry import (
    Vec,
    add,
    cross,
    dot,
    length,
    lerp,
    scale,
    sub,
    unit,
)
from ptclinic.services.figures.primitives import (
    FILL,
    PROP_FILL,
    PROP_INK,
    PROP_LINE,
    PROP_SHADE,
)

MAT_THICKNESS = 1.5
STEP_HEIGHT = 20.0
SEAT_HEIGHT = 43.0
SADDLE_HEIGHT = 84.0
WATER_LEVEL = 118.0
SURFACES = {"step": STEP_HEIGHT, "seat": SEAT_HEIGHT, "saddle": SADDLE_HEIGHT}
BAND = "#5c5c5c"
PROP_TOP = "#f4f4f4"


@dataclass(frozen=True)
class Shape3:
    """A 3-D polyline or polygon; with a ``normal`` it is a face, drawn only when it faces the
    viewer."""

    points: tuple[Vec, ...]
    stroke: str | None = PROP_INK
    fill: str | None = None
    width: float = PROP_LINE
    closed: bool = False
    normal: Vec | None = None
    dash: tuple[float, ...] = ()


@dataclass(frozen=True)
class Ball3:
    centre: Vec
    radius: float
    stroke: str | None = PROP_INK
    fill: str | None = PROP_FILL
    width: float = PROP_LINE


Shape = Shape3 | Ball3


@dataclass(frozen=True)
class PropItem:
    """Shapes painted together: ``layer`` "back" (before the body), "front" (after it) or
    "depth" (sorted with the body's parts by ``depth``, its distance toward the viewer)."""

    shapes: tuple[Shape, ...]
    layer: str = "back"
    depth: Vec | None = None


@dataclass(frozen=True)
class Scene:
    """What a prop is made from: this picture's body, the start pose's body (furniture is
    placed from it), both bodies (a mat spans them) and the ground's height."""

    body: Body
    start: Body
    both: tuple[Body, Body]
    ground: float


def box(
    x0: float, x1: float, y0: float, y1: float, z0: float, z1: float, front: str = FILL
) -> list[Shape3]:
    """The six faces of a box, each with its outward normal and a shade by which way it faces
    (``front`` for the faces toward and away from the viewer)."""
    corners = {
        (i, j, k): ((x0, x1)[i], (y0, y1)[j], (z0, z1)[k])
        for i in (0, 1) for j in (0, 1) for k in (0, 1)
    }  # fmt: skip
    faces = [
        ((1, 0, 0), [(1, 0, 0), (1, 1, 0), (1, 1, 1), (1, 0, 1)], PROP_SHADE),
        ((-1, 0, 0), [(0, 0, 0), (0, 0, 1), (0, 1, 1), (0, 1, 0)], PROP_SHADE),
        ((0, 1, 0), [(0, 1, 0), (0, 1, 1), (1, 1, 1), (1, 1, 0)], PROP_TOP),
        ((0, -1, 0), [(0, 0, 0), (1, 0, 0), (1, 0, 1), (0, 0, 1)], PROP_SHADE),
        ((0, 0, 1), [(0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 1, 1)], front),
        ((0, 0, -1), [(0, 0, 0), (0, 1, 0), (1, 1, 0), (1, 0, 0)], front),
    ]
    return [
        Shape3(
            tuple(corners[c] for c in keys), fill=shade, closed=True,
            normal=(float(n[0]), float(n[1]), float(n[2])),
        )
        for n, keys, shade in faces
    ]  # fmt: skip


def _xs(bodies: Sequence[Body]) -> tuple[float, float]:
    xs = [p[0] for body in bodies for p in body.points.values()]
    return min(xs), max(xs)


def _zs(bodies: Sequence[Body]) -> tuple[float, float]:
    zs = [p[2] for body in bodies for p in body.points.values()]
    return min(zs), max(zs)


def mat(scene: Scene) -> list[PropItem]:
    """An exercise mat under both poses, a little wider than the body on every side."""
    left, right = _xs(scene.both)
    back, front = _zs(scene.both)
    middle = (back + front) / 2
    half = max(24.0, (front - back) / 2 + 8.0)
    shapes = box(left - 10, right + 10, 0.0, MAT_THICKNESS, middle - half, middle + half)
    return [PropItem(tuple(shapes))]


def chair(scene: Scene) -> list[PropItem]:
    """A plain chair under the start pose's hips, facing the way the figure faces."""
    hips = scene.start.points["pelvis_mass"]
    back, front = hips[0] - 22.0, hips[0] + 24.0
    seat = box(back, front, SEAT_HEIGHT - 4, SEAT_HEIGHT, -22.0, 22.0)
    rest = box(back - 4, back, SEAT_HEIGHT, SEAT_HEIGHT + 44, -22.0, 22.0)
    legs = [
        face
        for x in (back, front - 3)
        for z in (-22.0, 19.0)
        for face in box(x, x + 3, 0.0, SEAT_HEIGHT - 4, z, z + 3)
    ]
    return [PropItem(tuple(legs + rest + seat))]


def step(scene: Scene) -> list[PropItem]:
    """A step under whichever foot is highest in the start pose."""
    feet = [f"{side}_sole" for side in ("near", "far")]
    foot = max(feet, key=lambda name: scene.start.points[name][1])
    x = scene.start.points[foot][0]
    return [PropItem(tuple(box(x - 16, x + 20, 0.0, STEP_HEIGHT, -28.0, 28.0)))]


def counter(scene: Scene) -> list[PropItem]:
    """A kitchen counter beside the figure, on its far side, under the far hand."""
    hand = scene.start.points["far_palm"]
    top = hand[1] - 2.5
    back, front = hand[2] - 45, hand[2] - 3
    cabinet = box(hand[0] - 26, hand[0] + 26, 0.0, top - 4, back, front - 3, PROP_FILL)
    worktop = box(hand[0] - 30, hand[0] + 30, top - 4, top, back, front, PROP_SHADE)
    return [PropItem(tuple(cabinet + worktop))]


def wall(scene: Scene) -> list[PropItem]:
    left, right = _xs(scene.both)
    shapes = box(left - 10, right + 10, 0.0, 190.0, -60.0, -56.0)
    return [PropItem(tuple(shapes))]


def ball(scene: Scene) -> list[PropItem]:
    """A soft ball (or pillow) held between the knees."""
    near, far = scene.body.points["near_knee"], scene.body.points["far_knee"]
    centre = lerp(near, far, 0.5)
    radius = max(6.0, length(sub(near, far)) / 2 - 5.0)
    item = Ball3(centre, radius, fill=PROP_SHADE)
    return [PropItem((item,), layer="depth", depth=centre)]


def _loop(scene: Scene, colour: str, width: float) -> list[PropItem]:
    """A loop round both thighs just above the knees, its back half behind the legs and its
    front half in front of them."""
    points = scene.body.points
    near = lerp(points["near_knee"], points["near_hip"], 0.18)
    far = lerp(points["far_knee"], points["far_hip"], 0.18)
    centre = lerp(near, far, 0.5)
    across = unit(sub(near, far))
    if across == (0.0, 0.0, 0.0):
        across = (0.0, 0.0, 1.0)
    thigh_axis = unit(sub(points["near_knee"], points["near_hip"]))
    around = unit(cross(thigh_axis, across))
    half = length(sub(near, far)) / 2 + 6.3
    ring = [
        add(centre, add(scale(across, half * math.cos(t)), scale(around, 6.3 * math.sin(t))))
        for t in (2 * math.pi * i / 32 for i in range(33))
    ]
    first, second = ring[:17], ring[16:]
    return [
        PropItem((Shape3(tuple(first), stroke=colour, width=width),), "depth",
                 add(centre, scale(around, 20.0))),
        PropItem((Shape3(tuple(second), stroke=colour, width=width),), "depth",
                 sub(centre, scale(around, 20.0))),
    ]  # fmt: skip


def belt(scene: Scene) -> list[PropItem]:
    return _loop(scene, PROP_INK, 2.2)


def band_knees(scene: Scene) -> list[PropItem]:
    return _loop(scene, BAND, 2.0)


def band_anchor(scene: Scene) -> list[PropItem]:
    """A band tied to a post on the figure's far side at chest height, held in both hands."""
    start = scene.start.points
    hands = lerp(start["near_palm"], start["far_palm"], 0.5)
    post = (hands[0] + 10.0, hands[1], start["far_shoulder"][2] - 110.0)
    shapes = box(post[0] - 4, post[0] + 4, 0.0, 165.0, post[2] - 4, post[2] + 4)
    now = scene.body.points
    grip = lerp(now["near_palm"], now["far_palm"], 0.5)
    line = Shape3((post, grip), stroke=BAND, width=1.4)
    return [PropItem(tuple(shapes)), PropItem((line,), "depth", lerp(grip, post, 0.3))]


def strap(scene: Scene) -> list[PropItem]:
    """A strap from the hands round the sole of the raised foot."""
    points = scene.body.points
    foot = max(("near", "far"), key=lambda side: points[f"{side}_sole"][1])
    sole = points[f"{foot}_sole"]
    ankle = points[f"{foot}_ankle"]
    under = add(sole, scale(unit(sub(sole, ankle)), 1.5))
    line = Shape3((points["near_palm"], under, points["far_palm"]), stroke=PROP_INK, width=1.5)
    return [PropItem((line,), "front")]


def dowel(scene: Scene) -> list[PropItem]:
    """A dowel held along the back: laid against the back of the head, the upper back and the
    sacrum, touching whichever stand out most."""
    points = scene.body.points
    low, high = points["sacrum"], points["back_of_head"]
    along = unit(sub(high, low))
    behind = unit(cross(along, scene.body.frames["thoracic"].near))
    if dot(behind, sub(points["sacrum"], points["pelvis"])) < 0:
        behind = scale(behind, -1.0)
    # The surface points (the sacrum landmark sits 1.5 cm inside the buttock's outline).
    surface = [points["back_of_head"], points["upper_back"], add(low, scale(behind, 1.5))]
    out = max(dot(sub(p, low), behind) for p in surface) + 1.2
    base = add(low, scale(behind, out))
    rod = Shape3(
        (sub(base, scale(along, 14.0)), add(base, scale(along, length(sub(high, low)) + 14.0))),
        stroke=PROP_INK,
        width=2.4,
    )
    return [PropItem((rod,), "depth", lerp(points["chest"], points["near_shoulder"], 0.3))]


def water(scene: Scene) -> list[PropItem]:
    left, right = _xs(scene.both)
    waves = []
    x = left - 30.0
    while x < right + 30.0:
        waves.append((x, WATER_LEVEL + 2.0 * math.sin(x / 6.0), 60.0))
        x += 2.0
    surface = Shape3(tuple(waves), stroke=PROP_INK, width=1.0)
    ripples = [
        Shape3(((x0, WATER_LEVEL - 9, 60.0), (x0 + 12, WATER_LEVEL - 9, 60.0)),
               stroke=PROP_SHADE, width=0.8)
        for x0 in range(int(left) - 20, int(right) + 20, 38)
    ]  # fmt: skip
    return [PropItem((surface, *ripples), "front")]


def _rod(*points: Vec, width: float = 3.0) -> Shape3:
    return Shape3(points, stroke=PROP_INK, width=width)


def bike(scene: Scene) -> list[PropItem]:
    """A simple upright exercise bike built round the rider: saddle under the hips, pedals at
    the soles, handlebar at the hands, a flywheel in front of the cranks."""
    start = scene.start.points
    saddle = (start["pelvis_mass"][0] - 2, SADDLE_HEIGHT, 0.0)
    middle = lerp(start["near_sole"], start["far_sole"], 0.5)
    crank = (middle[0], middle[1], 0.0)
    hands = lerp(start["near_palm"], start["far_palm"], 0.5)
    bars = (hands[0], hands[1] - 2.0, 0.0)
    stem = (bars[0] - 6.0, bars[1] - 10.0, 0.0)
    front = (stem[0] + 16.0, 3.0, 0.0)
    back = (saddle[0] - 22.0, 3.0, 0.0)
    wheel = (crank[0] + 26.0, crank[1] + 2.0, 0.0)
    shapes: list[Shape] = [
        Ball3(wheel, 20.0, fill=PROP_SHADE, width=1.0),
        Ball3(wheel, 5.0, fill=PROP_FILL, width=0.8),
        _rod(back, front, width=4.0),
        _rod((back[0] + 8, 3.0, 0.0), (saddle[0] - 2, saddle[1] - 2, 0.0)),
        _rod((saddle[0] + 2, 3.0, 0.0), crank),
        _rod(crank, stem, (front[0] - 4, 3.0, 0.0)),
        _rod(stem, bars, (bars[0] + 6, bars[1] - 3, 0.0), width=2.4),
        _rod((saddle[0] - 12, saddle[1], 0.0), (saddle[0] + 9, saddle[1], 0.0), width=3.4),
        Ball3(crank, 4.5, fill=PROP_SHADE),
    ]
    now = scene.body.points
    pedals = [
        PropItem(
            (
                _rod(crank, now[f"{side}_sole"], width=1.8),
                _rod(
                    sub(now[f"{side}_sole"], (5, 0, 0)),
                    add(now[f"{side}_sole"], (5, 0, 0)),
                    width=2.2,
                ),
            ),
            "depth",
            (0.0, 0.0, 14.0 if side == "near" else -14.0),
        )
        for side in ("near", "far")
    ]
    return [PropItem(tuple(shapes)), *pedals]


BUILDERS: dict[str, Callable[[Scene], list[PropItem]]] = {
    "mat": mat,
    "chair": chair,
    "step": step,
    "wall": wall,
    "counter": counter,
    "ball": ball,
    "belt": belt,
    "band-knees": band_knees,
    "band-anchor": band_anchor,
    "strap": strap,
    "dowel": dowel,
    "water": water,
    "bike": bike,
}
