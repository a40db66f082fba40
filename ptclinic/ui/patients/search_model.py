"""The patient search results as a Qt table model that grows page by page.

Sorting, ranking and paging happen in SQL (``search_patients``); see ``PagedTableModel``.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_today
from ptclinic.services.day_text import day_text
from ptclinic.services.patient_fields import age_on
from ptclinic.services.patient_search import PAGE_SIZE, PatientSummary, search_patients
from ptclinic.ui.paged_model import PagedTableModel

# Search as you type: after this pause, from this many characters (the Patients page and the
# pickers in dialogs search alike).
SEARCH_DELAY_MS = 150
MIN_QUERY = 2


DATABASE_TROUBLE = (
    "The patient list could not be loaded because the database did not answer. "
    "Check the network connection and try again."
)

AnyIndex = QModelIndex | QPersistentModelIndex


def format_date(day: date) -> str:
    return day_text(day)


def format_dob(dob: date, today: date) -> str:
    """ "Apr 12, 1978 (48)": the date, and the age in whole years on the clinic's today."""
    return f"{format_date(dob)} ({age_on(dob, today)})"


class PatientSearchModel(PagedTableModel[PatientSummary]):
    """Rows of ``PatientSummary`` for one query; ``set_query`` starts over."""

    COLUMNS = ("Name", "Date of birth", "Chart #", "Phone")
    NAME, DATE_OF_BIRTH, CHART, PHONE = range(4)
    PatientIdRole = Qt.ItemDataRole.UserRole + 1
    database_trouble = DATABASE_TROUBLE

    def __init__(
        self, db: Database, actor: Actor, parent: QObject | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(page_size, parent)
        self._db = db
        self._actor = actor
        self._query = ""
        self._today: date | None = None

    # --- what the page asks -------------------------------------------------------------------

    @property
    def query(self) -> str:
        return self._query

    def set_query(self, text: str) -> None:
        """Show the first page of matches for ``text`` (an empty text shows nothing)."""
        self._query = text

        def read_today() -> None:
            self._today = self.safely(lambda: clinic_today(self._db))

        self.reload(load=bool(text.strip()), before=read_today)

    def read_page(self, offset: int, limit: int) -> list[PatientSummary]:
        return search_patients(self._db, self._actor, self._query, offset=offset, limit=limit)

    def refresh(self) -> None:
        """Run the current query again (someone registered or changed a patient)."""
        self.set_query(self._query)

    def patient_id(self, row: int) -> int:
        return self._rows[row].id

    def summary(self, row: int) -> PatientSummary:
        return self.row_at(row)

    def row_of(self, patient_id: int) -> int | None:
        for row, summary in enumerate(self._rows):
            if summary.id == patient_id:
                return row
        return None

    # --- QAbstractTableModel ------------------------------------------------------------------

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        summary = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(summary, column)
        if role == self.PatientIdRole:
            return summary.id
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.COLUMNS[column]}: {self._text(summary, column)}"
        return None

    def _text(self, summary: PatientSummary, column: int) -> str:
        if column == self.NAME:
            # Status in words, not colour: an inactive record says so in its name cell.
            return summary.display_name + ("" if summary.active else "  — inactive")
        if column == self.DATE_OF_BIRTH:
            if self._today is None:
                return format_date(summary.date_of_birth)
            return format_dob(summary.date_of_birth, self._today)
        if column == self.CHART:
            return summary.chart_number
        if column == self.PHONE:
            return summary.phone
        return ""
