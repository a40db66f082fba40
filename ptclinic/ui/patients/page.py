"""The Patients page: find a patient as you type, open the chart, register or edit details.

Keyboard first: Ctrl+K (wired by the main window to ``focus_search``) lands in the search box;
Up/Down move through the results without leaving it; Enter opens the highlighted chart. The
chart lists the patient's episodes of care (Ctrl+E opens a new one) and their visits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFormLayout,
    QFrame,
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
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_today
from ptclinic.services.errors import DatabaseUnavailable, DomainError
from ptclinic.services.patients import PatientRecord, open_chart
from ptclinic.services.permissions import Permission, can
from ptclinic.ui.events import events
from ptclinic.ui.patients.attendance_view import AttendanceView
from ptclinic.ui.patients.episodes_view import NEW_EPISODE_KEY, EpisodesView
from ptclinic.ui.patients.registration import SEX_LABELS, PatientDialog
from ptclinic.ui.patients.search_model import (
    MIN_QUERY,
    SEARCH_DELAY_MS,
    PatientSearchModel,
    format_dob,
)

log = logging.getLogger(__name__)

NAME_SAMPLE = "Hernández, Mariana"  # a long name the list always has room for
SEARCH_PLACEHOLDER = "Name, chart #, phone or date of birth  (Ctrl+K)"
_NAVIGATION_KEYS = {
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}
_NOT_RECORDED = "Not recorded"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _sex_text(sex: str) -> str:
    return "Sex not recorded" if sex == "unknown" else SEX_LABELS.get(sex, sex)


def _section(title: str) -> QLabel:
    label = QLabel(title)
    label.setObjectName("sectionTitle")
    return label


class ChartView(QWidget):
    """One patient's identity header, ``episodes`` (the episodes of care), the demographics
    (read-only), then ``attendance`` (the visits); the two sections load themselves and are
    left out when not given."""

    def __init__(
        self,
        may_edit: bool,
        parent: QWidget | None = None,
        *,
        attendance: AttendanceView | None = None,
        episodes: EpisodesView | None = None,
    ) -> None:
        super().__init__(parent)
        self.attendance = attendance
        self.episodes = episodes
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        self.header = QFrame()
        self.header.setObjectName("chartHeader")
        identity = QVBoxLayout(self.header)
        identity.setContentsMargins(14, 10, 14, 10)
        identity.setSpacing(2)
        self.name = QLabel()
        self.name.setObjectName("chartName")
        self.ids = QLabel()
        self.ids.setObjectName("chartIds")
        # Wrapped, never cut: on a narrow chart pane the identity line breaks between its parts
        # (each part holds non-breaking spaces, so "Mar 7, 1961" stays whole).
        for label in (self.name, self.ids):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            identity.addWidget(label)
        layout.addWidget(self.header)
        if episodes is not None:
            # Why the patient comes, first: in sight without scrolling on a laptop.
            layout.addWidget(episodes)
            layout.addSpacing(6)

        self._values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(18)
        form.setVerticalSpacing(6)
        form.setContentsMargins(4, 0, 4, 0)
        sections = (
            ("Contact", ("phone", "Phone"), ("email", "Email"), ("address", "Address"),
             ("preferred_language", "Preferred language")),
            ("Emergency contact", ("emergency_contact_name", "Name"),
             ("emergency_contact_phone", "Phone")),
            ("Insurance & referral", ("payer", "Payer"), ("member_id", "Member ID"),
             ("referring_physician", "Referring physician")),
        )  # fmt: skip
        for title, *rows in sections:
            form.addRow(_section(title))
            for name, caption in rows:
                value = QLabel()
                value.setWordWrap(True)
                value.setTextInteractionFlags(
                    Qt.TextInteractionFlag.TextSelectableByMouse
                    | Qt.TextInteractionFlag.TextSelectableByKeyboard
                )
                form.addRow(QLabel(caption), value)
                self._values[name] = value
        layout.addLayout(form)
        self.edit_button: QPushButton | None = None
        if may_edit:
            self.edit_button = QPushButton("&Edit details…")
            self.edit_button.setToolTip("Change this patient's demographics (Alt+E)")
            row = QHBoxLayout()
            row.setContentsMargins(4, 10, 4, 0)
            row.addWidget(self.edit_button)
            row.addStretch(1)
            layout.addLayout(row)
        if attendance is not None:
            layout.addSpacing(6)
            layout.addWidget(attendance)
        layout.addStretch(1)

    def show_record(self, record: PatientRecord, born: str) -> None:
        self.name.setText(record.display_name + ("" if record.active else "  — inactive record"))
        parts = (f"Born {born}", f"Chart # {record.chart_number}", _sex_text(record.sex))
        # Two em spaces between parts: a line may break there without leaving a stray dot.
        self.ids.setText("\u2003\u2003".join(part.replace(" ", "\u00a0") for part in parts))
        for name, label in self._values.items():
            value = str(getattr(record, name) or "")
            label.setText(value or _NOT_RECORDED)
            # Empty values are in the muted hint style so filled ones stand out.
            label.setObjectName("" if value else "hint")
            label.style().unpolish(label)
            label.style().polish(label)

    def value_text(self, name: str) -> str:
        return self._values[name].text()


class PatientsPage(QWidget):
    """``clock`` gives the current moment (tests fix it): the chart's attendance section lists
    today's and later visits apart from past ones, and episodes are dated by it.

    ``open_evaluation(episode id)`` and ``open_care_plan(episode id)`` are emitted by the
    chart's "Evaluation…" and "Care plan…" buttons."""

    open_evaluation = Signal(int)
    open_care_plan = Signal(int)

    def __init__(
        self,
        db: Database,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._record: PatientRecord | None = None
        self._may_edit = can(actor, Permission.EDIT_PATIENTS)
        self._model = PatientSearchModel(db, actor, self)

        title = QLabel("Patients")
        title.setObjectName("pageTitle")

        self.search = QLineEdit()
        self.search.setObjectName("patientSearch")
        self.search.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find a patient")
        self.search.installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _text: self._timer.start())

        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        self.new_button: QPushButton | None = None
        if self._may_edit:
            self.new_button = QPushButton("&New patient…")
            self.new_button.setObjectName("primary")
            self.new_button.setToolTip("Register a new patient (Alt+N)")
            self.new_button.clicked.connect(self.register_new)
            search_row.addWidget(self.new_button)

        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)

        self.table = QTableView()
        self.table.setObjectName("patientResults")
        self.table.setModel(self._model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere else
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self._size_columns()
        self.table.activated.connect(self._open_index)

        self.attendance = AttendanceView(db, actor, clock=clock)
        self.episodes = EpisodesView(db, actor, clock=clock)
        self.episodes.open_evaluation.connect(self.open_evaluation)
        self.episodes.open_care_plan.connect(self.open_care_plan)
        self.chart = ChartView(self._may_edit, attendance=self.attendance, episodes=self.episodes)
        new_episode = QShortcut(QKeySequence(NEW_EPISODE_KEY), self)
        new_episode.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_episode.activated.connect(self.new_episode)
        if self.chart.edit_button is not None:
            self.chart.edit_button.clicked.connect(self._edit_current)
        self.chart_error = QLabel()
        self.chart_error.setObjectName("formError")
        self.chart_error.setWordWrap(True)
        self.chart_error.hide()
        empty = QLabel(
            "Find a patient on the left, then press Enter\nor double-click to open the chart."
        )
        empty.setObjectName("hint")
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack = QStackedWidget()
        self._stack.addWidget(empty)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # text wraps
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.chart)
        self._stack.addWidget(scroll)
        chart_side = QWidget()
        chart_box = QVBoxLayout(chart_side)
        chart_box.setContentsMargins(12, 0, 0, 0)
        chart_box.addWidget(self.chart_error)
        chart_box.addWidget(self._stack, 1)

        results_side = QWidget()
        results_box = QVBoxLayout(results_side)
        results_box.setContentsMargins(0, 0, 0, 0)
        results_box.addLayout(search_row)
        results_box.addWidget(self.hint)
        results_box.addWidget(self.table, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(results_side)
        self._results_side = results_side
        self.splitter.addWidget(chart_side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self._split_once = True

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.addWidget(title)
        layout.addWidget(self.splitter, 1)

        self._model.failed.connect(self._show_hint)
        events().data_changed.connect(self._on_data_changed)
        self._update_hint()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._split_once:
            # The list needs room for its columns, not more; the chart's episodes, details and
            # buttons are what the rest of the width is for.
            self._split_once = False
            total = sum(self.splitter.sizes())
            results = self._results_side.minimumSizeHint().width() + 24
            results += max(0, total - 2 * results) // 3  # a wide screen gives the list a share
            if total > results:
                self.splitter.setSizes([results, total - results])

    # --- public -------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def register_new(self) -> None:
        self._open_dialog(None)

    def new_episode(self) -> None:
        """Open a new episode of care for the patient whose chart is open (Ctrl+E)."""
        if self._record is not None and self._stack.currentIndex() == 1:
            self.episodes.new_episode()

    def open_patient(self, patient_id: int) -> None:
        """Open (and audit a view of) one patient's chart."""
        try:
            record = open_chart(self._db, self._actor, patient_id)
            today = clinic_today(self._db)
        except DatabaseUnavailable as exc:
            log.warning("opening chart %s failed: %s", patient_id, exc.__cause__ or exc)
            self._show_chart_error(
                "The chart could not be opened because the database did not answer. "
                "Check the network connection and try again."
            )
            return
        except DomainError as exc:
            self._show_chart_error(str(exc))
            return
        self._record = record
        self.chart_error.hide()
        dob = format_dob(record.date_of_birth, today) if record.date_of_birth else _NOT_RECORDED
        self.chart.show_record(record, dob)
        self.episodes.show_patient(record)
        self.attendance.show_patient(record.id)
        self._stack.setCurrentIndex(1)

    def current_patient(self) -> PatientRecord | None:
        return self._record

    def model(self) -> PatientSearchModel:
        return self._model

    # --- searching ----------------------------------------------------------------------------

    def _run_search(self) -> None:
        self._timer.stop()
        text = self.search.text().strip()
        self._model.set_query(text if len(text) >= MIN_QUERY else "")
        if self._model.rowCount():
            # The best match is highlighted so Enter opens it straight away.
            self.table.selectRow(0)
        self._update_hint()

    def _update_hint(self) -> None:
        text = self.search.text().strip()
        count = self._model.rowCount()
        if self._model.error:
            message = "⚠ " + self._model.error
        elif not text:
            message = "Type at least 2 letters of a name, or a chart #, phone or date of birth."
        elif len(text) < MIN_QUERY:
            message = "Type at least 2 letters."
        elif count == 0:
            message = (
                f"No patient matches “{text}”. "
                "Check the spelling, or try the chart # or date of birth."
            )
            if self._may_edit:
                message += " New to the clinic? Register them with New patient…"
        elif self._model.has_more():
            message = (
                f"{count}+ patients match — keep typing to narrow the list. "
                "Enter opens the highlighted chart."
            )
        else:
            noun = "patient matches" if count == 1 else "patients match"
            message = f"{count} {noun}. ↑ ↓ to choose, Enter to open the chart."
        self._show_hint(message)

    def _show_hint(self, message: str) -> None:
        if self._model.error and not message.startswith("⚠"):
            message = "⚠ " + message
        self.hint.setText(message)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in _NAVIGATION_KEYS:
                if self._timer.isActive():
                    self._run_search()
                QApplication.sendEvent(self.table, event)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._timer.isActive():
                    self._run_search()
                self._open_index(self.table.currentIndex())
                return True
            if key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        return super().eventFilter(watched, event)

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_patient(self._model.patient_id(index.row()))

    def _on_data_changed(self, kind: str, ids: list[int]) -> None:
        if kind != "patient":
            return
        current = self.table.currentIndex()
        selected = self._model.patient_id(current.row()) if current.isValid() else None
        self._model.refresh()
        row = self._model.row_of(selected) if selected is not None else None
        if row is not None:
            self.table.selectRow(row)
        elif self._model.rowCount():
            self.table.selectRow(0)
        self._update_hint()
        if self._record is not None and (not ids or self._record.id in ids):
            self.open_patient(self._record.id)

    # --- charts and dialogs -------------------------------------------------------------------

    def _show_chart_error(self, message: str) -> None:
        self.chart_error.setText("⚠ " + message)
        self.chart_error.show()

    def _edit_current(self) -> None:
        if self._record is not None:
            self._open_dialog(self._record)

    def _open_dialog(self, record: PatientRecord | None) -> None:
        dialog = PatientDialog(self._db, self._actor, record, parent=self)
        dialog.open_existing.connect(self.open_patient)
        dialog.finished.connect(lambda result: self._dialog_finished(dialog, result))
        dialog.open()

    def _dialog_finished(self, dialog: PatientDialog, result: int) -> None:
        saved, registered = dialog.record(), dialog.is_new()
        dialog.deleteLater()
        if not result or saved is None:
            return
        if registered:
            # The list shows the new patient too, so list and chart agree (and Enter reopens it).
            self.search.setText(saved.chart_number)
            self._run_search()
        if self._record is None or saved.id != self._record.id:
            self.open_patient(saved.id)

    def _size_columns(self) -> None:
        # Fixed widths from the font (not ResizeToContents, which would measure every fetched row).
        self.table.ensurePolished()  # the style sheet's font size applies only once polished
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(PatientSearchModel.NAME, QHeaderView.ResizeMode.Stretch)
        samples = {
            PatientSearchModel.DATE_OF_BIRTH: "Sep 30, 2000 (100)",
            PatientSearchModel.CHART: "Chart # 00",
            PatientSearchModel.PHONE: "(555) 555-5555",
        }
        fixed = 0
        for column, sample in samples.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 28)
            fixed += header.sectionSize(column)
        # The chart beside it must not squeeze the names out of the list: keep room for one.
        name = metrics.horizontalAdvance(NAME_SAMPLE) + 28
        bar = self.table.verticalScrollBar().sizeHint().width()
        self.table.setMinimumWidth(name + fixed + bar + 4)
