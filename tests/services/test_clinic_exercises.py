"""The clinic's own exercises: added, changed, retired and restored by therapists only, checked
like the shipped ones, given codes that never collide, joined to families without breaking
them, versioned and audited; the shipped exercises stay as they are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import AuditEvent, ClinicExercise, Role
from ptclinic.services import clinic_exercises
from ptclinic.services.actor import Actor
from ptclinic.services.clinic_exercises import (
    SHIPPED_STAYS,
    add_exercise,
    copy_of,
    library,
    link_choices,
    may_edit_library,
    may_read_library,
    own_exercise,
    restore_exercise,
    retire_exercise,
    update_exercise,
    wording_warnings,
)
from ptclinic.services.dosage import dosage_mapping
from ptclinic.services.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.exercise_library import (
    exercise,
    filter_exercises,
    progression_chain,
    shipped_exercises,
)

MakeStaff = Callable[[str, Role], Actor]


def form(**overrides: Any) -> dict[str, Any]:
    """What the exercise form sends: steps and cautions as text, one a line."""
    values: dict[str, Any] = {
        "name": "Wall sit, short range",
        "plain_name": "Sitting against the wall",
        "category": "strengthening",
        "stage": 2,
        "indications": ["stability"],
        "purpose": "Makes your thighs strong so standing up is easier.",
        "steps": "Stand with your back against a wall.\nSlide down a little way.\n"
        "Hold, then slide back up.",
        "cautions": "Stop if your knee hurts.",
        "dosage": {"reps": 5, "hold_seconds": 10, "per_day": 1, "days_per_week": 5},
    }
    values.update(overrides)
    return values


def test_a_therapist_adds_an_exercise_that_joins_the_library(
    clinic_db: Database, therapist: Actor
) -> None:
    added = add_exercise(clinic_db, therapist, form())
    assert added.code == "C-001"
    assert not added.shipped and not added.retired
    assert added.steps == (
        "Stand with your back against a wall.",
        "Slide down a little way.",
        "Hold, then slide back up.",
    )
    listed = library(clinic_db, therapist)
    assert len(listed) == len(shipped_exercises()) + 1
    found = exercise("c-001", listed)
    assert found == added
    # Within its category, after the shipped ones: the list stays grouped.
    strengthening = [e.code for e in listed if e.category == "strengthening"]
    assert strengthening[-1] == "C-001"
    assert filter_exercises(listed, text="wall sit") == [added]
    second = add_exercise(clinic_db, therapist, form(name="Wall sit, deeper", stage=3))
    assert second.code == "C-002"
    stored = own_exercise(clinic_db, therapist, "C-002")
    assert stored.exercise == second
    assert stored.version == 1
    assert stored.created_by == stored.updated_by == "Therapist Person"


def test_validation_errors_name_each_field_and_nothing_is_stored(
    clinic_db: Database, therapist: Actor
) -> None:
    bad = form(name="", stage=5, steps="Only one step.", dosage={"reps": 0}, progression="NOPE")
    with pytest.raises(ValidationError) as caught:
        add_exercise(clinic_db, therapist, bad)
    errors = caught.value.field_errors
    assert errors["name"] == "Name is required."
    assert "stage" in errors
    assert errors["steps"] == "Steps: give 3 to 7 (not 1)."
    assert errors["dosage.reps"] == "Repetitions must be from 1 to 50 (not 0)."
    with clinic_db.session() as session:
        assert session.scalars(select(ClinicExercise)).all() == []
    with pytest.raises(ValidationError) as caught:
        add_exercise(clinic_db, therapist, form(progression="NOPE"))
    assert caught.value.field_errors == {"progression": "There is no exercise NOPE in the library."}


def test_a_code_or_retired_flag_in_the_form_is_ignored(
    clinic_db: Database, therapist: Actor
) -> None:
    added = add_exercise(clinic_db, therapist, form(code="SB-BRIDGE", retired=True))
    assert added.code == "C-001" and not added.retired


def test_codes_never_collide_with_shipped_ones(
    clinic_db: Database, therapist: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = shipped_exercises()
    # A later release could ship a code of the clinic's pattern: the clinic's skip over it.
    clash = (*shipped, replace(shipped[4], code="C-001"), replace(shipped[5], code="C-002"))
    monkeypatch.setattr(clinic_exercises, "shipped_exercises", lambda: clash)
    codes = [add_exercise(clinic_db, therapist, form()).code for _ in range(2)]
    assert codes == ["C-003", "C-004"]
    assert len({e.code for e in library(clinic_db)}) == len(clash) + 2


def test_joining_the_end_of_a_shipped_family(clinic_db: Database, therapist: Actor) -> None:
    harder = add_exercise(
        clinic_db, therapist, form(category="stabilisation", stage=3, regression="SB-BRIDGE-SL")
    )
    listed = library(clinic_db)
    assert exercise("SB-BRIDGE-SL", listed).progression == harder.code
    assert exercise("SB-BRIDGE-SL").progression is None  # the shipped data itself is unchanged
    chain = [e.code for e in progression_chain(harder.code, listed)]
    assert chain == ["SG-PRONE-HIPEXT", "SB-BRIDGE", "SB-BRIDGE-MARCH", "SB-BRIDGE-SL", harder.code]
    # That end is taken now.
    with pytest.raises(ValidationError) as caught:
        add_exercise(clinic_db, therapist, form(stage=3, regression="SB-BRIDGE-SL"))
    assert caught.value.field_errors["regression"].startswith(
        "“Single-leg bridge” already progresses to “Wall sit, short range”."
    )
    assert [e.code for e in link_choices(listed, "regression")].count("SB-BRIDGE-SL") == 0


def test_links_must_keep_families_in_one_line_with_rising_stages(
    clinic_db: Database, therapist: Actor
) -> None:
    with pytest.raises(ValidationError) as caught:
        add_exercise(clinic_db, therapist, form(stage=2, regression="SB-BRIDGE"))
    assert "already progresses to “Bridge with march”" in (caught.value.field_errors["regression"])
    with pytest.raises(ValidationError) as caught:
        add_exercise(clinic_db, therapist, form(stage=1, regression="SB-BRIDGE-SL"))
    assert caught.value.field_errors["regression"] == (
        "“Single-leg bridge” is at stage 3, harder than this exercise's stage 1: ease back "
        "to one at the same stage or easier."
    )
    with pytest.raises(ValidationError) as caught:
        add_exercise(clinic_db, therapist, form(stage=3, progression="MO-CATCAMEL"))
    assert "easier than this exercise's stage 3" in caught.value.field_errors["progression"]


def test_two_of_the_clinics_exercises_link_both_ways(clinic_db: Database, therapist: Actor) -> None:
    easy = add_exercise(clinic_db, therapist, form(stage=1))
    hard = add_exercise(clinic_db, therapist, form(stage=2, regression=easy.code))
    stored = own_exercise(clinic_db, therapist, easy.code)
    assert stored.exercise.progression == hard.code
    assert stored.version == 2  # relinked, so a form opened before is stale
    assert stored.updated_by == "Therapist Person"
    listed = library(clinic_db)
    assert [e.code for e in progression_chain(easy.code, listed)] == [easy.code, hard.code]

    # Leaving the family frees the other end again.
    version = own_exercise(clinic_db, therapist, hard.code).version
    update_exercise(clinic_db, therapist, hard.code, version, form(stage=2))
    assert own_exercise(clinic_db, therapist, easy.code).exercise.progression is None
    assert progression_chain(easy.code, library(clinic_db)) == (
        exercise(easy.code, library(clinic_db)),
    )


def test_a_loop_is_refused(clinic_db: Database, therapist: Actor) -> None:
    first = add_exercise(clinic_db, therapist, form(stage=1))
    second = add_exercise(clinic_db, therapist, form(stage=1, regression=first.code))
    third = add_exercise(clinic_db, therapist, form(stage=1, regression=second.code))
    version = own_exercise(clinic_db, therapist, third.code).version
    with pytest.raises(ValidationError) as caught:
        update_exercise(
            clinic_db, therapist, third.code, version,
            form(stage=1, regression=second.code, progression=first.code),
        )  # fmt: skip
    assert caught.value.field_errors == {
        "progression": "These links would make the family go round in a loop."
    }
    assert own_exercise(clinic_db, therapist, first.code).exercise.regression is None


def test_an_edit_is_saved_versioned_and_a_stale_one_refused_naming_who(
    clinic_db: Database, therapist: Actor, make_staff: MakeStaff
) -> None:
    added = add_exercise(clinic_db, therapist, form())
    other = make_staff("dlee", Role.THERAPIST)
    changed = update_exercise(clinic_db, other, added.code, 1, form(name="Wall sit"))
    assert changed.name == "Wall sit"
    stored = own_exercise(clinic_db, therapist, added.code)
    assert stored.version == 2 and stored.updated_by == "Dlee Person"
    assert stored.created_by == "Therapist Person"
    with pytest.raises(StaleRecordError) as caught:
        update_exercise(clinic_db, therapist, added.code, 1, form(name="Wall squat"))
    assert caught.value.message.startswith("Dlee Person changed this exercise at ")
    assert "Your changes were not saved" in caught.value.message
    assert own_exercise(clinic_db, therapist, added.code).exercise.name == "Wall sit"
    with pytest.raises(NotFound):
        update_exercise(clinic_db, therapist, "C-099", 1, form())


def test_shipped_exercises_stay_as_they_are_but_can_be_copied(
    clinic_db: Database, therapist: Actor
) -> None:
    for change in (
        lambda: update_exercise(clinic_db, therapist, "sb-bridge", 1, form()),
        lambda: retire_exercise(clinic_db, therapist, "SB-BRIDGE", 1),
        lambda: restore_exercise(clinic_db, therapist, "SB-BRIDGE", 1),
    ):
        with pytest.raises(ConflictError) as caught:
            change()
        assert caught.value.message == SHIPPED_STAYS
    start = copy_of("SB-BRIDGE-MARCH")
    assert start["name"] == "Bridge with march (copy)"
    assert "progression" not in start and "regression" not in start
    assert start["dosage"] == dosage_mapping(exercise("SB-BRIDGE-MARCH").dosage)
    copied = add_exercise(clinic_db, therapist, start)
    assert copied.steps == exercise("SB-BRIDGE-MARCH").steps
    assert copied.dosage == exercise("SB-BRIDGE-MARCH").dosage
    assert copy_of(copied.code, library(clinic_db))["name"].endswith("(copy) (copy)")


def test_retiring_hides_it_from_the_filters_but_its_code_still_finds_it(
    clinic_db: Database, therapist: Actor
) -> None:
    added = add_exercise(clinic_db, therapist, form())
    retired = retire_exercise(clinic_db, therapist, added.code, 1)
    assert retired.retired
    listed = library(clinic_db)
    assert added.code not in {e.code for e in filter_exercises(listed)}
    assert added.code in {e.code for e in filter_exercises(listed, include_retired=True)}
    assert exercise(added.code, listed).retired
    assert added.code not in {e.code for e in link_choices(listed, "progression")}
    with pytest.raises(StaleRecordError):
        retire_exercise(clinic_db, therapist, added.code, 1)
    with pytest.raises(ConflictError, match="is retired already"):
        retire_exercise(clinic_db, therapist, added.code, 2)
    # A retired exercise cannot be newly linked to.
    with pytest.raises(ValidationError) as caught:
        add_exercise(clinic_db, therapist, form(regression=added.code))
    assert caught.value.field_errors["regression"].endswith("restore it first or choose another.")
    restored = restore_exercise(clinic_db, therapist, added.code, 2)
    assert not restored.retired
    assert added.code in {e.code for e in filter_exercises(library(clinic_db))}
    # An edit keeps it as retired or not as it is.
    retire_exercise(clinic_db, therapist, added.code, 3)
    assert update_exercise(clinic_db, therapist, added.code, 4, form(name="Wall sit")).retired


@pytest.mark.parametrize(
    ("role", "reads", "writes"),
    [
        (Role.THERAPIST, True, True),
        (Role.ASSISTANT, True, False),
        (Role.STUDENT, True, False),
        (Role.FRONT_DESK, False, False),
        (Role.ADMIN, False, False),
    ],
)
def test_who_may_read_and_write_the_library(
    clinic_db: Database,
    therapist: Actor,
    make_staff: MakeStaff,
    role: Role,
    reads: bool,
    writes: bool,
) -> None:
    added = add_exercise(clinic_db, therapist, form())
    actor = make_staff("someone", role)
    assert may_read_library(actor) is reads
    assert may_edit_library(actor) is writes
    if reads:
        assert exercise(added.code, library(clinic_db, actor)) == added
        assert own_exercise(clinic_db, actor, added.code).exercise == added
    else:
        with pytest.raises(PermissionDenied):
            library(clinic_db, actor)
    changes = (
        lambda: add_exercise(clinic_db, actor, form()),
        lambda: update_exercise(clinic_db, actor, added.code, 1, form(name="Wall sit")),
        lambda: retire_exercise(clinic_db, actor, added.code, 2),
    )
    for change in changes:
        if writes:
            change()
        else:
            with pytest.raises(PermissionDenied):
                change()


def test_every_change_is_audited(clinic_db: Database, therapist: Actor) -> None:
    first = add_exercise(clinic_db, therapist, form(stage=1))
    second = add_exercise(clinic_db, therapist, form(stage=2, regression=first.code))
    update_exercise(
        clinic_db, therapist, second.code, 1, form(stage=2, name="Wall sit", regression=first.code)
    )
    retire_exercise(clinic_db, therapist, second.code, 2)
    restore_exercise(clinic_db, therapist, second.code, 3)
    with clinic_db.session() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.summary, AuditEvent.actor_username)
            .where(AuditEvent.entity_type == "clinic_exercise")
            .order_by(AuditEvent.id)
        ).all()
    assert [(action, summary) for action, summary, _ in events] == [
        ("create", "added exercise C-001 “Wall sit, short range”"),
        ("change", "relinked exercise C-001 for C-002: progresses to C-002, eases back to none"),
        ("create", "added exercise C-002 “Wall sit, short range”"),
        ("change", "changed exercise C-002: name"),
        ("change", "retired exercise C-002"),
        ("change", "restored exercise C-002"),
    ]
    assert {who for _, _, who in events} == {"therapist"}


def test_wording_warnings_point_out_clinical_words(therapist: Actor) -> None:
    assert wording_warnings(form()) == ()
    warnings = wording_warnings(form(steps="Lie supine.\nBend your knees.\nLift your hips."))
    assert warnings == ("“supine” is a clinical word: “Lie supine.”",)
    with pytest.raises(ValidationError):
        wording_warnings(form(name=""))


def test_link_choices_offer_free_ends_only(clinic_db: Database) -> None:
    listed = library(clinic_db)
    after = {e.code for e in link_choices(listed, "progression", "C-001")}
    before = {e.code for e in link_choices(listed, "regression")}
    assert "SG-PRONE-HIPEXT" in after and "SB-BRIDGE" not in after
    assert "SB-BRIDGE-SL" in before and "SB-BRIDGE" not in before
    assert "MO-CATCAMEL" in after and "MO-CATCAMEL" in before  # no family yet
    names = [e.name.casefold() for e in link_choices(listed, "regression")]
    assert names == sorted(names)
