"""The printed note: a progress note (what a physician reads to recertify the plan of care), a
daily note or a discharge summary, on Letter paper in the evaluation report's look.

Every page carries the clinic's header, the patient's name, date of birth and chart number, the
printed-at line and "Page n of N". A progress note or discharge opens, after the episode box,
with the numbers: the outcome measures at intake and now, the change and whether it reaches the
MCID, then the trend chart and the goals; then the note's own words, the treatment given with
its CPT codes, minutes and units, the signature block and the addenda under it. A daily note
goes straight to its words. An unsigned note says "DRAFT — not signed" across every page, in
the header and in a box at the top, and its charges are marked not yet billed.

``progress_note_pdf(db, actor, note_id)`` is what the app's Print button and ``ptclinic print
progress-note`` call; ``render_progress_note(report)`` only draws (no database, no audit).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reportlab.lib.colors import Color, white
from reportlab.lib.units import inch
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ptclinic import __version__
from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.services.day_text import day_text
from ptclinic.services.evaluation_report import (
    BANNER,
    BANNER_NOTE,
    DRAFT_INK,
    DRAFT_MARK,
    DRAFT_WASH,
    FRAME_BOTTOM,
    FRAME_TOP,
    HEADER_RULE,
    SUBTITLE,
    TITLE,
)
from ptclinic.services.evaluation_report_findings import (
    BODY,
    LABEL,
    ROW_LABEL,
    SMALL,
    grid_table,
    heading,
    rows_table,
    section_opening,
)
from ptclinic.services.outcome_trend import has_data
from ptclinic.services.pdf_style import (
    ACCENT,
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
    printable,
)
from ptclinic.services.progress_report import ProgressReport, Signature, progress_report
from ptclinic.services.trend_chart_pdf import trend_chart_drawing

CHART_HEIGHT = 165
HALF = TEXT_WIDTH / 2
FULL_TITLES = {
    "visit": "Physical therapy daily note",
    "progress": "Physical therapy progress note",
    "discharge": "Physical therapy discharge summary",
}
NOT_BILLED = (
    "Not yet billed: worked out from the minutes recorded; the charges are billed when the "
    "note is signed."
)
BOLD_BODY = BODY.clone("note_bold", fontName=FONT_BOLD)


def progress_note_pdf(
    db: Database,
    actor: Actor,
    note_id: int,
    *,
    now: datetime | None = None,
    channel: str = "app",
) -> bytes:
    """The note ``note_id`` as PDF bytes (Letter, portrait), for anyone who may read clinical
    records; any kind of note. Audited as a print under the patient, ``channel`` saying where
    from ("app", "command line"); ``now`` is the printed-at time (default: the clock). A draft
    prints marked "DRAFT — not signed" on every page. ``NotFound`` for an unknown note."""
    return render_progress_note(progress_report(db, actor, note_id, now=now, channel=channel))


def render_progress_note(report: ProgressReport) -> bytes:
    """Draw ``report`` (nothing is read or audited here)."""
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        title=f"{report.title}, chart {report.chart_number}, {day_text(report.note_date)}",
        author=printable(report.clinic.name),
        subject=FULL_TITLES[report.kind],
        creator=f"PT Clinic {__version__}",
    )
    frame = Frame(
        SIDE_MARGIN, FRAME_BOTTOM, TEXT_WIDTH, FRAME_TOP - FRAME_BOTTOM,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
    )  # fmt: skip
    template = PageTemplate("note", [frame], onPage=_page_decoration(report))
    if report.is_draft:
        template.onPageEnd = _watermark
    doc.addPageTemplates([template])
    doc.build(_story(report), canvasmaker=PagedCanvas)
    return buffer.getvalue()


# --- every page -----------------------------------------------------------------------------


def _page_decoration(report: ProgressReport) -> Any:
    def draw(canvas: Any, doc: Any) -> None:
        half = HALF - 12
        right = PAGE_SIZE[0] - SIDE_MARGIN
        canvas.saveState()
        canvas.setFillColor(INK)
        draw_line(canvas, HEADER_TOP - 13, report.clinic.name, FONT_BOLD, 13, half)
        canvas.setFillColor(MUTED)
        contact = "  ·  ".join(p for p in (report.clinic.address, report.clinic.phone) if p)
        draw_line(canvas, HEADER_TOP - 27, contact, FONT, 8.5, half)
        written = f"{report.title} of {day_text(report.note_date)} by {report.author}"
        draw_line(canvas, HEADER_TOP - 39, written, FONT, 8.5, half)
        label = report.title.upper() + (" · DRAFT, NOT SIGNED" if report.is_draft else "")
        canvas.setFillColor(DRAFT_INK if report.is_draft else ACCENT)
        canvas.setFont(FONT_BOLD, 8)
        canvas.drawRightString(right, HEADER_TOP - 9, label, charSpace=1.2)
        canvas.setFillColor(INK)
        draw_line(canvas, HEADER_TOP - 26, report.patient_name, FONT_BOLD, 13, half, right=True)
        draw_line(canvas, HEADER_TOP - 39, report.identity(), FONT, 9, half, right=True)
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


def _watermark(canvas: Any, doc: Any) -> None:
    """ "DRAFT — NOT SIGNED" across the page, over everything, pale enough to read through."""
    canvas.saveState()
    canvas.translate(PAGE_SIZE[0] / 2, PAGE_SIZE[1] / 2)
    canvas.rotate(52)
    canvas.setFillColor(DRAFT_WASH)
    canvas.setFont(FONT_BOLD, 62)
    canvas.drawCentredString(0, -20, printable(DRAFT_MARK))
    canvas.restoreState()


# --- the top of the first page ----------------------------------------------------------------


def _boxed(flowables: list[Any], *, edge: Color, fill: Color = white) -> Table:
    box = Table([[flowables]], colWidths=[TEXT_WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("BOX", (0, 0), (-1, -1), 1.0, edge),
                ("LINEBEFORE", (0, 0), (0, -1), 4, edge),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    return box


def _status_banner(report: ProgressReport) -> list[Any]:
    if report.is_draft:
        words = (
            "The note may still change and its charges are not billed. This is not the signed "
            "record: do not file it or act on it as one."
        )
        title = Paragraph("DRAFT — not signed", BANNER.clone("note_draft", textColor=DRAFT_INK))
        return [_boxed([title, Paragraph(words, BANNER_NOTE)], edge=DRAFT_INK), Spacer(1, 8)]
    if report.status == "awaiting_cosign":
        signer = report.signed.title if report.signed else "A student"
        words = f"Signed by {signer} (student physical therapist); not co-signed yet."
        title = Paragraph("Awaiting co-signature", BANNER)
        body = Paragraph(markup(words), BANNER_NOTE)
        return [_boxed([title, body], edge=MUTED, fill=STRIPE), Spacer(1, 8)]
    return []


def _episode_box(report: ProgressReport) -> Table:
    """Patient and episode facts in two columns; the diagnoses across the whole width."""
    ep = report.episode
    about = f"{report.age} years" + (f", {report.sex}" if report.sex else "")
    referral = ep.referring_physician or "None recorded"
    if ep.referral_date is not None:
        referral += f"  ·  referred {day_text(ep.referral_date)}"
    onset = "  ·  ".join(
        p for p in (day_text(ep.onset_date) if ep.onset_date else "", ep.onset_mechanism) if p
    )
    visits = f"{ep.visit_number}" + (
        f" of {ep.authorized_visits} authorized" if ep.authorized_visits is not None else ""
    )
    left = [
        ("Patient", f"{report.patient_name}, {about}, DOB {day_text(report.date_of_birth)}"),
        ("Referring physician", referral),
        ("Onset", onset or "Not recorded"),
        ("Episode of care", f"{ep.title}  ·  started {day_text(ep.start_date)}"),
    ]
    right = [
        ("Payer", ep.payer),
        ("Visit number", f"{visits} (evaluation counted)"),
        ("Plan of care", ep.plan or "No care plan written yet"),
        ("Certified period", ep.certified or "None recorded"),
    ]
    label_w, value_w = 1.05 * inch, HALF - 1.05 * inch

    def cells(label: str, value: str) -> list[Any]:
        return [Paragraph(markup(label), ROW_LABEL), Paragraph(markup(value), BODY)]

    data = [cells(*a) + cells(*b) for a, b in zip(left, right, strict=True)]
    diagnoses = (
        "<br/>".join(f"<b>{markup(code)}</b>  {markup(text)}" for code, text in ep.diagnoses)
        or "None recorded"
    )
    data.append([Paragraph("Diagnoses (ICD-10-CM)", ROW_LABEL), Paragraph(diagnoses, BODY)])
    table = Table(data, colWidths=[label_w, value_w, label_w, value_w])
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (1, -1), (-1, -1)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("BACKGROUND", (0, 0), (-1, -1), STRIPE),
                ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
                ("LINEBEFORE", (2, 0), (2, -2), 0.4, RULE),
            ]
        )
    )
    return table


# --- the numbers ----------------------------------------------------------------------------


def _small(text: str) -> str:
    """``text`` (markup) on a line of its own, small and grey, under a cell's value."""
    return f"<br/><font size='7.5' color='#{MUTED.hexval()[2:]}'>{text}</font>"


