"""The Exercise library page: find an exercise by category, stage, what it suits and words, read it
in full, and (therapists) add the clinic's own, copy, edit, retire and restore them.

Keyboard first: Ctrl+F lands in the search box (Ctrl+K stays the patient search everywhere);
the list narrows as you type; Up/Down move through it without leaving the box; Esc clears it.
The library is loaded whole (it is small) and filtered by ``filter_exercises``; every rule about
changing it lives in ``services/clinic_exercises.py``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QItemSelection, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import clinic_exercises
from ptclinic.services.actor import Actor
from ptclinic.services.clinic_exercises import (
    SHIPPED_STAYS,
    OwnExercise,
    may_edit_library,
    own_exercise,
)
from ptclinic.services.errors import DatabaseUnavailable, DomainError
from ptclinic.services.exercise_library import (
    CATEGORIES,
    CATEGORY_LABELS,
    INDICATION_LABELS,
    INDICATIONS,
    STAGES,
    Exercise,
    filter_exercises,
    shipped_exercises,
)
from ptclinic.ui.events import events
from ptclinic.ui.exercises.exercise_detail import ExerciseDetail
from ptclinic.ui.exercises.exercise_dialog import ExerciseDialog
from ptclinic.ui.exercises.library_model import ExerciseListModel, TwoLineDelegate

log = logging.getLogger(__name__)

SEARCH_KEY = "Ctrl+F"
SEARCH_PLACEHOLDER = f"Name, the patient's words or code  ({SEARCH_KEY})"
DATABASE_TROUBLE = (
    "The clinic's own exercises could not be loaded because the database did not answer; "
    "the shipped ones are listed. Check the network connection and try again."
)
THERAPISTS_ONLY = "Only therapists add or change the clinic's exercises."
NAME_SAMPLE = "Half-kneeling hip flexor stretch"  # longer names are cut short with "…"
COMBO_EXTRA = 64  # a combo box's padding and arrow, beside its text
_NAVIGATION_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}
_ALL = None  # a filter's "any" choice

LIBRARY_STYLE = """
QFrame#exerciseFigure { background: white; border: 1px solid #c5d0d4; border-radius: 6px; }
QPushButton#familyLink { border: 1px solid transparent; background: transparent; color: #0b5f62;
    text-decoration: underline; text-align: left; padding: 2px 4px; min-height: 0; }
QPushButton#familyLink:hover { background: #eaf4f4; }
QPushButton#familyLink:focus { border: 2px solid #0f7c80; }
QLabel#familyCurrent { color: #12343a; font-weight: 600; padding: 3px 5px; background: #e3f1f1;
    border-radius: 4px; }
