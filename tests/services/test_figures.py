"""Exercise figures: every exercise has a start and an end pose that can be drawn; the poses
file is checked on load with messages that say where and why; the drawn body obeys anatomy and
the floor (bones keep their length, lying bodies rest on the floor, standing feet stand on it,
nothing sinks below it); moving exercises move; far limbs are drawn behind in grey; the PDF
adapter draws a real PDF page."""

from __future__ import annotations

import io
import math
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from ptclinic.services.figures import (
    EXERCISE_CODES,
    FigureDataError,
    NoFigure,
    figure,
    figure_codes,
    has_figure,
    library,
    placed_poses,
    placeholder_figure,
)
from ptclinic.services.figures.body import (
    FOREARM,
    SHIN,
    THIGH,
    UPPER_ARM,
    build,
)
from ptclinic.services.figures.compose import picture
from ptclinic.services.figures.geometry import length, sub
from ptclinic.services.figures.pdf import ExerciseFigure, draw_figure
from ptclinic.services.figures.placement import Placed, body_lowest, lowest, place, segment
from ptclinic.services.figures.poses import parse_library
from ptclinic.services.figures.primitives import FAR_INK, INK, Circle, Path, Text
from ptclinic.services.figures.props import MAT_THICKNESS, STEP_HEIGHT
from ptclinic.services.figures.render import layers

FLOOR_TOLERANCE = 0.5  # cm a body part may press into the floor (soft tissue)
# Exercises done lying down (on the back, front or side) in both pictures.
LYING = (
    "ST-PIRI-SUP", "ST-SKTC", "ST-DKTC", "ST-HAM", "MO-LROT", "MO-PTILT", "SB-DRAWIN",
    "SB-DRAWIN-MARCH", "SB-DEADBUG-HEEL", "SB-DEADBUG-LEG", "SB-DEADBUG", "SG-CLAM",
    "SG-CLAM-BAND", "SG-HIPABD", "SG-PRONE-HIPEXT", "ME-ADDUCTOR", "ME-ABDUCTOR", "ME-HIPFLEX",
    "ME-HIPEXT",
)  # fmt: skip
# Exercises done standing on the floor in both pictures.
STANDING = (
    "SG-SQUAT", "SG-SPLITSQUAT", "SG-HINGE", "BA-TANDEM", "BA-SLS", "BA-SLS-REACH", "AE-WALK",
    "AE-WALK-BRISK", "AE-SWIM", "SB-PALLOF",
)  # fmt: skip
# Small movements, shown by an arrow more than by the change of pose.
SUBTLE = ("MO-PTILT",)
BONES = {
    "thigh": (("hip", "knee"), THIGH),
    "shin": (("knee", "ankle"), SHIN),
    "upper arm": (("shoulder", "elbow"), UPPER_ARM),
    "forearm": (("elbow", "wrist"), FOREARM),
}


def _ground(code: str) -> float:
    return MAT_THICKNESS if "mat" in library().figures[code].props else 0.0


def _both(code: str) -> list[tuple[str, Placed]]:
    return list(zip(("start", "end"), placed_poses(code), strict=True))


# --- every exercise -------------------------------------------------------------------------


def test_the_poses_file_draws_exactly_the_exercise_library() -> None:
    assert sorted(figure_codes()) == sorted(EXERCISE_CODES)


@pytest.mark.parametrize("code", EXERCISE_CODES)
def test_every_exercise_has_a_start_and_an_end_picture(code: str) -> None:
    assert has_figure(code)
    drawn = figure(code)
    assert drawn.code == code and drawn.title and not drawn.placeholder
    for primitives in (drawn.start, drawn.end):
        assert sum(isinstance(item, Path) for item in primitives) > 20  # a body, not a stub
        for item in primitives:
            points = item.points if isinstance(item, Path) else (_position(item),)
            for x, y in points:
                assert math.isfinite(x) and math.isfinite(y)
                assert drawn.bounds.left <= x <= drawn.bounds.right
                assert drawn.bounds.bottom <= y <= drawn.bounds.top


def _position(item: Circle | Text) -> tuple[float, float]:
    return item.centre if isinstance(item, Circle) else item.position


