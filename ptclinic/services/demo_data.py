"""Realistic synthetic clinic data at scale, for the demo clinic, training and benchmarks.

``generate_demo_data`` fills an empty database (no clinic settings, no staff): clinic settings, a
staff roster with known demo passwords, rooms, patients with plausible demographics, episodes of
care with their referral, payer and diagnoses, years of appointments (see ``demo_schedule``), and
a few hundred intake evaluations of the most recent low back and SI joint episodes (see
``demo_clinical``). Bulk rows go in with SQLAlchemy Core
``insert()`` executed over lists of dicts in chunks, all in one transaction: 50,000 patients and
ten years of appointments take minutes, not hours, and a failure leaves nothing behind.
Search keys come from the same helpers the patient services use, chart numbers follow the
clinic's counter, and one audit event records that demo data was generated.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from ptclinic.db import Database
from ptclinic.models import (
    Appointment,
    ClinicSettings,
    Counter,
    EpisodeDiagnosis,
    EpisodeOfCare,
    Patient,
    Role,
    Room,
    Staff,
)
from ptclinic.models.base import utcnow
from ptclinic.services import audit
from ptclinic.services.audit import AuditAction
from ptclinic.services.clinic import ClinicInfo
from ptclinic.services.demo_care_plans import add_care_plans
from ptclinic.services.demo_clinical import (
    PatientNote,
    add_current_evaluations,
    add_signed_evaluations,
    describe,
    diagnosis_rows,
    episode_columns,
)
from ptclinic.services.demo_extras import add_schedule_extras
from ptclinic.services.demo_notes import add_notes, describe_notes
from ptclinic.services.demo_people import (
    BASE_ROOMS,
    BASE_ROSTER,
    DemoStaff,
    PatientFacts,
    extra_clinician,
    patient_row,
    random_npi,
    referring_physicians,
    registration_time,
)
from ptclinic.services.demo_schedule import (
    Episode,
    ScheduleSimulation,
    assign_clinicians,
    clinic_holidays,
    clinicians_needed,
    make_clinicians,
    plan_episodes,
)
from ptclinic.services.errors import ConflictError, ValidationError
from ptclinic.services.passwords import hash_password
from ptclinic.services.patients import CHART_COUNTER

# (username, password, description) of the accounts the demo login screen lists.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    (s.username, s.password, s.login_description) for s in BASE_ROSTER if s.login_description
]
DEMO_CLINIC = ClinicInfo(
    name="Lakeside Physical Therapy (demo)",
    time_zone="America/Chicago",
    address="1200 Lake Shore Blvd, Suite 200, Evanston, IL 60201",
    phone="(847) 555-0100",
)
CHUNK_ROWS = 5_000
FIRST_CHART_COUNTER = 10_000  # as the first migration seeds it
Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoOptions:
    patients: int = 400
    years: float = 1.0
    days_ahead: int = 30  # appointments are booked this far past today
    seed: int = 1


@dataclass(frozen=True)
class DemoSummary:
    patients: int
    episodes: int
    appointments: int
    staff: int
    rooms: int
    first_day: date
    last_day: date
    seconds: float
    status_counts: dict[str, int] = field(default_factory=dict)
    series: int = 0
    waiting: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    evaluations: dict[str, int] = field(default_factory=dict)  # by status


def validate_options(options: DemoOptions) -> None:
    errors: dict[str, str] = {}
    if not 1 <= options.patients <= 1_000_000:
        errors["patients"] = "The number of patients must be between 1 and 1,000,000."
    if not 0 < options.years <= 30:
        errors["years"] = "The number of years must be more than 0 and at most 30."
    if not 0 <= options.days_ahead <= 366:
        errors["days_ahead"] = "Appointments can be booked at most 366 days ahead."
    if errors:
        raise ValidationError(errors)


def generate_demo_data(
    db: Database,
    options: DemoOptions,
    *,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> DemoSummary:
    """Fill an empty database with a synthetic clinic; deterministic for a given seed and
    ``now``. Raises ConflictError if the database already holds a clinic."""
    validate_options(options)
    started = time.perf_counter()
    now = now or utcnow()
    say: Progress = progress or (lambda _message: None)
    rng = random.Random(options.seed)
    with db.session() as session:
        # Only an empty database: the demo adds accounts (administrators included) whose
        # passwords are printed for anyone to read, which must never reach a real clinic.
        staff_count = session.scalar(select(func.count()).select_from(Staff)) or 0
        has_clinic = session.get(ClinicSettings, 1) is not None
        if staff_count or has_clinic:
            raise ConflictError(
                "This database already holds a clinic (settings or staff accounts). Demo data "
                "goes only into an empty database, because its accounts have published "
                "passwords: use a new data folder (--data-dir) or an empty database."
            )
        zone = ZoneInfo(_add_clinic_settings(session).time_zone)
        today = now.astimezone(zone).date()
        first_day = today - timedelta(days=round(options.years * 365.25))
        last_day = today + timedelta(days=options.days_ahead)
        opened = datetime.combine(first_day - timedelta(days=30), datetime.min.time(), UTC)
        # The clinical records draw from their own generator: the schedule stays as it was.
        builder = _Builder(session, rng, now, opened, random.Random(f"{options.seed}-clinical"))
        builder.add_staff(BASE_ROSTER)
        room_ids = builder.add_rooms(BASE_ROOMS)
        say(f"Staff and rooms: {len(builder.staff)} staff, {len(room_ids)} rooms")
        facts = builder.add_patients(options.patients, first_day, last_day, today, say)
        episodes = plan_episodes(rng, facts, last_day.toordinal())
        pts, ptas = _caseload_split(episodes, first_day, last_day)
        clinician_ids = builder.clinician_ids(Role.THERAPIST, pts) + builder.clinician_ids(
            Role.ASSISTANT, ptas
        )
        extra_room = 11  # after the base roster's Treatment 1-10
        while len(room_ids) < len(clinician_ids):
            room_ids += builder.add_rooms([(f"Treatment {extra_room}", "treatment", 1)])
            extra_room += 1
        clinicians = make_clinicians(rng, clinician_ids, pts)
        assign_clinicians(rng, episodes, pts, ptas)
        diagnoses = builder.add_episodes(episodes, clinician_ids, today)
        say(
            f"Episodes of care: {len(episodes):,} (caseload: {pts} therapists, {ptas} "
            f"assistants), {diagnoses:,} diagnoses"
        )
        simulation = ScheduleSimulation(
            rng, clinicians, room_ids, episodes, zone, first_day, last_day, now
        )
        appointments = builder.add_appointments(simulation, say)
        builder.mark_open_episodes(episodes)
        clinical = add_signed_evaluations(builder.conn, builder.clinical_rng, zone, today, now)
        builder.set_chart_counter(options.patients)
        audit.record(
            session,
            AuditAction.CREATE,
            username="demo-data",
            entity_type="demo_data",
            summary=f"generated demo data: {options.patients:,} patients, {len(episodes):,} "
            f"episodes, {appointments:,} appointments from {first_day} to {last_day} "
            f"(seed {options.seed})",
        )
        staff_count = len(builder.staff)
    extras = add_schedule_extras(db, rng, today, first_day, last_day, options.patients)
    say(
        f"Around today: {extras.series} recurring series ({extras.series_visits} visits), "
        f"{extras.waiting} on the waitlist, {extras.closed_days} holidays closed"
    )
    add_current_evaluations(db, builder.clinical_rng, clinical)
    say(describe(clinical))
    say(f"Care plans: {add_care_plans(db, builder.clinical_rng)}")
    say(describe_notes(add_notes(db, builder.clinical_rng, now)))
    return DemoSummary(
        patients=options.patients,
        episodes=len(episodes),
        appointments=appointments + extras.series_visits,
        staff=staff_count,
        rooms=len(room_ids),
        first_day=first_day,
        last_day=last_day,
        seconds=time.perf_counter() - started,
        status_counts=dict(
            simulation.counts,
            scheduled=simulation.counts.get("scheduled", 0) + extras.series_visits,
        ),
        series=extras.series,
        waiting=extras.waiting,
        logins=builder.logins,
        evaluations=dict(clinical.statuses),
    )


def _add_clinic_settings(session: Session) -> ClinicSettings:
    settings = ClinicSettings(
        id=1,
        name=DEMO_CLINIC.name,
        time_zone=DEMO_CLINIC.time_zone,
        address=DEMO_CLINIC.address,
        phone=DEMO_CLINIC.phone,
    )
    session.add(settings)
    session.flush()
    return settings


def _caseload_split(episodes: list[Episode], first_day: date, last_day: date) -> tuple[int, int]:
    """How many therapists and assistants carry the caseload, sized so the clinic runs at a
    realistic ~85% of its capacity: about seven therapists to three assistants."""
    holidays = clinic_holidays(first_day, last_day)
    weekdays = sum(
        1
        for ordinal in range(first_day.toordinal(), last_day.toordinal() + 1)
        if date.fromordinal(ordinal).weekday() < 5 and date.fromordinal(ordinal) not in holidays
    )
    needed = clinicians_needed(episodes, weekdays)
    pts = max(2, math.ceil(needed * 0.7))
    return pts, max(1, needed - pts)


class _Builder:
    """Inserts the generated rows inside one session's transaction."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        now: datetime,
        opened: datetime,
        clinical_rng: random.Random,
    ):
        self.session, self.rng, self.now, self.opened = session, rng, now, opened
        self.clinical_rng = clinical_rng
        self.notes: list[PatientNote] = []  # per patient, what their episodes take from them
        self.conn = session.connection()
        self.staff: list[tuple[int, DemoStaff]] = []
        self.logins: list[tuple[str, str, str]] = []
        self._hashes: dict[str, str] = {}
        self.patient_ids: list[int] = []
        self._chart_base = FIRST_CHART_COUNTER

    def add_staff(self, roster: Sequence[DemoStaff]) -> None:
        rows = []
        for person in roster:
            username = person.username
            if person.password not in self._hashes:
                self._hashes[person.password] = hash_password(person.password)
            clinical = person.role in {Role.THERAPIST, Role.ASSISTANT}
            rows.append(
                Staff(
                    username=username,
                    full_name=person.full_name,
                    role=person.role.value,
                    credentials=person.credentials,
                    npi=random_npi(self.rng) if clinical else "",
                    password_hash=self._hashes[person.password],
                    created_at=self.opened,
                    updated_at=self.opened,
                )
            )
            if person.login_description:
                self.logins.append((username, person.password, person.login_description))
        self.session.add_all(rows)
        self.session.flush()
        self.staff += [(row.id, person) for row, person in zip(rows, roster, strict=True)]

    def clinician_ids(self, role: Role, count: int) -> list[int]:
        ids = [staff_id for staff_id, person in self.staff if person.role is role]
        while len(ids) < count:
            self.add_staff([extra_clinician(self.rng, role, len(ids) + 1)])
            ids.append(self.staff[-1][0])
        return ids[:count]

    def add_rooms(self, rooms: Sequence[tuple[str, str, int]]) -> list[int]:
        existing: dict[str, int] = {
            name: room_id for name, room_id in self.session.execute(select(Room.name, Room.id))
        }
        missing = [
            Room(name=name, kind=kind, capacity=capacity)
            for name, kind, capacity in rooms
            if name not in existing
        ]
        self.session.add_all(missing)
        self.session.flush()
        existing.update({room.name: room.id for room in missing})
        return [existing[name] for name, _kind, _capacity in rooms]

    def _insert(self, table: Any, rows: list[dict[str, Any]], *, returning: bool) -> list[int]:
        if not rows:
            return []
        if not returning:
            self.conn.execute(insert(table), rows)
            return []
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(self.conn.execute(statement, rows).scalars())

    def add_patients(
        self, count: int, first_day: date, last_day: date, today: date, say: Progress
    ) -> list[tuple[int, PatientFacts]]:
        """Patients in registration order, so chart numbers rise with time; returns each one's
        first-visit ordinal and facts, in the same order as ``self.patient_ids``."""
        rng = self.rng
        arrivals = sorted(
            rng.randint(first_day.toordinal(), last_day.toordinal()) for _ in range(count)
        )
        counter = self.session.scalar(select(Counter.value).where(Counter.name == CHART_COUNTER))
        if counter is None:
            counter = FIRST_CHART_COUNTER
            self.session.add(Counter(name=CHART_COUNTER, value=counter))
            self.session.flush()
        self._chart_base = counter
        desk = [sid for sid, person in self.staff if person.role is Role.FRONT_DESK]
        physicians = referring_physicians(rng)
        facts: list[tuple[int, PatientFacts]] = []
        table = Patient.__table__
        for start in range(0, count, CHUNK_ROWS):
            rows = []
            for index in range(start, min(count, start + CHUNK_ROWS)):
                arrival = arrivals[index]
                row, fact = patient_row(
                    rng,
                    chart_number=str(counter + 1 + index),
                    registered_at=registration_time(rng, date.fromordinal(arrival), self.now),
                    today=today,
                    registered_by=rng.choice(desk),
                    physicians=physicians,
                )
                rows.append(row)
                facts.append((arrival, fact))
                self.notes.append(
                    PatientNote(
                        row["sex"],
                        row["date_of_birth"],
                        row["referring_physician"],
                        fact.payer_kind,
                    )
                )
            self.patient_ids += self._insert(table, rows, returning=True)
            say(f"Patients: {len(self.patient_ids):,} of {count:,}")
        return facts

    def add_episodes(self, episodes: list[Episode], clinician_ids: list[int], today: date) -> int:
        """Insert the episodes with their referral, onset, payer and diagnoses; returns how
        many diagnoses."""
        table, diagnoses = EpisodeOfCare.__table__, 0
        for start in range(0, len(episodes), CHUNK_ROWS):
            chunk = episodes[start : start + CHUNK_ROWS]
            rows = []
            for episode in chunk:
                episode.patient_id = self.patient_ids[episode.patient_index]
                referred = date.fromordinal(episode.arrival)
                created = datetime(referred.year, referred.month, referred.day, 15, tzinfo=UTC)
                clinical = episode_columns(
                    self.clinical_rng,
                    episode.title,
                    referred,
                    self.notes[episode.patient_index],
                    today,
                )
                episode.title = clinical["title"]
                rows.append(
                    clinical
                    | {
                        "patient_id": episode.patient_id,
                        "primary_therapist_id": clinician_ids[episode.evaluator],
                        "start_date": referred,
                        "authorized_visits": episode.authorized,
                        "status": "closed",  # the ones still open are marked after scheduling
                        "created_at": min(created - timedelta(days=2), self.now),
                        "version": 1,
                    }
                )
            ids = self._insert(table, rows, returning=True)
            codes: list[dict[str, Any]] = []
            for episode, episode_id in zip(chunk, ids, strict=True):
                episode.id = episode_id
                codes += diagnosis_rows(self.clinical_rng, episode_id, episode.title)
            self._insert(EpisodeDiagnosis.__table__, codes, returning=False)
            diagnoses += len(codes)
        return diagnoses

    def add_appointments(self, simulation: ScheduleSimulation, say: Progress) -> int:
        table, total, year = Appointment.__table__, 0, 0
        pending: list[dict[str, Any]] = []
        for day, rows in simulation.days():
            pending += rows
            if len(pending) >= CHUNK_ROWS:
                self._insert(table, pending, returning=False)
                total, pending = total + len(pending), []
            if day.year != year:
                year = day.year
                say(f"Appointments: {year} ({total + len(pending):,} so far)")
        self._insert(table, pending, returning=False)
        total += len(pending)
        say(f"Appointments: {total:,}")
        return total

    def mark_open_episodes(self, episodes: list[Episode]) -> None:
        """Open the episodes still under way; the others were closed on their last visit,
        with the reason they ended."""
        open_ids = [episode.id for episode in episodes if episode.is_open]
        for start in range(0, len(open_ids), 500):
            chunk = open_ids[start : start + 500]
            self.conn.execute(
                update(EpisodeOfCare).where(EpisodeOfCare.id.in_(chunk)).values(status="open")
            )
        ended = [
            {"episode": e.id, "day": date.fromordinal(e.ended_on), "why": e.ended_because}
            for e in episodes
            if not e.is_open and e.ended_on
        ]
        for start in range(0, len(ended), CHUNK_ROWS):
            self.conn.execute(
                update(EpisodeOfCare)
                .where(EpisodeOfCare.id == bindparam("episode"))
                .values(closed_on=bindparam("day"), closed_reason=bindparam("why")),
                ended[start : start + CHUNK_ROWS],
            )

    def set_chart_counter(self, patients: int) -> None:
        self.conn.execute(
            update(Counter)
            .where(Counter.name == CHART_COUNTER)
            .values(value=self._chart_base + patients)
        )
