"""What a printed note says, as plain data: read in one unit of work and audited as a print.

``progress_report`` gathers, for one visit note, progress note or discharge summary: the clinic;
the patient's name, date of birth and chart number; the episode (referral, diagnoses, dates, the
plan of care and its certification, visits so far); the note's own words (SOAP parts, pain before
and after, a discharge's reason); the outcome measures at intake against this note's, each with
its change and whether it reaches the MCID; the episode's scores up to the note's day for the
trend chart; the goals with the status and remark this note gave them; the interventions
(exercise flowsheet, techniques, CPT codes with minutes and units: a signed note's charges, a
draft's computed the same way and marked not yet billed); the signature and co-signature with
credentials and time; and the addenda. ``progress_note_pdf`` turns it into paper.

A draft's re-measured scores are not the episode's results until it is signed, so they are taken
from the note itself (for a signed note they are the same numbers). ``note_to_print`` finds the
note a chart number and "latest" (or a note id) mean, for the command line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ptclinic.db import Database
from ptclinic.models import (
    CarePlan,
    CarePlanGoal,
    ClinicalNote,
    ClinicSettings,
    EpisodeDiagnosis,
    EpisodeOfCare,
    Evaluation,
    NoteAddendum,
    NoteCharge,
    NoteKind,
    Patient,
    PlanCertification,
    Staff,
)
from ptclinic.models.base import utcnow
from ptclinic.roles import Role
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.billing import (
    BillingLine,
    billing_lines,
    describe,
    method_for_payer,
    units_explained,
)
from ptclinic.services.care_goals import TERM_LABELS
from ptclinic.services.clinic import ClinicInfo
from ptclinic.services.day_text import day_text
from ptclinic.services.episodes import PayerType
from ptclinic.services.errors import NotFound, SetupError
from ptclinic.services.note_form import (
    DISCHARGE_REASONS,
    GOAL_STATUSES,
    SIDES,
    TEXT_PARTS,
    TOLERANCES,
)
from ptclinic.services.note_outcomes import OutcomeRow, outcome_table
from ptclinic.services.outcome_trend import TrendPoint
from ptclinic.services.patient_fields import age_on
from ptclinic.services.pdf_style import printed_line, staff_title
from ptclinic.services.permissions import Permission, require

TITLES = {"visit": "Daily note", "progress": "Progress note", "discharge": "Discharge summary"}
SEX_WORDS = {"female": "female", "male": "male", "other": "other sex", "unknown": ""}


@dataclass(frozen=True)
class Signature:
    title: str  # "Dana Lee, PT, DPT"
    npi: str
    student: bool
    at: datetime


@dataclass(frozen=True)
class AddendumLine:
    author: str  # with credentials
    at: datetime
    text: str


@dataclass(frozen=True)
class EpisodeFacts:
    title: str
    start_date: date
    onset_date: date | None
    onset_mechanism: str
    referring_physician: str
    referral_date: date | None
    diagnoses: tuple[tuple[str, str], ...]  # (ICD-10 code, description), primary first
    payer: str  # "Medicare"
    authorized_visits: int | None
    visit_number: int  # this note's visit, the evaluation counted as the first
    plan: str  # "2×/week for 6 weeks, Dec 7, 2026 to Jan 18, 2027"; "" without a care plan
    certified: str  # "Dec 7, 2026 to Mar 6, 2027 (signed Dec 10, 2026)"; "" when none


@dataclass(frozen=True)
class GoalLine:
    term: str  # "Short-term"
    text: str
    target_date: date | None
    status: str  # as this note gave it: "Met"
    note: str


@dataclass(frozen=True)
class ExerciseLine:
    name: str
    stage: int | None
    dose: str  # "3 × 10, hold 5 s"
    load: str
    tolerance: str
    note: str


@dataclass(frozen=True)
class TechniqueLine:
    name: str
    dose: str
    side: str


@dataclass(frozen=True)
class Billing:
    lines: tuple[BillingLine, ...]
    billed: bool  # False for a draft: computed from its minutes, not billed yet
    explained: str  # "40 timed minutes = 3 units (CMS 8-minute rule)."

    @property
    def total_minutes(self) -> int:
        return sum(line.minutes for line in self.lines)

    @property
    def total_units(self) -> int:
        return sum(line.units for line in self.lines)


@dataclass(frozen=True)
class ProgressReport:
    clinic: ClinicInfo
    printed: str  # "Printed Jan 18, 2027, 10:00 by Dana Lee"
    patient_name: str  # "Ortiz, Maria (Mia)"
    date_of_birth: date
    chart_number: str
    age: int  # on the note's day
    sex: str
    episode: EpisodeFacts
    note_id: int
    kind: str  # "visit", "progress", "discharge"
    status: str  # "draft", "awaiting_cosign", "signed"
    note_date: date
    author: str  # with credentials
    parts: tuple[tuple[str, str], ...]  # (label, text) of the written parts, in form order
    pain_before: int | None
    pain_after: int | None
    discharge_reason: str  # in words; "" but for a discharge
    outcomes: tuple[OutcomeRow, ...]
    trend: tuple[TrendPoint, ...]  # the episode's scores up to and including this note's
    goals: tuple[GoalLine, ...]
    exercises: tuple[ExerciseLine, ...]
    techniques: tuple[TechniqueLine, ...]
    billing: Billing
    signed: Signature | None
    cosign_required: bool
    cosigned: Signature | None
    addenda: tuple[AddendumLine, ...]

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def title(self) -> str:
        """ "Progress note"; a visit note prints as "Daily note"."""
        return TITLES[self.kind]

    def identity(self) -> str:
        """ "DOB 04/12/1978  ·  Chart 10001" """
        return f"DOB {self.date_of_birth:%m/%d/%Y}  ·  Chart {self.chart_number}"

    def local(self, moment: datetime) -> str:
        """ "Jan 18, 2027 at 10:00" in the clinic's time."""
        at = moment.astimezone(ZoneInfo(self.clinic.time_zone))
        return f"{day_text(at.date())} at {at:%H:%M}"


