"""Pieces the recurring-series dialogs share: weekday boxes, the therapist and room lists, a
table of visits whose words carry their own sign (✓ free, ✗ clash, ⚠ hours or warning) and
colour, and an administrator's sign-off for times outside the bookable hours."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import auth
from ptclinic.services.actor import Actor
from ptclinic.services.booking import BookingCheck
from ptclinic.services.calendar import Clinician, RoomInfo
from ptclinic.services.errors import DomainError
from ptclinic.ui.schedule.form_parts import NEEDS_ADMINISTRATOR, styled
from ptclinic.ui.schedule.layout import short_date

AnyIndex = QModelIndex | QPersistentModelIndex
DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


class Tone(Enum):
    """How a row reads; the words always carry a sign too, never the colour alone."""

    FREE = "#1d6b3a"
    CLASH = "#a32020"
    NOTICE = "#8a4b00"
    MUTED = "#4a5a60"


def check_words(check: BookingCheck, shared: Collection[str] = ()) -> tuple[str, Tone]:
    """ "✓ Free", "✗ Dana Lee already sees W. Chen 10:00–10:45." or "⚠ The clinic is closed
    …": what stands in the way of one visit, worst first. Warnings in ``shared`` (the same on
    many visits, said once under the list) are only pointed to."""
    if check.clashes:
        return "✗ " + " ".join(check.clashes), Tone.CLASH
    if check.outside_hours is not None:
        return "⚠ " + check.outside_hours, Tone.NOTICE
    if check.warnings:
        own = [w for w in check.warnings if w not in shared]
        if not own:
            return "⚠ Free; see the warning below.", Tone.NOTICE
        if len(own) < len(check.warnings):
            own.append("See also the warning below.")
        return "⚠ Free; " + " ".join(own), Tone.NOTICE
    return "✓ Free", Tone.FREE


def day_and_time(moment: datetime, zone: ZoneInfo) -> str:
    """ "Mon Dec 7, 10:00"."""
    local = moment.astimezone(zone)
    return f"{short_date(local.date())}, {local:%H:%M}"


def person_label(person: Clinician) -> str:
    return f"{person.full_name}, {person.credentials}" if person.credentials else person.full_name


def fill_therapists(
    combo: QComboBox, clinicians: Sequence[Clinician], wanted: int | None, *, missing: str = ""
) -> None:
    """The clinicians by name, ``wanted`` chosen; a therapist no longer in the list (``missing``
    names them) is added so a series of a departed colleague still shows who it is with."""
    for person in clinicians:
        combo.addItem(person_label(person), person.id)
    if wanted is not None and combo.findData(wanted) < 0 and missing:
        combo.addItem(missing, wanted)
    combo.setCurrentIndex(max(0, combo.findData(wanted)))


def fill_rooms(combo: QComboBox, rooms: Sequence[RoomInfo], wanted: int | None) -> None:
    combo.addItem("No room", None)
    for room in rooms:
        size = "" if room.capacity == 1 else f" (up to {room.capacity} at once)"
        combo.addItem(room.name + size, room.id)
    combo.setCurrentIndex(max(0, combo.findData(wanted)))


class WeekdayBoxes(QWidget):
    """Monday to Saturday as check boxes (Tab walks them, Space ticks): ``changed`` on a tick."""

    changed = Signal()

    def __init__(self, ticked: Sequence[int] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        self.boxes: list[QCheckBox] = []
        for day, label in enumerate(DAY_LABELS):
            box = QCheckBox(label)
            box.setObjectName(f"weekday{day}")
            box.setAccessibleName(
                ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")[day]
            )
            box.toggled.connect(lambda _on: self.changed.emit())
            row.addWidget(box)
            self.boxes.append(box)
        row.addStretch(1)
        self.set_days(ticked)
        self.setFocusProxy(self.boxes[0])

    def days(self) -> tuple[int, ...]:
        """The ticked weekdays, 0 = Monday."""
        return tuple(day for day, box in enumerate(self.boxes) if box.isChecked())

    def set_days(self, days: Sequence[int]) -> None:
        for day, box in enumerate(self.boxes):
            box.blockSignals(True)
            box.setChecked(day in days)
            box.blockSignals(False)
        self.changed.emit()


@dataclass(frozen=True)
class VisitRow:
    """One line of a visit table: its cells, how it reads, and (None: no box) whether it is
    ticked to be booked."""

    cells: tuple[str, ...]
    tone: Tone
    ticked: bool | None = None


class VisitRowsModel(QAbstractTableModel):
    """Visit lines replaced whole by ``set_rows``; the last column carries the tone's colour.
    Clicking a row's box asks (``toggle_requested``); the owner decides and sets the rows."""

    toggle_requested = Signal(int)

    def __init__(self, titles: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._titles = list(titles)
        self._rows: list[VisitRow] = []

    def set_rows(self, rows: Sequence[VisitRow]) -> None:
        if len(rows) == len(self._rows) and self._rows:
            self._rows = list(rows)  # keeps the selection where it was
            last = self.index(len(rows) - 1, len(self._titles) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, number: int) -> VisitRow:
        return self._rows[number]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._titles)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._titles[section] if 0 <= section < len(self._titles) else None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0 and self._rows[index.row()].ticked is not None:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row.cells[column]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self._titles[column]}: {row.cells[column]}"
        if role == Qt.ItemDataRole.CheckStateRole and column == 0 and row.ticked is not None:
            return Qt.CheckState.Checked if row.ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and column == len(row.cells) - 1:
            return QColor(row.tone.value)
        return None

    def setData(self, index: AnyIndex, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid() and index.column() == 0:
            self.toggle_requested.emit(index.row())
            return True
        return False


def visit_table(model: VisitRowsModel) -> QTableView:
    """A row-selecting table: the first columns fit their words, the last takes the rest and
    wraps, so a clash reads whole without a sideways scroll."""
    view = QTableView()
    view.setObjectName("seriesVisits")
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(True)
    view.setTabKeyNavigation(False)  # Tab leaves the list; arrows walk it
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    model.modelReset.connect(view.resizeRowsToContents)
    model.dataChanged.connect(lambda *_args: view.resizeRowsToContents())
    return view


class OverridePanel(QFrame):
    """An administrator's username and password for visits outside the bookable hours, with
    its own error line. ``approver()`` checks them (not a log-in: the visit's history names
    who allowed it) and says what is wrong beside the fields."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.setObjectName("scheduleOverride")
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        box.setSpacing(4)
        row = QHBoxLayout()
        self.username = QLineEdit()
        self.username.setObjectName("overrideUsername")
        self.username.setPlaceholderText("username")
        self.password = QLineEdit()
        self.password.setObjectName("overridePassword")
        self.password.setPlaceholderText("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for text, field in (
            ("Administrator's &username", self.username),
            ("p&assword", self.password),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            row.addWidget(label)
            row.addWidget(field, 1)
        box.addLayout(row)
        self.error = styled("fieldError")
        box.addWidget(self.error)
        self.hide()

    def approver(self) -> Actor | None:
        """The administrator who signed, or None with the reason shown."""
        if not self.username.text().strip():
            self.refuse(NEEDS_ADMINISTRATOR, self.username)
            return None
        try:
            return auth.authenticate(
                self._db, self.username.text(), self.password.text(), success_action=None
            )
        except DomainError as exc:  # a wrong password, a locked account
            self.password.clear()
            self.refuse(str(exc), self.password)
            return None

    def refuse(self, message: str, focus: QWidget | None = None) -> None:
        self.error.setText("⚠ " + message)
        self.error.show()
        (focus or self.username).setFocus()

    def clear_error(self) -> None:
        self.error.hide()
