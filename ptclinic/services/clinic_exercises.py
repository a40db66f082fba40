"""The clinic's own exercises beside the shipped library: add, edit, retire and restore them.

A clinic's exercise has the same fields as a shipped one and goes through the same check
(``exercise_library.validate_exercise``); it is stored in ``clinic_exercises`` with a code the
program gives it ("C-001", "C-002" …: never a shipped code, never reused). Shipped exercises stay
as they are: to change one, start a new exercise from ``copy_of`` it.

Families are lines, easiest first, as in the shipped data: an exercise progresses to at most one
and eases back to at most one. A clinic's exercise may join a family at its start or its end, a
shipped family too: ``library`` shows the shipped exercise's free end answering it (the shipped
data itself never changes). Between two of the clinic's own exercises both sides are stored, so
saving one may relink its neighbours (each change audited).

Who: the clinic's library is shared clinical content, so therapists write it; everyone clinical
(therapists, assistants, students) reads it. Every change is audited and versioned: a save based
on an old copy is refused and says who changed it meanwhile.

Public API: ``library``, ``own_exercise``, ``add_exercise``, ``update_exercise``,
``retire_exercise``, ``restore_exercise``, ``copy_of``, ``exercise_mapping``, ``link_choices``,
``wording_warnings``, ``may_read_library``, ``may_edit_library``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ptclinic.db import Database
from ptclinic.models import AuditEvent, ClinicExercise, Staff
from ptclinic.roles import Role
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.dosage import dosage_mapping
from ptclinic.services.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.exercise_library import (
    CATEGORIES,
    Exercise,
    exercise,
    link_problems,
    plain_language_warnings,
    shipped_exercises,
    validate_exercise,
)
from ptclinic.services.permissions import Permission, can
from ptclinic.services.staff import full_names

log = logging.getLogger(__name__)

CODE_PREFIX = "C-"
ENTITY = "clinic_exercise"
SHIPPED_STAYS = "Shipped exercises stay as they are; make a copy to change it."
_NEW_CODE = "C-NEW"  # stands in for the code a new exercise gets when it is stored
_CODE_NUMBER = re.compile(r"^C-(\d+)$")
_ATTEMPTS = 3  # another workstation took the same new code: take the next one
Link = Literal["progression", "regression"]
_LINKS: tuple[Link, Link] = ("progression", "regression")
_ANSWER: dict[Link, Link] = {"progression": "regression", "regression": "progression"}
_FIELD_LABELS = {
    "name": "name",
    "plain_name": "name for the patient",
    "category": "category",
    "stage": "stage",
    "indications": "what it suits",
    "purpose": "purpose",
    "steps": "steps",
    "cautions": "cautions",
    "dosage": "dosage",
    "progression": "progresses to",
    "regression": "eases back to",
    "verb": "verb",
}


@dataclass(frozen=True)
class OwnExercise:
    """One of the clinic's exercises as stored: what to edit, the version to save it against,
    and who wrote it."""

    exercise: Exercise
    version: int
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime


# --- who may do what ----------------------------------------------------------------------------


def may_read_library(actor: Actor) -> bool:
    """Everyone clinical reads the library."""
    return can(actor, Permission.VIEW_CLINICAL)


def may_edit_library(actor: Actor) -> bool:
    """Only therapists add, change, retire and restore the clinic's exercises: the library is
    shared clinical content every plan draws on."""
    return actor.role == Role.THERAPIST and can(actor, Permission.WRITE_CLINICAL)


def _require_reader(actor: Actor) -> None:
    if not may_read_library(actor):
        raise PermissionDenied(f"{actor.full_name} may not see the exercise library.")


def _require_editor(actor: Actor) -> None:
    if not may_edit_library(actor):
        raise PermissionDenied(
            f"{actor.full_name} may not change the exercise library: the clinic's own "
            "exercises are written by its physical therapists."
        )


# --- mappings (what a form holds) ---------------------------------------------------------------


def exercise_mapping(found: Exercise) -> dict[str, Any]:
    """``found`` as the mapping ``validate_exercise`` reads (without code and retired): what an
    edit form starts from and what is stored."""
    values: dict[str, Any] = {
        "name": found.name,
        "plain_name": found.plain_name,
        "category": found.category,
        "stage": found.stage,
        "indications": list(found.indications),
        "purpose": found.purpose,
        "steps": list(found.steps),
        "cautions": list(found.cautions),
        "dosage": dosage_mapping(found.dosage),
    }
    for key in ("progression", "regression", "verb"):
        if getattr(found, key):
            values[key] = getattr(found, key)
    return values


def copy_of(code: str, library: Sequence[Exercise] | None = None) -> dict[str, Any]:
    """A new exercise's mapping started from ``code`` (a shipped one by default, or any in
    ``library``): the same content, named as a copy, without its family links (its neighbours
    answer the original)."""
    values = exercise_mapping(exercise(code, library))
    values.pop("progression", None)
    values.pop("regression", None)
    values["name"] = f"{values['name']} (copy)"
    return values


def _validated(mapping: Mapping[str, object], code: str) -> Exercise:
    """``mapping`` (a form's values) checked as the clinic's exercise ``code``. Empty links
    and verb mean none; a code or retired flag in the mapping is ignored."""
    values = {k: v for k, v in mapping.items() if k not in ("code", "retired")}
    for key in ("progression", "regression", "verb"):
        if values.get(key) in (None, ""):
            values.pop(key, None)
    values["code"] = code
    return validate_exercise(values, shipped=False)


def wording_warnings(mapping: Mapping[str, object]) -> tuple[str, ...]:
    """What would make the patient's text of ``mapping`` hard to read at home (clinical words,
    long sentences): a warning to show, not a refusal. Raises ``ValidationError`` like a save."""
    return plain_language_warnings(_validated(mapping, _NEW_CODE))


# --- reading ------------------------------------------------------------------------------------


def _stored(row: ClinicExercise) -> Exercise | None:
    try:
        return _validated(row.content, row.code)
    except ValidationError as exc:  # stored by an older version with looser rules
        log.warning("clinic exercise %s cannot be read: %s", row.code, exc.message)
        return None


def _with_retired(row: ClinicExercise) -> Exercise | None:
    found = _stored(row)
    return replace(found, retired=row.retired) if found is not None else None


def _rows(session: Session) -> dict[str, ClinicExercise]:
    """The clinic's exercises as stored, oldest first."""
    return {
        row.code: row for row in session.scalars(select(ClinicExercise).order_by(ClinicExercise.id))
    }