def _outcomes(report: ProgressReport) -> list[Any]:
    if not report.outcomes:
        return []
    rows = []
    for row in report.outcomes:
        change = row.change
        met = change is not None and change.meets_mcid
        measure = f"<b>{markup(row.measure.label)}</b>"
        if row.detail:
            measure += _small(markup(row.detail, symbols=True))
        intake = markup(row.score_text(row.intake))
        if row.intake_on is not None:
            intake += _small(day_text(row.intake_on))
        latest = f"<b>{markup(row.score_text(row.latest))}</b>" + _small(day_text(report.note_date))
        verdict = markup(row.verdict, symbols=True)
        rows.append(
            [
                Paragraph(measure, BODY),
                Paragraph(intake, BODY),
                Paragraph(latest, BODY),
                Paragraph(markup(row.change_text) or "—", BOLD_BODY if met else BODY),
                Paragraph(f"<b>{verdict}</b>" if met else verdict, BODY),
            ]
        )
    widths = (2.3 * inch, 0.85 * inch, 0.85 * inch, 1.25 * inch, TEXT_WIDTH - 5.25 * inch)
    header = ("Measure", "Intake", "This note", "Change", "Clinically important?")
    table = [grid_table(header, rows, widths)]
    chart: list[Any] = []
    if has_data(report.trend):
        chart = [
            Spacer(1, 8),
            Paragraph("Trend since intake (shaded: a change smaller than the MCID)", LABEL),
            Spacer(1, 3),
            trend_chart_drawing(report.trend, TEXT_WIDTH, CHART_HEIGHT),
        ]
    return [*section_opening("Outcome measures"), KeepTogether(table + chart)]


