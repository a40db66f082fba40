"""The day sheet PDF: what it shows, how it marks statuses, how it pages, and that it is audited.

The PDF is read back with pypdf: its text for what is printed, and its drawing operations for how
(check-in boxes, grey ink, struck-through names, text kept inside the page).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from sqlalchemy import select

from ptclinic.models import AppointmentStatus, AuditEvent, ClosedDay, EpisodeOfCare
from ptclinic.services import booking, patients
from ptclinic.services.day_sheet import (
    CHECKBOX_SIZE,
    COLUMN_WIDTHS,
    GREYED,
    INK,
    PAGE_SIZE,
    SIDE_MARGIN,
    date_in_words,
    day_sheet_pdf,
    printable,
)
from ptclinic.services.errors import NotFound, PermissionDenied, ValidationError
from tests.conftest import patient_input
from tests.services.conftest import MONDAY, Clinic, at

PRINTED_AT = at(MONDAY, 7, 42)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@dataclass(frozen=True)
class _Run:
    """One string drawn on a page, with how it was drawn."""

    text: str
    colour: tuple[float, float, float]
    struck: bool  # a line was stroked just before it: ReportLab's strike-through


def _runs(pdf: bytes, page: int = 0) -> list[_Run]:
    reader = PdfReader(io.BytesIO(pdf))
    operations = ContentStream(reader.pages[page].get_contents(), reader).operations
    runs, colour, stroked = [], (0.0, 0.0, 0.0), False
    for operands, operator in operations:
        if operator == b"rg":
            colour = tuple(round(float(v), 3) for v in operands)  # type: ignore[assignment]
        elif operator == b"S":
            stroked = True
        elif operator == b"Tj":
            runs.append(_Run(str(operands[0]), colour, stroked))
            stroked = False
    return runs


def _run(pdf: bytes, text: str) -> _Run:
    return next(r for r in _runs(pdf) if r.text == text)


def _rgb(colour: Color) -> tuple[float, float, float]:
    red, green, blue = (round(v, 3) for v in colour.rgb())
    return red, green, blue


def _check_boxes(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    operations = ContentStream(reader.pages[0].get_contents(), reader).operations
    size = [0, 0, CHECKBOX_SIZE, CHECKBOX_SIZE]
    return sum(1 for operands, op in operations if op == b"re" and operands == size)


def _events(clinic: Clinic, action: str) -> list[AuditEvent]:
    with clinic.db.session() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def _episode(clinic: Clinic, authorized: int) -> int:
    with clinic.db.session() as session:
        episode = EpisodeOfCare(
            patient_id=clinic.ortiz, start_date=MONDAY, authorized_visits=authorized, title="SI"
        )
        session.add(episode)
        session.flush()
        return episode.id


def test_the_sheet_lists_each_therapists_visits_under_the_clinics_header(
    scheduled: Clinic,
) -> None:
    db, desk = scheduled.db, scheduled.desk
    booking.book(
        db,
        desk,
        scheduled.request(at(MONDAY, 10), room=scheduled.room1, episode=_episode(scheduled, 12)),
    )
    evaluation = scheduled.request(
        at(MONDAY, 9), therapist=scheduled.kim, patient=scheduled.chen, minutes=60
    )
    booking.book(db, desk, replace(evaluation, visit_type="initial_evaluation"))
    booking.book(db, desk, scheduled.request(at(MONDAY + timedelta(days=1), 10)))  # next day

    pdf = day_sheet_pdf(db, desk, MONDAY, now=PRINTED_AT)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert (float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)) == (
        612,
        792,
    )  # Letter, portrait
    assert reader.metadata is not None and reader.metadata.title == (
        "Day sheet, Monday, December 7, 2026"
    )
    (text,) = _pages(pdf)
    lines = text.splitlines()
    for expected in (
        "Riverside Physical Therapy",
        "Monday, December 7, 2026",
        "Page 1 of 1",
        "Printed Dec 7, 2026, 07:42 by Frontdesk Person",
        "All therapists: 2 visits, 09:00–10:45",
    ):
        assert any(expected in line for line in lines), expected
    # Sections by therapist name; within one, time, patient and chart, visit, room, phone, status.
    assert lines.index("Brian Kim, PT, DPT") < lines.index("Dana Lee, PT, DPT")
    chen = lines.index("Chen, Wei")
    assert lines[chen - 2 : chen + 4] == [
        "09:00",
        "to 10:00",
        "Chen, Wei",
        "Chart 10002",
        "Initial evaluation",
        "—",  # no room booked
    ]
    ortiz = lines.index("Ortiz, Maria")
    assert lines[ortiz - 2 : ortiz + 7] == [
        "10:00",
        "to 10:45",
        "Ortiz, Maria",
        "Chart 10001",
        "Follow-up",
        "visit 1 of 12 authorized",
        "Treatment 1",
        "(555) 201-3344",
        "Scheduled",
    ]
    assert "IN TIME PATIENT VISIT ROOM PHONE STATUS" in text.replace("\n", " ")
    assert _check_boxes(pdf) == 2


def test_one_therapists_sheet_leaves_out_everyone_elses_visits(scheduled: Clinic) -> None:
    db, desk = scheduled.db, scheduled.desk
    booking.book(db, desk, scheduled.request(at(MONDAY, 10)))
    booking.book(
        db, desk, scheduled.request(at(MONDAY, 11), therapist=scheduled.kim, patient=scheduled.chen)
    )
    (text,) = _pages(day_sheet_pdf(db, desk, MONDAY, " DLee ", now=PRINTED_AT))
    assert "Ortiz, Maria" in text and "Dana Lee, PT, DPT: 1 visit, 10:00–10:45" in text
    assert "Chen" not in text and "Brian Kim" not in text


def test_statuses_are_words_with_marks_and_gone_visits_are_greyed_without_a_box(
    scheduled: Clinic,
) -> None:
    db, desk = scheduled.db, scheduled.desk
    patient = {
        name: patients.register_patient(
            db, desk, patient_input(last_name=name, first_name="Pat", phone="")
        ).id
        for name in ("Arrived", "Late", "Early", "Missed")
    }
    booking.book(db, desk, scheduled.request(at(MONDAY, 8)))
    arrived = booking.book(db, desk, scheduled.request(at(MONDAY, 9), patient=patient["Arrived"]))
    booking.set_status(db, desk, arrived, 1, AppointmentStatus.CHECKED_IN)
    late = booking.book(db, desk, scheduled.request(at(MONDAY, 10), patient=patient["Late"]))
    booking.set_status(
        db, desk, late, 1, AppointmentStatus.CANCELLED, reason="car trouble", now=at(MONDAY, 7)
    )
    early = booking.book(db, desk, scheduled.request(at(MONDAY, 11), patient=patient["Early"]))
    days_ahead = at(MONDAY, 7) - timedelta(days=3)
    booking.set_status(
        db, desk, early, 1, AppointmentStatus.CANCELLED, reason="away", now=days_ahead
    )
    missed = booking.book(db, desk, scheduled.request(at(MONDAY, 12), patient=patient["Missed"]))
    booking.set_status(db, desk, missed, 1, AppointmentStatus.NO_SHOW, now=at(MONDAY, 13))

    pdf = day_sheet_pdf(db, desk, MONDAY, now=PRINTED_AT)
    text = _pages(pdf)[0]
    for mark in ("Scheduled", "✓ Checked in", "✗ Late cancel", "✗ Cancelled", "▲ No-show"):
        assert mark in text
    assert "car trouble" in text and "away" in text
    assert "2 visits, 08:00–09:45 · 2 cancelled · 1 no-show" in " ".join(text.split())
    # Boxes to tick for the two visits still on (one already ticked), none for the other three.
    assert _check_boxes(pdf) == 2
    ink, grey = _rgb(INK), _rgb(GREYED)
    assert _run(pdf, "Ortiz, Maria") == _Run("Ortiz, Maria", ink, struck=False)
    assert _run(pdf, "Late, Pat") == _Run("Late, Pat", grey, struck=True)
    assert _run(pdf, "Early, Pat") == _Run("Early, Pat", grey, struck=True)
    # A no-show did not take place but was not called off: greyed, not struck through.
    assert _run(pdf, "Missed, Pat") == _Run("Missed, Pat", grey, struck=False)


def test_an_empty_day_says_so_instead_of_printing_a_blank_page(scheduled: Clinic) -> None:
    tuesday = MONDAY + timedelta(days=1)
    booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    (everyone,) = _pages(day_sheet_pdf(scheduled.db, scheduled.desk, tuesday, now=PRINTED_AT))
    assert "No visits booked" in everyone
    assert "for all therapists on Tuesday, December 8, 2026" in everyone
    assert "Page 1 of 1" in everyone and "Ortiz" not in everyone
    (kim,) = _pages(day_sheet_pdf(scheduled.db, scheduled.desk, MONDAY, "bkim", now=PRINTED_AT))
    assert "No visits booked" in kim and "for Brian Kim, PT, DPT on Monday" in kim


def test_a_closed_day_is_pointed_out(scheduled: Clinic) -> None:
    with scheduled.db.session() as session:
        session.add(ClosedDay(day=MONDAY, reason="Staff training"))
    (text,) = _pages(day_sheet_pdf(scheduled.db, scheduled.desk, MONDAY, now=PRINTED_AT))
    assert "The clinic is marked closed on this day (Staff training)." in text
    assert "No visits booked" in text


def test_a_long_day_runs_on_with_page_numbers_and_the_therapist_named_again(
    scheduled: Clinic,
) -> None:
    db, desk = scheduled.db, scheduled.desk
    for n in range(30):
        booking.book(
            db, desk, scheduled.request(at(MONDAY, 7) + timedelta(minutes=20 * n), minutes=20)
        )
    booking.book(
        db, desk, scheduled.request(at(MONDAY, 8), therapist=scheduled.kim, patient=scheduled.chen)
    )
    first, second = _pages(day_sheet_pdf(db, desk, MONDAY, now=PRINTED_AT))
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "Monday, December 7, 2026" in second and "Riverside Physical Therapy" in second
    assert "Brian Kim, PT, DPT (continued)" not in second
    assert "Dana Lee, PT, DPT (continued)" in second
    assert "TIME" in second  # the column titles repeat
    times = [line for line in (first + second).splitlines() if line.startswith("to ")]
    assert len(times) == 31


def test_a_page_per_therapist_on_request(scheduled: Clinic) -> None:
    db, desk = scheduled.db, scheduled.desk
    booking.book(db, desk, scheduled.request(at(MONDAY, 10)))
    booking.book(
        db, desk, scheduled.request(at(MONDAY, 11), therapist=scheduled.kim, patient=scheduled.chen)
    )
    together = _pages(day_sheet_pdf(db, desk, MONDAY, now=PRINTED_AT))
    assert len(together) == 1
    kim, lee = _pages(day_sheet_pdf(db, desk, MONDAY, page_per_therapist=True, now=PRINTED_AT))
    assert "Brian Kim" in kim and "Chen, Wei" in kim and "Dana Lee" not in kim
    assert "Dana Lee" in lee and "Ortiz, Maria" in lee and "(continued)" not in lee
    assert "Page 2 of 2" in lee


def test_long_names_wrap_inside_the_page_and_text_is_never_read_as_markup(
    scheduled: Clinic,
) -> None:
    db, desk = scheduled.db, scheduled.desk
    long_name = patients.register_patient(
        db,
        desk,
        patient_input(
            last_name="Wolfeschlegelsteinhausen Featherstonehaugh Cholmondeley Marjoribanks",
            first_name="Maximiliana Alexandrina Theodora",
        ),
    ).id
    booking.book(
        db,
        desk,
        booking.BookingRequest(
            patient_id=long_name,
            therapist_id=scheduled.lee.staff_id,
            starts_at=at(MONDAY, 10),
            minutes=45,
            visit_type="follow_up",
            note="Bring X-rays & <b>MRI</b> " + "please " * 100,
        ),
    )
    pdf = day_sheet_pdf(db, desk, MONDAY, now=PRINTED_AT)
    text = _pages(pdf)[0]
    assert "Bring X-rays & <b>MRI</b> please" in text.replace("\n", " ")
    shown = text.replace("\n", " ").split("Bring", 1)[1].split("…", 1)[0]
    assert shown.endswith(" please") and len(shown) < 160  # an essay of a note is cut short
    reader = PdfReader(io.BytesIO(pdf))
    right_edge = PAGE_SIZE[0] - SIDE_MARGIN
    drawn: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            name = str(font["/BaseFont"]).lstrip("/")  # type: ignore[index]
            scale = cm[0] * tm[0]
            drawn.append((text, x + stringWidth(text.strip(), name, size) * scale))

    reader.pages[0].extract_text(visitor_text=visit)
    assert drawn and all(end <= right_edge + 0.5 for _, end in drawn), max(
        drawn, key=lambda d: d[1]
    )
    # The long name wraps inside its own column rather than running into the visit type.
    patient_column_end = SIDE_MARGIN + sum(COLUMN_WIDTHS[:3])
    name_lines = [end for t, end in drawn if "Wolfeschlegelsteinhausen" in t or "Marjoribanks" in t]
    assert len(name_lines) >= 2 and all(end <= patient_column_end for end in name_lines)


def test_letters_the_built_in_font_lacks_are_printed_as_their_plain_letter(
    scheduled: Clinic,
) -> None:
    assert printable("Łukasz Żółć") == "Lukasz Zólc"
    assert printable("Nguyễn Thị") == "Nguyên Thi"  # keeps the accent the font has
    assert printable("José Müller-Øster — O'Brien") == "José Müller-Øster — O'Brien"
    assert printable("李") == "?"
    patient = patients.register_patient(
        scheduled.db, scheduled.desk, patient_input(last_name="Żółć", first_name="Łukasz")
    ).id
    booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10), patient=patient))
    assert "Zólc, Lukasz" in _pages(day_sheet_pdf(scheduled.db, scheduled.desk, MONDAY))[0]


def test_dates_are_written_in_english_words() -> None:
    assert date_in_words(date(2026, 12, 7)) == "Monday, December 7, 2026"
    assert date_in_words(date(2027, 1, 31)) == "Sunday, January 31, 2027"


def test_printing_is_audited_once_for_the_sheet_and_once_per_patient(scheduled: Clinic) -> None:
    db, desk = scheduled.db, scheduled.desk
    booking.book(db, desk, scheduled.request(at(MONDAY, 10)))
    booking.book(db, desk, scheduled.request(at(MONDAY, 11)))
    gone = booking.book(db, desk, scheduled.request(at(MONDAY, 12), patient=scheduled.chen))
    booking.set_status(db, desk, gone, 1, AppointmentStatus.CANCELLED, reason="ill")
    day_sheet_pdf(db, desk, MONDAY, "dlee", channel="command line")
    sheet, *listed = _events(scheduled, "print")
    assert (sheet.actor_username, sheet.entity_type, sheet.patient_id) == (
        "frontdesk",
        "day_sheet",
        None,
    )
    assert sheet.summary == "day sheet for 2026-12-07, dlee: 3 visits (command line)"
    assert {e.patient_id for e in listed} == {scheduled.ortiz, scheduled.chen}
    assert len(listed) == 2  # once per patient, though Ortiz has two visits
    assert {e.summary for e in listed} == {"listed on the day sheet for 2026-12-07 (command line)"}


def test_who_may_print_and_for_whom(scheduled: Clinic) -> None:
    db = scheduled.db
    booking.book(db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    with pytest.raises(PermissionDenied, match="not allowed to view patients"):
        day_sheet_pdf(db, scheduled.admin, MONDAY)
    assert _events(scheduled, "print") == []
    assert day_sheet_pdf(db, scheduled.lee, MONDAY).startswith(b"%PDF")  # therapists may
    with pytest.raises(NotFound, match="No staff member has the username “nobody”"):
        day_sheet_pdf(db, scheduled.desk, MONDAY, "nobody")
    with pytest.raises(ValidationError, match=r"Frontdesk Person \(Front desk\) does not see"):
        day_sheet_pdf(db, scheduled.desk, MONDAY, "frontdesk")
