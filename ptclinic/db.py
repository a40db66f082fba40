"""Engine and session factory, SQLite pragmas, and upgrade-to-head on start.

Every unit of work opens its own short session (``with Database.session() as s``); nothing holds a
session open while a person thinks.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ptclinic.services.errors import DatabaseUnavailable

SQLITE_BUSY_TIMEOUT_MS = 10_000
POSTGRES_CONNECT_TIMEOUT_S = 8
# Taken while migrating a PostgreSQL database: workstations started together after an update
# upgrade one after another, and the later ones find the work done.
_UPGRADE_LOCK_KEY = 0x5074436C  # "PtCl"


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _begin_immediate).
    dbapi_connection.isolation_level = None
    # Foreign keys are off by default in SQLite and the setting is per connection: set it each time.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL is durable across application crashes in WAL mode; only a power cut can lose the last
    # committed transactions, never corrupt the file.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_immediate(conn: Any) -> None:
    # A deferred SQLite transaction that reads and then writes can fail with "database is locked"
    # without waiting; BEGIN IMMEDIATE takes the write lock up front and honours busy_timeout.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the settings PT Clinic relies on for each backend."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    # A server that drops off the network must not freeze a window for the operating system's
    # TCP timeout (minutes): give up connecting after a few seconds and say so in words.
    connect_args = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S, **kwargs.pop("connect_args", {})}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


if TYPE_CHECKING:
    from alembic.config import Config

# The newest migration's revision id. A test holds it equal to Alembic's head; it lets start-up
# see that a database is already current without importing Alembic, a fifth of start-up time.
SCHEMA_HEAD = "0007"


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic configuration pointing at the migrations shipped inside the package."""
    from alembic.config import Config

    script_location = str(resources.files("ptclinic") / "migrations")
    cfg = Config()
    cfg.set_main_option("script_location", script_location)
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database's schema is at; None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        # The history is linear, so there is at most one row.
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def sqlite_file(engine: Engine) -> Path | None:
    url = make_url(engine.url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def backup_sqlite_file(source: Path, label: str) -> Path:
    """Copy a live SQLite database beside itself with the online backup API (safe under WAL)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = source.with_name(f"{source.stem}.{label}-{stamp}{source.suffix}.bak")
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def upgrade_to_head(engine: Engine) -> Path | None:
    """Bring the schema to the newest revision. Returns the backup made first, if any.

    An existing SQLite database that is behind head is copied to a timestamped backup before any
    migration touches it, so a failed upgrade can always be undone by hand.
    """
    current = current_revision(engine)
    if current == SCHEMA_HEAD:
        return None
    from alembic import command

    backup: Path | None = None
    path = sqlite_file(engine)
    if current is not None and path is not None and path.exists():
        backup = backup_sqlite_file(path, f"before-upgrade-from-{current}")
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK_KEY})
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")  # a no-op if another workstation finished it meanwhile
    return backup


class Database:
    """The application's handle on one database: engine plus session factory."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        """A human description for the status bar; never shows a password."""
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite":
            return f"SQLite · {url.database}"
        return f"PostgreSQL · {url.host or 'localhost'}/{url.database}"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any error.

        A lost connection or a database that stays locked surfaces as DatabaseUnavailable, a
        domain error the UI can show in plain words; the unit of work has been rolled back.
        """
        try:
            with self._sessions() as session, session.begin():
                yield session
        except (OperationalError, InterfaceError) as exc:
            raise DatabaseUnavailable(
                "The clinic database cannot be reached right now, or is busy. Nothing was "
                "saved by this step; check the network or server and try again."
            ) from exc

    def upgrade(self) -> Path | None:
        return upgrade_to_head(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
