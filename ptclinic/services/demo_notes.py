"""Visit notes, progress notes and discharges for the demo clinic.

Every past visit of an episode with a care plan gets its note, pre-filled as the app pre-fills
it (``note_prefill``), checked by ``validate_note_content`` and signed as ``sign_note`` signs it
(``apply_signature``: charges by the payer's method, the visit completed, re-measured outcomes,
goal statuses, a discharge closing its episode). Only the password check is skipped: hashing a
password per note would make a demo clinic take minutes to build.

The demo therapist also has work waiting: a draft from two days ago (flagged as over 24 hours)
and today's draft, and the student's note waiting for a co-signature.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ptclinic.db import Database
from ptclinic.models import (
    Appointment,
    CarePlan,
    ClinicalNote,
    EpisodeOfCare,
    OutcomeResult,
    Staff,
)
from ptclinic.roles import Role
from ptclinic.services.auth import actor_of
from ptclinic.services.clinic import clinic_zone
from ptclinic.services.clinical_notes import KIND_BY_VISIT_TYPE
from ptclinic.services.note_form import CONTENT_FORMAT, validate_note_content
from ptclinic.services.note_prefill import prefilled_content
from ptclinic.services.note_signing import apply_signature

PAST = ("scheduled", "checked_in", "completed")
SUBJECTIVE = (
    "Reports less pain sitting at work this week.",
    "Sore after gardening on the weekend, settled by the next morning.",
    "Slept through the night four nights out of seven.",
    "Walked 20 minutes twice this week without increase in buttock pain.",
    "Did the home program most days; finds the bridge easy now.",
    "Pain flared after a long drive, eased with the home exercises.",
)
OBJECTIVE = (
    "Good lumbopelvic control through the bridge progression; no pain on ASLR.",
    "Tender over the right PSIS, less than last visit. Gait even.",
    "Sit to stand x10 without pain; mild guarding in single-leg stance.",
)
ASSESSMENT = (
    "Progressing as expected toward the short-term goals.",
    "Tolerating the load; ready to progress the exercise stage next visit.",
    "Symptoms settling; keep the current dosage one more week.",
)
PLAN = (
    "Continue the plan of care; progress the bridge if no flare.",
    "Continue; review the home program next visit.",
)
TOLERANCE = ("good", "good", "good", "fair", "poor")


def _visit_content(rng: random.Random, prefill: dict[str, Any]) -> dict[str, Any]:
    flowsheet = [row | {"tolerance": rng.choice(TOLERANCE)} for row in prefill.get("flowsheet", [])]
    minutes = {"97110": rng.randint(20, 38)}
    if prefill.get("techniques"):
        minutes["97140"] = rng.choice((0, 7, 8, 10, 12, 15))
    if rng.random() < 0.3:
        minutes["97112"] = rng.randint(8, 15)
    before = rng.randint(2, 6)
    return {
        "subjective": rng.choice(SUBJECTIVE),
        "objective": rng.choice(OBJECTIVE),
        "assessment": rng.choice(ASSESSMENT),
        "plan": rng.choice(PLAN),
        "pain_before": before,
        "pain_after": max(0, before - rng.randint(0, 2)),
        "flowsheet": flowsheet,
        "techniques": prefill.get("techniques", []),
        "minutes": {code: n for code, n in minutes.items() if n},
    }


def _remeasured(rng: random.Random, session: Session, episode_id: int) -> dict[str, Any]:
    """Outcomes a little better than the episode's latest ones (the same PSFS activities)."""
    latest: dict[str, dict[str, Any]] = {}
    for measure, answers in session.execute(
        select(OutcomeResult.measure, OutcomeResult.answers)
        .where(OutcomeResult.episode_id == episode_id)
        .order_by(OutcomeResult.taken_on, OutcomeResult.id)
    ):
        latest[measure] = answers
    outcomes: dict[str, Any] = {}
    if sections := latest.get("odi", {}).get("sections"):
        outcomes["odi"] = [None if s is None else max(0, s - rng.randint(0, 1)) for s in sections]
    if (now := latest.get("nprs", {}).get("now")) is not None:
        outcomes["nprs"] = max(0, int(now) - rng.randint(0, 2))
    if activities := latest.get("psfs", {}).get("activities"):
        outcomes["psfs"] = [
            {"activity": a["activity"], "score": min(10, int(a["score"]) + rng.randint(0, 2))}
            for a in activities
            if a.get("score") is not None
        ]
    return outcomes or {"nprs": rng.randint(1, 4)}


def _report_parts(
    rng: random.Random, session: Session, visit: Appointment, kind: str, prefill: dict[str, Any]
) -> dict[str, Any]:
    goals = {
        key: {"status": "met" if rng.random() < 0.3 else "progressing"}
        for key in prefill.get("goals", {})
    }
    parts: dict[str, Any] = {"outcomes": _remeasured(rng, session, visit.episode_id or 0)}
    if goals:
        parts["goals"] = goals
    if kind == "progress":
        parts["plan_update"] = "Continue twice a week for four more weeks; progress loading."
    else:
        parts["discharge_reason"] = "goals_met"
        parts["home_advice"] = "Keep the home program three times a week for two months."
    return parts


