"""Intake evaluations as records: start one for an episode, save the draft as the therapist
types, sign it with the password, co-sign a student's, and correct a signed one by addenda.

Rules:
- Physical therapists and students evaluate; an assistant may read but not write one (an
  evaluation is outside an assistant's scope of practice).
- A draft is its author's: only they save it, and a save based on an old version is refused (two
  windows on one draft must not overwrite each other).
- Signing needs the signer's password, a chosen classification, every red flag answered and the
  chief complaint; a classification other than the one proposed needs a rationale. A student's
  signature sends it to a therapist for co-signature; signed, it never changes again (the
  database refuses too); corrections are addenda, shown under the original.
- Draft saves are audited at most once per quarter hour per person and evaluation: autosave runs
  every few seconds, and a log full of identical "draft saved" lines hides what matters. Starting,
  viewing, signing, co-signing and every addendum are each audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ptclinic.db import Database
from ptclinic.models import (
    EpisodeOfCare,
    Evaluation,
    EvaluationAddendum,
    EvaluationStatus,
    OutcomeResult,
    Patient,
    Staff,
)
from ptclinic.models.base import utcnow
from ptclinic.roles import Role
from ptclinic.services import audit, auth
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.clinic import clinic_today
from ptclinic.services.day_text import day_text
from ptclinic.services.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.evaluation import interpret
from ptclinic.services.evaluation_form import (
    CLASSIFICATION_LABELS,
    CONTENT_FORMAT,
    RED_FLAGS,
    recorded,
    validate_content,
)
from ptclinic.services.patient_fields import age_on
from ptclinic.services.permissions import EVALUATING_ROLES, Permission, require
from ptclinic.services.signed_records import clean_addendum, recently_audited, saved_elsewhere
from ptclinic.services.staff import full_names

S = EvaluationStatus


@dataclass(frozen=True)
class Addendum:
    author_name: str
    written_at: datetime
    text: str


@dataclass(frozen=True)
class EvaluationRecord:
    id: int
    episode_id: int
    patient_id: int
    therapist_id: int
    therapist_name: str
    status: str
    content: dict[str, Any]
    classification: str | None
    evaluated_on: date
    signed_at: datetime | None
    signed_by_name: str
    cosign_required: bool
    cosigned_at: datetime | None
    cosigned_by_name: str
    updated_at: datetime
    version: int
    addenda: tuple[Addendum, ...]

    @property
    def is_draft(self) -> bool:
        return self.status == S.DRAFT

    @property
    def classification_label(self) -> str:
        return CLASSIFICATION_LABELS.get(self.classification or "", "")


def _record(session: Session, row: Evaluation) -> EvaluationRecord:
    addenda = session.execute(
        select(EvaluationAddendum.created_at, EvaluationAddendum.text, Staff.full_name)
        .join(Staff, Staff.id == EvaluationAddendum.author_id)
        .where(EvaluationAddendum.evaluation_id == row.id)
        .order_by(EvaluationAddendum.id)
    ).all()
    names = full_names(session, (row.therapist_id, row.signed_by_id, row.cosigned_by_id))
    patient_id = session.scalar(
        select(EpisodeOfCare.patient_id).where(EpisodeOfCare.id == row.episode_id)
    )
    assert patient_id is not None  # a foreign key
    return EvaluationRecord(
        id=row.id,
        episode_id=row.episode_id,
        patient_id=patient_id,
        therapist_id=row.therapist_id,
        therapist_name=names.get(row.therapist_id, ""),
        status=row.status,
        content=dict(row.content),
        classification=row.classification,
        evaluated_on=row.evaluated_on,
        signed_at=row.signed_at,
        signed_by_name=names.get(row.signed_by_id or 0, ""),
        cosign_required=row.cosign_required,
        cosigned_at=row.cosigned_at,
        cosigned_by_name=names.get(row.cosigned_by_id or 0, ""),
        updated_at=row.updated_at,
        version=row.version,
        addenda=tuple(Addendum(name, at, text) for at, text, name in addenda),
    )


def _audit(
    session: Session, actor: Actor, action: AuditAction, row: Evaluation, patient_id: int, what: str
) -> None:
    audit.record(
        session,
        action,
        actor=actor,
        entity_type="evaluation",
        entity_id=row.id,
        patient_id=patient_id,
        summary=what,
    )


def _may_evaluate(actor: Actor) -> None:
    require(actor, Permission.WRITE_CLINICAL)
    if actor.role not in EVALUATING_ROLES:
        raise PermissionDenied(
            "Evaluations are written by physical therapists (and students they supervise); "
            "an assistant may read them."
        )


def _episode(session: Session, episode_id: int) -> EpisodeOfCare:
    episode = session.get(EpisodeOfCare, episode_id)
    if episode is None:
        raise NotFound("That episode of care does not exist.")
    return episode


def _load(session: Session, evaluation_id: int) -> tuple[Evaluation, int]:
    row = session.get(Evaluation, evaluation_id)
    if row is None:
        raise NotFound("That evaluation does not exist.")
    return row, _episode(session, row.episode_id).patient_id


def _from_episode(episode: EpisodeOfCare, today: date) -> dict[str, Any]:
    """What the episode already says, so it is not asked twice: the onset (mechanism and date,
    as recorded at referral) and the weeks since it began. The therapist may change both."""
    subjective: dict[str, Any] = {}
    began = episode.onset_date
    when = day_text(began) if began else ""
    onset = ", ".join(part for part in (episode.onset_mechanism, when) if part)
    if onset:
        subjective["onset"] = onset
    if began is not None and began <= today:
        subjective["duration_weeks"] = min((today - began).days // 7, 1040)
    return {"subjective": subjective} if subjective else {}


def start_evaluation(
    db: Database, actor: Actor, episode_id: int, *, now: datetime | None = None
) -> EvaluationRecord:
    """The episode's intake evaluation: a new draft by ``actor``, or the one already started
    (by anyone: an episode has one intake evaluation)."""
    _may_evaluate(actor)
    today = clinic_today(db, now)
    try:
        with db.session() as session:
            episode = _episode(session, episode_id)
            existing = session.scalar(select(Evaluation).where(Evaluation.episode_id == episode_id))
            if existing is not None:
                return _record(session, existing)
            if episode.status != "open":
                raise ConflictError("This episode is closed; an evaluation needs an open episode.")
            row = Evaluation(
                episode_id=episode_id,
                therapist_id=actor.staff_id,
                status=S.DRAFT.value,
                content=_from_episode(episode, today),
                content_format=CONTENT_FORMAT,
                evaluated_on=today,
                cosign_required=actor.role == Role.STUDENT.value,
                updated_by_id=actor.staff_id,
            )
            session.add(row)
            session.flush()
            _audit(
                session,
                actor,
                AuditAction.CREATE,
                row,
                episode.patient_id,
                "started the evaluation",
            )
            return _record(session, row)
    except IntegrityError:
        # Another workstation started it at the same moment: theirs is the evaluation.
        with db.session() as session:
            existing = session.scalar(select(Evaluation).where(Evaluation.episode_id == episode_id))
            if existing is None:
                raise
            return _record(session, existing)


def episode_evaluation(db: Database, actor: Actor, episode_id: int) -> EvaluationRecord | None:
    """The episode's evaluation (None before one is started); each reading is audited."""
    require(actor, Permission.VIEW_CLINICAL)
    with db.session() as session:
        episode = _episode(session, episode_id)
        row = session.scalar(select(Evaluation).where(Evaluation.episode_id == episode_id))
        if row is None:
            return None
        _audit(session, actor, AuditAction.VIEW, row, episode.patient_id, "opened the evaluation")
        return _record(session, row)


