"""The starting plan for each classification (``resources/care_plans/templates.toml``): how often
and how long, the items, and the goals with their target dates counted from the plan's start.

Data rather than code, so that a clinic's lead therapist can review and change them; checked in
full on loading (every code must be in the library or catalogue, every goal must be valid), so a
bad edit is found at start-up, not at a patient's first visit.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any

from ptclinic.services.care_goals import GoalInput, validate_goal
from ptclinic.services.care_plan_catalogue import PlanEntry, new_entry
from ptclinic.services.errors import DomainError, ValidationError
from ptclinic.services.evaluation_form import CLASSIFICATION_LABELS

TEMPLATE_FILE = "templates.toml"
PSFS_FIRST_ACTIVITY = "first"  # a goal's activity filled from the patient's first PSFS activity
_CHECK_DAY = date(2026, 1, 5)  # any Monday: goal dates are checked relative to it


class TemplateError(DomainError):
    """The shipped templates file is wrong (a program or data error, found at loading)."""


@dataclass(frozen=True)
class GoalTemplate:
    term: str
    weeks: int
    text: str = ""
    measure: str | None = None
    rule: str | None = None
    target: float | None = None
    activity: str = ""

    def goal(self, start: date, psfs_activity: str) -> GoalInput | None:
        activity = psfs_activity if self.activity == PSFS_FIRST_ACTIVITY else self.activity
        if self.measure == "psfs" and not activity:
            return None  # no activity chosen on the PSFS: no goal to tie to it
        return GoalInput(
            self.term, self.text, start + timedelta(weeks=self.weeks), self.measure, self.rule,
            self.target, activity,
        )  # fmt: skip


@dataclass(frozen=True)
class PlanTemplate:
    classification: str
    visits_per_week: int
    duration_weeks: int
    items: tuple[PlanEntry, ...]
    goal_templates: tuple[GoalTemplate, ...]

    def goals(self, start: date, psfs_activity: str = "") -> list[GoalInput]:
        made = (g.goal(start, psfs_activity) for g in self.goal_templates)
        return [goal for goal in made if goal is not None]


def _entry(raw: Mapping[str, Any]) -> PlanEntry:
    home = raw.get("home")
    return new_entry(
        str(raw.get("kind", "")),
        str(raw.get("code", "")),
        text=str(raw.get("text", "")),
        details=raw.get("details"),
        dosage=raw.get("dosage"),
        on_home_program=None if home is None else bool(home),
    )


def _goal(raw: Mapping[str, Any]) -> GoalTemplate:
    target = raw.get("target")
    return GoalTemplate(
        term=str(raw["term"]),
        weeks=int(raw["weeks"]),
        text=str(raw.get("text", "")),
        measure=raw.get("measure"),
        rule=raw.get("rule"),
        target=None if target is None else float(target),
        activity=str(raw.get("activity", "")),
    )


def _template(classification: str, raw: Mapping[str, Any]) -> PlanTemplate:
    template = PlanTemplate(
        classification,
        int(raw["visits_per_week"]),
        int(raw["duration_weeks"]),
        tuple(_entry(item) for item in raw["items"]),
        tuple(_goal(goal) for goal in raw.get("goals", ())),
    )
    for goal in template.goals(_CHECK_DAY, psfs_activity="Sitting"):
        validate_goal(goal, plan_start=_CHECK_DAY)
    return template


@functools.cache
def templates() -> dict[str, PlanTemplate]:
    source = resources.files("ptclinic.resources") / "care_plans" / TEMPLATE_FILE
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    if set(data) != set(CLASSIFICATION_LABELS):
        raise TemplateError(
            f"{TEMPLATE_FILE} must have one template per classification "
            f"({', '.join(CLASSIFICATION_LABELS)}), not {', '.join(sorted(data))}."
        )
    found: dict[str, PlanTemplate] = {}
    for classification, raw in data.items():
        try:
            found[classification] = _template(classification, raw)
        except (KeyError, TypeError, ValueError, ValidationError) as exc:
            raise TemplateError(f"{TEMPLATE_FILE}, template “{classification}”: {exc}") from exc
    return found


def template_for(classification: str) -> PlanTemplate:
    return templates()[classification]
