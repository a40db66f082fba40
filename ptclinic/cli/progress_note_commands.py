"""`ptclinic print progress-note`: a patient's progress note (or any note of theirs) as a PDF.

One of the documents of `ptclinic print` (see `print_commands`): logs in as --user, is audited
as a print under the patient and never overwrites an existing file unless --force is given.
"""

from __future__ import annotations

import argparse

from ptclinic.cli.common import EXIT_OK, Actions, Passwords, add_command, log_in, open_database
from ptclinic.cli.output_files import add_output_and_login, output_path, write_file

LATEST = "latest"


def add_progress_note(documents: Actions[argparse.ArgumentParser]) -> None:
    """`ptclinic print progress-note`."""
    command = add_command(
        documents,
        "progress-note",
        summary="a patient's progress note, with outcome measures, trend chart and goals",
        description="Save a patient's progress note as a PDF (Letter, portrait), e.g. for the "
        "physician who recertifies the plan of care: the clinic's header; the patient's name, "
        "date of birth and chart number and 'Page N of M' on every page; the episode, "
        "diagnoses and dates; the outcome measures at intake and now with the change and "
        "whether it reaches the MCID; the trend chart; the goals and their status; the SOAP "
        "note; the exercises, techniques and CPT codes with minutes and units; the signature "
        "with credentials and signing time; and the addenda. A note that is not signed yet "
        "prints marked DRAFT — not signed on every page.\n\n"
        "--note latest (the default) is the patient's most recent progress note; --note ID "
        "prints that note of theirs, whatever its kind (a visit note prints as a daily note, a "
        "discharge summary with its reason). Logs in as --user (password asked on the "
        "terminal, or one line of standard input with --password-stdin); needs a role that may "
        "view clinical records; the print is recorded in the audit log. An existing --out "
        "file is kept unless --force is given.",
        example_lines=[
            "ptclinic print progress-note --patient 10023 --out ortiz-progress.pdf --user dlee",
            "ptclinic print progress-note --patient 10023 --note 5812 --out note.pdf --user dlee",
        ],
    )
    command.add_argument(
        "--patient", metavar="CHART_NUMBER", required=True, help="the patient's chart number"
    )
    command.add_argument(
        "--note",
        metavar="latest|NOTE_ID",
        type=_note_choice,
        default=LATEST,
        help="'latest' (default): the patient's most recent progress note; or a note's number",
    )
    add_output_and_login(command, "the PDF file to write, e.g. progress-note.pdf")
    command.set_defaults(handler=run_progress_note)


def _note_choice(text: str) -> str:
    choice = text.strip().lower()
    if choice == LATEST or (choice.isdigit() and int(choice) > 0):
        return choice
    raise argparse.ArgumentTypeError(
        f"“{text}” is not a note: give “latest” or the note's number, e.g. 5812."
    )


def run_progress_note(args: argparse.Namespace) -> int:
    from ptclinic.services.day_text import day_text
    from ptclinic.services.progress_note_pdf import progress_note_pdf
    from ptclinic.services.progress_report import note_to_print

    out = output_path(args.out, force=args.force)
    db = open_database(args)
    try:
        actor = log_in(db, args.user, Passwords(args.password_stdin), "Printing a progress note")
        chosen = note_to_print(db, actor, args.patient, args.note)
        pdf = progress_note_pdf(db, actor, chosen.note_id, channel="command line")
    finally:
        db.dispose()
    write_file(out, pdf, force=args.force)
    draft = " It is a DRAFT, not signed yet." if chosen.is_draft else ""
    print(
        f"Saved the {chosen.title.lower()} of {day_text(chosen.note_date)} for "
        f"{chosen.patient_name} (chart {chosen.chart_number}) to {out}.{draft}"
    )
    return EXIT_OK
