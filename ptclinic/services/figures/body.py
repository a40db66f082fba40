"""The articulated figure: an adult of about 173 cm built from joint angles, in 3-D.

The body is a tree of segments hung from the pelvis (the root): spine (lumbar and thoracic
halves), neck and head; for each side a thigh, shin and foot, an upper arm, forearm and hand.
Each side is named for where it is in the picture: ``near`` is the side toward the viewer (for a
figure lying on its side, the upper side), ``far`` the other one. ``near`` is the direction of
the frame's ``near`` axis, so a side never changes name when the figure turns.

Joint angles are in degrees and in the clinic's terms: flexion positive (hip, knee, shoulder,
elbow, spine, neck), ankle dorsiflexion positive and plantarflexion negative, abduction and
external rotation positive, the spine's bend and twist positive toward the near side. The wrist
has one angle, the bend of the hand in the elbow's bending direction (a hand flat on the floor
under a vertical arm is 90). ``JOINTS`` gives each angle's plausible range; the poses file is
checked against it.

A limb can instead *reach* for a point (a hand on the knee, an ankle on the other knee, a foot on
a pedal): the two-bone chain is solved so its end (wrist or ankle) gets there, bending the way
the joint angles already bend it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from ptclinic.services.figures.geometry import (
    UPRIGHT,
    Frame,
    Vec,
    add,
    cross,
    dot,
    lerp,
    scale,
    sub,
    two_bone,
    unit,
)

SIDES = ("near", "far")
# Plausible range of every angle, per joint and degree of freedom.
JOINTS: dict[str, dict[str, tuple[float, float]]] = {
    "spine": {"flex": (-40.0, 80.0), "bend": (-40.0, 40.0), "twist": (-50.0, 50.0)},
    "neck": {"flex": (-60.0, 75.0), "bend": (-40.0, 40.0), "twist": (-80.0, 80.0)},
    "hip": {"flex": (-35.0, 150.0), "abd": (-35.0, 75.0), "rot": (-50.0, 70.0)},
    "knee": {"flex": (-5.0, 160.0)},
    "ankle": {"flex": (-75.0, 40.0)},
    "shoulder": {"flex": (-70.0, 190.0), "abd": (-40.0, 185.0), "rot": (-90.0, 90.0)},
    "elbow": {"flex": (0.0, 155.0)},
    "wrist": {"flex": (-80.0, 100.0)},
}
SIDED_JOINTS = ("hip", "knee", "ankle", "shoulder", "elbow", "wrist")
# The whole body's orientation: roll about its long axis (positive turns the front away from
# the viewer), then tilt in the picture plane (positive anticlockwise).
ROOT_DOFS: dict[str, tuple[float, float]] = {"tilt": (-200.0, 200.0), "roll": (-200.0, 200.0)}
LIMB_ENDS = {"hand": ("arm", "wrist"), "foot": ("leg", "ankle")}

# Lengths (cm).
HIP_HALF_WIDTH = 9.0
SHOULDER_HALF_WIDTH = 17.5
LUMBAR = 20.0
THORACIC = 31.0
NECK = 16.0
HEAD_RADIUS = 11.0
UPPER_ARM = 29.0
FOREARM = 25.0
HAND = 15.0
THIGH = 43.0
SHIN = 42.0
# Cross-section half-sizes (lateral, anterior) at a segment's two ends (cm).
Radii = tuple[float, float]


def dof_names() -> list[str]:
    """Every angle a pose can set: ``tilt``, ``spine.flex``, ``near_knee.flex``, …"""
    names = list(ROOT_DOFS)
    for joint, dofs in JOINTS.items():
        sides = [f"{side}_{joint}" for side in SIDES] if joint in SIDED_JOINTS else [joint]
        names += [f"{name}.{dof}" for name in sides for dof in dofs]
    return names


def dof_range(name: str) -> tuple[float, float]:
    if name in ROOT_DOFS:
        return ROOT_DOFS[name]
    joint, dof = name.split(".")
    return JOINTS[joint.removeprefix("near_").removeprefix("far_")][dof]


@dataclass(frozen=True)
class Reach:
    """A limb end (``near_hand``, ``far_foot``…) placed at a landmark plus an offset (cm, in
    the scene's axes: x forward in the picture, y up, z toward the viewer; or with ``along``,
    in the landmark's own part: front, toward the head or the limb's root, toward the near
    side); ``bend`` optionally says which way the middle joint points instead of the way the
    joint angles point it."""

    target: str
    offset: Vec = (0.0, 0.0, 0.0)
    bend: Vec | None = None
    along: bool = False


def landmark_frame(name: str) -> str:
    """The part whose frame a landmark moves with (for offsets ``along`` it)."""
    side, _, part = name.partition("_")
    if side in SIDES and part:
        limb = {
            "thigh": "thigh", "knee": "thigh", "shin": "shin", "ankle": "shin", "heel": "foot",
            "toe": "foot", "sole": "foot", "hip": None, "shoulder": None, "elbow": "upper_arm",
            "forearm": "forearm", "wrist": "forearm", "hand": "hand", "palm": "hand",
        }[part]  # fmt: skip
        if limb is not None:
            return f"{side}_{limb}"
        return "pelvis" if part == "hip" else "thoracic"
    return {
        "waist": "lumbar", "belly": "lumbar", "low_back": "lumbar", "chest": "thoracic",
        "upper_back": "thoracic", "neck": "thoracic", "head": "head", "back_of_head": "head",
    }.get(name, "pelvis")  # fmt: skip


def reach_target(points: Mapping[str, Vec], frames: Mapping[str, Frame], reach: Reach) -> Vec:
    """Where ``reach`` sends its limb end, given the body's landmarks and frames."""
    if not reach.along:
        return add(points[reach.target], reach.offset)
    frame = frames[landmark_frame(reach.target)]
    forward, up, near = reach.offset
    return add(
        points[reach.target],
        add(
            add(scale(frame.anterior, forward), scale(frame.superior, up)), scale(frame.near, near)
        ),
    )


