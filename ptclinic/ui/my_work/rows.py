"""What each line of "My work" says, and the small item model its lists show.

Every state is words and a sign, never colour alone: "✓ Signed", "✎ Draft", "— Not started",
"⚠ over 24 h", "⚠ Progress note due (treatment day 10)". Colour (red for what is overdue, a
tint for the next visit) only repeats what the words say.

The lists are short and loaded whole (a day's visits, a therapist's drafts), so a plain table
model replaced whole on each refresh is enough; ``QListView`` shows its first column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ptclinic.services.my_work import OpenRecord, Reminder, TodayVisit, VisitWithoutNote
from ptclinic.ui.schedule.layout import short_date

AnyIndex = QModelIndex | QPersistentModelIndex

NOTE_STATES = {
    "": "— Not started",
    "draft": "✎ Draft",
    "awaiting_cosign": "✎ Waiting for co-signature",
    "signed": "✓ Signed",
}
VISIT_STATES = {
    "scheduled": "Scheduled",
    "checked_in": "✓ Checked in",
    "completed": "✔ Completed",
}
OVERDUE = "⚠ over 24 h"
TODAY_COLUMNS = ("Time", "Patient", "Chart #", "Visit", "Status", "Note", "Due")
WARNING_INK = QColor("#a32020")  # the style sheet's error red
NEXT_TINT = QColor("#e3f1f1")  # the chart header's teal tint


class Tone(Enum):
    PLAIN = "plain"
    NEXT = "next"  # the visit the therapist goes to next: tinted and bold
    WARNING = "warning"  # overdue: red text beside its "⚠" words


@dataclass(frozen=True)
class Row:
    """One line of a list: its cells' text, what it opens, how it stands out."""

    cells: tuple[str, ...]
    item: object
    tone: Tone = Tone.PLAIN
    tip: str = ""
    key: object = None  # the same line after a refresh (an appointment id, a record…)


def note_state(visit: TodayVisit) -> str:
    return NOTE_STATES.get(visit.note_status, visit.note_status)


def progress_words(visit: TodayVisit) -> str:
    """ "⚠ Progress note due (treatment day 10)", or "" when none is due at this visit."""
    if visit.progress_day is None:
        return ""
    return f"⚠ Progress note due (treatment day {visit.progress_day})"


def next_visit(visits: Sequence[TodayVisit], now: datetime) -> TodayVisit | None:
    """The visit the therapist is in or goes to next: the first not over and not completed."""
    return next((v for v in visits if v.ends_at > now and v.status != "completed"), None)


def today_rows(visits: Sequence[TodayVisit], now: datetime, zone: ZoneInfo) -> list[Row]:
    coming = next_visit(visits, now)
    rows = []
    for visit in visits:
        start = f"{visit.starts_at.astimezone(zone):%H:%M}"
        tone = Tone.PLAIN
        if visit is coming:
            start = ("▶ Now " if visit.starts_at <= now else "▶ Next ") + start
            tone = Tone.NEXT
        end = f"{visit.ends_at.astimezone(zone):%H:%M}"
        cells = (
            start, visit.patient_name, visit.chart_number, visit.visit_label,
            VISIT_STATES.get(visit.status, visit.status), note_state(visit),
            progress_words(visit),
        )  # fmt: skip
        tip = f"{visit.patient_name}, {start.split()[-1]}–{end}: Enter opens the visit note"
        rows.append(Row(cells, visit, tone, tip, visit.appointment_id))
    return rows


def _day(moment: datetime, zone: ZoneInfo) -> str:
    return short_date(moment.astimezone(zone).date())


def record_rows(records: Sequence[OpenRecord], *, author: bool = False) -> list[Row]:
    """Unsigned drafts (oldest first, as the service lists them), or records to co-sign."""
    rows = []
    for record in records:
        second = [record.kind_label, short_date(record.day)]
        if author:
            second.append(f"by {record.author_name}")
        if record.overdue and not author:
            second.append(OVERDUE)
        text = f"{record.patient_name}\n{' · '.join(second)}"
        tone = Tone.WARNING if record.overdue and not author else Tone.PLAIN
        tip = f"Chart # {record.chart_number}: Enter opens the {record.kind_label.lower()}"
        rows.append(Row((text,), record, tone, tip, (record.kind, record.record_id)))
    return rows


def without_note_rows(visits: Sequence[VisitWithoutNote], zone: ZoneInfo) -> list[Row]:
    return [
        Row(
            (f"{v.patient_name}\n{v.visit_label} · "
             f"{_day(v.starts_at, zone)}, {v.starts_at.astimezone(zone):%H:%M}",),
            v,
            tip="Enter starts the visit note",
            key=v.appointment_id,
        )
        for v in visits
    ]  # fmt: skip


def reminder_rows(reminders: Sequence[Reminder], certification: Sequence[Reminder]) -> list[Row]:
    """``certification``: the reminders about the plan-of-care certification, which the
    "Record certification…" dialog answers."""
    return [
        Row(
            (f"{r.patient_name}\n{r.words}",),
            r,
            tip="Enter records the plan-of-care certification" if r in certification else "",
            key=(r.episode_id, r.words),
        )
        for r in reminders
    ]


class RowsModel(QAbstractTableModel):
    """Rows of text with what each opens (``item``), replaced whole by ``set_rows``."""

    ItemRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, headers: Sequence[str] = ("",), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._rows: list[Row] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Row]:
        return list(self._rows)

    def item(self, row: int) -> object:
        return self._rows[row].item

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        text = row.cells[index.column()] if index.column() < len(row.cells) else ""
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tip or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            header = self._headers[index.column()]
            return f"{header}: {text}" if header else text.replace("\n", ", ")
        if role == Qt.ItemDataRole.ForegroundRole and (
            row.tone is Tone.WARNING or text.startswith("⚠")
        ):
            return QBrush(WARNING_INK)
        if role == Qt.ItemDataRole.BackgroundRole and row.tone is Tone.NEXT:
            return QBrush(NEXT_TINT)
        if role == Qt.ItemDataRole.FontRole and (row.tone is Tone.NEXT or text.startswith("⚠")):
            return self._bold
        if role == self.ItemRole:
            return row.item
        return None
