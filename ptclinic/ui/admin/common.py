"""Pieces the administration tabs share: a small record table, a message line, a form dialog.

The lists here (staff, rooms) are short and loaded whole; the audit log, which is not, has its own
paging model in ``audit_model``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.errors import DatabaseUnavailable, DomainError, ValidationError
from ptclinic.ui.forms import FieldErrors

log = logging.getLogger(__name__)
T = TypeVar("T")
AnyIndex = QModelIndex | QPersistentModelIndex

DATABASE_TROUBLE = (
    "The database did not answer, so nothing was changed. "
    "Check the network connection and try again."
)


def describe(error: Exception) -> str:
    """What to tell the person about a failed service call (never a traceback)."""
    if isinstance(error, DatabaseUnavailable):
        log.warning("administration: database unreachable: %s", error.__cause__ or error)
        return DATABASE_TROUBLE
    return str(error)


SERVICE_ERRORS = (DomainError,)


@dataclass(frozen=True)
class Column(Generic[T]):
    title: str
    text: Callable[[T], str]
    align_right: bool = False


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table of plain service records, replaced whole by ``set_records``."""

    RecordRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, columns: Sequence[Column[T]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._records: list[T] = []

    def set_records(self, records: Sequence[T]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def record(self, row: int) -> T:
        return self._records[row]

    def records(self) -> list[T]:
        return list(self._records)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].title
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        record = self._records[index.row()]
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(record)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{column.title}: {column.text(record)}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.RecordRole:
            return record
        return None


def record_table(model: QAbstractTableModel) -> QTableView:
    """A row-selecting table that fits its width: columns fit their content, the last stretches.

    Stretching the last column rather than the first keeps each row's cells close together, so
    the eye does not have to cross a wide gap from a name to its role.
    """
    view = QTableView()
    view.setObjectName("adminTable")
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(30)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return view


class MessageLine(QLabel):
    """One line above a list or form: an error in the formError style or a notice after a save."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_error(self, text: str) -> None:
        self._show("formError", "⚠ " + text)

    def show_notice(self, text: str) -> None:
        self._show("formNotice", "✓ " + text)

    def clear_message(self) -> None:
        self.clear()
        self.hide()

    def is_error(self) -> bool:
        return not self.isHidden() and self.objectName() == "formError"

    def _show(self, style_name: str, text: str) -> None:
        self.setObjectName(style_name)
        # The style sheet picks rules by object name. Re-polishing applies the new colours but
        # not the new padding; setting a (blank) widget style sheet re-reads every rule.
        self.setStyleSheet("/* restyle */")
        self.setText(text)
        self.show()


def confirm(parent: QWidget, title: str, text: str, yes_label: str) -> bool:
    """Ask before an action that locks someone out; "Cancel" is the default, so Enter is safe."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton)
    box.setParent(parent, box.windowFlags())
    yes = box.addButton(yes_label, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setIcon(QIcon())  # the platform's stock icons clash with the clinic style
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is yes


class ServiceDialog(QDialog):
    """A form dialog that saves through a service on OK and stays open while the service refuses.

    Subclasses build rows with ``self.fields.add_row`` and implement ``save``; a ValidationError
    shows each message beside its field, any other refusal shows above the buttons. Enter saves
    (OK is the default button) and Esc cancels.
    """

    def __init__(self, title: str, ok_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(520)
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(12)
        self.intro = QLabel()
        self.intro.setObjectName("hint")
        self.intro.setWordWrap(True)
        self.intro.hide()
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(10)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        self.fields = FieldErrors(self.form)
        self.message = MessageLine()
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_label)
        ok.setDefault(True)
        for button in self.buttons.buttons():
            button.setIcon(QIcon())  # the platform's stock icons clash with the clinic style
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def set_intro(self, text: str) -> None:
        self.intro.setText(text)
        self.intro.show()

    def save(self) -> None:
        """Call the service; raise its error to keep the dialog open."""
        raise NotImplementedError

    def accept(self) -> None:
        self.fields.clear()
        self.message.clear_message()
        try:
            self.save()
        except ValidationError as exc:
            unplaced = self.fields.show(exc)
            if unplaced:
                self.message.show_error(" ".join(unplaced))
            self._fit()
            return
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            self._fit()
            return
        super().accept()

    def _fit(self) -> None:
        # Error lines appear under fields after the dialog was sized; grow it so none overlaps.
        layout = self._layout
        layout.activate()
        needed = (
            layout.totalHeightForWidth(self.width())
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        if needed > self.height():
            self.resize(self.width(), needed)

    def error_text(self) -> str:
        """The refusal shown above the buttons, if any (for tests and screen readers)."""
        return self.message.text() if self.message.is_error() else ""
