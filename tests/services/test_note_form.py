"""The note form: what a visit note, progress note and discharge summary may hold, the message
each wrong part gets (keyed by the part, minutes by "minutes.<code>"), empty parts left out,
and a complete note of each kind kept exactly as written."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ptclinic.services.errors import ValidationError
from ptclinic.services.note_form import validate_note_content

FLOW_ROW = {
    "code": "SB-BRIDGE", "name": "Glute bridge", "stage": 1, "sets": 2, "reps": 10, "hold_s": 5,
    "load": "", "tolerance": "good", "note": "No cramping today",
}  # fmt: skip
TECHNIQUE = {"code": "MT-MOB-SIJ", "name": "SI joint mobilisation", "dose": "Grade III",
             "side": "right"}  # fmt: skip
OUTCOMES = {
    "odi": [2, 1, 2, 1, 2, 1, None, 1, 2, 1],
    "nprs": 3,
    "psfs": [{"activity": "Sitting 1 hour", "score": 6}],
}
COMMON: dict[str, Any] = {
    "subjective": "Sat through a film.\nStill sore getting out of the car.",
    "objective": "ASLR right 1/5.\tThigh thrust negative.",
    "assessment": "Load transfer improving.",
    "plan": "Progress the bridge next visit.",
    "education": "Pacing when sitting.",
    "home_program_changes": "Added the march.",
    "pain_before": 4,
    "pain_after": 0,
    "flowsheet": [FLOW_ROW, {"code": "AE-WALK", "name": "Graded walking"}],
    "techniques": [TECHNIQUE, {"code": "MT-STM-GLUT", "name": "Soft tissue", "dose": ""}],
    "minutes": {"97110": 33, "97140": 7, "97010": 10},
}
FULL = {
    "visit": COMMON,
    "progress": COMMON | {
        "outcomes": OUTCOMES,
        "goals": {"1": {"status": "met", "note": "Sits 1 hour"}, "2": {"status": "progressing"}},
        "plan_update": "Continue 2×/week for 4 weeks.",
    },
    "discharge": COMMON | {
        "outcomes": OUTCOMES,
        "goals": {"1": {"status": "met"}, "2": {"status": "not_met", "note": "Moved away"}},
        "discharge_reason": "goals_met",
        "home_advice": "Keep walking daily.",
    },
}  # fmt: skip


GOAL_STATUS = "Give each goal a status: met, progressing, not met or revised."


def _problems(kind: str, content: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        validate_note_content(kind, content)
    return raised.value.field_errors


@pytest.mark.parametrize("kind", ["visit", "progress", "discharge"])
def test_a_full_note_of_each_kind_is_kept_exactly_as_written(kind: str) -> None:
    content = copy.deepcopy(FULL[kind])
    assert validate_note_content(kind, content) == FULL[kind]


def test_an_unknown_kind_or_unreadable_content_is_refused() -> None:
    assert set(_problems("letter", {})) == {"kind"}
    assert _problems("visit", ["subjective"]) == {"content": "The note could not be read."}


@pytest.mark.parametrize(
    ("kind", "part"),
    [
        ("visit", "outcomes"),
        ("visit", "goals"),
        ("visit", "plan_update"),
        ("visit", "discharge_reason"),
        ("visit", "home_advice"),
        ("progress", "discharge_reason"),
        ("progress", "home_advice"),
        ("discharge", "plan_update"),
        ("discharge", "vitals"),
    ],
)
def test_a_part_the_kind_does_not_have_is_refused(kind: str, part: str) -> None:
    value = copy.deepcopy(FULL["discharge"] | FULL["progress"]).get(part, "120/80")
    assert _problems(kind, {part: value}) == {part: f"A {kind} note has no part “{part}”."}


@pytest.mark.parametrize(
    ("part", "value", "message"),
    [
        ("subjective", "x" * 4001, "Subjective is 4001 characters long; keep it to 4000."),
        ("objective", "ASLR\x00 1/5", "Objective has characters that cannot be stored."),
        ("assessment", 7, "Assessment expected text."),
        ("plan", "a\x1b[31m", "Plan has characters that cannot be stored."),
        ("education", "y" * 4001, "Education given is 4001 characters long; keep it to 4000."),
        ("home_program_changes", ["bridge"], "Home program changes expected text."),
    ],
)
def test_text_parts_are_text_of_at_most_4000_characters(
    part: str, value: object, message: str
) -> None:
    assert _problems("visit", {part: value}) == {part: message}


def test_text_parts_of_the_later_kinds_are_checked_too() -> None:
    assert _problems("progress", {"plan_update": "\x07"}) == {
        "plan_update": "Updated plan has characters that cannot be stored."
    }
    assert _problems("discharge", {"home_advice": "z" * 4001}) == {
        "home_advice": "Home-program advice is 4001 characters long; keep it to 4000."
    }
    assert validate_note_content("visit", {"subjective": "x" * 4000}) == {"subjective": "x" * 4000}


@pytest.mark.parametrize(
    ("part", "value", "message"),
    [
        ("pain_before", 11, "Pain before the visit must be from 0 to 10; 11 is outside it."),
        ("pain_after", -1, "Pain after the visit must be from 0 to 10; -1 is outside it."),
        ("pain_before", "5", "Pain before the visit expected a whole number from 0 to 10."),
        ("pain_after", 2.5, "Pain after the visit expected a whole number from 0 to 10."),
        ("pain_before", True, "Pain before the visit expected a whole number from 0 to 10."),
    ],
)
def test_pain_is_a_whole_number_from_0_to_10(part: str, value: object, message: str) -> None:
    assert _problems("visit", {part: value}) == {part: message}


def _row(**changes: Any) -> dict[str, Any]:
    return {k: v for k, v in (FLOW_ROW | changes).items() if v is not ...}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([_row(name=...)], "Exercise 1 needs its name."),
        ([_row(name="   ")], "Exercise 1 needs its name."),
        ([_row(code="")], "Exercise 1 needs its name."),
        ([FLOW_ROW, _row(name=None)], "Exercise 2 needs its name."),
        ([_row(weight="5 kg")], "Exercise 1 could not be read."),
        (["bridge"], "Exercise 1 could not be read."),
        ({"code": "SB-BRIDGE"}, "The exercise list could not be read."),
        ([_row(stage=0)], "Exercise 1, stage must be from 1 to 9; 0 is outside it."),
        ([_row(stage=10)], "Exercise 1, stage must be from 1 to 9; 10 is outside it."),
        ([_row(sets=21)], "Exercise 1, sets must be from 1 to 20; 21 is outside it."),
        ([_row(reps=0)], "Exercise 1, reps must be from 1 to 200; 0 is outside it."),
        ([_row(reps=201)], "Exercise 1, reps must be from 1 to 200; 201 is outside it."),
        ([_row(hold_s=601)],
         "Exercise 1, hold (seconds) must be from 1 to 600; 601 is outside it."),
        ([_row(sets="2")], "Exercise 1, sets expected a whole number from 1 to 20."),
        ([_row(reps=1.5)], "Exercise 1, reps expected a whole number from 1 to 200."),
        ([_row(tolerance="great")], "Exercise 1, tolerance: not one of the choices."),
        ([_row(load="k" * 201)], "Exercise 1, load is 201 characters long; keep it to 200."),
        ([_row(note="tab\tand\x00")], "Exercise 1, note has characters that cannot be stored."),
        ([FLOW_ROW] * 41, "Keep to 40 rows of exercises."),
    ],
)  # fmt: skip
def test_each_flowsheet_problem_is_named(rows: object, message: str) -> None:
    assert _problems("visit", {"flowsheet": rows}) == {"flowsheet": message}


def test_a_flowsheet_row_needs_only_its_code_and_name() -> None:
    rows = [{"code": "AE-WALK", "name": "Graded walking", "sets": None, "load": "", "note": ""}]
    assert validate_note_content("visit", {"flowsheet": rows}) == {"flowsheet": rows}
    assert (
        validate_note_content("visit", {"flowsheet": [FLOW_ROW] * 40})["flowsheet"]
        == [FLOW_ROW] * 40
    )
    for tolerance in ("good", "fair", "poor", "stopped"):
        validate_note_content("visit", {"flowsheet": [_row(tolerance=tolerance)]})


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"code": "MT-MOB-SIJ", "dose": "Grade III"}], "Technique 1 needs its name."),
        ([TECHNIQUE | {"side": "middle"}], "Technique 1, side: not one of the choices."),
        ([TECHNIQUE | {"grade": "III"}], "Technique 1 could not be read."),
        ([TECHNIQUE | {"dose": "d" * 201}],
         "Technique 1, dose is 201 characters long; keep it to 200."),
        ("MT-MOB-SIJ", "The technique list could not be read."),
        ([TECHNIQUE] * 21, "Keep to 20 rows of techniques."),
    ],
)  # fmt: skip
def test_each_technique_problem_is_named(rows: object, message: str) -> None:
    assert _problems("visit", {"techniques": rows}) == {"techniques": message}
    for side in ("left", "right", "both"):
        validate_note_content("visit", {"techniques": [TECHNIQUE | {"side": side}]})
    assert len(validate_note_content("visit", {"techniques": [TECHNIQUE] * 20})["techniques"]) == 20


@pytest.mark.parametrize(
    ("part", "value"),
    [
        ("flowsheet", [_row(tolerance=["good"])]),
        ("techniques", [TECHNIQUE | {"side": {"right": True}}]),
        ("discharge_reason", ["goals_met"]),
    ],
)
def test_a_choice_of_the_wrong_shape_is_refused_not_a_crash(part: str, value: object) -> None:
    # Content comes from a JSON document a second workstation (or a bug) may have written.
    assert set(_problems("discharge", {part: value})) == {part}


@pytest.mark.parametrize(
    ("outcomes", "message"),
    [
        ({"odi": [1] * 9}, "Oswestry: expected 10 section scores."),
        ({"odi": [6] + [1] * 9}, "Oswestry: section 1 must be from 0 to 5; 6 is outside it."),
        ({"nprs": 11}, "Pain now: must be from 0 to 10; 11 is outside it."),
        ({"nprs": "3"}, "Pain now: expected a whole number from 0 to 10."),
        ({"psfs": [{"activity": "Sitting", "score": 11}]},
         "PSFS: activity 1's score must be from 0 to 10; 11 is outside it."),
        ({"psfs": [{"activity": " ", "score": 4}]}, "PSFS: activity 1 has a score but no name."),
        ({"psfs": [{"activity": "Walk"}] * 6}, "PSFS: list at most 5 activities."),
        ({"sf36": 50}, "The outcome measures could not be read."),
        ([3], "The outcome measures could not be read."),
    ],
)  # fmt: skip
def test_each_outcome_problem_is_named(outcomes: object, message: str) -> None:
    for kind in ("progress", "discharge"):
        assert _problems(kind, {"outcomes": outcomes}) == {"outcomes": message}


def test_outcomes_may_be_partly_measured() -> None:
    partial = {"odi": None, "nprs": 0, "psfs": [{"activity": "Sitting 1 hour", "score": None}]}
    assert validate_note_content("progress", {"outcomes": partial}) == {"outcomes": partial}


@pytest.mark.parametrize(
    ("goals", "message"),
    [
        ({"1": {"status": "done"}}, GOAL_STATUS),
        ({"1": {"note": "Better"}}, GOAL_STATUS),
        ({"1": {"status": "met", "why": "x"}}, GOAL_STATUS),
        ({"goal-1": {"status": "met"}}, "The goals could not be read."),
        ({"1": "met"}, "The goals could not be read."),
        (["met"], "The goals could not be read."),
        ({"1": {"status": "met", "note": "n" * 201}},
         "A goal's note is 201 characters long; keep it to 200."),
    ],
)  # fmt: skip
def test_each_goal_problem_is_named(goals: object, message: str) -> None:
    for kind in ("progress", "discharge"):
        assert _problems(kind, {"goals": goals}) == {"goals": message}
    statuses = {str(n): {"status": s} for n, s in enumerate(("met", "progressing", "not_met",
                                                             "revised"), start=1)}  # fmt: skip
    assert validate_note_content("progress", {"goals": statuses}) == {"goals": statuses}


def test_a_discharge_reason_is_one_of_the_list() -> None:
    assert _problems("discharge", {"discharge_reason": "bored"}) == {
        "discharge_reason": "Choose the reason for discharge."
    }
    for reason in ("goals_met", "plateau", "patient_choice", "referred", "coverage_ended",
                   "no_return", "other"):  # fmt: skip
        assert validate_note_content("discharge", {"discharge_reason": reason}) == {
            "discharge_reason": reason
        }


def test_minutes_are_checked_by_the_billing_rules_and_keyed_by_code() -> None:
    problems = _problems("visit", {"minutes": {"97110": 20, "99999": 10, "97140": -5}})
    assert set(problems) == {"minutes.99999", "minutes.97140"}
    assert "not in the clinic's CPT list" in problems["minutes.99999"]
    assert problems["minutes.97140"] == "Minutes for 97140 Manual therapy cannot be negative."
    assert set(_problems("visit", {"minutes": {"97110": 7.5}})) == {"minutes.97110"}
    assert set(_problems("visit", {"minutes": {"97110": 481}})) == {"minutes.97110"}
    assert set(_problems("visit", {"minutes": {" 97110": 20}})) == {"minutes. 97110"}


def test_minutes_of_nothing_are_left_out() -> None:
    minutes = {"97110": 25, "97140": 0, "97010": 5}
    assert validate_note_content("visit", {"minutes": minutes}) == {
        "minutes": {"97110": 25, "97010": 5}
    }
    assert validate_note_content("visit", {"minutes": {"97110": 0}}) == {}


def test_minutes_that_cannot_be_read_are_refused_not_dropped() -> None:
    # Minutes are what the visit is billed by: losing them without a word is worse than asking.
    assert "minutes" in "".join(_problems("visit", {"minutes": [["97110", 30]]}))


def test_empty_parts_are_left_out_but_a_pain_of_0_is_kept() -> None:
    empty = {
        "subjective": "", "plan": None, "flowsheet": [], "techniques": [], "minutes": {},
        "outcomes": {}, "goals": {}, "discharge_reason": "", "pain_before": None,
    }  # fmt: skip
    assert validate_note_content("discharge", empty) == {}
    assert validate_note_content("visit", {"pain_before": 0, "pain_after": 0}) == {
        "pain_before": 0,
        "pain_after": 0,
    }


def test_every_wrong_part_is_named_at_once() -> None:
    content = {
        "subjective": "\x00", "pain_after": 12, "flowsheet": [{"code": "X"}],
        "minutes": {"97110": -1}, "outcomes": {"nprs": 20}, "goals": {"1": {}},
    }  # fmt: skip
    assert set(_problems("visit", content)) == {
        "subjective", "pain_after", "flowsheet", "minutes.97110", "outcomes", "goals",
    }  # fmt: skip
    assert set(_problems("progress", content)) == {
        "subjective", "pain_after", "flowsheet", "minutes.97110", "outcomes", "goals",
    }  # fmt: skip
