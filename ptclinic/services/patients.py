"""Registering patients, changing their details, opening a chart. Patients are never deleted."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ptclinic.db import Database
from ptclinic.models import Counter, Patient, Staff
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.clinic import clinic_today
from ptclinic.services.errors import ConflictError, NotFound, StaleRecordError
from ptclinic.services.patient_fields import PatientInput, validate_patient
from ptclinic.services.permissions import Permission, require
from ptclinic.services.text import digits, search_key

CHART_COUNTER = "chart_number"


@dataclass(frozen=True)
class PatientRecord(PatientInput):
    """A patient's full demographics as stored, with the bookkeeping the UI needs."""

    id: int = 0
    chart_number: str = ""
    active: bool = True
    version: int = 0
    updated_at: datetime | None = None

    @property
    def display_name(self) -> str:
        preferred = f" ({self.preferred_name})" if self.preferred_name else ""
        return f"{self.last_name}, {self.first_name}{preferred}"

    def age_on(self, day: date) -> int:
        assert self.date_of_birth is not None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class LikelyDuplicate(ConflictError):
    """A patient with the same name and date of birth exists; register anyway only if confirmed."""

    def __init__(self, matches: list[PatientRecord]) -> None:
        self.matches = matches
        listed = "; ".join(f"{m.display_name}, chart {m.chart_number}" for m in matches)
        super().__init__(
            f"A patient with this name and date of birth is already registered ({listed}). "
            "Open that chart instead, or confirm that this is a different person."
        )


_INPUT_FIELDS = [f.name for f in fields(PatientInput)]


def _record(p: Patient) -> PatientRecord:
    return PatientRecord(
        **{name: getattr(p, name) for name in _INPUT_FIELDS},
        id=p.id,
        chart_number=p.chart_number,
        active=p.active,
        version=p.version,
        updated_at=p.updated_at,
    )


def _apply(p: Patient, data: PatientInput) -> None:
    for name, value in asdict(data).items():
        setattr(p, name, value)
    p.last_name_key = search_key(data.last_name)
    p.first_name_key = search_key(data.first_name)
    p.phone_digits = digits(data.phone)
    p.phone_digits_reversed = p.phone_digits[::-1]


def next_chart_number(session: Session) -> str:
    """Take the next chart number. The UPDATE locks the counter row until commit, so two
    workstations registering at the same moment get different numbers."""
    value = session.execute(
        update(Counter)
        .where(Counter.name == CHART_COUNTER)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar_one_or_none()
    if value is None:
        raise ConflictError("The chart-number counter is missing; run “ptclinic db upgrade”.")
    return str(value)


def _duplicates(session: Session, data: PatientInput, exclude_id: int | None) -> list[Patient]:
    query = select(Patient).where(
        Patient.last_name_key == search_key(data.last_name),
        Patient.first_name_key == search_key(data.first_name),
        Patient.date_of_birth == data.date_of_birth,
    )
    if exclude_id is not None:
        query = query.where(Patient.id != exclude_id)
    return list(session.scalars(query))


def find_likely_duplicates(db: Database, actor: Actor, data: PatientInput) -> list[PatientRecord]:
    require(actor, Permission.VIEW_PATIENTS)
    with db.session() as session:
        return [_record(p) for p in _duplicates(session, data, None)]


def register_patient(
    db: Database, actor: Actor, data: PatientInput, *, confirm_not_duplicate: bool = False
) -> PatientRecord:
    """Register a new patient and assign the next chart number.

    Raises ValidationError for bad input and LikelyDuplicate when the same name and date of birth
    exist, unless ``confirm_not_duplicate`` says the person checked. Nothing is written on error.
    """
    require(actor, Permission.EDIT_PATIENTS)
    data = validate_patient(data, clinic_today(db))
    with db.session() as session:
        if not confirm_not_duplicate and (matches := _duplicates(session, data, None)):
            raise LikelyDuplicate([_record(m) for m in matches])
        patient = Patient(chart_number=next_chart_number(session), updated_by_id=actor.staff_id)
        _apply(patient, data)
        session.add(patient)
        session.flush()
        audit.record(
            session,
            AuditAction.CREATE,
            actor=actor,
            entity_type="patient",
            entity_id=patient.id,
            patient_id=patient.id,
            summary=f"registered chart {patient.chart_number}",
        )
        return _record(patient)


def _stale(session: Session, patient_id: int) -> StaleRecordError:
    row = session.execute(
        select(Patient.updated_at, Staff.full_name)
        .outerjoin(Staff, Staff.id == Patient.updated_by_id)
        .where(Patient.id == patient_id)
    ).first()
    who = row[1] if row and row[1] else "Someone else"
    when = f" at {row[0]:%H:%M} UTC on {row[0]:%Y-%m-%d}" if row else ""
    return StaleRecordError(
        f"{who} changed this patient's details{when} while you were editing. Your changes were "
        "not saved: reopen the chart to see theirs, then make your change again."
    )


def update_patient(
    db: Database, actor: Actor, patient_id: int, expected_version: int, data: PatientInput
) -> PatientRecord:
    """Save changed demographics; refused if anyone saved the record since it was opened."""
    require(actor, Permission.EDIT_PATIENTS)
    data = validate_patient(data, clinic_today(db))
    try:
        with db.session() as session:
            patient = session.get(Patient, patient_id)
            if patient is None:
                raise NotFound("That patient record does not exist.")
            if patient.version != expected_version:
                raise _stale(session, patient_id)
            before = _record(patient)
            _apply(patient, data)
            patient.updated_by_id = actor.staff_id
            changed = [n for n in _INPUT_FIELDS if getattr(before, n) != getattr(data, n)]
            audit.record(
                session,
                AuditAction.CHANGE,
                actor=actor,
                entity_type="patient",
                entity_id=patient.id,
                patient_id=patient.id,
                summary="changed " + (", ".join(changed) if changed else "nothing"),
            )
            session.flush()
            return _record(patient)
    except StaleDataError as exc:
        with db.session() as session:
            raise _stale(session, patient_id) from exc


def open_chart(db: Database, actor: Actor, patient_id: int) -> PatientRecord:
    """A patient's demographics for the chart; each opening is audited as a view."""
    require(actor, Permission.VIEW_PATIENTS)
    with db.session() as session:
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise NotFound("That patient record does not exist.")
        audit.record(
            session,
            AuditAction.VIEW,
            actor=actor,
            entity_type="patient",
            entity_id=patient.id,
            patient_id=patient.id,
            summary="opened chart",
        )
        return _record(patient)
