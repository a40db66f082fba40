"""The printed note (``progress_note_pdf``): identifiers and "Page n of N" on every page, the
outcome table with change and MCID verdict, the trend chart, goals, CPT codes with minutes and
units, the signature with credentials, DRAFT only on an unsigned note, addenda after the note,
and a daily note or discharge summary printed as such."""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader

from ptclinic.roles import Role
from ptclinic.services import clinical_notes
from ptclinic.services.actor import Actor
from ptclinic.services.progress_note_pdf import progress_note_pdf
from tests.services.conftest import Clinic, scheduled
from tests.services.test_progress_report import LATER, progress_history

__all__ = ["scheduled"]


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_every_page_carries_the_patient_its_number_and_the_clinic(scheduled: Clinic) -> None:
    history = progress_history(scheduled, long=True)
    printed = pages(progress_note_pdf(scheduled.db, scheduled.lee, history.second_progress))
    assert len(printed) >= 3  # long notes break across pages
    for number, page in enumerate(printed, start=1):
        assert "Riverside Physical Therapy" in page
        assert "Ortiz, Maria" in page
        assert "DOB 04/12/1978" in page and "Chart 10001" in page
        assert f"Page {number} of {len(printed)}" in page
        assert "DRAFT" not in page


def test_a_signed_progress_note_prints_the_numbers_a_physician_needs(scheduled: Clinic) -> None:
    history = progress_history(scheduled)
    text = flat("\n".join(pages(progress_note_pdf(
        scheduled.db, scheduled.lee, history.second_progress, now=LATER))))  # fmt: skip
    for expected in (
        "Physical therapy progress note",
        "Visit 4 on Monday, January 18, 2027",
        "Jonathan Whitaker, MD",
        "M46.1 Sacroiliitis",
        "Right SI joint pain · started Dec 7, 2026",
        # The outcome table: intake, this note, change and the verdict in words.
        "Oswestry Disability Index",
        "40% Dec 7, 2026 18% Jan 18, 2027 22 points better MCID met (10 points)",
        "5/10 Dec 7, 2026 2/10 Jan 18, 2027 3 points better MCID met (2 points)",
        "Sitting 1 hour 3 → 7",
        "Trend since intake",
        # Goals with the status this note gave them.
        "Pain down by at least 2 points",
        "Met",
        "Progressing",
        # SOAP.
        "Sits through meetings now.",
        "Pain this visit before 2/10, after 1/10",
        "Continue 2×/week for 4 weeks",
        # Treatment and charges.
        "Tolerated well",
        "97110 Therapeutic exercise 25 2",
        "97140 Manual therapy 15 1",
        "97164 PT re-evaluation 20 (untimed) 1",
        "Total 60 4 units",
        "40 timed minutes = 3 units (CMS 8-minute rule).",
        "Electronically signed by Dana Lee, PT, DPT, Jan 18, 2027 at 16:00",
    ):
        assert expected in text, expected
    assert "not yet billed" not in text and "DRAFT" not in text


def test_the_trend_chart_is_drawn_with_every_measurement(scheduled: Clinic) -> None:
    history = progress_history(scheduled)
    first_page = pages(progress_note_pdf(scheduled.db, scheduled.lee, history.second_progress))[0]
    # The chart's panels, and its date ticks: intake, first and second progress note.
    for title in ("Pain rating (NPRS)", "Patient-Specific Functional Scale", "MCID"):
        assert title in first_page
    assert re.search(r"Dec 7.*Dec 28.*Jan 18", flat(first_page))


def test_a_draft_is_marked_on_every_page_and_its_charges_not_billed(scheduled: Clinic) -> None:
    history = progress_history(scheduled, sign_last=False)
    printed = pages(progress_note_pdf(scheduled.db, scheduled.lee, history.second_progress))
    assert all("DRAFT" in page for page in printed)
    text = flat("\n".join(printed))
    assert "DRAFT — not signed" in text and "PROGRESS NOTE · DRAFT, NOT SIGNED" in text
    assert "Not signed: this note is a draft. Written by Dana Lee, PT, DPT." in text
    assert "Charges, not yet billed" in text and "Total 60 4 units" in text
    assert "Electronically signed" not in text
    # The draft's own scores are already in its table.
    assert "18% Jan 18, 2027 22 points better MCID met (10 points)" in text


def test_addenda_are_printed_after_the_note_and_its_signature(scheduled: Clinic) -> None:
    history = progress_history(scheduled)
    clinical_notes.add_note_addendum(
        scheduled.db, scheduled.kim, history.second_progress, "Physician agrees: 4 more weeks."
    )
    text = flat("\n".join(pages(progress_note_pdf(
        scheduled.db, scheduled.lee, history.second_progress, now=LATER))))  # fmt: skip
    assert "Addendum by Brian Kim, PT, DPT" in text
    signed, added = text.index("Electronically signed"), text.index("Physician agrees")
    assert text.index("97110 Therapeutic exercise") < signed < added