def _stale(session: Session, evaluation_id: int) -> StaleRecordError:
    row = session.execute(
        select(Evaluation.updated_at, Staff.full_name)
        .outerjoin(Staff, Staff.id == Evaluation.updated_by_id)
        .where(Evaluation.id == evaluation_id)
    ).first()
    return saved_elsewhere("evaluation", row[1] if row else None, row[0] if row else None)


def save_draft(
    db: Database,
    actor: Actor,
    evaluation_id: int,
    expected_version: int,
    content: object,
    *,
    evaluated_on: date | None = None,
) -> EvaluationRecord:
    """Save the draft's findings as they are on screen (checked against the form)."""
    _may_evaluate(actor)
    cleaned = validate_content(content)
    try:
        with db.session() as session:
            row, patient_id = _load(session, evaluation_id)
            if row.status != S.DRAFT:
                raise ConflictError("This evaluation is signed; add an addendum to correct it.")
            if row.therapist_id != actor.staff_id:
                raise PermissionDenied("Only the evaluation's author edits the draft.")
            if row.version != expected_version:
                raise _stale(session, evaluation_id)
            row.content = cleaned
            classification = recorded(cleaned, "assessment", "classification")
            row.classification = classification if isinstance(classification, str) else None
            if evaluated_on is not None:
                row.evaluated_on = evaluated_on
            row.updated_by_id = actor.staff_id
            # Measured on the audit log's own clock, which stamps the events.
            if not recently_audited(session, actor, "evaluation", row.id, utcnow()):
                _audit(session, actor, AuditAction.CHANGE, row, patient_id, "saved the draft")
            session.flush()
            return _record(session, row)
    except StaleDataError as exc:
        with db.session() as session:
            raise _stale(session, evaluation_id) from exc


def signing_problems(record: EvaluationRecord, *, age: int) -> dict[str, str]:
    """What must be done before the evaluation can be signed (empty: it can be)."""
    content = record.content
    problems: dict[str, str] = {}
    if not str(recorded(content, "subjective", "chief_complaint") or "").strip():
        problems["subjective.chief_complaint"] = "Record the chief complaint."
    flags = content.get("red_flags") or {}
    missing = [label for key, label, _hint in RED_FLAGS if key not in flags]
    if missing:
        problems["red_flags"] = "Answer every red-flag question: " + ", ".join(missing) + "."
    chosen = recorded(content, "assessment", "classification")
    if not chosen:
        problems["assessment.classification"] = "Choose the classification."
    else:
        proposed = interpret(content, age=age).proposal.classification
        rationale = str(recorded(content, "assessment", "classification_rationale") or "")
        if chosen != proposed and not rationale.strip():
            problems["assessment.classification_rationale"] = (
                "Give the rationale for a classification other than the one the findings suggest."
            )
    return problems


