"""Clinical notes stay honest in the database itself, on SQLite (triggers) and PostgreSQL
(triggers and checks): these tests write rows directly, past every service, as a buggy client
might. A signed note never changes and is never deleted, one waiting for a co-signature keeps
its content but can be co-signed, charges and addenda are append-only, certification periods
are never deleted, one note per visit, and the checks refuse what makes no sense."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import IntegrityError

from ptclinic.db import Database
from ptclinic.models import (
    Appointment,
    BillingSettings,
    ClinicalNote,
    CptFee,
    EpisodeOfCare,
    NoteAddendum,
    NoteCharge,
    PlanCertification,
)
from ptclinic.roles import Role
from ptclinic.services import patients
from ptclinic.services.actor import Actor
from tests.conftest import patient_input

SIGNED_AT = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
DAY = date(2026, 12, 7)
CONTENT = {"subjective": "Sitting is easier", "minutes": {"97110": 30}}


@pytest.fixture
def patient(clinic_db: Database, front_desk: Actor) -> int:
    return patients.register_patient(clinic_db, front_desk, patient_input()).id


@pytest.fixture
def episode(clinic_db: Database, patient: int) -> int:
    return _add(clinic_db, EpisodeOfCare(patient_id=patient, start_date=DAY, title="SI"))


def _insert(db: Database, row: Any) -> None:
    with db.session() as session:
        session.add(row)


def _add(db: Database, row: Any) -> int:
    with db.session() as session:
        session.add(row)
        session.flush()
        return int(row.id)


def _run(db: Database, statement: object) -> None:
    with db.session() as session:
        session.execute(statement)  # type: ignore[call-overload]


def _appointment(db: Database, patient: int, therapist: Actor, hour: int = 15) -> int:
    starts = datetime(2026, 12, 7, hour, 0, tzinfo=UTC)
    return _add(
        db,
        Appointment(
            patient_id=patient, therapist_id=therapist.staff_id, starts_at=starts,
            ends_at=starts + timedelta(minutes=45), visit_type="follow_up",
        ),
    )  # fmt: skip


def _note(db: Database, episode: int, author: int, **kw: Any) -> int:
    values: dict[str, Any] = {
        "episode_id": episode, "kind": "visit", "therapist_id": author, "content": CONTENT,
        "note_date": DAY,
    }  # fmt: skip
    return _add(db, ClinicalNote(**(values | kw)))


def _signed(db: Database, episode: int, author: int, **kw: Any) -> int:
    return _note(
        db, episode, author, status="signed", signed_at=SIGNED_AT, signed_by_id=author, **kw
    )


def _waiting(db: Database, episode: int, student: int, **kw: Any) -> int:
    return _note(
        db, episode, student, status="awaiting_cosign", signed_at=SIGNED_AT,
        signed_by_id=student, cosign_required=True, **kw,
    )  # fmt: skip


def _stored(db: Database, note: int) -> tuple[str, dict[str, Any], date]:
    with db.session() as session:
        row = session.get(ClinicalNote, note)
        assert row is not None
        return row.status, dict(row.content), row.note_date


def test_a_draft_changes_freely_and_may_be_deleted(
    clinic_db: Database, episode: int, therapist: Actor
) -> None:
    draft = _note(clinic_db, episode, therapist.staff_id)
    changed = {"subjective": "Worse after gardening"}
    _run(
        clinic_db,
        update(ClinicalNote)
        .where(ClinicalNote.id == draft)
        .values(content=changed, note_date=DAY + timedelta(days=1), kind="progress"),
    )
    assert _stored(clinic_db, draft) == ("draft", changed, DAY + timedelta(days=1))
    _run(clinic_db, delete(ClinicalNote).where(ClinicalNote.id == draft))
    with clinic_db.session() as session:
        assert session.get(ClinicalNote, draft) is None


def test_a_draft_becomes_signed_and_then_never_changes(
    clinic_db: Database, episode: int, therapist: Actor
) -> None:
    note = _note(clinic_db, episode, therapist.staff_id)
    _run(
        clinic_db,
        update(ClinicalNote)
        .where(ClinicalNote.id == note)
        .values(status="signed", signed_at=SIGNED_AT, signed_by_id=therapist.staff_id),
    )
    for change in (
        {"content": {"subjective": "changed later"}},
        {"status": "draft", "signed_at": None, "signed_by_id": None},
        {"note_date": DAY - timedelta(days=1)},
        {"kind": "progress"},
        {"updated_by_id": therapist.staff_id},
        {"version": 7},
    ):
        with pytest.raises(IntegrityError, match="signed note cannot be changed"):
            _run(clinic_db, update(ClinicalNote).where(ClinicalNote.id == note).values(**change))
    with pytest.raises(IntegrityError, match="signed note cannot be deleted"):
        _run(clinic_db, delete(ClinicalNote).where(ClinicalNote.id == note))
    assert _stored(clinic_db, note) == ("signed", CONTENT, DAY)


@pytest.mark.parametrize(
    "column",
    ["content", "kind", "note_date", "cosign_required", "therapist_id", "episode_id",
     "appointment_id"],
)  # fmt: skip
def test_a_note_waiting_for_a_cosignature_keeps_its_content(
    clinic_db: Database, episode: int, patient: int, therapist: Actor, make_staff: Any,
    column: str,
) -> None:  # fmt: skip
    student: Actor = make_staff("student", Role.STUDENT)
    waiting = _waiting(clinic_db, episode, student.staff_id)
    value = {
        "content": lambda: {"subjective": "rewritten while waiting"},
        "kind": lambda: "discharge",
        "note_date": lambda: DAY + timedelta(days=1),
        "cosign_required": lambda: False,
        "therapist_id": lambda: therapist.staff_id,
        "episode_id": lambda: _add(clinic_db, EpisodeOfCare(patient_id=patient, start_date=DAY)),
        "appointment_id": lambda: _appointment(clinic_db, patient, therapist),
    }[column]()
    with pytest.raises(IntegrityError, match="keeps its content"):
        _run(
            clinic_db,
            update(ClinicalNote).where(ClinicalNote.id == waiting).values({column: value}),
        )
    assert _stored(clinic_db, waiting) == ("awaiting_cosign", CONTENT, DAY)


def test_a_note_waiting_for_a_cosignature_is_cosigned_but_not_deleted(
    clinic_db: Database, episode: int, therapist: Actor, make_staff: Any
) -> None:
    student: Actor = make_staff("student", Role.STUDENT)
    waiting = _waiting(clinic_db, episode, student.staff_id)
    with pytest.raises(IntegrityError, match="signed note cannot be deleted"):
        _run(clinic_db, delete(ClinicalNote).where(ClinicalNote.id == waiting))
    _run(
        clinic_db,
        update(ClinicalNote)
        .where(ClinicalNote.id == waiting)
        .values(
            status="signed", cosigned_at=SIGNED_AT, cosigned_by_id=therapist.staff_id,
            updated_by_id=therapist.staff_id, version=ClinicalNote.version + 1,
        ),
    )  # fmt: skip
    with clinic_db.session() as session:
        row = session.get(ClinicalNote, waiting)
        assert row is not None
        assert (row.status, row.cosigned_by_id, row.version) == ("signed", therapist.staff_id, 2)
    with pytest.raises(IntegrityError, match="signed note cannot be changed"):
        _run(clinic_db, update(ClinicalNote).where(ClinicalNote.id == waiting).values(version=9))


def test_signing_needs_a_signer_and_a_required_cosignature(
    clinic_db: Database, episode: int, therapist: Actor
) -> None:
    author = therapist.staff_id
    for values in (
        {"status": "signed"},
        {"status": "signed", "signed_at": SIGNED_AT},
        {"status": "signed", "signed_by_id": author},
        {"status": "awaiting_cosign", "cosign_required": True},
        {"status": "signed", "signed_at": SIGNED_AT, "signed_by_id": author,
         "cosign_required": True},
    ):  # fmt: skip
        with pytest.raises(IntegrityError):
            _note(clinic_db, episode, author, **values)
    _note(
        clinic_db, episode, author, status="signed", signed_at=SIGNED_AT, signed_by_id=author,
        cosign_required=True, cosigned_at=SIGNED_AT, cosigned_by_id=author,
    )  # fmt: skip


@pytest.mark.parametrize("values", [{"kind": "letter"}, {"status": "final"}])
def test_an_unknown_kind_or_status_is_refused(
    clinic_db: Database, episode: int, therapist: Actor, values: dict[str, Any]
) -> None:
    with pytest.raises(IntegrityError):
        _note(clinic_db, episode, therapist.staff_id, **values)
    draft = _note(clinic_db, episode, therapist.staff_id)
    with pytest.raises(IntegrityError):
        _run(clinic_db, update(ClinicalNote).where(ClinicalNote.id == draft).values(**values))


def test_every_kind_is_accepted(clinic_db: Database, episode: int, therapist: Actor) -> None:
    for kind in ("visit", "progress", "discharge"):
        _note(clinic_db, episode, therapist.staff_id, kind=kind)


def test_a_visit_has_one_note(
    clinic_db: Database, episode: int, patient: int, therapist: Actor
) -> None:
    visit = _appointment(clinic_db, patient, therapist)
    _note(clinic_db, episode, therapist.staff_id, appointment_id=visit)
    with pytest.raises(IntegrityError):
        _note(clinic_db, episode, therapist.staff_id, appointment_id=visit, kind="progress")
    # Notes without a visit are not limited.
    _note(clinic_db, episode, therapist.staff_id, kind="progress")
    _note(clinic_db, episode, therapist.staff_id, kind="discharge")


def _charge(note: int, **kw: Any) -> NoteCharge:
    values: dict[str, Any] = {"note_id": note, "cpt_code": "97110", "minutes": 33, "units": 2,
                              "timed": True, "amount_cents": 7000}  # fmt: skip
    return NoteCharge(**(values | kw))


def test_charges_are_never_changed_or_removed(
    clinic_db: Database, episode: int, therapist: Actor
) -> None:
    note = _signed(clinic_db, episode, therapist.staff_id)
    charge = _add(clinic_db, _charge(note))
    for change in ({"units": 3}, {"amount_cents": 0}, {"cpt_code": "97140"}):
        with pytest.raises(IntegrityError, match="never changed or removed"):
            _run(clinic_db, update(NoteCharge).where(NoteCharge.id == charge).values(**change))
    with pytest.raises(IntegrityError, match="never changed or removed"):
        _run(clinic_db, delete(NoteCharge).where(NoteCharge.id == charge))
    with clinic_db.session() as session:
        kept = session.get(NoteCharge, charge)
        assert kept is not None and (kept.units, kept.amount_cents) == (2, 7000)


@pytest.mark.parametrize("values", [{"minutes": -1}, {"units": -1}, {"amount_cents": -1}])
def test_a_charge_with_a_negative_number_is_refused(
    clinic_db: Database, episode: int, therapist: Actor, values: dict[str, Any]
) -> None:
    note = _signed(clinic_db, episode, therapist.staff_id)
    with pytest.raises(IntegrityError):
        _add(clinic_db, _charge(note, **values))


def test_a_charge_may_be_zero_or_without_a_fee(
    clinic_db: Database, episode: int, therapist: Actor
) -> None:
    note = _signed(clinic_db, episode, therapist.staff_id)
    _add(clinic_db, _charge(note, cpt_code="97140", minutes=7, units=0, amount_cents=0))
    _add(clinic_db, _charge(note, cpt_code="97010", minutes=0, units=1, timed=False,
                            amount_cents=None))  # fmt: skip


def test_addenda_are_never_changed_or_removed_and_never_empty(
    clinic_db: Database, episode: int, therapist: Actor
) -> None:
    note = _signed(clinic_db, episode, therapist.staff_id)
    addendum = _add(
        clinic_db,
        NoteAddendum(note_id=note, author_id=therapist.staff_id, text="Pain after was 3/10."),
    )
    with pytest.raises(IntegrityError, match="never changed or removed"):
        _run(
            clinic_db,
            update(NoteAddendum).where(NoteAddendum.id == addendum).values(text="rewritten"),
        )
    with pytest.raises(IntegrityError, match="never changed or removed"):
        _run(clinic_db, delete(NoteAddendum).where(NoteAddendum.id == addendum))
    with pytest.raises(IntegrityError):
        _add(clinic_db, NoteAddendum(note_id=note, author_id=therapist.staff_id, text=""))


def _period(episode: int, author: int, **kw: Any) -> PlanCertification:
    values: dict[str, Any] = {
        "episode_id": episode, "period_start": DAY, "period_end": DAY + timedelta(days=89),
        "created_by_id": author,
    }  # fmt: skip
    return PlanCertification(**(values | kw))


def test_certification_periods_are_never_deleted_but_may_be_certified(
    clinic_db: Database, episode: int, therapist: Actor
) -> None:
    period = _add(clinic_db, _period(episode, therapist.staff_id))
    _run(
        clinic_db,
        update(PlanCertification)
        .where(PlanCertification.id == period)
        .values(certified_on=DAY + timedelta(days=3), physician="Dr. Rivera"),
    )
    with pytest.raises(IntegrityError, match="never deleted"):
        _run(clinic_db, delete(PlanCertification).where(PlanCertification.id == period))
    with clinic_db.session() as session:
        kept = session.get(PlanCertification, period)
        assert kept is not None and kept.certified_on == DAY + timedelta(days=3)


def test_a_certification_period_ends_on_or_after_its_start(
    clinic_db: Database, episode: int, therapist: Actor
) -> None:
    with pytest.raises(IntegrityError):
        _add(clinic_db, _period(episode, therapist.staff_id, period_end=DAY - timedelta(days=1)))
    one_day = _add(clinic_db, _period(episode, therapist.staff_id, period_end=DAY))
    with pytest.raises(IntegrityError):
        _run(
            clinic_db,
            update(PlanCertification)
            .where(PlanCertification.id == one_day)
            .values(period_start=DAY + timedelta(days=1)),
        )


def test_a_fee_is_never_negative(clinic_db: Database) -> None:
    _insert(clinic_db, CptFee(cpt_code="97110", amount_cents=3500))
    with pytest.raises(IntegrityError):
        _insert(clinic_db, CptFee(cpt_code="97140", amount_cents=-1))
    with pytest.raises(IntegrityError):
        _run(clinic_db, update(CptFee).where(CptFee.cpt_code == "97110").values(amount_cents=-5))
    _run(clinic_db, update(CptFee).where(CptFee.cpt_code == "97110").values(amount_cents=0))


def test_the_migration_seeds_the_one_billing_settings_row(clinic_db: Database) -> None:
    with clinic_db.session() as session:
        rows = session.execute(
            select(BillingSettings.id, BillingSettings.therapy_threshold_cents)
        ).all()
    assert [tuple(r) for r in rows] == [(1, 248000)]
    with pytest.raises(IntegrityError):
        _insert(clinic_db, BillingSettings(id=2, therapy_threshold_cents=100))
    with pytest.raises(IntegrityError):
        _run(clinic_db, update(BillingSettings).values(therapy_threshold_cents=-1))
    _run(clinic_db, update(BillingSettings).values(therapy_threshold_cents=250000))


def test_the_note_guards_are_there_at_the_newest_revision(clinic_db: Database) -> None:
    # A later SQLite batch migration that rebuilds one of these tables would silently drop them.
    with clinic_db.session() as session:
        if clinic_db.backend == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        names = set(session.scalars(text(query)))
    if clinic_db.backend == "sqlite":
        expected = {
            "clinical_notes_signed_no_update", "clinical_notes_cosign_keeps_content",
            "clinical_notes_signed_no_delete", "note_charges_no_update", "note_charges_no_delete",
            "clinical_note_addenda_no_update", "clinical_note_addenda_no_delete",
            "plan_certifications_no_delete",
        }  # fmt: skip
    else:
        expected = {
            "clinical_notes_guard", "note_charges_guard", "note_charges_no_truncate",
            "clinical_note_addenda_guard", "clinical_note_addenda_no_truncate",
            "plan_certifications_guard", "plan_certifications_no_truncate",
        }  # fmt: skip
    assert expected <= names


@pytest.mark.postgres
def test_postgres_refuses_emptying_the_append_only_tables(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        for table in ("note_charges", "clinical_note_addenda", "plan_certifications"):
            with pytest.raises(IntegrityError):
                _run(db, text(f"TRUNCATE {table} CASCADE"))
    finally:
        db.dispose()