def test_a_visit_note_prints_as_a_daily_note(scheduled: Clinic) -> None:
    history = progress_history(scheduled)
    printed = pages(progress_note_pdf(scheduled.db, scheduled.lee, history.daily, now=LATER))
    text = flat("\n".join(printed))
    assert "Physical therapy daily note" in text and "DAILY NOTE" in text
    assert "Visit 2 on Wednesday, December 9, 2026" in text
    assert "Sore after the weekend." in text
    assert "Outcome measures" not in text and "Goals" not in text
    assert "97110 Therapeutic exercise 30 2" in text and "Total 40 3 units" in text
    assert "Page 1 of 1" in printed[-1]


def test_a_discharge_summary_prints_its_reason_and_home_advice(scheduled: Clinic) -> None:
    from ptclinic.services import booking
    from tests.conftest import PASSWORD
    from tests.services.conftest import at
    from tests.services.test_progress_report import SECOND_PROGRESS, note_content

    history = progress_history(scheduled)
    day = SECOND_PROGRESS.replace(day=25)
    visit = booking.book(
        scheduled.db, scheduled.desk,
        scheduled.request(at(day, 9), visit_type="discharge", episode=history.episode),
    )  # fmt: skip
    draft = clinical_notes.start_note_for_appointment(scheduled.db, scheduled.lee, visit)
    content = note_content(draft.content, odi=[0, 1, 1, 1, 0, 1, 1, 1, 1, 0], nprs=1, psfs=9)
    content.pop("plan_update")
    content |= {"discharge_reason": "goals_met", "home_advice": "Keep walking 30 min a day."}
    saved = clinical_notes.save_note_draft(
        scheduled.db, scheduled.lee, draft.id, draft.version, content
    )
    clinical_notes.sign_note(
        scheduled.db, scheduled.lee, saved.id, saved.version, PASSWORD, now=at(day, 17)
    )
    text = flat("\n".join(pages(progress_note_pdf(scheduled.db, scheduled.lee, saved.id))))
    assert "Physical therapy discharge summary" in text and "DISCHARGE SUMMARY" in text
    assert "Reason for discharge Goals met" in text
    assert "Home-program advice Keep walking 30 min a day." in text
    assert "40% Dec 7, 2026 14% Jan 25, 2027 26 points better MCID met (10 points)" in text


def test_a_students_note_shows_it_awaits_then_has_its_cosignature(
    scheduled: Clinic, make_staff: Any
) -> None:
    from ptclinic.services import booking, staff
    from tests.conftest import PASSWORD
    from tests.services.conftest import at
    from tests.services.test_progress_report import FIRST_PROGRESS, note_content

    history = progress_history(scheduled)
    student: Actor = make_staff("student1", Role.STUDENT)
    staff.update_details(
        scheduled.db, scheduled.admin, "student1", staff.StaffDetails("Sam Park", "SPT", "")
    )
    day = FIRST_PROGRESS.replace(day=30)
    visit = booking.book(
        scheduled.db, scheduled.desk,
        scheduled.request(at(day, 9), visit_type="progress_visit", episode=history.episode),
    )  # fmt: skip
    draft = clinical_notes.start_note_for_appointment(scheduled.db, student, visit)
    content = note_content(draft.content, odi=[2] * 10, nprs=4, psfs=4)
    saved = clinical_notes.save_note_draft(scheduled.db, student, draft.id, draft.version, content)
    signed = clinical_notes.sign_note(
        scheduled.db, student, saved.id, saved.version, PASSWORD, now=at(day, 17)
    )
    waiting = flat("\n".join(pages(progress_note_pdf(scheduled.db, scheduled.lee, saved.id))))
    assert "Awaiting co-signature" in waiting and "Co-signature pending" in waiting
    assert "Electronically signed by Sam Park, SPT (student physical therapist)" in waiting
    assert "DRAFT" not in waiting
    # No change at all on the Oswestry: said so, not called a worsening.
    assert "40% Dec 7, 2026 40% Dec 30, 2026 no change MCID not met (needs 10 points)" in waiting
    clinical_notes.cosign_note(
        scheduled.db, scheduled.kim, saved.id, signed.version, PASSWORD, now=at(day, 18)
    )
    done = flat("\n".join(pages(progress_note_pdf(scheduled.db, scheduled.lee, saved.id))))
    assert "Co-signed by Brian Kim, PT, DPT, Dec 30, 2026 at 18:00" in done
    assert "pending" not in done and "Awaiting" not in done