def _linked(found: Exercise, link: Link, code: str | None) -> Exercise:
    if link == "progression":
        return replace(found, progression=code)
    return replace(found, regression=code)


def _own(rows: Mapping[str, ClinicExercise]) -> dict[str, Exercise]:
    return {code: found for code, row in rows.items() if (found := _with_retired(row)) is not None}


def _merged(own: Iterable[Exercise]) -> tuple[Exercise, ...]:
    """Shipped and ``own`` by category (shipped first within each), each free end of a family
    answering the clinic's exercise that links to it."""
    own = list(own)
    listed = [*shipped_exercises(), *own]
    by_code = {found.code: found for found in listed}
    for found in own:
        for link in _LINKS:
            target = by_code.get(getattr(found, link) or "")
            if target is not None and getattr(target, _ANSWER[link]) is None:
                by_code[target.code] = _linked(target, _ANSWER[link], found.code)
    answered = [by_code[found.code] for found in listed]
    return tuple(sorted(answered, key=lambda f: CATEGORIES.index(f.category)))


def library(db: Database, actor: Actor | None = None) -> tuple[Exercise, ...]:
    """Every exercise the clinic can use: the shipped ones and its own, retired ones included
    (``filter_exercises`` leaves them out by default), by category. Not cached: one small query
    (about 3 ms on SQLite with 60 of the clinic's own, measured) shows another workstation's
    change at once, where a cache per database would go stale."""
    if actor is not None:
        _require_reader(actor)
    with db.session() as session:
        own = _own(_rows(session))
    return _merged(own.values())


