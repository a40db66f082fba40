"""The day sheet: one clinic-local day's visits on Letter paper, for the front desk to check
patients in with a pen and for each therapist to carry through the day.

One section per therapist (a page each with ``page_per_therapist``), the clinic's header and
"Page n of N" on every page, cancelled and missed visits greyed (cancelled ones struck through),
and a plain "No visits booked" rather than a blank page. Printing discloses patient data, so each
sheet is audited as a print: once for the sheet and once per patient on it, so the audit log
finds it under each patient too (as patient_export does for searches).

Fonts, colours, letters Helvetica lacks and page numbers: see ``pdf_style``. The status marks
(✓ ✗ ▲) are drawn from the built-in symbol fonts that ReportLab substitutes for them.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    LongTable,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy import select

from ptclinic import __version__
from ptclinic.db import Database
from ptclinic.models import AppointmentStatus, Staff
from ptclinic.models.base import utcnow
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.availability import clock
from ptclinic.services.calendar import (
    AppointmentView,
    calendar_span,
    clinician_by_username,
)
from ptclinic.services.clinic import ClinicInfo, get_clinic
from ptclinic.services.pdf_style import (
    ACCENT,
    COLUMN_FILL,
    FONT,
    FONT_BOLD,
    FOOTER_BASELINE,
    GREYED,
    HEADER_TOP,
    HEADING_FILL,
    INK,
    MUTED,
    PAGE_SIZE,
    RULE,
    SIDE_MARGIN,
    SMALL_SIZE,
    STRIPE,
    PagedCanvas,
    date_in_words,
    draw_line,
    markup,
    paragraph_style,
    printable,
    printed_line,
    staff_title,
)
from ptclinic.services.permissions import Permission, require

__all__ = [
    "CHECKBOX_SIZE",
    "COLUMN_WIDTHS",
    "GREYED",
    "INK",
    "PAGE_SIZE",
    "SIDE_MARGIN",
    "date_in_words",
    "day_sheet_pdf",
    "printable",
]

# --- layout ---------------------------------------------------------------------------------
HEADER_RULE = HEADER_TOP - 47
CONTINUED_BASELINE = HEADER_RULE - 16
FRAME_TOP = HEADER_RULE - 28  # room above for the "(continued)" line
FRAME_BOTTOM = 0.75 * inch
DATE_SIZE = 17.0
CHECKBOX_SIZE = 11.0
# In, time, patient, visit, room, phone, status: 7.3 inches of Letter between the margins.
COLUMN_WIDTHS = (28.0, 46.0, 148.0, 100.0, 62.0, 74.0, 67.6)
COLUMN_TITLES = ("In", "Time", "Patient", "Visit", "Room", "Phone", "Status")
# Start a therapist's section on a new page unless its heading and a few visits fit here.
SECTION_MIN_HEIGHT = 1.6 * inch

STATUS_MARKS = {
    AppointmentStatus.SCHEDULED.value: "Scheduled",  # printed muted: the box is what matters
    AppointmentStatus.CHECKED_IN.value: "✓ Checked in",
    AppointmentStatus.COMPLETED.value: "✓ Completed",
    AppointmentStatus.CANCELLED.value: "✗ Cancelled",
    AppointmentStatus.NO_SHOW.value: "▲ No-show",
}
LATE_CANCEL_MARK = "✗ Late cancel"
# A row cannot break across pages, so an essay-long booking note is cut short on paper.
NOTE_MAX_CHARS = 160
NOT_SHOWN = "—"  # an empty cell that was looked at, not forgotten

BODY = paragraph_style("body")
SMALL = paragraph_style("small", fontSize=SMALL_SIZE, leading=9.2, textColor=MUTED)
COLUMN = paragraph_style("column", fontName=FONT_BOLD, fontSize=7.5, leading=9, textColor=MUTED)
HEADING = paragraph_style("heading", fontName=FONT_BOLD, fontSize=12.5, leading=15)
HEADING_NOTE = paragraph_style(
    "heading_note", fontSize=8.5, leading=15, textColor=MUTED, alignment=TA_RIGHT
)
EMPTY_TITLE = paragraph_style(
    "empty", fontName=FONT_BOLD, fontSize=16, leading=20, alignment=TA_CENTER
)
EMPTY_NOTE = paragraph_style(
    "empty_note", fontSize=10, leading=13, textColor=MUTED, alignment=TA_CENTER
)
SCHEDULED = paragraph_style("scheduled", textColor=MUTED)
NOTICE = paragraph_style("notice", fontName=FONT_BOLD, fontSize=9.5, leading=12)


# --- who and what ---------------------------------------------------------------------------


def _titles(db: Database, staff_ids: set[int]) -> dict[int, tuple[str, str]]:
    """Staff id → (sort key, title)."""
    with db.session() as session:
        rows = session.execute(
            select(Staff.id, Staff.full_name, Staff.credentials).where(Staff.id.in_(staff_ids))
        )
        return {
            staff_id: (name.lower(), staff_title(name, creds)) for staff_id, name, creds in rows
        }


@dataclass(frozen=True)
class _Section:
    title: str
    visits: list[AppointmentView]


# --- the service ----------------------------------------------------------------------------


def day_sheet_pdf(
    db: Database,
    actor: Actor,
    day: date,
    therapist_username: str | None = None,
    *,
    page_per_therapist: bool = False,
    now: datetime | None = None,
    channel: str = "app",
) -> bytes:
    """The day sheet for the clinic-local ``day`` as PDF bytes (Letter, portrait): every
    therapist's visits, or only ``therapist_username``'s, in all statuses.

    ``page_per_therapist`` starts each therapist on a new page (to hand out); otherwise sections
    follow each other to save paper. ``now`` is the printed-at time (default: the clock).
    Audited as a print, with ``channel`` saying where from ("app", "command line").
    """
    require(actor, Permission.VIEW_PATIENTS)
    clinic = get_clinic(db)
    zone = ZoneInfo(clinic.time_zone)
    therapist = clinician_by_username(db, actor, therapist_username) if therapist_username else None
    span = calendar_span(
        db, actor, day, day, therapist_ids=[therapist.id] if therapist is not None else None
    )
    # Only visits that start on ``day``: one running past midnight is on the evening's sheet.
    visits = [v for v in span.appointments if v.starts_at.astimezone(zone).date() == day]
    by_therapist: dict[int, list[AppointmentView]] = defaultdict(list)
    for visit in visits:
        by_therapist[visit.therapist_id].append(visit)
    titles = _titles(db, set(by_therapist))
    sections = [
        _Section(titles[staff_id][1], by_therapist[staff_id])
        for staff_id in sorted(by_therapist, key=lambda i: (titles[i][0], i))
    ]
    for_whom = (
        staff_title(therapist.full_name, therapist.credentials) if therapist else "all therapists"
    )
    pdf = _render(
        _Sheet(
            clinic=clinic,
            zone=zone,
            day=day,
            for_whom=for_whom,
            closed_reason=span.closed_reasons.get(day),
            printed=printed_line(now or utcnow(), zone, actor.full_name),
            overview=for_whom[:1].upper()
            + for_whom[1:]
            + (f": {_heading_note(visits, zone)}" if visits else ""),
        ),
        sections,
        page_per_therapist=page_per_therapist,
    )
    who = therapist.username if therapist else "all therapists"
    with db.session() as session:
        audit.record(
            session,
            AuditAction.PRINT,
            actor=actor,
            entity_type="day_sheet",
            summary=f"day sheet for {day.isoformat()}, {who}: {len(visits)} visits ({channel})",
        )
        for patient_id in sorted({v.patient_id for v in visits}):
            audit.record(
                session,
                AuditAction.PRINT,
                actor=actor,
                entity_type="patient",
                entity_id=patient_id,
                patient_id=patient_id,
                summary=f"listed on the day sheet for {day.isoformat()} ({channel})",
            )
    return pdf


# --- drawing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sheet:
    clinic: ClinicInfo
    zone: ZoneInfo
    day: date
    for_whom: str
    closed_reason: str | None
    printed: str
    overview: str  # "All therapists: 25 visits, 07:00–17:45 · 2 cancelled"

    def draw_page(self, canvas: Any, doc: Any) -> None:
        """The header and footer every page carries (the page count comes at the end)."""
        right = PAGE_SIZE[0] - SIDE_MARGIN
        day = date_in_words(self.day)
        # The clinic's lines give way to the date, never run under it.
        room = right - SIDE_MARGIN - stringWidth(day, FONT_BOLD, DATE_SIZE) - 18
        canvas.saveState()
        canvas.setFillColor(INK)
        draw_line(canvas, HEADER_TOP - 13, self.clinic.name, FONT_BOLD, 13, room)
        contact = "  ·  ".join(p for p in (self.clinic.address, self.clinic.phone) if p)
        canvas.setFillColor(MUTED)
        draw_line(canvas, HEADER_TOP - 27, contact, FONT, 8.5, room)
        draw_line(canvas, HEADER_TOP - 39, self.overview, FONT, 8.5, room)
        canvas.setFillColor(ACCENT)
        canvas.setFont(FONT_BOLD, 8)
        canvas.drawRightString(right, HEADER_TOP - 9, "DAY SHEET", charSpace=1.2)
        canvas.setFillColor(INK)
        canvas.setFont(FONT_BOLD, DATE_SIZE)
        canvas.drawRightString(right, HEADER_TOP - 31, day)
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(1.5)
        canvas.line(SIDE_MARGIN, HEADER_RULE, right, HEADER_RULE)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(SIDE_MARGIN, FOOTER_BASELINE + 11, right, FOOTER_BASELINE + 11)
        canvas.setFillColor(MUTED)
        footer = f"{self.printed}  ·  Confidential: contains patient information"
        draw_line(canvas, FOOTER_BASELINE, footer, FONT, 7.5, right - SIDE_MARGIN - 80)
        canvas.restoreState()

    @staticmethod
    def draw_page_end(canvas: Any, doc: Any) -> None:
        """Name the therapist whose visits run on from the page before."""
        title = doc.continued.get(doc.page)
        if title:
            canvas.saveState()
            canvas.setFont(FONT_BOLD, 10)
            canvas.setFillColor(MUTED)
            canvas.drawString(SIDE_MARGIN, CONTINUED_BASELINE, f"{printable(title)} (continued)")
            canvas.restoreState()


class _SectionHeading(Table):  # type: ignore[misc]
    """A therapist's name over their visits; the page header repeats it on the next pages."""

    def __init__(self, title: str, note: str) -> None:
        super().__init__(
            [[Paragraph(markup(title), HEADING), Paragraph(markup(note), HEADING_NOTE)]],
            colWidths=[sum(COLUMN_WIDTHS) * 0.62, sum(COLUMN_WIDTHS) * 0.38],
        )
        self.title = title
        self.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), HEADING_FILL),
                    ("LINEBEFORE", (0, 0), (0, -1), 3, ACCENT),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                    ("LEFTPADDING", (0, 0), (0, -1), 8),
                ]
            )
        )


