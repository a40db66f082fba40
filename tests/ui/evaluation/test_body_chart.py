"""The body chart: clicks mark the region under the pointer, the keyboard moves and marks, a saved
choice loads without counting as an edit, and a signed evaluation's chart cannot be changed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ptclinic.services.evaluation_form import BODY_REGIONS
from ptclinic.ui.evaluation.body_chart import CANVAS, BodyChart, neighbour


@pytest.fixture
def chart(qtbot: QtBot) -> BodyChart:
    widget = BodyChart()
    qtbot.addWidget(widget)
    widget.resize(260, 360)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _click(qtbot: QtBot, chart: BodyChart, key: str) -> None:
    point = chart.region_point(key)
    qtbot.mouseClick(
        chart, Qt.MouseButton.LeftButton, pos=QPoint(round(point.x()), round(point.y()))
    )


def test_every_region_is_clickable_where_it_is_drawn(qtbot: QtBot, chart: BodyChart) -> None:
    for key, _label in BODY_REGIONS:
        assert chart.region_at(chart.region_point(key)) == key
    with qtbot.waitSignal(chart.changed):
        _click(qtbot, chart, "buttock_right")
    _click(qtbot, chart, "psis_left")  # a small region drawn over the buttock
    _click(qtbot, chart, "groin_left")  # in the front view
    assert chart.regions() == ["psis_left", "buttock_right", "groin_left"]
    assert chart.summary.text() == "Where it hurts: Left PSIS, Right buttock, Left groin"
    _click(qtbot, chart, "buttock_right")  # a second click clears it
    assert chart.regions() == ["psis_left", "groin_left"]


def test_the_patients_left_is_on_the_viewers_left_from_behind_and_right_from_the_front(
    chart: BodyChart,
) -> None:
    back = chart.region_point("buttock_left").x() < chart.region_point("buttock_right").x()
    front = chart.region_point("groin_left").x() > chart.region_point("groin_right").x()
    assert back and front


def test_a_click_outside_every_region_changes_nothing(qtbot: QtBot, chart: BodyChart) -> None:
    with qtbot.assertNotEmitted(chart.changed):
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert chart.regions() == []


def test_arrow_keys_move_and_space_marks(qtbot: QtBot, chart: BodyChart) -> None:
    chart.setFocus()
    assert chart.current_region() == "lumbar"
    qtbot.keyClick(chart, Qt.Key.Key_Space)
    for arrow in (Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Right):  # sacrum, buttocks
        qtbot.keyClick(chart, arrow)
    assert chart.current_region() == "buttock_right"
    qtbot.keyClick(chart, Qt.Key.Key_Space)
    qtbot.keyClick(chart, Qt.Key.Key_Right)  # on to the front view
    qtbot.keyClick(chart, Qt.Key.Key_Space)
    assert chart.regions() == ["lumbar", "buttock_right", "groin_right"]
    qtbot.keyClick(chart, Qt.Key.Key_Space)
    assert chart.regions() == ["lumbar", "buttock_right"]
    assert "Right groin, not marked" in chart.accessibleDescription()


def test_every_region_can_be_reached_with_the_arrow_keys() -> None:
    reached, todo = {"lumbar"}, ["lumbar"]
    while todo:
        here = todo.pop()
        for arrow in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
            there = neighbour(here, arrow)
            if there not in reached:
                reached.add(there)
                todo.append(there)
    assert reached == {key for key, _label in BODY_REGIONS}


def test_a_saved_choice_loads_in_the_forms_order_without_an_edit(
    qtbot: QtBot, chart: BodyChart
) -> None:
    with qtbot.assertNotEmitted(chart.changed):
        chart.set_regions(["below_knee_right", "lumbar", "thigh_right"])
    assert chart.regions() == ["lumbar", "thigh_right", "below_knee_right"]
    assert "Lumbar spine, Right posterior thigh, Right leg below the knee" in chart.summary.text()
    chart.set_regions([])
    assert chart.regions() == [] and "Nothing marked" in chart.summary.text()
    with pytest.raises(ValueError, match="knee_left_ish"):
        chart.set_regions(["knee_left_ish"])


def test_read_only_shows_the_choice_but_ignores_clicks_and_keys(
    qtbot: QtBot, chart: BodyChart
) -> None:
    chart.set_regions(["sacrum"])
    chart.set_read_only(True)
    chart.setFocus()
    with qtbot.assertNotEmitted(chart.changed):
        _click(qtbot, chart, "thigh_left")
        _click(qtbot, chart, "sacrum")
        qtbot.keyClick(chart, Qt.Key.Key_Space)
    assert chart.regions() == ["sacrum"] and chart.is_read_only()
    chart.set_read_only(False)
    _click(qtbot, chart, "thigh_left")
    assert chart.regions() == ["sacrum", "thigh_left"]


def test_the_chart_keeps_its_regions_apart_when_resized(qtbot: QtBot, chart: BodyChart) -> None:
    chart.resize(520, 700)
    qtbot.wait(1)
    for key, _label in BODY_REGIONS:
        assert chart.region_at(chart.region_point(key)) == key
    assert chart.chart_rect().bottom() <= chart.summary.geometry().top()


def test_marking_areas_never_moves_the_picture_under_the_pointer(qtbot: QtBot) -> None:
    # In a form the words under the picture grow to several lines as areas are marked; the
    # picture must stay put, or the next click lands on a different area.
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    chart = BodyChart()
    layout.addWidget(chart)
    layout.addStretch(1)
    holder.resize(300, 700)
    holder.show()
    qtbot.waitExposed(holder)
    before = {key: chart.region_point(key) for key, _label in BODY_REGIONS}
    lines_before = chart.summary.height()
    for key, _label in BODY_REGIONS:
        # Where the area was drawn before anything was marked is where it is still clicked.
        point = before[key]
        qtbot.mouseClick(
            chart, Qt.MouseButton.LeftButton, pos=QPoint(round(point.x()), round(point.y()))
        )
        qtbot.wait(1)  # let the layout settle as it would between clicks
        assert key in chart.regions()
    assert chart.chart_rect().height() >= CANVAS[1]  # drawn no smaller than designed
    assert chart.summary.height() > lines_before  # the words did grow, below the picture
