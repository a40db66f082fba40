"""What a care plan can hold, checked: exercises from the library (shipped and the clinic's own),
techniques from the catalogue, and education in the therapist's words; plus the criteria an
exercise must meet before it progresses.

The care-plan service stores codes; this module turns a code into a plan entry (its name, stage
and default dosage) and checks dosages and technique details before they are saved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ptclinic.models import ItemKind
from ptclinic.services import exercise_library, techniques
from ptclinic.services.dosage import dosage_mapping, validate_dosage
from ptclinic.services.errors import NotFound, ValidationError
from ptclinic.services.text import clean_line

EDUCATION_LIMIT = 300
NOTE_LIMIT = 300
KIND_LABELS = {
    ItemKind.EXERCISE: "Exercise",
    ItemKind.MANUAL: "Manual therapy",
    ItemKind.MET: "Muscle energy technique",
    ItemKind.EDUCATION: "Education",
}
SIDES = ("left", "right", "both")


@dataclass(frozen=True)
class ProgressCheck:
    """What the therapist saw, to compare with the item's progression criteria."""

    pain_during: int  # NPRS 0-10 during the exercise
    flare_next_day: bool
    good_form_sessions: int


@dataclass(frozen=True)
class ProgressCriteria:
    """When an exercise is ready to move on. The defaults are the usual ones; the therapist may
    change them per exercise."""

    pain_at_most: int = 3  # NPRS during the exercise
    no_flare: bool = True  # no flare of symptoms the next day
    good_form_sessions: int = 2  # sessions in a row with good form
    note: str = ""  # anything else the therapist wants to see

    @classmethod
    def from_mapping(cls, data: object) -> ProgressCriteria:
        if not isinstance(data, Mapping):
            return cls()
        return cls(
            pain_at_most=int(data.get("pain_at_most", 3)),
            no_flare=bool(data.get("no_flare", True)),
            good_form_sessions=int(data.get("good_form_sessions", 2)),
            note=str(data.get("note", "")),
        )

    def as_mapping(self) -> dict[str, Any]:
        return {
            "pain_at_most": self.pain_at_most,
            "no_flare": self.no_flare,
            "good_form_sessions": self.good_form_sessions,
            "note": self.note,
        }

    def words(self) -> str:
        parts = [f"pain at most {self.pain_at_most}/10 during it"]
        if self.no_flare:
            parts.append("no flare the next day")
        if self.good_form_sessions:
            count = self.good_form_sessions
            parts.append(f"good form for {count} session{'' if count == 1 else 's'}")
        if self.note:
            parts.append(self.note)
        return ", ".join(parts)

    def unmet(self, check: ProgressCheck | None) -> list[str]:
        """What ``check`` (pain_during, flare_next_day, good_form_sessions) falls short of; all
        of it when nothing was checked."""
        if check is None:
            return [self.words()]
        short: list[str] = []
        if check.pain_during > self.pain_at_most:
            short.append(
                f"pain was {check.pain_during}/10 during it (at most {self.pain_at_most} wanted)"
            )
        if self.no_flare and check.flare_next_day:
            short.append("it flared the next day")
        if check.good_form_sessions < self.good_form_sessions:
            short.append(
                f"good form for {check.good_form_sessions} of {self.good_form_sessions} sessions"
            )
        return short


@dataclass(frozen=True)
class PlanEntry:
    kind: str
    code: str
    name: str
    stage: int | None = None
    dosage: Mapping[str, Any] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""
    on_home_program: bool = False


@dataclass(frozen=True)
class Family:
    progression: str
    regression: str


Library = Sequence[exercise_library.Exercise] | None  # None: the shipped exercises only


def _exercise(code: str, library: Library = None) -> exercise_library.Exercise:
    try:
        return exercise_library.exercise(code, library)
    except (KeyError, NotFound) as exc:
        raise ValidationError({"code": f"There is no exercise {code} in the library."}) from exc


def name_of(kind: ItemKind, code: str, library: Library = None) -> str:
    """The exercise's or technique's name, or the code itself if it left the library."""
    try:
        if kind == ItemKind.EXERCISE:
            return exercise_library.exercise(code, library).name
        return techniques.technique(code).name
    except (KeyError, NotFound):
        return code