def _goals(report: ProgressReport) -> list[Any]:
    if not report.goals:
        return []
    rows = [
        [
            Paragraph(markup(goal.term), BODY),
            Paragraph(markup(goal.text), BODY),
            Paragraph(day_text(goal.target_date) if goal.target_date else "—", BODY),
            Paragraph(markup(goal.status), BOLD_BODY if goal.status == "Met" else BODY),
            Paragraph(markup(goal.note), BODY),
        ]
        for goal in report.goals
    ]
    widths = (0.8 * inch, 2.85 * inch, 0.95 * inch, 0.9 * inch, TEXT_WIDTH - 5.5 * inch)
    header = ("Term", "Goal", "Target date", "Status", "Remark")
    opening = section_opening("Goals")
    # A short table moves whole to the next page rather than leave a row behind.
    return [opening[0], KeepTogether([*opening[1:], grid_table(header, rows, widths)])]


# --- the note's words and the treatment -------------------------------------------------------


def _words(report: ProgressReport) -> list[Any]:
    rows: list[tuple[str, str]] = []
    if report.discharge_reason:
        rows.append(("Reason for discharge", f"<b>{markup(report.discharge_reason)}</b>"))
    pain = [
        f"{word} {value}/10"
        for word, value in (("before", report.pain_before), ("after", report.pain_after))
        if value is not None
    ]
    for label, text in report.parts:
        rows.append((label, markup(text).replace("\n", "<br/>")))
        if label == "Objective" and pain:
            rows.append(("Pain this visit", ", ".join(pain)))
    if pain and not any(label == "Objective" for label, _text in report.parts):
        rows.insert(0, ("Pain this visit", ", ".join(pain)))
    if not rows:
        rows.append(("Note", "Nothing written yet."))
    return [*section_opening("Subjective, objective, assessment and plan"), rows_table(rows)]


def _columns(
    header: Sequence[str], widths: Sequence[float], rows: Sequence[Sequence[str]]
) -> Table:
    """A grid of plain-text ``rows``, leaving out the columns after the first two that are
    empty in every row; the first column takes the width they leave."""
    kept = [n for n in range(len(header)) if n < 2 or any(row[n] for row in rows)]
    sizes = [widths[n] * inch for n in kept]
    sizes[0] += TEXT_WIDTH - sum(sizes)
    cells = [[Paragraph(markup(row[n]), BODY) for n in kept] for row in rows]
    return grid_table([header[n] for n in kept], cells, sizes)


