"""The care-plan window: start from the template, shape the plan with the keyboard and the
dialogs, see a refused change explained, and what an assistant may do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ptclinic.roles import Role
from ptclinic.services import care_plans
from ptclinic.services.actor import Actor
from ptclinic.ui.care_plan import window as window_module
from ptclinic.ui.care_plan.item_dialogs import DosageDialog, ProgressDialog
from ptclinic.ui.care_plan.pickers import ExercisePicker, TechniquePicker
from ptclinic.ui.care_plan.window import CarePlanWindow
from tests.services.conftest import Clinic, scheduled
from tests.services.test_care_plans import NOW, _episode, _signed_episode

__all__ = ["scheduled"]

MakeWindow = Callable[..., CarePlanWindow]


@pytest.fixture
def make_window(qtbot: QtBot, scheduled: Clinic) -> MakeWindow:
    def make(episode: int, actor: Actor | None = None) -> CarePlanWindow:
        window = CarePlanWindow(scheduled.db, actor or scheduled.lee, episode, clock=lambda: NOW)
        qtbot.addWidget(window)
        window.resize(1200, 760)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def _answers(monkeypatch: pytest.MonkeyPatch, cls: type, steps: list[Callable[[Any], int]]) -> None:
    """Each time a ``cls`` dialog is shown, the next step fills it and says how it closed."""
    pending: Iterator[Callable[[Any], int]] = iter(steps)
    monkeypatch.setattr(cls, "exec", lambda self: next(pending)(self))


def _codes(window: CarePlanWindow) -> list[str]:
    assert window.plan is not None
    return [i.code for i in window.plan.items]


def test_the_plan_starts_from_the_signed_classification(
    make_window: MakeWindow, scheduled: Clinic
) -> None:
    window = make_window(_signed_episode(scheduled))
    assert window.start_panel.isVisible() and not window.body.isVisible()
    assert window.start_classification.currentData() == "stability"  # from the evaluation
    window.start_button.click()
    assert window.plan is not None and window.body.isVisible()
    assert "Stability plan by Dana Lee" in window.summary.text()
    assert "6-week checkpoint Jan 18, 2027" in window.summary.text()
    assert window.items_model.rowCount() == len(window.plan.items)
    assert window.goals_model.rowCount() == len(window.plan.goals)


def test_the_keyboard_ticks_moves_and_removes(make_window: MakeWindow, scheduled: Clinic) -> None:
    episode = _signed_episode(scheduled)
    care_plans.start_plan(scheduled.db, scheduled.lee, episode, now=NOW)
    window = make_window(episode)
    window.items.setFocus()
    row = _codes(window).index("SB-BRIDGE")
    window.items.selectRow(row)
    window.toggle_home()
    assert window.plan is not None and not window.plan.items[row].on_home_program
    window.move_item(1)
    assert _codes(window)[row + 1] == "SB-BRIDGE"
    assert window.current_item() is not None and window.current_item().code == "SB-BRIDGE"  # type: ignore[union-attr]
    window.remove()
    assert "SB-BRIDGE" not in _codes(window)


def test_space_and_delete_work_in_the_table(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic
) -> None:
    episode = _signed_episode(scheduled)
    care_plans.start_plan(scheduled.db, scheduled.lee, episode, now=NOW)
    window = make_window(episode)
    window.items.setFocus()
    window.items.selectRow(_codes(window).index("SG-CLAM"))
    qtbot.keyClick(window.items, Qt.Key.Key_Space)
    clam = next(i for i in window.plan.items if i.code == "SG-CLAM")  # type: ignore[union-attr]
    assert not clam.on_home_program
    qtbot.keyClick(window.items, Qt.Key.Key_Delete)
    assert "SG-CLAM" not in _codes(window)


def test_adding_from_the_pickers(
    make_window: MakeWindow, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    episode = _signed_episode(scheduled)
    care_plans.start_plan(scheduled.db, scheduled.lee, episode, now=NOW)
    window = make_window(episode)

    def pick_clam_band(picker: ExercisePicker) -> int:
        picker.search.setText("clam band")
        assert picker.chosen() is not None and picker.chosen().code == "SG-CLAM-BAND"  # type: ignore[union-attr]
        return QDialog.DialogCode.Accepted

    _answers(monkeypatch, ExercisePicker, [pick_clam_band])
    window.add_exercise()
    assert "SG-CLAM-BAND" in _codes(window)

    def pick_mobilisation(picker: TechniquePicker) -> int:
        picker.search.setText("SI joint mob")
        assert not picker.buttons.button(picker.buttons.StandardButton.Ok).isEnabled()
        assert "Do not use if" in picker.preview.text()  # shown before it can be added
        picker.checked.setChecked(True)
        return QDialog.DialogCode.Accepted

    _answers(monkeypatch, TechniquePicker, [pick_mobilisation])
    window.add_technique()
    added = next(i for i in window.plan.items if i.code == "MT-MOB-SIJ")  # type: ignore[union-attr]
    assert added.details.get("grade") == "II"  # a stability plan starts gentle


def test_progressing_explains_what_is_not_met_then_moves_on(
    make_window: MakeWindow, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    episode = _signed_episode(scheduled)
    care_plans.start_plan(scheduled.db, scheduled.lee, episode, now=NOW)
    window = make_window(episode)
    window.items.selectRow(_codes(window).index("SB-BRIDGE"))
    seen: list[str] = []

    def too_sore(dialog: ProgressDialog) -> int:
        dialog.pain.setValue(6)
        return QDialog.DialogCode.Accepted

    def ready(dialog: ProgressDialog) -> int:
        seen.append(dialog.problem.text())
        dialog.pain.setValue(2)
        dialog.sessions.setValue(2)
        return QDialog.DialogCode.Accepted

    _answers(monkeypatch, ProgressDialog, [too_sore, ready])
    window.progress()
    assert seen and "pain was 6/10" in seen[0]
    assert "SB-BRIDGE-MARCH" in _codes(window) and "SB-BRIDGE" not in _codes(window)
    assert "Progressed from" in window.item_details.text()


def test_a_bad_dosage_stays_in_its_dialog(
    make_window: MakeWindow, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    episode = _signed_episode(scheduled)
    care_plans.start_plan(scheduled.db, scheduled.lee, episode, now=NOW)
    window = make_window(episode)
    window.items.selectRow(_codes(window).index("SB-BRIDGE"))
    before = window.plan
    shown: list[bool] = []

    def nothing(dialog: DosageDialog) -> int:
        dialog.reps.setValue(0)
        dialog.hold.setValue(0)
        dialog.sets.setValue(0)
        return QDialog.DialogCode.Accepted

    def give_up(dialog: DosageDialog) -> int:
        shown.append(dialog.problem.isVisibleTo(dialog) or any(
            label.isVisibleTo(dialog) for label in dialog.errors._labels.values()))  # fmt: skip
        return QDialog.DialogCode.Rejected

    _answers(monkeypatch, DosageDialog, [nothing, give_up])
    window.dose()
    assert shown == [True] and window.plan == before


def test_a_change_from_another_workstation_is_explained_and_reloaded(
    make_window: MakeWindow, scheduled: Clinic
) -> None:
    episode = _signed_episode(scheduled)
    plan = care_plans.start_plan(scheduled.db, scheduled.lee, episode, now=NOW)
    window = make_window(episode)
    care_plans.set_frequency(scheduled.db, scheduled.kim, plan.id, plan.version, 3, 6)
    window.items.selectRow(_codes(window).index("SB-BRIDGE"))
    window.toggle_home()
    assert window.banner.is_error() and "Brian Kim changed this care plan" in window.banner.text()
    assert window.visits.value() == 3  # the plan as it is now


def test_an_assistant_carries_out_the_plan_only(
    make_window: MakeWindow, scheduled: Clinic, make_staff: Any
) -> None:
    episode = _signed_episode(scheduled)
    care_plans.start_plan(scheduled.db, scheduled.lee, episode, now=NOW)
    window = make_window(episode, make_staff("pta1", Role.ASSISTANT))
    window.items.selectRow(_codes(window).index("SB-BRIDGE"))
    assert window.dose_button.isEnabled() and window.progress_button.isEnabled()
    assert window.home_button.isEnabled()
    for button in (window.add_exercise_button, window.remove_button, window.add_goal_button):
        assert not button.isEnabled()
    assert not window.visits.isEnabled()


def test_without_a_plan_an_assistant_is_told_who_starts_it(
    make_window: MakeWindow, scheduled: Clinic, make_staff: Any
) -> None:
    window = make_window(_episode(scheduled), make_staff("pta2", Role.ASSISTANT))
    assert not window.start_button.isEnabled()
    assert "physical therapist starts it" in window.start_text.text()


def test_the_window_opens_once_per_episode(qtbot: QtBot, scheduled: Clinic) -> None:
    episode = _signed_episode(scheduled)
    first = window_module.open_care_plan(scheduled.db, scheduled.lee, episode)
    qtbot.addWidget(first)
    assert window_module.open_care_plan(scheduled.db, scheduled.lee, episode) is first
    first.close()
