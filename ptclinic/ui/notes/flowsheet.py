"""The note's editable grids: the exercise flowsheet (exercise, stage, sets, reps, hold, load,
tolerance, note) and the techniques performed (technique, dose, side).

Both are a ``RowsModel`` (a list of the note's row dictionaries, exactly as ``note_form`` keeps
them) in a ``RowsTable``. Rows come from the plan, carried forward by the services; the
therapist changes the numbers, adds a row from the library or removes one. A row keeps the keys
it came with and gains a key only when it is given a value, so a row read from a saved note and
shown again reads back the same (autosave compares them).

Keyboard: Tab enters the grid and the next Tab leaves it; the arrows move between cells; typing
or F2 edits a cell and Tab, while editing, moves on to the next one; Delete clears a cell;
Insert adds a row, Ctrl+Delete removes the current one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.evaluation_form import TEXT_LIMIT
from ptclinic.services.note_form import SIDES, TOLERANCES

AnyIndex = QModelIndex | QPersistentModelIndex
ROW_HEIGHT = 30
NAME, TEXT, NUMBER, CHOICE = "name", "text", "number", "choice"


@dataclass(frozen=True)
class RowColumn:
    """One column: the row key it shows, its title and how it is edited (``NAME`` is not)."""

    key: str
    title: str
    kind: str
    width: int = 0  # pixels; 0 stretches
    low: int = 1
    high: int = 0
    choices: Mapping[str, str] = field(default_factory=dict)
    tip: str = ""


FLOWSHEET_COLUMNS = (
    RowColumn("name", "Exercise", NAME),
    RowColumn("stage", "Stage", NUMBER, 64, 1, 9),
    RowColumn("sets", "Sets", NUMBER, 64, 1, 20),
    RowColumn("reps", "Reps", NUMBER, 64, 1, 200),
    RowColumn("hold_s", "Hold (s)", NUMBER, 80, 1, 600, tip="Hold in seconds"),
    RowColumn("load", "Load", TEXT, 120, tip="Band colour, weight, …"),
    RowColumn("tolerance", "Tolerance", CHOICE, 150, choices=TOLERANCES),
    RowColumn("note", "Note", TEXT),
)
TECHNIQUE_COLUMNS = (
    RowColumn("name", "Technique", NAME),
    RowColumn("dose", "Dose", TEXT, 260, tip="Grade, time or repetitions"),
    RowColumn("side", "Side", CHOICE, 120, choices=SIDES),
)


def cell_text(column: RowColumn, value: object) -> str:
    if value is None or value == "":
        return ""
    if column.kind == CHOICE:
        return column.choices.get(str(value), str(value))
    return str(value)


class RowsModel(QAbstractTableModel):
    """The rows of one grid; ``edited`` fires for the person's changes (not ``set_rows``)."""

    edited = Signal()

    def __init__(self, columns: Sequence[RowColumn], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._rows: list[dict[str, Any]] = []
        self.read_only = False

    def set_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = [dict(row) for row in rows if isinstance(row, Mapping)]
        self.endResetModel()

    def rows(self) -> list[dict[str, Any]]:
        return [dict(row) for row in self._rows]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tip or column.title
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = self.columns[index.column()]
        value = self._rows[index.row()].get(column.key)
        text = cell_text(column, value)
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.ToolTipRole:
            return text or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{column.title}: {text or 'not recorded'}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind == NUMBER:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and not self.read_only and self.columns[index.column()].kind != NAME:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.flags() & Qt.ItemFlag.ItemIsEditable:
            return False
        column = self.columns[index.column()]
        row = self._rows[index.row()]
        if value == "":
            value = None
        if column.kind == NUMBER and value is not None:
            if isinstance(value, bool) or not isinstance(value, int):
                return False
            if not column.low <= value <= column.high:
                return False  # the editor keeps to the limits; anything else is refused
        elif column.kind == CHOICE and value is not None and value not in column.choices:
            return False
        elif column.kind == TEXT:
            value = str(value or "")
        if row.get(column.key) == value or (column.key not in row and value in (None, "")):
            return False
        row[column.key] = value
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True

    def add_row(self, row: Mapping[str, Any]) -> int:
        at = len(self._rows)
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.append(dict(row))
        self.endInsertRows()
        self.edited.emit()
        return at

    def remove_row(self, at: int) -> None:
        if self.read_only or not 0 <= at < len(self._rows):
            return
        self.beginRemoveRows(QModelIndex(), at, at)
        del self._rows[at]
        self.endRemoveRows()
        self.edited.emit()


class CellDelegate(QStyledItemDelegate):
    """A spin box for numbers (its lowest step, "—", is not recorded), a list for choices and a
    line for text, each within the note's limits."""

    def __init__(self, columns: Sequence[RowColumn], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        column = self._columns[index.column()]
        if column.kind == NUMBER:
            spin = QSpinBox(parent)
            spin.setRange(column.low - 1, column.high)
            spin.setSpecialValueText("—")
            spin.setAccessibleName(column.title)
            return spin
        if column.kind == CHOICE:
            combo = QComboBox(parent)
            combo.addItem("—", None)
            for key, label in column.choices.items():
                combo.addItem(label, key)
            combo.setAccessibleName(column.title)
            return combo
        line = QLineEdit(parent)
        line.setMaxLength(TEXT_LIMIT)
        line.setAccessibleName(column.title)
        return line

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QSpinBox):
            editor.setValue(value if isinstance(value, int) else editor.minimum())
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(value), 0))
        elif isinstance(editor, QLineEdit):
            editor.setText(str(value or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if isinstance(editor, QSpinBox):
            editor.interpretText()
            number = editor.value()
            model.setData(index, None if number == editor.minimum() else number)
        elif isinstance(editor, QComboBox):
            model.setData(index, editor.currentData())
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text())


class _GridView(QTableView):
    """Delete and Backspace clear the current cell (as a spreadsheet does)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        if (
            event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and index.isValid()
            and self.state() != QAbstractItemView.State.EditingState
        ):
            self.model().setData(index, None)
            return
        super().keyPressEvent(event)


class RowsTable(QWidget):
    """A grid with its "Add…" and "Remove" buttons, a line of keys and an error line.
    ``add_row`` asks ``choose`` for a new row (None: nothing chosen)."""

    changed = Signal()

    def __init__(
        self,
        columns: Sequence[RowColumn],
        what: str,
        choose: Callable[[], Mapping[str, Any] | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._choose = choose
        self.model = RowsModel(columns, self)
        self.model.edited.connect(self.changed)
        self.model.rowsInserted.connect(lambda *_args: self._fit())
        self.model.rowsRemoved.connect(lambda *_args: self._fit())
        self.model.modelReset.connect(self._fit)
        self.view = _GridView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(CellDelegate(columns, self.view))
        self.view.setAccessibleName(what.capitalize() + "s")
        self.view.setTabKeyNavigation(False)  # Tab leaves the grid; arrows move inside it
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(56)
        for n, column in enumerate(columns):
            if column.width:
                header.setSectionResizeMode(n, QHeaderView.ResizeMode.Fixed)
                header.resizeSection(n, column.width)
            else:
                header.setSectionResizeMode(n, QHeaderView.ResizeMode.Stretch)

        self.add_button = QPushButton(f"Add {what}…")
        self.add_button.setToolTip(f"Add {what} (Insert in the grid)")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip(f"Remove the chosen {what} (Ctrl+Delete in the grid)")
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_current)
        for keys, slot in (("Insert", self.add_row), ("Ctrl+Delete", self.remove_current)):
            shortcut = QShortcut(QKeySequence(keys), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self.keys = QLabel("Type to change a cell · Delete clears it · Tab leaves the grid")
        self.keys.setObjectName("hint")
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.keys, 1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        box.addWidget(self.view)
        box.addLayout(buttons)
        box.addWidget(self.error)
        self._fit()

    def rows(self) -> list[dict[str, Any]]:
        return self.model.rows()

    def set_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.model.set_rows(rows)

    def add_row(self) -> None:
        if self.model.read_only:
            return
        row = self._choose()
        if row is None:
            return
        at = self.model.add_row(row)
        self.view.setFocus()
        self.view.setCurrentIndex(self.model.index(at, 1))

    def remove_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.model.remove_row(index.row())

    def set_read_only(self, read_only: bool) -> None:
        self.model.read_only = read_only
        self.add_button.setVisible(not read_only)
        self.remove_button.setVisible(not read_only)
        self.keys.setVisible(not read_only)

    def show_error(self, text: str) -> None:
        self.error.setText("⚠ " + text if text else "")
        self.error.setVisible(bool(text))

    def _fit(self) -> None:
        # The form scrolls as a whole: the grid is as tall as its rows, with room for one more.
        rows = max(self.model.rowCount(), 1)
        header = self.view.horizontalHeader().sizeHint().height()
        frame = 2 * self.view.frameWidth()
        self.view.setFixedHeight(header + rows * ROW_HEIGHT + frame + 2)