@dataclass(frozen=True)
class Segment:
    """One rounded, tapering piece of the body between two points, with its cross-section's
    half-sizes at each end and the frame that orients the cross-section."""

    name: str
    chain: str
    start: Vec
    end: Vec
    start_radii: Radii
    end_radii: Radii
    frame: Frame


@dataclass(frozen=True)
class Body:
    """A built figure: named landmarks (``points``), the segments to draw, the head's frame."""

    points: dict[str, Vec]
    segments: tuple[Segment, ...]
    head_frame: Frame
    frames: dict[str, Frame] = field(default_factory=dict)

    def mapped(self, place: Callable[[Vec], Vec], turn: Callable[[Vec], Vec]) -> Body:
        """The body moved: ``place`` maps points, ``turn`` maps directions."""

        def frame(f: Frame) -> Frame:
            return Frame(turn(f.anterior), turn(f.superior), turn(f.near))

        return Body(
            points={name: place(p) for name, p in self.points.items()},
            segments=tuple(
                replace(s, start=place(s.start), end=place(s.end), frame=frame(s.frame))
                for s in self.segments
            ),
            head_frame=frame(self.head_frame),
            frames={name: frame(f) for name, f in self.frames.items()},
        )


def _angle(angles: Mapping[str, float], name: str) -> float:
    return angles.get(name, 0.0)


def root_frame(angles: Mapping[str, float]) -> Frame:
    """The pelvis's frame: upright and facing right, rolled about the long axis, then tilted."""
    frame = UPRIGHT.twisted(_angle(angles, "roll"))
    return frame.turned((0.0, 0.0, 1.0), _angle(angles, "tilt"))


def _jointed(parent: Frame, angles: Mapping[str, float], joint: str, sign: float) -> Frame:
    """``parent`` turned by a joint's flexion, then abduction, then rotation. ``sign`` is +1 on
    the near side and -1 on the far side, so abduction and rotation mirror between sides."""
    frame = parent.flexed(_angle(angles, f"{joint}.flex"))
    frame = frame.abducted(-sign * _angle(angles, f"{joint}.abd"))
    return frame.twisted(-sign * _angle(angles, f"{joint}.rot"))


def build(angles: Mapping[str, float], reaches: Mapping[str, Reach] | None = None) -> Body:
    """The figure for ``angles`` (missing angles are 0: standing, arms by the sides), pelvis at
    the origin; then each limb in ``reaches`` solved to its target, in the given order."""
    points: dict[str, Vec] = {}
    frames: dict[str, Frame] = {}
    pelvis_frame = root_frame(angles)
    frames["pelvis"] = pelvis_frame
    points["pelvis"] = (0.0, 0.0, 0.0)
    _spine(points, frames, angles)
    for sign, side in ((1.0, "near"), (-1.0, "far")):
        _leg_by_angles(points, frames, angles, side, sign)
        _arm_by_angles(points, frames, angles, side, sign)
    for limb, reach in (reaches or {}).items():
        side, part = limb.split("_")
        kind, _end = LIMB_ENDS[part]
        target = reach_target(points, frames, reach)
        _reach(points, frames, angles, side, kind, target, reach.bend)
    return Body(points=points, segments=_segments(points, frames), head_frame=frames["head"],
                frames=frames)  # fmt: skip


