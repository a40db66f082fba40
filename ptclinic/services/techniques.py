"""The therapist's techniques catalogue: manual therapy and muscle energy techniques (MET) a
care plan item can name, shipped as ``resources/techniques/manual.toml`` and
``muscle_energy.toml`` (data, reviewed like code; therapist-facing, not for the handout).

Manual techniques are joint mobilisation (graded I-IV), thrust manipulation (grade V) and soft
tissue mobilisation (no grade); ``grade_meanings`` says in one line what each grade means, and
``check_grade`` refuses a grade the technique does not allow. A muscle energy technique gives
its target, both positions, the patient's effort and its strength, hold, relaxation and
repetitions, and the re-engage step. Every technique lists its contraindications (absolute)
and precautions (relative).

Each file is checked entry by entry on load, like the exercise library; a broken one raises
``ShippedDataError`` naming the file and the code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Literal, TypeGuard, TypeVar, cast, get_args

from ptclinic.services.errors import NotFound, ValidationError
from ptclinic.services.exercise_library import (
    FieldCheck,
    ShippedDataError,
    entry_label,
    read_toml,
    toml_entries,
)

FOLDER = "techniques"
MANUAL_FILE = "manual.toml"
MET_FILE = "muscle_energy.toml"

Grade = Literal["I", "II", "III", "IV", "V"]
GRADES: tuple[Grade, ...] = get_args(Grade)
ManualKind = Literal["mobilisation", "soft_tissue", "thrust"]
MANUAL_KINDS: tuple[ManualKind, ...] = get_args(ManualKind)
MANUAL_KIND_LABELS: dict[ManualKind, str] = {
    "mobilisation": "Joint mobilisation",
    "soft_tissue": "Soft tissue mobilisation",
    "thrust": "Thrust manipulation",
}
# Which grades each kind may allow: thrust is grade V by definition, soft tissue is not graded.
KIND_GRADES: dict[ManualKind, tuple[Grade, ...]] = {
    "mobilisation": ("I", "II", "III", "IV"),
    "soft_tissue": (),
    "thrust": ("V",),
}
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V"}


@dataclass(frozen=True)
class ManualTechnique:
    code: str
    name: str
    kind: ManualKind
    region: str
    description: str
    grades: tuple[Grade, ...]  # the grades a plan item may choose; empty: not graded
    contraindications: tuple[str, ...]  # absolute: do not use
    precautions: tuple[str, ...]  # relative: use with care


@dataclass(frozen=True)
class MuscleEnergyTechnique:
    code: str
    name: str
    target: str
    sided: bool  # the plan item names the side
    patient_position: str
    therapist_setup: str
    patient_effort: str
    contraction: str  # strength, e.g. "20% of maximum"
    hold_seconds: int
    relax_seconds: int
    repetitions: int
    re_engage: str
    contraindications: tuple[str, ...]
    precautions: tuple[str, ...]


Technique = ManualTechnique | MuscleEnergyTechnique


def is_muscle_energy(found: Technique) -> TypeGuard[MuscleEnergyTechnique]:
    """Whether ``found`` is a muscle energy technique (else a manual one)."""
    return isinstance(found, MuscleEnergyTechnique)


_LISTS = ("contraindications", "precautions")
_MANUAL_FIELDS = ("code", "name", "kind", "region", "description", *_LISTS)
_MET_FIELDS = (
    "code", "name", "target", "sided", "patient_position", "therapist_setup", "patient_effort",
    "contraction", "hold_seconds", "relax_seconds", "repetitions", "re_engage", *_LISTS,
)  # fmt: skip


def validate_manual_technique(mapping: Mapping[str, object]) -> ManualTechnique:
    """A ``ManualTechnique`` from a mapping, or a ``ValidationError`` naming each bad field.
    ``grades`` is required for every kind (an empty list for soft tissue)."""
    check = FieldCheck(mapping, required=_MANUAL_FIELDS, optional=("grades",))
    if "grades" not in mapping:
        check.fail("grades", "Grades is required (an empty list if the technique is not graded).")
    code = check.code("code")
    name = check.text("name", limit=80)
    kind = check.choice("kind", MANUAL_KINDS)
    region = check.text("region", limit=80)
    description = check.text("description", limit=400)
    grades = _grades(check, kind)
    contraindications = check.texts("contraindications", least=1, most=15)
    precautions = check.texts("precautions", least=1, most=15)
    check.done()
    return ManualTechnique(
        code=cast(str, code),
        name=name,
        kind=cast(ManualKind, kind),
        region=region,
        description=description,
        grades=grades,
        contraindications=contraindications,
        precautions=precautions,
    )


def _grades(check: FieldCheck, kind: ManualKind | None) -> tuple[Grade, ...]:
    value = check.raw("grades")
    if not isinstance(value, list | tuple) or not all(v in GRADES for v in value):
        check.fail("grades", f"Grades must be a list of {', '.join(GRADES)}.")
        return ()
    grades = tuple(g for g in GRADES if g in value)
    if kind is not None:
        allowed = KIND_GRADES[kind]
        if kind == "soft_tissue" and grades:
            check.fail("grades", "Soft tissue mobilisation is not graded: leave grades empty.")
        elif kind != "soft_tissue" and (not grades or not set(grades) <= set(allowed)):
            listed = ", ".join(allowed)
            check.fail("grades", f"A {MANUAL_KIND_LABELS[kind].lower()} allows grades {listed}.")
    return grades


def validate_muscle_energy_technique(mapping: Mapping[str, object]) -> MuscleEnergyTechnique:
    """A ``MuscleEnergyTechnique`` from a mapping, or a ``ValidationError`` naming each bad
    field. Every field is required: a MET without its hold, repetitions or re-engage step is
    not a technique a colleague can repeat."""
    check = FieldCheck(mapping, required=_MET_FIELDS)
    technique = MuscleEnergyTechnique(
        code=cast(str, check.code("code")),
        name=check.text("name", limit=80),
        target=check.text("target", limit=120),
        sided=check.flag("sided"),
        patient_position=check.text("patient_position", limit=300),
        therapist_setup=check.text("therapist_setup", limit=400),
        patient_effort=check.text("patient_effort", limit=200),
        contraction=check.text("contraction", limit=120),
        hold_seconds=cast(int, check.integer("hold_seconds", 1, 30)),
        relax_seconds=cast(int, check.integer("relax_seconds", 1, 30)),
        repetitions=cast(int, check.integer("repetitions", 1, 10)),
        re_engage=check.text("re_engage", limit=400),
        contraindications=check.texts("contraindications", least=1, most=15),
        precautions=check.texts("precautions", least=1, most=15),
    )
    check.done()
    return technique


def manual_techniques_from_toml(
    text: str, source: str = f"{FOLDER}/{MANUAL_FILE}"
) -> tuple[dict[Grade, str], tuple[ManualTechnique, ...]]:
    """The grade meanings and the manual techniques of one TOML text, checked."""
    document = read_toml(text, source)
    meanings = document.get("grades")
    if (
        not isinstance(meanings, dict)
        or set(meanings) != set(GRADES)
        or not all(isinstance(line, str) and line.strip() for line in meanings.values())
    ):
        raise ShippedDataError(f"{source}: [grades] must give one line for each of I to V.")
    entries = toml_entries(document, source, "technique", also=("grades",))
    found = _checked(entries, source, validate_manual_technique)
    return {grade: meanings[grade].strip() for grade in GRADES}, found


def muscle_energy_techniques_from_toml(
    text: str, source: str = f"{FOLDER}/{MET_FILE}"
) -> tuple[MuscleEnergyTechnique, ...]:
    """The muscle energy techniques of one TOML text, checked."""
    entries = toml_entries(read_toml(text, source), source, "technique")
    return _checked(entries, source, validate_muscle_energy_technique)


_T = TypeVar("_T", ManualTechnique, MuscleEnergyTechnique)


def _checked(
    entries: list[Mapping[str, object]],
    source: str,
    validate: Callable[[Mapping[str, object]], _T],
) -> tuple[_T, ...]:
    found: list[_T] = []
    codes: set[str] = set()
    for index, entry in enumerate(entries):
        label = entry_label(entry, index)
        try:
            made = validate(entry)
        except ValidationError as error:
            raise ShippedDataError(f"{source}, {label}: {error.message}") from error
        if made.code in codes:
            raise ShippedDataError(f"{source}, {label}: the code is used twice.")
        codes.add(made.code)
        found.append(made)
    return tuple(found)


def _read(file_name: str) -> str:
    return (resources.files("ptclinic") / "resources" / FOLDER / file_name).read_text("utf-8")


@functools.cache
def _manual() -> tuple[dict[Grade, str], tuple[ManualTechnique, ...]]:
    return manual_techniques_from_toml(_read(MANUAL_FILE))


def grade_meanings() -> dict[Grade, str]:
    """What each grade I to V means, one line each, in order."""
    return dict(_manual()[0])


def manual_techniques() -> tuple[ManualTechnique, ...]:
    """The shipped manual therapy techniques, in file order."""
    return _manual()[1]


@functools.cache
def muscle_energy_techniques() -> tuple[MuscleEnergyTechnique, ...]:
    """The shipped muscle energy techniques, in file order."""
    return muscle_energy_techniques_from_toml(_read(MET_FILE))


@functools.cache
def _by_code() -> dict[str, Technique]:
    found: dict[str, Technique] = {}
    listed: list[Technique] = [*manual_techniques(), *muscle_energy_techniques()]
    for item in listed:
        if item.code in found:
            raise ShippedDataError(f"{FOLDER}: {item.code} is in both files.")
        found[item.code] = item
    return found


def technique(code: str) -> Technique:
    """The manual or muscle energy technique with ``code`` (case and spaces forgiven), or
    ``NotFound``."""
    found = _by_code().get(code.strip().upper())
    if found is None:
        raise NotFound(f"No technique in the catalogue has the code “{code.strip()}”.")
    return found


def check_grade(code: str, grade: str) -> Grade:
    """``grade`` ("III", "iii" or "3") as the grade a plan item stores, or a
    ``ValidationError`` when the technique ``code`` does not allow it."""
    chosen = technique(code)
    wanted = grade.strip().upper()
    wanted = _ROMAN.get(wanted, wanted)
    allowed = chosen.grades if isinstance(chosen, ManualTechnique) else ()
    for option in allowed:
        if option == wanted:
            return option
    if not allowed:
        raise ValidationError({"grade": f"{chosen.name} is not graded."})
    listed = ", ".join(allowed)
    raise ValidationError({"grade": f"{chosen.name} takes grade {listed}, not “{grade.strip()}”."})
