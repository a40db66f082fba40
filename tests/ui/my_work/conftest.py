"""My work's tests run on the scheduling tests' small clinic (Dana Lee and Brian Kim, Chicago)
at a fixed moment: Monday 7 December 2026, 10:00 clinic time. Episodes belong to Dana Lee."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from ptclinic.models import AppointmentStatus
from ptclinic.services import booking, calendar, clinical_notes, episodes
from ptclinic.services.actor import Actor
from ptclinic.services.episodes import EpisodeInput
from ptclinic.ui.my_work.page import MyWorkPage
from ptclinic.ui.tasks import TaskFailure
from tests.services.conftest import MONDAY, Clinic, at, scheduled

__all__ = ["MONDAY", "NOW", "START", "Clinic", "MakePage", "at", "scheduled"]

NOW = at(MONDAY, 10)
START = MONDAY - timedelta(weeks=5)  # Monday Nov 2, 2026
MakePage = Callable[..., MyWorkPage]


def at_once(
    job: Callable[[], object],
    on_done: Callable[[object], None],
    on_error: Callable[[TaskFailure], None],
) -> None:
    """A task runner that reads on the spot, so a test sees the page filled at once."""
    try:
        result = job()
    except Exception as exc:  # the page shows what the worker would have reported
        on_error(TaskFailure(str(exc)))
    else:
        on_done(result)


@pytest.fixture
def make_page(qtbot: QtBot, scheduled: Clinic) -> Iterator[MakePage]:
    def make(
        actor: Actor | None = None, *, now: datetime = NOW, threaded: bool = False
    ) -> MyWorkPage:
        extra = {} if threaded else {"run": at_once}
        page = MyWorkPage(scheduled.db, actor or scheduled.lee, clock=lambda: now, **extra)  # type: ignore[arg-type]
        qtbot.addWidget(page)
        page.resize(1150, 680)
        page.show()
        qtbot.waitExposed(page)
        return page

    yield make


def open_episode(clinic: Clinic, payer: str = "commercial", authorized: int | None = None) -> int:
    return episodes.open_episode(
        clinic.db, clinic.desk, clinic.ortiz,
        EpisodeInput(title="Right SI pain", primary_therapist_id=clinic.lee.staff_id,
                     start_date=START, payer_type=payer, authorized_visits=authorized),
        now=at(START, 8),
    ).id  # fmt: skip


def book(clinic: Clinic, episode: int | None, days: list[date], hour: int = 9) -> list[int]:
    return [
        booking.book(clinic.db, clinic.desk, clinic.request(at(day, hour), episode=episode))
        for day in days
    ]


def weekdays(first: date, count: int) -> list[date]:
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def check_in(clinic: Clinic, appointment: int) -> None:
    view = calendar.appointment_view(clinic.db, clinic.desk, appointment)
    assert view is not None
    booking.set_status(
        clinic.db, clinic.desk, appointment, view.version, AppointmentStatus.CHECKED_IN,
        now=view.starts_at,
    )  # fmt: skip


def start_note(clinic: Clinic, appointment: int, actor: Actor | None = None) -> int:
    return clinical_notes.start_note_for_appointment(clinic.db, actor or clinic.lee, appointment).id
