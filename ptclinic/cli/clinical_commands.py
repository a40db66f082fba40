"""`ptclinic print evaluation`: a patient's intake evaluation and plan of care as a PDF for the
referring physician.

One of the documents of `ptclinic print` (see `print_commands`). Like the day sheet it logs in as
--user, is audited as a print and never overwrites an existing file unless --force is given.
"""

from __future__ import annotations

import argparse

from ptclinic.cli.common import (
    EXIT_OK,
    Actions,
    Passwords,
    add_command,
    log_in,
    open_database,
)
from ptclinic.cli.output_files import add_output_and_login, output_path, write_file


def add_evaluation(documents: Actions[argparse.ArgumentParser]) -> None:
    """`ptclinic print evaluation`."""
    evaluation = add_command(
        documents,
        "evaluation",
        summary="a patient's evaluation and plan of care, for the referring physician",
        description="Save a patient's intake evaluation as a PDF (Letter, portrait) for the "
        "referring physician: the clinic's header, the patient's name, date of birth and chart "
        "number on every page, the referral and diagnoses, the findings that were recorded, "
        "the SI provocation cluster, the outcome scores, the classification, problem list, "
        "impression and plan, addenda, the therapist's signature and a certification line "
        "for the physician to sign. A draft prints marked DRAFT — not signed on every page.\n\n"
        "The evaluation is the one of the patient's latest episode of care that has one, or "
        "of --episode. Logs in as --user (password asked on the terminal, or one line of "
        "standard input with --password-stdin). Needs a role that may view clinical records; "
        "the print is recorded in the audit log under the patient. An existing --out file is "
        "kept unless --force is given.",
        example_lines=[
            "ptclinic print evaluation --patient 10023 --out ortiz-evaluation.pdf --user dlee",
            "ptclinic print evaluation --patient 10023 --episode 412 --out eval.pdf --user dlee",
            "printf '%s\\n' \"$PASSWORD\" | ptclinic print evaluation --patient 10023 "
            "--out eval.pdf --user dlee --password-stdin --force",
        ],
    )
    evaluation.add_argument(
        "--patient", metavar="CHART_NUMBER", required=True, help="the patient's chart number"
    )
    evaluation.add_argument(
        "--episode",
        metavar="ID",
        type=_episode_id,
        help="the episode of care whose evaluation to print (default: the patient's latest "
        "episode with an evaluation)",
    )
    add_output_and_login(evaluation, "the PDF file to write, e.g. evaluation.pdf")
    evaluation.set_defaults(handler=run_evaluation)


def _episode_id(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"“{text}” is not an episode number: give the number the chart shows, e.g. 412."
        )
    return value


def run_evaluation(args: argparse.Namespace) -> int:
    from ptclinic.services.evaluation_report import evaluation_report_pdf, evaluation_to_print

    out = output_path(args.out, force=args.force)
    db = open_database(args)
    try:
        actor = log_in(db, args.user, Passwords(args.password_stdin), "Printing an evaluation")
        chosen = evaluation_to_print(db, actor, args.patient, args.episode)
        pdf = evaluation_report_pdf(db, actor, chosen.evaluation_id, channel="command line")
    finally:
        db.dispose()
    write_file(out, pdf, force=args.force)
    draft = " It is a DRAFT, not signed yet." if chosen.is_draft else ""
    print(
        f"Saved the evaluation of {chosen.patient_name} (chart {chosen.chart_number}), episode "
        f"{chosen.episode_id} “{chosen.episode_title}”, to {out}.{draft}"
    )
    return EXIT_OK
