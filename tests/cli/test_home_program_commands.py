"""`ptclinic print home-program`, run as a script would, on both engines."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from ptclinic.cli.main import main
from ptclinic.services import care_plans
from tests.cli.conftest import Run
from tests.conftest import PASSWORD
from tests.services import conftest as scheduling
from tests.services.conftest import Clinic
from tests.services.test_care_plans import NOW, _signed_episode

scheduled = scheduling.scheduled

LOGIN = ("--user", "dlee", "--password-stdin")


def _text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_print_home_program_writes_the_handout(cli: Run, scheduled: Clinic, tmp_path: Path) -> None:
    care_plans.start_plan(scheduled.db, scheduled.lee, _signed_episode(scheduled), now=NOW)
    out = tmp_path / "home.pdf"
    result = cli("print", "home-program", "--patient", "10001", "--out", str(out), *LOGIN,
                 stdin=f"{PASSWORD}\n")  # fmt: skip
    assert result.code == 0, result.err
    assert result.out.strip() == (
        f"Saved the home exercise program of chart 10001 (regular print) to {out}."
    )
    assert "Your home exercise program" in _text(out) and "For Maria" in _text(out)
    big = tmp_path / "big.pdf"
    large = cli("print", "home-program", "--patient", "10001", "--large-print", "--out", str(big),
                *LOGIN, stdin=f"{PASSWORD}\n")  # fmt: skip
    assert large.code == 0 and "(large print)" in large.out
    assert len(PdfReader(str(big)).pages) > len(PdfReader(str(out)).pages)


def test_without_a_plan_it_says_so_and_writes_nothing(
    cli: Run, scheduled: Clinic, tmp_path: Path
) -> None:
    out = tmp_path / "home.pdf"
    result = cli("print", "home-program", "--patient", "10001", "--out", str(out), *LOGIN,
                 stdin=f"{PASSWORD}\n")  # fmt: skip
    assert result.code == 2 and "has no care plan yet" in result.err
    assert not out.exists()


def test_help_lists_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["print", "home-program", "--help"]) == 0
    shown = capsys.readouterr().out
    assert "--large-print" in shown and "examples:" in shown and "audit log" in shown
