"""What the patient's home exercise program says: the care plan's ticked exercises in order,
each with its steps, dosage in words and cautions, the therapist's advice, and the clinic's
details. Only what a patient needs: their preferred (or first) name, never a date of birth,
chart number, diagnosis code or payer.

The words around the exercises (before you start, when to call us) are data in
``resources/handouts/home_program.toml``.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources

from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import CarePlan, EpisodeOfCare, Patient, Staff
from ptclinic.services import care_plans, clinic_exercises, exercise_library
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_today, get_clinic
from ptclinic.services.dosage import validate_dosage
from ptclinic.services.errors import NotFound
from ptclinic.services.exercise_library import Exercise
from ptclinic.services.pdf_style import staff_title
from ptclinic.services.permissions import Permission, require

TEXT_FILE = "home_program.toml"
SIDE_WORDS = {"left": "Left side", "right": "Right side", "both": "Both sides"}


@dataclass(frozen=True)
class HandoutWords:
    title: str
    before_you_start: tuple[str, ...]
    tips_heading: str
    when_to_call_heading: str
    when_to_call: tuple[str, ...]
    emergency_heading: str
    emergency: tuple[str, ...]
    chart_heading: str
    chart_intro: str


@functools.cache
def handout_words() -> HandoutWords:
    source = resources.files("ptclinic.resources") / "handouts" / TEXT_FILE
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    return HandoutWords(
        title=str(data["title"]),
        before_you_start=tuple(data["before_you_start"]),
        tips_heading=str(data["tips_heading"]),
        when_to_call_heading=str(data["when_to_call_heading"]),
        when_to_call=tuple(data["when_to_call"]),
        emergency_heading=str(data["emergency_heading"]),
        emergency=tuple(data["emergency"]),
        chart_heading=str(data["chart_heading"]),
        chart_intro=str(data["chart_intro"]),
    )


@dataclass(frozen=True)
class HandoutExercise:
    code: str
    name: str  # the plain-language name
    purpose: str
    steps: tuple[str, ...]
    dosage: str  # in words
    cautions: tuple[str, ...]
    side: str  # "Right side" for a one-sided exercise the therapist chose a side for; else ""


@dataclass(frozen=True)
class HomeProgram:
    clinic_name: str
    clinic_address: str
    clinic_phone: str
    patient_name: str  # preferred or first name only
    therapist: str  # "Dana Lee, PT, DPT"
    printed_on: date
    exercises: tuple[HandoutExercise, ...]
    tips: tuple[str, ...]
    words: HandoutWords


def _exercise(item: care_plans.PlanItem, library: Sequence[Exercise]) -> HandoutExercise:
    found = exercise_library.exercise(item.code, library)
    dosage = validate_dosage(item.dosage) if item.dosage else found.dosage
    side = SIDE_WORDS.get(str(item.details.get("side", "")), "")
    return HandoutExercise(
        found.code, found.plain_name, found.purpose, found.steps,
        found.dosage_words(dosage), found.cautions, side,
    )  # fmt: skip


def home_program(
    db: Database, actor: Actor, episode_id: int, *, now: datetime | None = None
) -> HomeProgram:
    """The home program of the episode's care plan (NotFound when it has no plan). Reading the
    plan is audited; printing is audited by whoever prints it."""
    require(actor, Permission.VIEW_CLINICAL)
    plan = care_plans.episode_plan(db, actor, episode_id)
    if plan is None:
        raise NotFound("This episode has no care plan yet, so there is no home program to print.")
    with db.session() as session:
        patient = session.scalar(
            select(Patient).join(EpisodeOfCare).where(EpisodeOfCare.id == episode_id)
        )
        therapist = session.scalar(
            select(Staff)
            .join(CarePlan, CarePlan.therapist_id == Staff.id)
            .where(CarePlan.id == plan.id)
        )
        assert patient is not None and therapist is not None  # foreign keys
        name = patient.preferred_name or patient.first_name
        signer = staff_title(therapist.full_name, therapist.credentials)
    clinic = get_clinic(db)
    library = clinic_exercises.library(db)  # the clinic's own exercises go home too
    home = [item for item in plan.items if item.on_home_program]
    return HomeProgram(
        clinic_name=clinic.name,
        clinic_address=clinic.address,
        clinic_phone=clinic.phone,
        patient_name=name,
        therapist=signer,
        printed_on=clinic_today(db, now),
        exercises=tuple(_exercise(i, library) for i in home if i.kind == "exercise"),
        tips=tuple(i.text for i in home if i.kind == "education"),
        words=handout_words(),
    )


def latest_plan_episode(db: Database, actor: Actor, chart_number: str) -> int:
    """The episode whose plan a handout for ``chart_number`` prints: the open episode with a
    care plan, else the latest one with a plan."""
    require(actor, Permission.VIEW_CLINICAL)
    with db.session() as session:
        patient_id = session.scalar(
            select(Patient.id).where(Patient.chart_number == chart_number.strip())
        )
        if patient_id is None:
            raise NotFound(f"No patient has the chart number {chart_number.strip()}.")
        rows = session.execute(
            select(EpisodeOfCare.id, EpisodeOfCare.status)
            .join(CarePlan, CarePlan.episode_id == EpisodeOfCare.id)
            .where(EpisodeOfCare.patient_id == patient_id)
            .order_by(EpisodeOfCare.start_date.desc(), EpisodeOfCare.id.desc())
        ).all()
    if not rows:
        raise NotFound(
            f"Chart {chart_number.strip()} has no care plan yet: build one from the patient's "
            "episode (Care plan…) first."
        )
    chosen: int = next((row.id for row in rows if row.status == "open"), rows[0].id)
    return chosen
