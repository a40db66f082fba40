"""How the schedule grid looks: shading, lines, visit blocks, the drag ghost, the current time,
the column header and the hour gutter. A mixin of ``ScheduleGrid``, which owns the geometry (the
``_x``/``_y`` helpers, row and column sizes) and the state painted here.

Calm on purpose: visit-type tints with dark text, one accent colour for selection, a muted red
only for the current time, and status always as a sign with a word ("✓ In"), never colour alone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen

from ptclinic.ui.schedule.appearance import block_lines, short_person, status_mark, time_range
from ptclinic.ui.schedule.layout import (
    SLOT_MINUTES,
    Column,
    DropTarget,
    GridLayout,
    Placed,
    Slot,
    local_minutes,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

ACCENT = QColor("#0f7c80")
INK = QColor("#1f2d33")
MUTED_INK = QColor("#4a5a60")
LINE = QColor("#d3dcdf")
FAINT_LINE = QColor("#eaeff1")
SHADE = QColor("#e9edef")
HATCH = QColor("#d5dce0")
NOW = QColor("#c0392b")
TODAY_TINT = QColor("#f2f9f9")
HEADER_BG = QColor("#e6ecee")
_MARK_INK = {
    "checked_in": QColor("#1d6b3a"),
    "completed": QColor("#33515a"),
    "cancelled": QColor("#8c2f2f"),
    "no_show": QColor("#8a4b00"),
}


class GridPainting:
    """The paint methods of ``ScheduleGrid`` (see the module docstring)."""

    if TYPE_CHECKING:  # provided by ScheduleGrid
        _layout: GridLayout
        _zone: ZoneInfo
        _now: datetime | None
        _order: list[Placed]
        _drawn: list[Placed]
        _selected: int | None
        _slot: Slot | None
        _drag: DropTarget | None
        _line: int
        _line_step: int
        _metrics: QFontMetrics
        _bold: QFont
        _struck: QFont
        _bold_metrics: QFontMetrics
        row_height: float
        column_width: float

        def viewport(self) -> QWidget: ...
        def font(self) -> QFont: ...
        def _x(self, column: int) -> float: ...
        def _y(self, minute: float) -> float: ...
        def _block_rect(
            self, placed: Placed, top: int | None = None, bottom: int | None = None
        ) -> QRectF: ...

    def _paint_body(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        area = QRectF(event.rect())
        painter.fillRect(area, Qt.GlobalColor.white)
        layout = self._layout
        if not layout.columns:
            self._paint_empty(painter)
            return
        today = self._today()
        for index, column in enumerate(layout.columns):
            x = self._x(index)
            if x > area.right() or x + self.column_width < area.left():
                continue
            self._paint_column(painter, index, column, today)
        self._paint_lines(painter, area)
        if self._slot is not None and self._slot.column in layout.columns:
            index = layout.columns.index(self._slot.column)
            rect = QRectF(
                self._x(index) + 1,
                self._y(self._slot.minute),
                self.column_width - 2,
                self.row_height,
            )
            painter.fillRect(rect, QColor("#d5ecec"))
            painter.setPen(QPen(ACCENT, 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        dragged = self._drag.view.id if self._drag is not None else None
        for placed in self._drawn:
            rect = self._block_rect(placed)
            if rect.intersects(area):
                self._paint_block(painter, placed, rect, faded=placed.view.id == dragged)
        if self._drag is not None:
            self._paint_ghost(painter, self._drag)
        self._paint_now(painter)

    def _paint_empty(self, painter: QPainter) -> None:
        rect = QRectF(self.viewport().rect())
        painter.fillRect(rect, SHADE)
        painter.fillRect(rect, QBrush(HATCH, Qt.BrushStyle.BDiagPattern))
        flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap)
        width = int(min(460, rect.width() - 40))
        box = QRectF(
            self._bold_metrics.boundingRect(
                QRect(0, 0, width, 2000), flags, self._layout.empty_text
            )
        )
        box.moveCenter(QPointF(rect.center().x(), rect.top() + 60))
        painter.fillRect(box.adjusted(-14, -10, 14, 10), QColor("#f6f8f9"))
        painter.setFont(self._bold)
        painter.setPen(INK)
        painter.drawText(box, flags, self._layout.empty_text)

    def _today(self) -> date | None:
        return self._now.astimezone(self._zone).date() if self._now is not None else None

    def _paint_column(
        self, painter: QPainter, index: int, column: Column, today: date | None
    ) -> None:
        x, top, bottom = self._x(index), self._layout.first_minute, self._layout.last_minute
        full = QRectF(x, self._y(top), self.column_width, self._y(bottom) - self._y(top))
        if column.day == today and self._layout.week:
            painter.fillRect(full, TODAY_TINT)  # the week view's today stands out
        # Shade what cannot be booked: everything outside the column's bookable ranges.
        shaded_from = top
        for start, end in [*sorted(column.bookable), (bottom, bottom)]:
            if start > shaded_from:
                self._shade(painter, x, shaded_from, min(start, bottom))
            shaded_from = max(shaded_from, end)
        if column.closed_reason:
            flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap)
            width = int(self.column_width - 16)
            box = QRectF(
                self._metrics.boundingRect(QRect(0, 0, width, 400), flags, column.closed_reason)
            )
            box.moveTopLeft(QPointF(x + (self.column_width - box.width()) / 2, self._y(top) + 10))
            painter.fillRect(box.adjusted(-5, -3, 5, 3), QColor("#f6f8f9"))
            painter.setFont(self.font())
            painter.setPen(INK)
            painter.drawText(box, flags, column.closed_reason)

    def _shade(self, painter: QPainter, x: float, start: int, end: int) -> None:
        rect = QRectF(x, self._y(start), self.column_width, self._y(end) - self._y(start))
        painter.fillRect(rect, SHADE)
        painter.fillRect(rect, QBrush(HATCH, Qt.BrushStyle.BDiagPattern))

    def _paint_lines(self, painter: QPainter, area: QRectF) -> None:
        layout = self._layout
        right = self._x(len(layout.columns))
        for minute in range(layout.first_minute, layout.last_minute + 1, SLOT_MINUTES):
            y = round(self._y(minute))
            if y < area.top() - 1 or y > area.bottom() + 1:
                continue
            painter.setPen(QPen(LINE if minute % 60 == 0 else FAINT_LINE, 1))
            painter.drawLine(QPointF(area.left(), y), QPointF(min(area.right(), right), y))
        painter.setPen(QPen(LINE, 1))
        y1, y2 = self._y(layout.first_minute), self._y(layout.last_minute)
        for index in range(1, len(layout.columns) + 1):
            x = round(self._x(index)) - 1
            painter.drawLine(QPointF(x, y1), QPointF(x, y2))

    def _paint_block(self, painter: QPainter, placed: Placed, rect: QRectF, *, faded: bool) -> None:
        view = placed.view
        colour = QColor(view.colour) if QColor.isValidColorName(view.colour) else QColor("#dfe6e9")
        ink = INK
        if view.status == "cancelled":
            colour, ink = QColor("#eef0f1"), MUTED_INK
        elif view.status == "no_show":
            colour, ink = QColor("#f6eedf"), MUTED_INK  # warm: a missed visit, not a freed one
        elif view.status == "completed":
            colour = QColor.fromRgbF(
                (colour.redF() + 1) / 2, (colour.greenF() + 1) / 2, (colour.blueF() + 1) / 2
            )
        painter.save()
        if faded:
            painter.setOpacity(0.35)
        painter.fillRect(rect, colour)
        if not view.active:
            painter.fillRect(rect, QBrush(QColor("#d7dcdf"), Qt.BrushStyle.FDiagPattern))
        bar = QColor("#2e8b57") if view.status == "checked_in" else colour.darker(165)
        painter.fillRect(QRectF(rect.left(), rect.top(), 4, rect.height()), bar)
        if view.id == self._selected:
            painter.setPen(QPen(ACCENT, 3))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        else:
            painter.setPen(QPen(colour.darker(125), 1))
            painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        if placed.tucked:  # a narrow tab: its status sign only; hovering names it
            painter.setPen(_MARK_INK.get(view.status, ink))
            painter.setFont(self._bold)
            painter.drawText(
                rect.adjusted(4, 2, 0, 0),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                status_mark(view)[0],
            )
        else:
            self._paint_block_text(painter, placed, rect.adjusted(8, 1, -4, -1), ink)
        painter.restore()

    def _paint_block_text(
        self, painter: QPainter, placed: Placed, rect: QRectF, ink: QColor
    ) -> None:
        view = placed.view
        painter.setClipRect(rect)
        bold = self._bold_metrics
        sign, words = status_mark(view)
        name = view.patient_short
        room_for_name = rect.width() - (bold.horizontalAdvance(sign) + 4 if sign else 0)
        if bold.horizontalAdvance(name) > room_for_name:
            name = name.split(". ", 1)[-1]  # a narrow column: the family name says most
        fits_words = bold.horizontalAdvance(f"{name}  {words}") <= rect.width()
        mark = words if fits_words else sign
        line = QRectF(rect.left(), rect.top(), rect.width(), self._line)
        painter.setFont(self._bold)
        left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if mark:
            painter.setPen(_MARK_INK.get(view.status, ink))
            painter.drawText(
                line, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), mark
            )
            line.setWidth(rect.width() - bold.horizontalAdvance(mark) - 4)
        if view.status == "cancelled":
            painter.setFont(self._struck)
        painter.setPen(ink)
        painter.drawText(
            line, left, bold.elidedText(name, Qt.TextElideMode.ElideRight, int(line.width()))
        )
        painter.setFont(self.font())
        metrics = self._metrics
        second, third = block_lines(view, by_room=self._layout.columns[placed.column].by_room)
        if mark != words:  # too narrow for the word beside the name: it leads the next line
            second = f"{words} · {second}"
        for number, text in enumerate((second, third or time_range(view, self._zone)), start=1):
            top = rect.top() + number * self._line_step
            if top + self._line_step > rect.bottom() + 1:
                break
            elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(rect.width()))
            painter.drawText(QRectF(rect.left(), top, rect.width(), self._line), left, elided)
        painter.setClipping(False)

    def _paint_ghost(self, painter: QPainter, drag: DropTarget) -> None:
        index = self._layout.columns.index(drag.column)
        placed = Placed(drag.view, index, 0, 1, drag.minute, drag.minute + drag.minutes)
        rect = self._block_rect(placed)
        colour = QColor(drag.view.colour)
        colour.setAlpha(200)
        painter.fillRect(rect, colour)
        painter.setPen(QPen(ACCENT, 2, Qt.PenStyle.DashLine))
        painter.drawRect(rect.adjusted(1, 1, -1, -1))
        start, end = drag.minute, drag.minute + drag.minutes
        label = f"{start // 60:02d}:{start % 60:02d}–{end // 60 % 24:02d}:{end % 60:02d}"
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(INK)
        painter.drawText(
            rect.adjusted(8, 2, -4, -2),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            f"{drag.view.patient_short}\n{label}",
        )

    def _now_minute(self) -> tuple[date, int] | None:
        if self._now is None:
            return None
        today = self._now.astimezone(self._zone).date()
        minute = local_minutes(self._now, today, self._zone)
        if not self._layout.first_minute <= minute <= self._layout.last_minute:
            return None
        return today, minute

    def _paint_now(self, painter: QPainter) -> None:
        now = self._now_minute()
        if now is None:
            return
        today, minute = now
        y = self._y(minute)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for index, column in enumerate(self._layout.columns):
            if column.day != today:
                continue
            x = self._x(index)
            painter.setPen(QPen(NOW, 2))
            painter.drawLine(QPointF(x, y), QPointF(x + self.column_width, y))
            painter.setBrush(NOW)
            painter.drawEllipse(QPointF(x + 3, y), 3.5, 3.5)

    def _paint_header(self, painter: QPainter, rect: QRect) -> None:
        painter.fillRect(rect, HEADER_BG)
        bold = QFont(self.font())
        bold.setBold(True)
        today = self._today()
        for index, column in enumerate(self._layout.columns):
            x = self._x(index)
            if x > rect.right() or x + self.column_width < 0:
                continue
            cell = QRectF(x + 6, 5, self.column_width - 12, rect.height() - 10)
            if column.day == today and self._layout.week:
                painter.fillRect(QRectF(x, rect.height() - 4, self.column_width, 4), ACCENT)
            painter.setFont(bold)
            painter.setPen(INK)
            title = column.title
            person = not column.by_room and not self._layout.week
            if person and self._bold_metrics.horizontalAdvance(title) > cell.width():
                title = short_person(title)  # "D. Whitfield" before "Dana Whi…"
            title = self._bold_metrics.elidedText(
                title, Qt.TextElideMode.ElideRight, int(cell.width())
            )
            painter.drawText(
                cell, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), title
            )
            painter.setFont(self.font())
            painter.setPen(MUTED_INK)
            subtitle = QFontMetrics(self.font()).elidedText(
                column.subtitle, Qt.TextElideMode.ElideRight, int(cell.width())
            )
            painter.drawText(
                cell, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom), subtitle
            )
            painter.setPen(QPen(LINE, 1))
            painter.drawLine(
                QPointF(x + self.column_width - 1, 0),
                QPointF(x + self.column_width - 1, rect.height()),
            )
        painter.setPen(QPen(QColor("#c5d0d4"), 1))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())

    def _paint_gutter(self, painter: QPainter, rect: QRect) -> None:
        painter.fillRect(rect, QColor("#f6f8f9"))
        painter.setFont(self.font())
        layout = self._layout
        now = self._now_minute()
        now_y = self._y(now[1]) if now is not None else None
        for minute in range(layout.first_minute, layout.last_minute, 60):
            y = self._y(minute)
            if y < -self._line or y > rect.height():
                continue
            if now_y is not None and -1.5 * self._line < y - now_y < self._line:
                continue  # the current time's label stands there
            painter.setPen(MUTED_INK)
            label = f"{minute // 60 % 24:02d}:00"
            painter.drawText(
                QRectF(0, y + 1, rect.width() - 6, self._line),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                label,
            )
        if now_y is not None and self._now is not None:
            y = now_y
            label = f"{self._now.astimezone(self._zone):%H:%M}"
            box = QRectF(1, y - self._line / 2, rect.width() - 3, self._line)
            painter.fillRect(box, NOW)
            painter.setPen(Qt.GlobalColor.white)
            painter.setFont(self._bold)
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), label)
        painter.setPen(QPen(QColor("#c5d0d4"), 1))
        painter.drawLine(rect.topRight(), rect.bottomRight())
