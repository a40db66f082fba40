"""The diagnosis picker: searching the shipped list as you type, choosing with the keyboard, the
chosen list's order (the first is primary), moving and removing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton, QVBoxLayout
from pytestqt.qtbot import QtBot

from ptclinic.ui.patients.diagnosis_picker import (
    CHOSEN_TITLE,
    NONE_CHOSEN,
    NOT_LISTED,
    DiagnosisPicker,
)


def _picker(qtbot: QtBot) -> DiagnosisPicker:
    picker = DiagnosisPicker()
    qtbot.addWidget(picker)
    picker.resize(520, 520)
    picker.show()
    picker.search.setFocus()
    return picker


def _chosen_lines(picker: DiagnosisPicker) -> list[str]:
    return [picker.chosen_list.item(n).text() for n in range(picker.chosen_list.count())]


def test_typing_finds_codes_by_words_or_by_code_and_highlights_the_best(qtbot: QtBot) -> None:
    picker = _picker(qtbot)
    assert len(picker.result_codes()) > 40  # nothing typed: the whole list, to browse
    assert picker.highlighted_code() is None  # and Enter is left to the dialog

    qtbot.keyClicks(picker.search, "sciat left")
    assert picker.result_codes() == ["M54.32", "M54.42", "G57.02"]
    assert picker.highlighted_code() == "M54.32"
    # The group is shown as a heading row above its codes.
    heading = picker.results.topLevelItem(0)
    assert heading is not None and heading.text(0) == "Nerve and leg pain"
    assert not heading.flags() & Qt.ItemFlag.ItemIsSelectable

    picker.search.clear()
    qtbot.keyClicks(picker.search, "m461")
    assert picker.result_codes() == ["M46.1"]

    picker.search.clear()
    qtbot.keyClicks(picker.search, "xyzzy")
    assert picker.result_codes() == []
    assert "No diagnosis on the list matches “xyzzy”" in picker.hint.text()


def test_arrow_keys_step_over_group_headings_and_enter_adds_the_highlighted_code(
    qtbot: QtBot,
) -> None:
    picker = _picker(qtbot)
    changes: list[tuple[str, ...]] = []
    picker.changed.connect(lambda: changes.append(picker.codes()))
    qtbot.keyClicks(picker.search, "sacro")
    found = picker.result_codes()
    assert found[0] == "M46.1"
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    assert picker.highlighted_code() == found[2]
    qtbot.keyClick(picker.search, Qt.Key.Key_Up)
    assert picker.highlighted_code() == found[1]
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.codes() == (found[1],)
    assert picker.search.text() == ""  # ready for the next one
    assert picker.focusWidget() is picker.search
    assert f"Added {found[1]}. It is the primary diagnosis." in picker.hint.text()
    assert changes == [(found[1],)]

    # From the empty box, Down starts at the top of the list, skipping its heading.
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    assert picker.highlighted_code() == picker.result_codes()[0]


def test_the_first_chosen_is_primary_and_the_order_can_be_changed_from_the_keyboard(
    qtbot: QtBot,
) -> None:
    picker = _picker(qtbot)
    for text in ("m461", "sciat left", "m5450"):
        qtbot.keyClicks(picker.search, text)
        qtbot.keyClick(picker.search, Qt.Key.Key_Enter)
    assert picker.codes() == ("M46.1", "M54.32", "M54.50")
    assert _chosen_lines(picker)[0] == (
        "1. M46.1  Sacroiliitis, not elsewhere classified — primary"
    )
    assert _chosen_lines(picker)[1] == "2. M54.32  Sciatica, left side"
    assert picker.chosen_list.item(0).font().bold()  # marked in words and in weight
    assert picker.chosen_title.text() == CHOSEN_TITLE

    picker.chosen_list.setFocus()
    picker.chosen_list.setCurrentRow(1)
    qtbot.keyClick(picker.chosen_list, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert picker.codes() == ("M54.32", "M46.1", "M54.50")
    assert _chosen_lines(picker)[0].endswith("— primary")
    assert "M54.32 is now the primary diagnosis" in picker.hint.text()
    qtbot.keyClick(picker.chosen_list, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert picker.codes() == ("M46.1", "M54.32", "M54.50")
    assert picker.chosen_list.currentRow() == 1

    qtbot.keyClick(picker.chosen_list, Qt.Key.Key_Delete)
    assert picker.codes() == ("M46.1", "M54.50")
    assert picker.chosen_list.currentRow() == 1  # the next one, ready for another Del


def test_buttons_move_and_remove_the_current_diagnosis(qtbot: QtBot) -> None:
    picker = _picker(qtbot)
    picker.set_codes(["M46.1", "S33.6XXA"])
    picker.chosen_list.setCurrentRow(0)
    assert not picker.up_button.isEnabled() and picker.down_button.isEnabled()
    picker.down_button.click()
    assert picker.codes() == ("S33.6XXA", "M46.1")
    picker.remove_button.click()
    assert picker.codes() == ("S33.6XXA",)
    picker.chosen_list.setCurrentRow(0)
    picker.remove_button.click()
    assert picker.codes() == ()
    assert picker.chosen_title.text() == NONE_CHOSEN
    assert not picker.remove_button.isEnabled()


def test_a_code_is_chosen_once_and_double_click_adds(qtbot: QtBot) -> None:
    picker = _picker(qtbot)
    qtbot.keyClicks(picker.search, "m461")
    item = picker.results.currentItem()
    assert item is not None
    picker.results.itemDoubleClicked.emit(item, 1)
    assert picker.codes() == ("M46.1",)
    qtbot.keyClicks(picker.search, "M46.1")
    assert picker.results.currentItem() is not None
    assert picker.results.currentItem().text(0) == "✓ M46.1"  # already chosen, ticked
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.codes() == ("M46.1",)
    assert "M46.1 is already chosen (number 1)" in picker.hint.text()
    assert picker.search.text() == "M46.1"  # kept, to correct


def test_set_codes_keeps_a_code_that_is_not_on_the_list_and_marks_it(qtbot: QtBot) -> None:
    picker = _picker(qtbot)
    changes: list[tuple[str, ...]] = []
    picker.changed.connect(lambda: changes.append(picker.codes()))
    picker.set_codes(["m461", "Z99.9"])
    assert picker.codes() == ("M46.1", "Z99.9")
    assert _chosen_lines(picker)[1] == f"2. Z99.9  {NOT_LISTED}"
    assert changes == [("M46.1", "Z99.9")]


def test_enter_in_an_empty_search_box_is_left_to_the_dialog(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    picker = DiagnosisPicker()
    save = QPushButton("Save")
    save.setDefault(True)
    save.clicked.connect(dialog.accept)
    box = QVBoxLayout(dialog)
    box.addWidget(picker)
    box.addWidget(save)
    dialog.show()
    qtbot.keyClicks(picker.search, "sacro")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.codes() == ("M46.1",) and dialog.isVisible()  # added, not saved
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
