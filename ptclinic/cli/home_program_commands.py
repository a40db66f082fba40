"""`ptclinic print home-program`: the patient's home exercise program handout as a PDF.

One of the documents of `ptclinic print` (see `print_commands`): logs in as --user, is audited
as a print and never overwrites an existing file unless --force is given.
"""

from __future__ import annotations

import argparse

from ptclinic.cli.common import EXIT_OK, Actions, Passwords, add_command, log_in, open_database
from ptclinic.cli.output_files import add_output_and_login, output_path, write_file


def add_home_program(documents: Actions[argparse.ArgumentParser]) -> None:
    """`ptclinic print home-program`."""
    command = add_command(
        documents,
        "home-program",
        summary="a patient's home exercise program, the handout they take home",
        description="Save the home exercise program of a patient's care plan as a PDF (Letter, "
        "portrait): the clinic's name, address and phone; the patient's first (or preferred) "
        "name only, the therapist and the date; each exercise ticked for home with its "
        "picture, steps, dosage in words and cautions; the therapist's tips; when to call the "
        "clinic; and a tick chart for two weeks. No date of birth, chart number, diagnosis or "
        "insurance is printed on it.\n\n"
        "The plan is the one of the patient's open episode with a care plan (else the latest "
        "one). Logs in as --user (password asked on the terminal, or one line of standard "
        "input with --password-stdin); needs a role that may view clinical records; the print "
        "is recorded in the audit log. An existing --out file is kept unless --force is given.",
        example_lines=[
            "ptclinic print home-program --patient 10023 --out ortiz-home.pdf --user dlee",
            "ptclinic print home-program --patient 10023 --large-print --out big.pdf --user dlee",
        ],
    )
    command.add_argument(
        "--patient", metavar="CHART_NUMBER", required=True, help="the patient's chart number"
    )
    command.add_argument(
        "--large-print",
        action="store_true",
        help="16 pt body text instead of 12 pt, for patients with poor eyesight",
    )
    add_output_and_login(command, "the PDF file to write, e.g. home-program.pdf")
    command.set_defaults(handler=run_home_program)


def run_home_program(args: argparse.Namespace) -> int:
    from ptclinic.services.home_program import latest_plan_episode
    from ptclinic.services.home_program_pdf import home_program_pdf

    out = output_path(args.out, force=args.force)
    db = open_database(args)
    try:
        actor = log_in(db, args.user, Passwords(args.password_stdin), "Printing a home program")
        episode_id = latest_plan_episode(db, actor, args.patient)
        pdf = home_program_pdf(
            db, actor, episode_id, large_print=args.large_print, channel="command line"
        )
    finally:
        db.dispose()
    write_file(out, pdf, force=args.force)
    size = "large print" if args.large_print else "regular print"
    print(f"Saved the home exercise program of chart {args.patient.strip()} ({size}) to {out}.")
    return EXIT_OK
