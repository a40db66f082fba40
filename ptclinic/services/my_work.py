"""A therapist's own work list, the first thing they see: today's visits with where each note
stands, their unsigned notes and evaluations (flagged once older than 24 hours), visits that
still have no note, what Medicare needs soon (progress reports, certification), visits running
out, and students' notes waiting for a co-signature.

Everything comes from a handful of indexed queries in one unit of work; the page refreshes as
notes and appointments change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from ptclinic.db import Database
from ptclinic.models import (
    Appointment,
    ClinicalNote,
    EpisodeOfCare,
    Evaluation,
    Patient,
    Staff,
    VisitType,
)
from ptclinic.models.base import utcnow
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.availability import local_day_bounds
from ptclinic.services.clinic import clinic_zone
from ptclinic.services.compliance import (
    ACTIVE,
    certification_state,
    episode_certifications,
    medicare_progress_due,
    visits_left,
)
from ptclinic.services.permissions import Permission, can, require

UNSIGNED_AFTER = timedelta(hours=24)
LOOK_BACK = timedelta(days=30)  # visits older than this without a note are the chart audit's
NOTE_KIND_LABELS = {
    "evaluation": "Evaluation",
    "visit": "Visit note",
    "progress": "Progress note",
    "discharge": "Discharge summary",
}


@dataclass(frozen=True)
class TodayVisit:
    appointment_id: int
    starts_at: datetime
    ends_at: datetime
    patient_id: int
    patient_name: str
    chart_number: str
    visit_label: str
    status: str
    episode_id: int | None
    note_id: int | None
    note_status: str  # "" when no note is started
    progress_day: int | None  # the treatment day when a progress note is due at this visit


@dataclass(frozen=True)
class OpenRecord:
    """An unsigned draft, or a student's signed record waiting for a co-signature."""

    kind: str  # "evaluation", "visit", "progress", "discharge"
    record_id: int
    episode_id: int
    patient_name: str
    chart_number: str
    day: date
    since: datetime  # the visit's end, or when the record was started without one
    author_name: str
    overdue: bool

    @property
    def kind_label(self) -> str:
        return NOTE_KIND_LABELS[self.kind]


@dataclass(frozen=True)
class VisitWithoutNote:
    appointment_id: int
    starts_at: datetime
    patient_name: str
    visit_label: str


@dataclass(frozen=True)
class Reminder:
    episode_id: int
    patient_id: int
    patient_name: str
    words: str


@dataclass(frozen=True)
class MyWork:
    today: tuple[TodayVisit, ...]
    unsigned: tuple[OpenRecord, ...]
    without_note: tuple[VisitWithoutNote, ...]
    reminders: tuple[Reminder, ...]
    cosign: tuple[OpenRecord, ...]

    @property
    def progress_due(self) -> tuple[TodayVisit, ...]:
        return tuple(v for v in self.today if v.progress_day is not None)


def _name(first: str, last: str) -> str:
    return f"{last}, {first}"


def _today(session: Session, actor: Actor, day: date, zone: ZoneInfo) -> tuple[TodayVisit, ...]:
    bounds = local_day_bounds(day, zone)
    rows = session.execute(
        select(Appointment, Patient.first_name, Patient.last_name, Patient.chart_number,
               VisitType.label, ClinicalNote.id, ClinicalNote.status)
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(VisitType, VisitType.code == Appointment.visit_type)
        .outerjoin(ClinicalNote, ClinicalNote.appointment_id == Appointment.id)
        .where(
            Appointment.therapist_id == actor.staff_id,
            Appointment.starts_at >= bounds.start,
            Appointment.starts_at < bounds.end,
            Appointment.status.in_(ACTIVE),
        )
        .order_by(Appointment.starts_at)
    ).all()  # fmt: skip
    due = medicare_progress_due(session, {r[0].episode_id for r in rows if r[0].episode_id}, zone)
    return tuple(
        TodayVisit(
            a.id, a.starts_at, a.ends_at, a.patient_id, _name(first, last), chart, label,
            a.status, a.episode_id, note_id, note_status or "", due.get(a.id),
        )
        for a, first, last, chart, label, note_id, note_status in rows
    )  # fmt: skip


def _open_notes(session: Session, where: object, now: datetime) -> list[OpenRecord]:
    author = aliased(Staff)
    rows = session.execute(
        select(ClinicalNote.kind, ClinicalNote.id, ClinicalNote.episode_id, Patient.first_name,
               Patient.last_name, Patient.chart_number, ClinicalNote.note_date,
               func.coalesce(Appointment.ends_at, ClinicalNote.created_at), author.full_name)
        .join(EpisodeOfCare, EpisodeOfCare.id == ClinicalNote.episode_id)
        .join(Patient, Patient.id == EpisodeOfCare.patient_id)
        .join(author, author.id == ClinicalNote.therapist_id)
        .outerjoin(Appointment, Appointment.id == ClinicalNote.appointment_id)
        .where(where)  # type: ignore[arg-type]
        .order_by(ClinicalNote.note_date, ClinicalNote.id)
    ).all()  # fmt: skip
    return [
        OpenRecord(kind, rid, episode, _name(first, last), chart, day, since, name,
                   now - since > UNSIGNED_AFTER)
        for kind, rid, episode, first, last, chart, day, since, name in rows
    ]  # fmt: skip