@pytest.mark.parametrize("code", EXERCISE_CODES)
def test_bones_keep_their_length_from_start_to_end(code: str) -> None:
    for _which, placed in _both(code):
        points = placed.body.points
        for side in ("near", "far"):
            for bone, ((first, second), expected) in BONES.items():
                measured = length(sub(points[f"{side}_{first}"], points[f"{side}_{second}"]))
                assert measured == pytest.approx(expected, abs=1e-6), f"{side} {bone}"
    start, end = (placed.body.points for _which, placed in _both(code))
    trunk = ("waist", "neck")
    assert length(sub(start[trunk[0]], start[trunk[1]])) == pytest.approx(
        length(sub(end[trunk[0]], end[trunk[1]]))
    )


@pytest.mark.parametrize("code", EXERCISE_CODES)
def test_nothing_sinks_below_the_floor_and_every_contact_rests_on_its_surface(code: str) -> None:
    spec = library().figures[code]
    for which, placed in _both(code):
        assert body_lowest(placed.body) >= _ground(code) - FLOOR_TOLERANCE, which
        pose = spec.start if which == "start" else spec.end
        for contact in pose.contacts:
            part, _, surface = contact.partition("@")
            height = {"": _ground(code), "step": STEP_HEIGHT}.get(surface)
            if height is not None:
                assert lowest(placed.body, part) == pytest.approx(height, abs=0.3), contact


@pytest.mark.parametrize("code", LYING)
def test_a_body_lying_down_rests_on_the_floor(code: str) -> None:
    for which, placed in _both(code):
        trunk = min(lowest(placed.body, part) for part in ("pelvis", "chest", "far_upper_arm"))
        assert trunk == pytest.approx(_ground(code), abs=FLOOR_TOLERANCE), which
        neck, pelvis = placed.body.points["neck"], placed.body.points["pelvis"]
        rise = abs(neck[1] - pelvis[1]) / length(sub(neck, pelvis))
        assert rise < 0.35, f"{which}: the trunk should lie flat"


@pytest.mark.parametrize("code", STANDING)
def test_a_standing_body_has_a_flat_foot_on_the_floor(code: str) -> None:
    for which, placed in _both(code):
        flat_feet = []
        for side in ("near", "far"):
            foot = segment(placed.body, f"{side}_foot")
            on_floor = lowest(placed.body, foot.name) == pytest.approx(_ground(code), abs=0.3)
            level = abs((foot.start[1] - 3.5) - (foot.end[1] - 2.5)) < 0.5
            flat_feet.append(on_floor and level)
        assert any(flat_feet), f"{which}: no foot stands flat on the floor"
        neck, pelvis = placed.body.points["neck"], placed.body.points["pelvis"]
        assert neck[1] > pelvis[1] + 20, f"{which}: the trunk should be upright"


def test_the_step_up_ends_standing_on_the_step() -> None:
    _start, end = placed_poses("SG-STEPUP")
    assert lowest(end.body, "near_foot") == pytest.approx(STEP_HEIGHT, abs=0.3)
    assert lowest(end.body, "far_foot") > STEP_HEIGHT


@pytest.mark.parametrize("code", EXERCISE_CODES)
def test_moving_exercises_move_and_holds_show_a_cue(code: str) -> None:
    spec = library().figures[code]
    start, end = (placed.body.points for _which, placed in _both(code))
    moved = max(length(sub(start[name], end[name])) for name in start)
    if spec.static:
        assert moved < 1e-6, "a hold draws the same pose twice"
        assert spec.end.arrows or spec.end.label, "a hold needs an arrow or a word"
        assert len(figure(code).end) > len(figure(code).start)
    elif code in SUBTLE:
        assert moved > 1.0 and spec.end.arrows, "a small movement needs an arrow"
    else:
        assert moved > 8.0, f"start and end differ by only {moved:.1f} cm"


def test_the_far_side_is_drawn_behind_and_in_grey() -> None:
    body = build({"near_hip.flex": 30.0, "far_hip.flex": -20.0})
    ordered = sorted(layers(body), key=lambda layer: layer[0])
    names = [name for _depth, name, _items in ordered]
    assert names.index("far_leg") < names.index("trunk") < names.index("near_leg")
    assert names.index("far_arm") < names.index("near_arm")
    for _depth, name, items in ordered:
        strokes = {item.stroke for item in items if isinstance(item, Path) and item.stroke}
        assert strokes == ({FAR_INK} if name.startswith("far_") else {INK}), name


