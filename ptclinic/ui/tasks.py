"""Run slow work (database writes, large queries, PDF rendering) off the UI thread.

One worker thread runs jobs in the order they were submitted, so two writes from the same
workstation never race each other. A job is a plain callable: it must not touch any widget. Its
result, or its failure in plain words, comes back on the main thread, where the callbacks may
update the screen::

    run_task(lambda: patients.register(db, actor, data), on_done=self._saved, on_error=self._failed)

Domain errors arrive as their message (and field errors, for forms); anything unexpected is
logged with its traceback and reported as a short apology, never as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from ptclinic.services.errors import DatabaseUnavailable, DomainError, ValidationError

log = logging.getLogger(__name__)

T = TypeVar("T")

DATABASE_UNREACHABLE = (
    "The clinic database cannot be reached right now. Check the network connection and try "
    "again, or ask whoever looks after the clinic's computers."
)
UNEXPECTED_ERROR = (
    "Something unexpected went wrong and the task did not finish. Nothing was lost on screen; "
    "try again, and if it keeps happening tell whoever looks after the clinic's computers."
)


@dataclass(frozen=True)
class TaskFailure:
    """Why a job failed, as text safe to show; ``field_errors`` is filled for invalid input."""

    message: str
    field_errors: dict[str, str] = field(default_factory=dict)
    unexpected: bool = False


class _Outcome(QObject):
    # Lives on the main thread; the worker emits, the queued connection delivers on the main thread.
    succeeded = Signal(object)
    failed = Signal(object)


class TaskHandle(QObject):
    """One submitted job. ``finished`` fires on the main thread after its callback has run."""

    finished = Signal()

    def __init__(
        self, on_done: Callable[[Any], None], on_error: Callable[[TaskFailure], None]
    ) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self.done = False
        self.outcome = _Outcome()
        self.outcome.succeeded.connect(self._succeeded, Qt.ConnectionType.QueuedConnection)
        self.outcome.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _succeeded(self, result: object) -> None:
        try:
            self._on_done(result)
        finally:
            self._finish()

    @Slot(object)
    def _failed(self, failure: TaskFailure) -> None:
        try:
            self._on_error(failure)
        finally:
            self._finish()

    def _finish(self) -> None:
        self.done = True
        self.finished.emit()


class _Job(QRunnable):
    def __init__(self, job: Callable[[], object], outcome: _Outcome) -> None:
        super().__init__()
        self._job = job
        self._outcome = outcome

    def run(self) -> None:
        try:
            result = self._job()
        except ValidationError as exc:
            self._outcome.failed.emit(TaskFailure(str(exc), exc.field_errors))
        except DatabaseUnavailable as exc:
            # Server down, connection lost, or SQLite busy past its timeout: worth trying again.
            log.warning("Database unreachable in a background task: %s", exc.__cause__ or exc)
            self._outcome.failed.emit(TaskFailure(DATABASE_UNREACHABLE, unexpected=True))
        except DomainError as exc:
            self._outcome.failed.emit(TaskFailure(str(exc)))
        except Exception:  # a worker must report every failure, not die silently
            log.exception("Background task failed")
            self._outcome.failed.emit(TaskFailure(UNEXPECTED_ERROR, unexpected=True))
        else:
            self._outcome.succeeded.emit(result)


class TaskRunner(QObject):
    """A single-thread pool. Use the shared one through :func:`run_task`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pending: set[TaskHandle] = set()

    def run(
        self,
        job: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[TaskFailure], None],
    ) -> TaskHandle:
        handle = TaskHandle(on_done, on_error)
        # Python would otherwise collect the handle before the worker reports back.
        self._pending.add(handle)
        handle.finished.connect(lambda: self._pending.discard(handle))
        self._pool.start(_Job(job, handle.outcome))
        return handle

    def pending(self) -> int:
        return len(self._pending)

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until running jobs end (at quit, so a write in flight is not cut off)."""
        return self._pool.waitForDone(msecs)


_runner: TaskRunner | None = None


def runner() -> TaskRunner:
    global _runner
    if _runner is None:
        _runner = TaskRunner()
    return _runner


def run_task(
    job: Callable[[], T],
    on_done: Callable[[T], None],
    on_error: Callable[[TaskFailure], None],
) -> TaskHandle:
    """Run ``job`` on the worker thread; call ``on_done(result)`` or ``on_error(failure)`` later."""
    return runner().run(job, on_done, on_error)