def _write(
    session: Session, staff: Staff, visit: Appointment, kind: str, day: date,
    content: dict[str, Any], moment: datetime | None,
) -> ClinicalNote:  # fmt: skip
    row = ClinicalNote(
        episode_id=visit.episode_id, appointment_id=visit.id, kind=kind, therapist_id=staff.id,
        content=validate_note_content(kind, content), content_format=CONTENT_FORMAT,
        note_date=day, cosign_required=staff.role == Role.STUDENT.value,
        updated_by_id=staff.id,
    )  # fmt: skip
    session.add(row)
    session.flush()
    if moment is not None:
        student = staff.role == Role.STUDENT.value
        row.status = "awaiting_cosign" if student else "signed"
        row.signed_at, row.signed_by_id = moment, staff.id
        session.flush()
        apply_signature(session, actor_of(staff), row)
        session.flush()
    return row


def _kinds(
    rng: random.Random, visits: list[Appointment], medicare: bool, finished: bool
) -> list[str]:
    """The note each visit gets: what its visit type asks for, a progress report by the 10th
    treatment day (Medicare; now and then one is missed, so the demo shows one due), a
    re-evaluation about monthly for other payers, and a discharge at the last visit of an
    episode whose patient finished."""
    every = 10 if medicare else 12
    kinds: list[str] = []
    since = 1  # the evaluation was the first treatment day
    for n, visit in enumerate(visits):
        since += 1
        kind = str(KIND_BY_VISIT_TYPE.get(visit.visit_type, "visit"))
        if kind == "visit" and since >= every and rng.random() < 0.9:
            kind = "progress"
        last = n + 1 == len(visits)
        if kind == "discharge" and not last:
            kind = "progress"  # a discharge closes the episode: not while visits are booked
        if last and finished and rng.random() < 0.5:
            kind = "discharge"
        if kind != "visit":
            since = 0
        kinds.append(kind)
    return kinds


def add_notes(db: Database, rng: random.Random, now: datetime) -> Counter[str]:
    """Notes for the past visits of episodes with a care plan; counts by kind and status."""
    zone: ZoneInfo = clinic_zone(db)
    counts: Counter[str] = Counter()
    with db.session() as session:
        staff = {row.id: row for row in session.scalars(select(Staff))}
        student = next((s for s in staff.values() if s.role == Role.STUDENT.value), None)
        planned: list[tuple[Appointment, str, date]] = []
        for episode_id, plan_start, payer in session.execute(
            select(CarePlan.episode_id, CarePlan.start_date, EpisodeOfCare.payer_type)
            .join(EpisodeOfCare, EpisodeOfCare.id == CarePlan.episode_id)
            .where(EpisodeOfCare.status == "open")
        ):
            visits = session.scalars(
                select(Appointment)
                .where(Appointment.episode_id == episode_id, Appointment.status.in_(PAST))
                .order_by(Appointment.starts_at)
            ).all()
            past = [
                v for v in visits
                if v.starts_at < now and v.visit_type != "initial_evaluation"
                and v.starts_at.astimezone(zone).date() > plan_start
            ]  # fmt: skip
            finished = len(past) == len(visits) - 1 and bool(past) and (
                now - past[-1].starts_at > timedelta(days=14)
            )  # fmt: skip
            for visit, kind in zip(
                past, _kinds(rng, past, payer == "medicare", finished), strict=True
            ):
                planned.append((visit, kind, visit.starts_at.astimezone(zone).date()))
        planned.sort(key=lambda p: p[0].starts_at)
        # The demo therapist's two latest visit notes are left unsigned (one over a day old,
        # as happens); the latest visit by anyone else is the student's, awaiting co-signature.
        demo = next(s.id for s in staff.values() if s.username == "therapist")
        drafts = {p[0].id for p in planned if p[0].therapist_id == demo and p[1] == "visit"}
        drafts = set(sorted(drafts)[-2:])
        by_student = next(
            (p[0].id for p in reversed(planned) if p[0].id not in drafts and p[1] == "visit"),
            None,
        )
        for visit, kind, day in planned:
            prefill = prefilled_content(session, visit.episode_id or 0, kind, day)
            content = _visit_content(rng, prefill)
            if kind != "visit":
                content |= _report_parts(rng, session, visit, kind, prefill)
            author = staff[visit.therapist_id]
            if visit.id == by_student and student is not None:
                author = student
            moment: datetime | None = visit.ends_at + timedelta(minutes=rng.randint(5, 90))
            if visit.id in drafts:
                moment = None
            _write(session, author, visit, kind, day, content, moment)
            status = "draft" if moment is None else (
                "awaiting co-signature" if author.role == Role.STUDENT.value else "signed"
            )  # fmt: skip
            counts[f"{kind} {status}"] += 1
    return counts


def describe_notes(counts: Counter[str]) -> str:
    """ "Notes: 1,902 visit signed, 211 progress signed, 2 visit draft, …" """
    return "Notes: " + ", ".join(f"{n:,} {what}" for what, n in sorted(counts.items()))
