"""The plan of care on the evaluation report: how often and how long, the interventions, the
home program and the goals with their target dates, from the episode's care plan. This is what
the referring physician certifies, so it is printed whole; without a care plan yet the report
says so rather than leave the physician to certify an empty plan."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, Spacer

from ptclinic.services.care_goals import STATUS_LABELS, TERM_LABELS
from ptclinic.services.care_plans import CarePlanRecord, PlanItem
from ptclinic.services.day_text import day_text
from ptclinic.services.evaluation_report_findings import (
    BODY,
    grid_table,
    rows_table,
    section_opening,
)
from ptclinic.services.pdf_style import TEXT_WIDTH, markup

NO_PLAN = (
    "The care plan (frequency, interventions and goals) has not been written yet; it will be "
    "sent for certification once it is."
)
GROUPS = (
    ("exercise", "Therapeutic exercise"),
    ("manual", "Manual therapy"),
    ("met", "Muscle energy technique"),
    ("education", "Patient education"),
)


def _item_text(item: PlanItem) -> str:
    if item.kind == "education":
        return item.text
    extra = item.details_text if item.kind != "exercise" else f"stage {item.stage}"
    return f"{item.name} ({extra})" if extra else item.name


def plan_of_care(plan: CarePlanRecord | None) -> list[Any]:
    if plan is None:
        return [*section_opening("Plan of care"), rows_table([("Plan of care", markup(NO_PLAN))])]
    period = f"{day_text(plan.start_date)} to {day_text(plan.end_date)}"
    rows: list[tuple[str, str]] = [
        ("Classification", markup(plan.classification_label)),
        ("Frequency and duration", markup(f"{plan.frequency_text} ({period})")),
    ]
    for kind, label in GROUPS:
        items = [_item_text(i) for i in plan.items if i.kind == kind]
        if items:
            rows.append((label, "<br/>".join(markup(text) for text in items)))
    home = [i.name for i in plan.items if i.on_home_program and i.kind == "exercise"]
    if home:
        listed = f"{len(home)} exercises: {', '.join(home)}"
        rows.append(("Home exercise program", markup(listed)))
    story: list[Any] = [*section_opening("Plan of care"), rows_table(rows)]
    if plan.goals:
        cells = [
            [
                Paragraph(markup(TERM_LABELS.get(g.term, g.term)), BODY),  # type: ignore[call-overload]
                Paragraph(markup(g.text), BODY),
                Paragraph(markup(day_text(g.target_date)), BODY),
                Paragraph(markup(STATUS_LABELS.get(g.status, g.status)), BODY),  # type: ignore[call-overload]
            ]
            for g in plan.goals
        ]
        widths = (1.0 * inch, TEXT_WIDTH - 3.1 * inch, 1.1 * inch, 1.0 * inch)
        story += [Spacer(1, 6), grid_table(("Goal", "", "Target date", "Status"), cells, widths)]
    return story
