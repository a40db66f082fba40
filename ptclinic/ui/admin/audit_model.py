"""The audit log as a Qt table model that grows page by page.

Filtering, ordering (newest first) and paging happen in SQL (``list_events``); see
``PagedTableModel``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction, AuditFilter, AuditRow, count_events, list_events
from ptclinic.services.clinic import clinic_zone
from ptclinic.ui.paged_model import PagedTableModel

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


class AuditLogModel(PagedTableModel[AuditRow]):
    """Rows of ``AuditRow`` for one filter; ``set_filter`` starts over."""

    COLUMNS = ("When", "User", "Action", "Patient", "What", "Workstation")
    WHEN, USER, ACTION, PATIENT, WHAT, WORKSTATION = range(6)
    EventIdRole = Qt.ItemDataRole.UserRole + 1
    database_trouble = DATABASE_TROUBLE

    total_changed = Signal(int)

    def __init__(
        self, db: Database, actor: Actor, parent: QObject | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(page_size, parent)
        self._db = db
        self._actor = actor
        self._filter = AuditFilter()
        self._zone = ZoneInfo("UTC")
        self.total = 0

    # --- what the tab asks --------------------------------------------------------------------

    @property
    def current_filter(self) -> AuditFilter:
        return self._filter

    def set_filter(self, filters: AuditFilter) -> None:
        """Show the first page of events matching ``filters`` and count them all."""
        self._filter = filters
        self.total = 0

        def read_zone() -> None:
            self._zone = self.safely(lambda: clinic_zone(self._db)) or ZoneInfo("UTC")

        if self.reload(before=read_zone):
            self.total = self.safely(lambda: count_events(self._db, self._actor, filters)) or 0
        self.total_changed.emit(self.total)

    def read_page(self, offset: int, limit: int) -> list[AuditRow]:
        return list_events(self._db, self._actor, self._filter, offset=offset, limit=limit)

    def refresh(self) -> None:
        self.set_filter(self._filter)

    def clear(self) -> None:
        """Show no rows (the filter on screen cannot match anything)."""
        self.total = 0
        self.reload(load=False)
        self.total_changed.emit(0)

    def audit_row(self, row: int) -> AuditRow:
        return self.row_at(row)

    def when_text(self, moment: datetime) -> str:
        return f"{moment.astimezone(self._zone):%Y-%m-%d %H:%M}"

    # --- QAbstractTableModel ------------------------------------------------------------------

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
