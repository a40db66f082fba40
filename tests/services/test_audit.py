from datetime import timedelta

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DatabaseError

from ptclinic.db import Database
from ptclinic.models import AuditEvent
from ptclinic.models.base import utcnow
from ptclinic.services import audit, auth, patients
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditFilter
from ptclinic.services.errors import PermissionDenied
from tests.conftest import PASSWORD, patient_input


def test_audit_rows_cannot_be_changed_or_removed_even_with_raw_sql(
    clinic_db: Database, admin: Actor
) -> None:
    auth.authenticate(clinic_db, "admin", PASSWORD)
    for statement in (
        update(AuditEvent).values(summary="rewritten"),
        delete(AuditEvent),
    ):
        with pytest.raises(DatabaseError, match="append-only"), clinic_db.session() as session:
            session.execute(statement)
    assert audit.count_events(clinic_db, admin, AuditFilter()) >= 1


@pytest.mark.postgres
def test_postgres_refuses_truncating_the_audit_log(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        with pytest.raises(DatabaseError, match="append-only"), db.session() as session:
            session.execute(text("TRUNCATE audit_events CASCADE"))
    finally:
        db.dispose()


def test_events_filter_by_user_action_patient_and_time(
    clinic_db: Database, admin: Actor, front_desk: Actor
) -> None:
    record = patients.register_patient(clinic_db, front_desk, patient_input())
    patients.open_chart(clinic_db, front_desk, record.id)
    auth.authenticate(clinic_db, "frontdesk", PASSWORD)

    def rows(**kw: object) -> list[str]:
        events = audit.list_events(clinic_db, admin, AuditFilter(**kw))  # type: ignore[arg-type]
        return [e.action for e in events]

    assert rows(chart_number=record.chart_number) == ["view", "create"]
    assert rows(username="frontdesk", action="login") == ["login"]
    assert rows(since=utcnow() + timedelta(minutes=1)) == []
    newest = audit.list_events(clinic_db, admin, AuditFilter(), limit=1)[0]
    assert newest.action == "login" and newest.username == "frontdesk"
    viewed = audit.list_events(clinic_db, admin, AuditFilter(action="view"))[0]
    assert viewed.patient_name == "Ortiz, Maria" and viewed.chart_number == record.chart_number


def test_only_administrators_read_the_audit_log(clinic_db: Database, front_desk: Actor) -> None:
    with pytest.raises(PermissionDenied):
        audit.list_events(clinic_db, front_desk, AuditFilter())


def test_a_failed_change_leaves_no_audit_event(clinic_db: Database, admin: Actor) -> None:
    before = audit.count_events(clinic_db, admin, AuditFilter())
    with pytest.raises(PermissionDenied):
        patients.register_patient(clinic_db, admin, patient_input())
    assert audit.count_events(clinic_db, admin, AuditFilter()) == before
