"""`ptclinic print day-sheet` and `ptclinic export ics`: the schedule on paper and on a phone.

Both log in as --user, are limited to what that user's role may do and are audited (a print, an
export). Neither overwrites an existing file unless --force is given: a day sheet or calendar
saved earlier may be the only copy of what the day looked like then.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from datetime import date
from pathlib import Path

from ptclinic.cli.common import (
    EXIT_OK,
    Actions,
    CommandError,
    Passwords,
    add_command,
    log_in,
    open_database,
)

_LOG_IN_HELP = (
    "Logs in as --user (password asked on the terminal, or one line of standard input with "
    "--password-stdin)."
)


def register(commands: Actions[argparse.ArgumentParser]) -> None:
    printing = add_command(
        commands,
        "print",
        summary="print the day sheet to a PDF file (audited)",
        description="Print schedule documents to PDF files. Every print logs in as --user and "
        "is recorded in the audit log.",
        example_lines=["ptclinic print day-sheet --date 2026-12-07 --out monday.pdf --user desk"],
    )
    actions = printing.add_subparsers(dest="print_command", metavar="DOCUMENT", required=True)
    sheet = add_command(
        actions,
        "day-sheet",
        summary="one day's visits per therapist, with a check-in column",
        description="Save the day sheet for one day as a PDF (Letter, portrait): every "
        "therapist's visits, or one therapist's with --therapist, with time, patient and chart "
        "number, visit type, room, phone, status and an empty box to tick when the patient "
        "arrives. Cancelled visits are struck through. The day is the clinic's own date "
        "(its time zone), today when --date is left out.\n\n"
        f"{_LOG_IN_HELP} Needs a role that may view patients; the print and every patient on "
        "the sheet are recorded in the audit log. An existing --out file is kept unless "
        "--force is given.",
        example_lines=[
            "ptclinic print day-sheet --date 2026-12-07 --out monday.pdf --user frontdesk",
            "ptclinic print day-sheet --date 2026-12-07 --therapist dlee --out dlee.pdf "
            "--user frontdesk",
            "printf '%s\\n' \"$PASSWORD\" | ptclinic print day-sheet --out today.pdf "
            "--user frontdesk --password-stdin --force",
        ],
    )
    sheet.add_argument(
        "--date", metavar="YYYY-MM-DD", help="the day to print (default: today at the clinic)"
    )
    sheet.add_argument(
        "--therapist", metavar="USERNAME", help="only this therapist's visits (default: all)"
    )
    sheet.add_argument(
        "--page-per-therapist",
        action="store_true",
        help="start each therapist on a new page, to hand out (default: sections follow on)",
    )
    _add_output_and_login(sheet, "the PDF file to write, e.g. day-sheet.pdf")
    sheet.set_defaults(handler=run_day_sheet)

    export = add_command(
        commands,
        "export",
        summary="export a therapist's calendar to an iCalendar file (audited)",
        description="Export schedule data to files. Every export logs in as --user, needs a "
        "role that may export patient data, and is recorded in the audit log.",
        example_lines=["ptclinic export ics --therapist dlee --out dlee.ics --user frontdesk"],
    )
    formats = export.add_subparsers(dest="export_command", metavar="FORMAT", required=True)
    ics = add_command(
        formats,
        "ics",
        summary="a therapist's visits as an iCalendar (.ics) file for a phone",
        description="Save one therapist's booked visits as an iCalendar file that phone and "
        "desktop calendar apps can import or subscribe to. Each visit shows only the patient's "
        'initials and the visit type ("M.O. — Follow-up"), with the room as its location; '
        "cancelled visits and no-shows are left out. Refreshing from a newer file updates "
        "moved visits instead of duplicating them.\n\n"
        "The range is clinic-local days, both included: by default today to 8 weeks ahead; "
        "--from alone exports 8 weeks from that day, --to alone runs from today.\n\n"
        f"{_LOG_IN_HELP} Needs a role that may export patient data; the export and every "
        "patient in it are recorded in the audit log. An existing --out file is kept unless "
        "--force is given.",
        example_lines=[
            "ptclinic export ics --therapist dlee --out dlee.ics --user frontdesk",
            "ptclinic export ics --therapist dlee --from 2026-12-01 --to 2026-12-31 "
            "--out dlee-december.ics --user dlee",
            "printf '%s\\n' \"$PASSWORD\" | ptclinic export ics --therapist dlee "
            "--out /srv/calendars/dlee.ics --user frontdesk --password-stdin --force",
        ],
    )
    ics.add_argument("--therapist", metavar="USERNAME", required=True, help="whose visits")
    ics.add_argument("--from", dest="first", metavar="YYYY-MM-DD", help="first day (default today)")
    ics.add_argument(
        "--to", dest="last", metavar="YYYY-MM-DD", help="last day (default: 8 weeks after --from)"
    )
    _add_output_and_login(ics, "the iCalendar file to write, e.g. dlee.ics")
    ics.set_defaults(handler=run_ics)


def _add_output_and_login(parser: argparse.ArgumentParser, out_help: str) -> None:
    parser.add_argument("--out", metavar="FILE", required=True, help=out_help)
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    parser.add_argument("--user", metavar="USERNAME", help="who is doing it (required)")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the user's password from the first line of standard input",
    )


def run_day_sheet(args: argparse.Namespace) -> int:
    from ptclinic.services.clinic import clinic_today
    from ptclinic.services.day_sheet import date_in_words, day_sheet_pdf

    out = _output_path(args.out, force=args.force)
    day = _parse_date(args.date, "--date")
    db = open_database(args)
    try:
        actor = log_in(db, args.user, Passwords(args.password_stdin), "Printing the day sheet")
        day = day or clinic_today(db)
        pdf = day_sheet_pdf(
            db,
            actor,
            day,
            args.therapist,
            page_per_therapist=args.page_per_therapist,
            channel="command line",
        )
    finally:
        db.dispose()
    _write(out, pdf, force=args.force)
    whom = f"therapist {args.therapist.strip().lower()}" if args.therapist else "all therapists"
    print(f"Saved the day sheet for {date_in_words(day)} ({whom}) to {out}.")
    return EXIT_OK


def run_ics(args: argparse.Namespace) -> int:
    from ptclinic.services.clinic import clinic_today
    from ptclinic.services.ics_export import default_range, therapist_calendar_ics

    out = _output_path(args.out, force=args.force)
    first = _parse_date(args.first, "--from")
    last = _parse_date(args.last, "--to")
    db = open_database(args)
    try:
        actor = log_in(db, args.user, Passwords(args.password_stdin), "Exporting a calendar")
        default_first, default_last = default_range(first or clinic_today(db))
        first, last = first or default_first, last or default_last
        ics = therapist_calendar_ics(db, actor, args.therapist, first, last, channel="command line")
    finally:
        db.dispose()
    _write(out, ics, force=args.force)
    # Counted in the file itself, so the number is what the phone will show.
    visits = ics.count(b"BEGIN:VEVENT")
    print(
        f"Saved {visits} visit{'' if visits == 1 else 's'} of {args.therapist.strip().lower()}, "
        f"{first.isoformat()} to {last.isoformat()}, to {out}."
    )
    return EXIT_OK


def _parse_date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"{option} “{text}” is not a date: write it as YYYY-MM-DD, e.g. 2026-12-07."
        ) from None


def _output_path(text: str, *, force: bool) -> Path:
    """Checked before the password is asked, so a typo costs nothing."""
    path = Path(text).expanduser()
    if path.is_dir():
        raise CommandError(f"{path} is a folder: give a file name inside it for --out.")
    if not path.parent.is_dir():
        raise CommandError(f"The folder {path.parent} does not exist: create it first.")
    if path.exists() and not force:
        raise CommandError(
            f"{path} already exists and was left as it is. Choose another name, or add --force "
            "to replace it."
        )
    return path


def _write(path: Path, data: bytes, *, force: bool) -> None:
    """Write ``data`` whole or not at all: a replaced file is swapped in only once complete, and
    without --force a file that appeared meanwhile is still not overwritten."""
    if force:
        temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise _write_failed(path, exc) from None
        return
    try:
        file = path.open("xb")
    except FileExistsError:
        raise CommandError(
            f"{path} was created by something else meanwhile and was left as it is. Choose "
            "another name, or add --force to replace it."
        ) from None
    except OSError as exc:
        raise _write_failed(path, exc) from None
    try:
        with file:
            file.write(data)
    except OSError as exc:
        with contextlib.suppress(OSError):
            path.unlink()  # ours alone: it did not exist a moment ago
        raise _write_failed(path, exc) from None


def _write_failed(path: Path, exc: OSError) -> CommandError:
    return CommandError(f"Could not write {path}: {exc.strerror or exc}.")
