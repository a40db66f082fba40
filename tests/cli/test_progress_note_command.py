"""`ptclinic print progress-note`, run as a script would, on both engines."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from ptclinic.cli.main import main
from ptclinic.models import AuditEvent
from tests.cli.conftest import Run
from tests.conftest import PASSWORD
from tests.services import conftest as scheduling
from tests.services.conftest import Clinic
from tests.services.test_progress_report import progress_history

scheduled = scheduling.scheduled  # the service tests' small clinic, as a fixture here too

LOGIN = ("--user", "dlee", "--password-stdin")


def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _events_since(clinic: Clinic, since: int) -> list[tuple[str, str, int | None]]:
    with clinic.db.session() as session:
        return [
            tuple(row)  # type: ignore[misc]
            for row in session.execute(
                select(AuditEvent.action, AuditEvent.entity_type, AuditEvent.entity_id)
                .where(AuditEvent.id > since)
                .order_by(AuditEvent.id)
            )
        ]


def _last_event(clinic: Clinic) -> int:
    with clinic.db.session() as session:
        return max(session.scalars(select(AuditEvent.id)))


def test_the_latest_progress_note_is_written_and_audited(
    cli: Run, scheduled: Clinic, tmp_path: Path
) -> None:
    history = progress_history(scheduled)
    before = _last_event(scheduled)
    out = tmp_path / "ortiz-progress.pdf"
    result = cli(
        "print", "progress-note", "--patient", "10001", "--out", str(out), *LOGIN,
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.out.strip() == (
        f"Saved the progress note of Jan 18, 2027 for Ortiz, Maria (chart 10001) to {out}."
    )
    text = _pdf_text(out)
    assert "Physical therapy progress note" in text and "Chart 10001" in text
    assert "MCID met (10 points)" in text and "Page 1 of 2" in text
    assert _events_since(scheduled, before) == [
        ("login", "", None), ("print", "note", history.second_progress),
    ]  # fmt: skip


def test_a_chosen_note_and_a_draft(cli: Run, scheduled: Clinic, tmp_path: Path) -> None:
    history = progress_history(scheduled, sign_last=False)
    draft = tmp_path / "draft.pdf"
    result = cli(
        "print", "progress-note", "--patient", "10001", "--note", "latest",
        "--out", str(draft), *LOGIN, stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.out.rstrip().endswith("It is a DRAFT, not signed yet.")
    assert "DRAFT — not signed" in _pdf_text(draft)
    daily = tmp_path / "daily.pdf"
    result = cli(
        "print", "progress-note", "--patient", "10001", "--note", str(history.daily),
        "--out", str(daily), *LOGIN, stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "Saved the daily note of Dec 9, 2026" in result.out
    assert "Physical therapy daily note" in _pdf_text(daily)


def test_refusals_are_plain_and_exit_2(cli: Run, scheduled: Clinic, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    args = ("print", "progress-note", "--out", str(out))
    nothing = cli(*args, "--patient", "10001", *LOGIN, stdin=f"{PASSWORD}\n")
    assert nothing.code == 2
    assert nothing.err.strip() == "error: Ortiz, Maria (chart 10001) has no progress note yet."
    unknown = cli(*args, "--patient", "77777", *LOGIN, stdin=f"{PASSWORD}\n")
    assert unknown.code == 2
    assert unknown.err.strip() == "error: No patient has chart number “77777”."
    history = progress_history(scheduled)
    # Another patient's chart number does not reach Ortiz's notes.
    other = cli(
        *args, "--patient", "10002", "--note", str(history.daily), *LOGIN, stdin=f"{PASSWORD}\n"
    )
    assert other.code == 2 and f"has no note {history.daily}" in other.err
    bad = cli(*args, "--patient", "10001", "--note", "newest", *LOGIN)
    assert bad.code == 2 and "“newest” is not a note" in bad.err
    desk = cli(
        *args, "--patient", "10001", "--user", "frontdesk", "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert desk.code == 2 and "not allowed to view clinical records" in desk.err
    assert not out.exists()
    out.write_bytes(b"last month's copy")
    before = _last_event(scheduled)
    kept = cli(*args, "--patient", "10001", *LOGIN, stdin=f"{PASSWORD}\n")
    assert kept.code == 2 and "already exists" in kept.err
    assert out.read_bytes() == b"last month's copy"
    assert _events_since(scheduled, before) == []  # refused before logging in or printing
    replaced = cli(*args, "--patient", "10001", "--force", *LOGIN, stdin=f"{PASSWORD}\n")
    assert replaced.code == 0 and out.read_bytes().startswith(b"%PDF")


def test_help_explains_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["print", "progress-note", "--help"]) == 0
    shown = capsys.readouterr().out
    assert "--note latest|NOTE_ID" in shown and "MCID" in shown and "DRAFT" in shown
    assert "ptclinic print progress-note --patient 10023" in shown
    assert main(["print", "--help"]) == 0
    assert "progress-note" in capsys.readouterr().out
