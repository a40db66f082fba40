"""The note window's tests: Dana Lee treats Maria Ortiz (born 1978) on Monday 2 November 2026
(in the past, so its note can be signed today), in a Medicare episode whose evaluation is signed
("stability": 40% Oswestry, pain 5, PSFS "Sitting 1 hour" 3) and whose care plan comes from the
stability template. Saves run at once on the calling thread unless a test asks for the real
worker thread; the crash journal lives in the test's own folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ptclinic.services import booking, care_plans, clinical_notes, episodes, evaluation_records
from ptclinic.services.actor import Actor
from ptclinic.services.episodes import EpisodeInput
from ptclinic.ui.evaluation.signing import CosignDialog, SignDialog
from ptclinic.ui.notes.note_window import NoteWindow
from ptclinic.ui.tasks import TaskFailure, TaskHandle
from tests.conftest import PASSWORD
from tests.services.conftest import Clinic, at, scheduled
from tests.services.test_evaluation_records import _ready

__all__ = ["Clinic", "scheduled"]

DAY = date(2026, 11, 2)  # a Monday
NOW = datetime(2026, 11, 2, 23, 0, tzinfo=UTC)  # that Monday's evening in the clinic
MakeWindow = Callable[..., NoteWindow]


def run_now(
    job: Callable[[], Any], on_done: Callable[[Any], None], _on_error: Callable[[TaskFailure], None]
) -> TaskHandle | None:
    """A task runner that runs the job at once on this thread (saves become synchronous)."""
    on_done(job())
    return None


def signed_episode(clinic: Clinic, payer: str = "medicare") -> int:
    """An open episode with its evaluation signed and its care plan started."""
    episode = episodes.open_episode(
        clinic.db, clinic.desk, clinic.ortiz,
        EpisodeInput(
            title="Right SI pain", primary_therapist_id=clinic.lee.staff_id, payer_type=payer
        ),
        now=NOW,
    ).id  # fmt: skip
    draft = evaluation_records.start_evaluation(clinic.db, clinic.lee, episode, now=NOW)
    draft = evaluation_records.save_draft(clinic.db, clinic.lee, draft.id, draft.version, _ready())
    evaluation_records.sign_evaluation(
        clinic.db, clinic.lee, draft.id, draft.version, PASSWORD, now=NOW
    )
    care_plans.start_plan(clinic.db, clinic.lee, episode, now=NOW)
    return episode


def visit(
    clinic: Clinic, episode: int, visit_type: str = "follow_up", hour: int = 9, day: date = DAY
) -> int:
    """An appointment at ``hour`` on ``day`` in the episode; returns its id."""
    request = clinic.request(at(day, hour), visit_type=visit_type, episode=episode)
    return booking.book(clinic.db, clinic.desk, request)


def start_note(clinic: Clinic, appointment: int, actor: Actor | None = None) -> int:
    return clinical_notes.start_note_for_appointment(clinic.db, actor or clinic.lee, appointment).id


def stored(clinic: Clinic, note_id: int) -> clinical_notes.NoteRecord:
    return clinical_notes.note(clinic.db, clinic.lee, note_id)


def driving(fill: Callable[[QDialog], None]) -> Callable[[QDialog], int]:
    """Stands in for ``exec``: shows the dialog, lets ``fill`` act, returns how it closed."""

    def run(dialog: QDialog) -> int:
        dialog.show()
        fill(dialog)
        return dialog.result()

    return run


def sign_with_password(dialog: QDialog) -> None:
    assert isinstance(dialog, SignDialog | CosignDialog)
    dialog.password.setText(PASSWORD)
    dialog.accept()


@pytest.fixture
def episode(scheduled: Clinic) -> int:
    return signed_episode(scheduled)


@pytest.fixture
def journal_folder(tmp_path: Path) -> Path:
    return tmp_path / "drafts"


@pytest.fixture
def make_window(qtbot: QtBot, scheduled: Clinic, journal_folder: Path) -> Iterator[MakeWindow]:
    windows: list[NoteWindow] = []

    def make(note_id: int, actor: Actor | None = None, **kwargs: Any) -> NoteWindow:
        kwargs.setdefault("run", run_now)
        kwargs.setdefault("journal_folder", journal_folder)
        kwargs.setdefault("clock", lambda: NOW)
        window = NoteWindow(scheduled.db, actor or scheduled.lee, note_id, **kwargs)
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
