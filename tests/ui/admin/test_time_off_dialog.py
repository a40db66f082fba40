"""The time-off dialog: whole days by default, clinic-local times, the service's words beside the
fields, and the count of booked visits the absence leaves without their clinician."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDateTimeEdit
from pytestqt.qtbot import QtBot

from ptclinic.services import booking, schedule_settings
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_today
from ptclinic.ui.admin.time_off_dialog import TimeOffDialog, clinician_choices
from ptclinic.ui.events import events
from tests.services.conftest import CHICAGO, Clinic, scheduled

__all__ = ["scheduled"]  # the small scheduled clinic fixture, shared with the service tests


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CHICAGO).astimezone(UTC)


def _monday_after_next(clinic: Clinic) -> date:
    today = clinic_today(clinic.db)
    return today + timedelta(days=14 - today.weekday())


def _dialog(
    qtbot: QtBot, clinic: Clinic, actor: Actor | None = None, **kwargs: object
) -> TimeOffDialog:
    dialog = TimeOffDialog(
        clinic.db,
        actor or clinic.admin,
        clinician_choices(clinic.db),
        **kwargs,  # type: ignore[arg-type]
    )
    qtbot.addWidget(dialog)
    return dialog


def _absences(clinic: Clinic) -> list[tuple[str, datetime, datetime, str]]:
    return [
        (r.staff_name, r.starts_at, r.ends_at, r.reason)
        for r in schedule_settings.list_time_off(clinic.db, clinic.admin)
    ]


def test_clinician_choices_are_people_who_see_patients(scheduled: Clinic) -> None:
    # An administrator may not read the calendar's clinician list (no patient access), so the
    # dialog's choices come from the staff list: therapists, not the front desk or admins.
    assert [p.full_name for p in clinician_choices(scheduled.db)] == ["Brian Kim", "Dana Lee"]


def test_defaults_are_one_whole_day_today_and_nobody_chosen(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    dialog = _dialog(qtbot, scheduled)
    today = clinic_today(scheduled.db)
    assert dialog.who.currentIndex() == -1 and dialog.who.placeholderText() == "Choose who is away"
    assert dialog.all_day.isChecked()
    assert dialog.from_time.isHidden() and dialog.until_time.isHidden()
    assert dialog.span() == (_local(today, 0), _local(today + timedelta(days=1), 0))
    assert dialog.summary.text().endswith("(1 day).")


def test_nobody_chosen_is_refused_beside_the_clinician(qtbot: QtBot, scheduled: Clinic) -> None:
    dialog = _dialog(qtbot, scheduled)
    dialog.accept()
    assert dialog.fields.message("staff_id") == "⚠ Choose who will be away."
    assert dialog.result() != dialog.DialogCode.Accepted.value
    assert _absences(scheduled) == []


def test_whole_days_include_the_last_day_and_announce_the_change(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    monday = _monday_after_next(scheduled)
    dialog = _dialog(qtbot, scheduled, staff_id=scheduled.lee.staff_id)
    dialog.set_days(monday, monday + timedelta(days=2))
    dialog.reason.setText("Conference")
    assert "(3 days)" in dialog.summary.text()
    with qtbot.waitSignal(events().data_changed) as changed:
        dialog.accept()
    assert changed.args == ["schedule_settings", []]
    assert dialog.result() == dialog.DialogCode.Accepted.value
    assert _absences(scheduled) == [
        ("Dana Lee", _local(monday, 0), _local(monday + timedelta(days=3), 0), "Conference")
    ]
    assert dialog.notice().startswith("Time off recorded for Dana Lee: Mon ")
    assert "(3 days)" in dialog.notice() and "Schedule" not in dialog.notice()  # none displaced


def test_part_of_a_day_starts_from_the_clinics_hours_that_day(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    saturday = _monday_after_next(scheduled) + timedelta(days=5)
    dialog = _dialog(qtbot, scheduled, staff_id=scheduled.kim.staff_id, day=saturday)
    dialog.all_day.setChecked(False)
    assert dialog.from_time.isVisibleTo(dialog) and dialog.until_time.isVisibleTo(dialog)
    # The seeded Saturday hours (08:00-13:00), not the weekday ones.
    assert (dialog.from_time.value(), dialog.until_time.value()) == (time(8), time(13))
    dialog.from_time.set_value(time(10, 30))
    assert "10:30 – 13:00 (2 h 30 min)" in dialog.summary.text()
    dialog.accept()
    assert _absences(scheduled) == [
        ("Brian Kim", _local(saturday, 10, 30), _local(saturday, 13), "")
    ]


def test_an_absence_over_a_clock_change_keeps_its_wall_clock_times(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    # Chicago moves its clocks forward on the second Sunday of March: Saturday 09:00 to Monday
    # 09:00 is 47 real hours, and both ends must stay at 09:00 on the clinic's clock.
    year = clinic_today(scheduled.db).year + 1
    second_sunday = next(date(year, 3, d) for d in range(8, 15) if date(year, 3, d).weekday() == 6)
    dialog = _dialog(qtbot, scheduled, staff_id=scheduled.lee.staff_id)
    dialog.all_day.setChecked(False)
    dialog.set_days(second_sunday - timedelta(days=1), second_sunday + timedelta(days=1))
    dialog.from_time.set_value(time(9))
    dialog.until_time.set_value(time(9))
    start, end = dialog.span()
    assert start.tzinfo is not None and end - start == timedelta(hours=47)
    assert start.astimezone(CHICAGO).time() == end.astimezone(CHICAGO).time() == time(9)
    assert start.utcoffset() == timedelta(0)  # UTC for the service


def test_an_end_before_the_start_is_refused_beside_until(qtbot: QtBot, scheduled: Clinic) -> None:
    monday = _monday_after_next(scheduled)
    dialog = _dialog(qtbot, scheduled, staff_id=scheduled.lee.staff_id, day=monday)
    dialog.all_day.setChecked(False)
    dialog.from_time.set_value(time(15))
    dialog.until_time.set_value(time(9))
    assert dialog.summary.isHidden()  # nothing sensible to describe
    dialog.accept()
    assert dialog.fields.message("ends_at") == "⚠ The absence must end after it starts."
    assert dialog.until_time.value() == time(9)  # kept to be corrected
    assert _absences(scheduled) == []


def test_a_long_reason_is_refused_beside_the_reason(qtbot: QtBot, scheduled: Clinic) -> None:
    dialog = _dialog(qtbot, scheduled, staff_id=scheduled.lee.staff_id)
    dialog.reason.setText("x" * 130)
    dialog.accept()
    assert "under 120 characters" in dialog.fields.message("reason")
    assert _absences(scheduled) == []


def test_moving_the_first_day_past_the_last_drags_the_last_along(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    monday = _monday_after_next(scheduled)
    dialog = _dialog(qtbot, scheduled, day=monday)
    dialog.from_date.setDate(dialog.from_date.date().addDays(3))
    assert dialog.until_date.date() == dialog.from_date.date()


def test_booked_visits_in_the_absence_are_counted_for_the_front_desk(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    # The front desk records a sick day (the service allows it), with two of Dana Lee's visits
    # already booked that day and one of Brian Kim's, which is not affected.
    monday = _monday_after_next(scheduled)
    visits = ((9, scheduled.lee, scheduled.ortiz), (11, scheduled.lee, scheduled.ortiz))
    for hour, therapist, patient in (*visits, (9, scheduled.kim, scheduled.chen)):
        request = scheduled.request(_local(monday, hour), therapist=therapist, patient=patient)
        booking.book(scheduled.db, scheduled.desk, request)
    dialog = _dialog(qtbot, scheduled, scheduled.desk, staff_id=scheduled.lee.staff_id, day=monday)
    dialog.reason.setText("Sick")
    dialog.accept()
    assert dialog.displaced == schedule_settings.Displaced(2)
    assert dialog.notice().endswith(
        "⚠ 2 booked visits fall in this absence — move them in the Schedule."
    )


def test_time_edits_step_by_a_quarter_hour(qtbot: QtBot, scheduled: Clinic) -> None:
    dialog = _dialog(qtbot, scheduled)
    edit = dialog.from_time
    assert edit.displayFormat() == "HH:mm"
    edit.set_value(time(7, 0))
    edit.setCurrentSection(QDateTimeEdit.Section.MinuteSection)
    edit.stepBy(1)
    assert (edit.value(), edit.text()) == (time(7, 15), "07:15")
    edit.set_value(time(7, 7))
    edit.setCurrentSection(QDateTimeEdit.Section.MinuteSection)
    edit.stepBy(1)
    assert edit.value() == time(7, 15)  # a typed odd minute steps to the next quarter
    edit.set_value(time(7, 7))
    edit.setCurrentSection(QDateTimeEdit.Section.MinuteSection)
    edit.stepBy(-1)
    assert edit.value() == time(7, 0)
    edit.setCurrentSection(QDateTimeEdit.Section.MinuteSection)
    edit.stepBy(-4)
    assert edit.value() == time(6, 0)
    edit.set_value(time(23, 30))
    edit.setCurrentSection(QDateTimeEdit.Section.MinuteSection)
    edit.stepBy(5)
    assert edit.value() == time(23, 45)  # never wraps round to the morning
    edit.setCurrentSection(QDateTimeEdit.Section.HourSection)
    edit.set_value(time(9, 30))
    edit.stepBy(1)
    assert edit.value() == time(10, 30)  # the hours still step by the hour


def test_keyboard_alone_enter_saves_and_escape_cancels(qtbot: QtBot, scheduled: Clinic) -> None:
    dialog = _dialog(qtbot, scheduled)
    dialog.show()
    window = dialog.windowHandle()
    window.requestActivate()  # key presses only reach the active window
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is window)
    assert QApplication.focusWidget() is dialog.who  # nobody chosen yet: start there
    qtbot.keyClick(dialog.who, Qt.Key.Key_Down)  # the first clinician, Brian Kim
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.reason
    qtbot.keyClick(window, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.until_date  # the row's label reaches its date
    qtbot.keyClicks(dialog.reason, "Course")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted.value
    assert [a[0] for a in _absences(scheduled)] == ["Brian Kim"]

    other = _dialog(qtbot, scheduled, staff_id=scheduled.lee.staff_id)
    other.show()
    QTimer.singleShot(0, lambda: qtbot.keyClick(other, Qt.Key.Key_Escape))
    assert other.exec() == other.DialogCode.Rejected.value
    assert len(_absences(scheduled)) == 1


def test_a_preselected_clinician_starts_on_the_dates(qtbot: QtBot, scheduled: Clinic) -> None:
    dialog = _dialog(qtbot, scheduled, staff_id=scheduled.kim.staff_id)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.who.currentText() == "Brian Kim, PT, DPT"
    assert dialog.focusWidget() is dialog.from_date


def test_a_whole_time_can_be_typed_after_a_click_or_select_all(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    # Plain QTimeEdit refuses digits typed after a single click or over Ctrl+A's selection.
    dialog = _dialog(qtbot, scheduled, staff_id=scheduled.lee.staff_id)
    dialog.all_day.setChecked(False)
    dialog.show()
    window = dialog.windowHandle()
    window.requestActivate()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is window)
    edit = dialog.from_time
    qtbot.mouseClick(edit.lineEdit(), Qt.MouseButton.LeftButton, pos=QPoint(6, 10))
    qtbot.keyClicks(edit, "1830")
    assert edit.value() == time(18, 30)
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, "0745")
    assert edit.value() == time(7, 45)
    dialog.from_date.setFocus()
    edit.setFocus(Qt.FocusReason.TabFocusReason)  # arriving by Tab selects the hours too
    qtbot.keyClicks(edit, "930")
    assert edit.value() == time(9, 30)
