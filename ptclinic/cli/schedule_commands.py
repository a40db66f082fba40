"""`ptclinic print day-sheet` and `ptclinic export ics`: the schedule on paper and on a phone
(`print_commands` gathers the printed documents under `ptclinic print`).

Both log in as --user, are limited to what that user's role may do and are audited (a print, an
export). Neither overwrites an existing file unless --force is given: a day sheet or calendar
saved earlier may be the only copy of what the day looked like then.
"""

from __future__ import annotations

import argparse
from datetime import date

from ptclinic.cli.common import (
    EXIT_OK,
    Actions,
    CommandError,
    Passwords,
    add_command,
    log_in,
    open_database,
)
from ptclinic.cli.output_files import add_output_and_login, output_path, write_file

_LOG_IN_HELP = (
    "Logs in as --user (password asked on the terminal, or one line of standard input with "
    "--password-stdin)."
)


def add_day_sheet(documents: Actions[argparse.ArgumentParser]) -> None:
    """`ptclinic print day-sheet`."""
    sheet = add_command(
        documents,
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
    add_output_and_login(sheet, "the PDF file to write, e.g. day-sheet.pdf")
    sheet.set_defaults(handler=run_day_sheet)


def register(commands: Actions[argparse.ArgumentParser]) -> None:
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
    add_output_and_login(ics, "the iCalendar file to write, e.g. dlee.ics")
    ics.set_defaults(handler=run_ics)


def run_day_sheet(args: argparse.Namespace) -> int:
    from ptclinic.services.clinic import clinic_today
    from ptclinic.services.day_sheet import date_in_words, day_sheet_pdf

    out = output_path(args.out, force=args.force)
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
    write_file(out, pdf, force=args.force)
    whom = f"therapist {args.therapist.strip().lower()}" if args.therapist else "all therapists"
    print(f"Saved the day sheet for {date_in_words(day)} ({whom}) to {out}.")
    return EXIT_OK


def run_ics(args: argparse.Namespace) -> int:
    from ptclinic.services.clinic import clinic_today
    from ptclinic.services.ics_export import default_range, therapist_calendar_ics

    out = output_path(args.out, force=args.force)
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
    write_file(out, ics, force=args.force)
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
