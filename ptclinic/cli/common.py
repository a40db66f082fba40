"""What every sub-command shares: opening the database, asking for passwords, logging in,
printing tables, and the one rule for failures: a plain message and a non-zero exit, never a
traceback."""

from __future__ import annotations

import argparse
import getpass
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from ptclinic.config import AppConfig, load_config

# The command modules import the database layers inside their handlers, never at the top:
# `ptclinic` with no command starts the desktop app, whose log-in window should not wait for
# SQLAlchemy and Alembic to load (tests/cli/test_entry_point.py holds this).
if TYPE_CHECKING:
    from ptclinic.db import Database
    from ptclinic.services.actor import Actor

EXIT_OK = 0
EXIT_FAILED = 1  # the command ran and found a problem (e.g. drift in `db check`)
EXIT_ERROR = 2  # the command could not do what was asked


class CommandError(Exception):
    """A problem with how a command was used; printed as "error: <message>"."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class HelpFormatter(argparse.HelpFormatter):
    """Wraps each paragraph of a description to the terminal, but keeps the example lines of an
    epilog exactly as written so they can be copied."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        blocks = []
        for block in text.split("\n\n"):
            if block.startswith("examples:"):
                blocks.append("\n".join(indent + line for line in block.splitlines()))
            else:
                blocks.append(
                    textwrap.fill(
                        " ".join(block.split()),
                        width,
                        initial_indent=indent,
                        subsequent_indent=indent,
                    )
                )
        return "\n\n".join(blocks)


def examples(*lines: str) -> str:
    """An --help epilog listing example invocations."""
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


Actions = argparse._SubParsersAction  # the object add_subparsers() returns


def add_command(
    actions: Actions[argparse.ArgumentParser],
    name: str,
    *,
    summary: str,
    description: str,
    example_lines: Sequence[str],
) -> argparse.ArgumentParser:
    """A sub-command parser with its description, examples and the database options."""
    parser = actions.add_parser(
        name,
        help=summary,
        description=description,
        epilog=examples(*example_lines),
        formatter_class=HelpFormatter,
    )
    add_database_options(parser, top_level=False)
    return parser


def add_database_options(parser: argparse.ArgumentParser, *, top_level: bool) -> None:
    """--data-dir and --database, accepted before or after the sub-command.

    On sub-commands the default is SUPPRESS, so a value given before the sub-command is not
    overwritten by an empty default."""
    default = None if top_level else argparse.SUPPRESS
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default,
        help="folder for the clinic's data (default: PTCLINIC_DATA_DIR or the user data folder)",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        default=default,
        help="database URL, e.g. postgresql+psycopg://user:password@server/ptclinic "
        "(default: PTCLINIC_DATABASE_URL or a SQLite file in the data folder)",
    )


def config_from(args: argparse.Namespace) -> AppConfig:
    return load_config(getattr(args, "data_dir", None), getattr(args, "database", None))


def open_database(args: argparse.Namespace) -> Database:
    """The configured database, upgraded to the current schema as the app does on start."""
    from ptclinic.db import Database, current_revision, head_revision

    db = Database(config_from(args).database_url)
    try:
        before = current_revision(db.engine)
        if before != head_revision():
            backup = db.upgrade()
            note = f"; backup: {backup}" if backup else ""
            print(
                f"Upgraded the database from {before or '(empty)'} to {head_revision()}{note}",
                file=sys.stderr,
            )
    except BaseException:
        db.dispose()
        raise
    return db


class Passwords:
    """Passwords from the terminal (never echoed) or, with --password-stdin, one per line of
    standard input, in the order the command documents."""

    def __init__(self, from_stdin: bool) -> None:
        self.from_stdin = from_stdin

    def ask(self, prompt: str, *, confirm: bool = False) -> str:
        if self.from_stdin:
            return self._next_line(prompt)
        if not self._is_terminal():
            raise CommandError(
                "There is no terminal to type a password into. Pipe the password in and add "
                "--password-stdin."
            )
        password = getpass.getpass(f"{prompt}: ")
        if confirm and getpass.getpass(f"{prompt} (again): ") != password:
            raise CommandError("The two passwords do not match; nothing was changed.")
        return password

    @staticmethod
    def _is_terminal() -> bool:
        return sys.stdin.isatty()

    @staticmethod
    def _next_line(prompt: str) -> str:
        line = sys.stdin.readline()
        if not line:
            raise CommandError(
                f"Standard input ended before the password was read ({prompt.lower()})."
            )
        return line.rstrip("\r\n")


def log_in(db: Database, username: str | None, passwords: Passwords, what: str) -> Actor:
    """Authenticate --user (audited like a log-in to the app)."""
    from ptclinic.services import auth

    if not username:
        raise CommandError(f"{what} needs --user USERNAME and that user's password.")
    return auth.authenticate(db, username, passwords.ask(f"Password for {username}"))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    for line in (headers, ["-" * w for w in widths], *rows):
        print(
            "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip(),
            file=out,
        )
