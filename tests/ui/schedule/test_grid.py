"""The painted grid: selection, keyboard, dragging and stretching visits, speed on a busy day."""

from __future__ import annotations

import time as clock
from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from ptclinic.ui.schedule import layout
from ptclinic.ui.schedule.grid import ScheduleGrid
from ptclinic.ui.schedule.layout import DropTarget, Slot
from tests.ui.schedule.test_layout import DAY, ZONE, at, people, span, visit


def _grid(qtbot: QtBot, visits: list, staff: int = 2, *, width: int = 900, height: int = 800):  # type: ignore[no-untyped-def, type-arg]
    grid = ScheduleGrid()
    qtbot.addWidget(grid)
    grid.resize(width, height)
    grid.show()
    qtbot.waitExposed(grid)
    data = span(visits, list(range(1, staff + 1)))
    columns, free, off = layout.therapist_columns(data, DAY, people(staff), show_everyone=True)
    grid.set_layout(layout.place(data, columns, free=free, off=off), ZONE)
    grid.verticalScrollBar().setValue(0)
    return grid


def _centre(grid: ScheduleGrid, appointment_id: int) -> QPoint:
    return grid.block_rect(appointment_id).center()


def test_a_click_selects_a_visit_and_an_empty_slot(qtbot: QtBot) -> None:
    grid = _grid(qtbot, [visit(1, 1, at(9)), visit(2, 2, at(10))])
    with qtbot.waitSignal(grid.selection_changed):
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=_centre(grid, 2))
    selected = grid.selected_view()
    assert selected is not None and selected.id == 2
    assert "Ortiz2, Maria" in grid.accessibleDescription()
    qtbot.mouseClick(
        grid.viewport(), Qt.MouseButton.LeftButton, pos=grid.slot_point(0, 14 * 60 + 30)
    )
    assert grid.selected_view() is None
    slot = grid.selected_slot()
    assert slot is not None and (slot.column.therapist_id, slot.minute) == (1, 14 * 60 + 30)


def test_double_click_on_an_empty_slot_asks_to_book_there(qtbot: QtBot) -> None:
    grid = _grid(qtbot, [visit(1, 1, at(9))])
    with qtbot.waitSignal(grid.slot_activated) as signal:
        qtbot.mouseDClick(
            grid.viewport(), Qt.MouseButton.LeftButton, pos=grid.slot_point(1, 11 * 60 + 15)
        )
    slot = signal.args[0]
    assert isinstance(slot, Slot) and (slot.column.therapist_id, slot.minute) == (2, 675)


