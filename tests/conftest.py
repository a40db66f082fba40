"""One database fixture for the whole suite, parametrised over SQLite and PostgreSQL.

Each test gets a fresh, migrated database: SQLite copies a migrated template file; PostgreSQL
creates a database from a migrated template database (fast, and isolated per test).
The PostgreSQL side uses PTCLINIC_TEST_DATABASE_URL when set, otherwise a throwaway server started
from the installed binaries. Under CI=true a missing server fails the run; it is never skipped.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ptclinic.db import Database
from ptclinic.models import Role
from ptclinic.services import clinic, staff
from ptclinic.services.actor import Actor
from ptclinic.services.auth import actor_of
from ptclinic.services.patient_fields import PatientInput
from tests.pg_server import ThrowawayPostgres, find_bin_dir

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TEMPLATE_DB = "ptclinic_template"
PASSWORD = "correct horse 1"


def _missing_postgres(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL is required under CI but unavailable: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL unavailable: {reason}")


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A URL with rights to create databases on a PostgreSQL server."""
    if url := os.environ.get("PTCLINIC_TEST_DATABASE_URL"):
        yield url
        return
    bin_dir = find_bin_dir()
    if bin_dir is None:
        _missing_postgres("no pg_ctl found (install PostgreSQL server binaries)")
        return
    server = ThrowawayPostgres(bin_dir)
    try:
        url = server.start()
    except Exception as exc:
        server.stop()
        _missing_postgres(f"could not start a throwaway server: {exc}")
        return
    try:
        yield url
    finally:
        server.stop()


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str) -> str:
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}"'))
        conn.execute(text(f'CREATE DATABASE "{TEMPLATE_DB}"'))
    admin.dispose()
    db = Database(_with_database(postgres_admin_url, TEMPLATE_DB))
    db.upgrade()
    db.dispose()
    return TEMPLATE_DB


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    db.dispose()  # closing the last connection folds the WAL into the main file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated, empty database on each engine."""
    if request.param == "sqlite":
        target = tmp_path / "clinic.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    yield from _fresh_postgres(request)


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database, for tests of PostgreSQL-only behaviour."""
    yield from _fresh_postgres(request)


def _fresh_postgres(request: pytest.FixtureRequest) -> Iterator[str]:
    template = request.getfixturevalue("postgres_template")
    admin_url = request.getfixturevalue("postgres_admin_url")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield _with_database(admin_url, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def clinic_db(db: Database) -> Database:
    """A set-up clinic with one administrator ("admin")."""
    clinic.save_first_clinic(
        db, clinic.ClinicInfo(name="Riverside Physical Therapy", time_zone="America/Chicago")
    )
    staff.create_first_admin(db, staff.NewStaff("admin", "Avery Admin", Role.ADMIN.value, PASSWORD))
    return db


@pytest.fixture
def admin(clinic_db: Database) -> Actor:
    return _actor(clinic_db, "admin")


def _actor(db: Database, username: str) -> Actor:
    from sqlalchemy import select

    from ptclinic.models import Staff

    with db.session() as session:
        row = session.scalar(select(Staff).where(Staff.username == username))
        assert row is not None
        return actor_of(row)


@pytest.fixture
def make_staff(clinic_db: Database, admin: Actor):  # type: ignore[no-untyped-def]
    def make(username: str, role: Role) -> Actor:
        staff.add_staff(
            clinic_db,
            admin,
            staff.NewStaff(username, username.title() + " Person", role.value, PASSWORD),
        )
        return _actor(clinic_db, username)

    return make


@pytest.fixture
def front_desk(make_staff) -> Actor:  # type: ignore[no-untyped-def]
    return make_staff("frontdesk", Role.FRONT_DESK)  # type: ignore[no-any-return]


@pytest.fixture
def therapist(make_staff) -> Actor:  # type: ignore[no-untyped-def]
    return make_staff("therapist", Role.THERAPIST)  # type: ignore[no-any-return]


def patient_input(**overrides: object) -> PatientInput:
    values: dict[str, object] = {
        "last_name": "Ortiz",
        "first_name": "Maria",
        "date_of_birth": date(1978, 4, 12),
        "phone": "(555) 201-3344",
        "email": "maria.ortiz@example.com",
    }
    values.update(overrides)
    return PatientInput(**values)  # type: ignore[arg-type]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The whole-app tests (tests/ui/test_app.py) run first: they run the app's own event loop,
    which would also run the timers and callbacks of windows that earlier tests leave behind in
    the one QApplication a test session has."""
    items.sort(key=lambda item: 0 if item.nodeid.startswith("tests/ui/test_app.py") else 1)
