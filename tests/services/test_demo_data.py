"""The synthetic data generator: plausible, consistent with the services, never double-booked."""

import random
from collections import Counter as Tally
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import exists, func, select, text

from ptclinic.db import Database
from ptclinic.models import (
    Appointment,
    AuditEvent,
    ClinicSettings,
    Counter,
    EpisodeDiagnosis,
    EpisodeOfCare,
    Evaluation,
    OutcomeResult,
    Patient,
    Staff,
)
from ptclinic.services import auth, demo_clinical, episodes, evaluation_records, patients
from ptclinic.services.actor import Actor
from ptclinic.services.demo_data import DEMO_LOGINS, DemoOptions, DemoSummary, generate_demo_data
from ptclinic.services.demo_people import random_npi
from ptclinic.services.demo_schedule import GOALS_MET, STOPPED_ATTENDING
from ptclinic.services.diagnoses import diagnosis
from ptclinic.services.episodes import validate_episode
from ptclinic.services.errors import ConflictError, ValidationError
from ptclinic.services.evaluation_form import validate_content
from ptclinic.services.pathway import episode_pathway
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
        closed = session.execute(
            select(
                EpisodeOfCare.start_date, EpisodeOfCare.closed_on, EpisodeOfCare.closed_reason
            ).where(EpisodeOfCare.status == "closed")
        ).all()
    assert with_future and all(statuses[e] == "open" for e in with_future)
    assert "closed" in statuses.values()
    assert roles == {"therapist"}
    # Closed on the day of the last visit, with the reason it ended.
    assert closed and all(on is not None and start <= on <= NOW.date() for start, on, _ in closed)
    assert {why for _s, _o, why in closed} == {GOALS_MET, STOPPED_ATTENDING}


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
            names.append(
                session.execute(
                    select(Evaluation.episode_id, Evaluation.status, Evaluation.content)
                ).all()
            )
        db.dispose()
    assert names[0] == names[3] and names[1] == names[4] and names[2] == names[5]
    assert names[2]  # evaluations too


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


def test_episodes_carry_referral_payer_and_listed_diagnoses(
    db: Database, demo: DemoSummary
) -> None:
    today = NOW.astimezone(ZoneInfo("America/Chicago")).date()
    desk = auth.authenticate(db, "frontdesk", "frontdesk-demo")
    with db.session() as session:
        rows = list(session.scalars(select(EpisodeOfCare)))
        coded = session.execute(
            select(EpisodeOfCare.title, EpisodeDiagnosis.code, EpisodeDiagnosis.description).join(
                EpisodeDiagnosis, EpisodeDiagnosis.episode_id == EpisodeOfCare.id
            )
        ).all()
    for row in rows:  # every episode as the episode service would have stored it
        record = episodes.episode(db, desk, row.id)
        with db.session() as session:
            patient = session.get(Patient, row.patient_id)
            assert patient is not None
            assert validate_episode(session, record.as_input(), today, patient) == record.as_input()
    assert sum(bool(r.referring_physician) for r in rows) > 0.8 * len(rows)
    assert all(r.referral_date is not None for r in rows if r.referring_physician)
    assert len({r.payer_type for r in rows}) >= 5
    assert all(r.payer_type == "workers_comp" for r in rows if r.title.startswith("Work injury"))
    assert {title for title, _c, _d in coded} <= set(demo_clinical.DIAGNOSES)
    assert all(diagnosis(code).description == text for _t, code, text in coded)
    assert len(coded) > 30


def test_evaluations_in_varied_classifications_as_the_services_sign_them(
    db: Database, demo: DemoSummary
) -> None:
    with db.session() as session:
        rows = session.execute(
            select(Evaluation, EpisodeOfCare.primary_therapist_id, Staff.username)
            .join(EpisodeOfCare, EpisodeOfCare.id == Evaluation.episode_id)
            .join(Staff, Staff.id == Evaluation.therapist_id)
        ).all()
        results = Tally(
            session.scalars(
                select(OutcomeResult.evaluation_id).where(OutcomeResult.evaluation_id.is_not(None))
            )
        )
    statuses = Tally(evaluation.status for evaluation, _p, _u in rows)
    assert statuses == demo.evaluations and sum(statuses.values()) <= demo_clinical.EVALUATIONS
    assert statuses["signed"] > 30 and statuses["awaiting_cosign"] >= 1 and statuses["draft"] >= 1
    signed = [(e, user) for e, _p, user in rows if e.status != "draft"]
    assert {e.classification for e, _u in signed} == {"mobility", "stability", "calm_load"}
    therapist = auth.authenticate(db, "therapist", "therapist-demo")
    for evaluation, _user in signed:
        record = evaluation_records.episode_evaluation(db, therapist, evaluation.episode_id)
        assert record is not None and validate_content(record.content) == record.content
        # Age only decides whether to remind of the inflammatory screen, not what signing needs.
        assert evaluation_records.signing_problems(record, age=40) == {}
        assert record.classification == record.content["assessment"]["classification"]
        assert results[evaluation.id] >= 2  # the intake measures became results
    waiting = [(e, user) for e, user in signed if e.status == "awaiting_cosign"]
    assert all(user == "student" and e.cosign_required for e, user in waiting)
    cosigned = [e for e, _u in signed if e.cosigned_by_id is not None]
    assert all(e.cosign_required and e.status == "signed" for e in cosigned)
    drafts = [(e, user) for e, _p, user in rows if e.status == "draft"]
    assert "therapist" in {user for _e, user in drafts}  # the demo therapist has one to finish
    assert all(e.therapist_id == primary for e, primary, _u in rows if e.status == "draft")


