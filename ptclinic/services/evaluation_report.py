"""The evaluation report for the referring physician: the intake evaluation and plan of care on
Letter paper, with the certification line the physician signs.

What is printed is only what was recorded, in the form's own words (``evaluation_form``): the
episode (referral, diagnoses, onset, payer), the findings section by section, the provocation
tests with the cluster's verdict and its rule, the outcome scores, what the findings point to,
the classification and plan, addenda under the original, and the signature blocks.

A draft prints too (to read over with a colleague) but says so on every page: "DRAFT — not
signed" across the page and in a box at the top. An evaluation a student signed says it is
waiting for a co-signature. Each print is audited, under the patient.

The look (fonts, colours, letters Helvetica lacks, "Page n of N") is the day sheet's, from
``pdf_style``; the findings become flowables in ``evaluation_report_findings``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from reportlab.lib.colors import Color, white
from reportlab.lib.units import inch
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from ptclinic import __version__
from ptclinic.db import Database
from ptclinic.models import (
    EpisodeOfCare,
    Evaluation,
    EvaluationAddendum,
    EvaluationStatus,
    Patient,
    Staff,
)
from ptclinic.models.base import utcnow
from ptclinic.roles import Role
from ptclinic.services import audit, care_plans, episodes
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.care_plans import CarePlanRecord
from ptclinic.services.clinic import ClinicInfo, get_clinic
from ptclinic.services.episodes import EpisodeRecord
from ptclinic.services.errors import NotFound
from ptclinic.services.evaluation import interpret
from ptclinic.services.evaluation_report_findings import (
    BODY,
    LABEL,
    SMALL,
    assessment,
    findings,
    heading,
    outcome_scores,
    rows_table,
)
from ptclinic.services.evaluation_report_plan import plan_of_care
from ptclinic.services.patient_fields import age_on
from ptclinic.services.pdf_style import (
    ACCENT,
    ALERT,
    FONT,
    FONT_BOLD,
    FOOTER_BASELINE,
    HEADER_TOP,
    INK,
    MUTED,
    PAGE_SIZE,
    RULE,
    SIDE_MARGIN,
    STRIPE,
    TEXT_WIDTH,
    PagedCanvas,
    date_in_words,
    draw_line,
    markup,
    paragraph_style,
    printable,
    printed_line,
    short_date,
    staff_title,
)
from ptclinic.services.permissions import Permission, require

HEADER_RULE = HEADER_TOP - 47
FRAME_TOP = HEADER_RULE - 14
FRAME_BOTTOM = 0.75 * inch
DRAFT_MARK = "DRAFT — NOT SIGNED"
DRAFT_INK = ALERT
DRAFT_WASH = Color(0.70, 0.15, 0.12, alpha=0.09)
SEX_WORDS = {"female": "female", "male": "male", "other": "other sex", "unknown": ""}
CERTIFICATION = (
    "I have reviewed this plan of care and certify the need for these services furnished "
    "under this plan of treatment while under my care."
)

TITLE = paragraph_style("title", fontName=FONT_BOLD, fontSize=15, leading=18)
SUBTITLE = paragraph_style("subtitle", fontSize=9.5, leading=12, textColor=MUTED)
BANNER = paragraph_style("banner", fontName=FONT_BOLD, fontSize=10, leading=13, textColor=INK)
BANNER_NOTE = paragraph_style("banner_note", fontSize=8.5, leading=11, textColor=INK)
SIGN_LINE = paragraph_style("sign_line", fontSize=9.5, leading=22)


@dataclass(frozen=True)
class PrintableEvaluation:
    """The evaluation ``evaluation_to_print`` chose, described for a message."""

    evaluation_id: int
    episode_id: int
    episode_title: str
    patient_name: str  # "Ortiz, Maria"
    chart_number: str
    status: str

    @property
    def is_draft(self) -> bool:
        return self.status == EvaluationStatus.DRAFT


def evaluation_to_print(
    db: Database, actor: Actor, chart_number: str, episode_id: int | None = None
) -> PrintableEvaluation:
    """The evaluation of the patient with ``chart_number``: of episode ``episode_id``, or of
    their latest episode that has one. ``NotFound`` says plainly what is missing."""
    require(actor, Permission.VIEW_CLINICAL)
    chart = chart_number.strip()
    with db.session() as session:
        patient = session.scalar(select(Patient).where(Patient.chart_number == chart))
        if patient is None:
            raise NotFound(f"No patient has chart number “{chart}”.")
        name = f"{patient.last_name}, {patient.first_name}"
        query = (
            select(EpisodeOfCare, Evaluation)
            .join(Evaluation, Evaluation.episode_id == EpisodeOfCare.id, isouter=True)
            .where(EpisodeOfCare.patient_id == patient.id)
            .order_by(EpisodeOfCare.start_date.desc(), EpisodeOfCare.id.desc())
        )
        if episode_id is not None:
            found = session.execute(query.where(EpisodeOfCare.id == episode_id)).first()
            if found is None:
                raise NotFound(f"{name} (chart {chart}) has no episode of care {episode_id}.")
            if found[1] is None:
                raise NotFound(
                    f"Episode {episode_id} (“{found[0].title}”) of {name} has no evaluation yet."
                )
        else:
            found = session.execute(query.where(Evaluation.id.is_not(None)).limit(1)).first()
            if found is None:
                raise NotFound(f"{name} (chart {chart}) has no evaluation yet.")
        episode, evaluation = found
        return PrintableEvaluation(
            evaluation.id, episode.id, episode.title, name, chart, evaluation.status
        )


# --- what the report holds --------------------------------------------------------------------


@dataclass(frozen=True)
class _Signature:
    title: str  # "Dana Lee, PT, DPT"
    npi: str
    student: bool
    at: datetime


@dataclass(frozen=True)
class _Addendum:
    author: str
    at: datetime
    text: str


@dataclass(frozen=True)
class _Report:
    clinic: ClinicInfo
    zone: ZoneInfo
    patient_name: str  # "Ortiz, Maria (Mia)"
    date_of_birth: date
    sex: str
    chart_number: str
    age: int
    episode: EpisodeRecord
    status: str
    content: dict[str, Any]
    evaluated_on: date
    evaluator: str
    signed: _Signature | None
    cosign_required: bool
    cosigned: _Signature | None
    addenda: tuple[_Addendum, ...]
    printed: str
    plan: CarePlanRecord | None

    @property
    def is_draft(self) -> bool:
        return self.status == EvaluationStatus.DRAFT

    def identity(self) -> str:
        """ "DOB 04/12/1978 · Chart 10001" """
        return f"DOB {self.date_of_birth:%m/%d/%Y}  ·  Chart {self.chart_number}"


def _signature(session: Session, staff_id: int | None, at: datetime | None) -> _Signature | None:
    if staff_id is None or at is None:
        return None
    person = session.get(Staff, staff_id)
    assert person is not None  # a foreign key
    student = person.role == Role.STUDENT.value
    return _Signature(staff_title(person.full_name, person.credentials), person.npi, student, at)


def _load(db: Database, actor: Actor, evaluation_id: int, now: datetime) -> tuple[_Report, int]:
    """The report's contents and the patient's id."""
    clinic = get_clinic(db)
    zone = ZoneInfo(clinic.time_zone)
    with db.session() as session:
        row = session.get(Evaluation, evaluation_id)
        if row is None:
            raise NotFound("That evaluation does not exist.")
        episode_row = session.get(EpisodeOfCare, row.episode_id)
        assert episode_row is not None  # a foreign key
        patient = session.get(Patient, episode_row.patient_id)
        assert patient is not None
        evaluator = session.get(Staff, row.therapist_id)
        assert evaluator is not None
        addenda = session.execute(
            select(EvaluationAddendum, Staff.full_name, Staff.credentials)
            .join(Staff, Staff.id == EvaluationAddendum.author_id)
            .where(EvaluationAddendum.evaluation_id == row.id)
            .order_by(EvaluationAddendum.id)
        ).all()
        preferred = f" ({patient.preferred_name})" if patient.preferred_name else ""
        parts: dict[str, Any] = {
            "patient_name": f"{patient.last_name}, {patient.first_name}{preferred}",
            "date_of_birth": patient.date_of_birth,
            "sex": SEX_WORDS.get(patient.sex, ""),
            "chart_number": patient.chart_number,
            "age": age_on(patient.date_of_birth, row.evaluated_on),
            "status": row.status,
            "content": dict(row.content),
            "evaluated_on": row.evaluated_on,
            "evaluator": staff_title(evaluator.full_name, evaluator.credentials),
            "signed": _signature(session, row.signed_by_id, row.signed_at),
            "cosign_required": row.cosign_required,
            "cosigned": _signature(session, row.cosigned_by_id, row.cosigned_at),
            "addenda": tuple(
                _Addendum(staff_title(name, credentials), added.created_at, added.text)
                for added, name, credentials in addenda
            ),
        }
        episode_id, patient_id = row.episode_id, patient.id
    # After the session above: the episodes service opens its own.
    report = _Report(
        clinic=clinic,
        zone=zone,
        episode=episodes.episode(db, actor, episode_id),
        printed=printed_line(now, zone, actor.full_name),
        # Part of the printed report: its print is audited, not a separate view of the plan.
        plan=care_plans.episode_plan(db, actor, episode_id, audited=False),
        **parts,
    )
    return report, patient_id


def evaluation_report_pdf(
    db: Database,
    actor: Actor,
    evaluation_id: int,
    *,
    now: datetime | None = None,
    channel: str = "app",
) -> bytes:
    """The evaluation report as PDF bytes (Letter, portrait), for anyone who may read clinical
    records. A draft prints marked "DRAFT — not signed" on every page. ``now`` is the printed-at
    time (default: the clock); audited as a print, with ``channel`` saying where from ("app",
    "command line")."""
    require(actor, Permission.VIEW_CLINICAL)
    report, patient_id = _load(db, actor, evaluation_id, now or utcnow())
    pdf = _render(report)
    what = "the draft evaluation" if report.is_draft else "the evaluation"
    with db.session() as session:
        audit.record(
            session,
            AuditAction.PRINT,
            actor=actor,
            entity_type="evaluation",
            entity_id=evaluation_id,
            patient_id=patient_id,
            summary=f"printed {what} for the referring physician ({channel})",
        )
    return pdf


# --- drawing --------------------------------------------------------------------------------


def _local(report: _Report, moment: datetime) -> str:
    """ "Dec 7, 2026 at 10:00" in the clinic's time."""
    at = moment.astimezone(report.zone)
    return f"{short_date(at.date())} at {at:%H:%M}"