def _treatment(report: ProgressReport) -> list[Any]:
    """The exercises and techniques; the charges go with the signature (``_closing``)."""
    story: list[Any] = [*section_opening("Treatment given")]
    if report.exercises:
        flowsheet = [
            (e.name, str(e.stage or "—"), e.dose, e.load, e.tolerance, e.note)
            for e in report.exercises
        ]
        header = ("Exercise", "Stage", "Dose", "Load", "Tolerance", "Note")
        story += [_columns(header, (2.0, 0.6, 1.2, 0.9, 1.1, 1.5), flowsheet), Spacer(1, 6)]
    if report.techniques:
        done = [(t.name, t.dose, t.side) for t in report.techniques]
        story += [_columns(("Technique", "Dose", "Side"), (2.6, 2.6, 1.0), done), Spacer(1, 6)]
    return story


def _charges(report: ProgressReport) -> list[Any]:
    billing = report.billing
    if not billing.lines:
        return [Paragraph("<b>Charges:</b> no CPT codes recorded.", BODY)]
    rows = [
        [Paragraph(f"<b>{line.code}</b>", BODY), Paragraph(markup(line.description), BODY),
         Paragraph(f"{line.minutes}" + ("" if line.timed else " (untimed)"), BODY),
         Paragraph(str(line.units), BODY)]
        for line in billing.lines
    ]  # fmt: skip
    units = "unit" if billing.total_units == 1 else "units"
    rows.append(
        [Paragraph("", BODY), Paragraph("<b>Total</b>", BODY),
         Paragraph(f"<b>{billing.total_minutes}</b>", BODY),
         Paragraph(f"<b>{billing.total_units} {units}</b>", BODY)]
    )  # fmt: skip
    widths = (0.8 * inch, TEXT_WIDTH - 3.2 * inch, 1.2 * inch, 1.2 * inch)
    table = grid_table(("CPT", "Service", "Minutes", "Units"), rows, widths)
    table.setStyle(TableStyle([("LINEABOVE", (0, -1), (-1, -1), 0.8, MUTED)]))
    note = markup(billing.explained + ("" if billing.billed else " " + NOT_BILLED))
    label = "Charges" if billing.billed else "Charges, not yet billed"
    return [Paragraph(label, LABEL), Spacer(1, 3), table, Spacer(1, 2), Paragraph(note, SMALL)]


# --- signatures and addenda -------------------------------------------------------------------


def _signed_line(report: ProgressReport, verb: str, who: Signature) -> Paragraph:
    npi = f"  ·  NPI {who.npi}" if who.npi else ""
    role = " (student physical therapist)" if who.student else ""
    return Paragraph(
        f"<b>{verb}</b> by {markup(who.title)}{role}{markup(npi)}, {markup(report.local(who.at))}",
        BODY,
    )


def _signature(report: ProgressReport) -> list[Any]:
    if report.signed is None:
        return [
            Paragraph("<b>Not signed:</b> this note is a draft.", BODY),
            Paragraph(markup(f"Written by {report.author}."), BODY),
        ]
    lines = [_signed_line(report, "Electronically signed", report.signed)]
    if report.cosigned is not None:
        lines.append(_signed_line(report, "Co-signed", report.cosigned))
    elif report.cosign_required:
        lines.append(
            Paragraph(
                "<b>Co-signature pending:</b> a supervising physical therapist has not "
                "co-signed this note yet.",
                BODY,
            )
        )
    return lines


def _closing(report: ProgressReport) -> list[Any]:
    """The charges and the signature, kept on one page: a signature alone at the top of a
    page would say nothing about what it signs."""
    return [
        KeepTogether(
            [*_charges(report), Spacer(1, 8), heading("Signature"), Spacer(1, 4),
             *_signature(report)]
        )
    ]  # fmt: skip


def _addenda(report: ProgressReport) -> list[Any]:
    if not report.addenda:
        return []
    story: list[Any] = [*section_opening("Addenda, written after signing"), Spacer(1, 2)]
    for added in report.addenda:
        said = f"Addendum by {added.author}, {report.local(added.at)}"
        text = markup(added.text).replace("\n", "<br/>")
        story.append(
            KeepTogether([Paragraph(markup(said), LABEL), Paragraph(text, BODY), Spacer(1, 6)])
        )
    return story


def _story(report: ProgressReport) -> list[Any]:
    visit = f"Visit {report.episode.visit_number} on {date_in_words(report.note_date)}"
    story: list[Any] = [
        *_status_banner(report),
        Paragraph(FULL_TITLES[report.kind], TITLE),
        Paragraph(markup(f"{visit} · {report.author}"), SUBTITLE),
        Spacer(1, 6),
        _episode_box(report),
    ]
    if report.kind == "visit":
        story += _words(report) + _outcomes(report) + _goals(report)
    else:
        story += _outcomes(report) + _goals(report) + _words(report)
    return story + _treatment(report) + _closing(report) + _addenda(report)
