"""What a visit note, progress note or discharge summary holds, and the check that a saved one
holds only that.

``content`` is one JSON document. Every kind has the SOAP parts, pain before and after, the
exercise flowsheet, the techniques performed, education, home-program changes and the minutes
per CPT code. A progress note and a discharge summary add re-measured outcomes and each goal's
status; a progress note the updated plan; a discharge summary its reason and home advice:

- ``subjective``, ``objective``, ``assessment``, ``plan``, ``education``,
  ``home_program_changes``, ``plan_update``, ``home_advice``: text (several lines).
- ``pain_before``, ``pain_after``: 0-10 (NPRS), or left out.
- ``flowsheet``: rows ``{"code", "name", "stage", "sets", "reps", "hold_s", "load",
  "tolerance", "note"}`` (code and name required; the numbers whole or null).
- ``techniques``: rows ``{"code", "name", "dose", "side"}``.
- ``minutes``: ``{CPT code: minutes}`` (checked by ``services/billing.py``).
- ``outcomes``: ``{"odi": ten 0-5 or null, "nprs": 0-10, "psfs": [{"activity", "score"}]}``.
- ``goals``: ``{goal id (text): {"status": …, "note": text}}``.
- ``discharge_reason``: one of ``DISCHARGE_REASONS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ptclinic.services.billing import timed_units
from ptclinic.services.errors import ValidationError
from ptclinic.services.evaluation_form import (
    NOTE_LIMIT,
    TEXT_LIMIT,
    odi_problem,
    psfs_problem,
    text_problem,
    whole_problem,
)

CONTENT_FORMAT = 1
FLOWSHEET_LIMIT = 40
TECHNIQUE_LIMIT = 20

TEXT_PARTS = {
    "subjective": "Subjective",
    "objective": "Objective",
    "assessment": "Assessment",
    "plan": "Plan",
    "education": "Education given",
    "home_program_changes": "Home program changes",
    "plan_update": "Updated plan",
    "home_advice": "Home-program advice",
}
TOLERANCES = {
    "good": "Tolerated well",
    "fair": "Some discomfort",
    "poor": "Poorly tolerated",
    "stopped": "Stopped",
}
SIDES = {"left": "Left", "right": "Right", "both": "Both sides"}
GOAL_STATUSES = {
    "progressing": "Progressing",
    "met": "Met",
    "not_met": "Not met",
    "revised": "Revised",
}
DISCHARGE_REASONS = {
    "goals_met": "Goals met",
    "plateau": "Progress has levelled off",
    "patient_choice": "Patient chose to stop",
    "referred": "Referred to another provider",
    "coverage_ended": "Visits or coverage ran out",
    "no_return": "Did not return",
    "other": "Other (see summary)",
}
# Which parts each kind of note may hold.
_COMMON = {
    *TEXT_PARTS.keys() - {"plan_update", "home_advice"},
    "pain_before",
    "pain_after",
    "flowsheet",
    "techniques",
    "minutes",
}
ALLOWED = {
    "visit": frozenset(_COMMON),
    "progress": frozenset(_COMMON | {"outcomes", "goals", "plan_update"}),
    "discharge": frozenset(_COMMON | {"outcomes", "goals", "discharge_reason", "home_advice"}),
}
_NUMBERS = {"stage": (1, 9), "sets": (1, 20), "reps": (1, 200), "hold_s": (1, 600)}


def _row_problem(row: object, n: int, what: str, fields: dict[str, object]) -> str:
    if not isinstance(row, Mapping) or set(row) - set(fields):
        return f"{what} {n} could not be read."
    for key in ("code", "name"):
        if not isinstance(row.get(key), str) or not str(row.get(key)).strip():
            return f"{what} {n} needs its name."
    for key, rule in fields.items():
        value = row.get(key)
        if value is None or (value == "" and rule is str):
            continue
        if rule is str:
            if problem := text_problem(value, TEXT_LIMIT, lines=False):
                return f"{what} {n}, {key.replace('_', ' ')} {problem}"
        elif isinstance(rule, tuple):
            if problem := whole_problem(value, *rule):
                return f"{what} {n}, {key.replace('_s', ' (seconds)')} {problem}"
        elif isinstance(rule, dict) and (not isinstance(value, str) or value not in rule):
            return f"{what} {n}, {key}: not one of the choices."
    return ""


_FLOW_FIELDS: dict[str, object] = {
    "code": str, "name": str, "load": str, "note": str, "tolerance": TOLERANCES, **_NUMBERS,
}  # fmt: skip
_TECHNIQUE_FIELDS: dict[str, object] = {"code": str, "name": str, "dose": str, "side": SIDES}


def _rows_problem(value: object, limit: int, what: str, fields: dict[str, object]) -> str:
    if not isinstance(value, list):
        return f"The {what.lower()} list could not be read."
    if len(value) > limit:
        return f"Keep to {limit} rows of {what.lower()}s."
    for n, row in enumerate(value, start=1):
        if problem := _row_problem(row, n, what, fields):
            return problem
    return ""


def _outcomes_problem(value: object) -> str:
    if not isinstance(value, Mapping) or set(value) - {"odi", "nprs", "psfs"}:
        return "The outcome measures could not be read."
    checks = (
        ("odi", odi_problem, "Oswestry"),
        ("nprs", lambda v: whole_problem(v, 0, 10), "Pain now"),
        ("psfs", psfs_problem, "PSFS"),
    )
    for key, check, label in checks:
        if value.get(key) is not None and (problem := check(value[key])):
            return f"{label}: {problem}"
    return ""


def _goals_problem(value: object) -> str:
    if not isinstance(value, Mapping):
        return "The goals could not be read."
    for key, entry in value.items():
        if not str(key).isdigit() or not isinstance(entry, Mapping):
            return "The goals could not be read."
        if set(entry) - {"status", "note"} or entry.get("status") not in GOAL_STATUSES:
            return "Give each goal a status: met, progressing, not met or revised."
        if problem := text_problem(entry.get("note", ""), TEXT_LIMIT, lines=False):
            return f"A goal's note {problem}"
    return ""


def _part_problem(key: str, value: object) -> str:
    if key in TEXT_PARTS:
        problem = text_problem(value, NOTE_LIMIT, lines=True)
        return f"{TEXT_PARTS[key]} {problem}" if problem else ""
    if key in {"pain_before", "pain_after"}:
        problem = whole_problem(value, 0, 10)
        return f"Pain {key.removeprefix('pain_')} the visit {problem}" if problem else ""
    if key == "flowsheet":
        return _rows_problem(value, FLOWSHEET_LIMIT, "Exercise", _FLOW_FIELDS)
    if key == "techniques":
        return _rows_problem(value, TECHNIQUE_LIMIT, "Technique", _TECHNIQUE_FIELDS)
    if key == "outcomes":
        return _outcomes_problem(value)
    if key == "goals":
        return _goals_problem(value)
    if key == "discharge_reason":
        known = isinstance(value, str) and value in DISCHARGE_REASONS
        return "" if known else "Choose the reason for discharge."
    return ""


def validate_note_content(kind: str, content: object) -> dict[str, Any]:
    """``content`` checked for a note of ``kind``: a ``ValidationError`` naming each part that
    is wrong, else the content with empty parts left out. Minutes go through the billing
    rules (an unknown CPT code or negative minutes are refused there)."""
    if kind not in ALLOWED:
        raise ValidationError({"kind": "A note is a visit note, progress note or discharge."})
    if not isinstance(content, Mapping):
        raise ValidationError({"content": "The note could not be read."})
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for key, value in content.items():
        if key not in ALLOWED[kind]:
            errors[str(key)] = f"A {kind} note has no part “{key}”."
        elif value is None or value == "" or value == [] or value == {}:
            continue
        elif key == "minutes":
            if not isinstance(value, Mapping):
                errors[key] = "The minutes per CPT code could not be read."
                continue
            minutes = value
            try:
                timed_units({k: v for k, v in minutes.items() if v}, "per_code")
            except ValidationError as error:
                errors.update({f"minutes.{k}": m for k, m in error.field_errors.items()})
                continue
            if kept := {str(k): v for k, v in minutes.items() if v}:
                cleaned[key] = kept
        elif problem := _part_problem(key, value):
            errors[key] = problem
        else:
            cleaned[key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned
