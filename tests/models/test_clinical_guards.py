"""Clinical records stay honest in the database itself, on SQLite (triggers) and PostgreSQL
(triggers and checks): these tests write rows directly, past every service, as a buggy client
might. A signed evaluation never changes, one waiting for a co-signature keeps its findings,
addenda and outcome results are append-only, and an episode's dates and payer make sense."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import IntegrityError

from ptclinic.db import Database
from ptclinic.models import (
    EpisodeOfCare,
    Evaluation,
    EvaluationAddendum,
    EvaluationStatus,
    OutcomeResult,
)
from ptclinic.services import patients
from ptclinic.services.actor import Actor
from tests.conftest import patient_input

SIGNED_AT = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)


@pytest.fixture
def episode(clinic_db: Database, front_desk: Actor) -> int:
    patient = patients.register_patient(clinic_db, front_desk, patient_input())
    with clinic_db.session() as session:
        row = EpisodeOfCare(patient_id=patient.id, start_date=date(2026, 12, 7), title="SI")
        session.add(row)
        session.flush()
        return row.id


def _evaluation(db: Database, episode: int, author: int, **kw: object) -> int:
    with db.session() as session:
        row = Evaluation(
            episode_id=episode,
            therapist_id=author,
            evaluated_on=date(2026, 12, 7),
            content={"subjective": {"chief_complaint": "Right buttock pain"}},
            **kw,
        )
        session.add(row)
        session.flush()
        return row.id


def _signed(db: Database, episode: int, author: int) -> int:
    return _evaluation(
        db, episode, author, status="signed", signed_at=SIGNED_AT, signed_by_id=author
    )


def _run(db: Database, statement: object) -> None:
    with db.session() as session:
        session.execute(statement)  # type: ignore[call-overload]


def test_a_draft_changes_freely_and_a_signed_evaluation_not_at_all(
    clinic_db: Database, episode: int, therapist: Actor
) -> None:
    draft = _evaluation(clinic_db, episode, therapist.staff_id)
    _run(
        clinic_db,
        update(Evaluation).where(Evaluation.id == draft).values(content={"subjective": {}}),
    )
    _run(
        clinic_db,
        update(Evaluation)
        .where(Evaluation.id == draft)
        .values(status="signed", signed_at=SIGNED_AT, signed_by_id=therapist.staff_id),
    )
    for change in (
        {"content": {"subjective": {"chief_complaint": "changed later"}}},
        {"classification": "mobility"},
        {"status": "draft"},
    ):
        with pytest.raises(IntegrityError, match="signed evaluation cannot be changed"):
            _run(clinic_db, update(Evaluation).where(Evaluation.id == draft).values(**change))
    with pytest.raises(IntegrityError, match="cannot be deleted"):
        _run(clinic_db, delete(Evaluation).where(Evaluation.id == draft))


def test_signing_needs_a_signer_and_a_required_cosignature(
    clinic_db: Database, episode: int, therapist: Actor
) -> None:
    with pytest.raises(IntegrityError):
        _evaluation(clinic_db, episode, therapist.staff_id, status="signed")
    with pytest.raises(IntegrityError):
        _evaluation(
            clinic_db, episode, therapist.staff_id, status="signed", signed_at=SIGNED_AT,
            signed_by_id=therapist.staff_id, cosign_required=True,
        )  # fmt: skip


def test_waiting_for_a_cosignature_keeps_the_findings_but_lets_the_therapist_sign(
    clinic_db: Database, episode: int, therapist: Actor, make_staff
) -> None:  # type: ignore[no-untyped-def]
    from ptclinic.roles import Role

    student = make_staff("student", Role.STUDENT)
    waiting = _evaluation(
        clinic_db, episode, student.staff_id, status=EvaluationStatus.AWAITING_COSIGN.value,
        signed_at=SIGNED_AT, signed_by_id=student.staff_id, cosign_required=True,
    )  # fmt: skip
    with pytest.raises(IntegrityError, match="keeps its findings"):
        _run(
            clinic_db,
            update(Evaluation).where(Evaluation.id == waiting).values(content={"changed": 1}),
        )
    with pytest.raises(IntegrityError, match="keeps its findings"):
        _run(
            clinic_db,
            update(Evaluation).where(Evaluation.id == waiting).values(classification="stability"),
        )
    _run(
        clinic_db,
        update(Evaluation)
        .where(Evaluation.id == waiting)
        .values(status="signed", cosigned_at=SIGNED_AT, cosigned_by_id=therapist.staff_id),
    )


def test_addenda_and_outcome_results_are_append_only(
    clinic_db: Database, episode: int, therapist: Actor
) -> None:
    signed = _signed(clinic_db, episode, therapist.staff_id)
    with clinic_db.session() as session:
        addendum = EvaluationAddendum(
            evaluation_id=signed, author_id=therapist.staff_id, text="Left SLR was 60°, not 40°."
        )
        result = OutcomeResult(
            episode_id=episode, evaluation_id=signed, measure="odi", taken_on=date(2026, 12, 7),
            answers={"sections": [2] * 10}, score=40.0, recorded_by_id=therapist.staff_id,
        )  # fmt: skip
        session.add_all([addendum, result])
        session.flush()
        addendum_id, result_id = addendum.id, result.id
    for model, row_id in ((EvaluationAddendum, addendum_id), (OutcomeResult, result_id)):
        with pytest.raises(IntegrityError, match="never changed or removed"):
            _run(clinic_db, delete(model).where(model.id == row_id))
    with pytest.raises(IntegrityError, match="never changed or removed"):
        _run(clinic_db, update(EvaluationAddendum).values(text="rewritten"))
    with pytest.raises(IntegrityError, match="never changed or removed"):
        _run(clinic_db, update(OutcomeResult).values(score=10.0))
    with pytest.raises(IntegrityError):
        _run(clinic_db, text("INSERT INTO evaluation_addenda (evaluation_id, author_id, "
                             "created_at, text) VALUES (:e, :a, :t, '')").bindparams(
            e=signed, a=therapist.staff_id, t=SIGNED_AT))  # fmt: skip


def test_an_episode_refuses_an_unknown_payer_an_onset_after_its_start_and_an_open_close(
    clinic_db: Database, episode: int
) -> None:
    for change in (
        {"payer_type": "lottery"},
        {"onset_date": date(2026, 12, 8)},
        {"closed_on": date(2026, 12, 20)},
    ):
        with pytest.raises(IntegrityError):
            _run(
                clinic_db, update(EpisodeOfCare).where(EpisodeOfCare.id == episode).values(**change)
            )
    _run(
        clinic_db,
        update(EpisodeOfCare)
        .where(EpisodeOfCare.id == episode)
        .values(payer_type="medicare", onset_date=date(2026, 11, 1), status="closed",
                closed_on=date(2026, 12, 20)),
    )  # fmt: skip


def test_the_guards_are_still_there_at_the_newest_revision(clinic_db: Database) -> None:
    # A later SQLite batch migration that rebuilds one of these tables would silently drop them.
    with clinic_db.session() as session:
        if clinic_db.backend == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        names = set(session.scalars(text(query)))
    expected = (
        {
            "evaluations_signed_no_update", "evaluations_cosign_keeps_findings",
            "evaluations_signed_no_delete", "evaluation_addenda_no_update",
            "evaluation_addenda_no_delete", "outcome_results_no_update",
            "outcome_results_no_delete", "ck_episodes_of_care_onset_not_after_start_update",
            "ck_episodes_of_care_closed_on_only_closed_insert",
        }
        if clinic_db.backend == "sqlite"
        else {
            "evaluations_guard", "evaluation_addenda_no_change", "outcome_results_no_change",
            "outcome_results_no_truncate",
        }
    )  # fmt: skip
    assert expected <= names
