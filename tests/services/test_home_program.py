"""The home exercise program: the plan's ticked exercises in order with their own words, tips,
nothing a handout must not show; the PDF reads right in regular and large print, keeps every
exercise whole, and printing is audited."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from ptclinic.models import AuditEvent
from ptclinic.services import care_plans, home_program, home_program_pdf
from ptclinic.services.care_plans import CarePlanRecord
from ptclinic.services.errors import NotFound, PermissionDenied
from ptclinic.services.exercise_library import exercise
from tests.services.conftest import Clinic, scheduled
from tests.services.test_care_plans import NOW, _signed_episode

__all__ = ["scheduled"]


@pytest.fixture
def plan(scheduled: Clinic) -> CarePlanRecord:
    return care_plans.start_plan(scheduled.db, scheduled.lee, _signed_episode(scheduled), now=NOW)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_program_is_the_plans_ticked_exercises_in_order(
    scheduled: Clinic, plan: CarePlanRecord
) -> None:
    db, lee = scheduled.db, scheduled.lee
    clam = next(i for i in plan.items if i.code == "SG-CLAM")
    plan = care_plans.set_home_program(db, lee, plan.id, plan.version, clam.id, False)
    program = home_program.home_program(db, lee, plan.episode_id, now=NOW)
    ticked = [i.code for i in plan.items if i.on_home_program and i.kind == "exercise"]
    assert [e.code for e in program.exercises] == ticked and "SG-CLAM" not in ticked
    bridge = next(e for e in program.exercises if e.code == "SB-BRIDGE")
    assert bridge.name == exercise("SB-BRIDGE").plain_name
    assert bridge.steps == exercise("SB-BRIDGE").steps
    assert "Sit down to put on trousers" in program.tips[0]
    assert program.patient_name == "Maria"  # first name only
    assert program.therapist.startswith("Dana Lee")


def test_the_pdf_says_only_what_a_patient_needs_and_audits_the_print(
    scheduled: Clinic, plan: CarePlanRecord
) -> None:
    pdf = home_program_pdf.home_program_pdf(scheduled.db, scheduled.lee, plan.episode_id, now=NOW)
    text = "\n".join(_pages(pdf))
    assert "Your home exercise program" in text and "For Maria" in text
    assert "Call us, or your doctor, if" in text and "emergency room" in text
    assert "Your week" in text and "Mon" in text
    for secret in ("10001", "Ortiz", "1978", "M46", "Medicare"):
        assert secret not in text  # no chart number, surname, birth date, code or payer
    with scheduled.db.session() as session:
        said = session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "print")).all()
    assert said == ["printed the home exercise program (app)"]


def test_every_exercise_is_whole_on_one_page_in_both_sizes(
    scheduled: Clinic, plan: CarePlanRecord
) -> None:
    program = home_program.home_program(scheduled.db, scheduled.lee, plan.episode_id, now=NOW)
    for large in (False, True):
        pages = _pages(home_program_pdf.render_home_program(program, large_print=large))
        for exercise_ in program.exercises:
            holding = [n for n, page in enumerate(pages) if exercise_.steps[-1][:30] in page]
            named = [n for n, page in enumerate(pages) if exercise_.name in page]
            # Its name and its last step on the same page (the chart repeats the name later).
            assert holding and holding[0] in named
    regular = _pages(home_program_pdf.render_home_program(program))
    large = _pages(home_program_pdf.render_home_program(program, large_print=True))
    assert len(large) > len(regular)  # bigger type, more pages


def test_text_sizes_are_at_least_12_and_16_points(scheduled: Clinic, plan: CarePlanRecord) -> None:
    assert home_program_pdf.BODY >= 12 and home_program_pdf.LARGE_BODY >= 16
    program = home_program.home_program(scheduled.db, scheduled.lee, plan.episode_id, now=NOW)
    for large, least in ((False, 12.0), (True, 16.0)):
        reader = PdfReader(
            io.BytesIO(home_program_pdf.render_home_program(program, large_print=large))
        )
        sizes: list[float] = []

        def visit(
            text: str, _cm: object, tm: list[float], _font: object, size: float,
            sizes: list[float] = sizes,
        ) -> None:  # fmt: skip
            if text.strip() and exercise("SB-BRIDGE").steps[0][:12] in text:
                sizes.append(size * tm[0])

        for page in reader.pages:
            page.extract_text(visitor_text=visit)
        assert sizes and min(sizes) >= least


def test_no_plan_no_handout_and_the_front_desk_cannot_print_one(scheduled: Clinic) -> None:
    from tests.services.test_care_plans import _episode

    episode = _episode(scheduled)
    with pytest.raises(NotFound, match="no care plan"):
        home_program.home_program(scheduled.db, scheduled.lee, episode)
    with pytest.raises(PermissionDenied):
        home_program_pdf.home_program_pdf(scheduled.db, scheduled.desk, episode)


def test_the_chart_number_finds_the_open_episodes_plan(
    scheduled: Clinic, plan: CarePlanRecord
) -> None:
    assert home_program.latest_plan_episode(scheduled.db, scheduled.lee, "10001") == plan.episode_id
    with pytest.raises(NotFound, match="77777"):
        home_program.latest_plan_episode(scheduled.db, scheduled.lee, "77777")
