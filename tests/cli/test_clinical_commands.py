"""`ptclinic print evaluation`, run as a script would, on both engines."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from ptclinic.cli.main import main
from ptclinic.models import AuditEvent
from ptclinic.services import episodes
from ptclinic.services.episodes import EpisodeInput
from tests.cli.conftest import Run
from tests.conftest import PASSWORD
from tests.services import conftest as scheduling
from tests.services.conftest import Clinic
from tests.services.test_evaluation_report import NOW, open_evaluated_episode

scheduled = scheduling.scheduled  # the service tests' small clinic, as a fixture here too

LOGIN = ("--user", "dlee", "--password-stdin")


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def _actions_since(clinic: Clinic, since: int) -> list[tuple[str, str]]:
    with clinic.db.session() as session:
        return [
            (action, entity)
            for action, entity in session.execute(
                select(AuditEvent.action, AuditEvent.entity_type)
                .where(AuditEvent.id > since)
                .order_by(AuditEvent.id)
            )
        ]


def _last_event(clinic: Clinic) -> int:
    with clinic.db.session() as session:
        return max(session.scalars(select(AuditEvent.id)))


def test_print_evaluation_writes_the_latest_evaluation_and_audits_it(
    cli: Run, scheduled: Clinic, tmp_path: Path
) -> None:
    episode, _evaluation = open_evaluated_episode(scheduled)
    # A later episode without an evaluation does not hide the one that has it.
    episodes.open_episode(
        scheduled.db, scheduled.desk, scheduled.ortiz,
        EpisodeInput(title="Left hip pain", start_date=date(2026, 12, 9)), now=NOW,
    )  # fmt: skip
    before = _last_event(scheduled)
    out = tmp_path / "ortiz.pdf"
    result = cli(
        "print", "evaluation", "--patient", "10001", "--out", str(out), *LOGIN,
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.out.strip() == (
        f"Saved the evaluation of Ortiz, Maria (chart 10001), episode {episode} "
        f"“Right SI joint pain”, to {out}."
    )
    text = _pdf_text(out)
    assert "Ortiz, Maria" in text and "Chart 10001" in text and "M46.1" in text
    assert "SI provocation cluster" in text and "Physician signature" in text
    assert _actions_since(scheduled, before) == [("login", ""), ("print", "evaluation")]


def test_print_evaluation_of_a_chosen_episode_and_a_draft(
    cli: Run, scheduled: Clinic, tmp_path: Path
) -> None:
    draft_episode, _draft = open_evaluated_episode(
        scheduled, content={"subjective": {"chief_complaint": "Low back pain"}}, sign=False
    )
    out = tmp_path / "draft.pdf"
    result = cli(
        "print", "evaluation", "--patient", "10001", "--episode", str(draft_episode),
        "--out", str(out), *LOGIN, stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "It is a DRAFT, not signed yet." in result.out
    assert "DRAFT — not signed" in _pdf_text(out)


def test_print_evaluation_refusals_are_plain_and_exit_2(
    cli: Run, scheduled: Clinic, tmp_path: Path
) -> None:
    out = tmp_path / "x.pdf"
    args = ("print", "evaluation", "--out", str(out))
    nothing = cli(*args, "--patient", "10001", *LOGIN, stdin=f"{PASSWORD}\n")
    assert nothing.code == 2
    assert nothing.err.strip() == "error: Ortiz, Maria (chart 10001) has no evaluation yet."
    unknown = cli(*args, "--patient", "77777", *LOGIN, stdin=f"{PASSWORD}\n")
    assert unknown.code == 2 and "No patient has chart number “77777”" in unknown.err
    episode, _evaluation = open_evaluated_episode(scheduled)
    other = cli(*args, "--patient", "10001", "--episode", "999", *LOGIN, stdin=f"{PASSWORD}\n")
    assert other.code == 2 and "has no episode of care 999" in other.err
    bad = cli(*args, "--patient", "10001", "--episode", "first", *LOGIN)
    assert bad.code == 2 and "“first” is not an episode number" in bad.err
    desk = cli(
        *args, "--patient", "10001", "--user", "frontdesk", "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert desk.code == 2 and "not allowed to view clinical records" in desk.err
    no_user = cli(*args, "--patient", "10001")
    assert no_user.code == 2 and "--user" in no_user.err
    assert not out.exists()
    out.write_bytes(b"last week's copy")
    before = _last_event(scheduled)
    kept = cli(*args, "--patient", "10001", *LOGIN, stdin=f"{PASSWORD}\n")
    assert kept.code == 2 and "already exists" in kept.err
    assert out.read_bytes() == b"last week's copy"
    assert _actions_since(scheduled, before) == []  # refused before logging in or printing
    replaced = cli(*args, "--patient", "10001", "--force", *LOGIN, stdin=f"{PASSWORD}\n")
    assert replaced.code == 0, replaced.err
    assert f"episode {episode}" in replaced.out and "Ortiz, Maria" in _pdf_text(out)


def test_help_explains_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["print", "evaluation", "--help"]) == 0
    shown = capsys.readouterr().out
    assert "examples:" in shown and "--patient CHART_NUMBER" in shown and "--episode ID" in shown
    assert "--force" in shown and "audit log" in shown
    assert main(["print", "--help"]) == 0
    listed = capsys.readouterr().out
    assert "day-sheet" in listed and "evaluation" in listed
