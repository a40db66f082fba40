"""How much of an exercise, and how often: a checked ``Dosage`` and the two ways it is written out.

``dosage_words`` is for the patient's handout: short sentences, numbers as digits, e.g.
"Hold for 5 seconds each time. Do 2 sets of 10 on each side, with a short rest between sets.
Do this twice a day, every day." or "Walk for 20 minutes, 5 days a week.".
``dosage_summary`` is the therapist's compact line: "2 × 10, hold 5 s, each side · 2×/day ·
7 days/wk".

A dosage is either counted (repetitions, optionally in sets, with a hold, on each side) or
timed (minutes); both can say how many times a day and how many days a week. A ``Dosage`` that
breaks these rules cannot be built: the constructor raises ``ValidationError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ptclinic.services.errors import ValidationError

# Inclusive bounds; beyond them a number is a typing slip, not a prescription.
LIMITS: dict[str, tuple[int, int]] = {
    "sets": (1, 10),
    "reps": (1, 50),
    "hold_seconds": (1, 120),
    "per_day": (1, 6),
    "days_per_week": (1, 7),
    "minutes": (1, 180),
}
DOSAGE_LABELS: dict[str, str] = {
    "sets": "Sets",
    "reps": "Repetitions",
    "hold_seconds": "Hold (seconds)",
    "per_side": "Each side",
    "per_day": "Times a day",
    "days_per_week": "Days a week",
    "minutes": "Minutes",
}
LONGEST_SESSION_SECONDS = 60 * 60  # all holds of one session together


@dataclass(frozen=True)
class Dosage:
    """One exercise's dose. Counted: ``reps`` (required), ``sets``, ``hold_seconds``,
    ``per_side``. Timed: ``minutes`` alone. Either: ``per_day``, ``days_per_week``."""

    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    per_side: bool = False
    per_day: int | None = None
    days_per_week: int | None = None
    minutes: int | None = None

    def __post_init__(self) -> None:
        problems = dosage_problems(self)
        if problems:
            raise ValidationError(problems)

    @property
    def timed(self) -> bool:
        return self.minutes is not None


def dosage_problems(dosage: Dosage) -> dict[str, str]:
    """What is impossible about ``dosage``, by field (empty when it is fine)."""
    problems: dict[str, str] = {}
    for field, (low, high) in LIMITS.items():
        value: object = getattr(dosage, field)
        label = DOSAGE_LABELS[field]
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            problems[field] = f"{label} must be a whole number."
        elif not low <= value <= high:
            problems[field] = f"{label} must be from {low} to {high} (not {value})."
    per_side: object = dosage.per_side
    if not isinstance(per_side, bool):
        problems["per_side"] = "Each side must be true or false."
    if problems:
        return problems
    if dosage.minutes is not None:
        counted = [f for f in ("sets", "reps", "hold_seconds") if getattr(dosage, f) is not None]
        if counted or dosage.per_side:
            problems["minutes"] = (
                "A timed exercise is given in minutes only: leave out sets, repetitions, "
                "hold and each side."
            )
    elif dosage.reps is None:
        problems["reps"] = "Give the repetitions (or the minutes, for a timed exercise)."
    elif _session_seconds(dosage) > LONGEST_SESSION_SECONDS:
        problems["hold_seconds"] = (
            "The holds add up to more than an hour at one time; check the numbers."
        )
    return problems


def _session_seconds(dosage: Dosage) -> int:
    sides = 2 if dosage.per_side else 1
    return (dosage.hold_seconds or 0) * (dosage.reps or 1) * (dosage.sets or 1) * sides


def validate_dosage(mapping: Mapping[str, object]) -> Dosage:
    """A ``Dosage`` from a mapping (a TOML table, a form's values, stored JSON), or a
    ``ValidationError`` whose ``field_errors`` are keyed by the field names of ``Dosage``."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for key, value in mapping.items():
        if key not in DOSAGE_LABELS:
            errors[str(key)] = f"“{key}” is not part of a dosage."
        elif value is None:
            continue
        elif key == "per_side":
            if isinstance(value, bool):
                values[key] = value
            else:
                errors[key] = "Each side must be true or false."
        elif isinstance(value, bool) or not isinstance(value, int):
            errors[key] = f"{DOSAGE_LABELS[key]} must be a whole number."
        else:
            values[key] = value
    if errors:
        raise ValidationError(errors)
    return Dosage(**values)  # type: ignore[arg-type]  # keys and types checked above


def dosage_mapping(dosage: Dosage) -> dict[str, int | bool]:
    """The fields that are set, for storing (the inverse of ``validate_dosage``)."""
    found: dict[str, int | bool] = {}
    for field in DOSAGE_LABELS:
        value = getattr(dosage, field)
        if value is not None and value is not False:
            found[field] = value
    return found


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _how_often(dosage: Dosage) -> str:
    parts = []
    if dosage.per_day is not None:
        parts.append(
            {1: "once a day", 2: "twice a day"}.get(dosage.per_day)
            or (f"{dosage.per_day} times a day")
        )
    if dosage.days_per_week is not None:
        parts.append(
            {1: "once a week", 7: "every day"}.get(dosage.days_per_week)
            or (f"{dosage.days_per_week} days a week")
        )
    return ", ".join(parts)


def dosage_words(dosage: Dosage, *, verb: str = "") -> str:
    """The dosage as the patient reads it on the handout. ``verb`` starts a timed dosage
    ("Walk" gives "Walk for 20 minutes, 5 days a week."); without it: "Keep going for…"."""
    often = _how_often(dosage)
    if dosage.minutes is not None:
        lead = f"{verb or 'Keep going'} for {_count(dosage.minutes, 'minute', 'minutes')}"
        return f"{lead}, {often}." if often else f"{lead}."
    reps = dosage.reps or 1
    sets = dosage.sets or 1
    side = " on each side" if dosage.per_side else ""
    sentences = []
    if dosage.hold_seconds is not None:
        again = " each time" if reps * sets > 1 else ""
        sentences.append(f"Hold for {_count(dosage.hold_seconds, 'second', 'seconds')}{again}.")
    if sets > 1:
        sentences.append(f"Do {sets} sets of {reps}{side}, with a short rest between sets.")
    elif reps > 1:
        sentences.append(f"Repeat {reps} times{side}.")
    elif side or dosage.hold_seconds is None:
        sentences.append(f"Do it once{side}.")
    if often:
        sentences.append(f"Do this {often}.")
    return " ".join(sentences)


def dosage_summary(dosage: Dosage) -> str:
    """The therapist's one-line shorthand: "2 × 10, hold 5 s, each side · 2×/day · 7 days/wk"."""
    if dosage.minutes is not None:
        head = [f"{dosage.minutes} min"]
    else:
        reps = dosage.reps or 1
        head = [f"{dosage.sets} × {reps}" if dosage.sets else _count(reps, "rep", "reps")]
        if dosage.hold_seconds is not None:
            head.append(f"hold {dosage.hold_seconds} s")
        if dosage.per_side:
            head.append("each side")
    parts = [", ".join(head)]
    if dosage.per_day is not None:
        parts.append(f"{dosage.per_day}×/day")
    if dosage.days_per_week is not None:
        parts.append(_count(dosage.days_per_week, "day/wk", "days/wk"))
    return " · ".join(parts)
