"""The patient search results as a Qt table model that grows page by page.

Sorting, ranking and paging happen in SQL (``search_patients``); the model only keeps the rows
fetched so far and asks for the next page when the view scrolls near the end. A
QSortFilterProxyModel on top would only see the fetched rows, so there is none.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from dateutil.relativedelta import relativedelta
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_today
from ptclinic.services.errors import DatabaseUnavailable, DomainError
from ptclinic.services.patient_search import PAGE_SIZE, PatientSummary, search_patients

log = logging.getLogger(__name__)
T = TypeVar("T")

# Fixed English abbreviations: strftime("%b") follows the C locale, which Qt sets from the
# environment, so one workstation could show "abr" where another shows "Apr".
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

DATABASE_TROUBLE = (
    "The patient list could not be loaded because the database did not answer. "
    "Check the network connection and try again."
)

AnyIndex = QModelIndex | QPersistentModelIndex


def format_date(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def format_dob(dob: date, today: date) -> str:
    """ "Apr 12, 1978 (48)": the date, and the age in whole years on the clinic's today."""
    return f"{format_date(dob)} ({relativedelta(today, dob).years})"


class PatientSearchModel(QAbstractTableModel):
    """Rows of ``PatientSummary`` for one query; ``set_query`` starts over.

    Errors never escape to Qt: the message goes to ``error`` and the ``failed`` signal, and the
    model simply shows what it has.
    """

    COLUMNS = ("Name", "Date of birth", "Chart #", "Phone")
    NAME, DATE_OF_BIRTH, CHART, PHONE = range(4)
    PatientIdRole = Qt.ItemDataRole.UserRole + 1

    failed = Signal(str)

    def __init__(
        self, db: Database, actor: Actor, parent: QObject | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._page_size = page_size
        self._query = ""
        self._rows: list[PatientSummary] = []
        self._more = False
        self._today: date | None = None
        self.error = ""

    # --- what the page asks -------------------------------------------------------------------

    @property
    def query(self) -> str:
        return self._query

    def set_query(self, text: str) -> None:
        """Show the first page of matches for ``text`` (an empty text shows nothing)."""
        self.beginResetModel()
        self._query = text
        self._rows = []
        self._more = False
        self.error = ""
        if text.strip():
            # The clinic's "today" is read once per query, not once per painted cell.
            self._today = self._safely(lambda: clinic_today(self._db))
            page = self._fetch(0)
            if page is not None:
                self._take(page)
        self.endResetModel()

    def refresh(self) -> None:
        """Run the current query again (someone registered or changed a patient)."""
        self.set_query(self._query)

    def patient_id(self, row: int) -> int:
        return self._rows[row].id

    def summary(self, row: int) -> PatientSummary:
        return self._rows[row]

    def row_of(self, patient_id: int) -> int | None:
        for row, summary in enumerate(self._rows):
            if summary.id == patient_id:
                return row
        return None

    def has_more(self) -> bool:
        return self._more

    # --- fetching -----------------------------------------------------------------------------

    def _safely(self, call: Callable[[], T]) -> T | None:
        try:
            return call()
        except DatabaseUnavailable as exc:
            log.warning("patient search failed: %s", exc.__cause__ or exc)
            self._fail(DATABASE_TROUBLE)
        except DomainError as exc:
            self._fail(str(exc))
        return None

    def _fail(self, message: str) -> None:
        self.error = message
        self._more = False
        self.failed.emit(message)

    def _fetch(self, offset: int) -> list[PatientSummary] | None:
        # One row more than a page tells whether another page exists without a COUNT query.
        return self._safely(
            lambda: search_patients(
                self._db, self._actor, self._query, offset=offset, limit=self._page_size + 1
            )
        )

    def _take(self, page: list[PatientSummary]) -> None:
        self._more = len(page) > self._page_size
        self._rows.extend(page[: self._page_size])

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008 - Qt API
        return not parent.isValid() and self._more

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008 - Qt API
        if parent.isValid() or not self._more:
            return
        page = self._fetch(len(self._rows))
        if not page:
            self._more = False
            return
        start = len(self._rows)
        shown = min(len(page), self._page_size)
        self.beginInsertRows(QModelIndex(), start, start + shown - 1)
        self._take(page)
        self.endInsertRows()

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
