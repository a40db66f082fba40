"""The Schedule page on a real database: what the front desk sees, the keys, and every change
going through the booking service (checked, refused in words, undoable)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ptclinic.models import TimeOff
from ptclinic.services import booking, calendar, recurrence, schedule_settings, waitlist
from ptclinic.services.calendar import AppointmentView
from ptclinic.services.errors import DatabaseUnavailable
from ptclinic.services.patient_search import PatientSummary
from ptclinic.services.schedule_view import AppointmentStatus
from ptclinic.services.series_changes import SeriesScope
from ptclinic.services.waitlist import WaitlistWish
from ptclinic.ui.admin.time_off_dialog import TimeOffDialog
from ptclinic.ui.events import events
from ptclinic.ui.printing.day_sheet_dialog import DaySheetDialog
from ptclinic.ui.schedule.booking_dialog import BookingDialog
from ptclinic.ui.schedule.dialogs import CancelDialog, GoToDateDialog, OverrideDialog
from ptclinic.ui.schedule.layout import Arrangement, Column, DropTarget, Slot
from ptclinic.ui.schedule.page import LOAD_TROUBLE, SchedulePage
from ptclinic.ui.schedule.series_change import SeriesCancelDialog, SeriesScopeQuestion
from ptclinic.ui.schedule.series_dialog import SeriesDialog
from ptclinic.ui.schedule.waitlist_offers import OffersDialog
from tests.conftest import PASSWORD
from tests.services.conftest import MONDAY
from tests.ui.schedule.conftest import Clinic, MakePage, at, driving


def _view(clinic: Clinic, appointment_id: int) -> AppointmentView:
    view = calendar.appointment_view(clinic.db, clinic.desk, appointment_id)
    assert view is not None
    return view


def _book(clinic: Clinic, hour: int, minute: int = 0, **kwargs: object) -> int:
    return booking.book(clinic.db, clinic.desk, clinic.request(at(MONDAY, hour, minute), **kwargs))  # type: ignore[arg-type]


def _activate(qtbot: QtBot, page: SchedulePage) -> None:
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.grid.setFocus()


def _titles(page: SchedulePage) -> list[str]:
    return [c.title for c in page.grid.grid_layout().columns]


def test_today_opens_with_a_column_per_booked_therapist_and_visit_details(
    make_page: MakePage, scheduled: Clinic
) -> None:
    ortiz = _book(scheduled, 10, room=scheduled.room1)
    _book(scheduled, 11, therapist=scheduled.kim, patient=scheduled.chen)
    page = make_page()
    assert page.toolbar.title.text() == "Monday, Dec 7, 2026"
    assert page.toolbar.today_badge.isVisibleTo(page)
    assert _titles(page) == ["Brian Kim", "Dana Lee"]
    assert page.details.text().startswith("2 visits")
    assert page.grid.select_appointment(ortiz)
    details = page.details.text()
    for words in ("Ortiz, Maria", "(555) 201-3344", "10:00–10:45", "Treatment 1", "Scheduled"):
        assert words in details
    # Opening today scrolls to the current time: 09:30 is in view.
    assert page.grid.viewport().rect().contains(page.grid.slot_point(0, 9 * 60 + 30))


def test_keys_turn_the_day_or_week_and_switch_the_view(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic
) -> None:
    _book(scheduled, 10)
    page = make_page()
    _activate(qtbot, page)
    qtbot.keyClick(page.grid, Qt.Key.Key_Right)
    assert page.day == MONDAY + timedelta(days=1)
    assert not page.toolbar.today_badge.isVisibleTo(page)
    qtbot.keyClick(page.grid, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(page.grid, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert page.day == MONDAY - timedelta(days=1)
    assert page.grid.grid_layout().empty_text == "The clinic is not open on Sundays."
    qtbot.keyClick(page.grid, Qt.Key.Key_T)
    assert page.day == MONDAY
    page.go_to(MONDAY + timedelta(days=3))
    qtbot.keyClick(page.grid, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert page.day == MONDAY
    qtbot.keyClick(page.grid, Qt.Key.Key_R)
    assert page.arrangement is Arrangement.ROOMS
    assert _titles(page) == ["Gym", "Treatment 1", "Treatment 2", "No room"]
    qtbot.keyClick(page.grid, Qt.Key.Key_R)
    assert page.arrangement is Arrangement.THERAPISTS
    qtbot.keyClick(page.grid, Qt.Key.Key_W)
    assert page.arrangement is Arrangement.WEEK
    assert page.days_shown() == (MONDAY, MONDAY + timedelta(days=6))
    qtbot.keyClick(page.grid, Qt.Key.Key_Right)
    assert page.days_shown()[0] == MONDAY + timedelta(days=7)
    assert page.toolbar.title.text() == "Week of Dec 14, 2026"
    qtbot.keyClick(page.grid, Qt.Key.Key_D)
    assert page.arrangement is Arrangement.THERAPISTS


def test_week_view_follows_the_selected_therapist(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic
) -> None:
    kims = _book(scheduled, 11, therapist=scheduled.kim, patient=scheduled.chen)
    _book(scheduled, 10)
    page = make_page()
    page.grid.select_appointment(kims)
    page.set_week(True)
    assert page.week_therapist == scheduled.kim.staff_id
    assert page.toolbar.therapist_box.currentText() == "Brian Kim"
    # Monday to Saturday: the seeded clinic never opens on Sundays.
    assert _titles(page) == ["Mon Dec 7", "Tue Dec 8", "Wed Dec 9", "Thu Dec 10", "Fri Dec 11",
                             "Sat Dec 12"]  # fmt: skip
    assert [p.view.id for p in page.grid.grid_layout().placed] == [kims]
    page.toolbar.therapist_box.setCurrentIndex(page.toolbar.therapist_box.findText("Dana Lee"))
    assert page.week_therapist == scheduled.lee.staff_id
    assert len(page.grid.grid_layout().placed) == 1


def test_go_to_date_opens_the_day_picked(
    qtbot: QtBot, make_page: MakePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page()
    _activate(qtbot, page)

    def pick(dialog: QDialog) -> None:
        assert isinstance(dialog, GoToDateDialog)
        dialog.calendar.setSelectedDate(QDate(2026, 12, 24))
        dialog.accept()

    monkeypatch.setattr(page, "exec_dialog", driving(pick))
    qtbot.keyClick(page.grid, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert page.day == date(2026, 12, 24)


def test_check_in_and_undo_check_in_from_the_keyboard(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic
) -> None:
    visit = _book(scheduled, 10)
    page = make_page()
    _activate(qtbot, page)
    page.grid.select_appointment(visit)
    assert page.check_in_action.shortcut().toString() == "Ctrl+I"
    assert not page.undo_check_in_action.isEnabled()
    qtbot.keyClick(page.grid, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert _view(scheduled, visit).status == "checked_in"
    assert "M. Ortiz is checked in" in page.message.text()
    assert page.grid.selected_view().status == "checked_in"  # type: ignore[union-attr]
    assert not page.move_action.isEnabled() and page.undo_check_in_action.isEnabled()
    qtbot.keyClick(
        page.grid,
        Qt.Key.Key_I,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert _view(scheduled, visit).status == "scheduled"


def test_cancel_needs_a_reason_and_says_it_will_count_as_late(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = _book(scheduled, 10)
    page = make_page()
    _activate(qtbot, page)
    page.grid.select_appointment(visit)
    seen: list[CancelDialog] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, CancelDialog)
        seen.append(dialog)
        assert dialog.late and dialog.late_notice.isVisibleTo(dialog)
        assert "late cancellation" in dialog.late_notice.text()
        dialog.accept()  # no reason yet
        assert "Say why" in dialog.fields.message("reason")
        dialog.reason.setCurrentText("Patient ill")
        dialog.accept()

    monkeypatch.setattr(page, "exec_dialog", driving(fill))
    qtbot.keyClick(page.grid, Qt.Key.Key_Delete)
    assert seen
    view = _view(scheduled, visit)
    assert (view.status, view.late_cancel, view.cancel_reason) == ("cancelled", True, "Patient ill")
    assert "is a late cancellation; the slot is free" in page.message.text()


def test_no_show_is_asked_first_and_refused_for_a_visit_still_to_come(
    make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    past = _book(scheduled, 8)
    page = make_page()
    page.grid.select_appointment(past)
    answers = iter([False, True])
    monkeypatch.setattr(page, "confirm_no_show", lambda _view: next(answers))
    page.mark_no_show()
    assert _view(scheduled, past).status == "scheduled"
    page.mark_no_show()
    assert _view(scheduled, past).status == "no_show"
    page.grid.select_slot(None)
    assert "⚠ 1 no-show" in page.details.text()
    later = _book(scheduled, 15, patient=scheduled.chen)
    page.reload()
    page.grid.select_appointment(later)
    assert not page.no_show_action.isEnabled()  # its time has not come
    monkeypatch.setattr(page, "confirm_no_show", lambda _view: pytest.fail("asked anyway"))
    page.mark_no_show()
    assert _view(scheduled, later).status == "scheduled"


def test_dragging_a_visit_moves_it_and_ctrl_z_puts_it_back(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic
) -> None:
    visit = _book(scheduled, 10, room=scheduled.room1)
    page = make_page(height=900)
    _activate(qtbot, page)
    grid = page.grid
    start = grid.block_rect(visit).center()
    target = start + QPoint(0, int(grid.row_height * 4))  # one hour later
    qtbot.mousePress(grid.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(grid.viewport(), start + QPoint(0, 10))
    qtbot.mouseMove(grid.viewport(), target)
    qtbot.mouseRelease(grid.viewport(), Qt.MouseButton.LeftButton, pos=target)
    moved = _view(scheduled, visit)
    assert moved.starts_at == at(MONDAY, 11) and moved.room_id == scheduled.room1
    assert "Moved M. Ortiz to Mon Dec 7, 11:00–11:45 with Dana Lee" in page.message.text()
    assert "Ctrl+Z" in page.message.text()
    assert page.mover.can_undo()
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    back = _view(scheduled, visit)
    assert back.starts_at == at(MONDAY, 10) and back.version == moved.version + 1
    assert "Move undone: M. Ortiz is back at Mon Dec 7, 10:00–10:45" in page.message.text()
    qtbot.keyClick(grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.message.text() == "✓ Nothing to undo: no visit has been moved here yet."


def _drop(page: SchedulePage, visit: int, hour: int, minute: int = 0, **change: int) -> None:
    placed = page.grid.placed_of(visit)
    assert placed is not None
    column = page.grid.grid_layout().columns[placed.column]
    if "therapist" in change:
        column = next(
            c for c in page.grid.grid_layout().columns if c.therapist_id == change["therapist"]
        )
    minutes = change.get("minutes", placed.bottom - placed.top)
    page.grid.drop_requested.emit(DropTarget(placed.view, column, hour * 60 + minute, minutes))


def test_a_move_onto_a_clash_is_refused_in_words_and_nothing_changes(
    make_page: MakePage, scheduled: Clinic
) -> None:
    _book(scheduled, 10)
    chen = _book(scheduled, 12, patient=scheduled.chen)
    page = make_page()
    _drop(page, chen, 10, 15)
    assert page.message.is_error()
    assert page.message.text() == "⚠ Not moved: Dana Lee already sees M. Ortiz 10:00–10:45."
    assert _view(scheduled, chen).starts_at == at(MONDAY, 12)
    assert not page.mover.can_undo()


def test_a_move_to_another_therapist_and_a_longer_visit(
    make_page: MakePage, scheduled: Clinic
) -> None:
    visit = _book(scheduled, 10)
    _book(scheduled, 10, therapist=scheduled.kim, patient=scheduled.chen)
    page = make_page()
    _drop(page, visit, 13, therapist=scheduled.kim.staff_id, minutes=60)
    moved = _view(scheduled, visit)
    assert (moved.therapist_id, moved.starts_at, moved.minutes) == (
        scheduled.kim.staff_id,
        at(MONDAY, 13),
        60,
    )


def test_a_move_outside_the_hours_needs_an_administrators_password(
    make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    with scheduled.db.session() as session:
        session.add(
            TimeOff(
                staff_id=scheduled.lee.staff_id,
                starts_at=at(MONDAY, 12),
                ends_at=at(MONDAY, 13),
                reason="team meeting",
            )
        )
    visit = _book(scheduled, 10)
    page = make_page()
    asked: list[str] = []

    def decline(dialog: QDialog) -> None:
        assert isinstance(dialog, OverrideDialog)
        asked.append(dialog.intro.text())
        dialog.reject()

    monkeypatch.setattr(page, "exec_dialog", driving(decline))
    _drop(page, visit, 12)
    assert "Dana Lee is away (team meeting)" in asked[0]
    assert "Not moved" in page.message.text() and "An administrator can allow it" in (
        page.message.text()
    )
    assert _view(scheduled, visit).starts_at == at(MONDAY, 10)

    def approve(dialog: QDialog) -> None:
        assert isinstance(dialog, OverrideDialog)
        dialog.username.setText("frontdesk")  # not an administrator
        dialog.password.setText(PASSWORD)
        dialog.accept()
        assert "Only an administrator" in dialog.error_text()
        assert dialog.password.text() == ""
        dialog.username.setText("admin")
        dialog.password.setText("wrong password")
        dialog.accept()
        assert "not right" in dialog.error_text()
        dialog.password.setText(PASSWORD)
        dialog.accept()

    monkeypatch.setattr(page, "exec_dialog", driving(approve))
    _drop(page, visit, 12)
    assert _view(scheduled, visit).starts_at == at(MONDAY, 12)
    assert "Moved M. Ortiz" in page.message.text()


def test_a_checked_in_visit_is_not_dragged_and_the_page_says_why(
    make_page: MakePage, scheduled: Clinic
) -> None:
    visit = _book(scheduled, 10)
    booking.set_status(scheduled.db, scheduled.desk, visit, 1, AppointmentStatus.CHECKED_IN)
    page = make_page()
    placed = page.grid.placed_of(visit)
    assert placed is not None
    page.grid.drag_refused.emit(placed.view)
    assert page.message.text() == (
        "⚠ Only scheduled visits can be moved; M. Ortiz's visit is checked in. Undo the "
        "check-in first to move it."
    )


def test_the_page_refreshes_when_a_visit_changes_elsewhere(
    make_page: MakePage, scheduled: Clinic
) -> None:
    _book(scheduled, 10)
    page = make_page()
    assert len(page.grid.grid_layout().placed) == 1
    other = _book(scheduled, 11, therapist=scheduled.kim, patient=scheduled.chen)
    events().data_changed.emit("appointment", [other])
    assert len(page.grid.grid_layout().placed) == 2
    assert _titles(page) == ["Brian Kim", "Dana Lee"]


def test_the_page_refreshes_when_scheduling_settings_change(
    make_page: MakePage, scheduled: Clinic
) -> None:
    from ptclinic.services import schedule_settings

    _book(scheduled, 10)
    page = make_page()
    assert page.grid.grid_layout().placed[0].view.visit_label == "Follow-up"
    schedule_settings.update_visit_type(
        scheduled.db,
        scheduled.admin,
        "follow_up",
        schedule_settings.VisitTypeInput("Treatment visit", 45, "#d7efd9"),
    )
    events().data_changed.emit("schedule_settings", [])
    assert page.grid.grid_layout().placed[0].view.visit_label == "Treatment visit"


def test_a_database_that_does_not_answer_is_said_plainly(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = _book(scheduled, 10)
    page = make_page()
    _activate(qtbot, page)
    page.grid.select_appointment(visit)

    def down(*_args: object, **_kwargs: object) -> None:
        raise DatabaseUnavailable("connection refused")

    monkeypatch.setattr(booking, "set_status", down)
    qtbot.keyClick(page.grid, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert page.message.text().startswith("⚠ The database did not answer, so nothing was changed")
    monkeypatch.setattr(calendar, "calendar_span", down)
    page.reload()
    assert page.message.text() == "⚠ " + LOAD_TROUBLE
    assert len(page.grid.grid_layout().placed) == 1  # what was on screen stays


def test_the_menu_offers_what_the_visit_allows_with_its_shortcuts(
    make_page: MakePage, scheduled: Clinic
) -> None:
    visit = _book(scheduled, 10)
    page = make_page()
    view = _view(scheduled, visit)
    page.grid.select_appointment(visit)
    menu = page.build_menu(view)
    actions = {a.text().replace("&", ""): a for a in menu.actions() if a.text()}
    assert actions["Check in"].isEnabled() and actions["Check in"].shortcut().toString() == (
        "Ctrl+I"
    )
    assert not actions["Undo check-in"].isEnabled()
    assert actions["Cancel visit…"].shortcut().toString() == "Del"
    assert actions["Move…"].isEnabled() and actions["Open chart"].isEnabled()
    slot_menu = page.build_menu(object())
    assert [a.text() for a in slot_menu.actions()] == ["&Book here…", "Add &time off…"]


def test_open_chart_asks_for_the_patients_page(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic
) -> None:
    visit = _book(scheduled, 10)
    page = make_page()
    _activate(qtbot, page)
    page.grid.select_appointment(visit)
    with qtbot.waitSignal(page.open_chart) as signal:
        qtbot.keyClick(page.grid, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert signal.args == [scheduled.ortiz]


def test_book_starts_at_the_chosen_slot_and_selects_the_new_visit(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    _book(scheduled, 10)
    page = make_page()
    _activate(qtbot, page)
    lee = next(
        c for c in page.grid.grid_layout().columns if c.therapist_id == scheduled.lee.staff_id
    )

    page.grid.select_slot(Slot(lee, 14 * 60))
    unsaved: list[bool] = []

    def book(dialog: QDialog) -> None:
        assert isinstance(dialog, BookingDialog)
        assert dialog.therapist.currentData() == scheduled.lee.staff_id
        assert dialog.time_edit.currentText() == "14:00"
        unsaved.append(page.has_unsaved_work())
        dialog.picker.search.setText("chen")
        dialog.picker.run_search()
        qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
        unsaved.append(page.has_unsaved_work())
        dialog.save()

    monkeypatch.setattr(page, "exec_dialog", driving(book))
    qtbot.keyClick(page.grid, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert unsaved == [False, True]
    assert not page.has_unsaved_work()
    selected = page.grid.selected_view()
    assert selected is not None and selected.patient_id == scheduled.chen
    assert selected.starts_at == at(MONDAY, 14)
    assert page.message.text() == "✓ Booked W. Chen on Mon Dec 7, 14:00–15:00 with Dana Lee."


def test_time_off_from_the_schedule_starts_with_the_column_and_shades_it_once_saved(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = _book(scheduled, 15)
    page = make_page()
    _activate(qtbot, page)
    lee = next(
        c for c in page.grid.grid_layout().columns if c.therapist_id == scheduled.lee.staff_id
    )
    assert _bookable_at(lee, 14 * 60) and _bookable_at(lee, 15 * 60)
    page.grid.select_slot(Slot(lee, 14 * 60))
    seen: list[TimeOffDialog] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, TimeOffDialog)
        seen.append(dialog)
        assert dialog.who.currentData() == scheduled.lee.staff_id
        assert dialog.from_date.date().toPython() == MONDAY
        dialog.all_day.setChecked(False)
        dialog.from_time.set_value(time(13))
        dialog.until_time.set_value(time(17))
        dialog.reason.setText("Dentist")
        dialog.accept()

    monkeypatch.setattr(page, "exec_dialog", driving(fill))
    qtbot.keyClick(
        page.grid,
        Qt.Key.Key_T,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert seen
    away = schedule_settings.list_time_off(scheduled.db, scheduled.desk)
    assert [(t.staff_id, t.starts_at, t.ends_at) for t in away] == [
        (scheduled.lee.staff_id, at(MONDAY, 13), at(MONDAY, 17))
    ]
    lee = next(
        c for c in page.grid.grid_layout().columns if c.therapist_id == scheduled.lee.staff_id
    )
    assert not _bookable_at(lee, 14 * 60) and not _bookable_at(lee, 16 * 60 + 45)
    assert _bookable_at(lee, 12 * 60 + 45) and _bookable_at(lee, 17 * 60)
    assert "Time off recorded for Dana Lee" in page.message.text()
    assert "1 booked visit falls in this absence" in page.message.text()
    assert _view(scheduled, visit).status == "scheduled"  # the desk moves it, nothing is lost


def test_time_off_closed_without_saving_changes_nothing(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page()
    _activate(qtbot, page)
    monkeypatch.setattr(page, "exec_dialog", driving(lambda dialog: dialog.reject()))
    page.time_off_action.trigger()
    assert schedule_settings.list_time_off(scheduled.db, scheduled.desk) == []
    assert not page.message.text()


def _bookable_at(column: Column, minute: int) -> bool:
    return any(start <= minute < end for start, end in column.bookable)


def test_a_cancelled_slot_is_offered_to_the_waitlist_and_booked_from_it(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = _book(scheduled, 11)
    waiting = waitlist.add_to_waitlist(
        scheduled.db, scheduled.desk,
        WaitlistWish(scheduled.chen, visit_type="follow_up", earliest_date=MONDAY),
    )  # fmt: skip
    page = make_page()
    _activate(qtbot, page)
    assert page.toolbar.waitlist_button.text() == "Waitlist (1)"
    page.grid.select_appointment(visit)
    shown: list[str] = []

    def answer(dialog: QDialog) -> None:
        shown.append(type(dialog).__name__)
        if isinstance(dialog, CancelDialog):
            dialog.reason.setCurrentText("Patient ill")
            dialog.accept()
        elif isinstance(dialog, OffersDialog):
            assert [o.entry.id for o in dialog.offers()] == [waiting.id]
            dialog.accept()

    monkeypatch.setattr(page, "exec_dialog", driving(answer))
    qtbot.keyClick(page.grid, Qt.Key.Key_Delete)
    assert shown == ["CancelDialog", "OffersDialog"]
    selected = page.grid.selected_view()
    assert selected is not None and selected.patient_id == scheduled.chen
    assert selected.starts_at == at(MONDAY, 11)
    assert page.message.text() == (
        "✓ Booked W. Chen from the waitlist on Mon Dec 7, 11:00–11:45 with Dana Lee."
    )
    assert waitlist.waiting_list(scheduled.db, scheduled.desk) == []
    assert page.toolbar.waitlist_button.text() == "Waitlist"


def test_nobody_waiting_means_no_question_after_a_move(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = _book(scheduled, 11)
    page = make_page()
    shown: list[str] = []
    monkeypatch.setattr(page, "exec_dialog", driving(lambda d: shown.append(type(d).__name__)))
    placed = page.grid.placed_of(visit)
    assert placed is not None
    page.grid.drop_requested.emit(
        DropTarget(placed.view, page.grid.grid_layout().columns[placed.column], 14 * 60, 45)
    )
    assert _view(scheduled, visit).starts_at == at(MONDAY, 14)
    assert shown == []


def test_the_waitlist_panel_opens_beside_the_grid_and_closes_again(
    qtbot: QtBot, make_page: MakePage
) -> None:
    page = make_page()
    _activate(qtbot, page)
    assert not page.waitlist.isVisible()
    qtbot.keyClick(
        page.grid,
        Qt.Key.Key_W,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert page.waitlist.isVisible() and page.toolbar.waitlist_button.isChecked()
    # Beside the grid, not over it: the grid keeps most of the width.
    assert 260 <= page.waitlist.width() <= 0.35 * page.width()
    page.toolbar.waitlist_button.click()
    assert not page.waitlist.isVisible()


def test_print_opens_the_day_sheet_of_the_day_shown(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page()
    _activate(qtbot, page)
    page.step(1)
    seen: list[tuple[date, object]] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, DaySheetDialog)
        choice = dialog.choice()
        seen.append((choice.day, choice.username))

    monkeypatch.setattr(page, "exec_dialog", driving(look))
    qtbot.keyClick(page.grid, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    page.set_week(True)
    page.toolbar.print_button.click()
    # The week view prints its therapist: the front desk starts on the first name.
    assert seen == [(MONDAY + timedelta(days=1), None), (MONDAY + timedelta(days=1), "bkim")]


def _weekly_series(clinic: Clinic, weeks: int = 3) -> list[int]:
    request = recurrence.SeriesRequest(
        patient_id=clinic.ortiz,
        therapist_id=clinic.lee.staff_id,
        visit_type="follow_up",
        pattern=recurrence.WeeklyPattern(weekdays=(0,), at=time(11), first_day=MONDAY, weeks=weeks),
    )
    preview = recurrence.preview_series(clinic.db, clinic.desk, request)
    picks = [recurrence.Pick(visit.original_start) for visit in preview.visits]
    return list(recurrence.book_series(clinic.db, clinic.desk, request, picks).appointment_ids)


def test_ctrl_shift_b_books_a_series_from_the_chosen_slot(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page()
    _activate(qtbot, page)
    lee = next(
        c for c in page.grid.grid_layout().columns if c.therapist_id == scheduled.lee.staff_id
    )
    page.grid.select_slot(Slot(lee, 10 * 60))
    dirty: list[bool] = []

    def book(dialog: QDialog) -> None:
        assert isinstance(dialog, SeriesDialog)
        assert dialog.therapist.currentData() == scheduled.lee.staff_id
        dialog.picker.search.setText("ortiz")
        dialog.picker.run_search()
        qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
        dirty.append(page.has_unsaved_work())
        dialog.run_preview()
        dialog.save_button.click()

    monkeypatch.setattr(page, "exec_dialog", driving(book))
    qtbot.keyClick(
        page.grid, Qt.Key.Key_B,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )  # fmt: skip
    assert dirty == [True]
    selected = page.grid.selected_view()
    assert selected is not None and selected.series_id is not None
    assert selected.starts_at == at(MONDAY, 10)
    assert page.message.text().startswith("✓ Booked 6 visits for Ortiz, Maria: Mondays")


def test_moving_a_series_visit_asks_which_visits_and_one_moves_only_that_one(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, _third = _weekly_series(scheduled)
    page = make_page()
    _activate(qtbot, page)
    page.grid.select_appointment(first)
    shown: list[str] = []

    def answer(dialog: QDialog) -> None:
        shown.append(type(dialog).__name__)
        if isinstance(dialog, SeriesScopeQuestion):
            dialog.radios[SeriesScope.ONE].setChecked(True)
            dialog.accept()
        elif isinstance(dialog, BookingDialog):
            dialog.time_edit.setCurrentText("14:00")
            dialog.run_check()
            dialog.save()

    monkeypatch.setattr(page, "exec_dialog", driving(answer))
    qtbot.keyClick(page.grid, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert shown == ["SeriesScopeQuestion", "BookingDialog"]
    assert _view(scheduled, first).starts_at == at(MONDAY, 14)
    assert _view(scheduled, second).starts_at == at(MONDAY + timedelta(days=7), 11)


def test_moving_the_following_visits_of_a_series_uses_the_series_change(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, *_rest = _weekly_series(scheduled)
    page = make_page()
    _activate(qtbot, page)
    page.grid.select_appointment(first)
    shown: list[str] = []

    def answer(dialog: QDialog) -> None:
        shown.append(type(dialog).__name__)
        if isinstance(dialog, SeriesScopeQuestion):
            dialog.radios[SeriesScope.FOLLOWING].setChecked(True)
            dialog.accept()
        else:
            dialog.reject()

    monkeypatch.setattr(page, "exec_dialog", driving(answer))
    page.move_action.trigger()
    assert shown == ["SeriesScopeQuestion", "SeriesChangeDialog"]
    assert _view(scheduled, first).starts_at == at(MONDAY, 11)  # closed without saving


def test_cancelling_a_series_visit_offers_the_scope_with_the_reason(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _weekly_series(scheduled)
    page = make_page()
    _activate(qtbot, page)
    page.grid.select_appointment(ids[0])
    shown: list[str] = []

    def answer(dialog: QDialog) -> None:
        shown.append(type(dialog).__name__)
        assert isinstance(dialog, SeriesCancelDialog)
        dialog.radios[SeriesScope.ALL].setChecked(True)
        dialog.reason.setCurrentText("Feeling better, will call to rebook")
        dialog.accept()

    monkeypatch.setattr(page, "exec_dialog", driving(answer))
    qtbot.keyClick(page.grid, Qt.Key.Key_Delete)
    assert shown == ["SeriesCancelDialog"]  # three visits freed: no waitlist offer
    assert [_view(scheduled, i).status for i in ids] == ["cancelled"] * 3


def test_booking_a_waiting_patient_from_the_panel_takes_them_off_the_list(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = waitlist.add_to_waitlist(
        scheduled.db, scheduled.desk,
        WaitlistWish(scheduled.chen, visit_type="follow_up", earliest_date=MONDAY,
                     therapist_id=scheduled.kim.staff_id),
    )  # fmt: skip
    page = make_page()
    _activate(qtbot, page)
    page.show_waitlist(True)
    seen: list[tuple[int | None, PatientSummary | None]] = []

    def book(dialog: QDialog) -> None:
        assert isinstance(dialog, BookingDialog)
        seen.append((dialog.therapist.currentData(), dialog.picker.patient()))
        dialog.time_edit.setCurrentText("15:00")
        dialog.run_check()
        dialog.save()

    monkeypatch.setattr(page, "exec_dialog", driving(book))
    page.waitlist.book_requested.emit(item)
    assert seen and seen[0][0] == scheduled.kim.staff_id
    chosen = seen[0][1]
    assert chosen is not None and chosen.id == scheduled.chen
    selected = page.grid.selected_view()
    assert selected is not None and selected.patient_id == scheduled.chen
    assert selected.therapist_id == scheduled.kim.staff_id
    assert waitlist.waiting_list(scheduled.db, scheduled.desk) == []


def test_a_visit_booked_for_another_day_is_shown_on_its_day(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page()
    _activate(qtbot, page)

    def book(dialog: QDialog) -> None:
        assert isinstance(dialog, BookingDialog)
        dialog.picker.search.setText("chen")
        dialog.picker.run_search()
        qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
        dialog.therapist.setCurrentIndex(dialog.therapist.findData(scheduled.lee.staff_id))
        dialog.date_edit.setDate(QDate(2026, 12, 9))
        dialog.time_edit.setCurrentText("11:00")
        dialog.run_check()
        dialog.save()

    monkeypatch.setattr(page, "exec_dialog", driving(book))
    page.book_action.trigger()
    assert page.day == MONDAY + timedelta(days=2)
    selected = page.grid.selected_view()
    assert selected is not None and selected.starts_at == at(MONDAY + timedelta(days=2), 11)
    assert page.message.text().startswith("✓ Booked W. Chen on Wed Dec 9, 11:00")
