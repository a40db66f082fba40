from pathlib import Path

import pytest
from sqlalchemy import text

from ptclinic.db import Database, head_revision
from tests.cli.conftest import Run, make_runner


def test_current_on_a_migrated_database(cli: Run) -> None:
    result = cli("db", "current")
    assert result.code == 0
    assert f"Current revision: {head_revision()} (newest)" in result.out
    assert f"Newest revision:  {head_revision()}" in result.out


def test_upgrade_when_already_at_head_does_nothing(cli: Run) -> None:
    result = cli("db", "upgrade")
    assert result.code == 0
    assert "Already at the newest revision" in result.out


def test_check_finds_no_differences_on_a_migrated_database(cli: Run) -> None:
    result = cli("db", "check")
    assert result.code == 0, result.err
    assert "No differences" in result.out


def test_check_reports_drift_and_exits_1(cli: Run, database_url: str) -> None:
    db = Database(database_url)
    with db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE patients ADD COLUMN shoe_size INTEGER"))
    db.dispose()
    result = cli("db", "check")
    assert result.code == 1
    assert "differ" in result.out
    assert "remove column patients.shoe_size" in result.out


def test_a_new_sqlite_database_is_created_upgraded_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "clinic"
    run = make_runner(["--data-dir", str(folder)], tmp_path, monkeypatch, capsys)
    missing = run("db", "current")
    assert missing.code == 2 and "no database" in missing.err
    assert not (folder / "ptclinic.sqlite3").exists()
    upgraded = run("db", "upgrade")
    assert upgraded.code == 0
    assert f"Upgraded from (empty database) to {head_revision()}" in upgraded.out
    assert str(folder / "ptclinic.sqlite3") in upgraded.out
    assert run("db", "check").code == 0


def test_check_refuses_a_database_behind_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    Database(url).engine.connect().close()  # an existing file with no schema
    run = make_runner(["--database", url], tmp_path, monkeypatch, capsys)
    result = run("db", "check")
    assert result.code == 1
    assert "not the newest" in result.err and "db upgrade" in result.err
    assert "(none: empty database)" in run("db", "current").out


def test_options_may_follow_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run = make_runner([], tmp_path, monkeypatch, capsys)
    result = run("db", "upgrade", "--data-dir", str(tmp_path / "after"))
    assert result.code == 0
    assert (tmp_path / "after" / "ptclinic.sqlite3").exists()


def test_an_unreachable_server_is_a_plain_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:1/nothing?connect_timeout=2"
    run = make_runner(["--database", url], tmp_path, monkeypatch, capsys)
    result = run("db", "current")
    assert result.code == 2
    assert result.err.startswith("error: the database could not be used")
    assert "secret" not in result.out + result.err


def test_a_database_from_a_newer_version_is_explained(cli: Run, database_url: str) -> None:
    db = Database(database_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed'"))
    db.dispose()
    current = cli("db", "current")
    assert current.code == 0 and "f00dfeed (unknown here" in current.out
    upgrade = cli("db", "upgrade")
    assert upgrade.code == 2
    assert "newer version of PT Clinic" in upgrade.err
    listing = cli("user", "list")
    assert listing.code == 2 and "newer version of PT Clinic" in listing.err
