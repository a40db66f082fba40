"""The exercise library: exercises a therapist puts on a care plan and a home program.

The shipped exercises are data, not code: ``resources/exercises/<category>.toml``, one file per
category, each an array of ``[[exercise]]`` tables that therapists review like code. Every
table is checked on load by ``validate_exercise`` (the same check a clinic's own exercise,
typed in a form, goes through), then the whole library by ``link_problems``; a broken file
stops the program with a ``ShippedDataError`` naming the file and the exercise code.

Fields of an exercise table (patient-facing ones in plain words, second person):

- ``code`` ("SB-BRIDGE-SL": capitals, digits and hyphens; a contract with the illustrations
  in ``figures.toml`` and with saved care plans: never reuse or rename one), ``name``
  (clinical), ``plain_name`` (the patient's words), ``category``, ``stage`` (1 to 3),
  ``indications`` (which classifications it suits), ``purpose`` (one line for the patient),
  ``steps`` (3 to 7), ``cautions`` (1 to 4), ``dosage`` (a table, see ``dosage.py``);
- optional: ``progression`` and ``regression`` (codes of the next harder and easier exercise
  of its family; each link must be answered by the other exercise, and stages never fall
  along a chain), ``verb`` (starts a timed dosage on the handout: "Walk"), ``retired``
  (kept for plans that name it, no longer offered).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Literal, NamedTuple, TypeVar, cast, get_args

# Dosage, validate_dosage and dosage_mapping are re-exported: callers of the library (the
# care plan) check and store an item's dosage without a second import.
from ptclinic.services.dosage import Dosage, dosage_mapping, dosage_words, validate_dosage
from ptclinic.services.errors import NotFound, ValidationError
from ptclinic.services.text import clean_line, search_key

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "INDICATIONS",
    "INDICATION_LABELS",
    "STAGES",
    "STAGE_LABELS",
    "Category",
    "Dosage",
    "Exercise",
    "FieldCheck",
    "Indication",
    "LinkProblem",
    "ShippedDataError",
    "Stage",
    "dosage_mapping",
    "entry_label",
    "exercise",
    "exercises_from_toml",
    "filter_exercises",
    "link_problems",
    "plain_language_warnings",
    "progression_chain",
    "read_toml",
    "shipped_exercises",
    "toml_entries",
    "validate_dosage",
    "validate_exercise",
]

Category = Literal[
    "stretch", "mobility", "stabilisation", "strengthening", "balance", "aerobic", "self_met"
]
CATEGORIES: tuple[Category, ...] = get_args(Category)
CATEGORY_LABELS: dict[Category, str] = {
    "stretch": "Stretch",
    "mobility": "Mobility",
    "stabilisation": "Stabilisation",
    "strengthening": "Strengthening",
    "balance": "Balance",
    "aerobic": "Aerobic",
    "self_met": "Self muscle energy technique",
}
# The same keys as the evaluation's classification (evaluation_form.CLASSIFICATION_CHOICES),
# so a plan can offer the exercises that suit the classification the evaluation proposed.
Indication = Literal["mobility", "stability", "calm_load"]
INDICATIONS: tuple[Indication, ...] = get_args(Indication)
INDICATION_LABELS: dict[Indication, str] = {
    "mobility": "Mobility",
    "stability": "Stability",
    "calm_load": "Calm and load gradually",
}
Stage = Literal[1, 2, 3]
STAGES: tuple[Stage, ...] = get_args(Stage)
STAGE_LABELS: dict[Stage, str] = {
    1: "Stage 1: supported, low load",
    2: "Stage 2: moderate",
    3: "Stage 3: dynamic and functional",
}

CODE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
CODE_LENGTH = (2, 24)
FOLDER = "exercises"


class ShippedDataError(Exception):
    """A data file shipped with the program is broken: a packaging bug, never the user's doing.
    The message names the file and the entry."""


@dataclass(frozen=True)
class Exercise:
    code: str
    name: str
    plain_name: str
    category: Category
    stage: Stage
    indications: tuple[Indication, ...]
    purpose: str
    steps: tuple[str, ...]
    cautions: tuple[str, ...]
    dosage: Dosage  # the default; a care plan item may set its own
    progression: str | None = None
    regression: str | None = None
    verb: str = ""  # starts a timed dosage on the handout ("Walk"); empty: "Keep going"
    shipped: bool = True  # False: the clinic's own, kept in the database
    retired: bool = False  # still found by code, no longer offered

    def dosage_words(self, dosage: Dosage | None = None) -> str:
        """``dosage`` (default: this exercise's own) in the patient's words."""
        return dosage_words(dosage or self.dosage, verb=self.verb)


_T = TypeVar("_T")


class FieldCheck:
    """Reads a mapping (a TOML table or a form's values) field by field and collects every
    problem, so one ``ValidationError`` names them all. Shared by the shipped-data loaders."""

    def __init__(
        self,
        mapping: Mapping[str, object],
        *,
        required: Iterable[str],
        optional: Iterable[str] = (),
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.mapping = mapping
        self.errors: dict[str, str] = {}
        self._labels = dict(labels or {})
        required = tuple(required)
        known = set(required) | set(optional)
        for key in mapping:
            if key not in known:
                expected = ", ".join(sorted(known))
                self.errors[str(key)] = f"“{key}” is not a known field (expected: {expected})."
        for key in required:
            value = mapping.get(key)
            if (
                value is None
                or value in ("", [], ())
                or (isinstance(value, str) and not value.strip())
            ):
                self.errors[key] = f"{self.label(key)} is required."

    def label(self, key: str) -> str:
        return self._labels.get(key) or key.replace("_", " ").capitalize()

    def fail(self, key: str, message: str) -> None:
        self.errors.setdefault(key, message)

    def raw(self, key: str) -> object:
        """The value of ``key``; None when it is missing or already found at fault."""
        return None if key in self.errors else self.mapping.get(key)

    def text(self, key: str, *, limit: int = 200) -> str:
        value = self.raw(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(key, f"{self.label(key)} must be text.")
            return ""
        cleaned = clean_line(value)
        if len(cleaned) > limit:
            self.fail(
                key, f"{self.label(key)} is too long ({len(cleaned)} characters; {limit} at most)."
            )
        return cleaned

    def texts(self, key: str, *, least: int, most: int, limit: int = 200) -> tuple[str, ...]:
        """A list of lines; text with one item a line is accepted too (a form's text box)."""
        value = self.raw(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = value.splitlines()
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            self.fail(key, f"{self.label(key)} must be a list of lines of text.")
            return ()
        lines = tuple(clean_line(v) for v in value if clean_line(v))
        if not least <= len(lines) <= most:
            self.fail(key, f"{self.label(key)}: give {least} to {most} (not {len(lines)}).")
        too_long = [i + 1 for i, line in enumerate(lines) if len(line) > limit]
        if too_long:
            self.fail(key, f"{self.label(key)}: line {too_long[0]} is over {limit} characters.")
        return lines

    def code(self, key: str) -> str | None:
        value = self.raw(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(key, f"{self.label(key)} must be text.")
            return None
        code = value.strip().upper()
        low, high = CODE_LENGTH
        if not (CODE.match(code) and low <= len(code) <= high):
            self.fail(
                key,
                f"{self.label(key)} “{value}” must be {low} to {high} capital letters, digits "
                "and single hyphens, e.g. “SB-BRIDGE”.",
            )
            return None
        return code

    def integer(self, key: str, low: int, high: int) -> int | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(key, f"{self.label(key)} must be a whole number from {low} to {high}.")
            return None
        return value

    def flag(self, key: str) -> bool:
        value = self.raw(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(key, f"{self.label(key)} must be true or false.")
            return False
        return value

    def choice(self, key: str, allowed: Sequence[_T]) -> _T | None:
        value = self.raw(key)
        if value is None:
            return None
        for option in allowed:
            if value == option and type(value) is type(option):
                return option
        listed = ", ".join(str(option) for option in allowed)
        self.fail(key, f"{self.label(key)} “{value}” is not one of: {listed}.")
        return None

    def choices(self, key: str, allowed: Sequence[_T]) -> tuple[_T, ...]:
        value = self.raw(key)
        if value is None:
            return ()
        if not isinstance(value, list | tuple) or not value:
            self.fail(key, f"{self.label(key)} must be a list of at least one.")
            return ()
        unknown = [str(v) for v in value if v not in allowed]
        if unknown:
            listed = ", ".join(str(option) for option in allowed)
            self.fail(key, f"{self.label(key)}: “{unknown[0]}” is not one of: {listed}.")
            return ()
        return tuple(option for option in allowed if option in value)

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


_REQUIRED = (
    "code", "name", "plain_name", "category", "stage", "indications", "purpose", "steps",
    "cautions", "dosage",
)  # fmt: skip
_OPTIONAL = ("progression", "regression", "verb", "retired")
_LABELS = {
    "code": "Code",
    "name": "Name",
    "plain_name": "Name for the patient",
    "category": "Category",
    "stage": "Stage",
    "indications": "Suits",
    "purpose": "What it is for",
    "steps": "Steps",
    "cautions": "Cautions",
    "dosage": "Dosage",
    "progression": "Progresses to",
    "regression": "Eases back to",
    "verb": "Verb for the time",
    "retired": "Retired",
}


def validate_exercise(mapping: Mapping[str, object], *, shipped: bool = False) -> Exercise:
    """An ``Exercise`` from a mapping of the fields above (a TOML table, or a clinic's own
    exercise from a form, where steps and cautions may come as text with one a line), or a
    ``ValidationError`` whose ``field_errors`` name every field at fault; dosage problems come
    as "dosage.<field>". Links to other exercises are checked by ``link_problems``."""
    check = FieldCheck(mapping, required=_REQUIRED, optional=_OPTIONAL, labels=_LABELS)
    code = check.code("code")
    name = check.text("name", limit=80)
    plain_name = check.text("plain_name", limit=80)
    category = check.choice("category", CATEGORIES)
    stage = check.choice("stage", STAGES)
    indications = check.choices("indications", INDICATIONS)
    purpose = check.text("purpose", limit=120)
    steps = check.texts("steps", least=3, most=7)
    cautions = check.texts("cautions", least=1, most=4)
    progression = check.code("progression")
    regression = check.code("regression")
    verb = check.text("verb", limit=40)
    retired = check.flag("retired")
    dosage = _dosage(check)
    if code is not None and code in (progression, regression):
        check.fail(
            "progression" if progression == code else "regression",
            "An exercise cannot link to itself.",
        )
    if progression is not None and progression == regression:
        check.fail("progression", "It cannot progress and ease back to the same exercise.")
    if verb and dosage is not None and not dosage.timed:
        check.fail("verb", "Only a timed exercise (given in minutes) uses a verb.")
    check.done()
    return Exercise(
        code=cast(str, code),
        name=name,
        plain_name=plain_name,
        category=cast(Category, category),
        stage=cast(Stage, stage),
        indications=indications,
        purpose=purpose,
        steps=steps,
        cautions=cautions,
        dosage=cast(Dosage, dosage),
        progression=progression,
        regression=regression,
        verb=verb,
        shipped=shipped,
        retired=retired,
    )


def _dosage(check: FieldCheck) -> Dosage | None:
    raw = check.raw("dosage")
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        check.fail("dosage", "Dosage must be a table of numbers (sets, reps, minutes …).")
        return None
    try:
        return validate_dosage(raw)
    except ValidationError as error:
        for field, message in error.field_errors.items():
            check.fail(f"dosage.{field}", message)
        return None


class LinkProblem(NamedTuple):
    code: str
    problem: str


def link_problems(exercises: Iterable[Exercise]) -> list[LinkProblem]:
    """Broken progression links among ``exercises``: duplicate codes, links to unknown codes,
    links the other exercise does not answer, stages that fall, chains that loop."""
    listed = list(exercises)
    by_code: dict[str, Exercise] = {}
    problems: list[LinkProblem] = []
    for found in listed:
        if found.code in by_code:
            problems.append(LinkProblem(found.code, "the code is used twice."))
        by_code[found.code] = found
    for found in listed:
        for link, answer in (("progression", "regression"), ("regression", "progression")):
            target_code = getattr(found, link)
            if target_code is None:
                continue
            target = by_code.get(target_code)
            if target is None:
                problems.append(
                    LinkProblem(found.code, f"{link} “{target_code}” is not in the library.")
                )
                continue
            if getattr(target, answer) != found.code:
                back = getattr(target, answer) or "nothing"
                problems.append(
                    LinkProblem(found.code, f"{link} is {target.code}, but its {answer} is {back}.")
                )
        following = by_code.get(found.progression or "")
        if following is not None and following.stage < found.stage:
            problems.append(
                LinkProblem(
                    found.code,
                    f"progresses to {following.code} at stage {following.stage}, below its own "
                    f"stage {found.stage}.",
                )
            )
        seen = {found.code}
        while following is not None:
            if following.code in seen:
                problems.append(LinkProblem(found.code, "its progression chain loops."))
                break
            seen.add(following.code)
            following = by_code.get(following.progression or "")
    return problems


def read_toml(text: str, source: str) -> dict[str, object]:
    """A shipped TOML file's document, or a ``ShippedDataError`` naming ``source``."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ShippedDataError(f"{source}: not valid TOML ({error}).") from error


def toml_entries(
    document: Mapping[str, object], source: str, table: str, *, also: Iterable[str] = ()
) -> list[Mapping[str, object]]:
    """The ``[[table]]`` entries of a shipped document; any other top-level key than ``also``
    is an error (a typo there would otherwise be ignored)."""
    extra = sorted(set(document) - {table, *also})
    if extra:
        raise ShippedDataError(f"{source}: unexpected top-level “{extra[0]}”.")
    entries = document.get(table)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ShippedDataError(f"{source}: expected a list of [[{table}]] tables.")
    return entries


def entry_label(entry: Mapping[str, object], index: int) -> str:
    code = entry.get("code")
    return code if isinstance(code, str) and code.strip() else f"entry {index + 1}"


def exercises_from_toml(files: Mapping[str, str]) -> tuple[Exercise, ...]:
    """The exercises of ``files`` ({"stretch.toml": TOML text, …}; each file's stem is the
    category of all its exercises), validated and link-checked, in file order, or a
    ``ShippedDataError`` naming the file and the exercise."""
    found: list[Exercise] = []
    where: dict[str, str] = {}
    for file_name, text in files.items():
        source = f"{FOLDER}/{file_name}"
        for index, entry in enumerate(toml_entries(read_toml(text, source), source, "exercise")):
            label = entry_label(entry, index)
            try:
                made = validate_exercise(entry, shipped=True)
            except ValidationError as error:
                raise ShippedDataError(f"{source}, {label}: {error.message}") from error
            if f"{made.category}.toml" != file_name:
                raise ShippedDataError(
                    f"{source}, {label}: category “{made.category}” belongs in "
                    f"{made.category}.toml."
                )
            if made.code in where:
                raise ShippedDataError(
                    f"{source}, {label}: the code is used twice (also in {where[made.code]})."
                )
            where[made.code] = source
            found.append(made)
    problems = link_problems(found)
    if problems:
        raise ShippedDataError(
            " ".join(f"{where[p.code]}, {p.code}: {p.problem}" for p in problems)
        )
    return tuple(found)


@functools.cache
def shipped_exercises() -> tuple[Exercise, ...]:
    """Every exercise shipped with the program, retired ones included, by category in the
    order of ``CATEGORIES`` and within a category in file order."""
    folder = resources.files("ptclinic") / "resources" / FOLDER
    files = {f"{c}.toml": (folder / f"{c}.toml").read_text("utf-8") for c in CATEGORIES}
    return exercises_from_toml(files)


@functools.cache
def _shipped_by_code() -> dict[str, Exercise]:
    return {found.code: found for found in shipped_exercises()}


def exercise(code: str, library: Sequence[Exercise] | None = None) -> Exercise:
    """The exercise with ``code`` (case and spaces forgiven) in ``library`` (default: the
    shipped one), retired or not; ``NotFound`` if there is none."""
    wanted = code.strip().upper()
    if library is None:
        found = _shipped_by_code().get(wanted)
    else:
        found = next((e for e in library if e.code == wanted), None)
    if found is None:
        raise NotFound(f"No exercise in the library has the code “{code.strip()}”.")
    return found


@functools.cache
def _search_words(found: Exercise) -> tuple[str, ...]:
    words = f"{found.name} {found.plain_name} {found.code}".replace("-", " ").split()
    return (*(search_key(w) for w in words), search_key(found.code))


def filter_exercises(
    exercises: Iterable[Exercise],
    *,
    category: Category | None = None,
    stage: Stage | None = None,
    indication: Indication | None = None,
    text: str = "",
    include_retired: bool = False,
) -> list[Exercise]:
    """The exercises that match every criterion given, in their order. ``text``: each word
    typed must appear in a word of the name, the patient's name or the code (case and
    accents ignored), so "bridge", "KNEE chest" and "sb-bridge" all work."""
    typed = [search_key(w) for w in text.replace("-", " ").split()]
    typed = [w for w in typed if w]
    return [
        found
        for found in exercises
        if (include_retired or not found.retired)
        and (category is None or found.category == category)
        and (stage is None or found.stage == stage)
        and (indication is None or indication in found.indications)
        and all(any(w in word for word in _search_words(found)) for w in typed)
    ]


def progression_chain(code: str, library: Sequence[Exercise] | None = None) -> tuple[Exercise, ...]:
    """The family of ``code`` from its easiest to its hardest exercise, ``code`` included
    (just that exercise when it has no links)."""
    chosen = exercise(code, library)
    listed = shipped_exercises() if library is None else library
    by_code = {e.code: e for e in listed}
    first, seen = chosen, {chosen.code}
    while first.regression in by_code and first.regression not in seen:
        first = by_code[first.regression]
        seen.add(first.code)
    chain, seen = [first], {first.code}
    while chain[-1].progression in by_code and chain[-1].progression not in seen:
        chain.append(by_code[chain[-1].progression])
        seen.add(chain[-1].code)
    return tuple(chain)


# Words a patient should not meet on a handout; write the everyday word instead
# ("on your back" for supine, "buttock" for gluteal, "tighten" for contract).
# fmt: off
JARGON = frozenset({
    "anterior", "posterior", "lateral", "medial", "proximal", "distal", "contralateral",
    "ipsilateral", "bilateral", "unilateral", "isometric", "isotonic", "supine", "prone",
    "flexion", "extension", "abduction", "adduction", "flexor", "extensor", "abductor",
    "adductor", "innominate", "sacroiliac", "sacrum", "sacral", "lumbar", "thoracic", "pelvic",
    "pelvis", "piriformis", "gluteal", "gluteus", "glute", "quadriceps", "hamstring", "abdominal",
    "transversus", "multifidus", "core", "neutral", "contract", "contraction", "repetition",
    "rep", "quadruped", "tandem", "pallof", "dowel", "activate", "engage", "mobilise", "mobilize",
    "stabilise", "stabilize", "rotation", "oblique",
})
# fmt: on
LONGEST_SENTENCE = 20  # words
AVERAGE_SENTENCE = 15  # words, over an exercise's steps


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def plain_language_warnings(found: Exercise) -> tuple[str, ...]:
    """What would make the patient's text hard to read: jargon words, long sentences. For
    checking the shipped library in tests and warning (not refusing) on a clinic's own."""
    warnings = []
    patient_text = [found.plain_name, found.purpose, *found.steps, *found.cautions]
    for text in patient_text:
        for word in re.findall(r"[a-z]+", text.lower()):
            if word in JARGON or (word.endswith("s") and word[:-1] in JARGON):
                warnings.append(f"“{word}” is a clinical word: “{text}”")
        for sentence in _sentences(text):
            if len(sentence.split()) > LONGEST_SENTENCE:
                warnings.append(f"Sentence over {LONGEST_SENTENCE} words: “{sentence}”")
    step_sentences = [s for step in found.steps for s in _sentences(step)]
    if step_sentences:
        average = sum(len(s.split()) for s in step_sentences) / len(step_sentences)
        if average > AVERAGE_SENTENCE:
            warnings.append(
                f"Steps average {average:.1f} words a sentence ({AVERAGE_SENTENCE} at most)."
            )
    return tuple(warnings)
