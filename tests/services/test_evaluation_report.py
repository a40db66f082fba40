"""The evaluation report PDF: what it prints (only what was recorded, in words), the identity on
every page, draft and co-signature marks, signature blocks, the audit, and finding the
evaluation to print by chart number."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from ptclinic.models import AuditEvent
from ptclinic.roles import Role
from ptclinic.services import episodes, evaluation_records, patients
from ptclinic.services.actor import Actor
from ptclinic.services.episodes import EpisodeInput
from ptclinic.services.errors import NotFound, PermissionDenied
from ptclinic.services.evaluation_form import NOTE_LIMIT, RED_FLAGS
from ptclinic.services.evaluation_report import evaluation_report_pdf, evaluation_to_print
from tests.conftest import PASSWORD, patient_input
from tests.services.conftest import Clinic, scheduled

__all__ = ["scheduled"]

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # 10:00 in Chicago


def full_content() -> dict[str, Any]:
    """A complete evaluation of one-sided SI joint pain that can be signed."""
    return {
        "subjective": {
            "chief_complaint": "Right buttock pain when sitting",
            "duration_weeks": 12,
            "pain_locations": ["psis_right", "buttock_right"],
            "nprs_now": 5,
            "nprs_worst": 8,
            "goals": "Sit through a 2-hour meeting.\nLift her child.",
        },
        "red_flags": {key: {"present": False, "action": ""} for key, _l, _h in RED_FLAGS},
        "palpation": {"psis_right": True, "psis_left": False, "fortin": "positive_right"},
        "provocation": {
            "distraction": {"result": "positive", "familiar": True},
            "thigh_thrust_right": {"result": "positive", "familiar": True},
            "compression": {"result": "negative", "familiar": False},
            "sacral_thrust": {"result": "positive", "familiar": False},
            "gaenslen_right": {"result": "positive", "familiar": True},
            "faber_right": {"result": "positive", "familiar": True},
        },
        "lumbar_hip": {"slr_right": "negative", "slr_degrees_right": 70},
        "mobility": {"aslr_right": 3, "joint_mobility": "hypermobile"},
        "outcomes": {
            "odi": [2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
            "psfs": [{"activity": "Sitting 1 hour", "score": 3}],
        },
        "assessment": {
            "irritability": "moderate",
            "classification": "mobility",
            "classification_rationale": "Stiff on Gillet when retested.",
            "problem_list": "1. Sitting tolerance\n2. Load transfer",
            "impression": "Right SI joint pain.",
            "plan_summary": "2x/week for 6 weeks: load transfer, graded loading.",
        },
    }


def open_evaluated_episode(
    clinic: Clinic,
    *,
    author: Actor | None = None,
    content: dict[str, Any] | None = None,
    sign: bool = True,
    patient: int | None = None,
) -> tuple[int, int]:
    """An episode with referral and diagnoses, and its evaluation: (episode id, evaluation id)."""
    author = author or clinic.lee
    details = EpisodeInput(
        title="Right SI joint pain",
        primary_therapist_id=clinic.lee.staff_id,
        start_date=date(2026, 12, 7),
        referring_physician="Jonathan Whitaker, MD",
        referral_date=date(2026, 11, 30),
        referral_reason="Evaluate and treat",
        diagnosis_codes=("M46.1", "M54.50"),
        onset_date=date(2026, 9, 14),
        onset_mechanism="Missed step or stumble",
        payer_type="medicare",
    )
    episode = episodes.open_episode(
        clinic.db, clinic.desk, clinic.ortiz if patient is None else patient, details, now=NOW
    ).id
    draft = evaluation_records.start_evaluation(clinic.db, author, episode, now=NOW)
    draft = evaluation_records.save_draft(
        clinic.db, author, draft.id, draft.version, full_content() if content is None else content
    )
    if sign:
        evaluation_records.sign_evaluation(
            clinic.db, author, draft.id, draft.version, PASSWORD, now=NOW
        )
    return episode, draft.id


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_signed_report_prints_the_episode_findings_and_signature(scheduled: Clinic) -> None:
    _episode, evaluation = open_evaluated_episode(scheduled)
    evaluation_records.add_addendum(scheduled.db, scheduled.kim, evaluation, "Reviewed; agree.")
    text = "\n".join(pages(evaluation_report_pdf(scheduled.db, scheduled.lee, evaluation, now=NOW)))
    for expected in (
        "Riverside Physical Therapy",
        "Jonathan Whitaker, MD",
        "M46.1",
        "Sacroiliitis, not elsewhere classified",
        "Medicare",
        "Missed step or stumble",
        "Right buttock pain when sitting",
        "now 5/10",
        "worst 8/10",
        "Right PSIS, Right buttock",
        "Screened negative: Suspected fracture",  # every red flag answered no
        "Fortin finger test",
        "SI provocation cluster: 3 of 5 tested positive",
        "Laslett 2005",  # the rule, under the verdict
        "Not a cluster test",  # FABER
        "Negative, 70°",  # a test and its degrees on one line
        "3/5",
        "Loose (hypermobile)",
        "40%",
        "Moderate disability",
        "Sitting 1 hour: 3/10",
        "Mobility (the findings suggested Stability)",
        "Stiff on Gillet when retested.",
        "Clinical impression",
        "Electronically signed by Dana Lee, PT, DPT",
        "Dec 7, 2026 at 10:00",
        "Addendum by Brian Kim, PT, DPT",
        "Reviewed; agree.",
        "certify the need for these services",
        "Physician signature",
    ):
        assert expected in text, expected
    assert "DRAFT" not in text
    # Nothing recorded in posture and movement: the section is left out, not printed empty.
    assert "Posture and movement" not in text
    assert text.index("Electronically signed") < text.index("Reviewed; agree.")


def test_every_page_carries_the_patient_and_its_number(scheduled: Clinic) -> None:
    content = full_content()
    long_note = ("Sitting tolerance about twenty minutes, then has to stand. " * 60)[:NOTE_LIMIT]
    for key in ("problem_list", "impression", "plan_summary", "classification_rationale"):
        content["assessment"][key] = long_note
    _episode, evaluation = open_evaluated_episode(scheduled, content=content)
    printed = pages(evaluation_report_pdf(scheduled.db, scheduled.lee, evaluation, now=NOW))
    assert len(printed) >= 4  # long notes break across pages rather than failing
    for number, page in enumerate(printed, start=1):
        assert "Ortiz, Maria" in page
        assert "DOB 04/12/1978" in page and "Chart 10001" in page
        assert f"Page {number} of {len(printed)}" in page
        assert "Printed Dec 7, 2026, 10:00 by Dana Lee" in page


def test_a_draft_is_marked_on_every_page(scheduled: Clinic) -> None:
    content = {"subjective": {"chief_complaint": "Low back pain"}}
    _episode, evaluation = open_evaluated_episode(scheduled, content=content, sign=False)
    printed = pages(evaluation_report_pdf(scheduled.db, scheduled.lee, evaluation, now=NOW))
    assert all("DRAFT" in page for page in printed)
    text = "\n".join(printed)
    assert "DRAFT — not signed" in text and "Not signed: this evaluation is a draft." in text
    assert re.search(r"Classification\s+Not chosen yet", text)
    assert "Electronically signed" not in text


def test_a_students_evaluation_shows_it_awaits_then_has_its_cosignature(
    scheduled: Clinic, make_staff: Any
) -> None:
    student: Actor = make_staff("student1", Role.STUDENT)
    _episode, evaluation = open_evaluated_episode(scheduled, author=student)
    waiting = "\n".join(pages(evaluation_report_pdf(scheduled.db, scheduled.lee, evaluation)))
    assert "Awaiting co-signature" in waiting and "Co-signature pending" in waiting
    assert "(student physical therapist)" in waiting
    record = evaluation_records.episode_evaluation(scheduled.db, scheduled.kim, _episode)
    assert record is not None
    evaluation_records.cosign_evaluation(
        scheduled.db, scheduled.kim, evaluation, record.version, PASSWORD, now=NOW
    )
    signed = "\n".join(pages(evaluation_report_pdf(scheduled.db, scheduled.lee, evaluation)))
    assert "Co-signed by Brian Kim, PT, DPT" in signed and "pending" not in signed


def test_letters_helvetica_lacks_are_printed_plain(scheduled: Clinic) -> None:
    polish = patients.register_patient(
        scheduled.db,
        scheduled.desk,
        patient_input(last_name="Żółć", first_name="Łukasz", date_of_birth=date(1980, 1, 2)),
    ).id
    _episode, evaluation = open_evaluated_episode(scheduled, patient=polish)
    text = "\n".join(pages(evaluation_report_pdf(scheduled.db, scheduled.lee, evaluation)))
    assert "Zólc, Lukasz" in text


def test_printing_is_audited_and_limited_to_clinical_staff(scheduled: Clinic) -> None:
    _episode, evaluation = open_evaluated_episode(scheduled)
    evaluation_report_pdf(scheduled.db, scheduled.lee, evaluation, channel="command line")
    with scheduled.db.session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert (event.action, event.entity_type, event.entity_id) == ("print", "evaluation", evaluation)
    assert event.patient_id == scheduled.ortiz
    assert event.summary == "printed the evaluation for the referring physician (command line)"
    with pytest.raises(PermissionDenied):
        evaluation_report_pdf(scheduled.db, scheduled.desk, evaluation)
    with pytest.raises(NotFound):
        evaluation_report_pdf(scheduled.db, scheduled.lee, evaluation + 100)


def test_the_evaluation_to_print_is_found_by_chart_number(scheduled: Clinic) -> None:
    with pytest.raises(NotFound, match="has no evaluation yet"):
        evaluation_to_print(scheduled.db, scheduled.lee, "10001")
    first, first_evaluation = open_evaluated_episode(scheduled)
    later = episodes.open_episode(
        scheduled.db, scheduled.desk, scheduled.ortiz,
        EpisodeInput(title="Left hip pain", start_date=date(2026, 12, 8)), now=NOW,
    ).id  # fmt: skip
    # The latest episode has no evaluation: the latest one that has is printed.
    chosen = evaluation_to_print(scheduled.db, scheduled.lee, " 10001 ")
    assert (chosen.episode_id, chosen.evaluation_id) == (first, first_evaluation)
    assert (chosen.patient_name, chosen.chart_number, chosen.is_draft) == (
        "Ortiz, Maria", "10001", False,
    )  # fmt: skip
    assert evaluation_to_print(scheduled.db, scheduled.lee, "10001", first).episode_id == first
    with pytest.raises(NotFound, match=r"“Left hip pain”.*no evaluation yet"):
        evaluation_to_print(scheduled.db, scheduled.lee, "10001", later)
    with pytest.raises(NotFound, match="has no episode of care 999"):
        evaluation_to_print(scheduled.db, scheduled.lee, "10001", 999)
    with pytest.raises(NotFound, match="No patient has chart number “99999”"):
        evaluation_to_print(scheduled.db, scheduled.lee, "99999")
    with pytest.raises(PermissionDenied):
        evaluation_to_print(scheduled.db, scheduled.desk, "10001")


def test_the_plan_of_care_the_physician_certifies_is_printed_whole(scheduled: Clinic) -> None:
    from ptclinic.services import care_plans
    from ptclinic.services.evaluation_report_plan import NO_PLAN

    episode, evaluation = open_evaluated_episode(scheduled)
    before = " ".join(" ".join(pages(evaluation_report_pdf(
        scheduled.db, scheduled.lee, evaluation, now=NOW))).split())  # fmt: skip
    assert " ".join(NO_PLAN.split()) in before
    assert "Suggested:" not in before  # the software's hint is the therapist's, not the report's
    plan = care_plans.start_plan(scheduled.db, scheduled.lee, episode, now=NOW)
    text = " ".join(" ".join(pages(evaluation_report_pdf(
        scheduled.db, scheduled.lee, evaluation, now=NOW))).split())  # fmt: skip
    assert "Plan of care" in text and plan.frequency_text in text
    assert "Therapeutic exercise" in text and "Manual therapy" in text
    assert all(goal.text in text for goal in plan.goals)
    assert "Home exercise program" in text
