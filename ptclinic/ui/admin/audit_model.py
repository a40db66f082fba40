"""The audit log as a Qt table model that grows page by page.

Filtering, ordering (newest first) and paging happen in SQL (``list_events``); the model keeps
only the rows fetched so far and asks for the next page when the view scrolls near the end, so a
log of millions of events opens as fast as one of ten. A QSortFilterProxyModel on top would only
see the fetched rows, so there is none.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

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
from ptclinic.services.audit import AuditAction, AuditFilter, AuditRow, count_events, list_events
from ptclinic.services.clinic import clinic_zone
from ptclinic.services.errors import DatabaseUnavailable, DomainError

log = logging.getLogger(__name__)
T = TypeVar("T")
AnyIndex = QModelIndex | QPersistentModelIndex

PAGE_SIZE = 200

DATABASE_TROUBLE = (
    "The audit log could not be loaded because the database did not answer. "
    "Check the network connection and press Refresh."
)

ACTION_LABELS: dict[str, str] = {
    AuditAction.LOGIN: "Logged in",
    AuditAction.LOGIN_FAILED: "Log-in failed",
    AuditAction.ACCOUNT_LOCKED: "Account locked",
    AuditAction.LOGOUT: "Logged out",
    AuditAction.SCREEN_LOCKED: "Screen locked",
    AuditAction.SCREEN_UNLOCKED: "Screen unlocked",
    AuditAction.VIEW: "Viewed",
    AuditAction.SEARCH: "Searched",
    AuditAction.CREATE: "Created",
    AuditAction.CHANGE: "Changed",
    AuditAction.EXPORT: "Exported",
    AuditAction.PRINT: "Printed",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC bounds for the clinic-local days ``first`` to ``last``, both whole days included.

    The end bound is the clinic's midnight after ``last`` (exclusive, as ``AuditFilter.until`` is),
    computed in the clinic's zone so a day with a daylight-saving change is still a whole day.
    """
    since = datetime.combine(first, time.min, tzinfo=zone)
    until = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    return since.astimezone(UTC), until.astimezone(UTC)


def count_text(total: int) -> str:
    return "1 event" if total == 1 else f"{total:,} events"


class AuditLogModel(QAbstractTableModel):
    """Rows of ``AuditRow`` for one filter; ``set_filter`` starts over.

    Errors never escape to Qt: the message goes to ``error`` and the ``failed`` signal, and the
    model simply shows what it has.
    """

    COLUMNS = ("When", "User", "Action", "Patient", "What", "Workstation")
    WHEN, USER, ACTION, PATIENT, WHAT, WORKSTATION = range(6)
    EventIdRole = Qt.ItemDataRole.UserRole + 1

    failed = Signal(str)
    total_changed = Signal(int)

    def __init__(
        self, db: Database, actor: Actor, parent: QObject | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._page_size = page_size
        self._filter = AuditFilter()
        self._rows: list[AuditRow] = []
        self._offset = 0  # events read from the query so far (rows shown may be fewer)
        self._more = False
        self._zone = ZoneInfo("UTC")
        self.total = 0
        self.error = ""

    # --- what the tab asks --------------------------------------------------------------------

    @property
    def current_filter(self) -> AuditFilter:
        return self._filter

    def set_filter(self, filters: AuditFilter) -> None:
        """Show the first page of events matching ``filters`` and count them all."""
        self.beginResetModel()
        self._filter = filters
        self._rows = []
        self._offset = 0
        self._more = False
        self.error = ""
        self.total = 0
        # The zone is read once per filter, not once per painted cell.
        self._zone = self._safely(lambda: clinic_zone(self._db)) or ZoneInfo("UTC")
        page = self._fetch(0)
        if page is not None:
            self._take(page)
            self.total = self._safely(lambda: count_events(self._db, self._actor, filters)) or 0
        self.endResetModel()
        self.total_changed.emit(self.total)

    def refresh(self) -> None:
        self.set_filter(self._filter)

    def clear(self) -> None:
        """Show no rows (the filter on screen cannot match anything)."""
        self.beginResetModel()
        self._rows, self._offset, self._more, self.total = [], 0, False, 0
        self.endResetModel()
        self.total_changed.emit(0)

    def audit_row(self, row: int) -> AuditRow:
        return self._rows[row]

    def has_more(self) -> bool:
        return self._more

    def when_text(self, moment: datetime) -> str:
        return f"{moment.astimezone(self._zone):%Y-%m-%d %H:%M}"

    # --- fetching -----------------------------------------------------------------------------

    def _safely(self, call: Callable[[], T]) -> T | None:
        try:
            return call()
        except DatabaseUnavailable as exc:
            log.warning("reading the audit log failed: %s", exc.__cause__ or exc)
            self._fail(DATABASE_TROUBLE)
        except DomainError as exc:
            self._fail(str(exc))
        return None

    def _fail(self, message: str) -> None:
        self.error = message
        self._more = False
        self.failed.emit(message)

    def _fetch(self, offset: int) -> list[AuditRow] | None:
        # One row more than a page tells whether another page exists without a second query.
        return self._safely(
            lambda: list_events(
                self._db, self._actor, self._filter, offset=offset, limit=self._page_size + 1
            )
        )

    def _take(self, page: list[AuditRow]) -> None:
        self._more = len(page) > self._page_size
        self._offset += min(len(page), self._page_size)
        self._rows.extend(page[: self._page_size])

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008 - Qt API
        return not parent.isValid() and self._more

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008 - Qt API
        if parent.isValid() or not self._more:
            return
        # Paging by offset: events written since the first page push older ones down, so a row
        # may repeat at a page boundary; skipping ids already shown keeps the list clean.
        page = self._fetch(self._offset)
        if not page:
            self._more = False
            return
        seen = {row.id for row in self._rows[-self._page_size :]}
        fresh = [row for row in page[: self._page_size] if row.id not in seen]
        self._more = len(page) > self._page_size
        self._offset += min(len(page), self._page_size)
        if not fresh:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
        self._rows.extend(fresh)
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
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.WHAT and row.entity:
                return f"{row.summary or '—'}\n(record: {row.entity})"
            return self._text(row, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.COLUMNS[column]}: {self._text(row, column)}"
        if role == self.EventIdRole:
            return row.id
        return None

    def _text(self, row: AuditRow, column: int) -> str:
        if column == self.WHEN:
            return self.when_text(row.occurred_at)
        if column == self.USER:
            return row.username
        if column == self.ACTION:
            return action_label(row.action)
        if column == self.PATIENT:
            return f"{row.patient_name} (#{row.chart_number})" if row.chart_number else ""
        if column == self.WHAT:
            return row.summary or row.entity
        if column == self.WORKSTATION:
            return row.workstation
        return ""