def test_a_mirrored_figure_is_the_same_picture_flipped() -> None:
    spec = library().figures["SG-CLAM"]
    start, end = placed_poses("SG-CLAM")
    pictures = [
        picture(replace(spec, view=replace(spec.view, mirror=mirror)), spec.end, end.body,
                start.body, end.body, MAT_THICKNESS)
        for mirror in (False, True)
    ]  # fmt: skip
    plain, mirrored = ([item for item in p if isinstance(item, Path)] for p in pictures)
    assert len(plain) == len(mirrored)
    for a, b in zip(plain, mirrored, strict=True):
        # The same outline point for point; a mirrored polygon runs the other way round.
        flipped = sorted((round(-x, 3), round(y, 3)) for x, y in a.points)
        assert flipped == sorted((round(x, 3), round(y, 3)) for x, y in b.points)


# --- a clinic's own exercise ------------------------------------------------------------------


def test_an_exercise_without_a_figure_says_so_and_has_a_placeholder() -> None:
    assert not has_figure("CLINIC-0001")
    with pytest.raises(NoFigure):
        figure("CLINIC-0001")
    placeholder = placeholder_figure()
    assert placeholder.placeholder and placeholder.start == placeholder.end
    assert all(
        item.stroke != INK for item in placeholder.start if isinstance(item, Path) and item.fill
    )


# --- the poses file is checked ---------------------------------------------------------------

GOOD = """
[postures.standing]
contacts = ["near_foot", "far_foot"]
origin = "near_ankle"

[SG-SQUAT]
title = "Squat"
[SG-SQUAT.start]
base = "standing"
[SG-SQUAT.end]
base = "standing"
hips = 80
knees = 80
"""


def _load(text: str) -> None:
    parse_library(text, frozenset({"SG-SQUAT"}), "test.toml")


def test_the_minimal_file_used_below_is_valid() -> None:
    _load(GOOD)


BAD_DATA = [
    (
        ("", "[XX-NOPE]\n[XX-NOPE.start]\n[XX-NOPE.end]\n"),
        "test.toml: XX-NOPE: unknown exercise code 'XX-NOPE'",
    ),
    (
        ("hips = 80", "kneez = 10"),
        "SG-SQUAT end: unknown joint 'kneez'",
    ),
    (
        ("hips = 80", "near_elbo = 10"),
        "SG-SQUAT end: unknown joint 'near_elbo'",
    ),
    (
        ("knees = 80", "knees = 200"),
        "near_knee.flex = 200 is outside the knee's plausible range (-5 to 160)",
    ),
    (
        ("hips = 80", "elbows = -20"),
        "near_elbow.flex = -20 is outside the elbow's plausible range (0 to 155)",
    ),
    (
        ("hips = 80", "near_hip = { abd = 90 }"),
        "near_hip.abd = 90 is outside the hip's plausible range (-35 to 75)",
    ),
    (
        ("knees = 80", "knees = { abd = 10 }"),
        "the knee has no 'abd' angle (it has flex)",
    ),
    (
        ("knees = 80", 'knees = "bent"'),
        "knees must be a number of degrees, not 'bent'",
    ),
    (
        ("hips = 80", "tilt = 400"),
        "tilt = 400 is outside the tilt's plausible range",
    ),
    (
        ('base = "standing"\nhips', 'base = "floating"\nhips'),
        "SG-SQUAT end: unknown posture 'floating'",
    ),
    (
        ('[SG-SQUAT.end]\nbase = "standing"\nhips = 80\nknees = 80\n', ""),
        "SG-SQUAT: has no end pose",
    ),
    (
        ('title = "Squat"', 'title = "Squat"\nprops = ["trampoline"]'),
        "unknown prop 'trampoline'",
    ),
    (
        ('title = "Squat"', 'title = "Squat"\nview = "fisheye"'),
        "unknown view 'fisheye'",
    ),
    (
        ('title = "Squat"', 'title = "Squat"\ncolour = "red"'),
        "SG-SQUAT: unknown key 'colour'",
    ),
    (
        ("hips = 80", 'reach.near_hand = "nose"'),
        "SG-SQUAT end: unknown landmark 'nose'",
    ),
    (
        ("hips = 80", 'reach.near_elbow = "near_knee"'),
        "reach.near_elbow: only near_hand",
    ),
    (
        ("hips = 80", 'contacts = ["near_foot@trampoline"]'),
        "no surface 'trampoline'",
    ),
    (
        ("hips = 80", 'contacts = ["tail"]'),
        "SG-SQUAT end: unknown body part 'tail'",
    ),
    (
        ("hips = 80", 'solve = [["knee.flex", "near_foot"]]'),
        "solve: unknown angle 'knee.flex'",
    ),
    (
        ("hips = 80", 'solve = [["tilt", "flat:near_shin"]]'),
        "only a foot can be flat",
    ),
    (
        ("hips = 80", "arrows = [{ length = 3 }]"),
        "exactly one of move = ... or push = ...",
    ),
    (
        ("hips = 80", 'arrows = [{ move = "elbow" }]'),
        "unknown landmark 'elbow'",
    ),
    (
        ('origin = "near_ankle"', 'origin = "navel"'),
        "SG-SQUAT start: unknown landmark 'navel'",
    ),
    (
        ('contacts = ["near_foot", "far_foot"]', "contacts = []"),
        "nothing rests on the ground",
    ),
    (
        ("hips = 80", "hips = [80"),
        "test.toml: not valid TOML",
    ),
]


