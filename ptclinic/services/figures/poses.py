"""The poses file (``resources/exercises/figures.toml``): read, checked, and resolved.

Two kinds of top-level table:

``[postures.<name>]``
    A reusable starting point ("supine", "crook_lying", "quadruped" …): angles, how the figure
    meets the ground (``contacts``, ``solve``, ``origin``), and limbs that reach for points.
    A posture may itself start from another (``base``).

``[<CODE>]`` with ``[<CODE>.start]`` and ``[<CODE>.end]``
    One exercise: ``title``; the camera, ``view = "side"`` (or "side-high", "three-quarter",
    "above", or ``{ yaw = <deg>, pitch = <deg> }``: turned about the vertical, looking down)
    and ``mirror = true`` to flip the picture left to right; ``props`` (``PROPS``);
    ``static = true`` for a hold, whose end pose is its start pose with a cue; and the two
    poses, each a posture (``base``) plus overrides.

In a pose table (posture, start or end):

- ``tilt``, ``roll``: the whole body's orientation in degrees (see ``body``).
- a joint: ``near_knee = 90`` (a single number is flexion) or ``near_hip = { flex = 90,
  abd = 20 }``; ``knees = 90`` sets both sides, and a ``near_``/``far_`` key then overrides one.
- ``reach.<limb> = "<landmark>"`` or ``{ to = "<landmark>", offset = [x, y, z], along = true,
  bend = [x, y, z] }``: the hand or foot (``near_hand``, ``far_foot`` …) goes there (the
  offset in the scene's axes, or with ``along`` in the landmark's own part: front, up the
  part, toward the near side; ``bend`` is the way the elbow or knee points); ``false`` drops a
  reach the posture had. A reaching limb's shoulder and elbow (hip and knee) angles are left
  out of the solves.
- ``contacts = ["chest", "near_foot@step"]``: body parts resting on a surface (``ground``
  unless ``@step``, ``@seat`` or ``@saddle``); the first one sets the figure's height.
- ``solve = [["knees.flex", "near_foot"], ["tilt", "near_hand"], ["near_ankle.flex",
  "flat:near_foot"], ["tilt", "balance"]]``: an angle found so a part rests on its surface,
  a sole is flat, or the body's weight is over its support (the contacts).
- ``origin``: the landmark put at x = 0, so what does not move stays put between pictures.
- ``arrows``: ``{ move = "<landmark>" }`` (the path from its start position to its end
  position) or ``{ push = "<landmark>", direction = <degrees>, length = <cm> }``, each with
  optional ``offset = [x, y]``, ``bow``, ``label``.
- ``label``: a short cue word ("Hold", "Squeeze") printed over the figure.
- ``front = ["near_leg"]``: body parts (``trunk``, ``head``, ``near_leg``, ``far_arm`` …) drawn
  over the others whatever their depth, where parts cross (an ankle resting on a raised
  thigh) and the part-by-part depth order would put the wrong one in front.

Anything else is an error that names the exercise, the pose and the key, as is an angle outside
its joint's plausible range (``body.JOINTS``) or a landmark or body part the figure lacks.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ptclinic.services.figures.body import (
    JOINTS,
    LIMB_ENDS,
    ROOT_DOFS,
    SIDED_JOINTS,
    SIDES,
    Reach,
    build,
    dof_names,
    dof_range,
)
from ptclinic.services.figures.geometry import Vec

PLURALS = {f"{joint}s": joint for joint in SIDED_JOINTS}
DOF_NAMES = frozenset(dof_names())
LIMBS = tuple(f"{side}_{part}" for side in SIDES for part in LIMB_ENDS)
SURFACES = ("ground", "step", "seat", "saddle")
VIEWS: dict[str, tuple[float, float]] = {  # name: (yaw, pitch) of the camera
    "side": (0.0, 0.0),
    "side-high": (0.0, 30.0),
    "three-quarter": (-35.0, 20.0),
    "above": (0.0, 50.0),
}
PROPS = (
    "mat", "chair", "step", "wall", "counter", "ball", "belt", "band-knees", "band-anchor",
    "strap", "dowel", "water", "bike",
)  # fmt: skip
POSE_KEYS = {"base", "reach", "contacts", "solve", "origin", "arrows", "label", "front"}
BODY_PARTS = ("trunk", "head", "near_leg", "far_leg", "near_arm", "far_arm")
EXERCISE_KEYS = {"title", "view", "mirror", "props", "static", "start", "end"}


class FigureDataError(ValueError):
    """The poses file says something that cannot be drawn; the message says where and why."""


@dataclass(frozen=True)
class ArrowSpec:
    """A movement cue: ``move`` follows a landmark from its start to its end position; ``push``
    points from a landmark in a direction (degrees, anticlockwise from the right)."""

    landmark: str
    kind: str  # "move" or "push"
    direction: float = 90.0
    length: float = 14.0
    offset: tuple[float, float] = (0.0, 0.0)
    bow: float = 0.0
    label: str = ""


@dataclass(frozen=True)
class PoseSpec:
    """One pose table as written (before the posture it starts from is merged in)."""

    base: str | None
    angles: dict[str, float]
    reaches: dict[str, Reach | None]
    contacts: tuple[str, ...] | None = None
    solves: tuple[tuple[str, str], ...] | None = None
    origin: str | None = None
    arrows: tuple[ArrowSpec, ...] = ()
    label: str = ""
    front: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pose:
    """A pose with its postures merged in: everything needed to build and place it."""

    angles: dict[str, float]
    reaches: dict[str, Reach]
    contacts: tuple[str, ...]
    solves: tuple[tuple[str, str], ...]
    origin: str
    arrows: tuple[ArrowSpec, ...] = ()
    label: str = ""
    front: tuple[str, ...] = ()


@dataclass(frozen=True)
class View:
    yaw: float = 0.0
    pitch: float = 0.0
    mirror: bool = False


@dataclass(frozen=True)
class FigureSpec:
    code: str
    title: str
    view: View
    props: tuple[str, ...]
    start: Pose
    end: Pose
    static: bool = False  # a hold: the end pose is the start pose with cues


@dataclass(frozen=True)
class PoseLibrary:
    postures: dict[str, PoseSpec] = field(default_factory=dict)
    figures: dict[str, FigureSpec] = field(default_factory=dict)


def _fail(where: str, message: str) -> FigureDataError:
    return FigureDataError(f"{where}: {message}")


def _number(where: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, f"{key} must be a number of degrees, not {value!r}")
    return float(value)


def _checked(where: str, dof: str, value: float) -> float:
    low, high = dof_range(dof)
    if not low <= value <= high:
        joint = dof.split(".")[0].removeprefix("near_").removeprefix("far_")
        raise _fail(
            where,
            f"{dof} = {value:g} is outside the {joint}'s plausible range ({low:g} to {high:g})",
        )
    return value


def _joint_angles(where: str, key: str, value: Any) -> dict[str, float]:
    """``near_knee = 90`` or ``near_hip = { flex = 90, abd = 10 }`` as flat dof values."""
    joint = PLURALS.get(key, key)
    bare = joint.removeprefix("near_").removeprefix("far_")
    names = [f"{side}_{joint}" for side in SIDES] if key in PLURALS else [joint]
    dofs = JOINTS[bare]
    if not isinstance(value, dict):
        value = {"flex": value}
    angles: dict[str, float] = {}
    for dof, amount in value.items():
        if dof not in dofs:
            raise _fail(where, f"the {bare} has no {dof!r} angle (it has {', '.join(dofs)})")
        for name in names:
            angles[f"{name}.{dof}"] = _checked(where, f"{name}.{dof}", _number(where, key, amount))
    return angles


def _is_joint(key: str) -> bool:
    bare = PLURALS.get(key, key).removeprefix("near_").removeprefix("far_")
    sided = key.startswith(("near_", "far_"))
    return (
        key in ROOT_DOFS or key in PLURALS or (bare in JOINTS and (sided == (bare in SIDED_JOINTS)))
    )


def _vector(where: str, key: str, value: Any, size: int) -> tuple[float, ...]:
    if not isinstance(value, list) or len(value) != size:
        raise _fail(where, f"{key} must be a list of {size} numbers")
    return tuple(_number(where, key, v) for v in value)


def _reach(where: str, limb: str, value: Any) -> Reach | None:
    if limb not in LIMBS:
        raise _fail(where, f"reach.{limb}: only {', '.join(LIMBS)} can reach")
    if value is False:
        return None
    if isinstance(value, str):
        return Reach(value)
    if not isinstance(value, dict) or "to" not in value:
        raise _fail(where, f"reach.{limb} must be a landmark or {{ to = ..., offset = [...] }}")
    unknown = set(value) - {"to", "offset", "bend", "along"}
    if unknown:
        raise _fail(where, f"reach.{limb}: unknown key {sorted(unknown)[0]!r}")
    offset = _vector(where, f"reach.{limb}.offset", value.get("offset", [0, 0, 0]), 3)
    bend = value.get("bend")
    return Reach(
        str(value["to"]),
        (offset[0], offset[1], offset[2]),
        None if bend is None else _as_vec(_vector(where, f"reach.{limb}.bend", bend, 3)),
        bool(value.get("along", False)),
    )


def _as_vec(values: tuple[float, ...]) -> Vec:
    return (values[0], values[1], values[2])


def _arrow(where: str, value: Any) -> ArrowSpec:
    if not isinstance(value, dict):
        raise _fail(where, 'each arrow must be a table like { move = "near_knee" }')
    kinds = [kind for kind in ("move", "push") if kind in value]
    if len(kinds) != 1:
        raise _fail(where, "an arrow needs exactly one of move = ... or push = ...")
    unknown = set(value) - {"move", "push", "direction", "length", "offset", "bow", "label"}
    if unknown:
        raise _fail(where, f"arrow: unknown key {sorted(unknown)[0]!r}")
    offset = _vector(where, "arrow offset", value.get("offset", [0, 0]), 2)
    return ArrowSpec(
        landmark=str(value[kinds[0]]),
        kind=kinds[0],
        direction=_number(where, "direction", value.get("direction", 90)),
        length=_number(where, "length", value.get("length", 14)),
        offset=(offset[0], offset[1]),
        bow=_number(where, "bow", value.get("bow", 0)),
        label=str(value.get("label", "")),
    )


def _solves(where: str, value: Any) -> tuple[tuple[str, str], ...]:
    solves: list[tuple[str, str]] = []
    for item in value:
        if not (
            isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)
        ):
            raise _fail(where, f"solve entries are [angle, goal] pairs, not {item!r}")
        dof, goal = item
        if not set(expand_dof(dof)) <= DOF_NAMES:
            raise _fail(where, f"solve: unknown angle {dof!r}")
        solves.append((dof, goal))
    return tuple(solves)


def expand_dof(dof: str) -> list[str]:
    """``knees.flex`` → both sides; anything else stays as it is."""
    joint, _, rest = dof.partition(".")
    if joint in PLURALS:
        return [f"{side}_{PLURALS[joint]}.{rest}" for side in SIDES]
    return [dof]


def parse_pose(where: str, table: Any) -> PoseSpec:
    if not isinstance(table, dict):
        raise _fail(where, "must be a table of angles")
    angles: dict[str, float] = {}
    plural_first = sorted(table, key=lambda key: key not in PLURALS)
    for key in plural_first:
        if key in POSE_KEYS:
            continue
        if not _is_joint(key):
            raise _fail(where, f"unknown joint {key!r}")
        if key in ROOT_DOFS:
            angles[key] = _checked(where, key, _number(where, key, table[key]))
        else:
            angles.update(_joint_angles(where, key, table[key]))
    reach_table = table.get("reach", {})
    if not isinstance(reach_table, dict):
        raise _fail(where, "reach must be a table")
    contacts = table.get("contacts")
    if contacts is not None:
        if not isinstance(contacts, list) or not all(isinstance(c, str) for c in contacts):
            raise _fail(where, "contacts must be a list of body parts")
        for contact in contacts:
            surface = contact.partition("@")[2] or "ground"
            if surface not in SURFACES:
                raise _fail(where, f"contact {contact!r}: no surface {surface!r}")
    base = table.get("base")
    return PoseSpec(
        base=None if base is None else str(base),
        angles=angles,
        reaches={limb: _reach(where, limb, value) for limb, value in reach_table.items()},
        contacts=None if contacts is None else tuple(contacts),
        solves=None if "solve" not in table else _solves(where, table["solve"]),
        origin=table.get("origin"),
        arrows=tuple(_arrow(where, a) for a in table.get("arrows", [])),
        label=str(table.get("label", "")),
        front=_front(where, table.get("front", [])),
    )


def _front(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(part in BODY_PARTS for part in value):
        raise _fail(where, f"front must list body parts ({', '.join(BODY_PARTS)})")
    return tuple(value)


def resolve(where: str, spec: PoseSpec, postures: Mapping[str, PoseSpec]) -> Pose:
    """``spec`` with the postures it starts from merged under it."""
    chain = [spec]
    while chain[-1].base is not None:
        name = chain[-1].base
        if name not in postures:
            raise _fail(where, f"unknown posture {name!r} (known: {', '.join(sorted(postures))})")
        if len(chain) > 10:
            raise _fail(where, f"posture {name!r} starts from itself")
        chain.append(postures[name])
    angles: dict[str, float] = {}
    reaches: dict[str, Reach | None] = {}
    contacts: tuple[str, ...] = ()
    solves: tuple[tuple[str, str], ...] = ()
    origin = "pelvis"
    for layer in reversed(chain):
        angles |= layer.angles
        reaches |= layer.reaches
        contacts = layer.contacts if layer.contacts is not None else contacts
        solves = layer.solves if layer.solves is not None else solves
        origin = layer.origin or origin
    if not contacts:
        raise _fail(where, "nothing rests on the ground (no contacts)")
    _check_names(where, origin, contacts, solves, reaches, spec.arrows)
    return Pose(
        angles=angles,
        reaches={limb: reach for limb, reach in reaches.items() if reach is not None},
        contacts=contacts,
        solves=solves,
        origin=origin,
        arrows=spec.arrows,
        label=spec.label,
        front=spec.front,
    )


@functools.cache
def _names() -> tuple[frozenset[str], frozenset[str]]:
    """The landmarks and the body parts a pose can name."""
    body = build({})
    return frozenset(body.points), frozenset(s.name for s in body.segments) | {"head"}


def _check_names(
    where: str,
    origin: str,
    contacts: tuple[str, ...],
    solves: tuple[tuple[str, str], ...],
    reaches: Mapping[str, Reach | None],
    arrows: tuple[ArrowSpec, ...],
) -> None:
    landmarks, parts = _names()

    def need(name: str, known: frozenset[str], what: str) -> None:
        if name not in known:
            raise _fail(where, f"unknown {what} {name!r} (known: {', '.join(sorted(known))})")

    need(origin, landmarks, "landmark")
    for contact in contacts:
        need(contact.partition("@")[0], parts, "body part")
    for _dof, goal in solves:
        if goal != "balance":
            need(goal.removeprefix("flat:").partition("@")[0], parts, "body part")
            if goal.startswith("flat:") and not goal.endswith("_foot"):
                raise _fail(where, f"only a foot can be flat, not {goal.removeprefix('flat:')!r}")
    for reach in reaches.values():
        if reach is not None:
            need(reach.target, landmarks, "landmark")
    for arrow in arrows:
        need(arrow.landmark, landmarks, "landmark")


def _flag(where: str, table: dict[str, Any], key: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise _fail(where, f"{key} must be true or false")
    return value


def _view(where: str, table: dict[str, Any]) -> View:
    value = table.get("view", "side")
    mirror = _flag(where, table, "mirror")
    if isinstance(value, str):
        if value not in VIEWS:
            raise _fail(where, f"unknown view {value!r} (known: {', '.join(VIEWS)})")
        yaw, pitch = VIEWS[value]
        return View(yaw, pitch, mirror)
    if isinstance(value, dict) and set(value) <= {"yaw", "pitch"}:
        return View(
            _camera_angle(where, "yaw", value.get("yaw", 0)),
            _camera_angle(where, "pitch", value.get("pitch", 0)),
            mirror,
        )
    raise _fail(where, "view must be a view name or { yaw = ..., pitch = ... }")


def _camera_angle(where: str, key: str, value: Any) -> float:
    angle = _number(where, key, value)
    if not -90 <= angle <= 90:
        raise _fail(where, f"view {key} = {angle:g} is outside -90 to 90")
    return angle


def parse_library(text: str, known_codes: frozenset[str], source: str) -> PoseLibrary:
    """The poses file's text, checked; ``known_codes`` are the exercise codes it may draw."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FigureDataError(f"{source}: not valid TOML: {exc}") from None
    postures_table = data.pop("postures", {})
    postures = {
        name: parse_pose(f"{source}: posture {name}", table)
        for name, table in postures_table.items()
    }
    figures: dict[str, FigureSpec] = {}
    for code, table in data.items():
        where = f"{source}: {code}"
        if code not in known_codes:
            raise FigureDataError(f"{where}: unknown exercise code {code!r}")
        if not isinstance(table, dict):
            raise _fail(where, "must be a table")
        unknown = set(table) - EXERCISE_KEYS
        if unknown:
            raise _fail(where, f"unknown key {sorted(unknown)[0]!r}")
        for part in ("start", "end"):
            if part not in table:
                raise _fail(where, f"has no {part} pose")
        props = table.get("props", [])
        for prop in props:
            if prop not in PROPS:
                raise _fail(where, f"unknown prop {prop!r} (known: {', '.join(PROPS)})")
        figures[code] = FigureSpec(
            code=code,
            title=str(table.get("title", code)),
            view=_view(where, table),
            props=tuple(props),
            start=resolve(f"{where} start", parse_pose(f"{where} start", table["start"]), postures),
            end=resolve(f"{where} end", parse_pose(f"{where} end", table["end"]), postures),
            static=_flag(where, table, "static"),
        )
    return PoseLibrary(postures, figures)
