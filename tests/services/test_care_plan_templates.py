"""The shipped plan templates: one per classification, every code in the library or catalogue,
every goal valid; and a bad template is named at loading, not at a patient's first visit."""

from __future__ import annotations

from datetime import date

import pytest

from ptclinic.services import care_plan_templates
from ptclinic.services.care_plan_templates import TemplateError, templates
from ptclinic.services.evaluation_form import CLASSIFICATION_LABELS


def test_every_classification_has_a_sound_template() -> None:
    found = templates()
    assert set(found) == set(CLASSIFICATION_LABELS)
    for template in found.values():
        kinds = {entry.kind for entry in template.items}
        assert {"exercise", "manual", "education"} <= kinds  # exercise, hands-on care, advice
        assert 1 <= template.visits_per_week <= 3 and template.duration_weeks >= 6
        home = [e for e in template.items if e.on_home_program and e.kind == "exercise"]
        assert 3 <= len(home) <= 8  # a home program a patient can actually do
        goals = template.goals(date(2026, 12, 7), "Sitting 1 hour")
        assert {g.term for g in goals} == {"short", "long"}
        assert any(g.measure == "odi" for g in goals) and any(g.measure == "psfs" for g in goals)


def test_the_stability_template_starts_with_stage_one_stabilisation() -> None:
    stability = templates()["stability"]
    exercises = [e for e in stability.items if e.kind == "exercise"]
    assert all(e.stage == 1 for e in exercises)
    assert "SB-DRAWIN" in [e.code for e in exercises]


GOOD = """
[mobility]
visits_per_week = 2
duration_weeks = 6
items = [{ kind = "exercise", code = "MO-LROT" }]

[calm_load]
visits_per_week = 2
duration_weeks = 6
items = [{ kind = "exercise", code = "MO-PTILT" }]
"""


def _load(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    class FakeFile:
        def __truediv__(self, _name: str) -> FakeFile:
            return self

        def read_text(self, encoding: str) -> str:
            return text

    monkeypatch.setattr(care_plan_templates.resources, "files", lambda _package: FakeFile())
    templates.cache_clear()
    try:
        templates()
    finally:
        templates.cache_clear()


@pytest.mark.parametrize(
    "stability",
    [
        'visits_per_week = 2\nduration_weeks = 6\nitems = [{ kind = "exercise", code = "XX" }]',
        "visits_per_week = 2\nduration_weeks = 6\n"
        'items = [{ kind = "manual", code = "MT-MOB-SIJ", details = { grade = "VII" } }]',
        "visits_per_week = 2\nduration_weeks = 6\nitems = []\n"
        'goals = [{ term = "long", weeks = 6, measure = "odi", rule = "at_least", target = 10 }]',
        "duration_weeks = 6\nitems = []",
    ],
)
def test_a_bad_template_is_named_at_loading(
    monkeypatch: pytest.MonkeyPatch, stability: str
) -> None:
    with pytest.raises(TemplateError, match="template “stability”"):
        _load(monkeypatch, GOOD + "\n[stability]\n" + stability + "\n")


def test_a_missing_classification_in_the_file_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(TemplateError, match="one template per classification"):
        _load(monkeypatch, GOOD)