@pytest.mark.parametrize(("change", "message"), BAD_DATA)
def test_bad_poses_are_rejected_with_a_message_that_says_where(
    change: tuple[str, str], message: str
) -> None:
    old, new = change
    text = GOOD + new if old == "" else GOOD.replace(old, new, 1)
    assert text != GOOD
    with pytest.raises(FigureDataError, match=re.escape(message)):
        _load(text)


@pytest.mark.parametrize(
    ("end", "message"),
    [
        ("near_hip = 90", "SG-SQUAT end: far_foot should rest on the ground but is"),
        ('reach.near_hand = "near_toe"', "SG-SQUAT end: near_hand cannot reach near_toe"),
        ('knees = 90\nsolve = [["ankles.flex", "near_hand"]]', "no ankles.flex puts near_hand"),
    ],
)
def test_poses_that_cannot_stand_on_the_floor_are_rejected(end: str, message: str) -> None:
    text = GOOD.replace("hips = 80\nknees = 80", end)
    spec = parse_library(text, frozenset({"SG-SQUAT"}), "test.toml").figures["SG-SQUAT"]
    with pytest.raises(FigureDataError, match=re.escape(message)):
        place(spec.end, {"ground": 0.0}, "SG-SQUAT end")


# --- on paper ---------------------------------------------------------------------------------


def test_the_pdf_adapter_draws_a_page_that_opens() -> None:
    out = io.BytesIO()
    canvas = Canvas(out)
    draw_figure(canvas, "SB-BRIDGE", 72, 600, 200, 80)
    draw_figure(canvas, "CLINIC-0001", 72, 400, 200, 80)  # the placeholder
    canvas.showPage()
    canvas.save()
    page = PdfReader(io.BytesIO(out.getvalue())).pages[0]
    content = page.get_contents()
    assert content is not None
    operations = content.get_data().decode("latin-1")
    assert len(re.findall(r" l\s", operations)) > 500  # line segments of the outlines
    assert re.search(r"\bf\b|\bB\b", operations)  # filled shapes
    text = page.extract_text()
    assert "Start" in text and "Finish" in text


def test_the_flowable_takes_its_size_and_flows_into_a_document() -> None:
    out = io.BytesIO()
    flowable = ExerciseFigure("SG-CLAM", 220, 90)
    assert flowable.wrap(500, 800) == (220, 90)
    SimpleDocTemplate(out).build([flowable, ExerciseFigure("ME-ADDUCTOR", 300, 110)])
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert len(reader.pages) == 1
    assert "Squeeze" in reader.pages[0].extract_text()