def session_library(session: Session) -> tuple[Exercise, ...]:
    """``library`` inside a unit of work another service already holds."""
    return _merged(_own(_rows(session)).values())


def own_exercise(db: Database, actor: Actor, code: str) -> OwnExercise:
    """The clinic's exercise ``code`` as stored, with its version and who wrote it; ``NotFound``
    for a shipped or unknown code."""
    _require_reader(actor)
    wanted = code.strip().upper()
    with db.session() as session:
        row = session.scalar(select(ClinicExercise).where(ClinicExercise.code == wanted))
        found = _with_retired(row) if row is not None else None
        if row is None or found is None:
            raise NotFound(f"The clinic has no exercise of its own with the code “{code}”.")
        ids = {row.created_by_id, row.updated_by_id or row.created_by_id}
        names = full_names(session, ids)
        return OwnExercise(
            exercise=found,
            version=row.version,
            created_by=names.get(row.created_by_id, ""),
            created_at=row.created_at,
            updated_by=names.get(row.updated_by_id or row.created_by_id, ""),
            updated_at=row.updated_at,
        )


def link_choices(
    exercises: Sequence[Exercise], link: Link, code: str | None = None
) -> list[Exercise]:
    """What exercise ``code`` (None: a new one) may name as its ``link``: those not retired
    whose other end is free (or already answers ``code``), by name. The stage is checked on
    saving, since the form may still change it."""
    answer = _ANSWER[link]
    return sorted(
        (
            found
            for found in exercises
            if found.code != code and not found.retired and getattr(found, answer) in (None, code)
        ),
        key=lambda found: found.name.casefold(),
    )


# --- checking links -----------------------------------------------------------------------------


def _link_errors(made: Exercise, current: Sequence[Exercise], previous: Exercise | None) -> None:
    """Friendly words for the usual mistakes with ``made``'s links, by field."""
    by_code = {found.code: found for found in current}
    errors: dict[str, str] = {}
    for link in _LINKS:
        target_code = getattr(made, link)
        if target_code is None:
            continue
        target = by_code.get(target_code)
        if target is None:
            errors[link] = f"There is no exercise {target_code} in the library."
            continue
        taken = getattr(target, _ANSWER[link])
        other = by_code[taken].name if taken in by_code else taken
        if target.retired and getattr(previous, link, None) != target.code:
            errors[link] = f"“{target.name}” is retired; restore it first or choose another."
        elif taken not in (None, made.code) and link == "progression":
            errors[link] = (
                f"“{target.name}” already eases back to “{other}”. A family is one line: "
                "progress to an exercise that starts a family, or has none."
            )
        elif taken not in (None, made.code):
            errors[link] = (
                f"“{target.name}” already progresses to “{other}”. A family is one line: "
                "ease back to an exercise that ends a family, or has none."
            )
        elif link == "progression" and target.stage < made.stage:
            errors[link] = (
                f"“{target.name}” is at stage {target.stage}, easier than this exercise's stage "
                f"{made.stage}: progress to one at the same stage or harder."
            )
        elif link == "regression" and target.stage > made.stage:
            errors[link] = (
                f"“{target.name}” is at stage {target.stage}, harder than this exercise's stage "
                f"{made.stage}: ease back to one at the same stage or easier."
            )
    if errors:
        raise ValidationError(errors)


def _relinked(
    own: Mapping[str, Exercise], made: Exercise, previous: Exercise | None
) -> dict[str, Exercise]:
    """The clinic's exercises with ``made`` saved: its clinic neighbours answer its links, and
    those it left no longer name it."""
    result = dict(own)
    result[made.code] = made

    def relink(code: str | None, attribute: Link, value: str | None) -> None:
        if code is not None and code in result and code != made.code:
            result[code] = _linked(result[code], attribute, value)

    for link in _LINKS:
        answer = _ANSWER[link]
        left = getattr(previous, link, None)
        still_named = left in result and getattr(result[left], answer) == made.code
        if still_named and left != getattr(made, link):
            relink(left, answer, None)
        relink(getattr(made, link), answer, made.code)
    return result


