"""The series dialogs' shared pieces: words with their own sign, a table model that asks before
a box changes, and weekday boxes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from ptclinic.services.booking import BookingCheck
from ptclinic.ui.schedule.series_parts import (
    Tone,
    VisitRow,
    VisitRowsModel,
    WeekdayBoxes,
    check_words,
)


def test_each_check_reads_with_a_sign_worst_first() -> None:
    both = BookingCheck(clashes=("Dana Lee is busy.",), outside_hours="The clinic is closed.")
    assert check_words(both) == ("✗ Dana Lee is busy.", Tone.CLASH)
    assert check_words(BookingCheck(outside_hours="Closed.")) == ("⚠ Closed.", Tone.NOTICE)
    assert check_words(BookingCheck(warnings=("Missed two.",))) == (
        "⚠ Free; Missed two.",
        Tone.NOTICE,
    )
    assert check_words(BookingCheck()) == ("✓ Free", Tone.FREE)


def test_the_rows_model_asks_before_a_box_changes(qtmodeltester: ModelTester) -> None:
    model = VisitRowsModel(("Visit", "Time", "What stands in the way"))
    model.set_rows(
        [
            VisitRow(("Mon Dec 7", "10:00–10:45", "✓ Free"), Tone.FREE, True),
            VisitRow(("Thu Dec 10", "10:00–10:45", "✗ Busy"), Tone.CLASH, False),
        ]
    )
    qtmodeltester.check(model)
    first = model.index(0, 0)
    assert model.data(first, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.data(model.index(1, 2), Qt.ItemDataRole.ForegroundRole).name() == "#a32020"
    asked: list[int] = []
    model.toggle_requested.connect(asked.append)
    model.setData(model.index(1, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert asked == [1]
    assert model.data(model.index(1, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked


def test_weekday_boxes_say_the_ticked_days(qtbot: QtBot) -> None:
    boxes = WeekdayBoxes([0, 3])
    qtbot.addWidget(boxes)
    assert boxes.days() == (0, 3)
    with qtbot.waitSignal(boxes.changed):
        boxes.boxes[4].setChecked(True)
    assert boxes.days() == (0, 3, 4)
    assert [box.text() for box in boxes.boxes] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
