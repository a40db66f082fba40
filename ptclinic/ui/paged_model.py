"""A read-only Qt table model that grows page by page from a service query.

Filtering, ordering and paging happen in SQL; the model keeps only the rows fetched so far and
asks for the next page when the view scrolls near the end, so a list of a million rows opens as
fast as one of ten. A QSortFilterProxyModel on top would only see the fetched rows, so there is
none. Errors never escape to Qt: the message goes to ``error`` and the ``failed`` signal, and the
model simply shows what it has.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from ptclinic.services.errors import DatabaseUnavailable, DomainError

log = logging.getLogger(__name__)
AnyIndex = QModelIndex | QPersistentModelIndex
T = TypeVar("T")


class HasId(Protocol):
    @property
    def id(self) -> int: ...


RowT = TypeVar("RowT", bound=HasId)


class PagedTableModel(QAbstractTableModel, Generic[RowT]):
    """Subclasses name their ``COLUMNS``, say what went wrong in ``database_trouble`` and read one
    page in ``read_page``; ``reload()`` starts over from the first page."""

    COLUMNS: tuple[str, ...] = ()
    database_trouble = (
        "The list could not be loaded because the database did not answer. "
        "Check the network connection and try again."
    )

    failed = Signal(str)

    def __init__(self, page_size: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._page_size = page_size
        self._rows: list[RowT] = []
        self._offset = 0  # rows read from the query so far (rows shown may be fewer)
        self._more = False
        self.error = ""

    def read_page(self, offset: int, limit: int) -> list[RowT]:
        """Rows ``offset`` to ``offset + limit`` of the current query (runs a service call)."""
        raise NotImplementedError

    # --- what the views and pages ask ---------------------------------------------------------

    def row_at(self, row: int) -> RowT:
        return self._rows[row]

    def has_more(self) -> bool:
        return self._more

    def reload(self, *, load: bool = True, before: Callable[[], None] | None = None) -> bool:
        """Drop every row and, when ``load``, read the first page again; True if that worked.

        ``before`` runs inside the reset, ahead of the first page: a subclass reads what its
        cells need once per query there (the clinic's zone or date), not once per painted cell.
        """
        self.beginResetModel()
        self._rows, self._offset, self._more, self.error = [], 0, False, ""
        loaded = False
        if load:
            if before is not None:
                before()
            page = self._fetch(0)
            if page is not None:
                self._rows.extend(self._advance(page))
                loaded = True
        self.endResetModel()
        return loaded

    # --- fetching -----------------------------------------------------------------------------

    def safely(self, call: Callable[[], T]) -> T | None:
        """The call's result, or None after reporting its failure in plain words."""
        try:
            return call()
        except DatabaseUnavailable as exc:
            log.warning("%s: database unreachable: %s", type(self).__name__, exc.__cause__ or exc)
            self._fail(self.database_trouble)
        except DomainError as exc:
            self._fail(str(exc))
        return None

    def _fail(self, message: str) -> None:
        self.error = message
        self._more = False
        self.failed.emit(message)

    def _fetch(self, offset: int) -> list[RowT] | None:
        # One row more than a page tells whether another page exists without a COUNT query.
        return self.safely(lambda: self.read_page(offset, self._page_size + 1))

    def _advance(self, page: list[RowT]) -> list[RowT]:
        """Move past a page; return its rows not already shown. Rows written since the first
        page push older ones down, so a row may repeat at a page boundary."""
        self._more = len(page) > self._page_size
        self._offset += min(len(page), self._page_size)
        seen = {row.id for row in self._rows[-self._page_size :]}
        return [row for row in page[: self._page_size] if row.id not in seen]

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008 - Qt API
        return not parent.isValid() and self._more

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008 - Qt API
        if parent.isValid() or not self._more:
            return
        page = self._fetch(self._offset)
        if not page:
            self._more = False
            return
        fresh = self._advance(page)
        if fresh:
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
