"""`ptclinic patient find`: patient search for scripts, as the app's search box, and audited."""

from __future__ import annotations

import argparse
import sys

from ptclinic.cli.common import (
    EXIT_OK,
    Actions,
    Passwords,
    add_command,
    log_in,
    open_database,
    print_table,
)


def register(commands: Actions[argparse.ArgumentParser]) -> None:
    patient = add_command(
        commands,
        "patient",
        summary="find patients (audited)",
        description="Read patient data from scripts. Every command logs in as --user, is "
        "limited to what that user's role may do, and is recorded in the audit log.",
        example_lines=['ptclinic patient find "smith, j" --user frontdesk'],
    )
    actions = patient.add_subparsers(dest="patient_command", metavar="ACTION", required=True)
    find = add_command(
        actions,
        "find",
        summary="search patients by name, chart number, phone or date of birth",
        description="Search patients as the app's search box does: a last-name prefix "
        '("smi"), "last, first" or "first last" prefixes, a chart number, phone digits (the '
        "whole number, its start or its last four) or a date of birth (YYYY-MM-DD or "
        "MM/DD/YYYY). Best matches come first.\n\n"
        "Logs in as --user (password asked on the terminal, or one line of standard input with "
        "--password-stdin). The search and every patient listed are recorded in the audit log: "
        'as "search" for a table, as "export" for CSV, which needs the role\'s export '
        "permission.",
        example_lines=[
            'ptclinic patient find "smith, j" --user frontdesk',
            "ptclinic patient find 5551234 --user frontdesk --limit 10",
            "ptclinic patient find 1961-07-04 --user dana --format csv > patients.csv",
            "printf '%s\\n' \"$PASSWORD\" | ptclinic patient find ortiz --user frontdesk "
            "--password-stdin",
        ],
    )
    find.add_argument("query", help="name prefix, chart number, phone digits or date of birth")
    find.add_argument("--user", metavar="USERNAME", required=True, help="who is searching")
    find.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the user's password from the first line of standard input",
    )
    find.add_argument(
        "--limit",
        type=int,
        default=50,
        metavar="N",
        help="at most N patients, best matches first (default 50)",
    )
    find.add_argument(
        "--format",
        choices=("table", "csv"),
        default="table",
        help="a table to read, or CSV with a header row (default: table)",
    )
    find.set_defaults(handler=run_find)


def run_find(args: argparse.Namespace) -> int:
    from ptclinic.services.patient_export import (
        Disclosure,
        find_patients_for_output,
        write_patients_csv,
    )

    db = open_database(args)
    try:
        actor = log_in(db, args.user, Passwords(args.password_stdin), "Finding patients")
        export = args.format == "csv"
        found = find_patients_for_output(
            db,
            actor,
            args.query,
            limit=args.limit,
            disclosure=Disclosure.EXPORT if export else Disclosure.DISPLAY,
        )
    finally:
        db.dispose()
    if export:
        write_patients_csv(found, sys.stdout)
        return EXIT_OK
    if not found:
        print(f"No patients match “{args.query}”.")
        return EXIT_OK
    rows = [
        [
            p.chart_number,
            p.display_name + ("" if p.active else " (inactive)"),
            p.date_of_birth.isoformat(),
            p.phone,
        ]
        for p in found
    ]
    print_table(["Chart", "Name", "Date of birth", "Phone"], rows, sys.stdout)
    more = " (there may be more: raise --limit)" if len(found) == args.limit else ""
    print(f"{len(found)} patient{'s' if len(found) != 1 else ''}{more}")
    return EXIT_OK