class _DayDocument(BaseDocTemplate):  # type: ignore[misc]
    """Remembers which pages continue a therapist's visits from the page before."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.continued: dict[int, str] = {}
        self._current = ""
        self._page_seen = 0

    def afterFlowable(self, flowable: Any) -> None:
        if not isinstance(flowable, Table):
            return  # spacers and page breaks say nothing about whose visits these are
        if self.page != self._page_seen:
            self._page_seen = self.page
            if self._current and not isinstance(flowable, _SectionHeading):
                self.continued[self.page] = self._current
        if isinstance(flowable, _SectionHeading):
            self._current = flowable.title


class _CheckBox(Flowable):  # type: ignore[misc]
    """An empty box to tick by hand, or a ticked one for a visit already checked in."""

    def __init__(self, ticked: bool) -> None:
        super().__init__()
        self.ticked = ticked
        self.width = self.height = CHECKBOX_SIZE

    def draw(self) -> None:
        canvas, size = self.canv, CHECKBOX_SIZE
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.9)
        canvas.rect(0, 0, size, size)
        if self.ticked:
            canvas.setLineWidth(1.4)
            path = canvas.beginPath()
            path.moveTo(size * 0.2, size * 0.5)
            path.lineTo(size * 0.42, size * 0.22)
            path.lineTo(size * 0.82, size * 0.82)
            canvas.drawPath(path, stroke=1, fill=0)


def _row(visit: AppointmentView, zone: ZoneInfo) -> tuple[list[Any], Color | None]:
    """The cells of one visit, and the visit type's colour to tint its cell with (None for a
    visit that no longer takes place, which is greyed instead)."""
    status = AppointmentStatus(visit.status)
    gone = status in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
    ink = BODY.clone("gone", textColor=GREYED) if gone else BODY
    small = SMALL.clone("gone_small", textColor=GREYED) if gone else SMALL

    def strike(markup: str) -> str:
        return f"<strike>{markup}</strike>" if status == AppointmentStatus.CANCELLED else markup

    patient = [strike(f"<b>{markup(visit.patient_name)}</b>")]
    details = [f"Chart {markup(visit.chart_number)}"]
    if visit.note:
        note = visit.note
        if len(note) > NOTE_MAX_CHARS:  # at a word's end, so no word is printed half
            note = note[: NOTE_MAX_CHARS + 1].rsplit(maxsplit=1)[0].rstrip(" ,;.") + "…"
        details.append(f"<i>{markup(note)}</i>")
    visit_type = [markup(visit.visit_label)]
    if count := visit.visit_count_text():
        visit_type.append(f'<font size="{SMALL_SIZE}">{markup(count)}</font>')
    late = visit.late_cancel and status == AppointmentStatus.CANCELLED
    mark = LATE_CANCEL_MARK if late else STATUS_MARKS[status.value]
    muted = status == AppointmentStatus.SCHEDULED
    status_cell: list[Any] = [Paragraph(escape(mark), SCHEDULED if muted else ink)]
    if visit.cancel_reason and status == AppointmentStatus.CANCELLED:
        status_cell.append(Paragraph(markup(visit.cancel_reason), small))
    check_in: Any = "" if gone else _CheckBox(ticked=status != AppointmentStatus.SCHEDULED)
    cells = [
        check_in,
        [
            Paragraph(strike(f"<b>{clock(visit.starts_at, zone)}</b>"), ink),
            Paragraph(f"to {clock(visit.ends_at, zone)}", small),
        ],
        [Paragraph(patient[0], ink), Paragraph("<br/>".join(details), small)],
        Paragraph("<br/>".join(visit_type), ink),
        Paragraph(markup(visit.room_name) or NOT_SHOWN, ink),
        Paragraph(markup(visit.patient_phone) or NOT_SHOWN, ink),
        status_cell,
    ]
    return cells, None if gone else HexColor(visit.colour)


def _visits_table(visits: list[AppointmentView], zone: ZoneInfo) -> LongTable:
    rows: list[list[Any]] = [[Paragraph(title.upper(), COLUMN) for title in COLUMN_TITLES]]
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 1), (0, -1), 8),
        ("TOPPADDING", (0, 1), (0, -1), 5),
        ("BACKGROUND", (0, 0), (-1, 0), COLUMN_FILL),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [white, STRIPE]),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, MUTED),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
    ]
    for number, visit in enumerate(visits, start=1):
        cells, tint = _row(visit, zone)
        rows.append(cells)
        if tint is not None:  # the calendar's colour for the visit type, as on screen
            style.append(("BACKGROUND", (3, number), (3, number), tint))
    table = LongTable(rows, colWidths=COLUMN_WIDTHS, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _heading_note(visits: list[AppointmentView], zone: ZoneInfo) -> str:
    """ "6 visits, 08:00–16:45 · 1 cancelled": the shape of the therapist's day."""
    active = [v for v in visits if v.active]
    parts = []
    if active:
        first, last = min(v.starts_at for v in active), max(v.ends_at for v in active)
        plural = "s" if len(active) != 1 else ""
        parts.append(f"{len(active)} visit{plural}, {clock(first, zone)}–{clock(last, zone)}")
    else:
        parts.append("no visits left")
    for status, word in (
        (AppointmentStatus.CANCELLED, "cancelled"),
        (AppointmentStatus.NO_SHOW, "no-show"),
    ):
        if count := sum(1 for v in visits if v.status == status.value):
            parts.append(f"{count} {word}")
    return "  ·  ".join(parts)


