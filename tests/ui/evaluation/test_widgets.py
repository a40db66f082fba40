"""The segment row and the number field: one Tab stop each, "not recorded" kept apart from any
answer, and keys that a person would reach for."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ptclinic.ui.evaluation.widgets import NumberField, Segmented

LEVEL = (("level", "Level"), ("left_higher", "Left higher"), ("right_higher", "Right higher"))


def test_keys_choose_move_and_clear(qtbot: QtBot) -> None:
    row = Segmented(LEVEL)
    qtbot.addWidget(row)
    changes: list[None] = []
    row.changed.connect(lambda: changes.append(None))
    qtbot.keyClick(row, Qt.Key.Key_Right)  # from nothing: only an outline on the first
    assert row.value() is None and row.buttons["level"].property("outlined")
    qtbot.keyClick(row, Qt.Key.Key_Space)  # Space chooses what is outlined
    assert row.value() == "level" and not row.buttons["level"].property("outlined")
    qtbot.keyClick(row, Qt.Key.Key_Right)  # an answer given: the arrows change it
    assert row.value() == "left_higher"
    qtbot.keyClick(row, Qt.Key.Key_3)
    assert row.value() == "right_higher"
    qtbot.keyClick(row, Qt.Key.Key_Right)  # the last stays
    assert row.value() == "right_higher"
    qtbot.keyClick(row, Qt.Key.Key_Delete)
    assert row.value() is None
    assert len(changes) == 4
    qtbot.keyClick(row, Qt.Key.Key_R)  # the letter an option begins with
    assert row.value() == "right_higher"
    assert all(b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in row.buttons.values())


def test_a_click_on_the_chosen_button_clears_it(qtbot: QtBot) -> None:
    row = Segmented(LEVEL)
    qtbot.addWidget(row)
    row.show()
    qtbot.mouseClick(row.buttons["left_higher"], Qt.MouseButton.LeftButton)
    assert row.value() == "left_higher" and row.buttons["left_higher"].isChecked()
    qtbot.mouseClick(row.buttons["left_higher"], Qt.MouseButton.LeftButton)
    assert row.value() is None and not row.buttons["left_higher"].isChecked()


def test_numbers_are_typed_including_ten(qtbot: QtBot) -> None:
    row = Segmented([(str(n), str(n)) for n in range(11)], compact=True)
    qtbot.addWidget(row)
    qtbot.keyClick(row, Qt.Key.Key_7)
    assert row.value() == "7"
    qtbot.keyClick(row, Qt.Key.Key_1)
    qtbot.keyClick(row, Qt.Key.Key_0)
    assert row.value() == "10"
    qtbot.keyClick(row, Qt.Key.Key_0)  # a third digit starts again
    assert row.value() == "0"


def test_read_only_rows_ignore_keys_and_clicks(qtbot: QtBot) -> None:
    row = Segmented(LEVEL)
    qtbot.addWidget(row)
    row.show()
    row.set_value("level")
    row.set_read_only(True)
    qtbot.keyClick(row, Qt.Key.Key_2)
    qtbot.mouseClick(row.buttons["right_higher"], Qt.MouseButton.LeftButton)
    assert row.value() == "level" and row.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_the_number_field_may_stay_empty(qtbot: QtBot) -> None:
    field = NumberField(0, 120)
    qtbot.addWidget(field)
    assert field.value() is None and field.problem() == ""
    qtbot.keyClicks(field, "95")
    assert field.value() == 95
    field.set_value(True)  # not a number
    assert field.text() == ""


def test_an_arrow_never_answers_a_red_flag(qtbot: QtBot) -> None:
    row = Segmented((("yes", "Yes"), ("no", "No")))
    qtbot.addWidget(row)
    changes: list[None] = []
    row.changed.connect(lambda: changes.append(None))
    for arrow in (Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Left):
        qtbot.keyClick(row, arrow)
    assert row.value() is None and changes == []
    qtbot.keyClick(row, Qt.Key.Key_N)
    assert row.value() == "no" and len(changes) == 1
