"""Medicare's documentation rules, checked before they become a problem:

- a progress report at least once every 10 treatment days. The first reporting period starts
  with the evaluation (its day is the first treatment day); a progress note or discharge ends a
  period and the next starts with the following visit. Each visit counts as one treatment day
  (a clinic sees a patient once a day). The visit that reaches the 10th, and each after it until
  a report is written, shows "progress note due".
- a plan of care certified by the physician for at most 90 days, and recertified before it
  ends: reminders from 14 days ahead;
- the episode's authorized visits;
- the yearly therapy threshold, as a running total per patient when the clinic records fees.

The rules apply to Medicare episodes; the visit limit and threshold totals to every payer that
sets them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ptclinic.models import (
    Appointment,
    BillingSettings,
    ClinicalNote,
    EpisodeOfCare,
    NoteCharge,
    PlanCertification,
)
from ptclinic.models.appointment import ACTIVE_STATUSES

PROGRESS_EVERY = 10  # treatment days
CERTIFICATION_DAYS = 90
REMIND_DAYS = 14
REPORT_KINDS = ("progress", "discharge")
ACTIVE = tuple(s.value for s in ACTIVE_STATUSES)


@dataclass(frozen=True)
class Visit:
    id: int
    day: date


def progress_due_visits(visits: Sequence[Visit], report_days: Iterable[date]) -> dict[int, int]:
    """For one episode's active visits (in time order) and the days its reports were written:
    the visits that need a progress report, each with its treatment day in the reporting
    period (10 for the visit that reaches it, 11, 12 … while it is still missing)."""
    reports = sorted(set(report_days))
    due: dict[int, int] = {}
    count = 0
    boundary: date | None = None
    for visit in visits:
        # The latest report strictly before this visit's day closes the period before it.
        index = bisect_left(reports, visit.day)
        latest = reports[index - 1] if index else None
        if latest != boundary:
            boundary, count = latest, 0
        count += 1
        reported_today = index < len(reports) and reports[index] == visit.day
        if count >= PROGRESS_EVERY and not reported_today:
            due[visit.id] = count
    return due


def medicare_progress_due(
    session: Session, episode_ids: Iterable[int], zone: ZoneInfo
) -> dict[int, int]:
    """``progress_due_visits`` for the Medicare episodes among ``episode_ids`` (visit id → its
    treatment day), in two queries over the episode indexes."""
    medicare = list(
        session.scalars(
            select(EpisodeOfCare.id).where(
                EpisodeOfCare.id.in_(set(episode_ids)), EpisodeOfCare.payer_type == "medicare"
            )
        )
    )
    if not medicare:
        return {}
    visits: dict[int, list[Visit]] = defaultdict(list)
    for visit_id, episode_id, starts_at in session.execute(
        select(Appointment.id, Appointment.episode_id, Appointment.starts_at)
        .where(Appointment.episode_id.in_(medicare), Appointment.status.in_(ACTIVE))
        .order_by(Appointment.starts_at)
    ):
        assert episode_id is not None  # filtered on it
        visits[episode_id].append(Visit(visit_id, starts_at.astimezone(zone).date()))
    reports: dict[int, list[date]] = defaultdict(list)
    for episode_id, day in session.execute(
        select(ClinicalNote.episode_id, ClinicalNote.note_date).where(
            ClinicalNote.episode_id.in_(medicare), ClinicalNote.kind.in_(REPORT_KINDS)
        )
    ):
        reports[episode_id].append(day)
    due: dict[int, int] = {}
    for episode_id, episode_visits in visits.items():
        due.update(progress_due_visits(episode_visits, reports[episode_id]))
    return due


@dataclass(frozen=True)
class CertificationState:
    """Where an episode's plan-of-care certification stands on a day; ``reminder`` is empty
    when nothing needs doing."""

    period_start: date | None
    period_end: date | None
    certified_on: date | None
    reminder: str


def certification_state(
    periods: Sequence[tuple[date, date, date | None]], today: date, evaluated_on: date | None
) -> CertificationState:
    """From the episode's certification periods (start, end, signed on) and its evaluation
    day: what the clinic must do about the certification, in words."""
    if not periods:
        if evaluated_on is None:
            return CertificationState(None, None, None, "")
        return CertificationState(
            None, None, None, "Plan of care not certified yet: send it to the physician."
        )
    start, end, signed = max(periods, key=lambda p: p[1])
    days_left = (end - today).days
    if days_left < 0:
        reminder = f"Plan of care certification ended {end:%b} {end.day}: recertify."
    elif days_left <= REMIND_DAYS:
        reminder = f"Recertify the plan of care by {end:%b} {end.day} ({days_left} days left)."
    elif signed is None:
        reminder = "The physician has not signed the plan of care yet."
    else:
        reminder = ""
    return CertificationState(start, end, signed, reminder)


def certification_period_problem(start: date, end: date, medicare: bool) -> str:
    """Why a certification period cannot be recorded, or "" when it can."""
    if end < start:
        return "The period ends before it starts."
    if medicare and (end - start).days + 1 > CERTIFICATION_DAYS:
        last = start + timedelta(days=CERTIFICATION_DAYS - 1)
        return (
            f"Medicare certifies a plan of care for at most {CERTIFICATION_DAYS} days: "
            f"end it by {last:%b} {last.day}, {last.year}."
        )
    return ""


def episode_certifications(
    session: Session, episode_ids: Iterable[int]
) -> dict[int, list[tuple[date, date, date | None]]]:
    found: dict[int, list[tuple[date, date, date | None]]] = defaultdict(list)
    for episode_id, start, end, signed in session.execute(
        select(
            PlanCertification.episode_id,
            PlanCertification.period_start,
            PlanCertification.period_end,
            PlanCertification.certified_on,
        ).where(PlanCertification.episode_id.in_(set(episode_ids)))
    ):
        found[episode_id].append((start, end, signed))
    return found


@dataclass(frozen=True)
class ThresholdTotal:
    """A patient's billed therapy this calendar year against the yearly threshold (cents)."""

    year: int
    total_cents: int
    threshold_cents: int
    priced_charges: bool  # False: the clinic keeps no fees, so there is no total to show

    @property
    def over(self) -> bool:
        return self.priced_charges and self.total_cents >= self.threshold_cents

    def words(self) -> str:
        if not self.priced_charges:
            return ""
        return (
            f"${self.total_cents / 100:,.2f} of the ${self.threshold_cents / 100:,.2f} "
            f"therapy threshold billed in {self.year}"
            + (": over it, add the KX modifier with medical necessity documented." if self.over
               else ".")
        )  # fmt: skip


def threshold_total(session: Session, patient_id: int, year: int) -> ThresholdTotal:
    total, priced = session.execute(
        select(
            func.coalesce(func.sum(NoteCharge.amount_cents), 0), func.count(NoteCharge.amount_cents)
        )
        .join(ClinicalNote, ClinicalNote.id == NoteCharge.note_id)
        .join(EpisodeOfCare, EpisodeOfCare.id == ClinicalNote.episode_id)
        .where(
            EpisodeOfCare.patient_id == patient_id,
            ClinicalNote.note_date.between(date(year, 1, 1), date(year, 12, 31)),
        )
    ).one()
    threshold = session.scalar(select(BillingSettings.therapy_threshold_cents))
    return ThresholdTotal(year, int(total or 0), int(threshold or 0), bool(priced))


def visits_left(authorized: int | None, used: int) -> str:
    """ "2 of 12 authorized visits left" once three or fewer remain; "" otherwise."""
    if authorized is None:
        return ""
    left = authorized - used
    if left < 0:
        return f"{-left} visits past the {authorized} authorized: ask the payer for more."
    if left <= 3:
        return f"{left} of {authorized} authorized visits left."
    return ""
