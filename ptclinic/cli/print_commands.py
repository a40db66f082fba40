"""`ptclinic print DOCUMENT`: every printed document under one command, each logging in as
--user and recorded in the audit log as a print."""

from __future__ import annotations

import argparse

from ptclinic.cli import (
    clinical_commands,
    home_program_commands,
    progress_note_commands,
    schedule_commands,
)
from ptclinic.cli.common import Actions, add_command


def register(commands: Actions[argparse.ArgumentParser]) -> None:
    printing = add_command(
        commands,
        "print",
        summary="print the day sheet, an evaluation or a home program to a PDF file (audited)",
        description="Print documents to PDF files. Every print logs in as --user and is "
        "recorded in the audit log.",
        example_lines=[
            "ptclinic print day-sheet --date 2026-12-07 --out monday.pdf --user frontdesk",
            "ptclinic print evaluation --patient 10023 --out eval.pdf --user dlee",
            "ptclinic print home-program --patient 10023 --out home.pdf --user dlee",
        ],
    )
    documents = printing.add_subparsers(dest="print_command", metavar="DOCUMENT", required=True)
    schedule_commands.add_day_sheet(documents)
    clinical_commands.add_evaluation(documents)
    home_program_commands.add_home_program(documents)
    progress_note_commands.add_progress_note(documents)
