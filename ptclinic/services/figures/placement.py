"""Putting a pose on the ground: the angles the pose leaves open are solved so the body rests
where it should (feet flat on the floor, hands and knees down, hips on the seat), then the body
is moved so its first contact sits on its surface and its ``origin`` landmark at x = 0.

Every solve is one angle found by bracketing and bisection, so a pose that cannot be placed
(a foot that cannot reach the floor from where the hip is) fails with a message instead of
being drawn floating or sunk into the floor.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ptclinic.services.figures.body import (
    HEAD_RADIUS,
    LIMB_ENDS,
    Body,
    Segment,
    build,
    dof_range,
    reach_target,
)
from ptclinic.services.figures.geometry import Vec, dot, length, sub, unit
from ptclinic.services.figures.poses import FigureDataError, Pose, expand_dof

TOLERANCE = 0.3  # cm: how close a contact must come to its surface
REACH_TOLERANCE = 1.5  # cm: how close a hand or foot must come to what it reaches for
# Share of body weight per segment, for "balance" (after Dempster).
MASS = {
    "pelvis": 0.24, "chest": 0.26, "neck": 0.02, "thigh": 0.10, "shin": 0.047, "foot": 0.015,
    "upper_arm": 0.028, "forearm": 0.016, "hand": 0.006,
}  # fmt: skip
HEAD_MASS = 0.08
MIDDLE_JOINTS = {
    "leg": ("hip", "knee", "ankle", "knee"),
    "arm": ("shoulder", "elbow", "wrist", "elbow"),
}


@dataclass(frozen=True)
class Placed:
    """A pose built and set on the ground (world space, before the camera)."""

    body: Body
    angles: dict[str, float]


def segment(body: Body, name: str) -> Segment:
    for item in body.segments:
        if item.name == name:
            return item
    raise KeyError(name)


def _radius_up(item: Segment, radii: tuple[float, float]) -> float:
    """How far a segment's rounded end reaches below its centre: the end is an ellipsoid with
    the cross-section's half-sizes and, along the segment, the smaller of them."""
    lateral, front = radii
    frame = item.frame
    return math.sqrt(
        (lateral * frame.near[1]) ** 2
        + (front * frame.anterior[1]) ** 2
        + (min(lateral, front) * frame.superior[1]) ** 2
    )


def lowest(body: Body, part: str) -> float:
    """The height of the lowest point of a body part (a segment, or the head)."""
    if part == "head":
        return body.points["head"][1] - HEAD_RADIUS
    item = segment(body, part)
    return min(
        item.start[1] - _radius_up(item, item.start_radii),
        item.end[1] - _radius_up(item, item.end_radii),
    )


def body_lowest(body: Body) -> float:
    return min(lowest(body, part) for part in part_names(body))


def part_names(body: Body) -> list[str]:
    return [item.name for item in body.segments] + ["head"]


def centre_of_mass(body: Body) -> Vec:
    total, x, y, z = HEAD_MASS, *(HEAD_MASS * c for c in body.points["head"])
    for item in body.segments:
        weight = MASS[item.name.removeprefix("near_").removeprefix("far_")]
        mid = [(a + b) / 2 for a, b in zip(item.start, item.end, strict=True)]
        total += weight
        x, y, z = x + weight * mid[0], y + weight * mid[1], z + weight * mid[2]
    return (x / total, y / total, z / total)


def _contact(contact: str) -> tuple[str, str]:
    part, _, surface = contact.partition("@")
    return part, surface or "ground"


def _moved(body: Body, dx: float, dy: float) -> Body:
    return body.mapped(lambda p: (p[0] + dx, p[1] + dy, p[2]), lambda v: v)


def _set_down(pose: Pose, angles: Mapping[str, float], surfaces: Mapping[str, float]) -> Body:
    body = build(angles, pose.reaches)
    part, surface = _contact(pose.contacts[0])
    return _moved(body, -body.points[pose.origin][0], surfaces[surface] - lowest(body, part))


def _residual(body: Body, pose: Pose, goal: str, surfaces: Mapping[str, float]) -> float:
    if goal == "balance":
        support = [segment(body, _contact(c)[0]) for c in pose.contacts]
        middle = sum(s.start[0] + s.end[0] for s in support) / (2 * len(support))
        return centre_of_mass(body)[0] - middle
    if goal.startswith("flat:"):
        foot = segment(body, goal.removeprefix("flat:"))
        return (foot.start[1] - foot.start_radii[0]) - (foot.end[1] - foot.end_radii[0])
    part, surface = _contact(goal)
    return lowest(body, part) - surfaces[surface]