def _check_family(made: Exercise, own: Mapping[str, Exercise]) -> None:
    """The whole library after the change must still be lines of families (the safety net
    behind ``_link_errors``)."""
    problems = link_problems(_merged(own.values()))
    if not problems:
        return
    first = problems[0]
    at_regression = first.code == made.regression or first.problem.startswith("regression")
    field = "regression" if at_regression else "progression"
    if "loops" in first.problem:
        raise ValidationError({field: "These links would make the family go round in a loop."})
    raise ValidationError({field: f"{first.code}: {first.problem}"})


# --- writing ------------------------------------------------------------------------------------


def _audit(session: Session, actor: Actor, action: AuditAction, row_id: int, what: str) -> None:
    audit.record(session, action, actor=actor, entity_type=ENTITY, entity_id=row_id, summary=what)


def _next_code(taken: Iterable[str]) -> str:
    shipped = {found.code for found in shipped_exercises()}
    numbers = [int(m.group(1)) for code in taken if (m := _CODE_NUMBER.match(code))]
    number = max(numbers, default=0) + 1
    while f"{CODE_PREFIX}{number:03d}" in shipped:
        number += 1
    return f"{CODE_PREFIX}{number:03d}"


def _store(row: ClinicExercise, found: Exercise, actor: Actor) -> None:
    row.name = found.name
    row.content = exercise_mapping(found)  # a new dict: the change is seen and versioned
    row.updated_by_id = actor.staff_id


def _save_links(
    session: Session,
    actor: Actor,
    rows: Mapping[str, ClinicExercise],
    own: Mapping[str, Exercise],
    made: Exercise,
    previous: Exercise | None,
) -> None:
    """Check ``made``'s links, then store the neighbours they relink."""
    _link_errors(made, _merged(own.values()), previous)
    after = _relinked(own, made, previous)
    _check_family(made, after)
    for code, found in after.items():
        if code == made.code or found == own.get(code):
            continue
        row = rows[code]
        _store(row, found, actor)
        _audit(
            session, actor, AuditAction.CHANGE, row.id,
            f"relinked exercise {code} for {made.code}: progresses to "
            f"{found.progression or 'none'}, eases back to {found.regression or 'none'}",
        )  # fmt: skip


def _editable(actor: Actor, code: str) -> str:
    """``code`` as stored, once ``actor`` may change it and it is not a shipped exercise."""
    _require_editor(actor)
    wanted = code.strip().upper()
    if any(found.code == wanted for found in shipped_exercises()):
        raise ConflictError(SHIPPED_STAYS)
    return wanted