def _age(session: Session, patient_id: int, day: date) -> int:
    born = session.scalar(select(Patient.date_of_birth).where(Patient.id == patient_id))
    assert born is not None
    return age_on(born, day)


def _outcome_rows(row: Evaluation, actor: Actor) -> list[OutcomeResult]:
    """The intake outcome measures of a signed evaluation, as results of the episode."""
    report = interpret(row.content, age=0)
    results: list[tuple[str, dict[str, object], float | None]] = []
    odi_answers = recorded(row.content, "outcomes", "odi")
    if isinstance(odi_answers, list) and any(a is not None for a in odi_answers):
        score = float(report.odi) if report.odi is not None else None
        results.append(("odi", {"sections": odi_answers}, score))
    if report.nprs_now is not None:
        results.append(("nprs", {"now": report.nprs_now}, float(report.nprs_now)))
    psfs = recorded(row.content, "outcomes", "psfs")
    if psfs:
        results.append(("psfs", {"activities": psfs}, report.psfs))
    return [
        OutcomeResult(
            episode_id=row.episode_id,
            evaluation_id=row.id,
            measure=measure,
            taken_on=row.evaluated_on,
            answers=answers,
            score=score,
            recorded_by_id=actor.staff_id,
        )
        for measure, answers, score in results
    ]


def sign_evaluation(
    db: Database,
    actor: Actor,
    evaluation_id: int,
    expected_version: int,
    password: str,
    *,
    now: datetime | None = None,
) -> EvaluationRecord:
    """Sign the draft (the author, with their password). A student's signature waits for a
    therapist's co-signature; the outcome measures become the episode's intake results."""
    _may_evaluate(actor)
    auth.authenticate(db, actor.username, password, now=now, success_action=None)
    moment = now or utcnow()
    try:
        with db.session() as session:
            row, patient_id = _load(session, evaluation_id)
            if row.status != S.DRAFT:
                raise ConflictError("This evaluation is already signed.")
            if row.therapist_id != actor.staff_id:
                raise PermissionDenied("Only the evaluation's author signs it.")
            if row.version != expected_version:
                raise _stale(session, evaluation_id)
            record = _record(session, row)
            if problems := signing_problems(
                record, age=_age(session, patient_id, row.evaluated_on)
            ):
                raise ValidationError(problems)
            student = actor.role == Role.STUDENT.value
            row.status = (S.AWAITING_COSIGN if student else S.SIGNED).value
            row.signed_at, row.signed_by_id = moment, actor.staff_id
            row.updated_by_id = actor.staff_id
            session.flush()  # signed first: the results below refer to a signed evaluation
            session.add_all(_outcome_rows(row, actor))
            what = "signed the evaluation" + (", waiting for co-signature" if student else "")
            _audit(session, actor, AuditAction.CHANGE, row, patient_id, what)
            session.flush()
            return _record(session, row)
    except StaleDataError as exc:
        with db.session() as session:
            raise _stale(session, evaluation_id) from exc


def cosign_evaluation(
    db: Database,
    actor: Actor,
    evaluation_id: int,
    expected_version: int,
    password: str,
    *,
    now: datetime | None = None,
) -> EvaluationRecord:
    """A therapist co-signs a student's signed evaluation (with their password)."""
    require(actor, Permission.COSIGN_CLINICAL)
    auth.authenticate(db, actor.username, password, now=now, success_action=None)
    moment = now or utcnow()
    with db.session() as session:
        row, patient_id = _load(session, evaluation_id)
        if row.status != S.AWAITING_COSIGN:
            raise ConflictError("This evaluation is not waiting for a co-signature.")
        if row.version != expected_version:
            raise _stale(session, evaluation_id)
        row.status = S.SIGNED.value
        row.cosigned_at, row.cosigned_by_id = moment, actor.staff_id
        row.updated_by_id = actor.staff_id
        _audit(session, actor, AuditAction.CHANGE, row, patient_id, "co-signed the evaluation")
        session.flush()
        return _record(session, row)


def add_addendum(db: Database, actor: Actor, evaluation_id: int, text: str) -> EvaluationRecord:
    """Add a correction or addition under a signed evaluation."""
    require(actor, Permission.WRITE_CLINICAL)
    cleaned = clean_addendum(text)
    with db.session() as session:
        row, patient_id = _load(session, evaluation_id)
        if row.status == S.DRAFT:
            raise ConflictError("The evaluation is still a draft: change it directly.")
        session.add(
            EvaluationAddendum(evaluation_id=row.id, author_id=actor.staff_id, text=cleaned)
        )
        _audit(session, actor, AuditAction.CHANGE, row, patient_id, "added an addendum")
        session.flush()
        return _record(session, row)
