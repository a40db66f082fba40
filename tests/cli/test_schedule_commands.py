"""`ptclinic print day-sheet` and `ptclinic export ics`, run as a script would, on both engines."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import select

from ptclinic.cli.main import main
from ptclinic.models import AuditEvent
from ptclinic.roles import Role
from ptclinic.services import booking
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_today
from tests.cli.conftest import Run
from tests.conftest import PASSWORD
from tests.services import conftest as scheduling
from tests.services.conftest import MONDAY, Clinic, at

scheduled = scheduling.scheduled  # the service tests' small clinic, as a fixture here too

LOGIN = ("--user", "frontdesk", "--password-stdin")


def _actions(clinic: Clinic, since: int) -> list[str]:
    with clinic.db.session() as session:
        return list(
            session.scalars(
                select(AuditEvent.action).where(AuditEvent.id > since).order_by(AuditEvent.id)
            )
        )


def _last_event(clinic: Clinic) -> int:
    with clinic.db.session() as session:
        return max(session.scalars(select(AuditEvent.id)))


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_print_day_sheet_writes_the_pdf_and_audits_the_print(
    cli: Run, scheduled: Clinic, tmp_path: Path
) -> None:
    booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    booking.book(
        scheduled.db,
        scheduled.desk,
        scheduled.request(at(MONDAY, 11), therapist=scheduled.kim, patient=scheduled.chen),
    )
    before = _last_event(scheduled)
    out = tmp_path / "monday.pdf"
    result = cli(
        "print", "day-sheet", "--date", "2026-12-07", "--out", str(out), *LOGIN,
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.out.strip() == (
        f"Saved the day sheet for Monday, December 7, 2026 (all therapists) to {out}."
    )
    text = _pdf_text(out)
    assert "Ortiz, Maria" in text and "Chen, Wei" in text and "Page 1 of 1" in text
    assert _actions(scheduled, before) == ["login", "print", "print", "print"]

    dlee = tmp_path / "dlee.pdf"
    one = cli(
        "print", "day-sheet", "--date", "2026-12-07", "--therapist", "dlee", "--out", str(dlee),
        "--page-per-therapist", *LOGIN, stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert one.code == 0, one.err
    assert "(therapist dlee)" in one.out
    assert "Ortiz, Maria" in _pdf_text(dlee) and "Chen" not in _pdf_text(dlee)


def test_an_existing_file_is_kept_unless_force_is_given(
    cli: Run, scheduled: Clinic, tmp_path: Path
) -> None:
    booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"yesterday's sheet")
    before = _last_event(scheduled)
    args = ("print", "day-sheet", "--date", "2026-12-07", "--out", str(out), *LOGIN)
    kept = cli(*args, stdin=f"{PASSWORD}\n")
    assert kept.code == 2 and "already exists" in kept.err and "--force" in kept.err
    assert out.read_bytes() == b"yesterday's sheet"
    assert _actions(scheduled, before) == []  # refused before logging in or printing
    replaced = cli(*args, "--force", stdin=f"{PASSWORD}\n")
    assert replaced.code == 0, replaced.err
    assert out.read_bytes().startswith(b"%PDF") and "Ortiz, Maria" in _pdf_text(out)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_print_without_a_date_prints_the_clinics_today(
    cli: Run, scheduled: Clinic, tmp_path: Path
) -> None:
    out = tmp_path / "today.pdf"
    result = cli("print", "day-sheet", "--out", str(out), *LOGIN, stdin=f"{PASSWORD}\n")
    assert result.code == 0, result.err
    today = clinic_today(scheduled.db)
    assert f"{today.day}, {today.year}" in result.out
    assert "No visits booked" in _pdf_text(out)


def test_print_refusals_are_plain_and_exit_2(cli: Run, scheduled: Clinic, tmp_path: Path) -> None:
    out = str(tmp_path / "x.pdf")
    bad_date = cli("print", "day-sheet", "--date", "07/12/2026", "--out", out, *LOGIN)
    assert bad_date.code == 2
    assert bad_date.err.strip() == (
        "error: --date “07/12/2026” is not a date: write it as YYYY-MM-DD, e.g. 2026-12-07."
    )
    no_folder = cli("print", "day-sheet", "--out", str(tmp_path / "missing" / "x.pdf"), *LOGIN)
    assert no_folder.code == 2 and "does not exist" in no_folder.err
    folder = cli("print", "day-sheet", "--out", str(tmp_path), *LOGIN)
    assert folder.code == 2 and "is a folder" in folder.err
    no_user = cli("print", "day-sheet", "--out", out)
    assert no_user.code == 2 and "--user" in no_user.err
    wrong = cli("print", "day-sheet", "--out", out, *LOGIN, stdin="not the password\n")
    assert wrong.code == 2 and "not right" in wrong.err
    admin = cli(
        "print", "day-sheet", "--out", out, "--user", "admin", "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert admin.code == 2 and "not allowed to view patients" in admin.err
    nobody = cli(
        "print", "day-sheet", "--therapist", "zed", "--out", out, *LOGIN, stdin=f"{PASSWORD}\n"
    )
    assert nobody.code == 2 and "No staff member has the username “zed”" in nobody.err
    assert not Path(out).exists()


def _next_weekday(clinic: Clinic, days_ahead: int) -> timedelta:
    """How far from the clinic's today to the first Monday-Friday at least ``days_ahead`` on."""
    day = clinic_today(clinic.db) + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day - clinic_today(clinic.db)


