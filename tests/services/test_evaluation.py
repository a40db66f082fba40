"""The SI provocation cluster: the decision rule, the counts, and refusal of unknown input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ptclinic.services.errors import ValidationError
from ptclinic.services.evaluation import (
    FIRST_FOUR,
    RULE_TEXT,
    SI_TESTS,
    ClusterVerdict,
    cluster_of,
    interpret,
    propose_classification,
    si_cluster,
)

outcomes = st.dictionaries(st.sampled_from(SI_TESTS), st.one_of(st.none(), st.booleans()))


def test_two_of_the_first_four_make_si_pain_likely() -> None:
    result = si_cluster({"distraction": True, "thigh_thrust": True, "compression": False})
    assert (result.positive, result.tested, result.si_likely) == (2, 3, True)
    assert result.text() == (
        "2 of 3 tested positive (2 of the first four); 3 not tested: SI joint pain likely."
    )


def test_three_of_six_make_it_likely_even_with_one_of_the_first_four() -> None:
    result = si_cluster(
        {
            "distraction": False,
            "thigh_thrust": True,
            "compression": False,
            "sacral_thrust": False,
            "gaenslen_left": True,
            "gaenslen_right": True,
        }
    )
    assert (result.positive, result.positive_of_four, result.tested) == (3, 1, 6)
    assert result.si_likely


def test_two_positive_gaenslens_alone_are_not_enough() -> None:
    result = si_cluster({name: name.startswith("gaenslen") for name in SI_TESTS})
    assert result.verdict is ClusterVerdict.UNDECIDED and not result.si_likely
    assert result.text().endswith("not enough to call SI joint pain likely.")


def test_all_tests_negative_make_it_unlikely_and_none_tested_says_so() -> None:
    assert si_cluster({name: False for name in SI_TESTS}).verdict is ClusterVerdict.UNLIKELY
    assert (
        si_cluster({name: False for name in SI_TESTS}).text().endswith(": SI joint pain unlikely.")
    )
    one = si_cluster({"distraction": False})
    assert one.text() == (
        "0 of 1 tested positive (0 of the first four); 5 not tested: SI joint pain unlikely so far."
    )
    untested = si_cluster({name: None for name in SI_TESTS})
    assert untested.verdict is ClusterVerdict.NOT_TESTED and untested.tested == 0
    assert si_cluster({}).text() == "No provocation test recorded yet."


def test_the_rule_explains_itself_with_its_accuracy() -> None:
    assert "2 of the first four" in RULE_TEXT and "3 of all six" in RULE_TEXT
    assert "sensitivity 94%, specificity 78%" in RULE_TEXT


def test_unknown_tests_and_values_are_refused_in_words() -> None:
    with pytest.raises(ValidationError, match="Unknown provocation test 'faber'"):
        si_cluster({"faber": True})
    with pytest.raises(ValidationError, match=r"Distraction is positive \(True\)"):
        si_cluster({"distraction": "yes"})  # type: ignore[dict-item]
    with pytest.raises(ValidationError):
        si_cluster({"compression": 1})  # type: ignore[dict-item]


@given(outcomes)
def test_the_verdict_follows_the_rule_for_any_findings(results: dict[str, bool | None]) -> None:
    result = si_cluster(results)
    positives = [name for name, value in results.items() if value]
    tested = [name for name, value in results.items() if value is not None]
    four = [name for name in positives if name in FIRST_FOUR]
    assert result.positive == len(positives) and result.tested == len(tested)
    assert result.si_likely == (len(four) >= 2 or len(positives) >= 3)
    assert (result.verdict is ClusterVerdict.UNLIKELY) == (bool(tested) and not positives)


# --- the whole evaluation interpreted --------------------------------------------------------


def _test(result: str, familiar: bool = False) -> dict[str, object]:
    return {"result": result, "familiar": familiar}


def test_only_tests_that_reproduce_the_familiar_pain_count_and_thigh_thrust_counts_once() -> None:
    content = {
        "provocation": {
            "distraction": _test("positive", familiar=True),
            "compression": _test("positive"),  # painful, but not the patient's pain
            "thigh_thrust_left": _test("negative"),
            "thigh_thrust_right": _test("positive", familiar=True),
            "gaenslen_left": _test("not_tested"),
        }
    }
    cluster = cluster_of(content)
    assert (cluster.positive, cluster.tested, cluster.positive_of_four) == (2, 3, 2)
    assert cluster.si_likely


def test_the_proposal_calms_irritable_tissue_first_and_weighs_stability_against_mobility() -> None:
    irritable = {"assessment": {"irritability": "high"}, "mobility": {"aslr_left": 3}}
    proposal = propose_classification(irritable)
    assert proposal.classification == "calm_load"
    assert proposal.text() == "Suggested: Calm and load gradually — high irritability."
    assert propose_classification({"subjective": {"nprs_now": 8}}).classification == "calm_load"

    loose = {"mobility": {"aslr_left": 3, "aslr_right": 2, "gillet": "hypomobile_left"}}
    proposal = propose_classification(loose)
    assert proposal.classification == "stability"
    assert proposal.reasons["stability"] == (
        "ASLR left 3/5 (poor load transfer)",
        "ASLR right 2/5 (poor load transfer)",
    )
    assert proposal.reasons["mobility"] == ("Gillet reduced on the left",)

    stiff = {"mobility": {"gillet": "hypomobile_right", "standing_flexion": "positive_right"}}
    assert propose_classification(stiff).classification == "mobility"
    tie = {"mobility": {"aslr_left": 2, "gillet": "hypomobile_left"}}
    assert propose_classification(tie).classification is None
    # A tie names both sides rather than asking for findings already recorded.
    assert propose_classification(tie).text() == (
        "No classification suggested: the findings point both ways (stiffness: Gillet reduced "
        "on the left; poor control: ASLR left 2/5 (poor load transfer)). Choose with a rationale."
    )
    assert propose_classification({}).text().startswith("No classification suggested yet")


def test_the_interpretation_lists_red_flags_first_and_points_away_from_the_si_joint() -> None:
    content = {
        "subjective": {"duration_weeks": 20, "nprs_now": 5},
        "red_flags": {
            "cauda_equina": {"present": True, "action": "Sent to the emergency department"},
            "fracture": {"present": False, "action": ""},
        },
        "lumbar_hip": {"repeated_movements": "centralises"},
        "palpation": {"fortin": "positive_right"},
        "outcomes": {
            "odi": [2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
            "psfs": [{"activity": "Sitting 1 hour", "score": 3}, {"activity": "Run", "score": 5}],
        },
    }
    result = interpret(content, age=32)
    assert result.red_flags == ("Cauda equina signs",)
    assert result.inflammatory_screen_due  # 32 years old, 20 weeks, pattern not yet asked
    assert result.fortin_positive and result.lumbar_pattern
    assert result.odi == 40.0 and result.psfs == 4.0 and result.nprs_now == 5
    lines = result.summary_lines()
    assert lines[0] == "⚠ Red flags: Cauda equina signs."
    assert lines[1].startswith("⚠ Under 45 with pain over 3 months")
    assert "Oswestry: 40% · Moderate disability" in lines
    assert not interpret(content, age=50).inflammatory_screen_due
    asked = {**content, "red_flags": {"inflammatory": {"present": False, "action": ""}}}
    assert not interpret(asked, age=32).inflammatory_screen_due
    assert interpret({}, age=40).summary_lines() == [
        "SI provocation cluster: No provocation test recorded yet.",
        "No classification suggested yet: record ASLR, Gillet and standing flexion "
        "(Mobility and load transfer) and irritability (Assessment).",
    ]
