"""Run `ptclinic` in-process, as a person or a script would, against the test database."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ptclinic.cli.main import main


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def cli(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    """``cli("user", "list", stdin="...")`` runs ``ptclinic --database <test db> user list``."""
    return make_runner(["--database", database_url], tmp_path, monkeypatch, capsys)


def make_runner(
    prefix: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    # Never touch the real user data folder or a database from the environment.
    monkeypatch.setenv("PTCLINIC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PTCLINIC_DATABASE_URL", raising=False)
    monkeypatch.delenv("PTCLINIC_DEBUG", raising=False)

    def run(*args: str, stdin: str = "") -> Result:
        capsys.readouterr()
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main([*prefix, *args])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        if code >= 2:  # 1 is a check that ran and found a problem, explained on stdout
            assert err.splitlines()[-1].startswith(("error: ", "ptclinic")), err
        return Result(code, out, err)

    return run
