"""My work in the main window: a clinician lands on it, Ctrl+3 brings it back, it reads its
lists off the UI thread, and an unsigned evaluation opens in the evaluation window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ptclinic.services import evaluation_records
from ptclinic.services.actor import Actor
from ptclinic.ui.main_window import MainWindow
from ptclinic.ui.my_work.page import MyWorkPage
from tests.ui.my_work.conftest import Clinic, open_episode


def _window(qtbot: QtBot, clinic: Clinic, actor: Actor, tmp_path: Path) -> MainWindow:
    window = MainWindow(clinic.db, actor, tmp_path)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _my_work(window: MainWindow) -> MyWorkPage:
    page = window.pages["my_work"]
    assert isinstance(page, MyWorkPage)
    return page


def test_a_therapist_lands_on_my_work_and_ctrl_3_brings_it_back(
    qtbot: QtBot, scheduled: Clinic, tmp_path: Path
) -> None:
    window = _window(qtbot, scheduled, scheduled.lee, tmp_path)
    assert window.current_page_key() == "my_work"
    page = _my_work(window)
    qtbot.waitUntil(lambda: page.work is not None, timeout=5000)
    assert page.title.text().startswith("My work — Dana Lee · ")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.show_page("patients")
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "my_work"


def test_the_front_desk_has_no_my_work_page(
    qtbot: QtBot, scheduled: Clinic, tmp_path: Path
) -> None:
    window = _window(qtbot, scheduled, scheduled.desk, tmp_path)
    assert "my_work" not in window.pages
    assert window.current_page_key() == "schedule"


def test_an_unsigned_evaluation_opens_in_the_evaluation_window(
    qtbot: QtBot, scheduled: Clinic, tmp_path: Path
) -> None:
    from ptclinic.ui.evaluation.window import open_windows

    episode = open_episode(scheduled)
    evaluation_records.start_evaluation(scheduled.db, scheduled.lee, episode)
    window = _window(qtbot, scheduled, scheduled.lee, tmp_path)
    page = _my_work(window)
    qtbot.waitUntil(lambda: page.unsigned.count() == 1, timeout=5000)
    page.open_item(page.unsigned.model.item(0))
    (evaluation,) = open_windows()
    qtbot.waitExposed(evaluation)
    window.close()
    assert open_windows() == []


def test_a_visit_opened_from_my_work_or_the_calendar_goes_to_the_notes_entry_point(
    qtbot: QtBot, scheduled: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ptclinic.ui import main_window
    from ptclinic.ui.schedule.page import SchedulePage
    from tests.ui.my_work.conftest import MONDAY, book

    (visit,) = book(scheduled, open_episode(scheduled), [MONDAY], hour=11)
    calls: list[tuple[int, object]] = []

    def entry(_parent: object, _db: object, _actor: object, visit_id: int, **kw: object) -> None:
        calls.append((visit_id, kw.get("journal_folder")))

    monkeypatch.setattr(main_window, "open_note_for_appointment", entry)
    window = _window(qtbot, scheduled, scheduled.lee, tmp_path)
    page = _my_work(window)
    page.open_visit_note.emit(visit)
    schedule = window.pages["schedule"]
    assert isinstance(schedule, SchedulePage)
    schedule.go_to(MONDAY)
    schedule.grid.select_appointment(visit)
    assert schedule.note_action is not None
    schedule.note_action.trigger()
    assert calls == [(visit, tmp_path / "drafts")] * 2


def test_a_draft_note_opened_from_my_work_is_saved_and_closed_on_log_out(
    qtbot: QtBot, scheduled: Clinic, tmp_path: Path
) -> None:
    from ptclinic.ui.notes.open import open_windows
    from tests.ui.my_work.conftest import NOW, book, start_note

    (visit,) = book(scheduled, open_episode(scheduled), [NOW.date()], hour=11)
    note = start_note(scheduled, visit)
    window = _window(qtbot, scheduled, scheduled.lee, tmp_path)
    page = _my_work(window)
    page.open_note.emit(note)
    (note_window,) = open_windows()
    qtbot.waitExposed(note_window)
    window.log_out()
    assert open_windows() == [] and not window.isVisible()
