"""Adding a patient to the waitlist as the front desk would: the registry's search, ticked days,
typed times; what the service refuses shown beside the field, and nothing saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from ptclinic.services import calendar, patient_search, waitlist
from ptclinic.services.waitlist import WaitlistWish
from ptclinic.ui.events import events
from ptclinic.ui.schedule.fields import TimeField
from ptclinic.ui.schedule.form_parts import ScheduleChoices
from ptclinic.ui.schedule.waitlist_dialog import CHOOSE_PATIENT, WaitlistDialog
from tests.services.conftest import MONDAY
from tests.ui.schedule.conftest import Clinic

MakeDialog = Callable[..., WaitlistDialog]


@pytest.fixture
def make_dialog(qtbot: QtBot, scheduled: Clinic) -> MakeDialog:
    choices = ScheduleChoices(
        calendar.clinicians(scheduled.db, scheduled.desk), [], calendar.visit_types(scheduled.db)
    )

    def make(**kwargs: object) -> WaitlistDialog:
        dialog = WaitlistDialog(scheduled.db, scheduled.desk, choices, today=MONDAY, **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(dialog)
        # Closing at the end of a test must not stop at "Add this patient … before closing?".
        dialog.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
        dialog.show()
        return dialog

    return make


def _choose(qtbot: QtBot, dialog: WaitlistDialog, text: str) -> None:
    dialog.picker.search.setFocus()
    qtbot.keyClicks(dialog.picker.search, text)
    qtbot.waitUntil(lambda: not dialog.picker.results.isHidden(), timeout=2000)
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)


def _type_time(qtbot: QtBot, field: TimeField, text: str) -> None:
    line = field.lineEdit()
    assert line is not None
    line.selectAll()
    qtbot.keyClicks(line, text)


def _add_button(dialog: WaitlistDialog) -> QAbstractButton:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_the_desk_adds_a_patient_with_days_hours_and_a_therapist(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    dialog = make_dialog()
    assert dialog.focusWidget() is dialog.picker.search
    _choose(qtbot, dialog, "ortiz")
    assert dialog.focusWidget() is dialog.visit_type
    assert dialog.picker.chosen_line.text().startswith("✓ Ortiz, Maria")
    dialog.visit_type.setCurrentIndex(dialog.visit_type.findData("follow_up"))
    dialog.therapist.setCurrentIndex(dialog.therapist.findText("Dana Lee"))
    for day in (0, 3):  # Monday and Thursday
        qtbot.mouseClick(dialog.day_boxes[day], Qt.MouseButton.LeftButton)
    _type_time(qtbot, dialog.earliest_time, "8")
    _type_time(qtbot, dialog.latest_time, "1200")
    dialog.earliest_date.setFocus()
    qtbot.keyClick(dialog.earliest_date, Qt.Key.Key_Up)  # the day after Monday
    qtbot.keyClicks(dialog.note, "can come at short notice")
    with qtbot.waitSignal(events().data_changed) as signal:
        qtbot.mouseClick(_add_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.saved is not None
    assert signal.args == ["waitlist", [dialog.saved.id]]
    assert dialog.result() == dialog.DialogCode.Accepted.value
    (item,) = waitlist.waiting_list(scheduled.db, scheduled.desk)
    assert (item.patient_id, item.therapist_id, item.visit_type) == (
        scheduled.ortiz,
        scheduled.lee.staff_id,
        "follow_up",
    )
    assert item.wishes_text() == "Mon, Thu · 08:00–12:00 · from Tue 08 Dec 2026 · Dana Lee"
    assert item.note == "can come at short notice"


def test_a_wish_that_can_never_be_met_is_refused_beside_the_hours(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    dialog = make_dialog()
    _choose(qtbot, dialog, "ortiz")
    dialog.visit_type.setCurrentIndex(dialog.visit_type.findData("follow_up"))
    _type_time(qtbot, dialog.earliest_time, "12")
    _type_time(qtbot, dialog.latest_time, "9")
    qtbot.mouseClick(_add_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.fields.message("hours") == ("⚠ The latest time must be after the earliest time.")
    assert dialog.isVisible() and dialog.saved is None
    assert dialog.latest_time.property("invalid") and dialog.earliest_time.property("invalid")
    _type_time(qtbot, dialog.earliest_time, "10")
    _type_time(qtbot, dialog.latest_time, "10:30")
    dialog.accept()
    assert dialog.fields.message("hours") == (
        "⚠ The time window is shorter than a follow-up (45 minutes)."
    )
    _type_time(qtbot, dialog.earliest_time, "soon")
    dialog.accept()
    assert "The earliest time could not be read" in dialog.fields.message("hours")
    assert dialog.isVisible()
    _type_time(qtbot, dialog.earliest_time, "9")
    _type_time(qtbot, dialog.latest_time, "")
    dialog.note.setText("x" * 250)  # the field stops at the service's limit
    assert len(dialog.note.text()) == waitlist.MAX_NOTE
    dialog.reject()  # something typed: asked, and the test's answer is Discard
    assert not dialog.isVisible() and dialog.saved is None
    assert waitlist.waiting_list(scheduled.db, scheduled.desk) == []


def test_without_a_patient_nothing_is_saved(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    dialog = make_dialog()
    qtbot.mouseClick(_add_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.fields.message("patient") == "⚠ " + CHOOSE_PATIENT
    assert dialog.focusWidget() is dialog.picker.search
    assert dialog.isVisible() and waitlist.waiting_list(scheduled.db, scheduled.desk) == []


def test_a_preselected_patient_with_no_days_ticked_waits_for_any_day(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    """The service reads no weekday as any day; the dialog says so under the days."""
    (chen,) = patient_search.search_patients(scheduled.db, scheduled.desk, "chen")
    dialog = make_dialog(patient=chen)
    assert dialog.focusWidget() is dialog.visit_type
    assert "No day ticked: any day" in dialog.days_hint.text()
    qtbot.keyClick(dialog.visit_type, Qt.Key.Key_Return)  # Enter adds
    assert dialog.saved is not None
    assert dialog.saved.wishes_text() == "Any day · any time · from Mon 07 Dec 2026 · any therapist"


def test_choosing_someone_already_waiting_says_so(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    waitlist.add_to_waitlist(
        scheduled.db,
        scheduled.desk,
        WaitlistWish(scheduled.ortiz, "follow_up", MONDAY, weekdays=(4,), earliest_time=time(14)),
    )
    dialog = make_dialog()
    assert dialog.waiting_notice.isHidden()
    _choose(qtbot, dialog, "ortiz")
    assert dialog.waiting_notice.isVisibleTo(dialog)
    assert dialog.waiting_notice.text() == (
        "⚠ Ortiz, Maria is already waiting:\n"
        "Follow-up: Fri · 14:00–closing · from Mon 07 Dec 2026 · any therapist"
    )


def test_closing_with_something_typed_asks_first(
    qtbot: QtBot, make_dialog: MakeDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = make_dialog()
    dialog.reject()  # nothing typed: closes without a question
    assert not dialog.isVisible()
    dialog = make_dialog()
    qtbot.mouseClick(dialog.day_boxes[2], Qt.MouseButton.LeftButton)
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(dialog, "ask_unsaved", lambda: answers.pop(0))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.saved is None


def test_every_mnemonic_is_its_own_and_lands_in_its_field(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    dialog = make_dialog()
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.buddy() is not None]
    texts += [w.text() for w in dialog.findChildren(QAbstractButton)]
    letters = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
    assert len(letters) == len(set(letters)), sorted(letters)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    for letter, field in (
        (Qt.Key.Key_V, dialog.visit_type),
        (Qt.Key.Key_T, dialog.therapist),
        (Qt.Key.Key_W, dialog.day_boxes[0]),
        (Qt.Key.Key_H, dialog.earliest_time),
        (Qt.Key.Key_E, dialog.earliest_date),
        (Qt.Key.Key_N, dialog.note),
        (Qt.Key.Key_P, dialog.picker.search),
    ):
        qtbot.keyClick(dialog, letter, Qt.KeyboardModifier.AltModifier)
        focus = dialog.focusWidget()
        assert focus is field or field.isAncestorOf(focus), letter
