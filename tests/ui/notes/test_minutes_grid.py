"""Minutes per CPT code with the units shown as they are typed: the CMS 8-minute rule for a
Medicare episode, each code on its own for a commercial one, untimed codes billed once."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ptclinic.ui.notes.minutes_grid import MinutesGrid
from tests.ui.notes.conftest import Clinic, MakeWindow, signed_episode, start_note, visit


def _grid(qtbot: QtBot, method: str) -> MinutesGrid:
    grid = MinutesGrid(method)
    qtbot.addWidget(grid)
    grid.show()
    qtbot.waitExposed(grid)
    return grid


def _type(qtbot: QtBot, grid: MinutesGrid, code: str, minutes: int) -> None:
    box = grid.boxes[code]
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, str(minutes))


def test_33_and_7_minutes_make_3_units_by_the_cms_rule(qtbot: QtBot) -> None:
    grid = _grid(qtbot, "cms")
    with qtbot.waitSignal(grid.changed):
        _type(qtbot, grid, "97110", 33)
    _type(qtbot, grid, "97140", 7)
    assert grid.minutes() == {"97110": 33, "97140": 7}
    assert grid.summary.text().startswith("40 timed minutes = 3 units (CMS 8-minute rule).")
    assert grid.summary.text().endswith("Billed at signing: 3 units in all.")
    assert (grid.units["97110"].text(), grid.units["97140"].text()) == ("= 2 units", "= 1 unit")
    assert grid.units["97112"].text() == ""  # no minutes, nothing said
    assert grid.total_units() == 3


def test_each_code_on_its_own_for_a_commercial_payer(qtbot: QtBot) -> None:
    grid = _grid(qtbot, "per_code")
    grid.set_minutes({"97110": 33, "97140": 7})
    assert grid.summary.text().startswith(
        "Each code on its own: 97110 33 min = 2 units; 97140 7 min = 0 units (under 8 minutes)."
    )
    assert grid.units["97140"].text() == "= 0 units" and grid.total_units() == 2
    assert "Each code on its own" in grid.rule.text()


def test_untimed_codes_are_listed_apart_and_billed_once(qtbot: QtBot) -> None:
    grid = _grid(qtbot, "cms")
    timed = [code for code, box in grid.boxes.items() if box.x() < grid.width() // 2]
    assert "97010" not in timed and "97161" not in timed and "97110" in timed
    grid.set_minutes({"97110": 20, "97010": 10})
    assert grid.units["97010"].text() == "= 1 unit"
    assert "20 timed minutes = 1 unit" in grid.summary.text()
    assert "Untimed: 97010 1 unit." in grid.summary.text()
    assert grid.summary.text().endswith("2 units in all.")


def test_the_wheel_leaves_minutes_alone_until_the_box_has_the_focus(qtbot: QtBot) -> None:
    grid = _grid(qtbot, "cms")
    box = grid.boxes["97110"]
    grid.boxes["97112"].setFocus()
    wheel = QWheelEvent(
        QPointF(5, 5), QPointF(box.mapToGlobal(QPoint(5, 5))), QPoint(0, 0), QPoint(0, 120),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
        False,
    )  # fmt: skip
    QApplication.sendEvent(box, wheel)
    assert box.value() == 0


def test_the_window_uses_the_episodes_billing_method(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    medicare = make_window(start_note(scheduled, visit(scheduled, episode)))
    medicare.sections.minutes.set_minutes({"97110": 33, "97140": 7})
    assert medicare.sections.minutes.total_units() == 3
    assert "CMS 8-minute rule" in medicare.sections.minutes.summary.text()

    commercial_episode = signed_episode(scheduled, payer="commercial")
    later = visit(scheduled, commercial_episode, hour=11)
    commercial = make_window(start_note(scheduled, later))
    assert "Commercial" in commercial.header.text()
    commercial.sections.minutes.set_minutes({"97110": 33, "97140": 7})
    assert commercial.sections.minutes.total_units() == 2
    assert "Each code on its own" in commercial.sections.minutes.summary.text()
