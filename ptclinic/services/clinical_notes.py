"""Visit notes, progress notes and discharge summaries as records: start one from the
appointment (pre-filled from the care plan and the last note), save the draft as the therapist
types, sign it with the password, co-sign a student's, and correct a signed one by addenda.

Rules:
- Therapists, assistants and students write notes (an assistant documents the visits they
  treat); a student's signature waits for a therapist's co-signature.
- One note per appointment; the appointment's visit type chooses its kind (a progress visit or
  re-evaluation gets a progress note, a discharge visit a discharge summary).
- A draft is its author's, and a save based on an old version is refused, as for evaluations.
- What signing writes is in ``note_signing``: the charges, the completed appointment, the
  re-measured outcomes, the goals' statuses and, for a discharge, the closed episode.
- Draft saves are audited at most once per quarter hour per person and note; starting, opening,
  signing, co-signing and every addendum are each audited.
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
    Appointment,
    ClinicalNote,
    EpisodeOfCare,
    NoteAddendum,
    NoteCharge,
    NoteKind,
    Staff,
)
from ptclinic.models.base import utcnow
from ptclinic.roles import Role
from ptclinic.services import audit, auth
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.billing import BillingLine, describe, method_for_payer
from ptclinic.services.clinic import clinic_today, clinic_zone
from ptclinic.services.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.evaluation_records import Addendum
from ptclinic.services.note_form import CONTENT_FORMAT, validate_note_content
from ptclinic.services.note_prefill import prefilled_content
from ptclinic.services.note_signing import apply_signature, signing_problems
from ptclinic.services.permissions import Permission, require
from ptclinic.services.signed_records import clean_addendum, recently_audited, saved_elsewhere
from ptclinic.services.staff import full_names

KIND_BY_VISIT_TYPE = {
    "progress_visit": NoteKind.PROGRESS,
    "re_evaluation": NoteKind.PROGRESS,
    "discharge": NoteKind.DISCHARGE,
}
KIND_LABELS = {
    NoteKind.VISIT: "Visit note",
    NoteKind.PROGRESS: "Progress note",
    NoteKind.DISCHARGE: "Discharge summary",
}
NOT_DOCUMENTED = frozenset({"cancelled", "no_show"})


@dataclass(frozen=True)
class NoteRecord:
    id: int
    episode_id: int
    patient_id: int
    appointment_id: int | None
    kind: str
    therapist_id: int
    therapist_name: str
    status: str
    content: dict[str, Any]
    note_date: date
    payer_type: str
    signed_at: datetime | None
    signed_by_name: str
    signed_by_credentials: str
    cosign_required: bool
    cosigned_at: datetime | None
    cosigned_by_name: str
    updated_at: datetime
    version: int
    charges: tuple[BillingLine, ...]  # written at signing; empty for a draft
    addenda: tuple[Addendum, ...]

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[NoteKind(self.kind)]

    @property
    def billing_method(self) -> str:
        return method_for_payer(self.payer_type)


def _record(session: Session, row: ClinicalNote) -> NoteRecord:
    addenda = session.execute(
        select(NoteAddendum.created_at, NoteAddendum.text, Staff.full_name)
        .join(Staff, Staff.id == NoteAddendum.author_id)
        .where(NoteAddendum.note_id == row.id)
        .order_by(NoteAddendum.id)
    ).all()
    charges = session.scalars(
        select(NoteCharge).where(NoteCharge.note_id == row.id).order_by(NoteCharge.id)
    ).all()
    names = full_names(session, (row.therapist_id, row.signed_by_id, row.cosigned_by_id))
    episode = session.get(EpisodeOfCare, row.episode_id)
    assert episode is not None  # a foreign key
    credentials = session.scalar(select(Staff.credentials).where(Staff.id == row.signed_by_id))
    return NoteRecord(
        id=row.id,
        episode_id=row.episode_id,
        patient_id=episode.patient_id,
        appointment_id=row.appointment_id,
        kind=row.kind,
        therapist_id=row.therapist_id,
        therapist_name=names.get(row.therapist_id, ""),
        status=row.status,
        content=dict(row.content),
        note_date=row.note_date,
        payer_type=episode.payer_type,
        signed_at=row.signed_at,
        signed_by_name=names.get(row.signed_by_id or 0, ""),
        signed_by_credentials=credentials or "",
        cosign_required=row.cosign_required,
        cosigned_at=row.cosigned_at,
        cosigned_by_name=names.get(row.cosigned_by_id or 0, ""),
        updated_at=row.updated_at,
        version=row.version,
        charges=tuple(
            BillingLine(c.cpt_code, describe(c.cpt_code), c.minutes, c.units, c.timed)
            for c in charges
        ),
        addenda=tuple(Addendum(name, at, text) for at, text, name in addenda),
    )


def _audit(
    session: Session, actor: Actor, action: AuditAction, row: ClinicalNote, patient: int, what: str
) -> None:
    audit.record(
        session,
        action,
        actor=actor,
        entity_type="note",
        entity_id=row.id,
        patient_id=patient,
        summary=what,
    )


def _load(session: Session, note_id: int) -> tuple[ClinicalNote, int]:
    row = session.get(ClinicalNote, note_id)
    if row is None:
        raise NotFound("That note does not exist.")
    patient_id = session.scalar(
        select(EpisodeOfCare.patient_id).where(EpisodeOfCare.id == row.episode_id)
    )
    assert patient_id is not None  # a foreign key
    return row, patient_id


def _words(kind: str) -> str:
    return KIND_LABELS[NoteKind(kind)].lower()


def _new_note(
    session: Session, actor: Actor, episode: EpisodeOfCare, kind: NoteKind, day: date,
    appointment_id: int | None,
) -> ClinicalNote:  # fmt: skip
    if episode.status != "open":
        raise ConflictError("This episode is closed; a new note needs an open episode.")
    row = ClinicalNote(
        episode_id=episode.id,
        appointment_id=appointment_id,
        kind=kind.value,
        therapist_id=actor.staff_id,
        content=prefilled_content(session, episode.id, kind.value, day),
        content_format=CONTENT_FORMAT,
        note_date=day,
        cosign_required=actor.role == Role.STUDENT.value,
        updated_by_id=actor.staff_id,
    )
    session.add(row)
    session.flush()
    _audit(session, actor, AuditAction.CREATE, row, episode.patient_id, f"started a {_words(kind)}")
    return row


def start_note_for_appointment(
    db: Database, actor: Actor, appointment_id: int, *, now: datetime | None = None
) -> NoteRecord:
    """The appointment's note: a new draft by ``actor`` dated the visit's day, or the one
    already started (by anyone: a visit has one note)."""
    require(actor, Permission.WRITE_CLINICAL)
    zone = clinic_zone(db)
    try:
        with db.session() as session:
            existing = session.scalar(
                select(ClinicalNote).where(ClinicalNote.appointment_id == appointment_id)
            )
            if existing is not None:
                return _record(session, existing)
            visit = session.get(Appointment, appointment_id)
            if visit is None:
                raise NotFound("That appointment does not exist.")
            if visit.status in NOT_DOCUMENTED:
                raise ConflictError(
                    "This visit was cancelled or missed; there is no treatment to document."
                )
            if visit.episode_id is None:
                raise ConflictError(
                    "This visit is not linked to an episode of care. Link it to the patient's "
                    "episode (open the appointment and choose it) before writing the note."
                )
            episode = session.get(EpisodeOfCare, visit.episode_id)
            assert episode is not None  # a foreign key
            kind = KIND_BY_VISIT_TYPE.get(visit.visit_type, NoteKind.VISIT)
            day = visit.starts_at.astimezone(zone).date()
            return _record(session, _new_note(session, actor, episode, kind, day, visit.id))
    except IntegrityError:
        # Another workstation started it at the same moment: theirs is the note.
        with db.session() as session:
            existing = session.scalar(
                select(ClinicalNote).where(ClinicalNote.appointment_id == appointment_id)
            )
            if existing is None:
                raise
            return _record(session, existing)


def start_note(
    db: Database, actor: Actor, episode_id: int, kind: str, *, now: datetime | None = None
) -> NoteRecord:
    """A note dated today that belongs to no appointment (a progress report written after the
    visit, or a discharge summary for a patient who stopped coming)."""
    require(actor, Permission.WRITE_CLINICAL)
    if kind not in {k.value for k in NoteKind}:
        raise ValidationError({"kind": "A note is a visit note, progress note or discharge."})
    today = clinic_today(db, now)  # before the unit of work: SQLite allows one writer
    with db.session() as session:
        episode = session.get(EpisodeOfCare, episode_id)
        if episode is None:
            raise NotFound("That episode of care does not exist.")
        row = _new_note(session, actor, episode, NoteKind(kind), today, None)
        return _record(session, row)


def note(db: Database, actor: Actor, note_id: int) -> NoteRecord:
    """One note; each reading is audited."""
    require(actor, Permission.VIEW_CLINICAL)
    with db.session() as session:
        row, patient_id = _load(session, note_id)
        _audit(session, actor, AuditAction.VIEW, row, patient_id, f"opened a {_words(row.kind)}")
        return _record(session, row)


def session_notes(session: Session, episode_id: int) -> tuple[NoteRecord, ...]:
    """The episode's notes, oldest first, inside a unit of work a caller already holds."""
    rows = session.scalars(
        select(ClinicalNote)
        .where(ClinicalNote.episode_id == episode_id)
        .order_by(ClinicalNote.note_date, ClinicalNote.id)
    ).all()
    return tuple(_record(session, row) for row in rows)