def family(code: str, library: Library = None) -> Family:
    try:
        found = exercise_library.exercise(code, library)
    except (KeyError, NotFound):
        return Family("", "")
    return Family(found.progression or "", found.regression or "")


def checked_dosage(dosage: Mapping[str, Any]) -> dict[str, Any]:
    """The dosage as stored, or a ValidationError saying what is wrong with it."""
    return dict(dosage_mapping(validate_dosage(dosage)))


def checked_details(kind: str, code: str, details: Mapping[str, Any]) -> dict[str, Any]:
    """An exercise's progression criteria; a technique's grade (where it has grades), side and
    note. Unknown keys are a program error, refused like any bad input."""
    errors: dict[str, str] = {}
    if kind == ItemKind.EXERCISE:
        raw = details.get("criteria", {})
        if not isinstance(raw, Mapping):
            raise ValidationError({"criteria": "The criteria could not be read."})
        pain, sessions = raw.get("pain_at_most", 3), raw.get("good_form_sessions", 2)
        if not isinstance(pain, int) or not 0 <= pain <= 10:
            errors["pain_at_most"] = "Pain during the exercise is a number from 0 to 10."
        if not isinstance(sessions, int) or not 0 <= sessions <= 10:
            errors["good_form_sessions"] = "Sessions with good form: a number from 0 to 10."
        note = clean_line(str(raw.get("note", "")))
        if len(note) > NOTE_LIMIT:
            errors["note"] = f"Keep the note under {NOTE_LIMIT} characters."
        if errors:
            raise ValidationError(errors)
        criteria = ProgressCriteria(pain, bool(raw.get("no_flare", True)), sessions, note)
        return {"criteria": criteria.as_mapping()}
    if kind == ItemKind.EDUCATION:
        return {}
    technique = techniques.technique(code)
    checked: dict[str, Any] = {}
    grade = str(details.get("grade") or "")
    if grade:
        try:
            checked["grade"] = techniques.check_grade(technique.code, grade)
        except ValidationError as exc:
            errors.update(exc.field_errors)
    side = details.get("side", "")
    if side not in ("", *SIDES):
        errors["side"] = "Choose left, right or both."
    elif side:
        checked["side"] = side
    note = clean_line(str(details.get("note", "")))
    if len(note) > NOTE_LIMIT:
        errors["note"] = f"Keep the note under {NOTE_LIMIT} characters."
    elif note:
        checked["note"] = note
    if errors:
        raise ValidationError(errors)
    return checked


def new_entry(
    kind: str,
    code: str = "",
    *,
    text: str = "",
    details: Mapping[str, Any] | None = None,
    dosage: Mapping[str, Any] | None = None,
    on_home_program: bool | None = None,
    library: Library = None,
) -> PlanEntry:
    """A plan item made from the library or catalogue: its name, stage and default dosage (or
    ``dosage`` when given), checked."""
    if kind not in {k.value for k in ItemKind}:
        raise ValidationError({"kind": "Choose an exercise, a technique or education."})
    if kind == ItemKind.EDUCATION:
        words = clean_line(text)
        if not words:
            raise ValidationError({"text": "Write the advice to give."})
        if len(words) > EDUCATION_LIMIT:
            raise ValidationError({"text": f"Keep the advice under {EDUCATION_LIMIT} characters."})
        return PlanEntry(kind, "", words, text=words, on_home_program=bool(on_home_program))
    if kind == ItemKind.EXERCISE:
        found = _exercise(code, library)
        if found.retired:
            raise ValidationError({"code": f"{found.name} has been retired from the library."})
        chosen = (
            checked_dosage(dosage) if dosage is not None else dict(dosage_mapping(found.dosage))
        )
        extra = checked_details(kind, code, details or {})
        home = True if on_home_program is None else on_home_program
        return PlanEntry(kind, found.code, found.name, found.stage, chosen, extra, "", home)
    try:
        technique = techniques.technique(code)
    except (KeyError, NotFound) as exc:
        raise ValidationError({"code": f"There is no technique {code} in the catalogue."}) from exc
    expected = ItemKind.MET if techniques.is_muscle_energy(technique) else ItemKind.MANUAL
    if kind != expected:
        raise ValidationError({"kind": f"{technique.name} is a {KIND_LABELS[expected].lower()}."})
    return PlanEntry(kind, technique.code, technique.name, None, {},
                     checked_details(kind, code, details or {}))  # fmt: skip