@dataclass(frozen=True)
class PrintableNote:
    """The note ``note_to_print`` chose, described for a message."""

    note_id: int
    title: str  # "Progress note"
    note_date: date
    patient_name: str  # "Ortiz, Maria"
    chart_number: str
    is_draft: bool


# --- finding the note -------------------------------------------------------------------------


def note_to_print(
    db: Database, actor: Actor, chart_number: str, note: str = "latest"
) -> PrintableNote:
    """The note of the patient with ``chart_number``: ``note`` is "latest" (their most recent
    progress note, signed or not) or a note id of theirs. ``NotFound`` says plainly what is
    missing; nothing is audited (printing it is)."""
    require(actor, Permission.VIEW_CLINICAL)
    chart = chart_number.strip()
    with db.session() as session:
        patient = session.scalar(select(Patient).where(Patient.chart_number == chart))
        if patient is None:
            raise NotFound(f"No patient has chart number “{chart}”.")
        name = f"{patient.last_name}, {patient.first_name}"
        query = (
            select(ClinicalNote)
            .join(EpisodeOfCare, EpisodeOfCare.id == ClinicalNote.episode_id)
            .where(EpisodeOfCare.patient_id == patient.id)
        )
        wanted = note.strip().lower()
        if wanted == "latest":
            row = session.scalar(
                query.where(ClinicalNote.kind == NoteKind.PROGRESS.value)
                .order_by(ClinicalNote.note_date.desc(), ClinicalNote.id.desc())
                .limit(1)
            )
            if row is None:
                raise NotFound(f"{name} (chart {chart}) has no progress note yet.")
        elif not wanted.isdigit():
            raise NotFound(f"“{note.strip()}” is not a note: give “latest” or the note's number.")
        else:
            row = session.scalar(query.where(ClinicalNote.id == int(wanted)))
            if row is None:
                raise NotFound(f"{name} (chart {chart}) has no note {wanted}.")
        return PrintableNote(
            row.id, TITLES[row.kind], row.note_date, name, chart, row.status == "draft"
        )


# --- reading ----------------------------------------------------------------------------------


def _signature(session: Session, staff_id: int | None, at: datetime | None) -> Signature | None:
    if staff_id is None or at is None:
        return None
    person = session.get(Staff, staff_id)
    assert person is not None  # a foreign key
    title = staff_title(person.full_name, person.credentials)
    return Signature(title, person.npi, person.role == Role.STUDENT.value, at)