def _draw_page(report: _Report) -> Any:
    def draw(canvas: Any, doc: Any) -> None:
        """The header and footer every page carries (the page count comes at the end)."""
        half = TEXT_WIDTH / 2 - 12
        canvas.saveState()
        canvas.setFillColor(INK)
        draw_line(canvas, HEADER_TOP - 13, report.clinic.name, FONT_BOLD, 13, half)
        contact = "  ·  ".join(p for p in (report.clinic.address, report.clinic.phone) if p)
        canvas.setFillColor(MUTED)
        draw_line(canvas, HEADER_TOP - 27, contact, FONT, 8.5, half)
        evaluated = f"Evaluated {short_date(report.evaluated_on)} by {report.evaluator}"
        draw_line(canvas, HEADER_TOP - 39, evaluated, FONT, 8.5, half)
        label = "EVALUATION · DRAFT, NOT SIGNED" if report.is_draft else "EVALUATION · PLAN OF CARE"
        canvas.setFillColor(DRAFT_INK if report.is_draft else ACCENT)
        canvas.setFont(FONT_BOLD, 8)
        canvas.drawRightString(PAGE_SIZE[0] - SIDE_MARGIN, HEADER_TOP - 9, label, charSpace=1.2)
        canvas.setFillColor(INK)
        draw_line(canvas, HEADER_TOP - 26, report.patient_name, FONT_BOLD, 13, half, right=True)
        draw_line(canvas, HEADER_TOP - 39, report.identity(), FONT, 9, half, right=True)
        right = PAGE_SIZE[0] - SIDE_MARGIN
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(1.5)
        canvas.line(SIDE_MARGIN, HEADER_RULE, right, HEADER_RULE)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(SIDE_MARGIN, FOOTER_BASELINE + 11, right, FOOTER_BASELINE + 11)
        canvas.setFillColor(MUTED)
        footer = f"{report.printed}  ·  Confidential: contains patient information"
        draw_line(canvas, FOOTER_BASELINE, footer, FONT, 7.5, TEXT_WIDTH - 80)
        canvas.restoreState()

    return draw


