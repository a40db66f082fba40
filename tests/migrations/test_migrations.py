"""Migrations: up from empty, down to base, up again, and no drift between models and migrations."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from ptclinic.db import SCHEMA_HEAD, Database, alembic_config, current_revision, head_revision
from ptclinic.models import Base


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