def _boxed(flowables: list[Any], *, fill: Color, padding: float) -> Table:
    box = Table([[flowables]], colWidths=[sum(COLUMN_WIDTHS)])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), padding),
                ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
            ]
        )
    )
    return box


def _render(sheet: _Sheet, sections: list[_Section], *, page_per_therapist: bool) -> bytes:
    buffer = io.BytesIO()
    doc = _DayDocument(
        buffer,
        pagesize=PAGE_SIZE,
        title=f"Day sheet, {date_in_words(sheet.day)}",
        author=printable(sheet.clinic.name),
        subject=printable(f"Visits for {sheet.for_whom}"),
        creator=f"PT Clinic {__version__}",
    )
    frame = Frame(
        SIDE_MARGIN,
        FRAME_BOTTOM,
        PAGE_SIZE[0] - 2 * SIDE_MARGIN,
        FRAME_TOP - FRAME_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates(
        [PageTemplate("day", [frame], onPage=sheet.draw_page, onPageEnd=sheet.draw_page_end)]
    )
    story: list[Any] = []
    if sheet.closed_reason is not None:
        why = f" ({sheet.closed_reason})" if sheet.closed_reason else ""
        text = f"The clinic is marked closed on this day{why}."
        if sections:
            text += " The visits below still need moving."
        story += [_boxed([Paragraph(markup(text), NOTICE)], fill=white, padding=6), Spacer(1, 10)]
    if not sections:
        story.append(
            _boxed(
                [
                    Paragraph("No visits booked", EMPTY_TITLE),
                    Spacer(1, 4),
                    Paragraph(
                        markup(f"for {sheet.for_whom} on {date_in_words(sheet.day)}"), EMPTY_NOTE
                    ),
                ],
                fill=STRIPE,
                padding=22,
            )
        )
    for number, section in enumerate(sections):
        if number and page_per_therapist:
            story.append(PageBreak())
        elif number:
            story += [CondPageBreak(SECTION_MIN_HEIGHT), Spacer(1, 14)]
        story += [
            _SectionHeading(section.title, _heading_note(section.visits, sheet.zone)),
            Spacer(1, 4),
            _visits_table(section.visits, sheet.zone),
        ]
    doc.build(story, canvasmaker=PagedCanvas)
    return buffer.getvalue()
