"""`ptclinic db upgrade | current | check`: the schema, its revision, and drift from the models."""

from __future__ import annotations

import argparse
import io
from typing import TYPE_CHECKING, Any

from ptclinic.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    Actions,
    CommandError,
    add_command,
    config_from,
)

if TYPE_CHECKING:  # imported by each handler: see ptclinic/cli/common.py
    from ptclinic.db import Database


def register(commands: Actions[argparse.ArgumentParser]) -> None:
    db = add_command(
        commands,
        "db",
        summary="upgrade the database schema, show its revision, check for drift",
        description="Manage the clinic database's schema (the Alembic migrations shipped with "
        "PT Clinic).",
        example_lines=["ptclinic db upgrade", "ptclinic db current", "ptclinic db check"],
    )
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = add_command(
        actions,
        "upgrade",
        summary="bring the schema to the newest revision",
        description="Bring the database to the newest schema revision. A SQLite file that "
        "already holds data is first copied to a timestamped backup beside it. The app does "
        "the same when it starts; run this once when setting up a shared PostgreSQL server.",
        example_lines=[
            "ptclinic db upgrade",
            "ptclinic --database postgresql+psycopg://ptclinic:PASSWORD@server/ptclinic db upgrade",
        ],
    )
    upgrade.set_defaults(handler=run_upgrade)
    current = add_command(
        actions,
        "current",
        summary="show the database's revision and the newest one",
        description="Show the schema revision the database is at and the newest revision this "
        "version of PT Clinic knows. Changes nothing.",
        example_lines=["ptclinic db current", "ptclinic --data-dir /srv/clinic db current"],
    )
    current.set_defaults(handler=run_current)
    check = add_command(
        actions,
        "check",
        summary="exit 1 if the models and the migrations differ",
        description="Compare the database, migrated to the newest revision, with the "
        "application's models (Alembic's autogenerate comparison, as `alembic check`). Prints "
        "'No differences' and exits 0 when they agree; lists each difference and exits 1 when "
        "they do not, or when the database is not at the newest revision.",
        example_lines=[
            "ptclinic db check",
            "ptclinic --database sqlite:////tmp/scratch.sqlite3 db upgrade",
            "ptclinic --database sqlite:////tmp/scratch.sqlite3 db check",
        ],
    )
    check.set_defaults(handler=run_check)


def _database(args: argparse.Namespace, *, must_exist: bool) -> Database:
    from ptclinic.db import Database, sqlite_file

    db = Database(config_from(args).database_url)
    path = sqlite_file(db.engine)
    if must_exist and path is not None and not path.exists():
        db.dispose()
        raise CommandError(
            f"There is no database at {path} yet: run “ptclinic db upgrade” to create it."
        )  # exit 2: nothing could be checked (1 is kept for "checked, and found drift")
    print(f"Database: {db.describe()}")
    return db


def run_upgrade(args: argparse.Namespace) -> int:
    from ptclinic.db import current_revision, head_revision

    db = _database(args, must_exist=False)
    try:
        before, head = current_revision(db.engine), head_revision()
        if before == head:
            print(f"Already at the newest revision, {head}. Nothing to do.")
            return EXIT_OK
        backup = db.upgrade()
        print(f"Upgraded from {before or '(empty database)'} to {head}.")
        if backup is not None:
            print(f"Backup of the database as it was: {backup}")
        return EXIT_OK
    finally:
        db.dispose()


def run_current(args: argparse.Namespace) -> int:
    from ptclinic.db import current_revision, head_revision

    db = _database(args, must_exist=True)
    try:
        current, head = current_revision(db.engine), head_revision()
    finally:
        db.dispose()
    marker = " (newest)" if current == head else ""
    if current is not None and not _is_known(current):
        marker = " (unknown here: made by a newer version of PT Clinic?)"
    print(f"Current revision: {current or '(none: empty database)'}{marker}")
    print(f"Newest revision:  {head}")
    if current != head and not marker:
        print("The database is behind: run “ptclinic db upgrade” (the app also does on start).")
    return EXIT_OK


def _is_known(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError as AlembicError

    from ptclinic.db import alembic_config

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except AlembicError:
        return False


def run_check(args: argparse.Namespace) -> int:
    from alembic import command
    from alembic.util import AutogenerateDiffsDetected

    from ptclinic.db import alembic_config, current_revision, head_revision

    db = _database(args, must_exist=True)
    try:
        current, head = current_revision(db.engine), head_revision()
        if current != head:
            raise CommandError(
                f"The database is at revision {current or '(none)'}, not the newest ({head}): "
                "run “ptclinic db upgrade” first, then check again.",
                EXIT_FAILED,
            )
        with db.engine.connect() as conn:
            cfg = alembic_config(db.engine)
            cfg.attributes["connection"] = conn
            cfg.stdout = io.StringIO()  # Alembic's own "no operations" line; we print ours
            try:
                command.check(cfg)
            except AutogenerateDiffsDetected as exc:
                print("The database schema and the application's models differ:")
                for diff in exc.diffs:
                    print(f"  - {_describe(diff)}")
                print("A migration is missing or the database was changed by hand.")
                return EXIT_FAILED
            finally:
                conn.rollback()
    finally:
        db.dispose()
    print("No differences between the models and the migrations.")
    return EXIT_OK


def _describe(diff: Any) -> str:
    """One Alembic diff tuple (or list of them, for column changes) in words."""
    if isinstance(diff, list):
        return "; ".join(_describe(part) for part in diff)
    kind, *details = diff
    words: list[str] = []
    for detail in details:
        if detail is None or isinstance(detail, dict):
            continue
        word = _name(detail)
        if words and word.startswith(f"{words[-1]}."):
            words[-1] = word  # ("patients", patients.shoe_size) reads as patients.shoe_size
        else:
            words.append(word)
    return " ".join([str(kind).replace("_", " "), *words])


def _name(thing: Any) -> str:
    from sqlalchemy import Column

    if isinstance(thing, str):
        return thing
    if isinstance(thing, Column) and thing.table is not None:
        return f"{thing.table.name}.{thing.name}"
    name = getattr(thing, "name", None)
    return str(name) if isinstance(name, str) else repr(thing)