def _goals(session: Session, episode_id: int, content: Mapping[str, Any]) -> tuple[GoalLine, ...]:
    """The goals this note reported on, in the plan's order, with the status it gave them."""
    given = content.get("goals") or {}
    goals = session.scalars(
        select(CarePlanGoal)
        .join(CarePlan, CarePlan.id == CarePlanGoal.plan_id)
        .where(CarePlan.episode_id == episode_id)
        .order_by(CarePlanGoal.term.desc(), CarePlanGoal.position, CarePlanGoal.id)
    )
    return tuple(
        GoalLine(
            TERM_LABELS.get(goal.term, goal.term),  # type: ignore[call-overload]
            goal.text,
            goal.target_date,
            GOAL_STATUSES.get(given[str(goal.id)].get("status"), ""),
            str(given[str(goal.id)].get("note") or "").strip(),
        )
        for goal in goals
        if str(goal.id) in given
    )


def _dose(row: Mapping[str, Any]) -> str:
    """ "3 × 10, hold 5 s" from a flowsheet row."""
    sets, reps = row.get("sets"), row.get("reps")
    counted = f"{sets} × {reps}" if sets and reps else f"{reps} reps" if reps else ""
    hold = f"hold {row['hold_s']} s" if row.get("hold_s") else ""
    return ", ".join(part for part in (counted, hold) if part)


def _interventions(
    content: Mapping[str, Any],
) -> tuple[tuple[ExerciseLine, ...], tuple[TechniqueLine, ...]]:
    exercises = tuple(
        ExerciseLine(
            str(r["name"]), r.get("stage"), _dose(r), str(r.get("load") or ""),
            TOLERANCES.get(str(r.get("tolerance") or ""), ""), str(r.get("note") or ""),
        )
        for r in content.get("flowsheet") or []
    )  # fmt: skip
    techniques = tuple(
        TechniqueLine(
            str(r["name"]), str(r.get("dose") or ""), SIDES.get(str(r.get("side") or ""), "")
        )
        for r in content.get("techniques") or []
    )
    return exercises, techniques


def _billing(session: Session, row: ClinicalNote, payer_type: str) -> Billing:
    method = method_for_payer(payer_type)
    if row.status == "draft":
        minutes = row.content.get("minutes") or {}
        return Billing(billing_lines(minutes, method), False, units_explained(minutes, method))
    charges = session.scalars(
        select(NoteCharge).where(NoteCharge.note_id == row.id).order_by(NoteCharge.id)
    )
    lines = tuple(
        BillingLine(c.cpt_code, describe(c.cpt_code), c.minutes, c.units, c.timed) for c in charges
    )
    explained = units_explained({line.code: line.minutes for line in lines}, method)
    return Billing(lines, True, explained)


def _episode(session: Session, episode: EpisodeOfCare, row: ClinicalNote) -> EpisodeFacts:
    diagnoses = session.execute(
        select(EpisodeDiagnosis.code, EpisodeDiagnosis.description)
        .where(EpisodeDiagnosis.episode_id == episode.id)
        .order_by(EpisodeDiagnosis.position)
    ).all()
    earlier = session.scalar(
        select(func.count())
        .select_from(ClinicalNote)
        .where(
            ClinicalNote.episode_id == episode.id,
            or_(ClinicalNote.note_date < row.note_date,
                (ClinicalNote.note_date == row.note_date) & (ClinicalNote.id <= row.id)),
        )
    )  # fmt: skip
    evaluated = session.scalar(
        select(func.count())
        .select_from(Evaluation)
        .where(Evaluation.episode_id == episode.id, Evaluation.evaluated_on <= row.note_date)
    )
    plan = session.scalar(select(CarePlan).where(CarePlan.episode_id == episode.id))
    plan_text = ""
    if plan is not None:
        weeks = f"{plan.duration_weeks} week{'' if plan.duration_weeks == 1 else 's'}"
        end = plan.start_date + timedelta(weeks=plan.duration_weeks)
        plan_text = (
            f"{plan.visits_per_week}×/week for {weeks}, "
            f"{day_text(plan.start_date)} to {day_text(end)}"
        )
    period = session.scalar(
        select(PlanCertification)
        .where(
            PlanCertification.episode_id == episode.id,
            PlanCertification.period_start <= row.note_date,
            PlanCertification.period_end >= row.note_date,
        )
        .order_by(PlanCertification.id.desc())
        .limit(1)
    )
    certified = ""
    if period is not None:
        signed = (
            f"signed {day_text(period.certified_on)}" if period.certified_on else "not signed yet"
        )
        certified = f"{day_text(period.period_start)} to {day_text(period.period_end)} ({signed})"
    return EpisodeFacts(
        title=episode.title,
        start_date=episode.start_date,
        onset_date=episode.onset_date,
        onset_mechanism=episode.onset_mechanism,
        referring_physician=episode.referring_physician,
        referral_date=episode.referral_date,
        diagnoses=tuple((code, text) for code, text in diagnoses),
        payer=PayerType(episode.payer_type).label,
        authorized_visits=episode.authorized_visits,
        visit_number=(earlier or 0) + (evaluated or 0),
        plan=plan_text,
        certified=certified,
    )


