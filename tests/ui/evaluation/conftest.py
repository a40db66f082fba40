"""The evaluation window's tests: Dana Lee evaluates Maria Ortiz (born 1978) in an episode opened
on Monday 7 December 2026, on the scheduling tests' small clinic. Saves run at once on the
calling thread unless a test asks for the real worker thread; the crash journal lives in the
test's own folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from ptclinic.services import episodes
from ptclinic.services.actor import Actor
from ptclinic.services.episodes import EpisodeInput
from ptclinic.services.evaluation_form import RED_FLAGS
from ptclinic.ui.evaluation.window import EvaluationWindow
from ptclinic.ui.tasks import TaskFailure, TaskHandle
from tests.services.conftest import Clinic, scheduled

__all__ = ["Clinic", "scheduled"]

NOW = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
MakeWindow = Callable[..., EvaluationWindow]


def run_now(
    job: Callable[[], Any], on_done: Callable[[Any], None], _on_error: Callable[[TaskFailure], None]
) -> TaskHandle | None:
    """A task runner that runs the job at once on this thread (saves become synchronous)."""
    on_done(job())
    return None


def ready() -> dict[str, Any]:
    """A draft that can be signed (as in the services' tests)."""
    return {
        "subjective": {"chief_complaint": "Right buttock pain when sitting", "nprs_now": 5},
        "red_flags": {key: {"present": False, "action": ""} for key, _l, _h in RED_FLAGS},
        "provocation": {
            "distraction": {"result": "positive", "familiar": True},
            "thigh_thrust_right": {"result": "positive", "familiar": True},
        },
        "mobility": {"aslr_right": 3},
        "outcomes": {
            "odi": [2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
            "psfs": [{"activity": "Sitting 1 hour", "score": 3}],
        },
        "assessment": {"classification": "stability"},
    }


@pytest.fixture
def episode(scheduled: Clinic) -> int:
    return episodes.open_episode(
        scheduled.db, scheduled.desk, scheduled.ortiz,
        EpisodeInput(title="Right SI pain", primary_therapist_id=scheduled.lee.staff_id), now=NOW,
    ).id  # fmt: skip


@pytest.fixture
def journal_folder(tmp_path: Path) -> Path:
    return tmp_path / "drafts"


@pytest.fixture
def make_window(
    qtbot: QtBot, scheduled: Clinic, episode: int, journal_folder: Path
) -> Iterator[MakeWindow]:
    windows: list[EvaluationWindow] = []

    def make(actor: Actor | None = None, **kwargs: Any) -> EvaluationWindow:
        kwargs.setdefault("run", run_now)
        kwargs.setdefault("journal_folder", journal_folder)
        kwargs.setdefault("clock", lambda: NOW)
        window = EvaluationWindow(scheduled.db, actor or scheduled.lee, episode, **kwargs)
        # Closing at the end of a test must not stop at "Not saved to the database".
        window.ask_close_unsaved = lambda _why: True  # type: ignore[method-assign]
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()  # its shortcuts work in the active window
        qtbot.waitUntil(window.isActiveWindow)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.autosaver.stop()