def _draw_watermark(canvas: Any, doc: Any) -> None:
    """ "DRAFT — NOT SIGNED" across the page, over everything (tinted rows and bands would
    hide it underneath), pale enough to read the text through."""
    canvas.saveState()
    canvas.translate(PAGE_SIZE[0] / 2, PAGE_SIZE[1] / 2)
    canvas.rotate(52)
    canvas.setFillColor(DRAFT_WASH)
    canvas.setFont(FONT_BOLD, 62)
    canvas.drawCentredString(0, -20, printable(DRAFT_MARK))
    canvas.restoreState()


def _boxed(flowables: list[Any], *, fill: Color, edge: Color, padding: float = 7) -> Table:
    box = Table([[flowables]], colWidths=[TEXT_WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("BOX", (0, 0), (-1, -1), 1.0, edge),
                ("LINEBEFORE", (0, 0), (0, -1), 4, edge),
                ("TOPPADDING", (0, 0), (-1, -1), padding),
                ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    return box


def _status_banner(report: _Report) -> list[Any]:
    if report.is_draft:
        return [
            _boxed(
                [
                    Paragraph("DRAFT — not signed", BANNER.clone("draft", textColor=DRAFT_INK)),
                    Paragraph(
                        "The findings may still change. This is not the signed evaluation: do "
                        "not file it or act on it as the record.",
                        BANNER_NOTE,
                    ),
                ],
                fill=white,
                edge=DRAFT_INK,
            ),
            Spacer(1, 10),
        ]
    if report.status == EvaluationStatus.AWAITING_COSIGN:
        signer = report.signed.title if report.signed else "A student"
        return [
            _boxed(
                [
                    Paragraph("Awaiting co-signature", BANNER),
                    Paragraph(
                        markup(
                            f"Signed by {signer} (student physical therapist); a supervising "
                            "physical therapist has not co-signed it yet."
                        ),
                        BANNER_NOTE,
                    ),
                ],
                fill=STRIPE,
                edge=MUTED,
            ),
            Spacer(1, 10),
        ]
    return []


def _episode_rows(report: _Report) -> list[tuple[str, list[str]]]:
    """(label, lines) about the patient and the episode, what was recorded only."""
    episode = report.episode
    about = [report.patient_name, f"{report.age} years" + (f", {report.sex}" if report.sex else "")]
    rows: list[tuple[str, list[str]]] = [
        ("Patient", [", ".join(about) + f"  ·  DOB {short_date(report.date_of_birth)}"]),
    ]
    physician = episode.referring_physician or "None recorded"
    if episode.referral_date is not None:
        physician += f"  ·  referred {short_date(episode.referral_date)}"
    rows.append(("Referring physician", [physician]))
    if episode.referral_reason:
        rows.append(("Reason for referral", [episode.referral_reason]))
    if episode.diagnoses:
        rows.append(
            (
                "Diagnoses (ICD-10-CM)",
                [
                    f"<b>{markup(d.code)}</b>  {markup(d.description)}"
                    + ("  (primary)" if n == 0 and len(episode.diagnoses) > 1 else "")
                    for n, d in enumerate(episode.diagnoses)
                ],
            )
        )
    onset = [short_date(episode.onset_date)] if episode.onset_date else []
    if episode.onset_mechanism:
        onset.append(episode.onset_mechanism)
    if onset:
        rows.append(("Onset", ["  ·  ".join(onset)]))
    payer = episode.payer_label
    if episode.authorized_visits is not None:
        payer += f"  ·  {episode.authorized_visits} visits authorized"
    rows.append(("Payer", [payer]))
    rows.append(
        ("Episode of care", [f"{episode.title}  ·  started {short_date(episode.start_date)}"])
    )
    return rows


def _episode_table(report: _Report) -> Table:
    """The patient and episode box; diagnoses carry their own bold codes as markup."""
    cells = []
    for label, lines in _episode_rows(report):
        text = "<br/>".join(
            line if label.startswith("Diagnoses") else markup(line) for line in lines
        )
        cells.append((label, text))
    return rows_table(cells, shaded=True)


def _addenda(report: _Report) -> list[Any]:
    if not report.addenda:
        return []
    story: list[Any] = [
        CondPageBreak(1.1 * inch),
        Spacer(1, 8),
        heading("Addenda, written after signing"),
        Spacer(1, 5),
    ]
    for added in report.addenda:
        story.append(
            KeepTogether(
                [
                    Paragraph(
                        markup(f"Addendum by {added.author}, {_local(report, added.at)}"), LABEL
                    ),
                    Paragraph(markup(added.text).replace("\n", "<br/>"), BODY),
                    Spacer(1, 6),
                ]
            )
        )
    return story


def _signature_lines(report: _Report) -> list[Any]:
    lines: list[Any] = []
    if report.signed is None:
        lines.append(Paragraph("<b>Not signed:</b> this evaluation is a draft.", BODY))
        return lines
    signed = report.signed
    npi = f"  ·  NPI {signed.npi}" if signed.npi else ""
    role = " (student physical therapist)" if signed.student else ""
    lines.append(
        Paragraph(
            f"<b>Electronically signed</b> by {markup(signed.title)}{role}{markup(npi)}, "
            f"{markup(_local(report, signed.at))}",
            BODY,
        )
    )
    if report.cosigned is not None:
        cosigned = report.cosigned
        npi = f"  ·  NPI {cosigned.npi}" if cosigned.npi else ""
        lines.append(
            Paragraph(
                f"<b>Co-signed</b> by {markup(cosigned.title)}{markup(npi)}, "
                f"{markup(_local(report, cosigned.at))}",
                BODY,
            )
        )
    elif report.cosign_required:
        lines.append(
            Paragraph(
                "<b>Co-signature pending:</b> a supervising physical therapist has not co-signed "
                "this evaluation yet.",
                BODY,
            )
        )
    return lines


def _therapist_signature(report: _Report) -> list[Any]:
    return [
        CondPageBreak(1.0 * inch),
        Spacer(1, 8),
        heading("Therapist's signature"),
        Spacer(1, 5),
        KeepTogether(_signature_lines(report)),
    ]


def _certification(report: _Report) -> list[Any]:
    """The line the referring physician signs to certify the plan of care."""
    physician = report.episode.referring_physician
    box = [
        Paragraph("Physician certification of the plan of care", LABEL),
        Spacer(1, 2),
        Paragraph(markup(CERTIFICATION), BODY),
        Spacer(1, 8),
        Paragraph(
            "Physician signature ______________________________________"
            "&nbsp;&nbsp;&nbsp;Date ________________",
            SIGN_LINE,
        ),
        Paragraph(
            f"Printed name {markup(physician) if physician else '_' * 38}"
            "&nbsp;&nbsp;&nbsp;NPI ________________",
            SIGN_LINE,
        ),
        Paragraph(
            "Please sign, date and return to the clinic (fax or mail) to certify the plan of care.",
            SMALL,
        ),
    ]
    return [CondPageBreak(1.9 * inch), Spacer(1, 14), _boxed(box, fill=white, edge=ACCENT)]


def _story(report: _Report) -> list[Any]:
    found = interpret(report.content, age=report.age)
    evaluated = f"Evaluated on {date_in_words(report.evaluated_on)} by {report.evaluator}"
    story: list[Any] = [
        *_status_banner(report),
        Paragraph("Physical therapy initial evaluation and plan of care", TITLE),
        Paragraph(markup(evaluated), SUBTITLE),
        Spacer(1, 8),
        _episode_table(report),
        Spacer(1, 4),
    ]
    story += findings(report.content, found)
    story += outcome_scores(report.content, found)
    story += assessment(report.content, found)
    story += plan_of_care(report.plan)
    story += _therapist_signature(report)
    story += _addenda(report)  # under the signed original
    story += _certification(report)
    return story


def _render(report: _Report) -> bytes:
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        title=f"Physical therapy evaluation, chart {report.chart_number}",
        author=printable(report.clinic.name),
        subject="Initial evaluation and plan of care",
        creator=f"PT Clinic {__version__}",
    )
    frame = Frame(
        SIDE_MARGIN,
        FRAME_BOTTOM,
        TEXT_WIDTH,
        FRAME_TOP - FRAME_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    template = PageTemplate("evaluation", [frame], onPage=_draw_page(report))
    if report.is_draft:
        template.onPageEnd = _draw_watermark
    doc.addPageTemplates([template])
    doc.build(_story(report), canvasmaker=PagedCanvas)
    return buffer.getvalue()
