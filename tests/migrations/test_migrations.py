"""Migrations: up from empty, down to base, up again, and no drift between models and migrations."""

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from ptclinic.db import SCHEMA_HEAD, Database, alembic_config, current_revision, head_revision
from ptclinic.models import Base, Patient
from ptclinic.services import patients
from ptclinic.services.actor import Actor
from tests.conftest import patient_input


def _run(db: Database, verb: str, target: str) -> None:
    with db.engine.begin() as conn:
        cfg = alembic_config(db.engine)
        cfg.attributes["connection"] = conn
        getattr(command, verb)(cfg, target)


def test_down_to_base_and_up_again(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()
    _run(db, "downgrade", "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    _run(db, "upgrade", "head")
    assert {"patients", "staff", "audit_events"} <= set(inspect(db.engine).get_table_names())


def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_the_start_up_shortcut_knows_the_newest_revision() -> None:
    # Start-up skips Alembic when the database is at SCHEMA_HEAD; a new revision must move it.
    assert head_revision() == SCHEMA_HEAD


def test_upgrading_recomputes_search_keys_for_names_in_any_script(
    clinic_db: Database, front_desk: Actor
) -> None:
    patients.register_patient(clinic_db, front_desk, patient_input(last_name="Иванов"))

    def keys() -> tuple[str, str]:
        with clinic_db.session() as session:
            row = session.execute(select(Patient.last_name_key, Patient.first_name_key)).one()
            return row[0], row[1]

    assert keys() == ("иванов", "maria")
    _run(clinic_db, "downgrade", "0002")  # the ASCII-only keys of the first releases
    assert keys() == ("", "maria")
    _run(clinic_db, "upgrade", "head")
    assert keys() == ("иванов", "maria")


def test_an_audit_row_cannot_be_replaced_on_sqlite(tmp_path: Path) -> None:
    # SQLite only: its INSERT OR REPLACE deletes the old row without firing delete triggers.
    # PostgreSQL has no such statement; its update/delete/truncate guards are tested elsewhere.
    db = Database(f"sqlite:///{tmp_path / 'clinic.sqlite3'}")
    db.upgrade()
    try:
        with db.session() as session:
            session.execute(
                text(
                    "INSERT INTO audit_events (occurred_at, actor_username, action, entity_type, "
                    "summary, workstation) VALUES ('2026-01-01 00:00:00.000000', 'admin', "
                    "'login', '', 'the real event', 'x')"
                )
            )
        with pytest.raises(IntegrityError), db.session() as session:
            session.execute(
                text(
                    "INSERT OR REPLACE INTO audit_events (id, occurred_at, actor_username, action, "
                    "entity_type, summary, workstation) VALUES (1, '2020-01-01 00:00:00.000000', "
                    "'mallory', 'login', '', 'rewritten', 'x')"
                )
            )
        with db.session() as session:
            assert session.execute(text("SELECT summary FROM audit_events")).scalars().all() == [
                "the real event"
            ]
    finally:
        db.dispose()
