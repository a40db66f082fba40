"""Autosave and the crash journal: the draft reaches the database by itself, a stale save stops
with words instead of overwriting, an unreachable database keeps the work on this computer and
tries again, closing saves first, and a journal left by a crash comes back (or is offered when
someone saved since)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ptclinic.services import evaluation_records
from ptclinic.services.draft_journal import DraftJournal
from ptclinic.services.errors import DatabaseUnavailable
from ptclinic.ui.evaluation import autosave
from ptclinic.ui.evaluation.autosave import OFFLINE, SaveState
from ptclinic.ui.evaluation.editors import ProvocationEditor, TextEditor
from ptclinic.ui.evaluation.outcome_editors import PsfsEditor
from ptclinic.ui.evaluation.window import EvaluationWindow
from ptclinic.ui.tasks import TaskFailure, run_task
from tests.ui.evaluation.conftest import Clinic, MakeWindow

CTRL = Qt.KeyboardModifier.ControlModifier
LATER = 600_000  # a save delay no test waits for: saves happen when the test says


def _stored(clinic: Clinic, episode: int) -> dict[str, Any]:
    record = evaluation_records.episode_evaluation(clinic.db, clinic.lee, episode)
    assert record is not None
    return record.content


def _type_complaint(qtbot: QtBot, window: EvaluationWindow, text: str) -> None:
    editor = window.form.editor("subjective", "chief_complaint")
    assert isinstance(editor, TextEditor)
    qtbot.keyClicks(editor.edit, text)


def _journal(clinic: Clinic, folder: Path) -> DraftJournal:
    return DraftJournal(clinic.db.url, folder)


def _crash(window: EvaluationWindow) -> None:
    """The program stops: no save, no closing handlers; only the journal is left."""
    window.autosaver.stop()
    window._finished = True
    window.hide()


class Deferred:
    """A task runner whose jobs wait until the test runs them (a slow database)."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable[[], Any], Callable[[Any], None]]] = []

    def __call__(
        self,
        job: Callable[[], Any],
        done: Callable[[Any], None],
        _failed: Callable[[TaskFailure], None],
    ) -> None:
        self.jobs.append((job, done))

    def finish_next(self) -> None:
        job, done = self.jobs.pop(0)
        done(job())


def test_the_draft_saves_itself_a_moment_after_typing(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int, journal_folder: Path
) -> None:
    window = make_window(run=run_task, save_delay_ms=300)  # the real worker thread
    _type_complaint(qtbot, window, "Right buttock pain")
    assert window.status.text() == "Draft · changes not saved yet"
    assert window.has_unsaved_work()
    qtbot.waitUntil(lambda: window.autosaver.state is SaveState.SAVED, timeout=5000)
    assert _stored(scheduled, episode) == {"subjective": {"chief_complaint": "Right buttock pain"}}
    assert window.status.text() == "Draft · saved 10:00"  # the clinic's time (Chicago)
    assert not window.has_unsaved_work()
    assert _journal(scheduled, journal_folder).read(window.record.id) is None


def test_ctrl_s_saves_at_once(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    window = make_window(save_delay_ms=LATER)
    _type_complaint(qtbot, window, "Sitting hurts")
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_S, CTRL)
    assert _stored(scheduled, episode) == {"subjective": {"chief_complaint": "Sitting hurts"}}


def test_typing_during_a_save_is_saved_next_from_the_new_version(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int, journal_folder: Path
) -> None:
    slow = Deferred()
    window = make_window(run=slow, save_delay_ms=LATER)
    _type_complaint(qtbot, window, "Sitting")
    window.save_now()
    _type_complaint(qtbot, window, " hurts")
    window.save_now()  # one save at a time: this one waits for the first
    assert len(slow.jobs) == 1
    slow.finish_next()
    entry = _journal(scheduled, journal_folder).read(window.record.id)
    assert entry is not None and entry.base_version == window.record.version
    assert entry.content == {"subjective": {"chief_complaint": "Sitting hurts"}}
    slow.finish_next()
    assert _stored(scheduled, episode) == {"subjective": {"chief_complaint": "Sitting hurts"}}
    assert _journal(scheduled, journal_folder).read(window.record.id) is None