def test_export_ics_defaults_to_eight_weeks_from_today(
    cli: Run, scheduled: Clinic, tmp_path: Path
) -> None:
    today = clinic_today(scheduled.db)
    soon = today + _next_weekday(scheduled, 1)
    later = today + _next_weekday(scheduled, 60)  # beyond eight weeks
    booking.book(scheduled.db, scheduled.desk, scheduled.request(at(soon, 10)))
    booking.book(scheduled.db, scheduled.desk, scheduled.request(at(later, 10)))
    before = _last_event(scheduled)
    out = tmp_path / "dlee.ics"
    result = cli(
        "export", "ics", "--therapist", "dlee", "--out", str(out), *LOGIN, stdin=f"{PASSWORD}\n"
    )
    assert result.code == 0, result.err
    last = today + timedelta(weeks=8)
    assert result.out.strip() == (
        f"Saved 1 visit of dlee, {today.isoformat()} to {last.isoformat()}, to {out}."
    )
    calendar = Calendar.from_ical(out.read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "M.O. — Follow-up"
    assert event.decoded("dtstart") == at(soon, 10)
    assert _actions(scheduled, before) == ["login", "export", "export"]


def test_export_ics_with_a_range_and_its_refusals(
    cli: Run, scheduled: Clinic, tmp_path: Path, make_staff: Callable[[str, Role], Actor]
) -> None:
    booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(MONDAY + timedelta(days=2), 10))
    )
    out = tmp_path / "week.ics"
    ranged = cli(
        "export", "ics", "--therapist", "dlee", "--from", "2026-12-07", "--to", "2026-12-08",
        "--out", str(out), *LOGIN, stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert ranged.code == 0, ranged.err
    assert "Saved 1 visit of dlee, 2026-12-07 to 2026-12-08" in ranged.out
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")

    again = cli(
        "export", "ics", "--therapist", "dlee", "--out", str(out), *LOGIN, stdin=f"{PASSWORD}\n"
    )
    assert again.code == 2 and "already exists" in again.err

    backwards = cli(
        "export", "ics", "--therapist", "dlee", "--from", "2026-12-08", "--to", "2026-12-01",
        "--out", str(tmp_path / "b.ics"), *LOGIN, stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert backwards.code == 2
    assert "The last day (2026-12-01) comes before the first day (2026-12-08)" in backwards.err
    bad = cli(
        "export",
        "ics",
        "--therapist",
        "dlee",
        "--to",
        "soon",
        "--out",
        str(tmp_path / "c.ics"),
        *LOGIN,
    )
    assert bad.code == 2 and "--to “soon” is not a date" in bad.err

    make_staff("pta", Role.ASSISTANT)
    assistant = cli(
        "export", "ics", "--therapist", "dlee", "--out", str(tmp_path / "d.ics"), "--user", "pta",
        "--password-stdin", stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert assistant.code == 2 and "not allowed to export patient data" in assistant.err
    assert not (tmp_path / "d.ics").exists()
    missing = cli("export", "ics", "--out", str(tmp_path / "e.ics"), *LOGIN)
    assert missing.code == 2  # --therapist is required


@pytest.mark.parametrize("command", [["print", "day-sheet"], ["export", "ics"]])
def test_help_explains_with_examples(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--help"]) == 0
    shown = capsys.readouterr().out
    assert "examples:" in shown and "--out FILE" in shown and "--password-stdin" in shown
    assert "--force" in shown and "audit log" in shown
