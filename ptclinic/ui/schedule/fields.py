"""Two fields of the booking dialog: finding the patient with the registry's own search, and a
start time that can be typed whole. (Its date is the house ``ui.date_field.DateField``.)"""

from __future__ import annotations

import re
from datetime import time

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.services.patient_search import PatientSummary
from ptclinic.ui.patients.search_model import (
    MIN_QUERY,
    SEARCH_DELAY_MS,
    PatientSearchModel,
    format_date,
)

_CLOCK = re.compile(r"^\s*(\d{1,2})(?:[:.h]?(\d{2}))?\s*([ap]\.?m?\.?)?\s*$", re.IGNORECASE)


def parse_clock(text: str) -> time | None:
    """ "10:30", "1030", "10.30", "10", "9", "2:30 pm" → a time; None if it cannot be read."""
    match = _CLOCK.match(text)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower()
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix.startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class TimeField(QComboBox):
    """A start time: pick a quarter hour from the list, or type any time ("1030", "2:30 pm").

    A combo box rather than QTimeEdit, whose section-by-section typing does not let a whole
    time be typed over the old one.
    """

    def __init__(self, start: time, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(12)
        for minutes in range(6 * 60, 21 * 60 + 1, 15):
            self.addItem(f"{minutes // 60:02d}:{minutes % 60:02d}")
        self.set_time(start)

    def set_time(self, moment: time) -> None:
        text = f"{moment:%H:%M}"
        index = self.findText(text)
        if index >= 0:
            self.setCurrentIndex(index)
        self.setEditText(text)

    def time(self) -> time | None:
        return parse_clock(self.currentText())


def patient_line(patient: PatientSummary) -> str:
    """ "Ortiz, Maria · Apr 12, 1978 · Chart # 000123 · (555) 201-3344": who it is, told
    apart from a namesake by birth date and chart number."""
    parts = [patient.display_name, format_date(patient.date_of_birth)]
    parts += [f"Chart # {patient.chart_number}", patient.phone or "no phone on file"]
    return "  ·  ".join(parts)


def _label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.hide()
    return label


class PatientPicker(QWidget):
    """Find a patient as you type (the Patients page's search model and rules), then Enter or a
    click takes the highlighted one: ``chosen(PatientSummary)``. Up/Down move through the results
    without leaving the search box; Enter never books a half-chosen patient."""

    chosen = Signal(object)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._patient: PatientSummary | None = None
        self.search = QLineEdit()
        self.search.setObjectName("bookingPatientSearch")
        self.search.setPlaceholderText("Name, chart #, phone or date of birth")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find the patient")
        self.search.installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.model = PatientSearchModel(db, actor, self)
        self.results = QTableView()
        self.results.setObjectName("bookingPatientResults")
        self.results.setModel(self.model)
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the search box
        self.results.setWordWrap(False)
        self.results.verticalHeader().hide()
        self.results.verticalHeader().setDefaultSectionSize(26)
        self.results.setFixedHeight(26 * 4 + 32)
        header = self.results.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PatientSearchModel.NAME, QHeaderView.ResizeMode.Stretch)
        self.results.clicked.connect(self._pick)
        self.results.hide()
        self.hint = _label("hint")
        self.chosen_line = _label("chosenPatient")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        for widget in (self.search, self.hint, self.results, self.chosen_line):
            box.addWidget(widget)
        self.setFocusProxy(self.search)  # the row's mnemonic lands in the search box

    def patient(self) -> PatientSummary | None:
        return self._patient

    def run_search(self) -> None:
        self._timer.stop()
        text = self.search.text().strip()
        self.model.set_query(text if len(text) >= MIN_QUERY else "")
        found = self.model.rowCount()
        self.results.setVisible(found > 0)
        if self.model.error:
            self.hint.setText("⚠ " + self.model.error)
        elif len(text) < MIN_QUERY:
            self.hint.setText(f"Type at least {MIN_QUERY} letters.")
        elif not found:
            self.hint.setText(
                f"No patient matches “{text}”. New patients are registered on the Patients "
                "page first (Ctrl+N)."
            )
        else:
            self.hint.setText("↑ ↓ to choose, Enter to take the highlighted patient.")
        self.hint.setVisible(bool(text))
        if found:
            self.results.selectRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                if self._timer.isActive():
                    self.run_search()
                QApplication.sendEvent(self.results, event)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.search.text().strip():
                if self._timer.isActive():
                    self.run_search()
                self._pick(self.results.currentIndex())
                return True  # typed text in the box: Enter picks, it never presses Book
        return super().eventFilter(watched, event)

    def _pick(self, index: QModelIndex) -> None:
        if index.isValid() and not self.results.isHidden():
            self.choose(self.model.summary(index.row()))

    def choose(self, patient: PatientSummary) -> None:
        self._patient = patient
        self.chosen_line.setText("✓ " + patient_line(patient))
        self.chosen_line.show()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.search.setPlaceholderText("Type to choose someone else")
        self.results.hide()
        self.hint.hide()
        self.chosen.emit(patient)
