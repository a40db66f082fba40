"""Autosave for the evaluation: a local journal first, then the database, never overwriting.

Every change starts two timers that run to the end rather than restarting, so typing without a
pause still saves: the journal (``draft_journal``) about half a second later, the database
(``evaluation_records.save_draft``, on the worker thread) about three seconds later. A
successful save removes the journal when the screen still shows what was saved.

When the save fails:
- the database did not answer (``DatabaseUnavailable``, or anything unexpected): the journal
  keeps the work, the state says so calmly and a retry follows;
- someone saved a newer version (``StaleRecordError``) or the evaluation can no longer be
  changed (signed elsewhere, no permission): autosave stops rather than overwrite; the journal
  keeps the screen, offered when the evaluation is opened again;
- something on screen cannot be saved as it is (``ValidationError``): the messages go next to
  the findings; the next change tries again.

``finish`` saves synchronously for closing and signing: it waits for a save in flight, then
saves whatever is left on the calling (main) thread.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ptclinic.db import Database
from ptclinic.services import evaluation_records
from ptclinic.services.actor import Actor
from ptclinic.services.draft_journal import DraftJournal
from ptclinic.services.errors import (
    DatabaseUnavailable,
    DomainError,
    StaleRecordError,
    ValidationError,
)
from ptclinic.services.evaluation_records import EvaluationRecord
from ptclinic.ui.tasks import TaskFailure, TaskHandle, run_task

log = logging.getLogger(__name__)

SAVE_DELAY_MS = 3000
JOURNAL_DELAY_MS = 500
RETRY_MS = 15_000
FINISH_WAIT_SECONDS = 30.0
OFFLINE = "Not saved to the database yet — kept on this computer. Trying again in a moment."
NOT_KEPT = "Could not keep a copy on this computer ({why}); the database save goes on."

Runner = Callable[
    [Callable[[], Any], Callable[[Any], None], Callable[[TaskFailure], None]],
    TaskHandle | None,
]


class SaveState(enum.StrEnum):
    SAVED = "saved"  # the database holds what is on screen
    PENDING = "pending"  # changed; a save is due
    SAVING = "saving"
    OFFLINE = "offline"  # not saved: the database did not answer; kept here, retrying
    INVALID = "invalid"  # something on screen cannot be saved as it is
    STALE = "stale"  # someone saved a newer version: autosave stopped
    REFUSED = "refused"  # the evaluation can no longer be changed here: autosave stopped


STOPPED = frozenset({SaveState.STALE, SaveState.REFUSED})


@dataclass
class _Attempt:
    """One save, shared with the worker thread (which fills ``record`` or ``error``)."""

    content: dict[str, Any]
    version: int
    done: threading.Event = field(default_factory=threading.Event)
    record: EvaluationRecord | None = None
    error: Exception | None = None
    applied: bool = False


class Autosaver(QObject):
    """Saves ``content()`` for ``record``'s author. Read ``state``, ``message`` and
    ``saved_at`` after ``state_changed``."""

    state_changed = Signal()
    saved = Signal(object)  # the EvaluationRecord as saved
    field_errors = Signal(dict)  # {"section.finding": words}; empty after a good save

    def __init__(
        self,
        db: Database,
        actor: Actor,
        record: EvaluationRecord,
        journal: DraftJournal,
        content: Callable[[], dict[str, Any]],
        *,
        clock: Callable[[], datetime],
        save_delay_ms: int = SAVE_DELAY_MS,
        run: Runner = run_task,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._journal = db, actor, journal
        self._content, self._clock, self._run = content, clock, run
        self.record = record
        self._saved_content: dict[str, Any] = dict(record.content)
        self._journaled: dict[str, Any] | None = None
        self._attempt: _Attempt | None = None
        self._again = False
        self.state = SaveState.SAVED
        self.message = ""
        self.journal_problem = ""
        self.saved_at: datetime | None = None
        self._save_timer = self._timer(save_delay_ms, self.save_now)
        self._journal_timer = self._timer(JOURNAL_DELAY_MS, self.write_journal)
        self._retry_timer = self._timer(RETRY_MS, self.save_now)

    def _timer(self, ms: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # --- what the window calls ------------------------------------------------------------------

    def note_change(self) -> None:
        """The person changed something: journal it soon, save it a little later."""
        if not self._journal_timer.isActive():
            self._journal_timer.start()
        if self.state in STOPPED:
            return
        if not self._save_timer.isActive() and not self._retry_timer.isActive():
            self._save_timer.start()
        if self.state in (SaveState.SAVED, SaveState.INVALID):
            self._set(SaveState.PENDING)

    def save_now(self) -> None:
        """Journal, then save at once (Ctrl+S, the timers)."""
        self.write_journal()
        if self.state in STOPPED:
            self.state_changed.emit()  # say again why nothing is saved
            return
        self._save_timer.stop()
        self._retry_timer.stop()
        if self._attempt is not None and not self._attempt.applied:
            self._again = True  # one save at a time; the next starts when this one is back
            return
        content = self._content()
        if content == self._saved_content:
            self._set(SaveState.SAVED)  # write_journal removed our journal, if any
            return
        attempt = _Attempt(content, self.record.version)
        self._attempt = attempt
        self._set(SaveState.SAVING)
        self._run(lambda: self._job(attempt), self._delivered, self._failed)

    def finish(self, timeout: float = FINISH_WAIT_SECONDS) -> bool:
        """Save everything now, waiting if need be (closing, signing). True when the database
        holds what is on screen."""
        self._save_timer.stop()
        self._retry_timer.stop()
        self.write_journal()
        attempt = self._attempt
        if attempt is not None and not attempt.applied:
            if not attempt.done.wait(timeout):
                return False
            self._apply(attempt)
        if self.state not in STOPPED:
            content = self._content()
            if content != self._saved_content:
                attempt = _Attempt(content, self.record.version)
                self._attempt = attempt
                self._job(attempt)
                self._apply(attempt)
        return not self.has_unsaved_work()

    def stop(self) -> None:
        """No more saving (the evaluation is signed, or the window is closing)."""
        for timer in (self._save_timer, self._journal_timer, self._retry_timer):
            timer.stop()

    def has_unsaved_work(self) -> bool:
        return self._content() != self._saved_content

    def adopt(self, record: EvaluationRecord) -> None:
        """The record was changed elsewhere in this window (signed): follow it."""
        self.record = record
        self._saved_content = dict(record.content)

    def write_journal(self) -> None:
        """Keep what is on screen on this computer (only what the database lacks)."""
        self._journal_timer.stop()
        content = self._content()
        if content == self._saved_content:
            if self._journaled is not None:
                self._journal.remove(self.record.id)
                self._journaled = None
            return
        if content == self._journaled:
            return
        try:
            self._journal.write(
                self.record.id, self._actor.staff_id, self.record.version, content,
                now=self._clock(),
            )  # fmt: skip
        except OSError as exc:
            log.warning("Could not write the draft journal: %s", exc)
            self.journal_problem = NOT_KEPT.format(why=exc.strerror or exc)
            self.state_changed.emit()
            return
        self._journaled = content
        if self.journal_problem:
            self.journal_problem = ""
            self.state_changed.emit()

    # --- the save itself ------------------------------------------------------------------------

    def _job(self, attempt: _Attempt) -> _Attempt:
        """Runs on the worker thread (or the main thread from ``finish``); touches no widget."""
        try:
            attempt.record = evaluation_records.save_draft(
                self._db, self._actor, self.record.id, attempt.version, attempt.content
            )
        except DomainError as exc:
            attempt.error = exc
        except Exception as exc:  # reported as "not saved yet", never lost silently
            log.exception("Saving the evaluation draft failed")
            attempt.error = exc
        finally:
            attempt.done.set()
        return attempt

    def _delivered(self, attempt: _Attempt) -> None:
        if not attempt.applied:
            self._apply(attempt)

    def _failed(self, failure: TaskFailure) -> None:
        # _job catches everything; this is only here because the runner asks for it.
        log.warning("Evaluation save task failed: %s", failure.message)

    def _apply(self, attempt: _Attempt) -> None:
        attempt.applied = True
        error = attempt.error
        if attempt.record is not None:
            self._saved(attempt.record)
        elif isinstance(error, StaleRecordError):
            self.stop()
            self._set(SaveState.STALE, str(error))
        elif isinstance(error, ValidationError):
            self.field_errors.emit(dict(error.field_errors))
            self._set(SaveState.INVALID, "Not saved yet: " + str(error))
        elif isinstance(error, DomainError) and not isinstance(error, DatabaseUnavailable):
            self.stop()
            self._set(SaveState.REFUSED, str(error))
        else:
            if isinstance(error, DatabaseUnavailable):
                log.warning("Draft not saved, database unavailable: %s", error.__cause__ or error)
            self._retry_timer.start()
            self._set(SaveState.OFFLINE, OFFLINE)
        if self._again and self.state not in STOPPED and self.state is not SaveState.OFFLINE:
            self._again = False
            self.save_now()

    def _saved(self, record: EvaluationRecord) -> None:
        self.record = record
        self._saved_content = dict(record.content)
        self.saved_at = self._clock()
        self.field_errors.emit({})
        if self._content() == self._saved_content:
            self._journal.remove(record.id)
            self._journaled = None
            self._set(SaveState.SAVED)
        else:
            # Typed while saving: the journal now starts from the version just saved.
            self._journaled = None
            self.write_journal()
            if not self._save_timer.isActive():
                self._save_timer.start()
            self._set(SaveState.PENDING)
        self.saved.emit(record)

    def _set(self, state: SaveState, message: str = "") -> None:
        self.state = state
        self.message = message
        self.state_changed.emit()
