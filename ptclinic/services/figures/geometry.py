"""Small 3-D vector and frame arithmetic for the figures (plain tuples; no numpy needed).

World space is in centimetres: x to the viewer's right, y up, z toward the viewer. Pictures are
orthographic projections onto (x, y); z only decides what is drawn in front.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Vec = tuple[float, float, float]
Point = tuple[float, float]


def add(a: Vec, b: Vec) -> Vec:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def scale(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def length(a: Vec) -> float:
    return math.sqrt(dot(a, a))


def unit(a: Vec) -> Vec:
    size = length(a)
    return scale(a, 1.0 / size) if size > 1e-12 else (0.0, 0.0, 0.0)


def lerp(a: Vec, b: Vec, t: float) -> Vec:
    return add(a, scale(sub(b, a), t))


def rotate(v: Vec, axis: Vec, degrees: float) -> Vec:
    """``v`` turned about the unit vector ``axis`` by ``degrees``, anticlockwise seen from the
    tip of ``axis`` (Rodrigues' formula)."""
    theta = math.radians(degrees)
    c, s = math.cos(theta), math.sin(theta)
    return add(add(scale(v, c), scale(cross(axis, v), s)), scale(axis, dot(axis, v) * (1 - c)))


@dataclass(frozen=True)
class Frame:
    """An orthonormal body frame: ``anterior`` (forward), ``superior`` (toward the head, or for a
    limb toward its proximal end) and ``near`` (the body's near side), with anterior ×
    superior = near."""

    anterior: Vec
    superior: Vec
    near: Vec

    def turned(self, axis: Vec, degrees: float) -> Frame:
        return Frame(
            rotate(self.anterior, axis, degrees),
            rotate(self.superior, axis, degrees),
            rotate(self.near, axis, degrees),
        )

    def flexed(self, degrees: float) -> Frame:
        """Turned about its own ``near`` axis: the distal end swings toward ``anterior``."""
        return self.turned(self.near, degrees)

    def abducted(self, degrees: float) -> Frame:
        """Turned about its own ``anterior`` axis: the proximal end swings toward ``near``."""
        return self.turned(self.anterior, degrees)

    def twisted(self, degrees: float) -> Frame:
        """Turned about its own long axis: ``anterior`` swings away from ``near``."""
        return self.turned(self.superior, degrees)


UPRIGHT = Frame((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))


def two_bone(root: Vec, target: Vec, first: float, second: float, pole: Vec) -> tuple[Vec, Vec]:
    """Where the middle joint and the end of a two-bone chain (thigh and shin, upper arm and
    forearm) go for the end to reach ``target`` from ``root``, the middle joint bending toward
    ``pole``. An unreachable target is reached for in a straight line as far as the chain goes."""
    to_target = sub(target, root)
    distance = length(to_target)
    along = unit(to_target) if distance > 1e-9 else unit(pole)
    reach = min(max(distance, abs(first - second) + 1e-6), first + second - 1e-6)
    # The pole with its component along the chain removed: the plane the chain bends in.
    side = sub(pole, scale(along, dot(pole, along)))
    side = unit(side) if length(side) > 1e-9 else unit(cross(along, (0.0, 0.0, 1.0)))
    cos_angle = (first * first + reach * reach - second * second) / (2 * first * reach)
    angle = math.acos(max(-1.0, min(1.0, cos_angle)))
    middle = add(
        root, add(scale(along, first * math.cos(angle)), scale(side, first * math.sin(angle)))
    )
    end = add(middle, scale(unit(sub(add(root, scale(along, reach)), middle)), second))
    return middle, end
