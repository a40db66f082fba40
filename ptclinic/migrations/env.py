"""Alembic environment: runs on the app's own connection when given one (see ptclinic.db)."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy.engine import Connection

from ptclinic.config import DATABASE_URL_ENV
from ptclinic.db import make_engine
from ptclinic.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = os.environ.get(DATABASE_URL_ENV) or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to the migration environment")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("PT Clinic migrations run online only")
run_migrations_online()
