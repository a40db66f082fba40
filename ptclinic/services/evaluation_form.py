"""The intake evaluation form: its sections and findings as data, and the check that a saved
evaluation holds only what the form allows.

One description serves everyone: the services validate and interpret ``content`` with it, the
screen builds its sections from it, and the report prints it. ``content`` is a JSON document
``{section key: {finding key: value}}``; a finding left out was not recorded. Values by kind:

- ``TEXT`` one line, ``NOTE`` several lines: a string.
- ``CHOICE``: one of the field's choice keys; ``CHOICES``: a list of them (no repeats).
- ``SCORE``: a whole number from ``low`` to ``high``.
- ``YES_NO``: true or false (unanswered: left out).
- ``RED_FLAG``: ``{"present": bool, "action": str}``; an action is required when present.
- ``PROVOCATION``: ``{"result": "positive" | "negative" | "not_tested", "familiar": bool}``;
  only a positive test that reproduced the familiar pain counts as positive.
- ``ODI``: ten section scores, each 0-5 or null; ``PSFS``: up to five
  ``{"activity": str, "score": 0-10 or null}``.

``CONTENT_FORMAT`` numbers this shape; a later change to it bumps the number and converts old
drafts on reading.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ptclinic.services.errors import ValidationError
from ptclinic.services.text import has_control_characters

CONTENT_FORMAT = 1
TEXT_LIMIT = 200
NOTE_LIMIT = 4000


class Kind(enum.StrEnum):
    TEXT = "text"
    NOTE = "note"
    CHOICE = "choice"
    CHOICES = "choices"
    SCORE = "score"
    YES_NO = "yes_no"
    RED_FLAG = "red_flag"
    PROVOCATION = "provocation"
    ODI = "odi"
    PSFS = "psfs"


@dataclass(frozen=True)
class Finding:
    key: str
    label: str
    kind: Kind
    choices: tuple[tuple[str, str], ...] = ()  # (key, label)
    low: int = 0
    high: int = 10
    hint: str = ""

    def choice_label(self, key: str) -> str:
        return dict(self.choices).get(key, key)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    findings: tuple[Finding, ...]
    hint: str = ""
    _index: dict[str, Finding] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({f.key: f for f in self.findings})

    def finding(self, key: str) -> Finding | None:
        return self._index.get(key)


def _t(key: str, label: str, hint: str = "") -> Finding:
    return Finding(key, label, Kind.TEXT, hint=hint)


def _n(key: str, label: str, hint: str = "") -> Finding:
    return Finding(key, label, Kind.NOTE, hint=hint)


def _c(key: str, label: str, *choices: tuple[str, str], hint: str = "") -> Finding:
    return Finding(key, label, Kind.CHOICE, choices=choices, hint=hint)


def _score(key: str, label: str, low: int = 0, high: int = 10, hint: str = "") -> Finding:
    return Finding(key, label, Kind.SCORE, low=low, high=high, hint=hint)


def _sides(key: str, label: str, kind: Kind, **kw: Any) -> tuple[Finding, Finding]:
    return (
        Finding(f"{key}_left", f"{label}, left", kind, **kw),
        Finding(f"{key}_right", f"{label}, right", kind, **kw),
    )


LEVEL = (("level", "Level"), ("left_higher", "Left higher"), ("right_higher", "Right higher"))
BODY_REGIONS = (
    ("lumbar", "Lumbar spine"),
    ("sacrum", "Sacrum (midline)"),
    ("psis_left", "Left PSIS"),
    ("psis_right", "Right PSIS"),
    ("buttock_left", "Left buttock"),
    ("buttock_right", "Right buttock"),
    ("groin_left", "Left groin"),
    ("groin_right", "Right groin"),
    ("thigh_left", "Left posterior thigh"),
    ("thigh_right", "Right posterior thigh"),
    ("below_knee_left", "Left leg below the knee"),
    ("below_knee_right", "Right leg below the knee"),
)
TEST_RESULTS = (("positive", "Positive"), ("negative", "Negative"), ("not_tested", "Not tested"))
PROVOCATION_TESTS = (
    ("distraction", "Distraction"),
    ("thigh_thrust_left", "Thigh thrust, left"),
    ("thigh_thrust_right", "Thigh thrust, right"),
    ("compression", "Compression"),
    ("sacral_thrust", "Sacral thrust"),
    ("gaenslen_left", "Gaenslen, left"),
    ("gaenslen_right", "Gaenslen, right"),
    ("faber_left", "FABER, left"),
    ("faber_right", "FABER, right"),
)
RED_FLAGS = (
    ("fracture", "Suspected fracture", "Trauma, osteoporosis, long steroid use, age over 70."),
    ("infection", "Infection", "Fever, recent infection, IV drug use, immune suppression."),
    ("malignancy", "Malignancy", "History of cancer, unexplained weight loss, night pain."),
    (
        "cauda_equina",
        "Cauda equina signs",
        "Saddle numbness, new bladder or bowel change, both legs weak.",
    ),
    ("neuro_deficit", "Progressive neurological deficit", "Weakness or numbness getting worse."),
    (
        "inflammatory",
        "Inflammatory back pain pattern",
        "Under 45, over 3 months: morning stiffness over 30 minutes, better with movement, "
        "night waking in the second half of the night.",
    ),
)
CLASSIFICATION_CHOICES = (
    ("mobility", "Mobility"),
    ("stability", "Stability"),
    ("calm_load", "Calm and load gradually"),
)
PALPATION_SITES = (
    ("psis", "PSIS"),
    ("sacral_sulcus", "Sacral sulcus"),
    ("long_dorsal_ligament", "Long dorsal ligament"),
    ("piriformis", "Piriformis"),
    ("gluteus_medius", "Gluteus medius"),
    ("lumbar_paraspinals", "Lumbar paraspinals"),
)

FORM: tuple[Section, ...] = (
    Section(
        "subjective",
        "Subjective",
        (
            _t("chief_complaint", "Chief complaint", "In the patient's words."),
            _t("onset", "Onset", "When and how it began."),
            _score("duration_weeks", "Duration (weeks)", 0, 1040),
            Finding("pain_locations", "Where it hurts", Kind.CHOICES, choices=BODY_REGIONS),
            _score("nprs_now", "Pain now (0-10)", hint="0 is no pain, 10 the worst imaginable."),
            _score("nprs_best", "Pain at best (0-10)"),
            _score("nprs_worst", "Pain at worst (0-10)"),
            _n("aggravating", "Makes it worse"),
            _n("easing", "Makes it better"),
            _n("pattern_24h", "Over 24 hours", "Morning, during the day, evening, night."),
            _n("prior_treatment", "Treatment so far"),
            _n("goals", "The patient's goals"),
        ),
    ),
    Section(
        "red_flags",
        "Red-flag screen",
        tuple(Finding(key, label, Kind.RED_FLAG, hint=hint) for key, label, hint in RED_FLAGS),
        hint="Any yes stops for a referral decision, recorded with the action taken.",
    ),
    Section(
        "posture",
        "Posture and movement",
        (
            _n("standing_alignment", "Standing alignment"),
            _c("iliac_crest", "Iliac crest height", *LEVEL),
            _c("asis", "ASIS height", *LEVEL),
            _c("psis", "PSIS height", *LEVEL),
            _c(
                "leg_length",
                "Apparent leg length",
                ("equal", "Equal"),
                ("left_shorter", "Left shorter"),
                ("right_shorter", "Right shorter"),
            ),
            _c(
                "lordosis",
                "Lumbar lordosis",
                ("normal", "Normal"),
                ("increased", "Increased"),
                ("decreased", "Decreased"),
            ),
            _c(
                "weight_shift",
                "Weight shift",
                ("none", "None"),
                ("to_left", "To the left"),
                ("to_right", "To the right"),
            ),
            _n("gait", "Gait"),
            _n("sit_to_stand", "Sit to stand"),
            _n("single_leg_stance", "Single-leg stance"),
            _n("forward_bend", "Forward bend"),
        ),
    ),
    Section(
        "palpation",
        "Palpation",
        (
            *(
                finding
                for key, label in PALPATION_SITES
                for finding in _sides(key, f"{label} tender", Kind.YES_NO)
            ),
            _c(
                "fortin",
                "Fortin finger test",
                ("negative", "Negative"),
                ("positive_left", "Positive, left"),
                ("positive_right", "Positive, right"),
                ("positive_both", "Positive, both sides"),
                ("not_tested", "Not tested"),
                hint="Positive when the patient points to within 1 cm of the PSIS.",
            ),
        ),
    ),
    Section(
        "provocation",
        "Provocation tests",
        tuple(Finding(key, label, Kind.PROVOCATION) for key, label in PROVOCATION_TESTS),
        hint="A test is positive only when it reproduces the patient's familiar pain.",
    ),
    Section(
        "lumbar_hip",
        "Lumbar and hip screen",
        (
            _c(
                "repeated_movements",
                "Repeated movements",
                ("centralises", "Centralizes"),
                ("peripheralises", "Peripheralizes"),
                ("no_effect", "No lasting effect"),
                ("not_tested", "Not tested"),
                hint="Centralizing symptoms point to the lumbar spine, away from the SI joint.",
            ),
            _n("repeated_detail", "Repeated movements: what was done and what changed"),
            *_sides("slr", "Straight leg raise", Kind.CHOICE, choices=TEST_RESULTS),
            *_sides("slr_degrees", "Straight leg raise (degrees)", Kind.SCORE, low=0, high=120),
            _n("hip_rom", "Hip range of motion"),
        ),
    ),
    Section(
        "mobility",
        "Mobility and load transfer",
        (
            *_sides("aslr", "Active straight leg raise (0-5)", Kind.SCORE, low=0, high=5),
            _c(
                "standing_flexion",
                "Standing flexion test",
                ("negative", "Negative"),
                ("positive_left", "Positive, left"),
                ("positive_right", "Positive, right"),
                ("not_tested", "Not tested"),
            ),
            _c(
                "gillet",
                "Gillet (stork) test",
                ("normal", "Normal movement"),
                ("hypomobile_left", "Reduced, left"),
                ("hypomobile_right", "Reduced, right"),
                ("not_tested", "Not tested"),
            ),
            _c(
                "joint_mobility",
                "Overall joint mobility",
                ("hypomobile", "Stiff (hypomobile)"),
                ("normal", "Normal"),
                ("hypermobile", "Loose (hypermobile)"),
            ),
            _n("mobility_notes", "Notes"),
        ),
        hint=(
            "Active straight leg raise: lying on their back, the patient lifts each straight leg"
            " 20 cm and rates how hard it is: 0 not difficult at all, 1 minimally, 2 somewhat,"
            " 3 fairly, 4 very difficult, 5 unable."
        ),
    ),
    Section(
        "outcomes",
        "Outcome measures",
        (
            Finding("odi", "Oswestry Disability Index", Kind.ODI),
            Finding("psfs", "Patient-Specific Functional Scale", Kind.PSFS),
        ),
        hint="Pain now (NPRS) is taken from the subjective section.",
    ),
    Section(
        "assessment",
        "Assessment",
        (
            _c(
                "irritability",
                "Irritability",
                ("low", "Low"),
                ("moderate", "Moderate"),
                ("high", "High"),
                hint=(
                    "Low: hard to provoke and settles within minutes. Moderate: some activities"
                    " provoke it and it settles within an hour or two. High: easily provoked,"
                    " slow to settle (hours), pain at rest or at night."
                ),
            ),
            _c("classification", "Classification", *CLASSIFICATION_CHOICES),
            _n("classification_rationale", "Why this classification"),
            _n("problem_list", "Problem list"),
            _n("impression", "Clinical impression"),
            _n("plan_summary", "Plan summary"),
        ),
    ),
)
SECTIONS: dict[str, Section] = {s.key: s for s in FORM}
CLASSIFICATION_LABELS = dict(CLASSIFICATION_CHOICES)
PSFS_ACTIVITIES = 5
ODI_SECTIONS = 10
# The ODI's ten sections by their topics; each is scored 0 (no difficulty) to 5 (the most). The
# questionnaire's own answer statements are not reproduced here: the patient fills in the paper
# form and the therapist enters each section's score.
ODI_SECTION_NAMES = (
    "Pain intensity",
    "Personal care",
    "Lifting",
    "Walking",
    "Sitting",
    "Standing",
    "Sleeping",
    "Sex life",
    "Social life",
    "Traveling",
)


def _problem(errors: dict[str, str], section: Section, finding: Finding, words: str) -> None:
    errors[f"{section.key}.{finding.key}"] = f"{section.title}, {finding.label}: {words}"


def text_problem(value: object, limit: int, lines: bool) -> str:
    if not isinstance(value, str):
        return "expected text."
    cleaned = value.replace("\n", " ").replace("\t", " ") if lines else value.replace("\t", " ")
    if has_control_characters(cleaned):
        return "has characters that cannot be stored."
    if len(value) > limit:
        return f"is {len(value)} characters long; keep it to {limit}."
    return ""


def whole_problem(value: object, low: int, high: int) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"expected a whole number from {low} to {high}."
    if not low <= value <= high:
        return f"must be from {low} to {high}; {value} is outside it."
    return ""


def _value_problem(finding: Finding, value: object) -> str:
    kind = finding.kind
    if kind is Kind.TEXT:
        return text_problem(value, TEXT_LIMIT, lines=False)
    if kind is Kind.NOTE:
        return text_problem(value, NOTE_LIMIT, lines=True)
    keys = {key for key, _label in finding.choices}
    if kind is Kind.CHOICE:
        return "" if isinstance(value, str) and value in keys else "not one of the choices."
    if kind is Kind.CHOICES:
        if not isinstance(value, list) or not all(isinstance(v, str) and v in keys for v in value):
            return "not from the choices."
        return "a choice is listed twice." if len(set(value)) != len(value) else ""
    if kind is Kind.SCORE:
        return whole_problem(value, finding.low, finding.high)
    if kind is Kind.YES_NO:
        return "" if isinstance(value, bool) else "expected yes or no."
    if kind is Kind.RED_FLAG:
        return _red_flag_problem(value)
    if kind is Kind.PROVOCATION:
        return _provocation_problem(value)
    if kind is Kind.ODI:
        return odi_problem(value)
    return psfs_problem(value)


def _red_flag_problem(value: object) -> str:
    if not isinstance(value, Mapping) or set(value) - {"present", "action"}:
        return "expected an answer and the action taken."
    if not isinstance(value.get("present"), bool):
        return "answer yes or no."
    action = value.get("action", "")
    if problem := text_problem(action, TEXT_LIMIT * 2, lines=True):
        return f"the action taken {problem}"
    if value["present"] and not str(action).strip():
        return "record the action taken (for example, referred to the physician today)."
    return ""


def _provocation_problem(value: object) -> str:
    if not isinstance(value, Mapping) or set(value) - {"result", "familiar"}:
        return "expected a result and whether it reproduced the familiar pain."
    if value.get("result") not in {key for key, _label in TEST_RESULTS}:
        return "the result is positive, negative or not tested."
    if not isinstance(value.get("familiar", False), bool):
        return "familiar pain is yes or no."
    if value.get("familiar") and value["result"] != "positive":
        return "only a positive test can reproduce the familiar pain."
    return ""


def odi_problem(value: object) -> str:
    if not isinstance(value, list) or len(value) != ODI_SECTIONS:
        return f"expected {ODI_SECTIONS} section scores."
    for n, score in enumerate(value, start=1):
        if score is not None and (problem := whole_problem(score, 0, 5)):
            return f"section {n} {problem}"
    return ""


def psfs_problem(value: object) -> str:
    if not isinstance(value, list) or len(value) > PSFS_ACTIVITIES:
        return f"list at most {PSFS_ACTIVITIES} activities."
    for n, item in enumerate(value, start=1):
        if not isinstance(item, Mapping) or set(item) - {"activity", "score"}:
            return f"activity {n} needs a name and a score."
        if problem := text_problem(item.get("activity", ""), TEXT_LIMIT, lines=False):
            return f"activity {n} {problem}"
        score = item.get("score")
        if score is not None and (problem := whole_problem(score, 0, 10)):
            return f"activity {n}'s score {problem}"
        if score is not None and not str(item.get("activity", "")).strip():
            return f"activity {n} has a score but no name."
    return ""


def validate_content(content: object) -> dict[str, dict[str, Any]]:
    """``content`` checked against the form: a ``ValidationError`` naming each finding that is
    wrong (keys ``"section.finding"``), else the content with empty sections left out."""
    if not isinstance(content, Mapping):
        raise ValidationError({"content": "The evaluation could not be read as a form."})
    errors: dict[str, str] = {}
    cleaned: dict[str, dict[str, Any]] = {}
    for section_key, values in content.items():
        section = SECTIONS.get(section_key)
        if section is None or not isinstance(values, Mapping):
            errors[str(section_key)] = f"The form has no section “{section_key}”."
            continue
        kept: dict[str, Any] = {}
        for key, value in values.items():
            finding = section.finding(key)
            if finding is None:
                errors[f"{section.key}.{key}"] = f"{section.title} has no finding “{key}”."
            elif value is None:
                continue  # not recorded
            elif problem := _value_problem(finding, value):
                _problem(errors, section, finding, problem)
            else:
                kept[key] = value
        if kept:
            cleaned[section.key] = kept
    if errors:
        raise ValidationError(errors)
    return cleaned


def recorded(content: Mapping[str, Any], section: str, key: str) -> Any:
    """A finding's recorded value, or None."""
    values = content.get(section)
    return values.get(key) if isinstance(values, Mapping) else None
