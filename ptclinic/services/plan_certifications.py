"""The physician's certification of the plan of care: record a period (at most 90 days for
Medicare), record the day the signed plan came back, and list an episode's periods with where
they stand. A period is never deleted; a wrong one is corrected by recording the right one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ptclinic.db import Database
from ptclinic.models import EpisodeOfCare, Evaluation, PlanCertification
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.clinic import clinic_today
from ptclinic.services.compliance import (
    CertificationState,
    certification_period_problem,
    certification_state,
)
from ptclinic.services.errors import ConflictError, NotFound, StaleRecordError, ValidationError
from ptclinic.services.permissions import Permission, require
from ptclinic.services.text import clean_line

FUTURE_SIGNATURE = "The day the physician signed cannot be in the future."


@dataclass(frozen=True)
class Certification:
    id: int
    period_start: date
    period_end: date
    physician: str
    certified_on: date | None
    version: int


@dataclass(frozen=True)
class EpisodeCertification:
    periods: tuple[Certification, ...]  # newest first
    state: CertificationState


def _episode(session: Session, episode_id: int) -> EpisodeOfCare:
    episode = session.get(EpisodeOfCare, episode_id)
    if episode is None:
        raise NotFound("That episode of care does not exist.")
    return episode


def certifications(
    db: Database, actor: Actor, episode_id: int, *, now: datetime | None = None
) -> EpisodeCertification:
    require(actor, Permission.VIEW_CLINICAL)
    today = clinic_today(db, now)
    with db.session() as session:
        _episode(session, episode_id)
        rows = session.scalars(
            select(PlanCertification)
            .where(PlanCertification.episode_id == episode_id)
            .order_by(PlanCertification.period_end.desc(), PlanCertification.id.desc())
        ).all()
        evaluated = session.scalar(
            select(Evaluation.evaluated_on).where(
                Evaluation.episode_id == episode_id, Evaluation.status != "draft"
            )
        )
        periods = tuple(
            Certification(r.id, r.period_start, r.period_end, r.physician, r.certified_on,
                          r.version)
            for r in rows
        )  # fmt: skip
    state = certification_state(
        [(p.period_start, p.period_end, p.certified_on) for p in periods], today, evaluated
    )
    return EpisodeCertification(periods, state)


def add_certification(
    db: Database,
    actor: Actor,
    episode_id: int,
    period_start: date,
    period_end: date,
    *,
    physician: str = "",
    certified_on: date | None = None,
    now: datetime | None = None,
) -> Certification:
    """Record a certification period (sent to the physician; ``certified_on`` once signed)."""
    require(actor, Permission.WRITE_CLINICAL)
    today = clinic_today(db, now)
    name = clean_line(physician)
    with db.session() as session:
        episode = _episode(session, episode_id)
        errors: dict[str, str] = {}
        if problem := certification_period_problem(
            period_start, period_end, episode.payer_type == "medicare"
        ):
            errors["period_end"] = problem
        if certified_on is not None and certified_on > today:
            errors["certified_on"] = FUTURE_SIGNATURE
        if len(name) > 120:
            errors["physician"] = "Keep the physician's name to 120 characters."
        if episode.status != "open":
            raise ConflictError("This episode is closed; its plan needs no certification.")
        if errors:
            raise ValidationError(errors)
        row = PlanCertification(
            episode_id=episode_id, period_start=period_start, period_end=period_end,
            physician=name or episode.referring_physician, certified_on=certified_on,
            created_by_id=actor.staff_id,
        )  # fmt: skip
        session.add(row)
        session.flush()
        audit.record(
            session, AuditAction.CREATE, actor=actor, entity_type="certification",
            entity_id=row.id, patient_id=episode.patient_id,
            summary=f"recorded a plan-of-care certification {period_start} to {period_end}",
        )  # fmt: skip
        return Certification(row.id, row.period_start, row.period_end, row.physician,
                             row.certified_on, row.version)  # fmt: skip


def record_signed(
    db: Database, actor: Actor, certification_id: int, version: int, certified_on: date,
    *, now: datetime | None = None,
) -> Certification:  # fmt: skip
    """The physician signed the plan of care for this period on ``certified_on``."""
    require(actor, Permission.WRITE_CLINICAL)
    today = clinic_today(db, now)
    if certified_on > today:
        raise ValidationError(
            {"certified_on": "The day the physician signed cannot be in the future."}
        )
    try:
        with db.session() as session:
            row = session.get(PlanCertification, certification_id)
            if row is None:
                raise NotFound("That certification does not exist.")
            if row.version != version:
                raise StaleRecordError("Someone changed this certification; reopen it.")
            row.certified_on = certified_on
            episode = _episode(session, row.episode_id)
            audit.record(
                session, AuditAction.CHANGE, actor=actor, entity_type="certification",
                entity_id=row.id, patient_id=episode.patient_id,
                summary=f"recorded the physician's signature of {certified_on}",
            )  # fmt: skip
            session.flush()
            return Certification(row.id, row.period_start, row.period_end, row.physician,
                                 row.certified_on, row.version)  # fmt: skip
    except StaleDataError as exc:
        raise StaleRecordError("Someone changed this certification; reopen it.") from exc
