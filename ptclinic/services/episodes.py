"""Episodes of care: opening one from the chart, keeping its referral, diagnoses, payer and
authorized visits current, and closing it.

The front desk usually has the referral in hand and a therapist the diagnosis, so both may open
and edit an episode. Diagnoses come from the shipped list (``services/diagnoses.py``); the first
is the primary one. Every change is audited; a save based on an old view of the episode is
refused and says who changed it meanwhile (from the audit log).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from ptclinic.db import Database
from ptclinic.models import AuditEvent, EpisodeDiagnosis, EpisodeOfCare, Patient, Staff
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.booking import BOOKABLE_ROLES
from ptclinic.services.clinic import clinic_today
from ptclinic.services.diagnoses import diagnosis
from ptclinic.services.errors import (
    ConflictError,
    NotFound,
    PermissionDenied,
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.permissions import Permission, can
from ptclinic.services.text import clean_line, has_control_characters

MAX_DIAGNOSES = 12  # what a claim form carries
MAX_AUTHORISED = 200
TITLE_LENGTH = 120
LINE_LENGTH = 200
NAME_LENGTH = 120
# A referral or an onset further back than this is almost surely a typing slip.
OLDEST_YEARS = 80


class PayerType(enum.StrEnum):
    MEDICARE = "medicare"
    MEDICAID = "medicaid"
    COMMERCIAL = "commercial"
    WORKERS_COMP = "workers_comp"
    AUTO = "auto"
    SELF_PAY = "self_pay"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _PAYER_LABELS[self]


_PAYER_LABELS = {
    PayerType.MEDICARE: "Medicare",
    PayerType.MEDICAID: "Medicaid",
    PayerType.COMMERCIAL: "Commercial insurance",
    PayerType.WORKERS_COMP: "Workers' compensation",
    PayerType.AUTO: "Auto insurance",
    PayerType.SELF_PAY: "Self-pay",
    PayerType.OTHER: "Other",
}

# Common ways the problem began, offered as suggestions; anything else may be typed.
ONSET_MECHANISMS = (
    "Gradual, no known cause",
    "Lifting",
    "Bending and twisting",
    "Fall onto the buttock",
    "Missed step or stumble",
    "Motor vehicle accident",
    "Sport",
    "Pregnancy",
    "After childbirth",
    "Prolonged sitting",
    "After surgery",
)


@dataclass(frozen=True)
class EpisodeInput:
    title: str = ""  # empty: named after the primary diagnosis
    primary_therapist_id: int | None = None
    start_date: date | None = None  # None: today
    referring_physician: str = ""
    referral_date: date | None = None
    referral_reason: str = ""
    diagnosis_codes: tuple[str, ...] = ()
    onset_date: date | None = None
    onset_mechanism: str = ""
    payer_type: str = PayerType.COMMERCIAL.value
    authorized_visits: int | None = None


@dataclass(frozen=True)
class DiagnosisLine:
    code: str
    description: str


@dataclass(frozen=True)
class EpisodeRecord:
    id: int
    patient_id: int
    title: str
    primary_therapist_id: int | None
    primary_therapist_name: str
    start_date: date
    referring_physician: str
    referral_date: date | None
    referral_reason: str
    diagnoses: tuple[DiagnosisLine, ...]
    onset_date: date | None
    onset_mechanism: str
    payer_type: str
    authorized_visits: int | None
    status: str
    closed_on: date | None
    closed_reason: str
    version: int
    warnings: tuple[str, ...] = field(default=())

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def payer_label(self) -> str:
        return PayerType(self.payer_type).label

    def as_input(self) -> EpisodeInput:
        """The episode as a form holds it, to change and save back."""
        return EpisodeInput(
            title=self.title,
            primary_therapist_id=self.primary_therapist_id,
            start_date=self.start_date,
            referring_physician=self.referring_physician,
            referral_date=self.referral_date,
            referral_reason=self.referral_reason,
            diagnosis_codes=tuple(d.code for d in self.diagnoses),
            onset_date=self.onset_date,
            onset_mechanism=self.onset_mechanism,
            payer_type=self.payer_type,
            authorized_visits=self.authorized_visits,
        )


_FIELDS = tuple(EpisodeInput.__dataclass_fields__)


def may_edit(actor: Actor) -> bool:
    """Whether ``actor`` may open, change and close episodes (the front desk has the referral
    in hand, a therapist the diagnosis)."""
    return can(actor, Permission.EDIT_PATIENTS) or can(actor, Permission.WRITE_CLINICAL)


def _may_edit(actor: Actor) -> None:
    if not may_edit(actor):
        raise PermissionDenied(
            f"{actor.full_name} may not open or change episodes of care. Ask the front desk or "
            "the patient's therapist."
        )


def _may_view(actor: Actor) -> None:
    if not (can(actor, Permission.VIEW_PATIENTS) or can(actor, Permission.VIEW_CLINICAL)):
        raise PermissionDenied(f"{actor.full_name} may not see episodes of care.")


def _text(value: str, limit: int, name: str, label: str, errors: dict[str, str]) -> str:
    if has_control_characters(value.replace("\n", " ").replace("\t", " ")):
        errors[name] = f"{label} has characters that cannot be stored; retype it."
        return value
    cleaned = clean_line(value)
    if len(cleaned) > limit:
        errors[name] = f"{label} is {len(cleaned)} characters long; keep it under {limit + 1}."
    return cleaned


def validate_episode(
    session: Session, data: EpisodeInput, today: date, patient: Patient
) -> EpisodeInput:
    """The input cleaned, or a ``ValidationError`` naming every field that is wrong."""
    errors: dict[str, str] = {}
    title = _text(data.title, TITLE_LENGTH, "title", "The title", errors)
    physician = _text(
        data.referring_physician, NAME_LENGTH, "referring_physician", "The physician's name", errors
    )
    reason = _text(data.referral_reason, LINE_LENGTH, "referral_reason", "The reason", errors)
    mechanism = _text(data.onset_mechanism, LINE_LENGTH, "onset_mechanism", "How it began", errors)
    start = data.start_date or today
    oldest = today.replace(year=today.year - OLDEST_YEARS)
    if start > today + timedelta(days=365):
        errors["start_date"] = "The episode cannot start more than a year from today."
    elif start < patient.date_of_birth:
        errors["start_date"] = "The episode cannot start before the patient was born."
    if data.referral_date is not None:
        if data.referral_date > today:
            errors["referral_date"] = "The referral date cannot be in the future."
        elif data.referral_date < oldest:
            errors["referral_date"] = "That referral date is too long ago; check the year."
    if data.onset_date is not None:
        if data.onset_date > start:
            errors["onset_date"] = "The problem must have begun by the episode's first day."
        elif data.onset_date < patient.date_of_birth:
            errors["onset_date"] = "The problem cannot have begun before the patient was born."
    try:
        payer = PayerType(data.payer_type).value
    except ValueError:
        errors["payer_type"] = "Choose who pays from the list."
        payer = data.payer_type
    if data.authorized_visits is not None and not 0 <= data.authorized_visits <= MAX_AUTHORISED:
        errors["authorized_visits"] = (
            f"Authorized visits must be from 0 to {MAX_AUTHORISED}; leave it empty when the "
            "payer sets no limit."
        )
    codes: list[str] = []
    for code in data.diagnosis_codes:
        try:
            found = diagnosis(code).code
        except ValidationError as exc:
            errors["diagnosis_codes"] = exc.field_errors["diagnosis"]
            break
        if found in codes:
            errors["diagnosis_codes"] = f"{found} is listed twice."
            break
        codes.append(found)
    if len(codes) > MAX_DIAGNOSES:
        errors["diagnosis_codes"] = f"List at most {MAX_DIAGNOSES} diagnoses; the first is primary."
    if data.primary_therapist_id is not None:
        role = session.scalar(
            select(Staff.role).where(Staff.id == data.primary_therapist_id, Staff.active)
        )
        if role not in BOOKABLE_ROLES:
            errors["primary_therapist_id"] = "Choose an active clinician as primary therapist."
    if not title and codes:
        title = diagnosis(codes[0]).description[:TITLE_LENGTH]
    if not title:
        errors.setdefault("title", "Give the episode a title or a diagnosis, e.g. “Right SI pain”.")
    if errors:
        raise ValidationError(errors)
    return replace(
        data,
        title=title,
        start_date=start,
        referring_physician=physician,
        referral_reason=reason,
        onset_mechanism=mechanism,
        payer_type=payer,
        diagnosis_codes=tuple(codes),
    )


def _apply(row: EpisodeOfCare, data: EpisodeInput) -> None:
    assert data.start_date is not None  # validated
    row.title = data.title
    row.primary_therapist_id = data.primary_therapist_id
    row.start_date = data.start_date
    row.referring_physician = data.referring_physician
    row.referral_date = data.referral_date
    row.referral_reason = data.referral_reason
    row.onset_date = data.onset_date
    row.onset_mechanism = data.onset_mechanism
    row.payer_type = data.payer_type
    row.authorized_visits = data.authorized_visits


def _set_diagnoses(session: Session, episode_id: int, codes: tuple[str, ...]) -> None:
    session.execute(delete(EpisodeDiagnosis).where(EpisodeDiagnosis.episode_id == episode_id))
    session.add_all(
        EpisodeDiagnosis(
            episode_id=episode_id, position=n, code=code, description=diagnosis(code).description
        )
        for n, code in enumerate(codes, start=1)
    )


def _record(session: Session, row: EpisodeOfCare) -> EpisodeRecord:
    lines = session.execute(
        select(EpisodeDiagnosis.code, EpisodeDiagnosis.description)
        .where(EpisodeDiagnosis.episode_id == row.id)
        .order_by(EpisodeDiagnosis.position)
    ).all()
    name = (
        session.scalar(select(Staff.full_name).where(Staff.id == row.primary_therapist_id))
        if row.primary_therapist_id is not None
        else None
    )
    warnings = []
    if row.payer_type == PayerType.MEDICARE and row.referral_date is None:
        warnings.append("Medicare: record the referral (or plan-of-care certification) date.")
    if not lines:
        warnings.append("No diagnosis yet: add one from the referral or the evaluation.")
    return EpisodeRecord(
        id=row.id,
        patient_id=row.patient_id,
        title=row.title,
        primary_therapist_id=row.primary_therapist_id,
        primary_therapist_name=name or "",
        start_date=row.start_date,
        referring_physician=row.referring_physician,
        referral_date=row.referral_date,
        referral_reason=row.referral_reason,
        diagnoses=tuple(DiagnosisLine(code, text) for code, text in lines),
        onset_date=row.onset_date,
        onset_mechanism=row.onset_mechanism,
        payer_type=row.payer_type,
        authorized_visits=row.authorized_visits,
        status=row.status,
        closed_on=row.closed_on,
        closed_reason=row.closed_reason,
        version=row.version,
        warnings=tuple(warnings),
    )


def _patient(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound("That patient record does not exist.")
    return patient


def _audit(
    session: Session, actor: Actor, action: AuditAction, row: EpisodeOfCare, what: str
) -> None:
    audit.record(
        session,
        action,
        actor=actor,
        entity_type="episode",
        entity_id=row.id,
        patient_id=row.patient_id,
        summary=what,
    )


def open_episode(
    db: Database, actor: Actor, patient_id: int, data: EpisodeInput, *, now: datetime | None = None
) -> EpisodeRecord:
    """Open a new episode of care for the patient. Several may be open at once (a patient can be
    treated for two problems)."""
    _may_edit(actor)
    today = clinic_today(db, now)
    with db.session() as session:
        patient = _patient(session, patient_id)
        if not patient.active:
            raise ConflictError(
                f"{patient.first_name} {patient.last_name}'s record is inactive; reactivate it "
                "before opening an episode."
            )
        data = validate_episode(session, data, today, patient)
        row = EpisodeOfCare(patient_id=patient_id, status="open")
        _apply(row, data)
        session.add(row)
        session.flush()
        _set_diagnoses(session, row.id, data.diagnosis_codes)
        _audit(session, actor, AuditAction.CREATE, row, f"opened episode “{row.title}”")
        session.flush()
        return _record(session, row)


def _stale(session: Session, episode_id: int) -> StaleRecordError:
    last = session.execute(
        select(AuditEvent.occurred_at, Staff.full_name)
        .outerjoin(Staff, Staff.id == AuditEvent.actor_id)
        .where(AuditEvent.entity_type == "episode", AuditEvent.entity_id == episode_id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    who = last[1] if last and last[1] else "Someone else"
    when = f" at {last[0]:%H:%M} UTC on {last[0]:%Y-%m-%d}" if last else ""
    return StaleRecordError(
        f"{who} changed this episode{when} while you were editing. Your changes were not saved: "
        "reopen it to see theirs, then make your change again."
    )


def _load(session: Session, episode_id: int) -> EpisodeOfCare:
    row = session.get(EpisodeOfCare, episode_id)
    if row is None:
        raise NotFound("That episode of care does not exist.")
    return row


def update_episode(
    db: Database,
    actor: Actor,
    episode_id: int,
    expected_version: int,
    data: EpisodeInput,
    *,
    now: datetime | None = None,
) -> EpisodeRecord:
    """Save changed episode details; refused when someone saved it since it was opened, or when
    it is closed (reopen it first)."""
    _may_edit(actor)
    today = clinic_today(db, now)
    try:
        with db.session() as session:
            row = _load(session, episode_id)
            if row.version != expected_version:
                raise _stale(session, episode_id)
            if row.status != "open":
                raise ConflictError("This episode is closed; its details stay as they were.")
            data = validate_episode(session, data, today, _patient(session, row.patient_id))
            before = _record(session, row).as_input()
            _apply(row, data)
            _set_diagnoses(session, row.id, data.diagnosis_codes)
            # A change of diagnoses alone leaves the row clean; the version must still move on,
            # or another workstation's save based on the old diagnoses would go through.
            flag_modified(row, "title")
            changed = [n for n in _FIELDS if getattr(before, n) != getattr(data, n)]
            _audit(
                session, actor, AuditAction.CHANGE, row,
                "changed " + (", ".join(changed) if changed else "nothing"),
            )  # fmt: skip
            session.flush()
            return _record(session, row)
    except StaleDataError as exc:
        with db.session() as session:
            raise _stale(session, episode_id) from exc


def close_episode(
    db: Database,
    actor: Actor,
    episode_id: int,
    expected_version: int,
    *,
    reason: str,
    closed_on: date | None = None,
    now: datetime | None = None,
) -> EpisodeRecord:
    """Close the episode (discharge, or the patient stopped coming)."""
    _may_edit(actor)
    today = clinic_today(db, now)
    errors: dict[str, str] = {}
    cleaned = _text(reason, LINE_LENGTH, "reason", "The reason", errors)
    if not cleaned:
        errors["reason"] = "Say why the episode ends, e.g. “Goals met” or “Stopped attending”."
    day = closed_on or today
    try:
        with db.session() as session:
            row = _load(session, episode_id)
            if row.version != expected_version:
                raise _stale(session, episode_id)
            if row.status != "open":
                raise ConflictError("This episode is already closed.")
            if day < row.start_date or day > today:
                errors["closed_on"] = "The closing day lies between the episode's start and today."
            if errors:
                raise ValidationError(errors)
            row.status, row.closed_on, row.closed_reason = "closed", day, cleaned
            _audit(session, actor, AuditAction.CHANGE, row, f"closed the episode: {cleaned}")
            session.flush()
            return _record(session, row)
    except StaleDataError as exc:
        with db.session() as session:
            raise _stale(session, episode_id) from exc


def episode(db: Database, actor: Actor, episode_id: int) -> EpisodeRecord:
    _may_view(actor)
    with db.session() as session:
        return _record(session, _load(session, episode_id))


def patient_episodes(db: Database, actor: Actor, patient_id: int) -> list[EpisodeRecord]:
    """The patient's episodes, open ones first, newest first."""
    _may_view(actor)
    with db.session() as session:
        _patient(session, patient_id)
        rows = session.scalars(
            select(EpisodeOfCare)
            .where(EpisodeOfCare.patient_id == patient_id)
            .order_by(EpisodeOfCare.start_date.desc(), EpisodeOfCare.id.desc())
        ).all()
        records = [_record(session, row) for row in rows]
    return sorted(records, key=lambda r: not r.is_open)


