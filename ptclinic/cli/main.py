"""The `ptclinic` command: starts the desktop app, or runs one headless sub-command.

Headless sub-commands never import Qt (the desktop app is imported only when it starts), so they
run on a server without a display. Every failure ends as one plain "error: ..." line on standard
error and a non-zero exit code, never a traceback (set PTCLINIC_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ptclinic import __version__
from ptclinic.cli import (
    db_commands,
    demo_commands,
    patient_commands,
    print_commands,
    schedule_commands,
    user_commands,
)
from ptclinic.cli.common import (
    EXIT_ERROR,
    CommandError,
    HelpFormatter,
    add_database_options,
    config_from,
    examples,
)
from ptclinic.services.errors import DomainError

EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ptclinic",
        description="PT Clinic: desktop software for outpatient physical-therapy clinics. "
        "Without a command, starts the desktop app on the configured database (by default a "
        "SQLite file in the user data folder; a shared PostgreSQL server with --database or "
        "PTCLINIC_DATABASE_URL). The commands below manage the database, staff and data from "
        "a terminal or script; each has its own --help.",
        epilog=examples(
            "ptclinic",
            "ptclinic --demo",
            "ptclinic --database postgresql+psycopg://ptclinic:PASSWORD@server/ptclinic",
            "ptclinic db upgrade",
            'ptclinic user add alice --role admin --name "Alice Admin"',
            "ptclinic patient find smith --user frontdesk",
        ),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ptclinic {__version__}")
    add_database_options(parser, top_level=True)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the app on a fresh demo clinic in a temporary folder, with its log-ins "
        "listed on the login screen (removed when the app closes); with --data-dir DIR the "
        "demo is kept there and opened again next time",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for module in (
        db_commands,
        user_commands,
        patient_commands,
        schedule_commands,
        print_commands,
        demo_commands,
    ):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 success, 1 a check failed, 2 an error)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        if args.command is None:
            return start_app(args)
        if args.demo:
            raise CommandError("--demo starts the app; it cannot be combined with a command.")
        return int(args.handler(args))
    except CommandError as exc:
        return _fail(exc.message, exc.exit_code)
    except DomainError as exc:
        return _fail(exc.message, EXIT_ERROR)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    except Exception as exc:
        if database_problem := _database_problem(exc):
            return _fail(database_problem, EXIT_ERROR)
        if os.environ.get("PTCLINIC_DEBUG"):
            raise
        return _fail(
            f"unexpected problem ({type(exc).__name__}: {exc}). Run again with "
            "PTCLINIC_DEBUG=1 to see the details, and report it.",
            EXIT_INTERNAL,
        )


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _database_problem(exc: Exception) -> str | None:
    """The message for an error raised by SQLAlchemy or Alembic, or None for anything else.

    Both are imported only when a command ran far enough to raise one of their errors, so the
    check costs nothing on the way to the desktop app."""
    sqlalchemy_exc, alembic_util = (
        sys.modules.get("sqlalchemy.exc"),
        sys.modules.get("alembic.util"),
    )
    if sqlalchemy_exc is not None and isinstance(exc, sqlalchemy_exc.SQLAlchemyError):
        source = getattr(exc, "orig", None) or exc  # the driver's own error, when there is one
        first = (str(source).strip().splitlines() or [type(exc).__name__])[0]
        return f"the database could not be used: {first}"
    if alembic_util is not None and isinstance(exc, alembic_util.CommandError):
        return (
            f"the database's schema could not be upgraded ({exc}). If it was last used by a "
            "newer version of PT Clinic, install that version here too."
        )
    return None


def start_app(args: argparse.Namespace) -> int:
    """The desktop app on the configured database, or on a new demo clinic with --demo."""
    if not args.demo:
        config = config_from(args)
        if not display_ready(allow_vnc=False):
            return EXIT_ERROR
        return launch_gui(config.database_url, config.data_dir)
    if args.database:
        raise CommandError(
            "--demo makes its own clinic: leave out --database (to fill a database of your own, "
            "use the demo-data command)."
        )
    # Qt's VNC fallback is acceptable here only because the demo clinic holds no real patients.
    if not display_ready(allow_vnc=True):
        return EXIT_ERROR
    if args.data_dir:
        # A demo kept between runs: built the first time, opened again after that.
        kept = Path(args.data_dir).expanduser()
        if kept.exists() and any(kept.iterdir()) and not demo_commands.is_kept_demo(kept):
            raise CommandError(
                f"{kept} holds something other than a demo clinic: give --demo an empty or new "
                "folder, or one it made before."
            )
        url, logins = demo_commands.build_demo_clinic(kept, kept=True)
        return launch_gui(url, kept, demo_logins=logins)
    with tempfile.TemporaryDirectory(prefix="ptclinic-demo-", ignore_cleanup_errors=True) as tmp:
        url, logins = demo_commands.build_demo_clinic(Path(tmp))
        return launch_gui(url, Path(tmp), demo_logins=logins)


def display_ready(*, allow_vnc: bool) -> bool:
    """Whether Qt can open a window here (explaining why not); see ptclinic.ui.display."""
    from ptclinic.ui.display import prepare_display

    return prepare_display(allow_vnc=allow_vnc)


def launch_gui(
    database_url: str, data_dir: Path, *, demo_logins: Sequence[tuple[str, str, str]] = ()
) -> int:
    """Run the desktop app until it quits. Qt is imported here and nowhere else in the CLI."""
    from ptclinic.ui.app import run_app

    return run_app(database_url, data_dir, demo_logins=demo_logins)