def test_a_stale_save_stops_autosave_with_a_banner(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int, journal_folder: Path
) -> None:
    window = make_window(save_delay_ms=LATER)
    record = window.record
    other = {"subjective": {"chief_complaint": "Typed in another window"}}
    evaluation_records.save_draft(scheduled.db, scheduled.lee, record.id, record.version, other)
    _type_complaint(qtbot, window, "Mine")
    window.save_now()
    assert window.autosaver.state is SaveState.STALE
    assert window.banner.text().startswith("⚠ Dana Lee saved this evaluation at ")
    assert window.status.text() == "Draft · not saved"
    _type_complaint(qtbot, window, " and more")
    window.save_now()
    assert _stored(scheduled, episode) == other  # never overwritten
    entry = _journal(scheduled, journal_folder).read(record.id)
    assert entry is not None  # what was on screen is kept on this computer
    assert entry.content == {"subjective": {"chief_complaint": "Mine and more"}}


def test_an_unreachable_database_keeps_the_journal_and_retries(
    qtbot: QtBot,
    make_window: MakeWindow,
    scheduled: Clinic,
    episode: int,
    journal_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(autosave, "RETRY_MS", 200)
    real_save = evaluation_records.save_draft

    def unreachable(*_args: object, **_kwargs: object) -> None:
        raise DatabaseUnavailable("The clinic database cannot be reached right now.")

    monkeypatch.setattr(evaluation_records, "save_draft", unreachable)
    window = make_window(save_delay_ms=LATER)
    _type_complaint(qtbot, window, "Right buttock pain")
    window.save_now()
    assert window.autosaver.state is SaveState.OFFLINE
    assert window.banner.text() == OFFLINE
    assert window.status.text() == "Draft · kept on this computer"
    entry = _journal(scheduled, journal_folder).read(window.record.id)
    assert entry is not None and entry.base_version == window.record.version
    assert entry.content == {"subjective": {"chief_complaint": "Right buttock pain"}}
    monkeypatch.setattr(evaluation_records, "save_draft", real_save)  # the network is back
    qtbot.waitUntil(lambda: window.autosaver.state is SaveState.SAVED, timeout=3000)
    assert _stored(scheduled, episode) == entry.content
    assert _journal(scheduled, journal_folder).read(window.record.id) is None
    assert window.banner.isHidden()


def test_what_cannot_be_saved_is_named_next_to_the_finding(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    window = make_window(save_delay_ms=LATER)
    psfs = window.form.editor("outcomes", "psfs")
    assert isinstance(psfs, PsfsEditor)
    qtbot.keyClick(psfs.scores[0], "7")
    window.save_now()
    assert window.autosaver.state is SaveState.INVALID
    assert "activity 1 has a score but no name" in window.banner.text()
    assert psfs.error.text() == "⚠ Activity 1 has a score but no name."
    qtbot.keyClicks(psfs.activities[0], "Stairs")
    window.save_now()
    assert _stored(scheduled, episode) == {
        "outcomes": {"psfs": [{"activity": "Stairs", "score": 7}]}
    }
    assert window.banner.isHidden()


def test_closing_saves_first(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    window = make_window(save_delay_ms=LATER)
    _type_complaint(qtbot, window, "Left groin pain")
    with qtbot.waitSignal(window.closed):
        window.close()
    assert _stored(scheduled, episode) == {"subjective": {"chief_complaint": "Left groin pain"}}


def test_closing_waits_for_a_save_in_flight(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    slow = Deferred()
    window = make_window(run=slow, save_delay_ms=LATER)
    _type_complaint(qtbot, window, "Sitting")
    window.save_now()
    _type_complaint(qtbot, window, " hurts")
    job, _done = slow.jobs[0]
    worker = threading.Timer(0.2, job)  # the database answers a moment later
    worker.start()
    assert window.save_before_closing()
    worker.join()
    assert _stored(scheduled, episode) == {"subjective": {"chief_complaint": "Sitting hurts"}}
    slow.finish_next()  # the late delivery of the first save changes nothing
    assert window.autosaver.state is SaveState.SAVED


def test_closing_with_the_database_unreachable_asks_and_may_stay(
    qtbot: QtBot,
    make_window: MakeWindow,
    scheduled: Clinic,
    journal_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreachable(*_args: object, **_kwargs: object) -> None:
        raise DatabaseUnavailable("The clinic database cannot be reached right now.")

    monkeypatch.setattr(evaluation_records, "save_draft", unreachable)
    window = make_window(save_delay_ms=LATER)
    _type_complaint(qtbot, window, "Right buttock pain")
    asked: list[str] = []
    window.ask_close_unsaved = lambda why: asked.append(why) or False  # type: ignore[method-assign]
    window.close()
    assert asked == [OFFLINE] and window.isVisible()
    window.ask_close_unsaved = lambda why: True  # type: ignore[method-assign]
    window.close()
    assert not window.isVisible()
    assert _journal(scheduled, journal_folder).read(window.record.id) is not None


def test_after_a_crash_reopening_restores_the_screen(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int, journal_folder: Path
) -> None:
    window = make_window(save_delay_ms=LATER)
    _type_complaint(qtbot, window, "Right buttock pain")
    test = window.form.editor("provocation", "thigh_thrust_right")
    assert isinstance(test, ProvocationEditor)
    test.mark("positive", familiar=True)
    on_screen = window.form.content()
    journal = _journal(scheduled, journal_folder)
    qtbot.waitUntil(lambda: journal.read(window.record.id) is not None)  # half a second
    _crash(window)
    assert _stored(scheduled, episode) == {}

    again = make_window(save_delay_ms=LATER)
    assert again.form.content() == on_screen
    assert again.recovery_bar.isVisibleTo(again)
    assert again.recovery_text.text().startswith(
        "Restored what was on screen at 10:00 when the program stopped"
    )
    assert "SI provocation cluster: 1 of 1 tested positive" in again.panel.lines()[0]
    again.save_now()
    assert _stored(scheduled, episode) == on_screen
    assert journal.read(again.record.id) is None


def test_a_journal_older_than_the_saved_version_is_offered_not_applied(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int, journal_folder: Path
) -> None:
    window = make_window(save_delay_ms=LATER)
    _type_complaint(qtbot, window, "Kept on this computer")
    window.autosaver.write_journal()
    record = window.record
    _crash(window)
    theirs = {"subjective": {"chief_complaint": "Saved from the front desk laptop"}}
    evaluation_records.save_draft(scheduled.db, scheduled.lee, record.id, record.version, theirs)

    again = make_window(save_delay_ms=LATER)
    assert again.form.content() == theirs  # not applied
    assert "the evaluation was saved since" in again.recovery_text.text()
    assert again.use_kept.isVisibleTo(again) and again.focusWidget() is again.use_kept
    # The form waits for the decision: typing first would replace the kept copy.
    fortin = again.form.editor("palpation", "fortin")
    assert fortin.focus_target().focusPolicy() == Qt.FocusPolicy.NoFocus
    _type_complaint(qtbot, again, " typed too soon")
    assert again.form.content() == theirs
    qtbot.mouseClick(again.use_kept, Qt.MouseButton.LeftButton)
    assert again.form.content() == {"subjective": {"chief_complaint": "Kept on this computer"}}
    assert fortin.focus_target().focusPolicy() != Qt.FocusPolicy.NoFocus
    _type_complaint(qtbot, again, "!")
    again.save_now()
    assert _stored(scheduled, episode) == {
        "subjective": {"chief_complaint": "Kept on this computer!"}
    }


def test_discarding_an_offered_journal_removes_it(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, journal_folder: Path
) -> None:
    window = make_window(save_delay_ms=LATER)
    _type_complaint(qtbot, window, "Kept on this computer")
    window.autosaver.write_journal()
    record = window.record
    _crash(window)
    theirs = {"subjective": {"chief_complaint": "Saved elsewhere"}}
    evaluation_records.save_draft(scheduled.db, scheduled.lee, record.id, record.version, theirs)
    again = make_window(save_delay_ms=LATER)
    qtbot.mouseClick(again.discard_kept, Qt.MouseButton.LeftButton)
    assert not again.recovery_bar.isVisibleTo(again)
    assert _journal(scheduled, journal_folder).read(record.id) is None
    assert again.form.content() == theirs


def test_someone_elses_journal_is_not_restored(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, journal_folder: Path
) -> None:
    window = make_window(save_delay_ms=LATER)
    record = window.record
    _crash(window)
    other = {"subjective": {"chief_complaint": "Brian's screen"}}
    _journal(scheduled, journal_folder).write(record.id, scheduled.kim.staff_id, 1, other)
    again = make_window(save_delay_ms=LATER)
    assert again.form.content() == {}
    assert not again.recovery_bar.isVisibleTo(again)


def test_a_journal_that_cannot_be_written_is_said_and_the_save_goes_on(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    window = make_window(save_delay_ms=LATER, journal_folder=blocked)
    _type_complaint(qtbot, window, "Right buttock pain")
    window.autosaver.write_journal()
    assert window.banner.text().startswith("Could not keep a copy on this computer (")
    window.save_now()
    assert _stored(scheduled, episode) == {"subjective": {"chief_complaint": "Right buttock pain"}}