def _spine(points: dict[str, Vec], frames: dict[str, Frame], angles: Mapping[str, float]) -> None:
    pelvis = frames["pelvis"]
    flex, bend, twist = (_angle(angles, f"spine.{dof}") / 2 for dof in ("flex", "bend", "twist"))
    # Half of the spine's flexion, bend and twist in the lumbar part, half in the thoracic.
    lumbar = pelvis.flexed(-flex).abducted(bend).twisted(-twist)
    thoracic = lumbar.flexed(-flex).abducted(bend).twisted(-twist)
    head = (
        thoracic.flexed(-_angle(angles, "neck.flex"))
        .abducted(_angle(angles, "neck.bend"))
        .twisted(-_angle(angles, "neck.twist"))
    )
    frames.update(lumbar=lumbar, thoracic=thoracic, head=head)
    base = add(add(points["pelvis"], scale(pelvis.superior, 5.0)), scale(pelvis.anterior, -3.0))
    waist = add(base, scale(lumbar.superior, LUMBAR))
    neck = add(waist, scale(thoracic.superior, THORACIC))
    shoulder_line = sub(neck, scale(thoracic.superior, 5.0))
    head_centre = add(add(neck, scale(head.superior, NECK)), scale(head.anterior, 2.0))
    points.update(
        sacrum=sub(base, scale(pelvis.anterior, 10.0)),
        pelvis_mass=base,
        waist=waist,
        belly=add(waist, scale(lumbar.anterior, 10.0)),
        low_back=sub(waist, scale(lumbar.anterior, 10.0)),
        chest=lerp(waist, neck, 0.55),
        upper_back=sub(lerp(waist, neck, 0.65), scale(thoracic.anterior, 11.0)),
        neck=neck,
        head=head_centre,
        back_of_head=sub(head_centre, scale(head.anterior, HEAD_RADIUS)),
        near_shoulder=add(shoulder_line, scale(thoracic.near, SHOULDER_HALF_WIDTH)),
        far_shoulder=sub(shoulder_line, scale(thoracic.near, SHOULDER_HALF_WIDTH)),
        near_hip=add(points["pelvis"], scale(pelvis.near, HIP_HALF_WIDTH)),
        far_hip=sub(points["pelvis"], scale(pelvis.near, HIP_HALF_WIDTH)),
    )


def _leg_by_angles(
    points: dict[str, Vec], frames: dict[str, Frame], angles: Mapping[str, float], side: str,
    sign: float,
) -> None:  # fmt: skip
    thigh = _jointed(frames["pelvis"], angles, f"{side}_hip", sign)
    shin = thigh.flexed(-_angle(angles, f"{side}_knee.flex"))
    knee = sub(points[f"{side}_hip"], scale(thigh.superior, THIGH))
    ankle = sub(knee, scale(shin.superior, SHIN))
    _set_leg(points, frames, angles, side, thigh, shin, knee, ankle)


def _set_leg(
    points: dict[str, Vec], frames: dict[str, Frame], angles: Mapping[str, float], side: str,
    thigh: Frame, shin: Frame, knee: Vec, ankle: Vec,
) -> None:  # fmt: skip
    foot = shin.flexed(_angle(angles, f"{side}_ankle.flex"))
    down = scale(foot.superior, -1.0)
    frames.update({f"{side}_thigh": thigh, f"{side}_shin": shin, f"{side}_foot": foot})
    points.update({
        f"{side}_knee": knee,
        f"{side}_ankle": ankle,
        f"{side}_thigh": lerp(points[f"{side}_hip"], knee, 0.5),
        f"{side}_shin": lerp(knee, ankle, 0.5),
        f"{side}_heel": add(add(ankle, scale(down, 4.5)), scale(foot.anterior, -4.0)),
        f"{side}_toe": add(add(ankle, scale(down, 5.5)), scale(foot.anterior, 16.0)),
        f"{side}_sole": add(add(ankle, scale(down, 8.0)), scale(foot.anterior, 5.0)),
    })  # fmt: skip


def _arm_by_angles(
    points: dict[str, Vec], frames: dict[str, Frame], angles: Mapping[str, float], side: str,
    sign: float,
) -> None:  # fmt: skip
    upper = _jointed(frames["thoracic"], angles, f"{side}_shoulder", sign)
    fore = upper.flexed(_angle(angles, f"{side}_elbow.flex"))
    elbow = sub(points[f"{side}_shoulder"], scale(upper.superior, UPPER_ARM))
    wrist = sub(elbow, scale(fore.superior, FOREARM))
    _set_arm(points, frames, angles, side, upper, fore, elbow, wrist)


