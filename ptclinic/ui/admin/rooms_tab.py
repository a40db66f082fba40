"""The Rooms tab: treatment rooms, gyms and pools. Rooms are retired, never deleted, because
appointments keep referring to them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import rooms
from ptclinic.services.actor import Actor
from ptclinic.services.errors import NotFound, StaleRecordError
from ptclinic.ui.admin.common import (
    SERVICE_ERRORS,
    Column,
    MessageLine,
    RecordTableModel,
    ServiceDialog,
    describe,
    record_table,
)
from ptclinic.ui.events import events


def kind_label(kind: str) -> str:
    return kind.capitalize()


def room_status(room: rooms.RoomRecord) -> str:
    return "✓ In use" if room.active else "✗ Retired"


def capacity_text(room: rooms.RoomRecord) -> str:
    return "1 person" if room.capacity == 1 else f"{room.capacity} people"


class RoomDialog(ServiceDialog):
    """Add a room (``room`` is None) or edit one, saving against the version that was opened."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        room: rooms.RoomRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        adding = room is None
        super().__init__(
            "Add room" if adding else "Edit room",
            "&Add room" if adding else "&Save room",
            parent,
        )
        self.db = db
        self.actor = actor
        self.room = room
        self.result_record: rooms.RoomRecord | None = None
        self.stale = False
        self.name = QLineEdit(room.name if room else "")
        self.name.setPlaceholderText("e.g. Treatment 3")
        self.kind = QComboBox()
        for kind in rooms.ROOM_KINDS:
            self.kind.addItem(kind_label(kind), kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(room.kind if room else "treatment")))
        self.capacity = QSpinBox()
        # The service decides what capacity is allowed; the spin box only needs a sensible range.
        self.capacity.setRange(1, 99)
        self.capacity.setValue(room.capacity if room else 1)
        # The shared style sheet leaves step buttons without arrows; typing the number, the
        # Up/Down keys and the mouse wheel all still step it.
        self.capacity.setSuffix(" at a time")
        self.capacity.setMaximumWidth(180)
        self.capacity.setToolTip("How many patients can be treated in the room at the same time")
        self.active = QCheckBox("In &use (untick to retire the room; its history stays)")
        self.active.setChecked(room.active if room else True)
        self.fields.add_row("name", "&Name", self.name)
        self.fields.add_row("kind", "&Kind", self.kind)
        self.fields.add_row("capacity", "&Capacity", self.capacity)
        self.fields.add_row("active", "Status", self.active)

    def data(self) -> rooms.RoomInput:
        return rooms.RoomInput(
            name=self.name.text(),
            kind=str(self.kind.currentData()),
            capacity=self.capacity.value(),
            active=self.active.isChecked(),
        )

    def save(self) -> None:
        try:
            if self.room is None:
                self.result_record = rooms.add_room(self.db, self.actor, self.data())
            else:
                self.result_record = rooms.update_room(
                    self.db, self.actor, self.room.id, self.room.version, self.data()
                )
        except (StaleRecordError, NotFound):
            # The list behind the dialog is out of date too; the tab reloads it when told.
            self.stale = True
            raise


class RoomsTab(QWidget):
    NAME, KIND, CAPACITY, STATUS = range(4)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self.model: RecordTableModel[rooms.RoomRecord] = RecordTableModel(
            [
                Column("Name", lambda r: r.name),
                Column("Kind", lambda r: kind_label(r.kind)),
                Column("Capacity", capacity_text),
                Column("Status", room_status),
            ],
            self,
        )
        self.message = MessageLine()
        self.table = record_table(self.model)
        self.table.setAccessibleName("Rooms")
        self.table.doubleClicked.connect(lambda _index: self.edit_room())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            enter = QShortcut(QKeySequence(key), self.table)
            enter.setContext(Qt.ShortcutContext.WidgetShortcut)
            enter.activated.connect(self.edit_room)

        self.add_button = QPushButton("&Add room…")
        self.edit_button = QPushButton("&Edit room…")
        self.edit_button.setToolTip("Rename, change, or retire the selected room (Enter on a row)")
        self.add_button.clicked.connect(self.add_room)
        self.edit_button.clicked.connect(self.edit_room)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 14, 0, 0)  # flush with the tab bar and page title
        layout.setSpacing(10)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

        events().data_changed.connect(self._on_data_changed)
        self.refresh()

    def refresh(self) -> None:
        chosen = self.selected()
        try:
            records = rooms.list_rooms(self._db)
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            return
        self.model.set_records(records)
        if chosen is not None:
            self.select(chosen.id)
        self._update_buttons()

    def selected(self) -> rooms.RoomRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select(self, room_id: int) -> None:
        for row, room in enumerate(self.model.records()):
            if room.id == room_id:
                self.table.selectRow(row)
                return

    def _on_data_changed(self, kind: str, _ids: list[object]) -> None:
        if kind == "room":
            self.refresh()

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.selected() is not None)

    def add_room(self) -> None:
        self._run(RoomDialog(self._db, self._actor, None, self))

    def edit_room(self) -> None:
        if room := self.selected():
            self._run(RoomDialog(self._db, self._actor, room, self))

    def _run(self, dialog: RoomDialog) -> None:
        self.message.clear_message()
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        saved, stale = dialog.result_record, dialog.stale
        dialog.deleteLater()
        if accepted and saved is not None:
            events().data_changed.emit("room", [saved.id])
            self.select(saved.id)
            state = "" if saved.active else " It is retired; its past appointments keep its name."
            self.message.show_notice(f"Saved room “{saved.name}”.{state}")
        elif stale:
            # Someone else saved the room meanwhile: show their version so the edit can be redone.
            self.refresh()
            self.message.show_error(
                "Someone else changed that room while you were editing, so your change was not "
                "saved. The list now shows their version; edit it again if needed."
            )

    def exec_dialog(self, dialog: QDialog) -> int:
        """Show a dialog modally (tests drive the dialog through a timer)."""
        return dialog.exec()
