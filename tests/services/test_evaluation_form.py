"""The evaluation form as data: what a saved evaluation may hold, and the words for what not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptclinic.services.errors import ValidationError
from ptclinic.services.evaluation_form import (
    FORM,
    ODI_SECTION_NAMES,
    ODI_SECTIONS,
    SECTIONS,
    Kind,
    recorded,
    validate_content,
)


def _refused(content: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as raised:
        validate_content(content)
    return raised.value.field_errors


def test_the_form_covers_the_examination_the_issue_lists() -> None:
    assert [s.key for s in FORM] == [
        "subjective", "red_flags", "posture", "palpation", "provocation", "lumbar_hip",
        "mobility", "outcomes", "assessment",
    ]  # fmt: skip
    provocation = {f.key for f in SECTIONS["provocation"].findings}
    assert provocation == {
        "distraction", "thigh_thrust_left", "thigh_thrust_right", "compression", "sacral_thrust",
        "gaenslen_left", "gaenslen_right", "faber_left", "faber_right",
    }  # fmt: skip
    flags = {f.key for f in SECTIONS["red_flags"].findings}
    assert flags == {
        "fracture", "infection", "malignancy", "cauda_equina", "neuro_deficit", "inflammatory",
    }  # fmt: skip
    palpation = {f.key for f in SECTIONS["palpation"].findings}
    assert {"psis_left", "long_dorsal_ligament_right", "fortin"} <= palpation
    keys = [(s.key, f.key) for s in FORM for f in s.findings]
    assert len(keys) == len(set(keys))
    assert all(f.choices for s in FORM for f in s.findings if f.kind in (Kind.CHOICE, Kind.CHOICES))


def test_a_partly_filled_form_is_kept_and_unrecorded_findings_dropped() -> None:
    content = {
        "subjective": {"chief_complaint": "Right buttock pain", "nprs_now": 6, "onset": None},
        "provocation": {"distraction": {"result": "positive", "familiar": True}},
        "outcomes": {"odi": [2, 2, None, 3, 1, 2, 2, 2, 2, 2]},
        "posture": {},
    }
    assert validate_content(content) == {
        "subjective": {"chief_complaint": "Right buttock pain", "nprs_now": 6},
        "provocation": {"distraction": {"result": "positive", "familiar": True}},
        "outcomes": {"odi": [2, 2, None, 3, 1, 2, 2, 2, 2, 2]},
    }
    assert recorded(content, "subjective", "nprs_now") == 6
    assert recorded(content, "palpation", "fortin") is None


@pytest.mark.parametrize(
    ("content", "key", "words"),
    [
        ({"subjective": {"nprs_now": 11}}, "subjective.nprs_now", "from 0 to 10; 11 is outside"),
        ({"subjective": {"nprs_now": True}}, "subjective.nprs_now", "whole number"),
        ({"subjective": {"chief_complaint": "x" * 201}}, "subjective.chief_complaint", "keep it"),
        ({"subjective": {"goals": "walk\x07"}}, "subjective.goals", "cannot be stored"),
        ({"subjective": {"pain_locations": ["moon"]}}, "subjective.pain_locations", "choices"),
        (
            {"subjective": {"pain_locations": ["lumbar", "lumbar"]}},
            "subjective.pain_locations",
            "listed twice",
        ),
        ({"posture": {"asis": "sideways"}}, "posture.asis", "not one of the choices"),
        (
            {"red_flags": {"cauda_equina": {"present": True, "action": " "}}},
            "red_flags.cauda_equina",
            "record the action taken",
        ),
        (
            {"provocation": {"compression": {"result": "negative", "familiar": True}}},
            "provocation.compression",
            "only a positive test",
        ),
        (
            {"provocation": {"compression": {"result": "maybe"}}},
            "provocation.compression",
            "result",
        ),
        ({"outcomes": {"odi": [2] * 11}}, "outcomes.odi", "10 section scores"),
        ({"outcomes": {"odi": [2, 6, 2, 2, 2, 2, 2, 2, 2, 2]}}, "outcomes.odi", "section 2"),
        (
            {"outcomes": {"psfs": [{"activity": "", "score": 3}]}},
            "outcomes.psfs",
            "a score but no name",
        ),
        ({"mobility": {"aslr_left": 6}}, "mobility.aslr_left", "from 0 to 5"),
        ({"palpation": {"psis_left": "yes"}}, "palpation.psis_left", "yes or no"),
        ({"subjective": {"mood": "fine"}}, "subjective.mood", "no finding “mood”"),
        ({"billing": {}}, "billing", "no section “billing”"),
    ],
)
def test_what_the_form_does_not_allow_is_refused_by_finding(
    content: dict[str, object], key: str, words: str
) -> None:
    problems = _refused(content)
    assert words in problems[key], problems


def test_something_that_is_not_a_form_is_refused() -> None:
    assert "could not be read" in _refused(["not", "a", "form"])["content"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 2000) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    st.sampled_from([(s.key, f.key) for s in FORM for f in s.findings]),
    json_values,
)
def test_any_value_is_either_kept_exactly_or_refused_in_words(
    place: tuple[str, str], anything: object
) -> None:
    section, key = place
    try:
        kept = validate_content({section: {key: anything}})
    except ValidationError as exc:
        assert exc.field_errors and all(exc.field_errors.values())
    else:
        assert kept == ({} if anything is None else {section: {key: anything}})


def test_the_oswestry_has_a_name_for_each_of_its_ten_sections() -> None:
    assert len(ODI_SECTION_NAMES) == ODI_SECTIONS == 10
    assert ODI_SECTION_NAMES[0] == "Pain intensity" and ODI_SECTION_NAMES[-1] == "Traveling"
