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
    si_cluster,
)

outcomes = st.dictionaries(st.sampled_from(SI_TESTS), st.one_of(st.none(), st.booleans()))


def test_two_of_the_first_four_make_si_pain_likely() -> None:
    result = si_cluster({"distraction": True, "thigh_thrust": True, "compression": False})
    assert (result.positive, result.tested, result.si_likely) == (2, 3, True)
    assert result.text() == (
        "2 of 3 tested positive (2 of the first 3); 3 not tested: SI joint pain likely."
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
