"""The "Next available" picker: the service's free times listed by day, narrowed to a time of
day and weekdays, more on request, chosen with the keyboard; nothing free said in words."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel
from pytestqt.qtbot import QtBot

from ptclinic.models import ClosedDay, TimeOff
from ptclinic.services import booking, calendar
from ptclinic.ui.schedule.form_parts import ScheduleChoices
from ptclinic.ui.schedule.next_available_dialog import (
    BAD_WINDOW,
    NO_DAY,
    PAGE,
    NextAvailableDialog,
    slot_text,
)
from tests.services.conftest import CHICAGO, MONDAY
from tests.ui.schedule.conftest import Clinic, at

TUESDAY, WEDNESDAY, FRIDAY = (MONDAY + timedelta(days=n) for n in (1, 2, 4))
EARLY = at(MONDAY, 6)  # "now": before the clinic opens on the Monday

MakePicker = Callable[..., NextAvailableDialog]


@pytest.fixture
def make_picker(qtbot: QtBot, scheduled: Clinic) -> Iterator[MakePicker]:
    choices = ScheduleChoices(
        calendar.clinicians(scheduled.db, scheduled.desk),
        calendar.active_rooms(scheduled.db),
        calendar.visit_types(scheduled.db),
    )

    def make(day: date = MONDAY, **kwargs: object) -> NextAvailableDialog:
        kwargs.setdefault("visit_type", "follow_up")
        kwargs.setdefault("clock", lambda: EARLY)
        picker = NextAvailableDialog(
            scheduled.db,
            scheduled.desk,
            choices,
            CHICAGO,
            day=day,
            **kwargs,  # type: ignore[arg-type]
        )
        qtbot.addWidget(picker)
        picker.show()
        qtbot.waitExposed(picker)
        return picker

    yield make


def _lines(picker: NextAvailableDialog) -> list[str]:
    return [slot_text(slot, CHICAGO) for slot in picker.slots()]


def _cell(picker: NextAvailableDialog, row: int, column: int) -> str:
    return str(picker.model.index(row, column).data())


def test_any_therapist_lists_both_clinicians_by_day_and_the_list_has_the_keyboard(
    make_picker: MakePicker, scheduled: Clinic
) -> None:
    booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 7), room=scheduled.room1)
    )
    picker = make_picker()
    assert picker.therapist.currentText() == "Any therapist"
    assert picker.length.value() == 45
    lines = _lines(picker)
    assert len(lines) == PAGE
    assert lines[:3] == [
        "Mon Dec 7, 07:00–07:45 · Brian Kim · Treatment 2",
        "Mon Dec 7, 07:15–08:00 · Brian Kim · Treatment 2",
        "Mon Dec 7, 07:30–08:15 · Brian Kim · Treatment 2",
    ]
    assert {slot.therapist_name for slot in picker.slots()} == {"Brian Kim", "Dana Lee"}
    # The day heads its group; the rows under it leave it out.
    assert (_cell(picker, 0, 0), _cell(picker, 1, 0)) == ("Mon Dec 7", "")
    assert _cell(picker, 0, 1) == "07:00–07:45" and _cell(picker, 0, 3) == "Treatment 2"
    assert picker.focusWidget() is picker.table
    assert picker.table.currentIndex().row() == 0
    assert picker.message_text() == ""


def test_a_closed_day_and_time_off_are_skipped(make_picker: MakePicker, scheduled: Clinic) -> None:
    lee = scheduled.lee.staff_id
    with scheduled.db.session() as session:
        session.add(ClosedDay(day=TUESDAY, reason="Inventory"))
        session.add(TimeOff(staff_id=lee, starts_at=at(WEDNESDAY, 6), ends_at=at(WEDNESDAY, 12)))
    picker = make_picker(TUESDAY, therapist_id=lee)
    assert picker.therapist.currentText() == "Dana Lee"
    assert _lines(picker)[0] == "Wed Dec 9, 12:00–12:45 · Dana Lee · Treatment 1"
    assert all(slot.starts_at >= at(WEDNESDAY, 12) for slot in picker.slots())


def test_no_free_time_in_the_search_span_is_said_in_words_not_an_empty_list(
    qtbot: QtBot, make_picker: MakePicker, scheduled: Clinic
) -> None:
    lee = scheduled.lee.staff_id
    with scheduled.db.session() as session:
        session.add(
            TimeOff(
                staff_id=lee,
                starts_at=at(MONDAY, 0),
                ends_at=at(MONDAY + timedelta(days=70), 0),
                reason="sabbatical",
            )
        )
    picker = make_picker(therapist_id=lee)
    assert picker.message_text() == (
        "No free time for Dana Lee (45 min) in the 8 weeks from Mon Dec 7. Try another "
        "therapist, a shorter visit, another time of day or a later date."
    )
    assert picker.table.isHidden() and not picker.more_button.isEnabled()
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    assert picker.isVisible() and picker.chosen is None  # nothing to take, nothing taken
    # Any therapist: Brian Kim is free.
    picker.therapist.setCurrentIndex(0)
    picker.search()
    assert picker.message_text() == "" and not picker.table.isHidden()
    assert {slot.therapist_name for slot in picker.slots()} == {"Brian Kim"}


def test_show_more_continues_after_the_last_time(
    make_picker: MakePicker, scheduled: Clinic
) -> None:
    picker = make_picker()
    first = picker.slots()
    picker.table.setFocus()
    picker.more_button.click()
    slots = picker.slots()
    assert len(slots) == 2 * PAGE and slots[:PAGE] == first
    keys = [(slot.starts_at, slot.therapist_name) for slot in slots]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)  # in time order, none twice
    assert picker.table.currentIndex().row() == PAGE  # the first new time
    assert picker.focusWidget() is picker.table


def test_a_time_of_day_and_weekdays_narrow_the_times(
    make_picker: MakePicker, scheduled: Clinic
) -> None:
    lee = scheduled.lee.staff_id
    picker = make_picker(therapist_id=lee)
    picker.time_of_day.setCurrentIndex(2)  # afternoons
    picker.search()
    assert picker.slots()[0].starts_at == at(MONDAY, 12)
    picker.time_of_day.setCurrentIndex(3)  # between …
    picker.window_from.setEditText("15:00")
    picker.window_to.setEditText("17:00")
    picker.search()
    starts = [f"{s.starts_at.astimezone(CHICAGO):%a %H:%M}" for s in picker.slots()]
    # The whole visit inside 15:00–17:00: the last start is 16:15, then the next day.
    assert starts[:7] == [
        "Mon 15:00", "Mon 15:15", "Mon 15:30", "Mon 15:45", "Mon 16:00", "Mon 16:15",
        "Tue 15:00",
    ]  # fmt: skip
    for number, box in enumerate(picker.weekday_boxes):
        box.setChecked(number == FRIDAY.weekday())
    picker.search()
    assert {f"{s.starts_at.astimezone(CHICAGO):%a}" for s in picker.slots()} == {"Fri"}
    assert len(picker.slots()) == PAGE  # two Fridays' afternoons
    picker.more_button.click()
    assert len(picker.slots()) == 2 * PAGE


def test_a_question_that_cannot_be_asked_is_said_next_to_the_list(
    make_picker: MakePicker,
) -> None:
    picker = make_picker()
    picker.time_of_day.setCurrentIndex(3)
    picker.window_from.setEditText("17:00")
    picker.window_to.setEditText("15:00")
    picker.search()
    assert picker.message_text() == "⚠ " + BAD_WINDOW and picker.table.isHidden()
    assert picker.message.objectName() == "formError"
    picker.time_of_day.setCurrentIndex(0)
    for box in picker.weekday_boxes:
        box.setChecked(False)
    picker.search()
    assert picker.message_text() == "⚠ " + NO_DAY


def test_down_and_enter_take_the_highlighted_time(
    qtbot: QtBot, make_picker: MakePicker, scheduled: Clinic
) -> None:
    picker = make_picker(therapist_id=scheduled.kim.staff_id)
    qtbot.keyClick(picker.table, Qt.Key.Key_Down)
    qtbot.keyClick(picker.table, Qt.Key.Key_Return)
    assert picker.result() == picker.DialogCode.Accepted.value
    assert picker.chosen == picker.slots()[1]
    assert picker.chosen.starts_at == at(MONDAY, 7, 15)


def test_a_double_click_takes_that_time(
    qtbot: QtBot, make_picker: MakePicker, scheduled: Clinic
) -> None:
    picker = make_picker(therapist_id=scheduled.kim.staff_id)
    rect = picker.table.visualRect(picker.model.index(2, 1))
    # A double-click is a click, then a second press that the system reports as double.
    qtbot.mouseClick(picker.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(picker.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert picker.chosen == picker.slots()[2]


def test_enter_in_the_search_fields_searches_and_goes_to_the_list(
    qtbot: QtBot, make_picker: MakePicker, scheduled: Clinic
) -> None:
    picker = make_picker()
    picker.therapist.setFocus()
    picker.therapist.setCurrentIndex(picker.therapist.findData(scheduled.lee.staff_id))
    qtbot.keyClick(picker.therapist, Qt.Key.Key_Return)
    assert picker.isVisible() and picker.chosen is None  # searched, did not choose
    assert {slot.therapist_name for slot in picker.slots()} == {"Dana Lee"}
    assert picker.focusWidget() is picker.table


def test_changed_search_fields_search_again_on_their_own(
    qtbot: QtBot, make_picker: MakePicker, scheduled: Clinic
) -> None:
    picker = make_picker()
    picker.visit_type.setCurrentIndex(picker.visit_type.findData("initial_evaluation"))
    assert picker.length.value() == 60
    qtbot.waitUntil(lambda: picker.slots()[0].minutes == 60, timeout=2000)
    # Enter before the new search ran shows the new times first; it takes none of the old.
    picker.length.setValue(30)
    picker.table.setFocus()
    qtbot.keyClick(picker.table, Qt.Key.Key_Return)
    assert picker.chosen is None and picker.slots()[0].minutes == 30


def test_past_times_today_are_not_offered(make_picker: MakePicker, scheduled: Clinic) -> None:
    picker = make_picker(clock=lambda: at(MONDAY, 10, 5), therapist_id=scheduled.lee.staff_id)
    assert picker.slots()[0].starts_at == at(MONDAY, 10, 15)
    picker.from_date.setDate(picker.from_date.date().addDays(-3))
    picker.search()
    assert picker.slots()[0].starts_at == at(MONDAY, 10, 15)


def test_every_mnemonic_of_the_picker_is_its_own(make_picker: MakePicker) -> None:
    picker = make_picker()
    texts = [w.text() for w in picker.findChildren(QLabel) if w.buddy() is not None]
    texts += [w.text() for w in picker.findChildren(QAbstractButton)]
    letters = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
    assert len(letters) == len(set(letters)), sorted(letters)
