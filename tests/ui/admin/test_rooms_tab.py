from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ptclinic.db import Database
from ptclinic.services import rooms
from ptclinic.services.actor import Actor
from ptclinic.ui.admin.rooms_tab import RoomDialog, RoomsTab


@pytest.fixture
def tab(qtbot: QtBot, clinic_db: Database, admin: Actor) -> RoomsTab:
    rooms.add_room(clinic_db, admin, rooms.RoomInput("Treatment 1"))
    rooms.add_room(clinic_db, admin, rooms.RoomInput("Gym", "gym", 6))
    widget = RoomsTab(clinic_db, admin)
    qtbot.addWidget(widget)
    return widget


def _rows(tab: RoomsTab) -> list[list[str]]:
    model = tab.model
    return [
        [str(model.index(r, c).data()) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _drive(fill: Callable[[RoomDialog], None], seen: list[RoomDialog]) -> Callable[[QDialog], int]:
    def run(dialog: QDialog) -> int:
        assert isinstance(dialog, RoomDialog)
        seen.append(dialog)
        fill(dialog)
        dialog.accept()
        return dialog.result()

    return run


def test_rooms_are_listed_with_kind_capacity_and_status(qtmodeltester, tab: RoomsTab) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(tab.model)
    assert _rows(tab) == [
        ["Gym", "Gym", "6 people", "✓ In use"],
        ["Treatment 1", "Treatment", "1 person", "✓ In use"],
    ]


def test_add_room(tab: RoomsTab, monkeypatch: pytest.MonkeyPatch) -> None:
    def fill(dialog: RoomDialog) -> None:
        dialog.name.setText("Pool")
        dialog.kind.setCurrentIndex(dialog.kind.findData("aquatic"))
        dialog.capacity.setValue(4)

    monkeypatch.setattr(tab, "exec_dialog", _drive(fill, []))
    tab.add_room()
    assert ["Pool", "Aquatic", "4 people", "✓ In use"] in _rows(tab)
    selected = tab.selected()
    assert selected is not None and selected.name == "Pool"


def test_bad_room_input_is_shown_beside_the_field(
    tab: RoomsTab, clinic_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[RoomDialog] = []

    def fill(dialog: RoomDialog) -> None:
        dialog.name.setText("Gym")  # taken
        dialog.capacity.setValue(60)

    monkeypatch.setattr(tab, "exec_dialog", _drive(fill, seen))
    tab.add_room()
    assert "between 1 and 50" in seen[0].fields.message("capacity")
    assert len(rooms.list_rooms(clinic_db)) == 2

    seen[0].capacity.setValue(5)
    seen[0].accept()
    assert "already a room called “Gym”" in seen[0].error_text()


def test_retiring_a_room_keeps_it_in_the_list(
    tab: RoomsTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    tab.select(next(r.id for r in tab.model.records() if r.name == "Gym"))
    monkeypatch.setattr(tab, "exec_dialog", _drive(lambda d: d.active.setChecked(False), []))
    tab.edit_room()
    assert ["Gym", "Gym", "6 people", "✗ Retired"] in _rows(tab)
    assert "retired" in tab.message.text()


def test_a_stale_edit_is_refused_and_the_list_shows_the_other_change(
    tab: RoomsTab, clinic_db: Database, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    gym = next(r for r in tab.model.records() if r.name == "Gym")
    tab.select(gym.id)
    seen: list[RoomDialog] = []

    def fill(dialog: RoomDialog) -> None:
        # Another workstation renames the room while this dialog is open.
        rooms.update_room(
            clinic_db, admin, gym.id, gym.version, rooms.RoomInput("Big gym", "gym", 8)
        )
        dialog.capacity.setValue(10)

    def run(dialog: QDialog) -> int:
        result = _drive(fill, seen)(dialog)
        assert "Someone else changed this room" in seen[0].error_text()
        return result  # the person then closes the dialog

    monkeypatch.setattr(tab, "exec_dialog", run)
    tab.edit_room()
    assert ["Big gym", "Gym", "8 people", "✓ In use"] in _rows(tab)
    assert tab.message.is_error() and "not saved" in tab.message.text()


def test_edit_needs_a_selection(tab: RoomsTab) -> None:
    tab.table.clearSelection()
    assert not tab.edit_button.isEnabled()
    tab.select(tab.model.record(0).id)
    assert tab.edit_button.isEnabled()