def test_up_and_down_walk_the_visits_in_time_order_and_enter_opens_the_menu(
    qtbot: QtBot,
) -> None:
    grid = _grid(qtbot, [visit(1, 1, at(11)), visit(2, 2, at(9)), visit(3, 1, at(10))])
    grid.setFocus()
    order = []
    for _ in range(3):
        qtbot.keyClick(grid, Qt.Key.Key_Down)
        view = grid.selected_view()
        assert view is not None
        order.append(view.id)
    assert order == [2, 3, 1]
    qtbot.keyClick(grid, Qt.Key.Key_Home)
    assert grid.selected_view().id == 2  # type: ignore[union-attr]
    with qtbot.waitSignal(grid.menu_requested) as signal:
        qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert signal.args[0].id == 2
    with qtbot.waitSignal(grid.menu_requested):
        qtbot.keyClick(grid, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    with qtbot.waitSignal(grid.menu_requested):
        qtbot.keyClick(grid, Qt.Key.Key_Menu)
    qtbot.keyClick(grid, Qt.Key.Key_Escape)
    assert grid.selected_view() is None


def test_left_and_right_are_left_to_the_page_not_used_for_scrolling(qtbot: QtBot) -> None:
    grid = _grid(qtbot, [visit(1, 1, at(9))], staff=20, width=600)
    bar = grid.horizontalScrollBar()
    assert bar.maximum() > 0
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert bar.value() == 0


def test_dragging_a_visit_snaps_to_quarter_hours_and_can_change_column(qtbot: QtBot) -> None:
    grid = _grid(qtbot, [visit(1, 1, at(9))])
    start = _centre(grid, 1)
    # 40 minutes down (snaps to 45) and into the second therapist's column.
    target = start + QPoint(int(grid.column_width), int(grid.row_height * 40 / 15))
    qtbot.mousePress(grid.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(grid.viewport(), start + QPoint(0, 12))
    qtbot.mouseMove(grid.viewport(), target)
    assert grid.is_dragging()
    with qtbot.waitSignal(grid.drop_requested) as signal:
        qtbot.mouseRelease(grid.viewport(), Qt.MouseButton.LeftButton, pos=target)
    drop = signal.args[0]
    assert isinstance(drop, DropTarget)
    assert (drop.column.therapist_id, drop.minute, drop.minutes) == (2, 9 * 60 + 45, 45)
    assert not grid.is_dragging()


def test_dragging_the_bottom_edge_changes_the_length(qtbot: QtBot) -> None:
    grid = _grid(qtbot, [visit(1, 1, at(9))])
    rect = grid.block_rect(1)
    edge = QPoint(rect.center().x(), rect.bottom() - 2)
    qtbot.mousePress(grid.viewport(), Qt.MouseButton.LeftButton, pos=edge)
    qtbot.mouseMove(grid.viewport(), edge + QPoint(0, 10))
    longer = edge + QPoint(0, int(grid.row_height * 2))  # 30 minutes more
    qtbot.mouseMove(grid.viewport(), longer)
    with qtbot.waitSignal(grid.drop_requested) as signal:
        qtbot.mouseRelease(grid.viewport(), Qt.MouseButton.LeftButton, pos=longer)
    drop = signal.args[0]
    assert (drop.column.therapist_id, drop.minute, drop.minutes) == (1, 9 * 60, 75)


def test_a_drop_where_it_started_asks_nothing_and_escape_abandons_a_drag(qtbot: QtBot) -> None:
    grid = _grid(qtbot, [visit(1, 1, at(9))])
    start = _centre(grid, 1)
    with qtbot.assertNotEmitted(grid.drop_requested):
        qtbot.mousePress(grid.viewport(), Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(grid.viewport(), start + QPoint(0, 10))
        qtbot.mouseMove(grid.viewport(), start + QPoint(0, 2))
        qtbot.mouseRelease(grid.viewport(), Qt.MouseButton.LeftButton, pos=start)
        qtbot.mousePress(grid.viewport(), Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(grid.viewport(), start + QPoint(0, 60))
        qtbot.keyClick(grid, Qt.Key.Key_Escape)
        qtbot.mouseRelease(grid.viewport(), Qt.MouseButton.LeftButton, pos=start + QPoint(0, 60))


def test_a_visit_that_may_not_move_is_not_dragged(qtbot: QtBot) -> None:
    grid = _grid(qtbot, [visit(1, 1, at(9), status="checked_in")])
    grid.set_movable(lambda view: view.status == "scheduled")
    start = _centre(grid, 1)
    with qtbot.waitSignal(grid.drag_refused), qtbot.assertNotEmitted(grid.drop_requested):
        qtbot.mousePress(grid.viewport(), Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(grid.viewport(), start + QPoint(0, 40))
        qtbot.mouseRelease(grid.viewport(), Qt.MouseButton.LeftButton, pos=start + QPoint(0, 40))


def test_the_whole_opening_day_fits_a_laptop_height_without_unreadable_rows(
    qtbot: QtBot,
) -> None:
    grid = _grid(qtbot, [visit(1, 1, at(9))], height=560)
    # 07:00-19:00 is 48 rows: fitted to the height, never below two lines per 45 minutes.
    assert grid.row_height >= grid.min_row_height
    assert grid.row_height * 3 >= 2 * grid.fontMetrics().height() - 4
    tall = _grid(qtbot, [visit(1, 1, at(9))], height=1000)
    assert tall.verticalScrollBar().maximum() == 0


@pytest.mark.parametrize("staff", [20])
def test_a_busy_day_is_painted_without_a_widget_per_visit_and_quickly(
    qtbot: QtBot, staff: int
) -> None:
    visits = [
        replace(visit(n, 1 + n % staff, at(7 + n // staff, 15 * (n % 3))), visit_label="Re-eval")
        for n in range(150)
    ]
    grid = _grid(qtbot, visits, staff=staff, width=1600, height=900)
    data = span(visits, list(range(1, staff + 1)))
    started = clock.perf_counter()
    for _ in range(5):
        columns, free, off = layout.therapist_columns(data, DAY, people(staff), show_everyone=True)
        grid.set_layout(layout.place(data, columns, free=free, off=off), ZONE)
        grid.viewport().repaint()
    per_day = (clock.perf_counter() - started) / 5
    assert len(grid.grid_layout().placed) == 150
    # A few widgets for the frame (viewport, scroll bars, header, gutter), none per visit.
    assert len(grid.findChildren(QWidget)) < 15
    assert per_day < 0.1, f"laying out and painting a busy day took {per_day * 1000:.0f} ms"


def _pixel(grid: ScheduleGrid, point: QPoint) -> tuple[int, int, int]:
    colour = grid.viewport().grab().toImage().pixelColor(point)
    return colour.red(), colour.green(), colour.blue()


def test_the_current_time_is_a_red_line_on_today_only(qtbot: QtBot) -> None:
    from datetime import timedelta

    grid = _grid(qtbot, [visit(1, 1, at(8))])
    x = grid.slot_point(1, 12 * 60).x()  # an empty stretch of the second column
    line = QPoint(x, grid.slot_point(1, 10 * 60 + 20 - 7).y())  # 7.5 minutes: the slot centre

    def red_near() -> bool:
        image = grid.viewport().grab().toImage()
        for dy in range(-2, 3):
            colour = image.pixelColor(line + QPoint(0, dy))
            if colour.red() > 150 and colour.green() < 90 and colour.blue() < 90:
                return True
        return False

    assert not red_near()
    grid.set_now(at(10, 20))
    assert red_near()
    grid.set_now(at(10, 20) + timedelta(days=1))  # tomorrow: no line on this day
    assert not red_near()


def test_time_that_cannot_be_booked_is_shaded(qtbot: QtBot) -> None:
    grid = _grid(qtbot, [])
    data = span([], [1])
    data = replace(data, bookable={(1, DAY): [replace(data.opening[DAY], start=at(12))]})  # type: ignore[arg-type]
    columns, _free, _off = layout.therapist_columns(data, DAY, people(1), show_everyone=True)
    grid.set_layout(layout.place(data, columns), ZONE)
    grid.verticalScrollBar().setValue(0)
    assert _pixel(grid, grid.slot_point(0, 13 * 60)) == (255, 255, 255)
    morning = _pixel(grid, grid.slot_point(0, 9 * 60))
    assert morning != (255, 255, 255) and max(morning) - min(morning) < 30  # a calm grey


def test_a_replaced_cancellation_is_a_narrow_tab_that_can_still_be_clicked(
    qtbot: QtBot,
) -> None:
    grid = _grid(qtbot, [visit(1, 1, at(10), status="cancelled"), visit(2, 1, at(10))], staff=1)
    held, tab = grid.block_rect(2), grid.block_rect(1)
    assert held.width() > 0.9 * grid.column_width  # the visit that holds the slot: full width
    assert tab.width() < 0.3 * grid.column_width and tab.right() >= held.right() - 2
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=tab.center())
    selected = grid.selected_view()
    assert selected is not None and selected.id == 1
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=held.topLeft() + QPoint(8, 8))
    selected = grid.selected_view()
    assert selected is not None and selected.id == 2
