"""Care-plan goals: checking what a therapist writes, saying a measurable goal in words, and
telling whether a measure meets it.

A measurable goal ties an outcome measure to a rule: the Oswestry Disability Index and pain (NPRS)
should come down ("down by at least 10 points" from the intake score, or "at most 20"); a
Patient-Specific Functional Scale activity should go up ("sitting at least 7/10"). A goal can
also be words only ("back to gardening for an hour").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ptclinic.models.care_plan import GoalRule, GoalStatus, GoalTerm
from ptclinic.services.errors import ValidationError
from ptclinic.services.text import clean_line

TEXT_LIMIT = 300
ACTIVITY_LIMIT = 120
LONGEST_GOAL = timedelta(days=366)  # a plan of care is certified for months, not years

MEASURE_NAMES = {"odi": "Oswestry score", "nprs": "Pain", "psfs": "PSFS"}
MEASURE_RANGES = {"odi": 100.0, "nprs": 10.0, "psfs": 10.0}
# Which rules make sense for which measure: disability and pain fall, function rises.
RULES_FOR = {
    "odi": (GoalRule.DROP_BY, GoalRule.AT_MOST),
    "nprs": (GoalRule.DROP_BY, GoalRule.AT_MOST),
    "psfs": (GoalRule.AT_LEAST,),
}
TERM_LABELS = {GoalTerm.SHORT: "Short-term", GoalTerm.LONG: "Long-term"}
STATUS_LABELS = {
    GoalStatus.PROGRESSING: "Progressing",
    GoalStatus.MET: "Met",
    GoalStatus.NOT_MET: "Not met",
    GoalStatus.REVISED: "Revised",
}


@dataclass(frozen=True)
class GoalInput:
    term: str
    text: str
    target_date: date
    measure: str | None = None
    rule: str | None = None
    target: float | None = None
    activity: str = ""  # a PSFS goal's activity, in the patient's words


def _number(value: float) -> str:
    return f"{value:g}"


def goal_words(measure: str | None, rule: str | None, target: float | None, activity: str) -> str:
    """ "Oswestry score down by at least 10 points", "Pain at most 3/10", "Sitting 1 hour at
    least 7/10 (PSFS)"; "" for a goal in words only."""
    if measure is None or rule is None or target is None:
        return ""
    amount = _number(target)
    if measure == "psfs":
        return f"{activity or 'The chosen activity'} at least {amount}/10 (PSFS)"
    name = MEASURE_NAMES[measure]
    if rule == GoalRule.DROP_BY:
        return f"{name} down by at least {amount} point{'' if target == 1 else 's'}"
    scale = "%" if measure == "odi" else "/10"
    return f"{name} at most {amount}{scale}"


def _target_problem(measure: str, rule: str | None, target: float) -> str | None:
    top = MEASURE_RANGES[measure]
    if rule == GoalRule.AT_MOST:
        if not 0 <= target < top:
            return f"Give a number from 0 to below {_number(top)}."
    elif not 0 < target <= top:
        return f"Give a number above 0 and at most {_number(top)}."
    return None


def validate_goal(data: GoalInput, *, plan_start: date) -> GoalInput:
    """The goal cleaned, or a ValidationError naming each field that is wrong."""
    errors: dict[str, str] = {}
    if data.term not in {t.value for t in GoalTerm}:
        errors["term"] = "Choose short-term or long-term."
    text = clean_line(data.text)
    activity = clean_line(data.activity)
    if data.target_date <= plan_start:
        errors["target_date"] = "The target date must come after the plan starts."
    elif data.target_date > plan_start + LONGEST_GOAL:
        errors["target_date"] = "The target date is more than a year away: set a nearer one."
    measure, rule, target = data.measure or None, data.rule or None, data.target
    if measure is None:
        if rule is not None or target is not None:
            errors["measure"] = "Choose the measure this goal is about, or leave the goal in words."
    elif measure not in RULES_FOR:
        errors["measure"] = "Goals can be measured by the Oswestry score, pain or the PSFS."
    else:
        allowed = RULES_FOR[measure]
        if rule not in {r.value for r in allowed}:
            errors["rule"] = (
                "A PSFS goal is an activity score to reach (at least)."
                if measure == "psfs"
                else f"{MEASURE_NAMES[measure]} goals say how far the score comes down."
            )
        if target is None:
            errors["target"] = "Give the number to reach."
        elif (problem := _target_problem(measure, rule, target)) is not None:
            errors["target"] = problem
        if measure == "psfs" and not activity:
            errors["activity"] = "Name the activity, as the patient chose it on the PSFS."
    if not text:
        text = "" if errors else goal_words(measure, rule, target, activity)
        if not text and not errors:
            errors["text"] = "Say what the goal is."
    if len(text) > TEXT_LIMIT:
        errors["text"] = f"Keep the goal under {TEXT_LIMIT} characters."
    if len(activity) > ACTIVITY_LIMIT:
        errors["activity"] = f"Keep the activity under {ACTIVITY_LIMIT} characters."
    if errors:
        raise ValidationError(errors)
    return GoalInput(data.term, text, data.target_date, measure, rule, target, activity)


def goal_met(rule: str, target: float, baseline: float | None, latest: float) -> bool | None:
    """Whether ``latest`` meets the goal; None when a "down by" goal has no baseline to count
    from."""
    if rule == GoalRule.DROP_BY:
        return None if baseline is None else baseline - latest >= target
    if rule == GoalRule.AT_MOST:
        return latest <= target
    return latest >= target
