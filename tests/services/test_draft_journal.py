"""The draft journal: written whole or not at all, one file per database and evaluation, read
back exactly, and the rule that decides whether a journal is restored, offered or dropped."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ptclinic.services import draft_journal
from ptclinic.services.draft_journal import DraftJournal, JournalEntry, Recovery, recovery

URL = "sqlite:////clinic/ptclinic.sqlite3"
WHEN = datetime(2026, 12, 7, 16, 42, tzinfo=UTC)
CONTENT = {"subjective": {"chief_complaint": "Buttock pain ü", "nprs_now": 6}}


def test_a_journal_is_read_back_exactly(tmp_path: Path) -> None:
    journal = DraftJournal(URL, tmp_path / "drafts")
    written = journal.write(12, 3, 4, CONTENT, now=WHEN)
    assert journal.read(12) == written == JournalEntry(12, 3, 4, WHEN, CONTENT)
    assert journal.read(13) is None
    journal.remove(12)
    assert journal.read(12) is None
    journal.remove(12)  # removing what is not there is fine


def test_files_are_private_and_named_per_database(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    first = DraftJournal(URL, folder)
    other = DraftJournal("sqlite:////elsewhere/ptclinic.sqlite3", folder)
    first.write(12, 3, 4, CONTENT, now=WHEN)
    assert other.read(12) is None
    assert first.path(12) != other.path(12)
    if os.name == "posix":
        assert stat.S_IMODE(first.path(12).stat().st_mode) == 0o600
    # The password never decides the file, nor appears in it.
    one = DraftJournal("postgresql://pt:secret@server/clinic", folder).path(1)
    two = DraftJournal("postgresql://pt:changed@server/clinic", folder).path(1)
    assert one == two and "secret" not in one.name


def test_a_failed_write_leaves_the_previous_journal_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = DraftJournal(URL, tmp_path)
    journal.write(12, 3, 4, CONTENT, now=WHEN)

    def broken_replace(_source: object, _target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(draft_journal.os, "replace", broken_replace)
    with pytest.raises(OSError):
        journal.write(12, 3, 5, {"subjective": {"onset": "new"}}, now=WHEN)
    monkeypatch.undo()
    assert journal.read(12) == JournalEntry(12, 3, 4, WHEN, CONTENT)
    assert [p.name for p in tmp_path.iterdir()] == [journal.path(12).name]  # no temp file left


def test_an_unreadable_journal_is_moved_aside(tmp_path: Path) -> None:
    journal = DraftJournal(URL, tmp_path)
    journal.write(12, 3, 4, CONTENT, now=WHEN)
    journal.path(12).write_text("{ half a fi", encoding="utf-8")
    assert journal.read(12) is None
    assert not journal.path(12).exists()
    assert journal.path(12).with_suffix(".unreadable").exists()
    journal.path(12).write_text(json.dumps({"format": 99}), encoding="utf-8")
    assert journal.read(12) is None


def test_recovery_restores_offers_or_drops() -> None:
    entry = JournalEntry(12, 3, 4, WHEN, CONTENT)
    assert recovery(None, version=4, content={}) is Recovery.NONE
    assert recovery(entry, version=4, content=CONTENT) is Recovery.NONE  # nothing lost
    assert recovery(entry, version=4, content={}) is Recovery.RESTORE  # stopped before saving
    assert recovery(entry, version=5, content={}) is Recovery.OFFER  # someone saved since


def test_the_default_folder_is_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(draft_journal, "default_data_dir", lambda: tmp_path)
    assert DraftJournal(URL).folder == tmp_path / "drafts"
