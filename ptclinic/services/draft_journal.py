"""A local journal of what is on screen in an evaluation, so a crash loses at most a moment.

The evaluation window writes the on-screen content here about half a second after each change,
before the database save; a successful database save removes it. One small JSON file per
(database, evaluation), in a folder on this computer (the user data folder by default), written
atomically: a temporary file is written, flushed to the disk, then renamed over the old one, so
a crash mid-write leaves the previous journal whole, never half a file.

On reopening, ``recovery`` says what to do with a journal left behind: restore it when it was
based on the version still in the database (the program stopped before it saved), offer it
when someone saved a newer version since, or nothing when it holds what the database holds.

The journal holds clinical findings: the files are readable by their owner only, and live under
the user's own data folder.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from ptclinic.config import default_data_dir

log = logging.getLogger(__name__)

JOURNAL_FORMAT = 1
FOLDER_NAME = "drafts"


def default_folder() -> Path:
    """Where journals live unless told otherwise: ``drafts`` in the user data folder."""
    return default_data_dir() / FOLDER_NAME


def database_key(database_url: str) -> str:
    """A short, stable name for a database (its URL without the password, hashed): two clinics'
    databases on one computer never share a journal."""
    try:
        shown = make_url(database_url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL still needs a stable key
        shown = database_url
    return hashlib.sha256(shown.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class JournalEntry:
    evaluation_id: int
    author_id: int  # whose screen it was: only they may restore it
    base_version: int  # the database version the screen started from
    written_at: datetime  # UTC
    content: dict[str, Any]


class Recovery(enum.StrEnum):
    NONE = "none"  # no journal, or it holds what the database holds
    RESTORE = "restore"  # the program stopped before saving: put it back on screen
    OFFER = "offer"  # someone saved a newer version since: ask before using it


def recovery(entry: JournalEntry | None, *, version: int, content: Mapping[str, Any]) -> Recovery:
    """What to do with ``entry`` given the database's ``version`` and ``content``."""
    if entry is None or entry.content == dict(content):
        return Recovery.NONE
    if entry.base_version == version:
        return Recovery.RESTORE
    return Recovery.OFFER


class DraftJournal:
    """The journal files of one database in ``folder`` (created when first written)."""

    def __init__(self, database_url: str, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else default_folder()
        self._key = database_key(database_url)

    def path(self, evaluation_id: int) -> Path:
        return self.folder / f"{self._key}-evaluation-{evaluation_id}.json"

    def write(
        self,
        evaluation_id: int,
        author_id: int,
        base_version: int,
        content: Mapping[str, Any],
        *,
        now: datetime | None = None,
    ) -> JournalEntry:
        """Write (or replace) the evaluation's journal atomically; raises ``OSError`` when the
        disk refuses (full, read-only): the caller says so and keeps the screen as it is."""
        entry = JournalEntry(
            evaluation_id, author_id, base_version, (now or datetime.now(UTC)), dict(content)
        )
        data = {
            "format": JOURNAL_FORMAT,
            "evaluation_id": evaluation_id,
            "author_id": author_id,
            "base_version": base_version,
            "written_at": entry.written_at.astimezone(UTC).isoformat(),
            "content": entry.content,
        }
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = self.path(evaluation_id)
        # mkstemp creates the file readable by its owner only.
        handle, temporary = tempfile.mkstemp(prefix=target.stem, suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(data, stream, ensure_ascii=False)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        _sync_folder(self.folder)
        return entry

    def read(self, evaluation_id: int) -> JournalEntry | None:
        """The evaluation's journal, or None. A file that cannot be read as a journal is moved
        aside (``.unreadable``) so it never blocks the evaluation, and logged."""
        target = self.path(evaluation_id)
        try:
            raw = target.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:  # the folder cannot be read: nothing to restore from it
            log.warning("Cannot read the draft journal %s: %s", target, exc)
            return None
        try:
            return _entry(json.loads(raw), evaluation_id)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("Unreadable draft journal %s (%s); moved aside", target, exc)
            with contextlib.suppress(OSError):
                os.replace(target, target.with_suffix(".unreadable"))
            return None

    def remove(self, evaluation_id: int) -> None:
        """Remove the evaluation's journal (the database has it all); a journal that cannot
        be removed is logged and left: at worst it is offered again later."""
        try:
            self.path(evaluation_id).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("Cannot remove the draft journal of evaluation %s: %s", evaluation_id, exc)


def _entry(data: object, evaluation_id: int) -> JournalEntry:
    if not isinstance(data, dict) or data.get("format") != JOURNAL_FORMAT:
        raise ValueError("not a draft journal of this program")
    if data["evaluation_id"] != evaluation_id:
        raise ValueError("the journal names another evaluation")
    content = data["content"]
    written = datetime.fromisoformat(data["written_at"])
    if not isinstance(content, dict) or written.tzinfo is None:
        raise ValueError("the journal's content or time cannot be read")
    return JournalEntry(
        evaluation_id, int(data["author_id"]), int(data["base_version"]), written, content
    )


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