QLabel#filterCaption { color: #1f2d33; }
QPushButton#primary:disabled { background: #eef1f2; color: #7d8a8f; border-color: #c5d0d4; }
"""


def _combo(name: str, everything: str, choices: list[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    # As wide as its "all" choice, not as its longest one: the list keeps its room for names
    # (the drop-down still shows every choice whole).
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(1)
    combo.ensurePolished()
    combo.setMinimumWidth(combo.fontMetrics().horizontalAdvance(everything) + COMBO_EXTRA)
    combo.addItem(everything, _ALL)
    for text, value in choices:
        combo.addItem(text, value)
    return combo


class ExerciseLibraryPage(QWidget):
    """The library for ``actor``: everyone clinical reads it; ``may_edit_library`` decides
    whether the New, Copy, Edit and Retire/Restore buttons are enabled."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._actor = db, actor
        self._may_edit = may_edit_library(actor)
        self._library: tuple[Exercise, ...] = ()
        self._own: OwnExercise | None = None
        self._notice = ""  # what the last action did, until the next filter change
        self.setStyleSheet(LIBRARY_STYLE)

        title = QLabel("Exercise library")
        title.setObjectName("pageTitle")

        self.search = QLineEdit()
        self.search.setObjectName("exerciseSearch")
        self.search.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find an exercise")
        self.search.installEventFilter(self)
        self.search.textChanged.connect(self._filters_changed)
        focus = QShortcut(QKeySequence(SEARCH_KEY), self)
        focus.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        focus.activated.connect(self.focus_search)

        self.new_button = QPushButton("&New exercise…")
        self.new_button.setObjectName("primary")
        self.new_button.clicked.connect(self.new_exercise)

        self.category = _combo(
            "exerciseCategory", "All categories", [(CATEGORY_LABELS[c], c) for c in CATEGORIES]
        )
        self.stage = _combo("exerciseStage", "All stages", [(f"Stage {s}", s) for s in STAGES])
        self.indication = _combo(
            "exerciseIndication",
            "Any classification",
            [(INDICATION_LABELS[i], i) for i in INDICATIONS],
        )
        self.show_retired = QCheckBox("Show re&tired")
        self.show_retired.setObjectName("exerciseShowRetired")
        for combo in (self.category, self.stage, self.indication):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.show_retired.toggled.connect(self._filters_changed)

        # Captions beside the boxes, two rows: the list keeps its width for the names.
        filters = QGridLayout()
        filters.setHorizontalSpacing(8)
        filters.setVerticalSpacing(6)
        places = ((self.category, 0, 0), (self.stage, 0, 2), (self.indication, 1, 0))
        for (combo, row, column), caption in zip(
            places, ("&Category", "St&age", "S&uits"), strict=True
        ):
            label = QLabel(caption)
            label.setObjectName("filterCaption")
            label.setBuddy(combo)
            filters.addWidget(label, row, column)
            filters.addWidget(combo, row, column + 1)
        filters.addWidget(self.show_retired, 1, 2, 1, 2)
        filters.setColumnStretch(1, 1)

        self.count = QLabel()
        self.count.setObjectName("hint")
        self.count.setWordWrap(True)

        self._model = ExerciseListModel(self)
        self.table = QTableView()
        self.table.setObjectName("exerciseList")
        self.table.setModel(self._model)
        self.table.setItemDelegateForColumn(ExerciseListModel.NAME, TwoLineDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self._size_columns()
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)

        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.new_button)
        list_side = QWidget()
        list_box = QVBoxLayout(list_side)
        list_box.setContentsMargins(0, 0, 0, 0)
        list_box.setSpacing(6)
        list_box.addLayout(search_row)
        list_box.addLayout(filters)
        list_box.addWidget(self.count)
        list_box.addWidget(self.table, 1)
        self._list_side = list_side

        self.copy_button = QPushButton("Cop&y…")
        self.copy_button.clicked.connect(self.copy_exercise)
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.clicked.connect(self.edit_exercise)
        self.retire_button = QPushButton("&Retire")
        self.retire_button.clicked.connect(self.retire_or_restore)
        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 8, 6)
        actions.addStretch(1)
        for button in (self.copy_button, self.edit_button, self.retire_button):
            actions.addWidget(button)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()

        self.detail = ExerciseDetail()
        self.detail.chosen.connect(self.show_exercise)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.detail)
        self._scroll = scroll
        empty = QLabel("Choose an exercise on the left to read it in full.")
        empty.setObjectName("hint")
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack = QStackedWidget()
        self._stack.addWidget(empty)
        self._stack.addWidget(scroll)
        detail_side = QWidget()
        detail_box = QVBoxLayout(detail_side)
        detail_box.setContentsMargins(12, 0, 0, 0)
        detail_box.addLayout(actions)
        detail_box.addWidget(self.error)
        detail_box.addWidget(self._stack, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(list_side)
        self.splitter.addWidget(detail_side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self._split_once = True

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.addWidget(title)
        layout.addWidget(self.splitter, 1)

        self._set_tooltips()
        events().data_changed.connect(self._on_data_changed)
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._split_once:
            # The list takes the room its columns need; the exercise in full gets the rest.
            self._split_once = False
            total = sum(self.splitter.sizes())
            wanted = self._list_side.minimumSizeHint().width() + 24
            wanted += max(0, total - 2 * wanted) // 3
            if total > wanted:
                self.splitter.setSizes([wanted, total - wanted])

    # --- public -------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def model(self) -> ExerciseListModel:
        return self._model

    def library(self) -> tuple[Exercise, ...]:
        return self._library

    def current(self) -> Exercise | None:
        """The exercise shown in full, if any."""
        return self.detail.exercise if self._stack.currentIndex() == 1 else None

    def reload(self) -> None:
        """Read the library again (after a change here or on another workstation)."""
        try:
            self._library = clinic_exercises.library(self._db, self._actor)
            self.error.hide()
        except DatabaseUnavailable as exc:
            log.warning("loading the exercise library failed: %s", exc.__cause__ or exc)
            self._library = shipped_exercises()  # the shipped ones still help
            self._show_error(DATABASE_TROUBLE)
        except DomainError as exc:
            self._show_error(str(exc))
        self._apply_filters(keep_place=True)

    def show_exercise(self, code: str) -> None:
        """Select and show ``code``; a filter that hides it is cleared first."""
        row = self._model.row_of(code)
        if row is None:
            found = next((e for e in self._library if e.code == code), None)
            if found is None:
                return
            self._clear_filters(show_retired=found.retired)
            row = self._model.row_of(code)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self._model.index(row, 0))

    # --- filtering ----------------------------------------------------------------------------

    def _clear_filters(self, *, show_retired: bool) -> None:
        for widget in (self.search, self.category, self.stage, self.indication, self.show_retired):
            widget.blockSignals(True)
        self.search.clear()
        for combo in (self.category, self.stage, self.indication):
            combo.setCurrentIndex(0)
        self.show_retired.setChecked(show_retired or self.show_retired.isChecked())
        for widget in (self.search, self.category, self.stage, self.indication, self.show_retired):
            widget.blockSignals(False)
        self._apply_filters()

    def _filters_changed(self) -> None:
        self._notice = ""
        self._apply_filters()

    def _apply_filters(self, *, keep_place: bool = False) -> None:
        """Show what the filters let through; the exercise shown stays if it is among them,
        else the first (``keep_place``: the one that took its place in the list)."""
        current = self.current()
        before = self.table.currentIndex().row() if keep_place else 0
        shown = filter_exercises(
            self._library,
            category=self.category.currentData(),
            stage=self.stage.currentData(),
            indication=self.indication.currentData(),
            text=self.search.text(),
            include_retired=self.show_retired.isChecked(),
        )
        self._model.set_exercises(shown)
        row = self._model.row_of(current.code) if current is not None else None
        if row is None and shown:
            row = min(max(before, 0), len(shown) - 1)
        if row is None:
            self._show_none()
        else:
            self.table.selectRow(row)
            self._show_row(row)  # also when the selection stayed on the same row
        self._update_count()

    def _update_count(self) -> None:
        count = self._model.rowCount()
        text = self.search.text().strip()
        filtered = any(c.currentIndex() for c in (self.category, self.stage, self.indication))
        if count == 0 and text:
            message = f"No exercise matches “{text}”"
            message += " with these filters." if filtered else "."
        elif count == 0:
            message = "No exercise matches these filters."
        else:
            message = f"{count} exercise{'' if count == 1 else 's'}"
            retired = sum(1 for row in range(count) if self._model.exercise(row).retired)
            if retired:
                message += f" ({retired} retired)"
        if self._notice:
            message = f"{self._notice}  {message}"
        self.count.setText(message)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in _NAVIGATION_KEYS:
                QApplication.sendEvent(self.table, event)
                return True
            if event.key() == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        return super().eventFilter(watched, event)

    # --- showing one --------------------------------------------------------------------------

    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = {index.row() for index in selected.indexes()}
        if rows:
            self._show_row(min(rows))

    def _show_row(self, row: int) -> None:
        found = self._model.exercise(row)
        if self.current() == found and self._own_matches(found):
            return
        self._own = None
        if not found.shipped:
            try:
                self._own = own_exercise(self._db, self._actor, found.code)
            except DomainError as exc:  # the library's copy is still worth reading
                log.warning("reading exercise %s: %s", found.code, exc)
        self.detail.show_exercise(found, self._library, self._own)
        self._stack.setCurrentIndex(1)
        self._scroll.verticalScrollBar().setValue(0)
        self._update_buttons()

    def _own_matches(self, found: Exercise) -> bool:
        return found.shipped or (self._own is not None and self._own.exercise.code == found.code)

    def _show_none(self) -> None:
        self.detail.exercise = None
        self._own = None
        self._stack.setCurrentIndex(0)
        self._update_buttons()

    def _set_tooltips(self) -> None:
        self.new_button.setToolTip("Write a new exercise of the clinic's own (Alt+N)")
        self.copy_button.setToolTip("Start a new exercise from this one (Alt+Y)")

    def _update_buttons(self) -> None:
        found = self.current()
        own = found is not None and not found.shipped
        self.new_button.setEnabled(self._may_edit)
        self.copy_button.setEnabled(self._may_edit and found is not None)
        self.edit_button.setEnabled(self._may_edit and own)
        self.retire_button.setEnabled(self._may_edit and own)
        retired = found is not None and found.retired
        self.retire_button.setText("Rest&ore" if retired else "&Retire")
        if not self._may_edit:
            for button in (self.new_button, self.copy_button, self.edit_button):
                button.setToolTip(THERAPISTS_ONLY)
            self.retire_button.setToolTip(THERAPISTS_ONLY)
            return
        self._set_tooltips()
        if found is not None and found.shipped:
            self.edit_button.setToolTip(SHIPPED_STAYS)
            self.retire_button.setToolTip(SHIPPED_STAYS)
        else:
            self.edit_button.setToolTip("Change this exercise of the clinic's (Alt+E)")
            self.retire_button.setToolTip(
                "Offer it again (Alt+O)"
                if retired
                else "Stop offering it; plans that use it keep it (Alt+R)"
            )

    # --- changing -----------------------------------------------------------------------------

    def new_exercise(self) -> ExerciseDialog | None:
        return self._open_dialog(None, None)

    def copy_exercise(self) -> ExerciseDialog | None:
        found = self.current()
        if found is None:
            return None
        return self._open_dialog(clinic_exercises.copy_of(found.code, self._library), None)

    def edit_exercise(self) -> ExerciseDialog | None:
        found = self.current()
        if found is None or found.shipped:
            return None
        try:
            # As stored now, with the version to save against (not the list's older copy).
            own = own_exercise(self._db, self._actor, found.code)
        except DomainError as exc:
            self._show_error(str(exc))
            return None
        return self._open_dialog(None, own)

    def _open_dialog(
        self, start: dict[str, object] | None, own: OwnExercise | None
    ) -> ExerciseDialog | None:
        if not self._may_edit:
            return None
        dialog = ExerciseDialog(
            self._db, self._actor, self._library, start=start, own=own, parent=self
        )
        dialog.finished.connect(lambda result: self._dialog_finished(dialog, result))
        dialog.open()
        return dialog

    def _dialog_finished(self, dialog: ExerciseDialog, result: int) -> None:
        saved = dialog.saved()
        dialog.deleteLater()
        if result and saved is not None:
            self.show_exercise(saved.code)
            self.table.setFocus()

    def retire_or_restore(self) -> None:
        found = self.current()
        if found is None or found.shipped or not self._may_edit:
            return
        version = self._own.version if self._own is not None else 0
        change = (
            clinic_exercises.restore_exercise if found.retired else clinic_exercises.retire_exercise
        )
        try:
            changed = change(self._db, self._actor, found.code, version)
        except DomainError as exc:
            self._show_error(str(exc))
            return
        self.error.hide()
        if changed.retired and not self.show_retired.isChecked():
            notice = f"“{changed.name}” retired; tick Show retired to see it again."
        else:
            notice = f"“{changed.name}” {'retired' if changed.retired else 'restored'}."
        events().data_changed.emit("exercise", [changed.code])
        self._notice = notice
        self._update_count()

    def _show_error(self, message: str) -> None:
        self.error.setText("⚠ " + message)
        self.error.show()

    def _on_data_changed(self, kind: str, _ids: list[object]) -> None:
        if kind == "exercise":
            self._own = None  # read again: its version moved on
            notice = self._notice
            self.reload()
            self._notice = notice
            self._update_count()

    def _size_columns(self) -> None:
        self.table.ensurePolished()
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(ExerciseListModel.NAME, QHeaderView.ResizeMode.Stretch)
        fixed = 0
        for column, sample in (
            (ExerciseListModel.CATEGORY, "Stabilisation"),
            (ExerciseListModel.STAGE, "Stage"),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 28)
            fixed += header.sectionSize(column)
        line = metrics.height()
        self.table.verticalHeader().setDefaultSectionSize(2 * line + 14)
        name = metrics.horizontalAdvance(NAME_SAMPLE) + 40
        bar = self.table.verticalScrollBar().sizeHint().width()
        self.table.setMinimumWidth(name + fixed + bar + 4)