# Words in a patient's payer name that tell its kind, checked in this order ("Medicare
# Advantage" before anything commercial; "Medi-Cal" is California's Medicaid).
_PAYER_WORDS = (
    (PayerType.MEDICAID, ("medicaid", "medi-cal", "medical assistance")),
    (PayerType.MEDICARE, ("medicare",)),
    (PayerType.WORKERS_COMP, ("workers", "worker's", "work comp", "workcomp", "wc ")),
    (PayerType.AUTO, ("auto", "motor vehicle", "car insurance", " pip ")),
    (PayerType.SELF_PAY, ("self pay", "self-pay", "selfpay", "cash", "private pay")),
)


def payer_type_from_name(payer: str) -> PayerType | None:
    """The kind of payer a patient's payer name suggests ("Medicare Part B" → Medicare, "Aetna"
    → commercial); None when no payer is recorded."""
    words = f" {clean_line(payer).lower()} "
    if not words.strip():
        return None
    for payer_type, hints in _PAYER_WORDS:
        if any(hint in words for hint in hints):
            return payer_type
    return PayerType.COMMERCIAL


def suggested_payer_type(db: Database, actor: Actor, patient_id: int) -> PayerType:
    """For a new episode: the payer type of the patient's latest episode, else what their payer
    name suggests, else "Other" (the person at the desk confirms it)."""
    _may_view(actor)
    with db.session() as session:
        latest = session.scalar(
            select(EpisodeOfCare.payer_type)
            .where(EpisodeOfCare.patient_id == patient_id)
            .order_by(EpisodeOfCare.start_date.desc(), EpisodeOfCare.id.desc())
            .limit(1)
        )
        payer = session.scalar(select(Patient.payer).where(Patient.id == patient_id)) or ""
    if latest is not None and latest != PayerType.OTHER:
        return PayerType(latest)
    return payer_type_from_name(payer) or PayerType.OTHER
