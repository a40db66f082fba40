"""The exercise flowsheet and the techniques grid: a sound item model, keyboard editing within
the note's limits, rows added from the library and removed, and rows read back exactly as they
came (autosave compares them)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from ptclinic.ui.care_plan.pickers import ExercisePicker, TechniquePicker
from ptclinic.ui.notes.flowsheet import FLOWSHEET_COLUMNS, TECHNIQUE_COLUMNS, RowsModel, RowsTable
from tests.ui.notes.conftest import Clinic, MakeWindow, driving, start_note, stored, visit

ROWS = [
    {"code": "SB-BRIDGE", "name": "Glute bridge", "stage": 1, "sets": 2, "reps": 10,
     "hold_s": 5, "load": ""},
    {"code": "SG-CLAM", "name": "Clamshell", "stage": 1, "sets": None, "reps": 15,
     "hold_s": None, "load": ""},
]  # fmt: skip
SETS, LOAD, TOLERANCE, NOTE = 2, 5, 6, 7  # columns


def _table(qtbot: QtBot, choose: Any = lambda: None) -> RowsTable:
    table = RowsTable(FLOWSHEET_COLUMNS, "exercise", choose)
    qtbot.addWidget(table)
    table.set_rows(ROWS)
    table.resize(1000, 300)
    table.show()
    qtbot.waitExposed(table)
    table.activateWindow()
    qtbot.waitUntil(table.isActiveWindow)
    return table


def test_the_models_answer_as_qt_expects(qtmodeltester: Any) -> None:
    for columns in (FLOWSHEET_COLUMNS, TECHNIQUE_COLUMNS):
        model = RowsModel(columns)
        model.set_rows(ROWS if columns is FLOWSHEET_COLUMNS else [{"code": "X", "name": "Y"}])
        qtmodeltester.check(model)


def test_rows_read_back_as_they_came(qtbot: QtBot) -> None:
    table = _table(qtbot)
    assert table.rows() == ROWS
    model = table.model
    # A cleared value that was never there adds nothing; the name is not edited here.
    assert not model.setData(model.index(1, TOLERANCE), None)
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert table.rows() == ROWS


def test_typing_in_a_cell_changes_it_within_the_limits(qtbot: QtBot) -> None:
    table = _table(qtbot)
    view = table.view
    view.setFocus()
    view.setCurrentIndex(table.model.index(0, SETS))
    with qtbot.waitSignal(table.changed):
        qtbot.keyClick(view, Qt.Key.Key_F2)
        editor = view.indexWidget(view.currentIndex()) or view.focusWidget()
        assert isinstance(editor, QSpinBox)
        editor.selectAll()
        qtbot.keyClicks(editor, "3")
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert table.rows()[0]["sets"] == 3
    assert table.model.index(0, SETS).data() == "3"
    assert not table.model.setData(table.model.index(0, SETS), 21)  # over 20 sets: refused
    assert not table.model.setData(table.model.index(0, SETS), "three")
    assert table.rows()[0]["sets"] == 3

    view.setCurrentIndex(table.model.index(0, SETS))
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # clears the cell
    assert table.rows()[0]["sets"] is None


def test_tolerance_is_chosen_from_the_list_and_shown_in_words(qtbot: QtBot) -> None:
    table = _table(qtbot)
    view = table.view
    view.setFocus()
    index = table.model.index(1, TOLERANCE)
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = view.focusWidget()
    assert isinstance(editor, QComboBox)
    editor.setCurrentIndex(editor.findData("fair"))
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # commits and moves on to the next cell
    assert table.rows()[1]["tolerance"] == "fair"
    assert index.data() == "Some discomfort"
    assert not table.model.setData(index, "bored")  # not one of the choices
    assert view.currentIndex().column() == NOTE and isinstance(view.focusWidget(), QLineEdit)
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Escape)  # leaves the note cell as it was
    assert view.focusWidget() is view and "note" not in table.rows()[1]
    view.setCurrentIndex(table.model.index(1, LOAD))
    qtbot.keyClick(view, "R")  # typing starts editing, with the key typed
    qtbot.keyClicks(view.focusWidget(), "ed band")
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Return)  # commits a moment later
    qtbot.waitUntil(lambda: table.rows()[1]["load"] == "Red band")


def test_insert_adds_a_chosen_row_and_ctrl_delete_removes_one(qtbot: QtBot) -> None:
    offered = [{"code": "SB-DRAWIN", "name": "Abdominal drawing-in, supine", "stage": 1}, None]
    table = _table(qtbot, lambda: offered.pop(0))
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_Insert)
    assert [row["code"] for row in table.rows()] == ["SB-BRIDGE", "SG-CLAM", "SB-DRAWIN"]
    assert table.view.currentIndex().row() == 2
    qtbot.keyClick(table.view, Qt.Key.Key_Insert)  # nothing chosen: nothing added
    assert len(table.rows()) == 3
    table.view.setCurrentIndex(table.model.index(0, SETS))
    qtbot.keyClick(table.view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert [row["code"] for row in table.rows()] == ["SG-CLAM", "SB-DRAWIN"]

    table.set_read_only(True)
    qtbot.keyClick(table.view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert len(table.rows()) == 2 and not table.add_button.isVisibleTo(table)
    assert not table.model.flags(table.model.index(0, SETS)) & Qt.ItemFlag.ItemIsEditable


def test_the_window_adds_from_the_library_and_the_catalogue(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    note = start_note(scheduled, visit(scheduled, episode))
    window = make_window(note)

    def pick_clam_band(dialog: QDialog) -> None:
        assert isinstance(dialog, ExercisePicker)
        dialog.search.setText("clam band")
        dialog.accept()

    window.exec_dialog = driving(pick_clam_band)  # type: ignore[method-assign]
    qtbot.mouseClick(window.sections.flowsheet.add_button, Qt.MouseButton.LeftButton)
    added = window.sections.flowsheet.rows()[-1]
    assert added["code"] == "SG-CLAM-BAND" and added["name"]

    def pick_si_mobilisation(dialog: QDialog) -> None:
        assert isinstance(dialog, TechniquePicker)
        dialog.search.setText("SI joint mob")
        dialog.side.setCurrentIndex(dialog.side.findData("right"))
        dialog.checked.setChecked(True)
        dialog.accept()

    window.exec_dialog = driving(pick_si_mobilisation)  # type: ignore[method-assign]
    qtbot.mouseClick(window.sections.techniques.add_button, Qt.MouseButton.LeftButton)
    technique = window.sections.techniques.rows()[-1]
    assert technique["side"] == "right" and technique["dose"].startswith("Grade ")
    window.save_now()
    content = stored(scheduled, note).content
    assert content["flowsheet"][-1]["code"] == "SG-CLAM-BAND"
    assert content["techniques"][-1] == technique