def add_exercise(db: Database, actor: Actor, mapping: Mapping[str, object]) -> Exercise:
    """Add one of the clinic's own exercises from ``mapping`` (the fields ``validate_exercise``
    reads; steps and cautions may be text with one a line). It gets the next free code
    ("C-001" …). Its links must name exercises of the library whose end of the family is free.
    ``ValidationError`` names every field at fault; nothing is stored then."""
    _require_editor(actor)
    made = _validated(mapping, _NEW_CODE)
    for attempt in range(_ATTEMPTS):
        try:
            with db.session() as session:
                rows = _rows(session)
                made = replace(made, code=_next_code(rows))
                row = ClinicExercise(
                    code=made.code, created_by_id=actor.staff_id, retired=False, content={}
                )
                _store(row, made, actor)
                own = _own(rows)
                _save_links(session, actor, rows, own, made, None)
                session.add(row)
                session.flush()
                _audit(
                    session, actor, AuditAction.CREATE, row.id,
                    f"added exercise {made.code} “{made.name}”",
                )  # fmt: skip
            return made
        except IntegrityError:  # another workstation took this code a moment earlier
            if attempt == _ATTEMPTS - 1:
                raise ConflictError(
                    "Another workstation was adding exercises at the same moment; nothing was "
                    "saved. Press Save again."
                ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _stale(session: Session, row_id: int) -> StaleRecordError:
    last = session.execute(
        select(AuditEvent.occurred_at, Staff.full_name)
        .outerjoin(Staff, Staff.id == AuditEvent.actor_id)
        .where(AuditEvent.entity_type == ENTITY, AuditEvent.entity_id == row_id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    who = last[1] if last and last[1] else "Someone else"
    when = f" at {last[0]:%H:%M} UTC on {last[0]:%Y-%m-%d}" if last else ""
    return StaleRecordError(
        f"{who} changed this exercise{when} while you were editing. Your changes were not "
        "saved: reopen it to see theirs, then make your change again."
    )


def _changing(
    db: Database,
    actor: Actor,
    code: str,
    version: int,
    change: Callable[[Session, ClinicExercise, dict[str, ClinicExercise]], Exercise],
) -> Exercise:
    """Run ``change`` on the clinic's exercise ``code`` if ``version`` is still current."""
    wanted = _editable(actor, code)
    row_id: int | None = None
    try:
        with db.session() as session:
            rows = _rows(session)
            row = rows.get(wanted)
            if row is None:
                raise NotFound(f"The clinic has no exercise of its own with the code “{code}”.")
            row_id = row.id
            if row.version != version:
                raise _stale(session, row.id)
            changed = change(session, row, rows)
            session.flush()
            return changed
    except StaleDataError as exc:
        with db.session() as session:
            raise _stale(session, row_id or 0) from exc


def update_exercise(
    db: Database, actor: Actor, code: str, version: int, mapping: Mapping[str, object]
) -> Exercise:
    """Save changes to the clinic's exercise ``code``, opened at ``version``. Refused for a
    shipped exercise (``ConflictError``: make a copy), for a stale version (``StaleRecordError``
    naming who changed it) and for invalid fields (``ValidationError``)."""
    made = _validated(mapping, _editable(actor, code))

    def change(session: Session, row: ClinicExercise, rows: dict[str, ClinicExercise]) -> Exercise:
        own = _own(rows)
        previous = own.get(row.code)
        saved = replace(made, retired=row.retired)
        _save_links(session, actor, rows, own, saved, previous)
        _store(row, saved, actor)
        differ = [
            _FIELD_LABELS[f.name]
            for f in fields(Exercise)
            if f.name in _FIELD_LABELS and getattr(previous, f.name, None) != getattr(saved, f.name)
        ]
        _audit(
            session, actor, AuditAction.CHANGE, row.id,
            f"changed exercise {row.code}: " + (", ".join(differ) if differ else "nothing"),
        )  # fmt: skip
        return saved

    return _changing(db, actor, code, version, change)


def _set_retired(db: Database, actor: Actor, code: str, version: int, retired: bool) -> Exercise:
    def change(session: Session, row: ClinicExercise, _rows: dict[str, ClinicExercise]) -> Exercise:
        found = _stored(row)
        if found is None:
            raise ConflictError(f"Exercise {row.code} cannot be read; ask for support.")
        if row.retired == retired:
            state = "retired" if retired else "in use"
            raise ConflictError(f"“{found.name}” is {state} already.")
        row.retired = retired
        row.updated_by_id = actor.staff_id
        verb = "retired" if retired else "restored"
        _audit(session, actor, AuditAction.CHANGE, row.id, f"{verb} exercise {row.code}")
        return replace(found, retired=retired)

    return _changing(db, actor, code, version, change)


def retire_exercise(db: Database, actor: Actor, code: str, version: int) -> Exercise:
    """Stop offering the clinic's exercise ``code``: plans that name it keep it and
    ``exercise(code, library)`` still finds it; ``filter_exercises`` leaves it out unless asked.
    It keeps its place in its family."""
    return _set_retired(db, actor, code, version, True)


def restore_exercise(db: Database, actor: Actor, code: str, version: int) -> Exercise:
    """Offer a retired exercise of the clinic's again."""
    return _set_retired(db, actor, code, version, False)