def _clinic(session: Session) -> ClinicInfo:
    settings = session.get(ClinicSettings, 1)
    if settings is None:
        raise SetupError("This database has not been set up yet: run the first-run wizard.")
    return ClinicInfo(settings.name, settings.time_zone, settings.address, settings.phone)


def progress_report(
    db: Database,
    actor: Actor,
    note_id: int,
    *,
    now: datetime | None = None,
    channel: str = "app",
) -> ProgressReport:
    """Everything the printed note shows, for anyone who may read clinical records; audited
    as a print under the patient (so call it to print, not to preview), with ``channel`` saying
    where from ("app", "command line"). ``now`` is the printed-at time (default: the clock).
    ``NotFound`` for a note that does not exist."""
    require(actor, Permission.VIEW_CLINICAL)
    with db.session() as session:
        row = session.get(ClinicalNote, note_id)
        if row is None:
            raise NotFound("That note does not exist.")
        episode = session.get(EpisodeOfCare, row.episode_id)
        assert episode is not None  # a foreign key
        patient = session.get(Patient, episode.patient_id)
        author = session.get(Staff, row.therapist_id)
        assert patient is not None and author is not None
        clinic = _clinic(session)
        content = dict(row.content)
        outcomes, trend = outcome_table(session, row)
        exercises, techniques = _interventions(content)
        addenda = session.execute(
            select(NoteAddendum, Staff.full_name, Staff.credentials)
            .join(Staff, Staff.id == NoteAddendum.author_id)
            .where(NoteAddendum.note_id == row.id)
            .order_by(NoteAddendum.id)
        ).all()
        preferred = f" ({patient.preferred_name})" if patient.preferred_name else ""
        report = ProgressReport(
            clinic=clinic,
            printed=printed_line(now or utcnow(), ZoneInfo(clinic.time_zone), actor.full_name),
            patient_name=f"{patient.last_name}, {patient.first_name}{preferred}",
            date_of_birth=patient.date_of_birth,
            chart_number=patient.chart_number,
            age=age_on(patient.date_of_birth, row.note_date),
            sex=SEX_WORDS.get(patient.sex, ""),
            episode=_episode(session, episode, row),
            note_id=row.id,
            kind=row.kind,
            status=row.status,
            note_date=row.note_date,
            author=staff_title(author.full_name, author.credentials),
            parts=tuple(
                (label, str(content[key]).strip())
                for key, label in TEXT_PARTS.items()
                if str(content.get(key) or "").strip()
            ),
            pain_before=content.get("pain_before"),
            pain_after=content.get("pain_after"),
            discharge_reason=DISCHARGE_REASONS.get(str(content.get("discharge_reason")), ""),
            outcomes=outcomes,
            trend=trend,
            goals=_goals(session, row.episode_id, content),
            exercises=exercises,
            techniques=techniques,
            billing=_billing(session, row, episode.payer_type),
            signed=_signature(session, row.signed_by_id, row.signed_at),
            cosign_required=row.cosign_required,
            cosigned=_signature(session, row.cosigned_by_id, row.cosigned_at),
            addenda=tuple(
                AddendumLine(staff_title(name, credentials), added.created_at, added.text)
                for added, name, credentials in addenda
            ),
        )
        what = f"{'draft ' if report.is_draft else ''}{report.title.lower()}"
        audit.record(
            session, AuditAction.PRINT, actor=actor, entity_type="note", entity_id=row.id,
            patient_id=patient.id, summary=f"printed the {what} ({channel})",
        )  # fmt: skip
        return report
