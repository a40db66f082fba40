"""One section of "My work": a heading with its count, a list (or a calm sentence when there
is nothing in it), and "activated" when a line is opened with Enter or a double-click.

Tab moves from list to list (never from cell to cell), so the whole page is walked with Tab.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptclinic.ui.my_work.rows import Row, RowsModel

ROW_HEIGHT = 30


def _configure(view: QAbstractItemView) -> None:
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


def today_table(model: RowsModel) -> QTableView:
    """Today's visits: columns fit their text, the last ("Due") takes what is left."""
    view = QTableView()
    view.setObjectName("myWorkToday")
    view.setModel(model)
    _configure(view)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setShowGrid(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # The last column ("Due") takes what is left, so the rows reach across the page.
    header.setSectionResizeMode(model.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return view


def line_list(model: RowsModel, name: str) -> QListView:
    """A list of two-line entries ("Ortiz, Maria · Visit note" over "Fri Dec 4 · ⚠ over 24 h")."""
    view = QListView()
    view.setObjectName(name)
    view.setModel(model)
    _configure(view)
    view.setWordWrap(True)
    view.setTextElideMode(Qt.TextElideMode.ElideNone)
    # Lay the lines out again when the width changes (a scroll bar appearing included), so a
    # long reminder wraps instead of ending in "…".
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setSpacing(2)
    view.setAlternatingRowColors(True)
    view.setStyleSheet(
        "QListView { background: white; alternate-background-color: #f1f5f6;"
        " border: 1px solid #c5d0d4; selection-background-color: #0f7c80;"
        " selection-color: white; }"
    )
    return view


class Section(QWidget):
    """``Section(title, empty_text, view)``; ``set_rows`` fills it and counts in the heading."""

    activated = Signal(object)  # the line's item (a TodayVisit, an OpenRecord, …)
    current_changed = Signal(object)  # the selected line's item, or None

    def __init__(
        self,
        title: str,
        empty_text: str,
        view: QAbstractItemView,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        model = view.model()
        assert isinstance(model, RowsModel)
        self.model = model
        self.view = view
        self._title = title
        self.heading = QLabel(title)
        self.heading.setObjectName("sectionTitle")
        self.empty = QLabel(empty_text)
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.stack = QStackedWidget()
        self.stack.addWidget(view)
        self.stack.addWidget(self.empty)
        self.heading_row = QHBoxLayout()
        self.heading_row.setContentsMargins(0, 0, 0, 0)
        self.heading_row.addWidget(self.heading)
        self.heading_row.addStretch(1)
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self.heading_row)
        layout.addWidget(self.stack, 1)
        self.heading.setBuddy(view)
        view.setAccessibleName(title)
        view.activated.connect(self._activated)
        selection = view.selectionModel()
        selection.currentChanged.connect(lambda current, _old: self._current(current))
        self.set_rows([])

    def set_rows(self, rows: Sequence[Row], *, select: int | None = None) -> None:
        """Show ``rows`` (keeping the line that was selected when it is still there)."""
        index = self.view.currentIndex()
        kept = self.model.rows()[index.row()].key if index.isValid() else None
        self.model.set_rows(rows)
        count = len(rows)
        self.heading.setText(f"{self._title} ({count})" if count else self._title)
        self.stack.setCurrentWidget(self.view if count else self.empty)
        keys = [row.key for row in rows]
        row = keys.index(kept) if kept is not None and kept in keys else select
        if row is not None and 0 <= row < count:
            index = self.model.index(row, 0)
            self.view.setCurrentIndex(index)
            # Once the lines are laid out at their wrapped height, show the chosen one whole.
            QTimer.singleShot(0, lambda: self.view.scrollTo(self.view.currentIndex()))
        self._current(self.view.currentIndex())

    def add_footer(self, widget: QWidget) -> None:
        """A button under the list, acting on its selected line."""
        self._layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)

    def count(self) -> int:
        return self.model.rowCount()

    def current_item(self) -> object:
        index = self.view.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def texts(self) -> list[tuple[str, ...]]:
        """What each line says (tests and the accessible description read it)."""
        return [row.cells for row in self.model.rows()]

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.activated.emit(self.model.item(index.row()))

    def _current(self, index: QModelIndex) -> None:
        self.current_changed.emit(self.model.item(index.row()) if index.isValid() else None)