def _open_evaluations(session: Session, where: object, now: datetime) -> list[OpenRecord]:
    author = aliased(Staff)
    rows = session.execute(
        select(Evaluation.id, Evaluation.episode_id, Patient.first_name, Patient.last_name,
               Patient.chart_number, Evaluation.evaluated_on, Evaluation.created_at,
               author.full_name)
        .join(EpisodeOfCare, EpisodeOfCare.id == Evaluation.episode_id)
        .join(Patient, Patient.id == EpisodeOfCare.patient_id)
        .join(author, author.id == Evaluation.therapist_id)
        .where(where)  # type: ignore[arg-type]
    ).all()  # fmt: skip
    return [
        OpenRecord("evaluation", rid, episode, _name(first, last), chart, day, since, name,
                   now - since > UNSIGNED_AFTER)
        for rid, episode, first, last, chart, day, since, name in rows
    ]  # fmt: skip


def _without_note(session: Session, actor: Actor, now: datetime) -> tuple[VisitWithoutNote, ...]:
    rows = session.execute(
        select(Appointment.id, Appointment.starts_at, Patient.first_name, Patient.last_name,
               VisitType.label)
        .join(Patient, Patient.id == Appointment.patient_id)
        .join(VisitType, VisitType.code == Appointment.visit_type)
        .outerjoin(ClinicalNote, ClinicalNote.appointment_id == Appointment.id)
        .where(
            Appointment.therapist_id == actor.staff_id,
            Appointment.starts_at >= now - LOOK_BACK,
            Appointment.ends_at <= now,
            Appointment.status == "checked_in",
            Appointment.episode_id.is_not(None),
            ClinicalNote.id.is_(None),
        )
        .order_by(Appointment.starts_at)
    ).all()  # fmt: skip
    return tuple(
        VisitWithoutNote(aid, start, _name(first, last), label)
        for aid, start, first, last, label in rows
    )


def _reminders(session: Session, actor: Actor, today: date) -> tuple[Reminder, ...]:
    used = (
        select(func.count())
        .where(Appointment.episode_id == EpisodeOfCare.id, Appointment.status.in_(ACTIVE))
        .correlate(EpisodeOfCare)
        .scalar_subquery()
    )
    episodes = session.execute(
        select(EpisodeOfCare.id, EpisodeOfCare.patient_id, EpisodeOfCare.payer_type,
               EpisodeOfCare.authorized_visits, used, Patient.first_name, Patient.last_name)
        .join(Patient, Patient.id == EpisodeOfCare.patient_id)
        .where(EpisodeOfCare.primary_therapist_id == actor.staff_id,
               EpisodeOfCare.status == "open")
        .order_by(Patient.last_name, Patient.first_name)
    ).all()  # fmt: skip
    medicare = [e[0] for e in episodes if e[2] == "medicare"]
    periods = episode_certifications(session, medicare)
    evaluated = {
        episode_id: day
        for episode_id, day in session.execute(
            select(Evaluation.episode_id, Evaluation.evaluated_on).where(
                Evaluation.episode_id.in_(medicare), Evaluation.status != "draft"
            )
        )
    }
    found: list[Reminder] = []
    for episode_id, patient_id, payer, authorized, booked, first, last in episodes:
        words = [visits_left(authorized, booked)]
        if payer == "medicare":
            state = certification_state(periods[episode_id], today, evaluated.get(episode_id))
            words.append(state.reminder)
        for text in filter(None, words):
            found.append(Reminder(episode_id, patient_id, _name(first, last), text))
    return tuple(found)


def my_work(db: Database, actor: Actor, *, now: datetime | None = None) -> MyWork:
    """The acting therapist's work list (see the module docstring)."""
    require(actor, Permission.VIEW_CLINICAL)
    moment = now or utcnow()
    zone = clinic_zone(db)
    today = moment.astimezone(zone).date()
    with db.session() as session:
        unsigned = _open_notes(
            session,
            (ClinicalNote.therapist_id == actor.staff_id) & (ClinicalNote.status == "draft"),
            moment,
        ) + _open_evaluations(
            session,
            (Evaluation.therapist_id == actor.staff_id) & (Evaluation.status == "draft"),
            moment,
        )
        cosign: list[OpenRecord] = []
        if can(actor, Permission.COSIGN_CLINICAL):
            cosign = _open_notes(
                session, ClinicalNote.status == "awaiting_cosign", moment
            ) + _open_evaluations(session, Evaluation.status == "awaiting_cosign", moment)
        work = MyWork(
            today=_today(session, actor, today, zone),
            unsigned=tuple(sorted(unsigned, key=lambda r: r.since)),
            without_note=_without_note(session, actor, moment),
            reminders=_reminders(session, actor, today),
            cosign=tuple(sorted(cosign, key=lambda r: r.since)),
        )
        audit.record(session, AuditAction.VIEW, actor=actor, summary="opened My work")
        return work
