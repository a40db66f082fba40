"""Exercise illustrations drawn by the program: a figure in the start and the end position.

Nothing here is a copied image. Each exercise's two poses are data
(``resources/exercises/figures.toml``, read by ``poses``); a pose is built into a 3-D
articulated figure (``body``), set on the floor (``placement``), given its props (``props``)
and seen through a camera (``compose``) as a list of drawing primitives (``primitives``):
outlined paths, circles and words in figure space (cm, y up). Two adapters paint them: ReportLab
(``figures.pdf``) for handouts and Qt (``ptclinic.ui.exercises.figure_view``) for the screen.

Public API (a contract for scripts and the other modules):

- ``figure_codes()``: the exercise codes that have a figure, in the file's order.
- ``has_figure(code)``: whether ``code`` has one. A clinic's own exercise usually has none.
- ``figure(code)``: the ``FigureDrawing`` (``start``, ``end``, ``bounds``, ``title``); raises
  ``NoFigure`` (a ``KeyError``) for a code without one.
- ``placeholder_figure()``: a neutral grey standing figure marked ``placeholder``, for screens
  and handouts that want to keep a picture's place for an exercise without a figure.
- ``EXERCISE_CODES``: the library's codes the poses file may draw; any other code in the file
  is an error (``FigureDataError``), as are unknown joints, out-of-range angles, and poses that
  cannot be set on the floor.

Figures are built the first time they are asked for and kept. One takes some 30-120 ms (the
solver places the body), so a screen showing one may build it on the spot, and a list showing
many builds them off the UI thread (``figure_view.figure_image`` may run in a worker).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

from ptclinic.services.figures.body import build
from ptclinic.services.figures.compose import floor_line, picture
from ptclinic.services.figures.placement import Placed, place
from ptclinic.services.figures.poses import FigureDataError, FigureSpec, PoseLibrary, parse_library
from ptclinic.services.figures.primitives import (
    FAR_FILL,
    FAR_INK,
    Bounds,
    Path,
    Primitive,
    bounds_of,
)
from ptclinic.services.figures.props import MAT_THICKNESS, SURFACES
from ptclinic.services.figures.render import layers

__all__ = [
    "EXERCISE_CODES",
    "FigureDataError",
    "FigureDrawing",
    "NoFigure",
    "figure",
    "figure_codes",
    "has_figure",
    "placeholder_figure",
]

POSES_FILE = "figures.toml"
EXERCISE_CODES: tuple[str, ...] = (
    "ST-PIRI-SUP", "ST-PIRI-SEAT", "ST-SKTC", "ST-DKTC", "ST-HIPFLEX", "ST-HAM", "ST-CHILD",
    "MO-LROT", "MO-CATCAMEL", "MO-PTILT",
    "SB-DRAWIN", "SB-DRAWIN-MARCH", "SB-BRIDGE", "SB-BRIDGE-MARCH", "SB-BRIDGE-SL",
    "SB-BIRDDOG-ARM", "SB-BIRDDOG-LEG", "SB-BIRDDOG", "SB-DEADBUG-HEEL", "SB-DEADBUG-LEG",
    "SB-DEADBUG", "SB-SIDEPLANK-KNEE", "SB-SIDEPLANK", "SB-SIDEPLANK-LIFT", "SB-PALLOF",
    "SB-PALLOF-KNEEL",
    "SG-CLAM", "SG-CLAM-BAND", "SG-CLAM-PLANK", "SG-HIPABD", "SG-PRONE-HIPEXT", "SG-SITSTAND",
    "SG-SQUAT", "SG-SPLITSQUAT", "SG-STEPUP", "SG-HINGE",
    "BA-TANDEM", "BA-SLS", "BA-SLS-REACH",
    "AE-BIKE", "AE-WALK", "AE-WALK-BRISK", "AE-SWIM",
    "ME-ADDUCTOR", "ME-ABDUCTOR", "ME-HIPFLEX", "ME-HIPEXT",
)  # fmt: skip
MARGIN = 6.0


class NoFigure(KeyError):
    """The exercise has no figure (a clinic's own exercise, or a code the file lacks)."""


@dataclass(frozen=True)
class FigureDrawing:
    """An exercise's two pictures as primitives in one figure space. ``bounds`` covers both,
    so drawing each into the same-sized box keeps them at one scale and the floor level."""

    code: str
    title: str
    start: tuple[Primitive, ...]
    end: tuple[Primitive, ...]
    bounds: Bounds
    placeholder: bool = False


@functools.cache
def library() -> PoseLibrary:
    """The poses file, read and checked once."""
    text = (resources.files("ptclinic") / "resources" / "exercises" / POSES_FILE).read_text("utf-8")
    return parse_library(text, frozenset(EXERCISE_CODES), POSES_FILE)


def figure_codes() -> list[str]:
    return list(library().figures)


def has_figure(code: str) -> bool:
    return code in library().figures


def placed_poses(code: str) -> tuple[Placed, Placed]:
    """Both poses of ``code`` built and set on the ground (for checks and tests)."""
    spec = _spec(code)
    surfaces = _surfaces(spec)
    return (
        place(spec.start, surfaces, f"{code} start"),
        place(spec.end, surfaces, f"{code} end"),
    )


def _spec(code: str) -> FigureSpec:
    try:
        return library().figures[code]
    except KeyError:
        raise NoFigure(code) from None


def _surfaces(spec: FigureSpec) -> dict[str, float]:
    return {"ground": MAT_THICKNESS if "mat" in spec.props else 0.0, **SURFACES}


@functools.cache
def figure(code: str) -> FigureDrawing:
    """The figure of ``code``; ``NoFigure`` when it has none."""
    spec = _spec(code)
    start, end = placed_poses(code)
    ground = _surfaces(spec)["ground"]
    pictures = [
        picture(spec, pose, placed.body, start.body, end.body, ground)
        for pose, placed in ((spec.start, start), (spec.end, end))
    ]
    bounds = bounds_of(pictures[0]).union(bounds_of(pictures[1])).padded(MARGIN)
    if spec.view.pitch == 0:
        floor = floor_line(bounds.left + 2, bounds.right - 2)
        pictures = [[floor, *items] for items in pictures]
        bounds = bounds.union(Bounds(bounds.left, -MARGIN, bounds.right, bounds.top))
    return FigureDrawing(code, spec.title, tuple(pictures[0]), tuple(pictures[1]), bounds)


@functools.cache
def placeholder_figure() -> FigureDrawing:
    """A plain standing figure in grey: "an exercise is meant here", no movement shown."""
    body = build({"near_shoulder.abd": 8.0, "far_shoulder.abd": 8.0})
    lowest = min(p[1] for p in body.points.values()) - 3.5
    body = body.mapped(lambda p: (p[0], p[1] - lowest, p[2]), lambda v: v)
    items: list[Primitive] = []
    for _depth, _name, primitives in sorted(layers(body), key=lambda entry: entry[0]):
        items += [_greyed(p) for p in primitives]
    bounds = bounds_of(items).padded(MARGIN)
    items.insert(0, floor_line(bounds.left - 20, bounds.right + 20))
    bounds = bounds_of(items).padded(MARGIN)
    return FigureDrawing("", "No picture", tuple(items), tuple(items), bounds, placeholder=True)


def _greyed(item: Primitive) -> Primitive:
    if isinstance(item, Path):
        return Path(
            item.points,
            FAR_INK if item.stroke else None,
            FAR_FILL if item.fill and not item.stroke else item.fill and FAR_INK,
            item.width, item.closed, item.dash,
        )  # fmt: skip
    return item
