"""The Schedule page's tests run on the scheduling tests' small clinic (Dana Lee and Brian Kim,
Mon-Fri 07:00-19:00 in Chicago) at a fixed moment: Monday 7 December 2026, 09:30 clinic time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ptclinic.ui.schedule.page import SchedulePage
from tests.services.conftest import MONDAY, Clinic, at, scheduled

__all__ = ["NOW", "Clinic", "MakePage", "at", "scheduled"]

NOW = at(MONDAY, 9, 30)
MakePage = Callable[..., SchedulePage]


@pytest.fixture
def make_page(qtbot: QtBot, scheduled: Clinic) -> Iterator[MakePage]:
    pages: list[SchedulePage] = []

    def make(*, now: datetime = NOW, width: int = 1100, height: int = 700) -> SchedulePage:
        page = SchedulePage(scheduled.db, scheduled.desk, clock=lambda: now)
        qtbot.addWidget(page)
        page.resize(width, height)
        page.show()
        qtbot.waitExposed(page)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page._timer.stop()


def driving(fill: Callable[[QDialog], None]) -> Callable[[QDialog], int]:
    """An ``exec_dialog`` replacement: ``fill`` acts on the dialog as a person would."""

    def run(dialog: QDialog) -> int:
        fill(dialog)
        return dialog.result()

    return run
