"""The exercise list as a Qt table model, and the delegate that shows each exercise's two names.

The library is small (the shipped ~50 plus the clinic's own) and loaded whole; the page filters it
with ``filter_exercises`` and hands the model the result, so the model only shows rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ptclinic.services.exercise_library import CATEGORY_LABELS, STAGE_LABELS, Exercise

AnyIndex = QModelIndex | QPersistentModelIndex

MUTED = QColor("#4a5a60")  # the style sheet's hint colour
CLINIC_OWN = "clinic's own"
RETIRED = "retired"


def second_line(found: Exercise) -> str:
    """The patient's name for it, and what it is besides, in words (never colour alone)."""
    parts = [found.plain_name]
    if not found.shipped:
        parts.append(CLINIC_OWN)
    if found.retired:
        parts.append(RETIRED)
    return "  ·  ".join(parts)


class ExerciseListModel(QAbstractTableModel):
    """Rows of ``Exercise``; ``set_exercises`` replaces them all."""

    COLUMNS = ("Exercise", "Category", "Stage")
    NAME, CATEGORY, STAGE = range(3)
    CodeRole = Qt.ItemDataRole.UserRole + 1
    SecondLineRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Exercise] = []

    def set_exercises(self, exercises: Sequence[Exercise]) -> None:
        self.beginResetModel()
        self._rows = list(exercises)
        self.endResetModel()

    def exercise(self, row: int) -> Exercise:
        return self._rows[row]

    def row_of(self, code: str) -> int | None:
        return next((row for row, found in enumerate(self._rows) if found.code == code), None)

    def codes(self) -> list[str]:
        return [found.code for found in self._rows]

    # --- QAbstractTableModel ------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        found = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(found, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.NAME:
                return f"{found.name} ({found.code})\n{second_line(found)}"
            if column == self.STAGE:
                return STAGE_LABELS[found.stage]
            return self._text(found, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if column == self.NAME:
                return f"{found.name}, {second_line(found)}"
            return f"{self.COLUMNS[column]}: {self._text(found, column)}"
        if role == self.SecondLineRole and column == self.NAME:
            return second_line(found)
        if role == self.CodeRole:
            return found.code
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.STAGE:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _text(self, found: Exercise, column: int) -> str:
        if column == self.NAME:
            return found.name
        if column == self.CATEGORY:
            return CATEGORY_LABELS[found.category]
        if column == self.STAGE:
            return str(found.stage)
        return ""


class TwoLineDelegate(QStyledItemDelegate):
    """The clinical name, and under it in the muted colour the patient's name and any status."""

    PADDING = 6

    def _lines(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        first = QFont(option.font)
        first.setWeight(QFont.Weight.DemiBold)
        return first, QFont(option.font)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        first, second = self._lines(option)
        height = QFontMetrics(first).height() + QFontMetrics(second).height()
        width = max(
            QFontMetrics(first).horizontalAdvance(str(index.data() or "")),
            QFontMetrics(second).horizontalAdvance(
                str(index.data(ExerciseListModel.SecondLineRole) or "")
            ),
        )
        return QSize(width + 2 * self.PADDING, height + 2 * self.PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        ink = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        first, second = self._lines(option)
        area: QRect = option.rect.adjusted(
            self.PADDING, self.PADDING // 2, -self.PADDING, -(self.PADDING // 2)
        )
        top_height = QFontMetrics(first).height()
        painter.save()
        painter.setFont(first)
        painter.setPen(ink)
        top = QRect(area.left(), area.top(), area.width(), area.height() // 2)
        top.setTop(area.center().y() - top_height)
        name = QFontMetrics(first).elidedText(
            str(index.data() or ""), Qt.TextElideMode.ElideRight, area.width()
        )
        painter.drawText(top, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom), name)
        painter.setFont(second)
        painter.setPen(ink if selected else MUTED)
        bottom = QRect(area.left(), area.center().y() + 1, area.width(), area.height() // 2)
        words = QFontMetrics(second).elidedText(
            str(index.data(ExerciseListModel.SecondLineRole) or ""),
            Qt.TextElideMode.ElideRight,
            area.width(),
        )
        painter.drawText(bottom, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), words)
        painter.restore()