def episode_notes(db: Database, actor: Actor, episode_id: int) -> tuple[NoteRecord, ...]:
    """The episode's notes, oldest first (the list is audited once, as one view)."""
    require(actor, Permission.VIEW_CLINICAL)
    with db.session() as session:
        episode = session.get(EpisodeOfCare, episode_id)
        if episode is None:
            raise NotFound("That episode of care does not exist.")
        audit.record(
            session, AuditAction.VIEW, actor=actor, entity_type="episode", entity_id=episode_id,
            patient_id=episode.patient_id, summary="listed the episode's notes",
        )  # fmt: skip
        return session_notes(session, episode_id)


def _stale(session: Session, note_id: int) -> StaleRecordError:
    row = session.execute(
        select(ClinicalNote.updated_at, Staff.full_name)
        .outerjoin(Staff, Staff.id == ClinicalNote.updated_by_id)
        .where(ClinicalNote.id == note_id)
    ).first()
    return saved_elsewhere("note", row[1] if row else None, row[0] if row else None)


def _editable(session: Session, actor: Actor, note_id: int, version: int, verb: str) -> tuple[
    ClinicalNote, int
]:  # fmt: skip
    row, patient_id = _load(session, note_id)
    if row.status != "draft":
        raise ConflictError("This note is signed; add an addendum to correct it.")
    if row.therapist_id != actor.staff_id:
        raise PermissionDenied(f"Only the note's author {verb} the draft.")
    if row.version != version:
        raise _stale(session, note_id)
    return row, patient_id


