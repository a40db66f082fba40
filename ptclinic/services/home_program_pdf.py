"""The printed home exercise program: what a patient takes home, so it must be clear at a glance
and kind to older eyes.

Letter, portrait. The clinic's name, address and phone head the first page; the patient's first
(or preferred) name, the therapist and the date under the title; then "before you start", each
exercise (picture of the start and finish, numbered steps, the dosage in words in a box, the
caution), tips, when to call, and a week's tick chart. Body text 12 pt (16 pt in large print);
an exercise never splits across pages. Only ``home_program_pdf`` is audited (as a print).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.units import inch
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import CarePlan, EpisodeOfCare
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.day_text import day_text
from ptclinic.services.figures.pdf import ExerciseFigure
from ptclinic.services.home_program import HandoutExercise, HomeProgram, home_program
from ptclinic.services.pdf_style import (
    ACCENT,
    ALERT,
    FONT,
    FONT_BOLD,
    FONT_ITALIC,
    INK,
    MUTED,
    PAGE_SIZE,
    RULE,
    SIDE_MARGIN,
    TEXT_WIDTH,
    PagedCanvas,
    markup,
    paragraph_style,
    printable,
)
from ptclinic.services.permissions import Permission, require

BODY = 12.0
LARGE_BODY = 16.0
DOSAGE_FILL = HexColor("#e3f1f1")
CAUTION_FILL = HexColor("#fdf1ef")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class _Styles:
    body: Any
    title: Any
    heading: Any
    exercise: Any
    purpose: Any
    step: Any
    dosage: Any
    caution: Any
    small: Any
    clinic: Any
    size: float


def _styles(size: float) -> _Styles:
    lead = size * 1.3
    return _Styles(
        body=paragraph_style("body", fontSize=size, leading=lead),
        title=paragraph_style("title", fontName=FONT_BOLD, fontSize=size * 1.75,
                              leading=size * 2.1, textColor=ACCENT, spaceAfter=2),
        heading=paragraph_style("heading", fontName=FONT_BOLD, fontSize=size * 1.2,
                                leading=size * 1.5, spaceBefore=size * 0.9, spaceAfter=size * 0.3),
        exercise=paragraph_style("exercise", fontName=FONT_BOLD, fontSize=size * 1.25,
                                 leading=size * 1.5, textColor=INK),
        purpose=paragraph_style("purpose", fontName=FONT_ITALIC, fontSize=size, leading=lead,
                                textColor=MUTED, spaceAfter=size * 0.3),
        step=paragraph_style("step", fontSize=size, leading=lead),
        dosage=paragraph_style("dosage", fontName=FONT_BOLD, fontSize=size, leading=lead),
        caution=paragraph_style("caution", fontSize=size, leading=lead),
        small=paragraph_style("small", fontSize=max(9.0, size * 0.75), leading=size,
                              textColor=MUTED),
        clinic=paragraph_style("clinic", fontName=FONT_BOLD, fontSize=size * 1.3,
                               leading=size * 1.6, textColor=INK),
        size=size,
    )  # fmt: skip


def _p(text: str, style: Any, *, symbols: bool = False) -> Paragraph:
    return Paragraph(markup(text, symbols=symbols), style)


def _boxed(content: list[Flowable], fill: Any, border: Any, width: float) -> Table:
    table = Table([[content]], colWidths=[width])
    table.setStyle(
        TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), fill),
            ("BOX", (0, 0), (-1, -1), 0.75, border),
            ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ])
    )  # fmt: skip
    return table


def _steps(steps: tuple[str, ...], s: _Styles) -> ListFlowable:
    return ListFlowable(
        [ListItem(_p(step, s.step), leftIndent=s.size * 1.6) for step in steps],
        bulletType="1", bulletFontName=FONT_BOLD, bulletFontSize=s.size, leftIndent=s.size * 1.6,
        bulletColor=ACCENT, spaceBefore=0,
    )  # fmt: skip


def _exercise(
    number: int, item: HandoutExercise, s: _Styles, large: bool, lead: list[Flowable] | None = None
) -> KeepTogether:
    """One exercise, never split across pages; ``lead`` (a heading) stays with it."""
    name = f"{number}. {item.name}" + (f"  ({item.side})" if item.side else "")
    figure_width = 5.6 * inch if large else 3.1 * inch
    figure = ExerciseFigure(item.code, figure_width, figure_width * (0.3 if large else 0.34))
    words: list[Flowable] = [
        _p(name, s.exercise),
        _p(item.purpose, s.purpose),
        _steps(item.steps, s),
    ]
    if large:
        top: list[Flowable] = [*words[:2], figure, Spacer(1, 4), words[2]]
    else:
        text_width = TEXT_WIDTH - figure_width - 0.25 * inch
        table = Table([[figure, words]], colWidths=[figure_width + 0.25 * inch, text_width])
        table.setStyle(
            TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (0, 0), s.size * 0.4),
            ])
        )  # fmt: skip
        top = [table]
    dosage = _boxed([_p(item.dosage, s.dosage)], DOSAGE_FILL, ACCENT, TEXT_WIDTH)
    parts: list[Flowable] = [*(lead or []), *top, Spacer(1, 6), dosage]
    if item.cautions:
        cautions = " ".join(item.cautions)
        parts += [Spacer(1, 4), _boxed([_p(f"⚠ Take care: {cautions}", s.caution, symbols=True)],
                                       CAUTION_FILL, ALERT, TEXT_WIDTH)]  # fmt: skip
    parts.append(Spacer(1, s.size * 1.4))
    return KeepTogether(parts)


def _header(program: HomeProgram, s: _Styles) -> list[Flowable]:
    contact = " · ".join(part for part in (program.clinic_address, program.clinic_phone) if part)
    for_whom = (
        f"For {program.patient_name} · from {program.therapist} · {day_text(program.printed_on)}"
    )
    return [
        _p(program.clinic_name, s.clinic),
        _p(contact, s.small) if contact else Spacer(1, 0),
        Spacer(1, s.size * 0.8),
        _p(program.words.title, s.title),
        _p(for_whom, s.body),
        Spacer(1, s.size * 0.4),
    ]


def _bullets(lines: tuple[str, ...], s: _Styles) -> ListFlowable:
    return ListFlowable(
        [ListItem(_p(line, s.body), leftIndent=s.size * 1.2) for line in lines],
        bulletType="bullet", start="•", leftIndent=s.size * 1.2, bulletFontSize=s.size,
    )  # fmt: skip


def _week_table(program: HomeProgram, s: _Styles, heading: str) -> Table:
    size = min(s.size, 13.0)
    cell = paragraph_style("cell", fontSize=size, leading=size * 1.2)
    head = paragraph_style("head", fontName=FONT_BOLD, fontSize=size, leading=size * 1.2)
    rows: list[list[Any]] = [[Paragraph(heading, head), *(Paragraph(d, head) for d in WEEKDAYS)]]
    for number, item in enumerate(program.exercises, start=1):
        rows.append([Paragraph(markup(f"{number}. {item.name}"), cell), *([""] * 7)])
    day_width = 0.62 * inch
    table = Table(
        rows,
        colWidths=[TEXT_WIDTH - 7 * day_width, *([day_width] * 7)],
        rowHeights=[None, *([max(0.45 * inch, size * 2.4)] * len(program.exercises))],
    )
    table.setStyle(
        TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.75, RULE),
            ("BACKGROUND", (0, 0), (-1, 0), DOSAGE_FILL),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (1, 0), (-1, 0), "CENTER"),
        ])
    )  # fmt: skip
    return table


def _tick_chart(program: HomeProgram, s: _Styles) -> list[Flowable]:
    """A page of its own, to put up on the fridge: two weeks of boxes to tick."""
    blank = "Week of ______________"
    return [
        PageBreak(),
        _p(program.words.chart_heading, s.title),
        _p(f"{program.patient_name} · {program.words.chart_intro}", s.body),
        Spacer(1, s.size),
        KeepTogether([_week_table(program, s, blank), Spacer(1, s.size * 1.5)]),
        KeepTogether([_week_table(program, s, blank)]),
    ]


def render_home_program(program: HomeProgram, *, large_print: bool = False) -> bytes:
    """The handout as PDF bytes (no audit: ``home_program_pdf`` is the audited way)."""
    s = _styles(LARGE_BODY if large_print else BODY)
    words = program.words
    story: list[Flowable] = _header(program, s)
    story += [_p("Before you start", s.heading), _bullets(words.before_you_start, s)]
    heading = [_p("Your exercises", s.heading)]
    # The heading goes where the first exercise goes: never alone at the foot of a page.
    story += [
        _exercise(n, e, s, large_print, heading if n == 1 else None)
        for n, e in enumerate(program.exercises, start=1)
    ]
    if program.tips:
        story += [_p(words.tips_heading, s.heading), _bullets(program.tips, s)]
    call = [
        _p(words.when_to_call_heading, s.dosage), _bullets(words.when_to_call, s), Spacer(1, 4),
        _p(words.emergency_heading, s.dosage), _bullets(words.emergency, s),
    ]  # fmt: skip
    phone = f"{program.clinic_name}: {program.clinic_phone}" if program.clinic_phone else ""
    story += [
        Spacer(1, s.size),
        KeepTogether(_boxed([*call, *([Spacer(1, 4), _p(phone, s.dosage)] if phone else [])],
                            CAUTION_FILL, ALERT, TEXT_WIDTH)),
    ]  # fmt: skip
    if program.exercises:
        story += _tick_chart(program, s)

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(
            SIDE_MARGIN, 0.45 * inch,
            printable(f"{program.clinic_name} · home program for {program.patient_name}"),
        )  # fmt: skip
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=PAGE_SIZE, leftMargin=SIDE_MARGIN, rightMargin=SIDE_MARGIN,
        topMargin=0.6 * inch, bottomMargin=0.8 * inch,
        title=printable(f"{words.title} — {program.patient_name}"),
        author=printable(program.clinic_name),
    )  # fmt: skip
    document.build(story, onFirstPage=footer, onLaterPages=footer, canvasmaker=PagedCanvas)
    return buffer.getvalue()


def home_program_pdf(
    db: Database,
    actor: Actor,
    episode_id: int,
    *,
    large_print: bool = False,
    now: datetime | None = None,
    channel: str = "app",
) -> bytes:
    """The episode's home exercise program as PDF bytes; audited as a print, ``channel`` saying
    where from ("app", "command line")."""
    require(actor, Permission.VIEW_CLINICAL)
    program = home_program(db, actor, episode_id, now=now)
    pdf = render_home_program(program, large_print=large_print)
    with db.session() as session:
        episode = session.get(EpisodeOfCare, episode_id)
        plan_id = session.scalar(select(CarePlan.id).where(CarePlan.episode_id == episode_id))
        audit.record(
            session, AuditAction.PRINT, actor=actor, entity_type="care_plan",
            entity_id=plan_id, patient_id=episode.patient_id if episode else None,
            summary=f"printed the home exercise program{' in large print' if large_print else ''} "
            f"({channel})",
        )  # fmt: skip
    return pdf
