import csv
import io

import pytest
from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import AuditEvent, Role
from ptclinic.services import patients
from ptclinic.services.actor import Actor
from tests.cli.conftest import Run
from tests.conftest import PASSWORD, patient_input


@pytest.fixture
def registered(clinic_db: Database, front_desk: Actor) -> list[int]:
    ids = []
    for last, first in [("Ortiz", "Maria"), ("Ortega", "Luis"), ("Smith", "Ann")]:
        record = patients.register_patient(
            clinic_db, front_desk, patient_input(last_name=last, first_name=first)
        )
        ids.append(record.id)
    return ids


def _events(db: Database, since: int) -> list[AuditEvent]:
    with db.session() as session:
        return list(
            session.scalars(select(AuditEvent).where(AuditEvent.id > since).order_by(AuditEvent.id))
        )


def _last_event_id(db: Database) -> int:
    with db.session() as session:
        return max(session.scalars(select(AuditEvent.id)))


def test_find_prints_a_table_and_audits_each_patient_listed(
    cli: Run, clinic_db: Database, registered: list[int]
) -> None:
    before = _last_event_id(clinic_db)
    result = cli(
        "patient", "find", "ort", "--user", "frontdesk", "--password-stdin", stdin=f"{PASSWORD}\n"
    )
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["Chart", "Name", "Date", "of", "birth", "Phone"]
    assert "Ortega, Luis" in lines[2] and "Ortiz, Maria" in lines[3]
    assert "1978-04-12" in lines[2] and "(555) 201-3344" in lines[2]
    assert lines[-1] == "2 patients"
    events = _events(clinic_db, before)
    assert [e.action for e in events] == ["login", "search", "search", "search"]
    assert {e.patient_id for e in events[2:]} == set(registered[:2])
    assert all(e.actor_username == "frontdesk" for e in events)
    assert "“ort”: 2 patients" in events[1].summary


def test_csv_export_is_audited_as_export(
    cli: Run, clinic_db: Database, registered: list[int]
) -> None:
    before = _last_event_id(clinic_db)
    result = cli(
        "patient", "find", "smith, a", "--user", "frontdesk", "--password-stdin", "--format",
        "csv", stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert len(rows) == 1
    assert rows[0]["last_name"] == "Smith" and rows[0]["date_of_birth"] == "1978-04-12"
    events = _events(clinic_db, before)
    assert [e.action for e in events[1:]] == ["export", "export"]
    assert events[-1].patient_id == registered[2]


def test_find_needs_a_user_and_the_right_password(
    cli: Run, clinic_db: Database, registered: list[int]
) -> None:
    before = _last_event_id(clinic_db)
    missing = cli("patient", "find", "ort")
    assert missing.code == 2 and "--user" in missing.err
    wrong = cli(
        "patient", "find", "ort", "--user", "frontdesk", "--password-stdin", stdin="nope nope\n"
    )
    assert wrong.code == 2 and "not right" in wrong.err
    assert "Ortiz" not in wrong.out
    assert [e.action for e in _events(clinic_db, before)] == ["login_failed"]


def test_roles_without_the_permission_are_refused(
    cli: Run,
    clinic_db: Database,
    registered: list[int],
    make_staff,  # type: ignore[no-untyped-def]
) -> None:
    admin = cli(
        "patient", "find", "ort", "--user", "admin", "--password-stdin", stdin=f"{PASSWORD}\n"
    )
    assert admin.code == 2 and "not allowed to view patients" in admin.err
    make_staff("stu", Role.STUDENT)
    student_table = cli(
        "patient", "find", "ort", "--user", "stu", "--password-stdin", stdin=f"{PASSWORD}\n"
    )
    assert student_table.code == 0
    student_csv = cli(
        "patient", "find", "ort", "--user", "stu", "--password-stdin", "--format", "csv",
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert student_csv.code == 2 and "not allowed to export patient data" in student_csv.err
    assert student_csv.out == ""


def test_limit_and_no_match(cli: Run, registered: list[int]) -> None:
    one = cli(
        "patient", "find", "ort", "--user", "frontdesk", "--password-stdin", "--limit", "1",
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert one.code == 0 and "1 patient (there may be more" in one.out
    none = cli(
        "patient", "find", "zzz", "--user", "frontdesk", "--password-stdin", stdin=f"{PASSWORD}\n"
    )
    assert none.code == 0 and "No patients match" in none.out
    bad = cli(
        "patient", "find", "ort", "--user", "frontdesk", "--password-stdin", "--limit", "0",
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert bad.code == 2 and "limit must be between 1 and 1000" in bad.err
