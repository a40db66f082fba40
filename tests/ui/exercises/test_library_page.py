"""The Exercise library page: filters and words narrow the list, the chosen exercise is shown in
full with its family, the buttons follow the role, and a therapist adds, edits and retires the
clinic's own exercises there."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ptclinic.db import Database
from ptclinic.models import Role
from ptclinic.services import clinic_exercises
from ptclinic.services.actor import Actor
from ptclinic.services.exercise_library import filter_exercises, shipped_exercises
from ptclinic.ui.events import events
from ptclinic.ui.exercises.exercise_detail import NO_FAMILY, SHIPPED
from ptclinic.ui.exercises.exercise_dialog import ExerciseDialog
from ptclinic.ui.exercises.library_page import SEARCH_PLACEHOLDER, ExerciseLibraryPage
from tests.services.test_clinic_exercises import form

SHIPPED_COUNT = len([e for e in shipped_exercises() if not e.retired])


def _page(qtbot: QtBot, db: Database, actor: Actor) -> ExerciseLibraryPage:
    page = ExerciseLibraryPage(db, actor)
    qtbot.addWidget(page)
    page.resize(1300, 760)
    page.show()
    # Active, as on screen: keys sent on from the search box would otherwise take the focus
    # with them (an item view takes it when no widget of the application has it).
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    return page


def _codes(page: ExerciseLibraryPage) -> list[str]:
    return page.model().codes()


def test_the_whole_library_is_listed_with_its_count(
    qtbot: QtBot,
    qtmodeltester,
    clinic_db: Database,
    therapist: Actor,  # type: ignore[no-untyped-def]
) -> None:
    page = _page(qtbot, clinic_db, therapist)
    qtmodeltester.check(page.model())
    assert page.search.placeholderText() == SEARCH_PLACEHOLDER
    assert page.model().rowCount() == SHIPPED_COUNT
    assert page.count.text() == f"{SHIPPED_COUNT} exercises"
    first = page.model().index(0, 0)
    assert first.data() == shipped_exercises()[0].name
    assert page.model().index(0, 1).data() == "Stretch"
    assert page.current() is not None  # the first one, ready to read


def test_filters_and_search_narrow_the_list(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    page = _page(qtbot, clinic_db, therapist)
    page.category.setCurrentIndex(page.category.findData("stabilisation"))
    stabilisation = filter_exercises(shipped_exercises(), category="stabilisation")
    assert _codes(page) == [e.code for e in stabilisation]
    page.stage.setCurrentIndex(page.stage.findData(3))
    assert _codes(page) == [e.code for e in stabilisation if e.stage == 3]
    page.indication.setCurrentIndex(page.indication.findData("calm_load"))
    assert _codes(page) == []
    assert page.count.text() == "No exercise matches these filters."
    assert page.current() is None and not page.copy_button.isEnabled()
    for combo in (page.category, page.stage, page.indication):
        combo.setCurrentIndex(0)
    page.focus_search()
    qtbot.keyClicks(page.search, "bridge")
    assert _codes(page) == ["SB-BRIDGE", "SB-BRIDGE-MARCH", "SB-BRIDGE-SL"]
    assert page.count.text() == "3 exercises"
    qtbot.keyClicks(page.search, "x")
    assert page.count.text() == "No exercise matches “bridgex”."
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.search.text() == "" and page.model().rowCount() == SHIPPED_COUNT


def test_up_and_down_in_the_search_box_move_through_the_list(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    page = _page(qtbot, clinic_db, therapist)
    page.focus_search()
    qtbot.keyClicks(page.search, "bridge")
    assert page.current() is not None and page.current().code == "SB-BRIDGE"  # type: ignore[union-attr]
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.current().code == "SB-BRIDGE-MARCH"  # type: ignore[union-attr]
    assert page.focusWidget() is page.search
    qtbot.keyClick(page.search, Qt.Key.Key_Up)
    assert page.current().code == "SB-BRIDGE"  # type: ignore[union-attr]


def test_ctrl_f_lands_in_the_search_box(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    page = _page(qtbot, clinic_db, therapist)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.focusWidget() is page.search


def test_the_chosen_exercise_is_shown_in_full_with_its_family(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    page = _page(qtbot, clinic_db, therapist)
    page.show_exercise("SB-BRIDGE-MARCH")
    detail = page.detail
    assert detail.plain_name.text() == "Hip lift with foot lifts"
    assert detail.name.text() == "Bridge with march\u2003·\u2003SB\u2011BRIDGE\u2011MARCH"
    assert "Stage 2: moderate" in detail.kind.text()
    assert detail.source.text() == SHIPPED
    assert "<b>1.</b>" in detail.steps.text() and "<b>5.</b>" in detail.steps.text()
    assert detail.dosage.text().startswith("Do 2 sets of")
    assert detail.suits.text() == "Stability"
    qtbot.waitUntil(lambda: detail.figure.view.code() == "SB-BRIDGE-MARCH")
    assert not detail.figure.view.drawing().placeholder
    family = detail.family_text()
    assert family[2] == "▶ Stage 2\u2003Bridge with march  — this one"
    assert len(family) == 4
    # A click on another member of the family goes there.
    harder = next(b for b in detail.family_buttons if "Single-leg bridge" in b.text())
    harder.click()
    assert page.current() is not None and page.current().code == "SB-BRIDGE-SL"  # type: ignore[union-attr]
    assert page.table.currentIndex().row() == page.model().row_of("SB-BRIDGE-SL")
    page.show_exercise("MO-CATCAMEL")
    assert detail.family_text() == [NO_FAMILY]


def test_going_to_a_family_member_the_filters_hide_clears_them(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    page = _page(qtbot, clinic_db, therapist)
    page.stage.setCurrentIndex(page.stage.findData(2))
    page.show_exercise("SB-BRIDGE-MARCH")
    easier = next(b for b in page.detail.family_buttons if "Glute bridge" in b.text())
    easier.click()
    assert page.current().code == "SB-BRIDGE"  # type: ignore[union-attr]
    assert page.stage.currentIndex() == 0


@pytest.mark.parametrize(
    ("role", "may_edit"),
    [(Role.THERAPIST, True), (Role.ASSISTANT, False), (Role.STUDENT, False)],
)
def test_the_buttons_follow_the_role_and_the_exercise(
    qtbot: QtBot,
    clinic_db: Database,
    therapist: Actor,
    make_staff: Callable[[str, Role], Actor],
    role: Role,
    may_edit: bool,
) -> None:
    own = clinic_exercises.add_exercise(clinic_db, therapist, form())
    actor = therapist if role == Role.THERAPIST else make_staff("someone", role)
    page = _page(qtbot, clinic_db, actor)
    page.show_exercise("SB-BRIDGE")
    assert page.new_button.isEnabled() is may_edit
    assert page.copy_button.isEnabled() is may_edit
    assert not page.edit_button.isEnabled() and not page.retire_button.isEnabled()
    if may_edit:
        assert page.edit_button.toolTip() == clinic_exercises.SHIPPED_STAYS
    page.show_exercise(own.code)
    assert page.detail.source.text().startswith("The clinic's own, added by Therapist Person on ")
    qtbot.waitUntil(lambda: page.detail.figure.view.code() == own.code)
    assert page.detail.figure.view.drawing().placeholder  # "No picture" for the clinic's own
    for button in (page.edit_button, page.retire_button):
        assert button.isEnabled() is may_edit
    if not may_edit:
        assert page.new_button.toolTip() == "Only therapists add or change the clinic's exercises."
        assert page.new_exercise() is None


def test_new_fill_save_and_it_appears_chosen(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    page = _page(qtbot, clinic_db, therapist)
    page.category.setCurrentIndex(page.category.findData("balance"))  # the new one is not
    page.new_button.click()
    dialog = page.findChild(ExerciseDialog)
    assert dialog is not None and dialog.isVisible()
    values = form()
    dialog.name.setText(str(values["name"]))
    dialog.plain_name.setText(str(values["plain_name"]))
    dialog.category.setCurrentIndex(dialog.category.findData("strengthening"))
    dialog.indications["stability"].setChecked(True)
    dialog.purpose.setText(str(values["purpose"]))
    dialog.steps.setPlainText(str(values["steps"]))
    dialog.cautions.setPlainText(str(values["cautions"]))
    dialog.dosage["reps"].setText("5")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: page.current() is not None and page.current().code == "C-001")  # type: ignore[union-attr]
    assert page.category.currentIndex() == 0  # the filter that hid it was cleared
    assert "C-001" in _codes(page)
    assert page.detail.plain_name.text() == "Sitting against the wall"
    assert page.edit_button.isEnabled() and page.retire_button.isEnabled()
    assert page.model().rowCount() == SHIPPED_COUNT + 1


def test_a_bad_form_shows_errors_and_adds_nothing(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    page = _page(qtbot, clinic_db, therapist)
    dialog = page.new_exercise()
    assert dialog is not None
    dialog.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    dialog.name.setText("Wall sit")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.field_error("plain_name") == "⚠ Name for the patient is required."
    dialog.reject()
    assert page.model().rowCount() == SHIPPED_COUNT
    assert all(e.shipped for e in clinic_exercises.library(clinic_db))


def test_copy_starts_from_the_chosen_one_and_edit_changes_the_clinics_own(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    page = _page(qtbot, clinic_db, therapist)
    page.show_exercise("SB-BRIDGE-SL")
    dialog = page.copy_exercise()
    assert dialog is not None and dialog.name.text() == "Single-leg bridge (copy)"
    dialog.save_button.click()
    qtbot.waitUntil(lambda: page.current() is not None and not page.current().shipped)  # type: ignore[union-attr]
    copied = page.current()
    assert copied is not None and copied.code == "C-001"
    dialog = page.edit_exercise()
    assert dialog is not None and dialog.windowTitle().startswith("Edit exercise")
    dialog.name.setText("Single-leg bridge on a step")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: page.detail.name.text().startswith("Single-leg bridge on a step"))
    assert "last changed by Therapist Person" in page.detail.source.text()


def test_retire_hides_it_unless_show_retired_and_restore_brings_it_back(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    own = clinic_exercises.add_exercise(clinic_db, therapist, form())
    page = _page(qtbot, clinic_db, therapist)
    page.show_exercise(own.code)
    assert page.retire_button.text() == "&Retire"
    page.retire_button.click()
    assert own.code not in _codes(page)
    assert page.count.text().startswith("“Wall sit, short range” retired; tick Show retired")
    # Its neighbour in the list takes its place, so the person does not lose theirs.
    current = page.current()
    assert current is not None and current.code == "BA-TANDEM"  # the next one, balance
    page.show_retired.setChecked(True)
    assert own.code in _codes(page)
    assert page.count.text() == f"{SHIPPED_COUNT + 1} exercises (1 retired)"
    page.show_exercise(own.code)
    assert page.detail.retired_note.isVisible()
    assert page.retire_button.text() == "Rest&ore"
    assert (
        page.model()
        .index(page.model().row_of(own.code) or 0, 0)
        .data(page.model().SecondLineRole)
        .endswith("clinic's own  ·  retired")
    )
    page.retire_button.click()
    assert page.retire_button.text() == "&Retire"
    assert not page.detail.retired_note.isVisible()
    page.show_retired.setChecked(False)
    assert own.code in _codes(page)


def test_a_change_on_another_workstation_shows_on_the_next_event(
    qtbot: QtBot, clinic_db: Database, therapist: Actor
) -> None:
    page = _page(qtbot, clinic_db, therapist)
    added = clinic_exercises.add_exercise(clinic_db, therapist, form())
    assert added.code not in _codes(page)
    events().data_changed.emit("exercise", [added.code])
    assert added.code in _codes(page)
