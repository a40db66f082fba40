"""Dosage: impossible doses refused, and the dose written out for the patient and the therapist."""

from __future__ import annotations

import pytest

from ptclinic.services.dosage import (
    Dosage,
    dosage_mapping,
    dosage_summary,
    dosage_words,
    validate_dosage,
)
from ptclinic.services.errors import ValidationError

BRIEF = Dosage(hold_seconds=5, reps=10, per_side=True, sets=2, per_day=2, days_per_week=7)


@pytest.mark.parametrize(
    ("dosage", "words"),
    [
        (
            BRIEF,
            "Hold for 5 seconds each time. Do 2 sets of 10 on each side, with a short rest "
            "between sets. Do this twice a day, every day.",
        ),
        (
            Dosage(hold_seconds=30, reps=3, per_side=True, per_day=2, days_per_week=7),
            "Hold for 30 seconds each time. Repeat 3 times on each side. "
            "Do this twice a day, every day.",
        ),
        (
            Dosage(reps=10, sets=3, days_per_week=4),
            ("Do 3 sets of 10, with a short rest between sets. Do this 4 days a week."),
        ),
        (Dosage(reps=10, per_day=3), "Repeat 10 times. Do this 3 times a day."),
        (
            Dosage(reps=15, per_day=1, days_per_week=1),
            ("Repeat 15 times. Do this once a day, once a week."),
        ),
        (Dosage(hold_seconds=1, reps=1), "Hold for 1 second."),
        (
            Dosage(hold_seconds=30, reps=1, per_side=True),
            "Hold for 30 seconds. Do it once on each side.",
        ),
        (Dosage(reps=1), "Do it once."),
        (Dosage(minutes=20, days_per_week=5), "Keep going for 20 minutes, 5 days a week."),
        (Dosage(minutes=1), "Keep going for 1 minute."),
    ],
)
def test_dosage_in_the_patients_words(dosage: Dosage, words: str) -> None:
    assert dosage_words(dosage) == words


def test_a_timed_dosage_starts_with_the_exercises_verb() -> None:
    walk = Dosage(minutes=20, days_per_week=5)
    assert dosage_words(walk, verb="Walk") == "Walk for 20 minutes, 5 days a week."
    twice = Dosage(minutes=10, per_day=2, days_per_week=7)
    assert dosage_words(twice, verb="Walk") == "Walk for 10 minutes, twice a day, every day."
    # The verb belongs to time only: a counted dose ignores it.
    assert dosage_words(Dosage(reps=10), verb="Walk") == "Repeat 10 times."


@pytest.mark.parametrize(
    ("dosage", "summary"),
    [
        (BRIEF, "2 × 10, hold 5 s, each side · 2×/day · 7 days/wk"),
        (Dosage(reps=10), "10 reps"),
        (Dosage(reps=1, hold_seconds=30), "1 rep, hold 30 s"),
        (Dosage(minutes=30, days_per_week=5), "30 min · 5 days/wk"),
        (Dosage(minutes=10, per_day=2, days_per_week=1), "10 min · 2×/day · 1 day/wk"),
    ],
)
def test_dosage_in_the_therapists_shorthand(dosage: Dosage, summary: str) -> None:
    assert dosage_summary(dosage) == summary


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"reps": 10, "sets": 0}, "sets", "Sets must be from 1 to 10 (not 0)."),
        ({"reps": -3}, "reps", "Repetitions must be from 1 to 50 (not -3)."),
        ({"reps": 5, "hold_seconds": 121}, "hold_seconds", "Hold (seconds) must be from 1 to 120"),
        ({"minutes": 181}, "minutes", "Minutes must be from 1 to 180"),
        ({"minutes": 0}, "minutes", "Minutes must be from 1 to 180"),
        ({"reps": 5, "per_day": 7}, "per_day", "Times a day must be from 1 to 6"),
        ({"reps": 5, "days_per_week": 8}, "days_per_week", "Days a week must be from 1 to 7"),
        ({"reps": 2.5}, "reps", "Repetitions must be a whole number."),
        ({"reps": True}, "reps", "Repetitions must be a whole number."),
        ({"reps": "10"}, "reps", "Repetitions must be a whole number."),
        ({"reps": 5, "per_side": "yes"}, "per_side", "Each side must be true or false."),
        ({"reps": 5, "rest": 30}, "rest", "“rest” is not part of a dosage."),
        ({}, "reps", "Give the repetitions (or the minutes, for a timed exercise)."),
        ({"sets": 2, "hold_seconds": 5}, "reps", "Give the repetitions"),
        ({"minutes": 20, "reps": 10}, "minutes", "A timed exercise is given in minutes only"),
        ({"minutes": 20, "per_side": True}, "minutes", "A timed exercise is given in minutes only"),
        (
            {"hold_seconds": 120, "reps": 50, "sets": 2},
            "hold_seconds",
            "The holds add up to more than an hour",
        ),
    ],
)
def test_impossible_dosages_are_refused_field_by_field(
    fields: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_dosage(fields)
    assert field in caught.value.field_errors
    assert caught.value.field_errors[field].startswith(message)


def test_a_dosage_cannot_even_be_built_wrong_in_code() -> None:
    with pytest.raises(ValidationError, match="Sets must be from 1 to 10"):
        Dosage(reps=10, sets=0)
    with pytest.raises(ValidationError, match="Give the repetitions"):
        Dosage(per_day=2)


def test_a_dosage_survives_storing_and_reading_back() -> None:
    stored = dosage_mapping(BRIEF)
    assert stored == {
        "sets": 2, "reps": 10, "hold_seconds": 5, "per_side": True, "per_day": 2,
        "days_per_week": 7,
    }  # fmt: skip
    assert validate_dosage(stored) == BRIEF
    assert dosage_mapping(Dosage(minutes=20)) == {"minutes": 20}
    assert validate_dosage({"minutes": 20, "reps": None}) == Dosage(minutes=20)