def test_open_episodes_are_measured_again_so_the_pathway_shows_progress_and_stalls(
    db: Database,
) -> None:
    from ptclinic.models import ClinicalNote

    generate_demo_data(db, DemoOptions(patients=600, years=0.5, seed=5), now=NOW)
    today = NOW.astimezone(ZoneInfo("America/Chicago")).date()
    with db.session() as session:
        later = session.execute(
            select(OutcomeResult.taken_on, Evaluation.evaluated_on, EpisodeOfCare.status)
            .join(Evaluation, Evaluation.episode_id == OutcomeResult.episode_id)
            .join(EpisodeOfCare, EpisodeOfCare.id == OutcomeResult.episode_id)
            .where(
                OutcomeResult.evaluation_id.is_(None),
                ~exists().where(  # re-measured in a progress note or discharge: not these
                    ClinicalNote.episode_id == OutcomeResult.episode_id,
                    ClinicalNote.note_date == OutcomeResult.taken_on,
                    ClinicalNote.kind != "visit",
                ),
            )
        ).all()
        evaluated_open = session.scalars(
            select(Evaluation.episode_id)
            .join(EpisodeOfCare, EpisodeOfCare.id == Evaluation.episode_id)
            .where(EpisodeOfCare.status == "open", Evaluation.status == "signed")
        ).all()
    assert later and all(status == "open" for _t, _e, status in later)
    assert all(
        26 <= (taken - evaluated).days <= 28 and taken <= today for taken, evaluated, _s in later
    )
    therapist = auth.authenticate(db, "therapist", "therapist-demo")
    prompts = Tally(
        episode_pathway(db, therapist, episode, today=today).consider_referral
        for episode in evaluated_open
    )
    assert prompts[True] >= 1 and prompts[False] >= 1


def test_open_evaluated_episodes_have_care_plans_some_progressed(db: Database) -> None:
    from ptclinic.models import CarePlan, CarePlanItemChange, EpisodeOfCare, Evaluation

    # Big enough that open episodes with a signed evaluation remain after the few kept back
    # for drafts and co-signatures.
    generate_demo_data(db, DemoOptions(patients=600, years=1, days_ahead=30, seed=5), now=NOW)
    with db.session() as session:
        eligible = session.scalar(
            select(func.count())
            .select_from(Evaluation)
            .join(EpisodeOfCare, EpisodeOfCare.id == Evaluation.episode_id)
            .where(EpisodeOfCare.status == "open", Evaluation.status == "signed")
        )
        plans = session.scalar(select(func.count()).select_from(CarePlan)) or 0
        progressed = session.scalar(select(func.count()).select_from(CarePlanItemChange)) or 0
    assert plans == eligible and plans > 0
    assert 0 < progressed < plans


def test_past_visits_of_planned_episodes_have_notes_signed_as_the_service_signs(
    db: Database,
) -> None:
    from ptclinic.models import Appointment, ClinicalNote, NoteCharge
    from ptclinic.services.note_form import validate_note_content

    generate_demo_data(db, DemoOptions(patients=600, years=1, days_ahead=30, seed=5), now=NOW)
    with db.session() as session:
        notes = session.scalars(select(ClinicalNote)).all()
        statuses = {(n.kind, n.status) for n in notes}
        for n in notes:
            assert validate_note_content(n.kind, n.content) == n.content
            visit = session.get(Appointment, n.appointment_id)
            assert visit is not None and visit.starts_at < NOW
            if n.status != "draft":
                assert visit.status == "completed"
        charged = session.scalar(select(func.count(func.distinct(NoteCharge.note_id))))
        drafts = [n for n in notes if n.status == "draft"]
    assert ("visit", "signed") in statuses and ("visit", "awaiting_cosign") in statuses
    assert len(drafts) == 2 and {n.therapist_id for n in drafts} == {demo_therapist_id(db)}
    assert charged == sum(1 for n in notes if n.status != "draft")


def demo_therapist_id(db: Database) -> int:
    with db.session() as session:
        found = session.scalar(select(Staff.id).where(Staff.username == "therapist"))
    assert found is not None
    return found
