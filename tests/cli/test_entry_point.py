"""The `ptclinic` entry point: python -m, the hand-off to the app, failures without tracebacks."""

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from ptclinic import __version__
from ptclinic.cli import main as cli_main
from ptclinic.db import Database, head_revision
from ptclinic.services import auth
from tests.cli.conftest import make_runner

ROOT = Path(__file__).resolve().parents[2]


def _python(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_python_dash_m_shows_help_for_every_command() -> None:
    top = _python("-m", "ptclinic", "--help")
    assert top.returncode == 0
    assert top.stdout.startswith("usage: ptclinic")
    for command in ("db", "user", "patient", "demo-data"):
        assert command in top.stdout
    for args in (["db", "check"], ["user", "add"], ["patient", "find"], ["demo-data"]):
        sub = _python("-m", "ptclinic", *args, "--help")
        assert sub.returncode == 0, sub.stderr
        assert "examples:" in sub.stdout and "--database URL" in sub.stdout


def test_python_dash_m_runs_a_headless_command_without_importing_qt(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from ptclinic.cli.main import main\n"
        "rc = main(sys.argv[1:])\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "assert not qt, qt\n"
        "sys.exit(rc)\n"
    )
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    assert _python("-c", code, "--database", url, "db", "upgrade").returncode == 0
    current = _python("-m", "ptclinic", "--database", url, "db", "current")
    assert current.returncode == 0, current.stderr
    assert f"Current revision: {head_revision()}" in current.stdout
    listed = _python("-c", code, "--database", url, "user", "list")
    assert listed.returncode == 0, listed.stderr


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"ptclinic {__version__}"


class _FakeGui:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[dict[str, Any]] = []
        monkeypatch.setattr(cli_main, "display_ready", lambda *, allow_vnc: True)
        monkeypatch.setattr(cli_main, "launch_gui", self.launch)

    def launch(
        self, database_url: str, data_dir: Path, *, demo_logins: Sequence[tuple[str, str, str]] = ()
    ) -> int:
        db = Database(database_url)
        try:
            logins = [auth.authenticate(db, u, p).username for u, p, _ in demo_logins]
        finally:
            db.dispose()
        self.calls.append(
            {"url": database_url, "dir": data_dir, "logins": logins, "existed": data_dir.exists()}
        )
        return 0


def test_without_a_command_the_app_starts_on_the_configured_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gui = _FakeGui(monkeypatch)
    monkeypatch.delenv("PTCLINIC_DATABASE_URL", raising=False)
    assert cli_main.main(["--data-dir", str(tmp_path / "clinic")]) == 0
    (call,) = gui.calls
    assert call["url"] == f"sqlite:///{tmp_path / 'clinic' / 'ptclinic.sqlite3'}"
    assert call["dir"] == tmp_path / "clinic"


def test_demo_starts_the_app_on_a_fresh_demo_clinic_with_working_logins(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gui = _FakeGui(monkeypatch)
    assert cli_main.main(["--demo"]) == 0
    (call,) = gui.calls
    assert call["existed"] and not call["dir"].exists()  # the temporary folder is removed after
    assert call["logins"] == ["admin", "frontdesk", "therapist", "assistant", "student"]
    assert "Demo clinic ready" in capsys.readouterr().out


def test_a_kept_demo_is_built_once_and_opened_again_after_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gui = _FakeGui(monkeypatch)
    kept = tmp_path / "my-demo"
    assert cli_main.main(["--demo", "--data-dir", str(kept)]) == 0
    assert "Demo clinic ready" in capsys.readouterr().out
    assert cli_main.main(["--demo", "--data-dir", str(kept)]) == 0  # as after a kill -9
    assert "Opening the demo clinic kept in" in capsys.readouterr().out
    first, second = gui.calls
    assert first["url"] == second["url"] and second["dir"] == kept and kept.exists()
    # Every command given the same --data-dir finds the kept demo's database.
    run = make_runner(["--data-dir", str(kept)], tmp_path, monkeypatch, capsys)
    listed = run("user", "list")
    assert listed.code == 0 and "therapist" in listed.out
    assert second["logins"] == ["admin", "frontdesk", "therapist", "assistant", "student"]
    other = tmp_path / "papers"
    other.mkdir()
    (other / "notes.txt").write_text("not a clinic")
    plain = make_runner([], tmp_path, monkeypatch, capsys)
    refused = plain("--demo", "--data-dir", str(other))
    assert refused.code == 2 and "holds something other than a demo clinic" in refused.err


def test_demo_refuses_a_database_of_your_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = make_runner([], tmp_path, monkeypatch, capsys)
    result = run("--demo", "--database", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert result.code == 2 and "--demo makes its own clinic" in result.err
    combined = run("--demo", "user", "list")
    assert combined.code == 2 and "cannot be combined" in combined.err


def test_an_unexpected_failure_is_one_line_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("ptclinic.services.staff.list_staff", broken)
    run = make_runner(["--data-dir", str(tmp_path / "d")], tmp_path, monkeypatch, capsys)
    result = run("user", "list")
    assert result.code == 3
    assert result.err.splitlines()[-1].startswith(
        "error: unexpected problem (RuntimeError: disk on fire)"
    )


def test_usage_errors_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = make_runner([], tmp_path, monkeypatch, capsys)
    assert run("db").code == 2
    assert run("user", "add", "x").code == 2
    assert run("no-such-command").code == 2


def test_the_way_to_the_login_window_loads_no_database_layer() -> None:
    # The log-in window shows while SQLAlchemy, Alembic and argon2 load; importing any of them
    # on the way there would slow every start-up (benchmarks/bench_foundation.py measures it).
    probe = (
        "import sys\n"
        "from ptclinic.cli.main import build_parser\n"
        "build_parser().parse_args([])\n"
        "import ptclinic.ui.app, ptclinic.ui.login\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic', "
        "'argon2', 'psycopg', 'reportlab'})\n"
        "print(','.join(heavy))\n"
    )
    done = _python("-c", probe, env={"QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
