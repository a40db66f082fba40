"""The synthetic data generator: plausible, consistent with the services, never double-booked."""

import random
from collections import Counter as Tally
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from ptclinic.db import Database
from ptclinic.models import (
    Appointment,
    AuditEvent,
    ClinicSettings,
    Counter,
    EpisodeOfCare,
    Patient,
    Staff,
)
from ptclinic.services import auth, patients
from ptclinic.services.actor import Actor
from ptclinic.services.demo_data import DEMO_LOGINS, DemoOptions, DemoSummary, generate_demo_data
from ptclinic.services.demo_people import random_npi
from ptclinic.services.errors import ConflictError, ValidationError
from ptclinic.services.patient_fields import PatientInput, validate_patient
from ptclinic.services.patients import CHART_COUNTER
from ptclinic.services.text import digits, search_key
from tests.conftest import patient_input

NOW = datetime(2026, 3, 11, 17, 30, tzinfo=UTC)  # a Wednesday, 11:30 in Chicago
OPTIONS = DemoOptions(patients=200, years=1, days_ahead=30, seed=5)
OVERLAPS = """
    SELECT count(*) FROM appointments a JOIN appointments b
      ON a.{column} = b.{column} AND a.id < b.id
     AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
"""


@pytest.fixture
def demo(db: Database) -> DemoSummary:
    return generate_demo_data(db, OPTIONS, now=NOW)


def test_summary_matches_what_was_written(db: Database, demo: DemoSummary) -> None:
    with db.session() as session:

        def count(model: type) -> int:
            return session.scalar(select(func.count()).select_from(model)) or 0

        assert count(Patient) == demo.patients == 200
        assert count(EpisodeOfCare) == demo.episodes >= 200
        assert count(Appointment) == demo.appointments == sum(demo.status_counts.values())
        assert count(Staff) == demo.staff == 20
        settings = session.get(ClinicSettings, 1)
        assert settings is not None and settings.time_zone == "America/Chicago"
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "demo_data"))
        assert event.action == "create" and "200 patients" in event.summary
    assert demo.first_day == date(2025, 3, 11) and demo.last_day == date(2026, 4, 10)
    assert demo.logins == DEMO_LOGINS


def test_no_therapist_room_or_patient_is_double_booked(db: Database, demo: DemoSummary) -> None:
    with db.session() as session:
        for column in ("therapist_id", "room_id", "patient_id"):
            assert session.scalar(text(OVERLAPS.format(column=column))) == 0, column


def test_appointments_fall_in_opening_hours_on_weekdays(db: Database, demo: DemoSummary) -> None:
    zone = ZoneInfo("America/Chicago")
    with db.session() as session:
        rows = session.execute(
            select(Appointment.starts_at, Appointment.ends_at, Appointment.visit_type)
        ).all()
    for starts, ends, visit_type in rows:
        local_start, local_end = starts.astimezone(zone), ends.astimezone(zone)
        assert local_start.weekday() < 5
        assert local_start.hour >= 7 and local_end.time() <= time(19)
        assert (ends - starts) == timedelta(
            minutes=60 if visit_type == "initial_evaluation" else 45
        )
        assert demo.first_day <= local_start.date() <= demo.last_day
    assert {v for _, _, v in rows} == {
        "initial_evaluation",
        "follow_up",
        "re_evaluation",
        "discharge",
    }


def test_status_mix_is_realistic(db: Database, demo: DemoSummary) -> None:
    with db.session() as session:
        rows = session.execute(
            select(
                Appointment.starts_at,
                Appointment.ends_at,
                Appointment.status,
                Appointment.late_cancel,
                Appointment.cancel_reason,
            )
        ).all()
    past = Tally(status for starts, ends, status, _, _ in rows if ends <= NOW)
    future = Tally(status for starts, _, status, _, _ in rows if starts > NOW)
    assert set(future) == {"scheduled"} and future["scheduled"] > 50
    total = sum(past.values())
    assert 0.82 < past["completed"] / total < 0.93
    assert 0.04 < past["cancelled"] / total < 0.11
    assert 0.02 < past["no_show"] / total < 0.07
    cancelled = [(late, reason) for _, _, status, late, reason in rows if status == "cancelled"]
    assert all(reason for _, reason in cancelled)
    assert 0 < sum(late for late, _ in cancelled) < len(cancelled)


def test_patients_are_plausible_and_keyed_like_the_services(
    db: Database, demo: DemoSummary
) -> None:
    today = NOW.astimezone(ZoneInfo("America/Chicago")).date()
    with db.session() as session:
        rows = list(session.scalars(select(Patient).order_by(Patient.id)))
        counter = session.get(Counter, CHART_COUNTER)
    assert [p.chart_number for p in rows] == [str(10001 + i) for i in range(200)]
    assert counter is not None and counter.value == 10200
    assert len({(p.last_name, p.first_name) for p in rows}) > 180
    for p in rows:
        assert p.last_name_key == search_key(p.last_name)
        assert p.first_name_key == search_key(p.first_name)
        assert p.phone_digits == digits(p.phone) and p.phone_digits_reversed == p.phone_digits[::-1]
        age = (
            today.year
            - p.date_of_birth.year
            - ((today.month, today.day) < (p.date_of_birth.month, p.date_of_birth.day))
        )
        assert 18 <= age <= 95
        assert p.created_at <= NOW
        data = PatientInput(
            **{name: getattr(p, name) for name in PatientInput.__dataclass_fields__}
        )
        assert validate_patient(data, today) == data  # already in the form the services store
    assert len({p.payer for p in rows}) >= 6
    assert sum(p.sex == "female" for p in rows) > 80


