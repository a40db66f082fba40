"""Care-plan goals: what a therapist may write, measurable goals said in words, and whether a
score meets a goal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ptclinic.services.care_goals import GoalInput, goal_met, goal_words, validate_goal
from ptclinic.services.errors import ValidationError

START = date(2026, 12, 7)
ODI = GoalInput("long", "", date(2027, 1, 18), "odi", "drop_by", 10.0)


@pytest.mark.parametrize(
    ("goal", "words"),
    [
        (ODI, "Oswestry score down by at least 10 points"),
        (replace(ODI, rule="at_most", target=20.0), "Oswestry score at most 20%"),
        (replace(ODI, measure="nprs", rule="at_most", target=3.0), "Pain at most 3/10"),
        (replace(ODI, measure="nprs", target=1.0), "Pain down by at least 1 point"),
        (
            replace(ODI, measure="psfs", rule="at_least", target=7.0, activity="Sitting 1 hour"),
            "Sitting 1 hour at least 7/10 (PSFS)",
        ),
    ],
)
def test_a_measurable_goal_without_words_is_said_for_it(goal: GoalInput, words: str) -> None:
    assert validate_goal(goal, plan_start=START).text == words


def test_the_therapists_own_words_are_kept_cleaned() -> None:
    goal = replace(ODI, text="  Back to  gardening\\tfor an hour ", measure=None, rule=None,
                   target=None)  # fmt: skip
    assert validate_goal(goal, plan_start=START).text == "Back to gardening\\tfor an hour"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"term": "medium"}, "term"),
        ({"target_date": START}, "target_date"),
        ({"target_date": date(2028, 1, 1)}, "target_date"),
        ({"measure": "sf36"}, "measure"),
        ({"measure": None}, "measure"),  # a rule and target without a measure
        ({"rule": "at_least"}, "rule"),  # disability should come down, not up
        ({"measure": "psfs", "rule": "drop_by", "activity": "Sitting"}, "rule"),
        ({"target": None}, "target"),
        ({"target": 0.0}, "target"),
        ({"target": 101.0}, "target"),
        ({"measure": "nprs", "rule": "at_most", "target": 10.0}, "target"),
        ({"measure": "psfs", "rule": "at_least", "target": 7.0}, "activity"),
        ({"text": "x" * 301}, "text"),
        ({"measure": None, "rule": None, "target": None}, "text"),  # nothing said at all
    ],
)
def test_a_goal_that_cannot_be_kept_is_refused_by_field(
    change: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_goal(replace(ODI, **change), plan_start=START)  # type: ignore[arg-type]
    assert field in raised.value.field_errors


@pytest.mark.parametrize(
    ("rule", "target", "baseline", "latest", "met"),
    [
        ("drop_by", 10.0, 40.0, 30.0, True),
        ("drop_by", 10.0, 40.0, 31.0, False),
        ("drop_by", 10.0, None, 20.0, None),  # no intake score to count from
        ("at_most", 3.0, 7.0, 3.0, True),
        ("at_most", 3.0, 7.0, 4.0, False),
        ("at_least", 7.0, 3.0, 7.0, True),
        ("at_least", 7.0, 3.0, 6.5, False),
    ],
)
def test_whether_a_score_meets_a_goal(
    rule: str, target: float, baseline: float | None, latest: float, met: bool | None
) -> None:
    assert goal_met(rule, target, baseline, latest) is met


def test_words_for_a_goal_in_words_only_are_empty() -> None:
    assert goal_words(None, None, None, "") == ""
