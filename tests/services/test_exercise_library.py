"""The shipped exercise library: complete, consistent, in plain words, checked on load, and
found by the filters a care plan uses."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from ptclinic.services.dosage import Dosage
from ptclinic.services.errors import NotFound, ValidationError
from ptclinic.services.evaluation_form import CLASSIFICATION_LABELS
from ptclinic.services.exercise_library import (
    CATEGORIES,
    CATEGORY_LABELS,
    INDICATION_LABELS,
    STAGE_LABELS,
    STAGES,
    Exercise,
    ShippedDataError,
    exercise,
    exercises_from_toml,
    filter_exercises,
    link_problems,
    plain_language_warnings,
    progression_chain,
    shipped_exercises,
    validate_exercise,
)

# The codes the issue names, with their category and stage: a contract with the figures
# (figures.toml draws one per code) and with saved care plans.
NAMED: dict[str, tuple[str, int]] = {
    "ST-PIRI-SUP": ("stretch", 1), "ST-PIRI-SEAT": ("stretch", 2), "ST-SKTC": ("stretch", 1),
    "ST-DKTC": ("stretch", 1), "ST-HIPFLEX": ("stretch", 2), "ST-HAM": ("stretch", 1),
    "ST-CHILD": ("stretch", 1),
    "MO-LROT": ("mobility", 1), "MO-CATCAMEL": ("mobility", 1), "MO-PTILT": ("mobility", 1),
    "SB-DRAWIN": ("stabilisation", 1), "SB-DRAWIN-MARCH": ("stabilisation", 2),
    "SB-BRIDGE": ("stabilisation", 1), "SB-BRIDGE-MARCH": ("stabilisation", 2),
    "SB-BRIDGE-SL": ("stabilisation", 3), "SB-BIRDDOG-ARM": ("stabilisation", 1),
    "SB-BIRDDOG-LEG": ("stabilisation", 2), "SB-BIRDDOG": ("stabilisation", 3),
    "SB-DEADBUG-HEEL": ("stabilisation", 1), "SB-DEADBUG-LEG": ("stabilisation", 2),
    "SB-DEADBUG": ("stabilisation", 3), "SB-SIDEPLANK-KNEE": ("stabilisation", 1),
    "SB-SIDEPLANK": ("stabilisation", 2), "SB-SIDEPLANK-LIFT": ("stabilisation", 3),
    "SB-PALLOF": ("stabilisation", 2), "SB-PALLOF-KNEEL": ("stabilisation", 3),
    "SG-CLAM": ("strengthening", 1), "SG-CLAM-BAND": ("strengthening", 2),
    "SG-CLAM-PLANK": ("strengthening", 3), "SG-HIPABD": ("strengthening", 2),
    "SG-PRONE-HIPEXT": ("strengthening", 1), "SG-SITSTAND": ("strengthening", 1),
    "SG-SQUAT": ("strengthening", 2), "SG-SPLITSQUAT": ("strengthening", 3),
    "SG-STEPUP": ("strengthening", 2), "SG-HINGE": ("strengthening", 2),
    "BA-TANDEM": ("balance", 1), "BA-SLS": ("balance", 2), "BA-SLS-REACH": ("balance", 3),
    "AE-BIKE": ("aerobic", 1), "AE-WALK": ("aerobic", 1), "AE-WALK-BRISK": ("aerobic", 2),
    "AE-SWIM": ("aerobic", 2),
    "ME-ADDUCTOR": ("self_met", 1), "ME-ABDUCTOR": ("self_met", 1),
    "ME-HIPFLEX": ("self_met", 1), "ME-HIPEXT": ("self_met", 1),
}  # fmt: skip

# Families the issue names, easiest first: each must appear in this order, links both ways.
FAMILIES = [
    ["SB-BRIDGE", "SB-BRIDGE-MARCH", "SB-BRIDGE-SL"],
    ["SG-CLAM", "SG-CLAM-BAND", "SG-CLAM-PLANK"],
    ["SB-BIRDDOG-ARM", "SB-BIRDDOG-LEG", "SB-BIRDDOG"],
    ["SB-DEADBUG-HEEL", "SB-DEADBUG-LEG", "SB-DEADBUG"],
    ["SB-SIDEPLANK-KNEE", "SB-SIDEPLANK", "SB-SIDEPLANK-LIFT"],
    ["SB-PALLOF", "SB-PALLOF-KNEEL"],
    ["SB-DRAWIN", "SB-DRAWIN-MARCH"],
    ["SG-SITSTAND", "SG-SQUAT", "SG-SPLITSQUAT"],
    ["BA-TANDEM", "BA-SLS", "BA-SLS-REACH"],
    ["AE-WALK", "AE-WALK-BRISK"],
    ["ST-PIRI-SUP", "ST-PIRI-SEAT"],
    ["ST-SKTC", "ST-DKTC"],
]

# Clinical words that have an everyday one; a patient should not meet them at home.
BANNED = {
    "anterior", "posterior", "contralateral", "ipsilateral", "isometric", "supine", "prone",
    "lateral", "flexion", "extension", "abduction", "adduction", "innominate", "sacroiliac",
    "lumbar", "pelvic", "piriformis", "gluteal", "glutes", "quadriceps", "abdominals",
    "repetitions", "reps", "contract", "neutral", "quadruped", "engage", "activate",
}  # fmt: skip


def library() -> tuple[Exercise, ...]:
    return shipped_exercises()


def patient_text(found: Exercise) -> list[str]:
    return [found.plain_name, found.purpose, *found.steps, *found.cautions]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def syllables(word: str) -> int:
    word = re.sub(r"[^a-z]", "", word.lower())
    count = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


# --- Loading and coverage -------------------------------------------------------------------


def test_the_library_loads_every_named_exercise_in_its_category_and_stage() -> None:
    found = {e.code: e for e in library()}
    assert len(library()) >= 45
    assert len(found) == len(library()), "duplicate codes"
    missing = sorted(set(NAMED) - set(found))
    assert not missing
    wrong = {
        code: (found[code].category, found[code].stage)
        for code, place in NAMED.items()
        if (found[code].category, found[code].stage) != place
    }
    assert not wrong
    assert {e.category for e in library()} == set(CATEGORIES)
    assert all(e.shipped and not e.retired for e in library())


def test_every_file_in_the_folder_is_a_category_or_the_figures() -> None:
    folder = resources.files("ptclinic") / "resources" / "exercises"
    names = {entry.name for entry in folder.iterdir() if entry.name.endswith(".toml")}
    assert {f"{c}.toml" for c in CATEGORIES} <= names
    assert names - {f"{c}.toml" for c in CATEGORIES} <= {"figures.toml"}


def test_labels_cover_every_value_and_indications_match_the_evaluation() -> None:
    assert set(CATEGORY_LABELS) == set(CATEGORIES)
    assert set(STAGE_LABELS) == set(STAGES) == {1, 2, 3}
    # A plan filters by the classification the evaluation proposed: the same keys.
    assert set(INDICATION_LABELS) == set(CLASSIFICATION_LABELS)
    for classification in CLASSIFICATION_LABELS:
        assert filter_exercises(library(), indication=classification)  # type: ignore[arg-type]


def test_every_exercise_is_complete() -> None:
    for found in library():
        assert found.name and found.plain_name, found.code
        assert 3 <= len(found.steps) <= 7, found.code
        assert 1 <= len(found.cautions) <= 4, found.code
        assert found.indications, found.code
        assert isinstance(found.dosage, Dosage), found.code
        assert found.dosage_words(), found.code
        assert len(sentences(found.purpose)) == 1 and found.purpose.endswith("."), found.code
        for line in (*found.steps, *found.cautions):
            assert line[0].isupper() and line[-1] in ".!?", (found.code, line)


def test_timed_exercises_are_aerobic_and_say_what_to_do() -> None:
    for found in library():
        assert found.dosage.timed == (found.category == "aerobic"), found.code
        if found.dosage.timed:
            assert found.verb, found.code
    assert exercise("AE-WALK").dosage_words().startswith("Walk for ")


# --- Progressions ---------------------------------------------------------------------------


def test_progressions_and_regressions_answer_each_other_and_stages_never_fall() -> None:
    found = {e.code: e for e in library()}
    for item in library():
        if item.progression is not None:
            harder = found[item.progression]
            assert harder.regression == item.code, item.code
            assert harder.stage >= item.stage, item.code
        if item.regression is not None:
            easier = found[item.regression]
            assert easier.progression == item.code, item.code
            assert easier.stage <= item.stage, item.code
    assert link_problems(library()) == []


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family[0])
def test_the_named_families_progress_in_order(family: list[str]) -> None:
    chain = [e.code for e in progression_chain(family[-1])]
    start = chain.index(family[0])
    assert chain[start : start + len(family)] == family
    assert progression_chain(family[0]) == progression_chain(family[-1])
    stages = [e.stage for e in progression_chain(family[0])]
    assert stages == sorted(stages)
    assert stages[-1] > stages[0] or family[0] == "ST-SKTC"  # both knee-to-chest are stage 1


def test_a_chain_without_links_is_just_the_exercise() -> None:
    assert [e.code for e in progression_chain("ST-HAM")] == ["ST-HAM"]


# --- Plain language -------------------------------------------------------------------------


def test_patient_text_has_no_clinical_jargon() -> None:
    offending = [
        (found.code, word)
        for found in library()
        for text in patient_text(found)
        for word in re.findall(r"[a-z]+", text.lower())
        if word in BANNED
    ]
    assert not offending
    assert all(plain_language_warnings(found) == () for found in library())


def test_steps_are_short_sentences_spoken_to_the_patient() -> None:
    for found in library():
        step_sentences = [s for step in found.steps for s in sentences(step)]
        lengths = [len(s.split()) for s in step_sentences]
        assert sum(lengths) / len(lengths) <= 15, found.code
        assert max(lengths) <= 20, found.code
        steps = " ".join(found.steps).lower()
        assert re.search(r"\byour?\b", steps), found.code
        assert "the patient" not in steps, found.code


def test_steps_read_at_about_age_11_to_12() -> None:
    # Flesch-Kincaid grade with a rough syllable count; grade 6 is about age 11-12.
    for found in library():
        step_sentences = [s for step in found.steps for s in sentences(step)]
        words = [w for s in step_sentences for w in s.split()]
        grade = (
            0.39 * len(words) / len(step_sentences)
            + 11.8 * sum(syllables(w) for w in words) / len(words)
            - 15.59
        )
        assert grade <= 6, (found.code, round(grade, 1))


def test_the_plain_language_check_catches_jargon_and_long_sentences() -> None:
    found = exercise("SB-BRIDGE")
    stiff = validate_exercise(
        {
            **_mapping(found),
            "steps": [
                "Lie supine with both knees flexed.",
                "Perform an isometric contraction of the gluteals.",
                "Now keep holding that position for as long as you can while you continue to "
                "breathe slowly in and out through your nose and mouth.",
            ],
        }
    )
    warnings = " ".join(plain_language_warnings(stiff))
    for word in ("supine", "isometric", "contraction", "gluteals"):
        assert f"“{word}”" in warnings
    assert "Sentence over 20 words" in warnings


# --- Validation -----------------------------------------------------------------------------


def _mapping(found: Exercise) -> dict[str, object]:
    mapping: dict[str, object] = {
        "code": found.code,
        "name": found.name,
        "plain_name": found.plain_name,
        "category": found.category,
        "stage": found.stage,
        "indications": list(found.indications),
        "purpose": found.purpose,
        "steps": list(found.steps),
        "cautions": list(found.cautions),
        "dosage": {"reps": 10, "hold_seconds": 5, "sets": 2},
    }
    return mapping


GOOD = {
    "code": "CL-WALL-SIT",
    "name": "Wall sit",
    "plain_name": "Sitting against the wall",
    "category": "strengthening",
    "stage": 2,
    "indications": ["stability"],
    "purpose": "Builds strength in your thighs.",
    "steps": "Stand with your back to a wall.\nSlide down a little.\n\nHold, then slide up.",
    "cautions": ["Stop if your knees hurt."],
    "dosage": {"hold_seconds": 20, "reps": 5},
}


def test_a_clinics_own_exercise_is_accepted_from_a_form() -> None:
    made = validate_exercise(GOOD)
    assert made.shipped is False and made.retired is False
    assert made.steps == (
        "Stand with your back to a wall.",
        "Slide down a little.",
        "Hold, then slide up.",
    )
    assert made.dosage == Dosage(hold_seconds=20, reps=5)
    assert validate_exercise({**GOOD, "code": " cl-wall-sit "}).code == "CL-WALL-SIT"
    assert validate_exercise({**GOOD, "retired": True}).retired
    # Checked together with the shipped library, a clinic's links are held to the same rules.
    linked = validate_exercise({**GOOD, "regression": "SG-SQUAT"})
    problems = link_problems([*library(), linked])
    assert [(p.code, p.problem) for p in problems] == [
        ("CL-WALL-SIT", "regression is SG-SQUAT, but its progression is SG-SPLITSQUAT.")
    ]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"code": "wall sit!"}, "code", "Code “wall sit!” must be 2 to 24 capital letters"),
        ({"code": None}, "code", "Code is required."),
        ({"name": "   "}, "name", "Name is required."),
        ({"name": 12}, "name", "Name must be text."),
        ({"plain_name": "x" * 81}, "plain_name", "Name for the patient is too long"),
        ({"category": "yoga"}, "category", "Category “yoga” is not one of: stretch, mobility"),
        ({"stage": 4}, "stage", "Stage “4” is not one of: 1, 2, 3."),
        ({"stage": "2"}, "stage", "Stage “2” is not one of"),
        ({"stage": True}, "stage", "Stage “True” is not one of"),
        ({"indications": ["calm_and_load"]}, "indications", "Suits: “calm_and_load” is not one"),
        ({"indications": []}, "indications", "Suits is required."),
        ({"steps": ["One.", "Two."]}, "steps", "Steps: give 3 to 7 (not 2)."),
        ({"steps": [1, 2, 3]}, "steps", "Steps must be a list of lines of text."),
        ({"cautions": []}, "cautions", "Cautions is required."),
        ({"dosage": None}, "dosage", "Dosage is required."),
        ({"dosage": 10}, "dosage", "Dosage must be a table"),
        ({"dosage": {"reps": 10, "sets": 0}}, "dosage.sets", "Sets must be from 1 to 10"),
        ({"dosage": {"reps": 10, "hold_seconds": 300}}, "dosage.hold_seconds", "Hold (seconds)"),
        ({"progression": "CL-WALL-SIT"}, "progression", "An exercise cannot link to itself."),
        (
            {"progression": "SG-SQUAT", "regression": "SG-SQUAT"},
            "progression",
            "It cannot progress and ease back to the same exercise.",
        ),
        ({"verb": "Sit"}, "verb", "Only a timed exercise (given in minutes) uses a verb."),
        ({"retired": "no"}, "retired", "Retired must be true or false."),
        ({"equipment": "ball"}, "equipment", "“equipment” is not a known field"),
    ],
)
def test_a_bad_exercise_is_refused_with_a_clear_message_per_field(
    change: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_exercise({**GOOD, **change})
    assert caught.value.field_errors[field].startswith(message), caught.value.field_errors
    assert message in str(caught.value)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_exercise({"code": "X"})
    assert {"code", "name", "steps", "dosage", "stage"} <= set(caught.value.field_errors)


# --- Broken files ---------------------------------------------------------------------------

ENTRY = """
[[exercise]]
code = "{code}"
name = "Test exercise"
plain_name = "Test"
category = "{category}"
stage = {stage}
indications = ["stability"]
purpose = "Tests the loader."
steps = ["Do one thing.", "Do another.", "Stop."]
cautions = ["Stop if it hurts."]
dosage = {{ reps = 10 }}
{extra}
"""


def entry(code: str, *, category: str = "balance", stage: int = 1, extra: str = "") -> str:
    return ENTRY.format(code=code, category=category, stage=stage, extra=extra)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"balance.toml": entry("BA-ONE", stage=5)},
            "exercises/balance.toml, BA-ONE: Stage “5” is not one of: 1, 2, 3.",
        ),
        (
            {"balance.toml": entry("BA-ONE", extra='colour = "red"')},
            "exercises/balance.toml, BA-ONE: “colour” is not a known field",
        ),
        (
            {"balance.toml": entry("BA-ONE").replace('purpose = "Tests the loader."', "")},
            "exercises/balance.toml, BA-ONE: What it is for is required.",
        ),
        (
            {"balance.toml": entry("BA-ONE"), "stretch.toml": entry("BA-ONE", category="stretch")},
            "exercises/stretch.toml, BA-ONE: the code is used twice "
            "(also in exercises/balance.toml).",
        ),
        (
            {"balance.toml": entry("BA-ONE", category="stretch")},
            "exercises/balance.toml, BA-ONE: category “stretch” belongs in stretch.toml.",
        ),
        (
            {"balance.toml": entry("BA-ONE", extra='progression = "BA-GONE"')},
            "exercises/balance.toml, BA-ONE: progression “BA-GONE” is not in the library.",
        ),
        (
            {
                "balance.toml": entry("BA-ONE", extra='progression = "BA-TWO"')
                + entry("BA-TWO", stage=2)
            },
            "exercises/balance.toml, BA-ONE: progression is BA-TWO, but its regression is nothing.",
        ),
        (
            {
                "balance.toml": entry("BA-ONE", stage=2, extra='progression = "BA-TWO"')
                + entry("BA-TWO", stage=1, extra='regression = "BA-ONE"')
            },
            "exercises/balance.toml, BA-ONE: progresses to BA-TWO at stage 1, "
            "below its own stage 2.",
        ),
        (
            {"balance.toml": "[[exercise]\ncode = 1"},
            "exercises/balance.toml: not valid TOML",
        ),
        (
            {"balance.toml": "version = 2\n" + entry("BA-ONE")},
            "exercises/balance.toml: unexpected top-level “version”.",
        ),
        (
            {"balance.toml": entry("").replace('code = ""', "")},
            "exercises/balance.toml, entry 1: Code is required.",
        ),
    ],
)
def test_a_broken_file_names_the_file_and_the_exercise(files: dict[str, str], message: str) -> None:
    with pytest.raises(ShippedDataError) as caught:
        exercises_from_toml(files)
    assert message in str(caught.value)


def test_a_looping_chain_is_caught() -> None:
    # Every link answered and no stage falls, yet the family goes round in a circle.
    ring = {"BA-ONE": ("BA-TWO", "BA-THREE"), "BA-TWO": ("BA-THREE", "BA-ONE")}
    ring["BA-THREE"] = ("BA-ONE", "BA-TWO")
    text = "".join(
        entry(code, extra=f'progression = "{up}"\nregression = "{down}"')
        for code, (up, down) in ring.items()
    )
    with pytest.raises(ShippedDataError, match=r"BA-ONE: its progression chain loops\."):
        exercises_from_toml({"balance.toml": text})


# --- Finding exercises ----------------------------------------------------------------------


def codes(found: list[Exercise]) -> list[str]:
    return [e.code for e in found]


def test_filter_by_category_stage_and_indication() -> None:
    stretches = filter_exercises(library(), category="stretch")
    assert set(codes(stretches)) == {c for c, (cat, _) in NAMED.items() if cat == "stretch"}
    stage_three = filter_exercises(library(), stage=3)
    assert stage_three and all(e.stage == 3 for e in stage_three)
    assert "SB-BIRDDOG" in codes(stage_three)
    stability_two = filter_exercises(
        library(), category="stabilisation", stage=2, indication="stability"
    )
    assert "SB-BRIDGE-MARCH" in codes(stability_two)
    assert all(e.category == "stabilisation" and e.stage == 2 for e in stability_two)
    calm = filter_exercises(library(), indication="calm_load")
    assert "SB-DRAWIN" in codes(calm) and "SB-BIRDDOG" not in codes(calm)
    assert filter_exercises(library()) == list(library())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bridge", {"SB-BRIDGE", "SB-BRIDGE-MARCH", "SB-BRIDGE-SL"}),
        ("KNEE chest", {"ST-SKTC", "ST-DKTC"}),
        ("knee-to-chest", {"ST-SKTC", "ST-DKTC"}),
        ("sb-bridge-sl", {"SB-BRIDGE-SL"}),
        ("sbbridge", {"SB-BRIDGE", "SB-BRIDGE-MARCH", "SB-BRIDGE-SL"}),
        ("buttock", {"ST-PIRI-SUP", "ST-PIRI-SEAT"}),
        ("PÁLLOF", {"SB-PALLOF", "SB-PALLOF-KNEEL"}),
        ("childs", {"ST-CHILD"}),
        ("tummy lying", {"SB-DRAWIN"}),
        ("nothing like this", set()),
    ],
)
def test_filter_by_text_matches_names_plain_names_and_codes(text: str, expected: set[str]) -> None:
    assert set(codes(filter_exercises(library(), text=text))) == expected


def test_retired_exercises_are_found_by_code_but_not_offered() -> None:
    old = validate_exercise({**GOOD, "retired": True})
    mixed = [*library(), old]
    assert "CL-WALL-SIT" not in codes(filter_exercises(mixed, text="wall"))
    assert codes(filter_exercises(mixed, text="wall", include_retired=True)) == ["CL-WALL-SIT"]
    assert exercise("cl-wall-sit", mixed) is old


def test_an_exercise_is_looked_up_forgivingly_and_an_unknown_code_refused() -> None:
    assert exercise(" sb-bridge ").name == "Glute bridge"
    with pytest.raises(NotFound, match=r"No exercise in the library has the code “XX-NONE”\."):
        exercise("XX-NONE")
