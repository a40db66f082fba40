"""Visit notes from the calendar: a clinician's "Write visit note" / "Open note" at the top of
the visit's menu, on Ctrl+E and on a double-click, asking the main window for the note; the
front desk has no such action (a double-click still opens the visit's menu); and a Medicare
visit needing a progress note says so on its block."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ptclinic.services import booking, calendar, clinical_notes, episodes
from ptclinic.services.actor import Actor
from ptclinic.services.calendar import AppointmentView
from ptclinic.services.episodes import EpisodeInput
from ptclinic.services.schedule_view import AppointmentStatus
from ptclinic.ui.schedule.appearance import block_lines, detail_text
from ptclinic.ui.schedule.page import SchedulePage
from tests.services.conftest import CHICAGO, MONDAY
from tests.ui.schedule.conftest import NOW, Clinic, at

PageFor = Callable[[Actor], SchedulePage]


@pytest.fixture
def opened() -> list[int]:
    """The visits whose note a page asked the main window to open."""
    return []


@pytest.fixture
def page_for(qtbot: QtBot, scheduled: Clinic, opened: list[int]) -> Iterator[PageFor]:
    pages: list[SchedulePage] = []

    def make(actor: Actor) -> SchedulePage:
        page = SchedulePage(scheduled.db, actor, clock=lambda: NOW)
        page.open_visit_note.connect(opened.append)
        qtbot.addWidget(page)
        page.resize(1100, 700)
        page.show()
        qtbot.waitExposed(page)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page._timer.stop()


def _episode(clinic: Clinic, payer: str = "commercial") -> int:
    return episodes.open_episode(
        clinic.db, clinic.desk, clinic.ortiz,
        EpisodeInput(title="Right SI pain", primary_therapist_id=clinic.lee.staff_id,
                     start_date=MONDAY - timedelta(weeks=5), payer_type=payer),
    ).id  # fmt: skip


def _book(clinic: Clinic, hour: int, episode: int | None = None) -> int:
    return booking.book(clinic.db, clinic.desk, clinic.request(at(MONDAY, hour), episode=episode))


def _view(clinic: Clinic, appointment_id: int) -> AppointmentView:
    view = calendar.appointment_view(clinic.db, clinic.desk, appointment_id)
    assert view is not None
    return view


def _labels(page: SchedulePage, view: AppointmentView) -> list[str]:
    return [a.text().replace("&", "") for a in page.build_menu(view).actions() if a.text()]


def test_a_therapist_writes_the_visit_note_from_the_visit_menu(
    page_for: PageFor, scheduled: Clinic, opened: list[int]
) -> None:
    visit = _book(scheduled, 10, _episode(scheduled))
    page = page_for(scheduled.lee)
    assert page.grid.select_appointment(visit)
    labels = _labels(page, _view(scheduled, visit))
    assert labels[1] == "Write visit note"  # first, under the visit's name
    assert page.note_action is not None and page.note_action.isEnabled()
    assert page.note_action.shortcut().toString() == "Ctrl+E"
    assert page.note_action in page.menu_actions()
    page.note_action.trigger()
    assert opened == [visit]


def test_the_front_desk_has_no_note_action(
    page_for: PageFor, scheduled: Clinic, opened: list[int]
) -> None:
    visit = _book(scheduled, 10, _episode(scheduled))
    page = page_for(scheduled.desk)
    assert page.grid.select_appointment(visit)
    labels = _labels(page, _view(scheduled, visit))
    assert "Open chart" in labels
    assert not any("note" in label.lower() for label in labels)
    assert page.note_action is None
    assert not any("note" in a.text().lower() for a in page.menu_actions() if a is not None)


def test_a_started_note_is_opened_and_a_cancelled_visit_has_none_to_write(
    page_for: PageFor, scheduled: Clinic
) -> None:
    episode = _episode(scheduled)
    started, cancelled = _book(scheduled, 10, episode), _book(scheduled, 12, episode)
    clinical_notes.start_note_for_appointment(scheduled.db, scheduled.lee, started)
    view = _view(scheduled, cancelled)
    booking.set_status(
        scheduled.db, scheduled.desk, cancelled, view.version, AppointmentStatus.CANCELLED,
        reason="Sick", now=NOW,
    )  # fmt: skip
    page = page_for(scheduled.lee)
    page.grid.select_appointment(started)
    assert page.note_action is not None
    assert page.note_action.text() == "Open &note" and page.note_action.isEnabled()
    page.grid.select_appointment(cancelled)
    assert page.note_action.text() == "Write visit &note" and not page.note_action.isEnabled()


def test_double_click_opens_the_note_for_a_therapist_and_the_menu_for_the_front_desk(
    qtbot: QtBot,
    page_for: PageFor,
    scheduled: Clinic,
    opened: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    visit = _book(scheduled, 10, _episode(scheduled))
    menus: list[object] = []
    monkeypatch.setattr(
        SchedulePage, "_show_menu", lambda _self, target, _where: menus.append(target)
    )
    for actor in (scheduled.lee, scheduled.desk):
        page = page_for(actor)
        placed = page.grid.placed_of(visit)
        assert placed is not None
        point = page.grid._block_rect(placed).center().toPoint()
        qtbot.mouseDClick(page.grid.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert opened == [visit]
    assert [m.id for m in menus] == [visit]  # type: ignore[attr-defined]


def test_a_medicare_visit_needing_a_progress_note_says_so_on_its_block(
    page_for: PageFor, scheduled: Clinic
) -> None:
    episode = _episode(scheduled, payer="medicare")
    day, visits = MONDAY - timedelta(days=13), []
    while len(visits) < 10:
        if day.weekday() < 5:
            visits.append(
                booking.book(
                    scheduled.db, scheduled.desk, scheduled.request(at(day, 9), episode=episode)
                )
            )
        day += timedelta(days=1)
    view = _view(scheduled, visits[-1])
    second, third = block_lines(view, by_room=False)
    assert second == "⚠ Progress note due · Follow-up"  # on the second line: 45 min shows two
    assert third == "visit 10"
    assert "progress note due" in detail_text(view, CHICAGO)
    page = page_for(scheduled.lee)
    placed = page.grid.placed_of(visits[-1])
    assert placed is not None
    assert block_lines(placed.view, by_room=False)[0].startswith("⚠ Progress note due")
    nine = block_lines(_view(scheduled, visits[-2]), by_room=False)
    assert "rogress" not in "".join(nine)
