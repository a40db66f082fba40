"""The schedule grid: one custom-painted scroll area, never a widget per cell or per visit.

Columns are therapists, rooms or days (see ``layout``); rows are 15-minute slots. The column
header and the hour gutter stay in place while the body scrolls. Visits are selected with the
mouse or Up/Down, dragged to another time or column, or stretched by their bottom edge; the grid
only reports what the person asked (``drop_requested``), and the page decides with the booking
service whether it may land.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QToolTip, QWidget

from ptclinic.services.calendar import AppointmentView
from ptclinic.ui.schedule.appearance import tooltip_html
from ptclinic.ui.schedule.layout import (
    SLOT_MINUTES,
    DropTarget,
    GridLayout,
    Placed,
    Slot,
)
from ptclinic.ui.schedule.painting import HEADER_BG, GridPainting

RESIZE_GRIP = 6  # pixels above a block's bottom edge that resize instead of move
TUCKED_SHARE, TUCKED_MIN_WIDTH = 0.22, 22.0  # a replaced cancellation's tab: share of the column


def snap(minute: float) -> int:
    return round(minute / SLOT_MINUTES) * SLOT_MINUTES


class _Margin(QWidget):
    """The fixed header or gutter; the grid paints it (a plain widget with a paint callback)."""

    def __init__(self, paint: Callable[[QPainter, QRect], None], parent: QWidget) -> None:
        super().__init__(parent)
        self._paint = paint

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self._paint(painter, self.rect())


class ScheduleGrid(QAbstractScrollArea, GridPainting):
    selection_changed = Signal()
    slot_activated = Signal(object)  # Slot: double-click or Enter on an empty slot
    drop_requested = Signal(object)  # DropTarget
    drag_refused = Signal(object)  # AppointmentView that may not be moved
    menu_requested = Signal(object, QPoint)  # AppointmentView or Slot, global position
    visit_activated = Signal(object, QPoint)  # double-click on a visit: AppointmentView, where

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleGrid")
        self.setAccessibleName("Schedule")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self._layout = GridLayout([], [], 7 * 60, 19 * 60)
        self._zone = ZoneInfo("UTC")
        self._now: datetime | None = None
        self._order: list[Placed] = []  # visits in time order, for Up/Down
        self._drawn: list[Placed] = []  # in painting order
        self._selected: int | None = None  # appointment id
        self._slot: Slot | None = None
        self._movable: Callable[[AppointmentView], bool] = lambda _view: True
        self._press: tuple[QPoint, Placed | None, bool] | None = None  # where, what, resizing
        self._drag: DropTarget | None = None
        self._header = _Margin(self._paint_header, self)
        self._gutter = _Margin(self._paint_gutter, self)
        self._corner = _Margin(lambda p, r: p.fillRect(r, HEADER_BG), self)
        self.row_height = 14.0
        self.column_width = 100.0
        self._measure()

    # --- what the page sets and asks ----------------------------------------------------------

    def set_layout(self, layout: GridLayout, zone: ZoneInfo) -> None:
        """Show a new layout, keeping the selected visit selected if it is still there."""
        self._layout, self._zone = layout, zone
        self._order = sorted(layout.placed, key=lambda p: (p.top, p.column, p.lane))
        # Tucked tabs last: drawn over the visit they sit on, so they also win a hit.
        self._drawn = sorted(self._order, key=lambda p: p.tucked)
        self._drag = self._press = None
        if self.placed_of(self._selected) is None:
            self._selected = None
        if self._slot is not None and self._slot.column not in layout.columns:
            self._slot = None
        self._relayout()
        self.selection_changed.emit()

    def set_now(self, moment: datetime | None) -> None:
        self._now = moment
        self.viewport().update()
        self._gutter.update()

    def set_movable(self, movable: Callable[[AppointmentView], bool]) -> None:
        self._movable = movable

    def is_dragging(self) -> bool:
        return self._press is not None or self._drag is not None

    def grid_layout(self) -> GridLayout:
        return self._layout

    def selected_view(self) -> AppointmentView | None:
        placed = self.placed_of(self._selected)
        return placed.view if placed is not None else None

    def selected_slot(self) -> Slot | None:
        return self._slot

    def placed_of(self, appointment_id: int | None) -> Placed | None:
        if appointment_id is None:
            return None
        return next((p for p in self._layout.placed if p.view.id == appointment_id), None)

    def select_appointment(self, appointment_id: int | None) -> bool:
        placed = self.placed_of(appointment_id)
        self._selected = placed.view.id if placed is not None else None
        self._slot = None
        if placed is not None:
            self.ensure_visible(placed.top, placed.bottom, placed.column)
        self._selection_moved()
        return placed is not None

    def select_slot(self, slot: Slot | None) -> None:
        self._selected, self._slot = None, slot
        self._selection_moved()

    def scroll_to_minute(self, minute: int) -> None:
        """Scroll so ``minute`` sits a little below the top (the current time, on opening)."""
        y = (minute - self._layout.first_minute) / SLOT_MINUTES * self.row_height
        self.verticalScrollBar().setValue(int(y - 2 * self.row_height))

    def ensure_visible(self, top: int, bottom: int, column: int) -> None:
        bar = self.verticalScrollBar()
        y1 = (top - self._layout.first_minute) / SLOT_MINUTES * self.row_height
        y2 = (bottom - self._layout.first_minute) / SLOT_MINUTES * self.row_height
        height = self.viewport().height()
        if y1 < bar.value():
            bar.setValue(int(y1 - self.row_height))
        elif y2 > bar.value() + height:
            bar.setValue(int(min(y1 - self.row_height, y2 - height + self.row_height)))
        hbar = self.horizontalScrollBar()
        x1, x2 = column * self.column_width, (column + 1) * self.column_width
        if x1 < hbar.value():
            hbar.setValue(int(x1))
        elif x2 > hbar.value() + self.viewport().width():
            hbar.setValue(int(x2 - self.viewport().width()))

    # --- geometry ------------------------------------------------------------------------------

    def _measure(self) -> None:
        self.ensurePolished()
        metrics = self._metrics = QFontMetrics(self.font())
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self._struck = QFont(self._bold)
        self._struck.setStrikeOut(True)
        self._bold_metrics = QFontMetrics(self._bold)
        self._line = metrics.height()
        # Lines inside a block sit a little closer than in running text: a 45-minute visit
        # (three rows) still shows its name and what kind of visit it is.
        self._line_step = self._line - 2
        self.min_row_height = math.ceil((2 * self._line_step + 4) / 3)
        # Narrow enough for 15 therapists side by side on a 1366-pixel laptop; names shorten.
        self.min_column_width = metrics.horizontalAdvance("Lewand…") + 14
        self._gutter_width = metrics.horizontalAdvance("00:00") + 14
        self._header_height = 2 * self._line + 8

    def _relayout(self) -> None:
        self._measure()
        self.setViewportMargins(self._gutter_width, self._header_height, 0, 0)
        rect = self.contentsRect()
        self._header.setGeometry(
            rect.left() + self._gutter_width,
            rect.top(),
            rect.width() - self._gutter_width,
            self._header_height,
        )
        self._gutter.setGeometry(
            rect.left(),
            rect.top() + self._header_height,
            self._gutter_width,
            rect.height() - self._header_height,
        )
        self._corner.setGeometry(rect.left(), rect.top(), self._gutter_width, self._header_height)
        columns = max(1, len(self._layout.columns))
        rows = max(1, self._layout.rows)
        view = self.viewport().size()
        # The whole day in view when the screen allows it, never rows too short to read.
        self.row_height = min(max(self.min_row_height, view.height() / rows), 3.0 * self._line)
        self.column_width = max(self.min_column_width, view.width() / columns)
        content_w = math.ceil(self.column_width * columns)
        content_h = math.ceil(self.row_height * rows)
        self.horizontalScrollBar().setRange(0, max(0, content_w - view.width()))
        self.horizontalScrollBar().setPageStep(view.width())
        self.verticalScrollBar().setRange(0, max(0, content_h - view.height()))
        self.verticalScrollBar().setPageStep(view.height())
        self.verticalScrollBar().setSingleStep(int(self.row_height))
        self.viewport().update()
        self._header.update()
        self._gutter.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        self._paint_body(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()
        self._header.update()
        self._gutter.update()

    def _x(self, column: int) -> float:
        return column * self.column_width - self.horizontalScrollBar().value()

    def _y(self, minute: float) -> float:
        offset = (minute - self._layout.first_minute) / SLOT_MINUTES * self.row_height
        return offset - self.verticalScrollBar().value()

    def _minute_at(self, y: float) -> float:
        value = (y + self.verticalScrollBar().value()) / self.row_height * SLOT_MINUTES
        return self._layout.first_minute + value

    def _column_at(self, x: float) -> int | None:
        index = int((x + self.horizontalScrollBar().value()) // self.column_width)
        return index if 0 <= index < len(self._layout.columns) else None

    def _block_rect(
        self, placed: Placed, top: int | None = None, bottom: int | None = None
    ) -> QRectF:
        if placed.tucked:
            width = max(TUCKED_MIN_WIDTH, self.column_width * TUCKED_SHARE)
            x = self._x(placed.column) + self.column_width - width
        else:
            width = self.column_width / placed.lanes
            x = self._x(placed.column) + placed.lane * width
        y1 = self._y(placed.top if top is None else top)
        y2 = self._y(placed.bottom if bottom is None else bottom)
        return QRectF(x + 2, y1 + 1, width - 4, max(4.0, y2 - y1 - 2))

    def block_rect(self, appointment_id: int) -> QRect:
        """The visit's block in viewport coordinates (empty if not shown)."""
        placed = self.placed_of(appointment_id)
        return self._block_rect(placed).toRect() if placed is not None else QRect()

    def slot_point(self, column: int, minute: int) -> QPoint:
        """The centre of a slot in viewport coordinates (for tests and keyboard menus)."""
        x = self._x(column) + self.column_width / 2
        y = self._y(minute + SLOT_MINUTES / 2)
        return QPointF(x, y).toPoint()

    def _hit(self, pos: QPoint) -> Placed | None:
        point = QPointF(pos)
        # Later lanes are drawn on top, so they win a hit.
        for placed in reversed(self._drawn):
            if self._block_rect(placed).contains(point):
                return placed
        return None

    # --- mouse ----------------------------------------------------------------------------------

    def _selection_moved(self) -> None:
        view = self.selected_view()
        self.setAccessibleDescription(tooltip_html(view, self._zone) if view is not None else "")
        self.viewport().update()
        self.selection_changed.emit()

    def _slot_at(self, pos: QPoint) -> Slot | None:
        index = self._column_at(pos.x())
        minute = int(self._minute_at(pos.y()) // SLOT_MINUTES * SLOT_MINUTES)
        if index is None or not self._layout.first_minute <= minute < self._layout.last_minute:
            return None
        return Slot(self._layout.columns[index], minute)

    def _on_resize_grip(self, placed: Placed, pos: QPoint) -> bool:
        rect = self._block_rect(placed)
        return rect.height() >= 3 * RESIZE_GRIP and rect.bottom() - pos.y() <= RESIZE_GRIP

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        placed = self._hit(pos)
        if placed is not None:
            if placed.view.id != self._selected:
                self.select_appointment(placed.view.id)
        else:
            self.select_slot(self._slot_at(pos))
        if event.button() == Qt.MouseButton.LeftButton:
            resizing = placed is not None and self._on_resize_grip(placed, pos)
            self._press = (pos, placed, resizing)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        if self._press is None:
            placed = self._hit(pos)
            grip = (
                placed is not None
                and self._movable(placed.view)
                and self._on_resize_grip(placed, pos)
            )
            self.viewport().setCursor(
                Qt.CursorShape.SizeVerCursor if grip else Qt.CursorShape.ArrowCursor
            )
            return
        start, placed, resizing = self._press
        if placed is None:
            return
        if (
            self._drag is None
            and (pos - start).manhattanLength() < QApplication.startDragDistance()
        ):
            return
        if not self._movable(placed.view):
            self._press = None
            self.drag_refused.emit(placed.view)
            return
        delta = (pos.y() - start.y()) / self.row_height * SLOT_MINUTES
        column_index = placed.column
        if resizing:
            end = max(placed.top + SLOT_MINUTES, snap(placed.bottom + delta))
            end = min(end, self._layout.last_minute)
            target = DropTarget(
                placed.view, self._layout.columns[column_index], placed.top, end - placed.top
            )
        else:
            over = self._column_at(pos.x())
            column_index = over if over is not None else placed.column
            length = placed.bottom - placed.top
            top = snap(placed.top + delta)
            top = max(self._layout.first_minute, min(top, self._layout.last_minute - length))
            target = DropTarget(placed.view, self._layout.columns[column_index], top, length)
        self._drag = target
        self.viewport().setCursor(
            Qt.CursorShape.SizeVerCursor if resizing else Qt.CursorShape.ClosedHandCursor
        )
        self.viewport().update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self._drag, self._press = self._drag, None, None
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
        self.viewport().update()
        if drag is None:
            return
        placed = self.placed_of(drag.view.id)
        unchanged = (
            placed is not None
            and self._layout.columns[placed.column] == drag.column
            and (placed.top, placed.bottom - placed.top) == (drag.minute, drag.minutes)
        )
        if not unchanged:
            self.drop_requested.emit(drag)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        placed = self._hit(pos)
        if placed is not None:
            self.visit_activated.emit(placed.view, self.viewport().mapToGlobal(pos))
        elif (slot := self._slot_at(pos)) is not None:
            self.select_slot(slot)
            self.slot_activated.emit(slot)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            pos = self.viewport().mapFromGlobal(event.globalPos())
            placed = self._hit(pos)
            if placed is not None:
                self.select_appointment(placed.view.id)
            else:
                self.select_slot(self._slot_at(pos))
        self.open_menu()

    def open_menu(self) -> None:
        """Ask for the actions menu of the selected visit or slot, placed at it."""
        placed = self.placed_of(self._selected)
        if placed is not None:
            point = self._block_rect(placed).center().toPoint()
            self.menu_requested.emit(placed.view, self.viewport().mapToGlobal(point))
        elif self._slot is not None and self._slot.column in self._layout.columns:
            index = self._layout.columns.index(self._slot.column)
            point = self.slot_point(index, self._slot.minute)
            self.menu_requested.emit(self._slot, self.viewport().mapToGlobal(point))

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            placed = self._hit(event.pos())
            if placed is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(
                    event.globalPos(), tooltip_html(placed.view, self._zone), self.viewport()
                )
            return True
        return super().viewportEvent(event)

    # --- keyboard --------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if plain and key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End):
            self._step(key)
        elif key == Qt.Key.Key_Menu or (
            key == Qt.Key.Key_F10 and event.modifiers() == Qt.KeyboardModifier.ShiftModifier
        ):
            self.open_menu()  # the menu key or Shift+F10: the selection's menu, placed at it
        elif plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._slot is not None and self.selected_view() is None:
                self.slot_activated.emit(self._slot)
            else:
                self.open_menu()
        elif key == Qt.Key.Key_Escape and (self._drag is not None or self._press is not None):
            self._drag = self._press = None
            self.viewport().update()
        elif key == Qt.Key.Key_Escape and (self._selected is not None or self._slot is not None):
            self.select_slot(None)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            event.ignore()  # the page turns the day (or week); no sideways scrolling by arrows
        else:
            super().keyPressEvent(event)

    def _step(self, key: int) -> None:
        if not self._order:
            return
        ids = [p.view.id for p in self._order]
        if key == Qt.Key.Key_Home:
            index = 0
        elif key == Qt.Key.Key_End:
            index = len(ids) - 1
        elif self._selected in ids:
            index = ids.index(self._selected) + (1 if key == Qt.Key.Key_Down else -1)
            index = max(0, min(index, len(ids) - 1))
        else:
            index = self._first_after_now() if key == Qt.Key.Key_Down else len(ids) - 1
        self.select_appointment(ids[index])

    def _first_after_now(self) -> int:
        """The first visit still to come today (or the first shown): where the desk looks next."""
        now = self._now_minute()
        if now is None:
            return 0
        today, minute = now
        for index, placed in enumerate(self._order):
            if self._layout.columns[placed.column].day == today and placed.bottom > minute:
                return index
        return 0