def test_episodes_open_and_closed_follow_the_schedule(db: Database, demo: DemoSummary) -> None:
    with db.session() as session:
        with_future = set(
            session.scalars(
                select(Appointment.episode_id).where(Appointment.starts_at > NOW).distinct()
            )
        )
        statuses = dict(session.execute(select(EpisodeOfCare.id, EpisodeOfCare.status)).all())
        primary = set(session.scalars(select(EpisodeOfCare.primary_therapist_id).distinct()))
        roles = set(session.scalars(select(Staff.role).where(Staff.id.in_(primary))))
    assert with_future and all(statuses[e] == "open" for e in with_future)
    assert "closed" in statuses.values()
    assert roles == {"therapist"}


def test_demo_logins_work_and_chart_numbers_continue(db: Database, demo: DemoSummary) -> None:
    actors = {u: auth.authenticate(db, u, p) for u, p, _ in DEMO_LOGINS}
    assert {a.role for a in actors.values()} == {
        "admin",
        "front_desk",
        "therapist",
        "assistant",
        "student",
    }
    with db.session() as session:
        therapist_visits = session.scalar(
            select(func.count())
            .select_from(Appointment)
            .where(Appointment.therapist_id == actors["therapist"].staff_id)
        )
        npis = list(session.scalars(select(Staff.npi).where(Staff.role == "therapist")))
    assert therapist_visits and therapist_visits > 100
    assert all(len(n) == 10 and n.isdigit() for n in npis)
    record = patients.register_patient(db, actors["frontdesk"], patient_input())
    assert record.chart_number == "10201"


def test_refuses_a_database_with_patients(db: Database, front_desk: Actor) -> None:
    patients.register_patient(db, front_desk, patient_input())
    with pytest.raises(ConflictError, match="already holds a clinic"):
        generate_demo_data(db, OPTIONS, now=NOW)


def test_never_adds_published_accounts_to_a_real_clinic(db: Database, admin: Actor) -> None:
    # A set-up clinic without patients yet: demo accounts with printed passwords (administrators
    # among them) must not appear in it.
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(Staff))
    with pytest.raises(ConflictError, match="goes only into an empty database"):
        generate_demo_data(db, DemoOptions(patients=20, years=0.25, seed=1), now=NOW)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Staff)) == before
    assert auth.authenticate(db, "admin", "correct horse 1").staff_id == admin.staff_id


@pytest.mark.parametrize(
    "options",
    [
        DemoOptions(patients=0),
        DemoOptions(years=0),
        DemoOptions(years=31),
        DemoOptions(days_ahead=-1),
    ],
)
def test_rejects_impossible_sizes(db: Database, options: DemoOptions) -> None:
    with pytest.raises(ValidationError):
        generate_demo_data(db, options, now=NOW)


def test_same_seed_same_data(tmp_path: Path) -> None:
    names = []
    for label in ("a", "b"):
        db = Database(f"sqlite:///{tmp_path / label}.sqlite3")
        db.upgrade()
        generate_demo_data(db, DemoOptions(patients=50, years=0.5, seed=9), now=NOW)
        with db.session() as session:
            names.append(
                session.execute(
                    select(Patient.last_name, Patient.first_name, Patient.date_of_birth)
                ).all()
            )
            names.append(session.execute(select(Appointment.starts_at)).all())
        db.dispose()
    assert names[0] == names[2] and names[1] == names[3]


def test_npis_carry_a_valid_luhn_check_digit() -> None:
    for seed in range(20):
        npi = random_npi(random.Random(seed))
        total = 0
        for position, char in enumerate(reversed("80840" + npi)):
            value = int(char) * (2 if position % 2 == 1 else 1)
            total += value - 9 if value > 9 else value
        assert total % 10 == 0, npi


def test_the_schedule_around_today_has_series_a_waitlist_and_holidays(db: Database) -> None:
    from ptclinic.models import AppointmentSeries, ClosedDay, WaitlistEntry

    demo = generate_demo_data(
        db, DemoOptions(patients=300, years=0.5, days_ahead=60, seed=3), now=NOW
    )
    with db.session() as session:
        series = session.scalars(select(AppointmentSeries)).all()
        linked = session.scalar(select(func.count()).where(Appointment.series_id.is_not(None)))
        waiting = session.scalar(select(func.count()).select_from(WaitlistEntry))
        closed = session.scalars(select(ClosedDay.day)).all()
    assert demo.series == len(series) >= 2 and linked and linked >= 5 * len(series)
    assert all(s.rrule.startswith("FREQ=WEEKLY") for s in series)
    assert waiting == demo.waiting >= 1
    assert date(2025, 12, 25) in closed  # Christmas falls in the demo's span