def _root(
    function: Callable[[float], float], start: float, low: float, high: float
) -> float | None:
    """The value nearest ``start`` within [low, high] where ``function`` changes sign."""
    start = min(max(start, low), high)
    here = function(start)
    if abs(here) < 1e-4:
        return start
    sides = {1.0: (start, here), -1.0: (start, here)}
    for step in (2, 5, 10, 16, 25, 40, 60, 90, 130, 180, 260, 400):
        for direction in (1.0, -1.0):
            before, f_before = sides[direction]
            value = min(max(start + direction * step, low), high)
            if value == before:
                continue
            f_value = function(value)
            if (f_value > 0) != (f_before > 0):
                return _bisect(function, before, f_before, value)
            sides[direction] = (value, f_value)
    return None


def _bisect(function: Callable[[float], float], a: float, fa: float, b: float) -> float:
    for _ in range(24):
        middle = (a + b) / 2
        f_middle = function(middle)
        if (f_middle > 0) == (fa > 0):
            a, fa = middle, f_middle
        else:
            b = middle
    return (a + b) / 2


def place(pose: Pose, surfaces: Mapping[str, float], where: str) -> Placed:
    """Solve the pose's open angles and set it on the ground; raises ``FigureDataError`` with
    ``where`` in the message when it cannot be done."""
    angles = dict(pose.angles)
    solves = _open_solves(pose)
    for _ in range(5):
        for dof, goal, names in solves:
            low, high = dof_range(names[0])

            def residual(value: float, names: list[str] = names, goal: str = goal) -> float:
                trial = angles | dict.fromkeys(names, value)
                return _residual(_set_down(pose, trial, surfaces), pose, goal, surfaces)

            found = _root(residual, angles.get(names[0], 0.0), low, high)
            if found is None:
                raise FigureDataError(f"{where}: no {dof} puts {goal} where it should be")
            angles.update(dict.fromkeys(names, found))
        body = _set_down(pose, angles, surfaces)
        misses = [(goal, _residual(body, pose, goal, surfaces)) for _dof, goal, _names in solves]
        if all(abs(miss) < TOLERANCE for _goal, miss in misses):
            break
    else:
        goal, miss = max(misses, key=lambda item: abs(item[1]))
        raise FigureDataError(f"{where}: {goal} stays {miss:+.1f} cm off")
    for contact in pose.contacts:
        part, surface = _contact(contact)
        miss = lowest(body, part) - surfaces[surface]
        if abs(miss) > TOLERANCE:
            raise FigureDataError(
                f"{where}: {part} should rest on the {surface} but is {miss:+.1f} cm off"
            )
    _check_reaches(body, pose, where)
    return Placed(body, angles)


def _open_solves(pose: Pose) -> list[tuple[str, str, list[str]]]:
    """The pose's solves with the angles a reach already fixes left out (a hand reaching for
    the knee has no shoulder angle left to solve); a solve with no angle left is dropped."""
    fixed = {
        f"{limb.split('_')[0]}_{joint}"
        for limb in pose.reaches
        for joint in (("hip", "knee") if limb.endswith("foot") else ("shoulder", "elbow"))
    }
    solves = []
    for dof, goal in pose.solves:
        names = [name for name in expand_dof(dof) if name.split(".")[0] not in fixed]
        if names:
            solves.append((dof, goal, names))
    return solves


def _check_reaches(body: Body, pose: Pose, where: str) -> None:
    for limb, reach in pose.reaches.items():
        side, part = limb.split("_")
        kind, end = LIMB_ENDS[part]
        target = reach_target(body.points, body.frames, reach)
        short = length(sub(body.points[f"{side}_{end}"], target))
        if short > REACH_TOLERANCE:
            raise FigureDataError(
                f"{where}: {limb} cannot reach {reach.target} (short by {short:.0f} cm)"
            )
        first, middle, last, joint = MIDDLE_JOINTS[kind]
        upper = unit(sub(body.points[f"{side}_{middle}"], body.points[f"{side}_{first}"]))
        lower = unit(sub(body.points[f"{side}_{last}"], body.points[f"{side}_{middle}"]))
        bent = math.degrees(math.acos(max(-1.0, min(1.0, dot(upper, lower)))))
        low, high = dof_range(f"{side}_{joint}.flex")
        if not low <= bent <= high:
            raise FigureDataError(
                f"{where}: reaching bends the {side} {joint} {bent:.0f}°, outside {low:g} to"
                f" {high:g}"
            )