def _set_arm(
    points: dict[str, Vec], frames: dict[str, Frame], angles: Mapping[str, float], side: str,
    upper: Frame, fore: Frame, elbow: Vec, wrist: Vec,
) -> None:  # fmt: skip
    hand = fore.flexed(_angle(angles, f"{side}_wrist.flex"))
    frames.update({f"{side}_upper_arm": upper, f"{side}_forearm": fore, f"{side}_hand": hand})
    points.update({
        f"{side}_elbow": elbow,
        f"{side}_wrist": wrist,
        f"{side}_forearm": lerp(elbow, wrist, 0.5),
        f"{side}_hand": sub(wrist, scale(hand.superior, HAND)),
        f"{side}_palm": sub(wrist, scale(hand.superior, HAND * 0.45)),
    })  # fmt: skip


def _reach(
    points: dict[str, Vec], frames: dict[str, Frame], angles: Mapping[str, float], side: str,
    kind: str, target: Vec, bend: Vec | None,
) -> None:  # fmt: skip
    if kind == "leg":
        root, first, second = points[f"{side}_hip"], THIGH, SHIN
        pole = bend or frames[f"{side}_thigh"].anterior
    else:
        root, first, second = points[f"{side}_shoulder"], UPPER_ARM, FOREARM
        pole = bend or scale(frames[f"{side}_upper_arm"].anterior, -1.0)
    middle, end = two_bone(root, target, first, second, pole)
    proximal_superior = unit(sub(root, middle))
    distal_superior = unit(sub(middle, end))
    # The bending plane's normal, from the pole when the limb is straight.
    bulge = sub(pole, scale(proximal_superior, dot(pole, proximal_superior)))
    anterior = unit(bulge) if kind == "leg" else scale(unit(bulge), -1.0)
    near_axis = cross(anterior, proximal_superior)
    proximal = Frame(anterior, proximal_superior, near_axis)
    distal = Frame(cross(distal_superior, near_axis), distal_superior, near_axis)
    if kind == "leg":
        _set_leg(points, frames, angles, side, proximal, distal, middle, end)
    else:
        _set_arm(points, frames, angles, side, proximal, distal, middle, end)


def _along(foot: Frame) -> Frame:
    """The foot's frame turned so its long axis (heel to toe) is ``superior``, as for the other
    segments, and its cross-section is across it."""
    return Frame(scale(foot.superior, -1.0), foot.anterior, foot.near)


def _segments(points: dict[str, Vec], frames: dict[str, Frame]) -> tuple[Segment, ...]:
    pelvis, thoracic = frames["pelvis"], frames["thoracic"]
    chest_top = sub(points["neck"], scale(thoracic.superior, 8.0))
    segments = [
        Segment("pelvis", "trunk", points["pelvis_mass"], points["waist"], (16.5, 11.5),
                (14.0, 10.0), pelvis),
        Segment("chest", "trunk", points["waist"], chest_top, (14.0, 10.0), (16.0, 11.5),
                thoracic),
        Segment("neck", "trunk", sub(points["neck"], scale(thoracic.superior, 6.0)),
                points["head"], (5.5, 5.5), (5.0, 5.0), frames["head"]),
    ]  # fmt: skip
    for side in SIDES:
        s = f"{side}_"
        segments += [
            Segment(s + "thigh", s + "leg", points[s + "hip"], points[s + "knee"], (7.5, 7.5),
                    (5.4, 5.4), frames[s + "thigh"]),
            Segment(s + "shin", s + "leg", points[s + "knee"], points[s + "ankle"], (5.4, 5.4),
                    (3.4, 3.4), frames[s + "shin"]),
            Segment(s + "foot", s + "leg", points[s + "heel"], points[s + "toe"], (3.5, 3.5),
                    (2.5, 2.5), _along(frames[s + "foot"])),
            Segment(s + "upper_arm", s + "arm", points[s + "shoulder"], points[s + "elbow"],
                    (4.6, 4.6), (3.7, 3.7), frames[s + "upper_arm"]),
            Segment(s + "forearm", s + "arm", points[s + "elbow"], points[s + "wrist"],
                    (3.6, 3.6), (2.6, 2.6), frames[s + "forearm"]),
            Segment(s + "hand", s + "arm", points[s + "wrist"], points[s + "hand"],
                    (2.7, 2.7), (2.1, 2.1), frames[s + "hand"]),
        ]  # fmt: skip
    return tuple(segments)