def save_note_draft(
    db: Database, actor: Actor, note_id: int, expected_version: int, content: object
) -> NoteRecord:
    """Save the draft as it is on screen (checked against the note's form)."""
    require(actor, Permission.WRITE_CLINICAL)
    try:
        with db.session() as session:
            row, patient_id = _editable(session, actor, note_id, expected_version, "edits")
            row.content = validate_note_content(row.kind, content)
            row.updated_by_id = actor.staff_id
            if not recently_audited(session, actor, "note", row.id, utcnow()):
                _audit(session, actor, AuditAction.CHANGE, row, patient_id, "saved the draft")
            session.flush()
            return _record(session, row)
    except StaleDataError as exc:
        with db.session() as session:
            raise _stale(session, note_id) from exc


def sign_note(
    db: Database,
    actor: Actor,
    note_id: int,
    expected_version: int,
    password: str,
    *,
    now: datetime | None = None,
) -> NoteRecord:
    """Sign the draft (its author, with their password): see ``note_signing`` for what it
    writes. A student's signature waits for a therapist's co-signature."""
    require(actor, Permission.WRITE_CLINICAL)
    auth.authenticate(db, actor.username, password, now=now, success_action=None)
    moment = now or utcnow()
    today = clinic_today(db, now)
    try:
        with db.session() as session:
            row, patient_id = _editable(session, actor, note_id, expected_version, "signs")
            signing_problems(row, today)
            student = actor.role == Role.STUDENT.value
            row.status = "awaiting_cosign" if student else "signed"
            row.signed_at, row.signed_by_id = moment, actor.staff_id
            row.updated_by_id = actor.staff_id
            session.flush()
            what = apply_signature(session, actor, row)
            waiting = ", waiting for co-signature" if student else ""
            _audit(
                session, actor, AuditAction.CHANGE, row, patient_id,
                f"signed the {_words(row.kind)}{waiting}{what}",
            )  # fmt: skip
            session.flush()
            return _record(session, row)
    except StaleDataError as exc:
        with db.session() as session:
            raise _stale(session, note_id) from exc


def cosign_note(
    db: Database,
    actor: Actor,
    note_id: int,
    expected_version: int,
    password: str,
    *,
    now: datetime | None = None,
) -> NoteRecord:
    """A therapist co-signs a student's signed note (with their password)."""
    require(actor, Permission.COSIGN_CLINICAL)
    auth.authenticate(db, actor.username, password, now=now, success_action=None)
    with db.session() as session:
        row, patient_id = _load(session, note_id)
        if row.status != "awaiting_cosign":
            raise ConflictError("This note is not waiting for a co-signature.")
        if row.version != expected_version:
            raise _stale(session, note_id)
        row.status = "signed"
        row.cosigned_at, row.cosigned_by_id = now or utcnow(), actor.staff_id
        row.updated_by_id = actor.staff_id
        _audit(session, actor, AuditAction.CHANGE, row, patient_id, "co-signed the note")
        session.flush()
        return _record(session, row)


def add_note_addendum(db: Database, actor: Actor, note_id: int, text: str) -> NoteRecord:
    """Add a correction or addition under a signed note."""
    require(actor, Permission.WRITE_CLINICAL)
    cleaned = clean_addendum(text)
    with db.session() as session:
        row, patient_id = _load(session, note_id)
        if row.status == "draft":
            raise ConflictError("The note is still a draft: change it directly.")
        session.add(NoteAddendum(note_id=row.id, author_id=actor.staff_id, text=cleaned))
        _audit(session, actor, AuditAction.CHANGE, row, patient_id, "added an addendum")
        session.flush()
        return _record(session, row)
