"""The Billing tab: the clinic's fee per unit of each CPT code, and the yearly therapy threshold.

Fees are edited in the table itself and saved one at a time as each is entered (Enter, Tab or
leaving the cell): there is nothing half-saved to lose. A fee the service refuses keeps its
editor open with the reason right under it; one refused as the cell was left is named above the
table. The threshold is a small form saved with the version it was read at, so a second
workstation's change is not overwritten.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import billing_settings
from ptclinic.services.actor import Actor
from ptclinic.services.billing_settings import FeeLine, FeeSchedule, Threshold, dollars
from ptclinic.services.errors import StaleRecordError, ValidationError
from ptclinic.ui.admin.common import (
    SERVICE_ERRORS,
    AnyIndex,
    Column,
    MessageLine,
    RecordTableModel,
    describe,
    record_table,
)
from ptclinic.ui.admin.opening_hours_section import save_buttons, section_heading
from ptclinic.ui.events import events
from ptclinic.ui.field_note import FieldNote
from ptclinic.ui.forms import FieldErrors

THRESHOLD_EXPLAINED = (
    "Medicare's yearly therapy threshold (KX modifier amount) for PT and speech therapy "
    "combined; the app shows each patient's running total against it when fees are set here."
)
FEES_EXPLAINED = (
    "The clinic's charge for one unit of each code. Type a fee on a row, or press Enter, to "
    "change it (Tab saves it and moves to the next); leave it empty for no fee."
)
NO_FEE = "No fee"
FORM_WIDTH = 380  # the threshold's column, which narrows to FORM_MIN_WIDTH before scrolling
FORM_MIN_WIDTH = 300
FEES_MAX_WIDTH = 640  # on a wide screen the table ends near its text rather than far right
TABLE_SLACK = 24
ROW_HEIGHT = 25  # all fifteen codes fit a 1366×768 screen without scrolling
_MUTED = QColor("#4a5a60")

# Given the fee text typed and the code; returns the code's new line (raises what the service does).
FeeSaver = Callable[[str, str], FeeLine]


def billed_per(line: FeeLine) -> str:
    """How the code is billed, in words: a timed code by the 15-minute unit, the rest per visit."""
    return "15-minute unit (timed)" if line.timed else "Visit (untimed)"


def fee_text(line: FeeLine) -> str:
    return NO_FEE if line.amount_cents is None else dollars(line.amount_cents)


def _edit_text(line: FeeLine) -> str:
    """The fee as it is offered for editing: "1,095.00", or empty."""
    return "" if line.amount_cents is None else f"{line.amount_cents / 100:,.2f}"


class FeesModel(RecordTableModel[FeeLine]):
    """The fee schedule, one code a row; only the fee is editable, and ``setData`` saves it
    through ``save`` at once. ``last_error`` says why the last edit was refused ("" if saved)."""

    CODE, DESCRIPTION, FEE, PER = range(4)

    def __init__(self, save: FeeSaver, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column("Code", lambda r: r.code),
                Column("Description", lambda r: r.description),
                Column("Fee", fee_text, align_right=True),
                Column("Billed per", billed_per),
            ],
            parent,
        )
        self._save = save
        self.last_error = ""

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.FEE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        line = self.record(index.row())
        if index.column() == self.FEE:
            if role == Qt.ItemDataRole.EditRole:
                return _edit_text(line)
            if role == Qt.ItemDataRole.ForegroundRole and line.amount_cents is None:
                return _MUTED
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Fee for one unit of {line.label}: Enter or double-click to change it"
        return super().data(index, role)

    def setData(self, index: AnyIndex, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        self.last_error = ""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != self.FEE:
            return False
        line = self.record(index.row())
        typed = str(value or "").strip()
        if typed == _edit_text(line):
            return True  # unchanged: nothing to save or audit
        try:
            saved = self._save(line.code, typed)
        except SERVICE_ERRORS as exc:
            self.last_error = describe(exc)
            return False
        self.replace(saved)
        return True

    def replace(self, line: FeeLine) -> None:
        for row, old in enumerate(self.records()):
            if old.code == line.code:
                self._records[row] = line
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
                return

    def row_of(self, code: str) -> int:
        return next((n for n, line in enumerate(self.records()) if line.code == code), -1)


class FeeDelegate(QStyledItemDelegate):
    """A line editor for the fee that stays open while the typed fee is refused (Enter or Tab),
    with the reason right under it; leaving the cell otherwise reports it through ``refused``."""

    refused = Signal(str)
    moved = Signal(int)  # after a saved fee: Tab +1, Shift+Tab -1 (to the next fee to edit)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keyed = False
        self.last_error = ""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("feeEditor")
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setPlaceholderText("e.g. 95.50")
        code = index.model().index(index.row(), FeesModel.CODE).data()
        editor.setAccessibleName(f"Fee for {code}")
        editor.setToolTip("Dollars and cents, e.g. 95.50; empty for no fee. Esc cancels.")
        FieldNote(editor)  # found again by ``note_for``
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        if isinstance(editor, QLineEdit):
            editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if not isinstance(editor, QLineEdit):
            return
        model.setData(index, editor.text())
        self.last_error = model.last_error if isinstance(model, FeesModel) else ""
        if self.last_error and not self._keyed:
            self.refused.emit(self.last_error)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> None:
        # The style sheet's padding and frame need a little more height than a table row.
        rect = option.rect
        grow = max(0, editor.sizeHint().height() - rect.height())
        editor.setGeometry(rect.adjusted(0, -(grow // 2), 0, grow - grow // 2))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        if (
            isinstance(watched, QLineEdit)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in keys
        ):
            self._keyed = True
            try:
                self.commitData.emit(watched)
            finally:
                self._keyed = False
            if self.last_error:
                note_for(watched).show("⚠ " + self.last_error)
                watched.setFocus()
                return True
            self.closeEditor.emit(watched, QAbstractItemDelegate.EndEditHint.NoHint)
            if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                self.moved.emit(1 if event.key() == Qt.Key.Key_Tab else -1)
            return True
        return super().eventFilter(watched, event)


def note_for(editor: QWidget) -> FieldNote:
    note = editor.findChild(FieldNote)
    return note if isinstance(note, FieldNote) else FieldNote(editor)


class BillingTab(QWidget):
    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("billingTab")
        self._db = db
        self._actor = actor
        self._threshold: Threshold | None = None
        self._announcing = False
        self._build_fees()
        self._build_threshold()
        content = QWidget()
        row = QHBoxLayout(content)
        row.setContentsMargins(0, 14, 0, 0)
        row.setSpacing(32)
        row.addWidget(self._fees_column, 1)
        row.addWidget(self._threshold_column, 1, Qt.AlignmentFlag.AlignTop)
        row.addStretch(0)
        # Side by side the two need about 1,050 pixels: a narrower window (a small laptop at
        # 125 % scaling) scrolls sideways rather than cutting the codes' text short, and the
        # tab never makes the whole window wider.
        area = QScrollArea()
        area.setObjectName("billingScroll")
        area.setWidget(content)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        content.setAutoFillBackground(False)  # the page's colour, not the platform's grey
        area.viewport().setAutoFillBackground(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(area)
        events().data_changed.connect(self._on_data_changed)
        self.reload()

    # --- building -----------------------------------------------------------------------------

    def _build_fees(self) -> None:
        heading, hint = section_heading("Fee schedule", FEES_EXPLAINED)
        self.model = FeesModel(self._save_fee, self)
        self.delegate = FeeDelegate(self)
        self.delegate.refused.connect(self._fee_refused)
        self.delegate.moved.connect(lambda step: self.edit_fee(self.current_row() + step))
        self.model.dataChanged.connect(lambda *_: self._show_coverage())
        self.table = record_table(self.model)
        self.table.setObjectName("adminTable")
        self.table.setAccessibleName("Fee schedule")
        self.table.setItemDelegateForColumn(FeesModel.FEE, self.delegate)
        self.table.setTabKeyNavigation(False)  # Tab inside an editor moves to the next fee
        # Typing a figure on a row starts editing its fee; Enter, F2 or a double-click too.
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.doubleClicked.connect(lambda index: self.edit_fee(index.row()))
        self.table.selectionModel().currentChanged.connect(self._keep_on_fee)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda: self.edit_fee(self.current_row()))
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # all fit
        self.fee_message = MessageLine()
        column = QVBoxLayout()
        column.setSpacing(8)
        column.addWidget(heading)
        column.addWidget(hint)
        column.addWidget(self.table)
        # Below the table, so a message coming or going never moves the row under the mouse.
        column.addWidget(self.fee_message)
        column.addStretch(1)
        holder = QWidget()
        holder.setLayout(column)
        column.setContentsMargins(0, 0, 0, 0)
        self._fees_column = holder

    def _build_threshold(self) -> None:
        heading, hint = section_heading("Therapy threshold", THRESHOLD_EXPLAINED)
        self.threshold = QLineEdit()
        self.threshold.setObjectName("thresholdField")
        self.threshold.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.threshold.setPlaceholderText("e.g. 2,480.00")
        self.threshold.setMaximumWidth(160)
        self.threshold.setToolTip("Dollars and cents for one calendar year, e.g. 2,480.00")
        self.threshold.returnPressed.connect(self.save_threshold)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(16)
        # The label above the field, so a refusal under it has the column's whole width.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.fields = FieldErrors(form)
        self.fields.add_row("amount", "&Threshold per year", self.threshold)
        self.coverage = QLabel()
        self.coverage.setObjectName("hint")
        self.coverage.setWordWrap(True)
        self.threshold_message = MessageLine()
        holder = QWidget()
        self.save_button, self.reload_button, buttons = save_buttons(holder, "the threshold")
        self.save_button.clicked.connect(self.save_threshold)
        self.reload_button.clicked.connect(self.reload)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        column.addWidget(heading)
        column.addWidget(hint)
        column.addSpacing(4)
        column.addLayout(form)
        column.addWidget(self.threshold_message)
        column.addLayout(buttons)
        column.addSpacing(6)
        column.addWidget(self.coverage)
        holder.setMinimumWidth(FORM_MIN_WIDTH)
        holder.setMaximumWidth(FORM_WIDTH)
        self._threshold_column = holder

    # --- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Show the fees and threshold as saved, discarding an unsaved threshold here."""
        self.fields.clear()
        self.fee_message.clear_message()
        self.threshold_message.clear_message()
        try:
            schedule = billing_settings.fee_schedule(self._db, self._actor)
        except SERVICE_ERRORS as exc:
            self.fee_message.show_error(describe(exc))
            return
        self._show(schedule)

    def _show(self, schedule: FeeSchedule) -> None:
        row = self.table.currentIndex().row()
        self.model.set_records(schedule.fees)
        self.table.setCurrentIndex(self.model.index(max(row, 0), FeesModel.FEE))
        self._show_threshold(schedule.threshold)
        self._show_coverage()
        self._fit_table()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_table()  # the style sheet's font and padding are known for sure once shown

    def _fit_table(self) -> None:
        """As tall as its fifteen rows (no white gap, no scrolling) and never narrower than its
        columns' text: "15-minute unit (timed)" must not be cut short."""
        self.table.ensurePolished()
        rows = self.table.verticalHeader().defaultSectionSize() * self.model.rowCount()
        header = self.table.horizontalHeader()
        header_height = header.height() if header.isVisible() else header.sizeHint().height()
        self.table.setFixedHeight(header_height + rows + 2 * self.table.frameWidth())
        columns = sum(
            max(self.table.sizeHintForColumn(c), header.sectionSizeHint(c))
            for c in range(self.model.columnCount())
        )
        # A little room after the last column's text; the threshold takes what is left over.
        width = columns + 2 * self.table.frameWidth() + TABLE_SLACK
        self.table.setMinimumWidth(width)
        self._fees_column.setMaximumWidth(max(width, FEES_MAX_WIDTH))

    def _show_threshold(self, threshold: Threshold) -> None:
        self._threshold = threshold
        self.threshold.setText(self._threshold_text(threshold))

    @staticmethod
    def _threshold_text(threshold: Threshold) -> str:
        return dollars(threshold.cents)

    def _show_coverage(self) -> None:
        priced = sum(1 for line in self.model.records() if line.amount_cents is not None)
        total = self.model.rowCount()
        if not priced:
            self.coverage.setText(
                "No fees are set yet, so patients' charts show no running total. Set a fee for "
                "each code the clinic bills."
            )
        else:
            self.coverage.setText(
                f"Fees are set for {priced} of the {total} codes. Codes without a fee add "
                "nothing to a patient's total; notes signed before a fee changed keep theirs."
            )

    # --- fees -----------------------------------------------------------------------------------

    def current_row(self) -> int:
        return self.table.currentIndex().row()

    def _keep_on_fee(self, current: QModelIndex, _previous: QModelIndex) -> None:
        # Rows are selected whole; the current cell stays the fee, so typing edits it.
        if current.isValid() and current.column() != FeesModel.FEE:
            self.table.setCurrentIndex(current.siblingAtColumn(FeesModel.FEE))

    def edit_fee(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            index = self.model.index(row, FeesModel.FEE)
            self.table.setCurrentIndex(index)
            self.table.edit(index)

    def _save_fee(self, code: str, typed: str) -> FeeLine:
        try:
            saved = billing_settings.set_fee(self._db, self._actor, code, typed)
        except SERVICE_ERRORS:
            self.fee_message.clear_message()  # an earlier notice is not about this fee
            raise
        what = "no fee" if saved.amount_cents is None else f"{dollars(saved.amount_cents)}"
        self.fee_message.show_notice(f"Saved: {saved.label}, {what} per {billed_per(saved)}.")
        self._announce([code])
        return saved  # the model shows it once this returns

    def _fee_refused(self, message: str) -> None:
        self.fee_message.show_error(f"{message} Nothing was saved.")

    def fee_error(self) -> str:
        """The refusal of the last fee typed, shown under its editor or above the table."""
        return self.model.last_error

    # --- threshold ------------------------------------------------------------------------------

    def has_unsaved_work(self) -> bool:
        """The threshold edited and not saved (fees save as they are entered)."""
        loaded = self._threshold
        return loaded is not None and self.threshold.text().strip() != self._threshold_text(loaded)

    def save_threshold(self) -> None:
        self.fields.clear()
        self.threshold_message.clear_message()
        version = self._threshold.version if self._threshold else 0
        try:
            saved = billing_settings.set_threshold(
                self._db, self._actor, self.threshold.text(), version
            )
        except ValidationError as exc:
            if unplaced := self.fields.show(exc):
                self.threshold_message.show_error(" ".join(unplaced))
            return
        except SERVICE_ERRORS as exc:
            # What was typed stays; after a stale save the next step is Reload.
            self.threshold_message.show_error(describe(exc))
            if isinstance(exc, StaleRecordError):
                self.reload_button.setFocus()
            return
        self._show_threshold(saved)
        self.threshold_message.show_notice(
            f"Saved: the therapy threshold is {dollars(saved.cents)} a year."
        )
        self._announce([])

    def _announce(self, ids: list[object]) -> None:
        self._announcing = True
        try:
            events().data_changed.emit("billing", ids)
        finally:
            self._announcing = False

    def _on_data_changed(self, kind: str, _ids: list[object]) -> None:
        # Another window of this program changed billing: follow it, but never over the
        # threshold someone is typing, nor under a fee being edited.
        editing = self.table.state() == QAbstractItemView.State.EditingState
        if kind != "billing" or self._announcing or editing:
            return
        try:
            schedule = billing_settings.fee_schedule(self._db, self._actor)
        except SERVICE_ERRORS as exc:
            self.fee_message.show_error(describe(exc))
            return
        self.model.set_records(schedule.fees)
        self._show_coverage()
        if not self.has_unsaved_work():
            self._show_threshold(schedule.threshold)
