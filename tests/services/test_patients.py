from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ptclinic.db import Database
from ptclinic.models import AuditEvent, Patient
from ptclinic.services import patients
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_today
from ptclinic.services.errors import PermissionDenied, StaleRecordError, ValidationError
from tests.conftest import patient_input


def _patient_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Patient)) or 0


def test_registration_assigns_sequential_chart_numbers_and_audits(
    clinic_db: Database, front_desk: Actor
) -> None:
    first = patients.register_patient(clinic_db, front_desk, patient_input())
    second = patients.register_patient(clinic_db, front_desk, patient_input(first_name="Luis"))
    assert (first.chart_number, second.chart_number) == ("10001", "10002")
    assert first.phone == "(555) 201-3344"
    with clinic_db.session() as session:
        event = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "create", AuditEvent.patient_id == first.id
            )
        ).one()
    assert event.actor_username == "frontdesk"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"last_name": "  "}, "last_name", "Last name is required."),
        ({"first_name": ""}, "first_name", "First name is required."),
        ({"date_of_birth": None}, "date_of_birth", "Date of birth is required."),
        ({"phone": "555-12"}, "phone", "needs 10 digits"),
        ({"phone": "call me"}, "phone", "only digits"),
        ({"email": "maria@"}, "email", "should be like name@example.com"),
        ({"sex": "robot"}, "sex", "Choose female"),
        ({"last_name": "x" * 81}, "last_name", "too long"),
    ],
)
def test_bad_input_is_refused_with_a_plain_message_and_saves_nothing(
    clinic_db: Database, front_desk: Actor, overrides: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        patients.register_patient(clinic_db, front_desk, patient_input(**overrides))
    assert message in caught.value.field_errors[field]
    assert _patient_count(clinic_db) == 0


def test_date_of_birth_must_be_plausible(clinic_db: Database, front_desk: Actor) -> None:
    today = clinic_today(clinic_db)
    with pytest.raises(ValidationError, match="in the future — check the year"):
        patients.register_patient(
            clinic_db, front_desk, patient_input(date_of_birth=today + timedelta(days=1))
        )
    with pytest.raises(ValidationError, match="more than 120 years ago"):
        patients.register_patient(
            clinic_db, front_desk, patient_input(date_of_birth=date(today.year - 121, 1, 1))
        )
    born_today = patients.register_patient(
        clinic_db, front_desk, patient_input(date_of_birth=today)
    )
    assert born_today.date_of_birth == today


def test_likely_duplicate_is_flagged_until_confirmed(
    clinic_db: Database, front_desk: Actor
) -> None:
    original = patients.register_patient(clinic_db, front_desk, patient_input())
    with pytest.raises(patients.LikelyDuplicate) as caught:
        patients.register_patient(
            clinic_db, front_desk, patient_input(last_name="ORTIZ", first_name="maría")
        )
    assert [m.id for m in caught.value.matches] == [original.id]
    assert original.chart_number in str(caught.value)
    assert _patient_count(clinic_db) == 1
    patients.register_patient(
        clinic_db, front_desk, patient_input(first_name="María"), confirm_not_duplicate=True
    )
    assert _patient_count(clinic_db) == 2


def test_update_with_stale_version_names_who_changed_it(
    clinic_db: Database, front_desk: Actor, therapist: Actor
) -> None:
    record = patients.register_patient(clinic_db, front_desk, patient_input())
    patients.update_patient(
        clinic_db, therapist, record.id, record.version, patient_input(phone="555 777 1234")
    )
    with pytest.raises(StaleRecordError, match="Therapist Person changed this patient"):
        patients.update_patient(
            clinic_db, front_desk, record.id, record.version, patient_input(email="new@example.com")
        )
    now = patients.open_chart(clinic_db, front_desk, record.id)
    assert now.phone == "(555) 777-1234" and now.email == "maria.ortiz@example.com"


def test_update_audits_changed_field_names(clinic_db: Database, front_desk: Actor) -> None:
    record = patients.register_patient(clinic_db, front_desk, patient_input())
    updated = patients.update_patient(
        clinic_db, front_desk, record.id, record.version, patient_input(payer="Medicare")
    )
    assert updated.version == record.version + 1
    with clinic_db.session() as session:
        summary = session.scalars(
            select(AuditEvent.summary).where(AuditEvent.action == "change")
        ).one()
    assert summary == "changed payer"


def test_opening_a_chart_is_audited(clinic_db: Database, front_desk: Actor) -> None:
    record = patients.register_patient(clinic_db, front_desk, patient_input())
    patients.open_chart(clinic_db, front_desk, record.id)
    with clinic_db.session() as session:
        views = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "view", AuditEvent.patient_id == record.id
            )
        ).all()
    assert len(views) == 1 and views[0].actor_username == "frontdesk"


def test_roles_without_patient_rights_are_refused(clinic_db: Database, admin: Actor) -> None:
    with pytest.raises(PermissionDenied, match="not allowed to register and edit patients"):
        patients.register_patient(clinic_db, admin, patient_input())
    assert _patient_count(clinic_db) == 0
