"""Autosave for a clinical record's draft (the evaluation, a visit note): a local journal
first, then the database, never overwriting.

Every change starts two timers that run to the end rather than restarting, so typing without a
pause still saves: the journal (``draft_journal``) about half a second later, the database
(the record's own ``save`` service, ``evaluation_records.save_draft`` by default, on the worker
thread) about three seconds later. A successful save removes the journal when the screen still
shows what was saved.

When the save fails:
- the database did not answer (``DatabaseUnavailable``, or anything unexpected): the journal
  keeps the work, the state says so calmly and a retry follows;
- someone saved a newer version (``StaleRecordError``) or the record can no longer be changed
  (signed elsewhere, no permission): autosave stops rather than overwrite; the journal keeps the
  screen, offered when the record is opened again (``RecoveryBar``);
- something on screen cannot be saved as it is (``ValidationError``): the messages go next to
  the fields; the next change tries again.

``finish`` saves synchronously for closing and signing: it waits for a save in flight, then
saves whatever is left on the calling (main) thread.

``RecoveryBar`` is the other half of the journal: on opening, it puts back what a crash left
(the database still holds the version the screen started from) or offers it (someone saved
since), in words, with the buttons to use or discard it.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar, cast
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from ptclinic.db import Database
from ptclinic.services import evaluation_records
from ptclinic.services.actor import Actor
from ptclinic.services.draft_journal import DraftJournal, JournalEntry, Recovery, recovery
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


class DraftRecord(Protocol):
    """What autosave needs of a record (``EvaluationRecord``, ``NoteRecord``)."""

    @property
    def id(self) -> int: ...

    @property
    def version(self) -> int: ...

    @property
    def content(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=DraftRecord)
# save(db, actor, record id, expected version, content) -> the record as saved
SaveDraft = Callable[[Database, Actor, int, int, dict[str, Any]], R]


def _save_evaluation(
    db: Database, actor: Actor, record_id: int, version: int, content: dict[str, Any]
) -> EvaluationRecord:
    # Looked up on each call, so a test (or a script) can stand in for the service.
    return evaluation_records.save_draft(db, actor, record_id, version, content)


class SaveState(enum.StrEnum):
    SAVED = "saved"  # the database holds what is on screen
    PENDING = "pending"  # changed; a save is due
    SAVING = "saving"
    OFFLINE = "offline"  # not saved: the database did not answer; kept here, retrying
    INVALID = "invalid"  # something on screen cannot be saved as it is
    STALE = "stale"  # someone saved a newer version: autosave stopped
    REFUSED = "refused"  # the record can no longer be changed here: autosave stopped


STOPPED = frozenset({SaveState.STALE, SaveState.REFUSED})


@dataclass
class _Attempt(Generic[R]):
    """One save, shared with the worker thread (which fills ``record`` or ``error``)."""

    content: dict[str, Any]
    version: int
    done: threading.Event = field(default_factory=threading.Event)
    record: R | None = None
    error: Exception | None = None
    applied: bool = False


class Autosaver(QObject, Generic[R]):
    """Saves ``content()`` for ``record``'s author through ``save`` (the evaluation's
    ``save_draft`` unless told otherwise). Read ``state``, ``message`` and ``saved_at`` after
    ``state_changed``."""

    state_changed = Signal()
    saved = Signal(object)  # the record as saved
    field_errors = Signal(dict)  # {field key: words}; empty after a good save

    def __init__(
        self,
        db: Database,
        actor: Actor,
        record: R,
        journal: DraftJournal,
        content: Callable[[], dict[str, Any]],
        *,
        clock: Callable[[], datetime],
        save: SaveDraft[R] | None = None,
        save_delay_ms: int = SAVE_DELAY_MS,
        run: Runner = run_task,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self.actor, self.journal = db, actor, journal
        self._content, self._clock, self._run = content, clock, run
        self._save = save if save is not None else cast(SaveDraft[R], _save_evaluation)
        self.record = record
        self._saved_content: dict[str, Any] = dict(record.content)
        self._journaled: dict[str, Any] | None = None
        self._attempt: _Attempt[R] | None = None
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
        attempt: _Attempt[R] = _Attempt(content, self.record.version)
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
        """No more saving (the record is signed, or the window is closing)."""
        for timer in (self._save_timer, self._journal_timer, self._retry_timer):
            timer.stop()

    def has_unsaved_work(self) -> bool:
        return self._content() != self._saved_content

    def adopt(self, record: R) -> None:
        """The record was changed elsewhere in this window (signed): follow it."""
        self.record = record
        self._saved_content = dict(record.content)

    def write_journal(self) -> None:
        """Keep what is on screen on this computer (only what the database lacks)."""
        self._journal_timer.stop()
        content = self._content()
        if content == self._saved_content:
            if self._journaled is not None:
                self.journal.remove(self.record.id)
                self._journaled = None
            return
        if content == self._journaled:
            return
        try:
            self.journal.write(
                self.record.id, self.actor.staff_id, self.record.version, content,
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

    def _job(self, attempt: _Attempt[R]) -> _Attempt[R]:
        """Runs on the worker thread (or the main thread from ``finish``); touches no widget."""
        try:
            attempt.record = self._save(
                self._db, self.actor, self.record.id, attempt.version, attempt.content
            )
        except DomainError as exc:
            attempt.error = exc
        except Exception as exc:  # reported as "not saved yet", never lost silently
            log.exception("Saving the draft failed")
            attempt.error = exc
        finally:
            attempt.done.set()
        return attempt

    def _delivered(self, attempt: _Attempt[R]) -> None:
        if not attempt.applied:
            self._apply(attempt)

    def _failed(self, failure: TaskFailure) -> None:
        # _job catches everything; this is only here because the runner asks for it.
        log.warning("Draft save task failed: %s", failure.message)

    def _apply(self, attempt: _Attempt[R]) -> None:
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

    def _saved(self, record: R) -> None:
        self.record = record
        self._saved_content = dict(record.content)
        self.saved_at = self._clock()
        self.field_errors.emit({})
        if self._content() == self._saved_content:
            self.journal.remove(record.id)
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


# --- what a crash left behind ---------------------------------------------------------------------

RESTORED = "Restored what was on screen at {when} when the program stopped; it is being saved now."
OFFERED = (
    "This computer kept what was on screen at {when}, but the {noun} was saved since from "
    "another window or workstation. Use what was on screen (it replaces the saved version), or "
    "discard it?"
)
STRANDED = (
    "What was on screen at {when} was never saved, and this {noun} can no longer be changed "
    "here. Add an addendum if something is missing, then discard the copy."
)


class RecoveryBar(QFrame):
    """The amber bar under a record window's header that puts back, or offers, what the crash
    journal kept of the draft (``recover``). While an offer waits, the window's form is locked:
    typing first would replace the kept copy. ``decided`` fires once the person used or
    discarded it (the window then gives the form its focus back)."""

    decided = Signal()

    def __init__(self, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._noun = noun
        self.offer: JournalEntry | None = None
        self._saver: Autosaver[Any] | None = None
        self._editable = False
        self._put_back: Callable[[dict[str, Any]], None] = lambda _content: None
        self._lock: Callable[[bool], None] = lambda _locked: None
        self.setObjectName("recoveryBar")
        bar = QHBoxLayout(self)
        bar.setContentsMargins(10, 6, 10, 6)
        self.text = QLabel()
        self.text.setWordWrap(True)
        bar.addWidget(self.text, 1)
        self.use_kept = QPushButton("&Use what was on screen")
        self.discard_kept = QPushButton("&Discard it")
        self.dismiss_kept = QPushButton("O&K")
        for button in (self.use_kept, self.discard_kept, self.dismiss_kept):
            button.setAutoDefault(False)
            bar.addWidget(button)
        self.use_kept.clicked.connect(self._use)
        self.discard_kept.clicked.connect(self._discard)
        self.dismiss_kept.clicked.connect(self.hide)
        self.hide()

    def recover(
        self,
        saver: Autosaver[Any],
        *,
        editable: bool,
        zone: ZoneInfo,
        put_back: Callable[[dict[str, Any]], None],
        lock: Callable[[bool], None],
    ) -> bool:
        """Put back or offer the journal ``saver``'s record left behind (``put_back`` shows
        content on screen, ``lock`` makes the form read-only or not); True when the person must
        decide first."""
        self._saver, self._editable, self._put_back, self._lock = saver, editable, put_back, lock
        record = saver.record
        entry = saver.journal.read(record.id)
        if entry is None or entry.author_id != saver.actor.staff_id:
            return False
        what = recovery(entry, version=record.version, content=record.content)
        if what is Recovery.NONE:
            saver.journal.remove(record.id)
            return False
        when = f"{entry.written_at.astimezone(zone):%H:%M}"
        if not editable:
            self._ask(STRANDED.format(when=when, noun=self._noun), entry, use=False)
            return True
        if what is Recovery.RESTORE:
            put_back(entry.content)
            saver.note_change()
            self.text.setText(RESTORED.format(when=when))
            self.use_kept.hide()
            self.discard_kept.hide()
            self.dismiss_kept.show()
            self.show()
            return False
        self._ask(OFFERED.format(when=when, noun=self._noun), entry, use=True)
        return True

    def focus_choice(self) -> None:
        (self.use_kept if self.use_kept.isVisibleTo(self) else self.discard_kept).setFocus()

    def _ask(self, text: str, entry: JournalEntry, *, use: bool) -> None:
        self.offer = entry
        self._lock(True)
        self.text.setText(text)
        self.use_kept.setVisible(use)
        self.discard_kept.show()
        self.dismiss_kept.hide()
        self.show()

    def _use(self) -> None:
        if self.offer is not None and self._editable and self._saver is not None:
            self._put_back(self.offer.content)
            self.offer = None
            self._lock(False)
            self._saver.note_change()
        self.hide()
        self.decided.emit()

    def _discard(self) -> None:
        if self.offer is not None and self._saver is not None:
            self._saver.journal.remove(self._saver.record.id)
        self.offer = None
        self._lock(not self._editable)
        self.hide()
        self.decided.emit()


def confirm_close_unsaved(parent: QWidget, why: str, what: str) -> bool:
    """Close although the database lacks what is on screen? (It stays on this computer, in the
    crash journal, and comes back when ``what`` is opened again.)"""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Not saved to the database",
        f"{why}\n\nWhat is on screen is kept on this computer and comes back when you open "
        f"this {what} again.",
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    close = box.addButton("Close, keep it on this computer", QMessageBox.ButtonRole.AcceptRole)
    stay = box.addButton("Stay", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stay)
    box.setEscapeButton(stay)
    box.exec()
    return box.clickedButton() is close
