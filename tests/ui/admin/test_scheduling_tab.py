"""The Scheduling tab of Administration: opening hours, visit types, working hours, time off and
closed days, on the scheduling tests' small clinic (Dana Lee and Brian Kim, Chicago, seeded hours
Mon-Fri 07:00-19:00 and Sat 08:00-13:00)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QDialog,
    QLineEdit,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from ptclinic.services import booking, calendar, schedule_settings, staff
from ptclinic.services.clinic import clinic_today
from ptclinic.services.schedule_settings import HoursBlock
from ptclinic.ui.admin import AdministrationPage
from ptclinic.ui.admin.absences_section import ClosedDayDialog
from ptclinic.ui.admin.scheduling_tab import SchedulingTab
from ptclinic.ui.admin.time_off_dialog import TimeOffDialog, clinician_choices
from ptclinic.ui.admin.visit_types_section import SWATCH, VisitTypeDialog, VisitTypesSection
from ptclinic.ui.date_field import DateField
from ptclinic.ui.events import events
from ptclinic.ui.resources import style_sheet
from tests.services.conftest import CHICAGO, Clinic, scheduled

__all__ = ["scheduled"]  # the small scheduled clinic fixture, shared with the service tests

SEEDED_WEEK = {day: (time(7), time(19)) for day in range(5)} | {5: (time(8), time(13)), 6: None}


@pytest.fixture
def tab(qtbot: QtBot, scheduled: Clinic) -> SchedulingTab:
    widget = SchedulingTab(scheduled.db, scheduled.admin)
    qtbot.addWidget(widget)
    return widget


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CHICAGO).astimezone(UTC)


def _monday_after_next(clinic: Clinic) -> date:
    today = clinic_today(clinic.db)
    return today + timedelta(days=14 - today.weekday())


def _drive(fill: Callable[[Any], None], seen: list[QDialog] | None = None) -> Callable[..., int]:
    """Stand-in for exec(): fill the dialog as a person would, press OK, report the result."""

    def run(dialog: QDialog) -> int:
        if seen is not None:
            seen.append(dialog)
        fill(dialog)
        dialog.accept()
        return dialog.result()

    return run


def _rows(model: Any) -> list[list[str]]:
    return [
        [str(model.index(r, c).data()) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _activate(qtbot: QtBot, widget: QWidget) -> None:
    widget.show()
    window = widget.windowHandle()
    window.requestActivate()  # shortcuts only reach the active window
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is window)


# --- the tab --------------------------------------------------------------------------------


def test_administrators_get_the_tab_and_the_page_asks_about_its_unsaved_hours(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    page = AdministrationPage(scheduled.db, scheduled.admin)
    qtbot.addWidget(page)
    assert "Scheduling" in page.tab_labels()
    assert page.scheduling_tab is not None and not page.has_unsaved_work()
    page.scheduling_tab.opening_hours.rows[0].closes.set_value(time(18))
    assert page.has_unsaved_work()
    page.scheduling_tab.opening_hours.reload()
    page.scheduling_tab.working_hours.add_shift()
    assert page.has_unsaved_work()


def test_front_desk_has_no_scheduling_tab(qtbot: QtBot, scheduled: Clinic) -> None:
    page = AdministrationPage(scheduled.db, scheduled.desk)
    qtbot.addWidget(page)
    assert page.scheduling_tab is None and "Scheduling" not in page.tab_labels()


def test_sections_switch_from_the_list_and_keep_unsaved_edits(
    qtbot: QtBot, tab: SchedulingTab
) -> None:
    assert [tab.section_label(n) for n in range(5)] == [
        "Opening hours",
        "Visit types",
        "Working hours",
        "Time off",
        "Closed days",
    ]
    _activate(qtbot, tab)
    tab.sections.setFocus()
    qtbot.keyClick(tab.sections, Qt.Key.Key_Down)
    assert tab.current_section() == tab.VISIT_TYPES
    tab.opening_hours.rows[5].open.setChecked(False)
    assert tab.section_label(tab.OPENING_HOURS) == "Opening hours (not saved)"
    tab.show_section(tab.CLOSED_DAYS)
    tab.show_section(tab.OPENING_HOURS)
    assert not tab.opening_hours.rows[5].open.isChecked() and tab.has_unsaved_work()
    tab.opening_hours.rows[5].open.setChecked(True)  # back as saved: nothing to ask about
    assert tab.section_label(tab.OPENING_HOURS) == "Opening hours"
    assert not tab.has_unsaved_work()


def test_every_section_fits_a_1366_by_768_screen_without_clipping(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    # The page's share of a 1366×768 window: less the navigation column, menu and status bar.
    page = AdministrationPage(scheduled.db, scheduled.admin)
    qtbot.addWidget(page)
    page.setStyleSheet(style_sheet())  # the clinic's sheet, as the app applies it
    page.resize(1100, 640)
    page.show()
    qtbot.waitExposed(page)
    tab = page.scheduling_tab
    assert tab is not None
    page.tabs.setCurrentWidget(tab)
    tab.working_hours.add_shift()
    tab.working_hours.add_shift()
    # The longest section name, marked as not saved, is not elided ("Working hours (not sa…").
    label = tab.section_label(tab.WORKING_HOURS)
    assert label.endswith("(not saved)")
    room = tab.sections.viewport().width() - 2 * 14  # the style sheet's item padding
    assert tab.sections.fontMetrics().horizontalAdvance(label) <= room
    for index in range(5):
        tab.show_section(index)
        QApplication.processEvents()
        shown = tab.stack.currentWidget()
        area = shown if isinstance(shown, QScrollArea) else None
        # Nothing scrolls sideways, and every button can be reached inside the page.
        if area is not None:
            assert area.horizontalScrollBar().maximum() == 0
        for button in shown.findChildren(QAbstractButton):
            if not button.isVisibleTo(page):
                continue
            if area is not None:
                area.ensureWidgetVisible(button)
                QApplication.processEvents()
            top_left = button.mapTo(page, QPoint(0, 0))
            assert page.rect().contains(QRect(top_left, button.size())), button.text()
            assert button.width() >= button.sizeHint().width(), button.text()  # no cut text
        _assert_fields_show_their_text(shown)


def _assert_fields_show_their_text(widget: QWidget) -> None:
    """Every time, date and number box has room for what it shows (a style sheet once left a
    spin box's text area one pixel wide)."""
    for box in widget.findChildren(QAbstractSpinBox):
        if box.isVisibleTo(widget):
            editor = box.lineEdit()
            assert editor.width() >= editor.fontMetrics().horizontalAdvance(box.text()), box.text()
    for field in widget.findChildren(DateField):
        if field.isVisibleTo(widget):
            room = field.width() - field.calendar_button.width()
            assert room >= field.fontMetrics().horizontalAdvance(field.text()), field.text()


# --- opening hours --------------------------------------------------------------------------


def test_opening_hours_show_the_saved_week(tab: SchedulingTab) -> None:
    section = tab.opening_hours
    assert section.values() == SEEDED_WEEK
    monday, sunday = section.rows[0], section.rows[6]
    assert monday.open.isChecked() and monday.opens.text() == "07:00"
    assert not sunday.open.isChecked()
    assert sunday.times.isHidden() and not sunday.closed.isHidden()
    assert sunday.closed.text() == "Closed"
    assert not section.has_unsaved_work()


def test_ticking_a_closed_day_open_offers_the_usual_hours(tab: SchedulingTab) -> None:
    sunday = tab.opening_hours.rows[6]
    sunday.open.setChecked(True)
    assert not sunday.times.isHidden() and sunday.closed.isHidden()
    assert sunday.value() == (time(7), time(19))  # the first open day's hours


def test_saving_opening_hours_changes_the_week_and_announces_it(
    qtbot: QtBot, tab: SchedulingTab, scheduled: Clinic
) -> None:
    section = tab.opening_hours
    section.rows[0].opens.set_value(time(8))
    section.rows[0].closes.set_value(time(17, 30))
    section.rows[5].open.setChecked(False)
    assert section.has_unsaved_work()
    _activate(qtbot, tab)
    section.rows[0].closes.setFocus()
    with qtbot.waitSignal(events().data_changed) as changed:
        qtbot.keyClick(section.rows[0].closes, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert changed.args == ["schedule_settings", []]
    saved = schedule_settings.opening_hours(scheduled.db)
    assert saved[0] == (time(8), time(17, 30)) and 5 not in saved and 6 not in saved
    assert section.message.text().startswith("✓ Opening hours saved")
    assert not section.has_unsaved_work()
    assert tab.section_label(tab.OPENING_HOURS) == "Opening hours"


def test_a_day_that_closes_before_it_opens_is_refused_on_that_row(
    tab: SchedulingTab, scheduled: Clinic
) -> None:
    section = tab.opening_hours
    tuesday = section.rows[1]
    tuesday.opens.set_value(time(18))
    tuesday.closes.set_value(time(9))
    section.save()
    assert not tuesday.error.isHidden()
    assert tuesday.error.text() == "⚠ On Tuesdays the clinic's day must end after it starts."
    assert tuesday.opens.property("invalid") is True
    assert section.rows[0].error.isHidden()
    assert schedule_settings.opening_hours(scheduled.db)[1] == (time(7), time(19))
    assert tuesday.value() == (time(18), time(9))  # kept to be corrected
    tuesday.closes.set_value(time(20))
    section.save()
    assert tuesday.error.isHidden() and tuesday.opens.property("invalid") is False


def test_a_typed_time_off_the_five_minute_mark_is_refused_in_words(
    qtbot: QtBot, tab: SchedulingTab, scheduled: Clinic
) -> None:
    section = tab.opening_hours
    _activate(qtbot, tab)
    section.rows[2].opens.setFocus()
    qtbot.keyClick(section.rows[2].opens, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(section.rows[2].opens, "0707")
    qtbot.keyClick(section.rows[2].opens, Qt.Key.Key_Return)  # Enter saves
    assert "5-minute mark" in section.rows[2].error.text()
    assert schedule_settings.opening_hours(scheduled.db)[2] == (time(7), time(19))


def test_reload_discards_the_edits(tab: SchedulingTab) -> None:
    section = tab.opening_hours
    section.rows[4].open.setChecked(False)
    section.reload()
    assert section.values() == SEEDED_WEEK and not section.has_unsaved_work()


def test_a_change_saved_elsewhere_shows_but_never_over_unsaved_edits(
    tab: SchedulingTab, scheduled: Clinic
) -> None:
    elsewhere = dict(SEEDED_WEEK) | {5: None}
    schedule_settings.set_opening_hours(scheduled.db, scheduled.admin, elsewhere)
    events().data_changed.emit("schedule_settings", [])
    assert tab.opening_hours.values() == elsewhere
    tab.opening_hours.rows[0].opens.set_value(time(9))
    schedule_settings.set_opening_hours(scheduled.db, scheduled.admin, SEEDED_WEEK)
    events().data_changed.emit("schedule_settings", [])
    assert tab.opening_hours.rows[0].opens.value() == time(9)  # the edit is kept


# --- visit types ----------------------------------------------------------------------------


def test_visit_types_are_listed_with_length_swatch_and_offered(
    qtmodeltester: Any, tab: SchedulingTab
) -> None:
    model = tab.visit_types.model
    qtmodeltester.check(model)
    assert _rows(model)[:2] == [
        ["Initial evaluation", "60 min", "Blue", "✓ Offered"],
        ["Follow-up", "45 min", "Green", "✓ Offered"],
    ]
    chip = model.index(0, model.COLOUR).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(chip, QIcon) and not chip.isNull()
    # The chip keeps its tint on the selected (teal) row.
    selected = chip.pixmap(SWATCH, QIcon.Mode.Selected).toImage().pixelColor(15, 9)
    assert selected.name() == "#cfe3f7"
    assert model.index(0, model.NAME).data(Qt.ItemDataRole.DecorationRole) is None


def test_editing_a_visit_type_saves_its_length_colour_and_whether_offered(
    qtbot: QtBot, tab: SchedulingTab, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = tab.visit_types
    section.select("discharge")

    def fill(dialog: VisitTypeDialog) -> None:
        assert dialog.label.text() == "Discharge visit" and dialog.minutes.value() == 45
        dialog.label.setText("Discharge")
        dialog.minutes.stepBy(-3)  # steps of 5 minutes
        dialog.colour.setCurrentIndex(dialog.colour.findText("Teal"))
        dialog.active.setChecked(False)
        assert "Discharge · 30 min" in dialog.preview.text()

    monkeypatch.setattr(section, "exec_dialog", _drive(fill))
    with qtbot.waitSignal(events().data_changed) as changed:
        section.edit()
    assert changed.args == ["schedule_settings", []]
    assert ["Discharge", "30 min", "Teal", "✗ Not offered"] in _rows(section.model)
    assert "discharge" not in {v.code for v in calendar.visit_types(scheduled.db)}
    every = {v.code: v for v in calendar.visit_types(scheduled.db, include_inactive=True)}
    assert (every["discharge"].default_minutes, every["discharge"].colour) == (30, "#cdeceb")
    assert "no longer offered" in section.message.text()
    selected = section.selected()
    assert selected is not None and selected.info.code == "discharge"


def test_visit_type_mistakes_are_shown_beside_their_fields(
    tab: SchedulingTab, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = tab.visit_types
    section.select("follow_up")
    seen: list[QDialog] = []

    def fill(dialog: VisitTypeDialog) -> None:
        dialog.label.setText("  ")
        dialog.minutes.lineEdit().setText("47 min")  # typed, not stepped
        dialog.minutes.interpretText()

    def run(dialog: QDialog) -> int:
        _drive(fill, seen)(dialog)
        assert isinstance(dialog, VisitTypeDialog)
        assert "name of up to 60 characters" in dialog.fields.message("label")
        assert "in steps of 5 minutes" in dialog.fields.message("default_minutes")
        dialog.label.setText("Re-evaluation")  # taken by another type
        dialog.minutes.setValue(50)
        dialog.accept()
        assert "already called “Re-evaluation”" in dialog.fields.message("label")
        return dialog.result()  # the person then cancels

    monkeypatch.setattr(section, "exec_dialog", run)
    section.edit()
    assert seen and seen[0].result() != QDialog.DialogCode.Accepted.value
    follow_up = {v.code: v for v in calendar.visit_types(scheduled.db)}["follow_up"]
    assert (follow_up.label, follow_up.default_minutes) == ("Follow-up", 45)


def test_another_colour_comes_from_the_colour_dialog(
    qtbot: QtBot, scheduled: Clinic, tab: SchedulingTab
) -> None:
    row = tab.visit_types.model.record(0)
    dialog = VisitTypeDialog(scheduled.db, scheduled.admin, row)
    qtbot.addWidget(dialog)
    dialog.ask_colour = lambda _current: "#A0C0E0"  # type: ignore[method-assign]
    dialog.other_colour.click()
    assert dialog.colour.currentText() == "Custom #a0c0e0"
    dialog.ask_colour = lambda _current: None  # type: ignore[method-assign]
    dialog.other_colour.click()  # cancelled: the colour stays
    assert dialog.chosen_colour() == "#a0c0e0"
    dialog.accept()
    first = calendar.visit_types(scheduled.db)[0]
    assert first.colour == "#a0c0e0"


def test_the_dialogs_fields_show_their_values(qtbot: QtBot, scheduled: Clinic) -> None:
    monday = _monday_after_next(scheduled)
    section = VisitTypesSection(scheduled.db, scheduled.admin)
    qtbot.addWidget(section)
    people = clinician_choices(scheduled.db)
    for dialog in (
        VisitTypeDialog(scheduled.db, scheduled.admin, section.model.record(0)),
        TimeOffDialog(scheduled.db, scheduled.admin, people, staff_id=people[0].id, day=monday),
        ClosedDayDialog(scheduled.db, scheduled.admin, {}, set()),
    ):
        qtbot.addWidget(dialog)
        dialog.setStyleSheet(style_sheet())  # the clinic's sheet, as the app applies it
        if isinstance(dialog, TimeOffDialog):
            dialog.all_day.setChecked(False)
        dialog.show()
        qtbot.waitExposed(dialog)
        _assert_fields_show_their_text(dialog)
        for button in dialog.findChildren(QAbstractButton):
            if isinstance(button.parentWidget(), QLineEdit):
                continue  # an icon button in a line edit (a date's calendar): sized by it
            assert button.width() >= button.sizeHint().width(), button.text()


def test_enter_on_a_visit_type_row_opens_it(
    qtbot: QtBot, tab: SchedulingTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QDialog] = []
    monkeypatch.setattr(tab.visit_types, "exec_dialog", lambda d: opened.append(d) or 0)
    tab.show_section(tab.VISIT_TYPES)
    _activate(qtbot, tab)
    tab.visit_types.table.setFocus()
    qtbot.keyClick(tab.visit_types.table, Qt.Key.Key_Return)
    assert len(opened) == 1 and isinstance(opened[0], VisitTypeDialog)


# --- working hours --------------------------------------------------------------------------


def test_a_clinician_without_shifts_works_whenever_the_clinic_is_open(
    tab: SchedulingTab,
) -> None:
    section = tab.working_hours
    assert section.who.currentText() == "Brian Kim, PT, DPT"
    assert section.rows == [] and not section.empty.isHidden()
    assert section.empty.text() == "Works whenever the clinic is open."
    assert "Mon–Fri 07:00–19:00 · Sat 08:00–13:00 · Sun closed" in section.clinic_hours.text()


def test_adding_shifts_follows_on_day_by_day_and_saves(
    qtbot: QtBot, tab: SchedulingTab, scheduled: Clinic
) -> None:
    section = tab.working_hours
    section.choose(scheduled.lee.staff_id)
    section.add_shift()
    section.rows[0].starts.set_value(time(8))
    section.rows[0].ends.set_value(time(16))
    section.add_shift()
    section.add_shift()
    assert [row.block() for row in section.rows] == [
        HoursBlock(day, time(8), time(16)) for day in range(3)
    ]
    assert section.empty.isHidden()
    assert tab.section_label(tab.WORKING_HOURS) == "Working hours (not saved)"
    section.remove_shift(section.rows[1])
    _activate(qtbot, tab)
    tab.show_section(tab.WORKING_HOURS)
    section.rows[1].ends.setFocus()
    with qtbot.waitSignal(events().data_changed) as changed:
        qtbot.keyClick(section.rows[1].ends, Qt.Key.Key_Return)  # Enter saves
    assert changed.args == ["schedule_settings", []]
    assert schedule_settings.working_hours(scheduled.db, scheduled.lee.staff_id) == [
        HoursBlock(0, time(8), time(16)),
        HoursBlock(2, time(8), time(16)),
    ]
    assert "Working hours saved for Dana Lee" in section.message.text()
    assert not section.has_unsaved_work()


def test_tab_goes_down_the_shifts_in_order(qtbot: QtBot, tab: SchedulingTab) -> None:
    section = tab.working_hours
    section.add_shift()
    section.add_shift()
    tab.show_section(tab.WORKING_HOURS)
    _activate(qtbot, tab)
    section.who.setFocus()
    qtbot.keyClick(section.who, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is section.rows[0].day
    qtbot.keyClick(section.rows[0].day, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is section.rows[0].starts
    section.rows[1].remove.setFocus()
    qtbot.keyClick(section.rows[1].remove, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is section.add_button
    qtbot.keyClick(section.add_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is section.save_button


def test_removing_every_shift_saves_whenever_open(tab: SchedulingTab, scheduled: Clinic) -> None:
    lee = scheduled.lee.staff_id
    schedule_settings.set_working_hours(
        scheduled.db, scheduled.admin, lee, [HoursBlock(0, time(8), time(12))]
    )
    section = tab.working_hours
    section.choose(lee)
    assert len(section.rows) == 1
    section.remove_shift(section.rows[0])
    assert not section.empty.isHidden()
    assert section.save()
    assert schedule_settings.working_hours(scheduled.db, lee) == []
    assert "works whenever the clinic is open" in section.message.text()


def test_shift_mistakes_are_shown_in_words(tab: SchedulingTab, scheduled: Clinic) -> None:
    section = tab.working_hours
    section.add_shift()
    section.add_shift()
    section.rows[1].day.setCurrentIndex(0)  # two Monday shifts, the second overlapping
    section.rows[1].starts.set_value(time(12))
    assert not section.save()
    assert "Two shifts on Mondays overlap; join them into one." in section.message.text()
    section.rows[1].starts.set_value(time(20))
    section.rows[1].ends.set_value(time(19))
    assert not section.save()
    assert section.rows[1].error.text() == "⚠ On Mondays a shift must end after it starts."
    assert section.rows[0].error.isHidden()
    assert schedule_settings.working_hours(scheduled.db, scheduled.kim.staff_id) == []
    assert len(section.rows) == 2  # the edits stay to be corrected


@pytest.mark.parametrize(
    ("answer", "shown", "saved"),
    [("cancel", "Brian Kim", []), ("discard", "Dana Lee", []), ("save", "Dana Lee", [0])],
)
def test_choosing_another_clinician_asks_about_unsaved_shifts(
    tab: SchedulingTab,
    scheduled: Clinic,
    monkeypatch: pytest.MonkeyPatch,
    answer: str,
    shown: str,
    saved: list[int],
) -> None:
    section = tab.working_hours
    asked: list[str] = []
    monkeypatch.setattr(section, "ask_unsaved", lambda name: asked.append(name) or answer)
    section.add_shift()
    section.choose(scheduled.lee.staff_id)
    assert asked == ["Brian Kim"]
    assert section.who.currentText().startswith(shown)
    kim_week = schedule_settings.working_hours(scheduled.db, scheduled.kim.staff_id)
    assert [b.weekday for b in kim_week] == saved
    assert (len(section.rows) == 1) is (answer == "cancel")  # cancel keeps the edit on screen


def test_the_clinician_list_follows_staff_changes(tab: SchedulingTab, scheduled: Clinic) -> None:
    section = tab.working_hours
    section.choose(scheduled.lee.staff_id)
    staff.set_active(scheduled.db, scheduled.admin, "dlee", False)
    events().data_changed.emit("staff", [scheduled.lee.staff_id])
    assert [section.who.itemText(i) for i in range(section.who.count())] == ["Brian Kim, PT, DPT"]
    assert section.staff_id() == scheduled.kim.staff_id


# --- time off -------------------------------------------------------------------------------


def test_time_off_lists_upcoming_absences_in_clinic_time(
    tab: SchedulingTab, scheduled: Clinic
) -> None:
    monday = _monday_after_next(scheduled)
    db, desk = scheduled.db, scheduled.desk
    schedule_settings.add_time_off(
        db, desk, scheduled.lee.staff_id, _local(monday, 0), _local(monday + timedelta(3), 0), ""
    )
    schedule_settings.add_time_off(
        db, desk, scheduled.kim.staff_id, _local(monday, 13), _local(monday, 17, 30), "Dentist"
    )
    events().data_changed.emit("schedule_settings", [])
    rows = _rows(tab.time_off.model)
    mon, wed = (f"{d:%b} {d.day}, {d.year}" for d in (monday, monday + timedelta(2)))
    assert rows == [
        ["Dana Lee", f"Mon {mon}", f"Wed {wed}", "3 days", "—"],
        ["Brian Kim", f"Mon {mon} 13:00", f"Mon {mon} 17:30", "4 h 30 min", "Dentist"],
    ]
    assert tab.time_off.empty.isHidden() and not tab.time_off.table.isHidden()


def test_an_empty_time_off_list_says_so(tab: SchedulingTab) -> None:
    assert tab.time_off.model.rowCount() == 0
    assert not tab.time_off.empty.isHidden() and tab.time_off.table.isHidden()
    assert not tab.time_off.remove_button.isEnabled()


def test_adding_time_off_tells_how_many_visits_to_move(
    tab: SchedulingTab, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monday = _monday_after_next(scheduled)
    booking.book(scheduled.db, scheduled.desk, scheduled.request(_local(monday, 10)))
    booking.book(
        scheduled.db,
        scheduled.desk,
        scheduled.request(_local(monday, 14), patient=scheduled.chen),
    )

    def fill(dialog: TimeOffDialog) -> None:
        dialog.who.setCurrentIndex(dialog.who.findData(scheduled.lee.staff_id))
        dialog.set_days(monday, monday)

    monkeypatch.setattr(tab.time_off, "exec_dialog", _drive(fill))
    tab.time_off.add()
    assert [r[0] for r in _rows(tab.time_off.model)] == ["Dana Lee"]
    assert tab.time_off.message.text().endswith(
        "⚠ 2 booked visits fall in this absence — move them in the Schedule."
    )
    selected = tab.time_off.selected()
    assert selected is not None and selected.staff_name == "Dana Lee"


def test_removing_time_off_asks_first(
    qtbot: QtBot, tab: SchedulingTab, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monday = _monday_after_next(scheduled)
    schedule_settings.add_time_off(
        scheduled.db, scheduled.admin, scheduled.lee.staff_id, _local(monday, 9), _local(monday, 12)
    )
    section = tab.time_off
    section.refresh()
    section.select(lambda _record: True)
    questions: list[str] = []
    monkeypatch.setattr(section, "ask", lambda _t, text, _yes: questions.append(text) or False)
    tab.show_section(tab.TIME_OFF)
    _activate(qtbot, tab)
    section.table.setFocus()
    qtbot.keyClick(section.table, Qt.Key.Key_Delete)  # like Remove…
    assert "Remove Dana Lee's time off" in questions[0] and section.model.rowCount() == 1
    monkeypatch.setattr(section, "ask", lambda *_args: True)
    section.remove_button.click()
    assert section.model.rowCount() == 0
    assert schedule_settings.list_time_off(scheduled.db, scheduled.admin) == []
    assert section.message.text().startswith("✓ Removed Dana Lee's time off")


# --- closed days ----------------------------------------------------------------------------


def test_closing_a_day_lists_it_and_tells_how_many_visits_to_move(
    qtbot: QtBot, tab: SchedulingTab, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monday = _monday_after_next(scheduled)
    booking.book(scheduled.db, scheduled.desk, scheduled.request(_local(monday, 10)))

    def fill(dialog: ClosedDayDialog) -> None:
        dialog.day.setDate(dialog.day.date().addDays((monday - clinic_today(scheduled.db)).days))
        dialog.reason.setText("Staff training")

    monkeypatch.setattr(tab.closed_days, "exec_dialog", _drive(fill))
    with qtbot.waitSignal(events().data_changed) as changed:
        tab.closed_days.add()
    assert changed.args == ["schedule_settings", []]
    assert _rows(tab.closed_days.model) == [
        [f"Mon {monday:%b} {monday.day}, {monday.year}", "Staff training"]
    ]
    assert tab.closed_days.message.text().endswith(
        "(Staff training).\n⚠ 1 booked visit falls on this closed day — move it in the Schedule."
    )


def test_the_closed_day_dialog_says_when_a_day_is_closed_already(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    monday = _monday_after_next(scheduled)
    dialog = ClosedDayDialog(scheduled.db, scheduled.admin, {monday: "Flood"}, {6})
    qtbot.addWidget(dialog)
    offset = (monday - clinic_today(scheduled.db)).days
    dialog.day.setDate(dialog.day.date().addDays(offset))
    assert dialog.note.text() == "Already closed (Flood); saving changes the reason."
    dialog.day.setDate(dialog.day.date().addDays(6))
    assert dialog.note.text() == "The clinic is closed on Sundays anyway."
    dialog.day.setDate(dialog.day.date().addDays(1))
    assert dialog.note.isHidden()


def test_removing_a_closed_day_asks_first(
    tab: SchedulingTab, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monday = _monday_after_next(scheduled)
    schedule_settings.add_closed_day(scheduled.db, scheduled.admin, monday, "Flood")
    section = tab.closed_days
    section.refresh()
    section.select(lambda _day: True)
    monkeypatch.setattr(section, "ask", lambda *_args: False)
    section.remove()
    assert section.model.rowCount() == 1
    monkeypatch.setattr(section, "ask", lambda *_args: True)
    section.remove()
    assert schedule_settings.closed_days(scheduled.db, monday, monday) == []
    assert "no longer a closed day" in section.message.text()
    assert not section.empty.isHidden()


def test_a_refusal_is_said_in_plain_words_and_the_list_refreshed(
    tab: SchedulingTab, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    monday = _monday_after_next(scheduled)
    schedule_settings.add_closed_day(scheduled.db, scheduled.admin, monday, "")
    section = tab.closed_days
    section.refresh()
    section.select(lambda _day: True)
    schedule_settings.remove_closed_day(scheduled.db, scheduled.admin, monday)  # another desk
    monkeypatch.setattr(section, "ask", lambda *_args: True)
    section.remove()
    assert section.message.is_error()
    assert section.message.text() == "⚠ That day is not marked as closed."
    assert section.model.rowCount() == 0
