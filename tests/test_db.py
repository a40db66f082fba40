import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from ptclinic.db import Database, current_revision, head_revision
from ptclinic.models import AuditEvent, Patient
from tests.conftest import patient_input


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    db.dispose()


def test_foreign_keys_and_checks_hold_in_the_database(db: Database) -> None:
    with pytest.raises(IntegrityError), db.session() as session:
        session.execute(
            text(
                "INSERT INTO audit_events (occurred_at, actor_id, actor_username, action, "
                "entity_type, summary, workstation) "
                "VALUES (CURRENT_TIMESTAMP, 999, 'x', 'login', '', '', '')"
            )
        )
    with pytest.raises(IntegrityError), db.session() as session:
        session.execute(
            text(
                "INSERT INTO staff (username, full_name, role, credentials, npi, password_hash, "
                "active, failed_logins, created_at, updated_at, version) VALUES "
                "('x1', 'X', 'wizard', '', '', 'h', true, 0, CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP, 1)"
            )
        )


def test_timestamps_come_back_timezone_aware_utc(db: Database) -> None:
    chicago_noon = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=-5)))
    with db.session() as session:
        session.add(AuditEvent(occurred_at=chicago_noon, actor_username="x", action="login"))
    with db.session() as session:
        stored = session.scalars(select(AuditEvent.occurred_at)).one()
    assert stored == chicago_noon and stored.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), db.session() as session:
        session.add(AuditEvent(occurred_at=datetime(2026, 1, 1), actor_username="x", action="x"))


def test_a_new_database_is_created_at_head_without_a_backup(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert db.upgrade() is None
    assert current_revision(db.engine) == head_revision()
    assert db.upgrade() is None  # already at head: nothing to do
    db.dispose()
    assert list(tmp_path.glob("*.bak")) == []


def test_upgrade_from_an_earlier_revision_makes_a_readable_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "clinic.sqlite3"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    with db.session() as session:
        session.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    db.dispose()
    # Make "older" a known revision whose upgrade to head does nothing.
    from alembic import command

    calls: list[str] = []
    monkeypatch.setattr(command, "upgrade", lambda cfg, rev: calls.append(rev))
    backup = Database(f"sqlite:///{path}").upgrade()
    assert backup is not None and backup.exists() and "before-upgrade-from-older" in backup.name
    assert calls == ["head"]
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("older",)


def test_patient_row_round_trip_on_both_engines(db: Database) -> None:
    data = patient_input()
    with db.session() as session:
        session.add(
            Patient(
                chart_number="1",
                last_name=data.last_name,
                first_name=data.first_name,
                date_of_birth=data.date_of_birth,
                last_name_key="ortiz",
                first_name_key="maria",
            )
        )
    with db.session() as session:
        assert session.scalars(select(Patient.last_name)).one() == "Ortiz"


def test_an_unreachable_database_is_a_plain_domain_error(tmp_path: Path) -> None:
    from ptclinic.services.errors import DatabaseUnavailable

    db = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(DatabaseUnavailable, match="cannot be reached"), db.session() as session:
        session.execute(text("SELECT 1"))


@pytest.mark.postgres
def test_workstations_starting_together_upgrade_a_new_server_once(postgres_admin_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = "t_parallel_upgrade"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    start = Barrier(3)

    def start_app(_: int) -> str:
        own = Database(url)
        try:
            start.wait()
            own.upgrade()
            return str(current_revision(own.engine))
        finally:
            own.dispose()

    try:
        with ThreadPoolExecutor(3) as pool:
            revisions = list(pool.map(start_app, range(3)))
        assert revisions == [head_revision()] * 3
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
