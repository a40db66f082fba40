"""A visit of a series: asking which visits an action is for, cancelling this and the
following ones with the count and late cancels said first, and changing the whole series'
time with every move checked before saving."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, time, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QDialog, QLabel, QMessageBox, QRadioButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptclinic.models import Appointment
from ptclinic.services import booking, calendar, recurrence
from ptclinic.services.calendar import AppointmentView
from ptclinic.services.recurrence import Pick, SeriesRequest, WeeklyPattern
from ptclinic.services.series_changes import SeriesScope
from ptclinic.ui.events import events
from ptclinic.ui.schedule.form_parts import ScheduleChoices
from ptclinic.ui.schedule.series_change import (
    SAY_WHAT_CHANGES,
    SeriesCancelDialog,
    SeriesChangeDialog,
    SeriesScopeQuestion,
)
from tests.services.conftest import CHICAGO, MONDAY
from tests.ui.schedule.conftest import NOW, Clinic, at


def _day(n: int) -> date:
    return MONDAY + timedelta(days=n)


@pytest.fixture
def series(scheduled: Clinic) -> recurrence.BookedSeries:
    """Maria Ortiz with Dana Lee, Mondays and Thursdays at 10:00 for 3 weeks: 7, 10, 14, 17,
    21 and 24 December."""
    request = SeriesRequest(
        patient_id=scheduled.ortiz,
        therapist_id=scheduled.lee.staff_id,
        visit_type="follow_up",
        pattern=WeeklyPattern((0, 3), time(10), MONDAY, weeks=3),
    )
    preview = recurrence.preview_series(scheduled.db, scheduled.desk, request)
    picks = [Pick(visit.original_start) for visit in preview.visits]
    return recurrence.book_series(scheduled.db, scheduled.desk, request, picks)


def _view(clinic: Clinic, appointment_id: int) -> AppointmentView:
    view = calendar.appointment_view(clinic.db, clinic.desk, appointment_id)
    assert view is not None
    return view


def _visits(clinic: Clinic) -> list[tuple[str, str]]:
    """("Mon 07 10:00", status) of every visit, in clinic time."""
    with clinic.db.session() as session:
        rows = session.scalars(select(Appointment).order_by(Appointment.starts_at))
        return [(f"{a.starts_at.astimezone(CHICAGO):%a %d %H:%M}", a.status) for a in rows]


@pytest.fixture
def choices(scheduled: Clinic) -> ScheduleChoices:
    return ScheduleChoices(
        calendar.clinicians(scheduled.db, scheduled.desk),
        calendar.active_rooms(scheduled.db),
        calendar.visit_types(scheduled.db),
    )


@pytest.fixture
def make_change(
    qtbot: QtBot, scheduled: Clinic, choices: ScheduleChoices
) -> Iterator[Callable[..., SeriesChangeDialog]]:
    def make(view: AppointmentView, **kwargs: Any) -> SeriesChangeDialog:
        kwargs.setdefault("now", NOW)
        dialog = SeriesChangeDialog(scheduled.db, scheduled.desk, choices, CHICAGO, view, **kwargs)
        qtbot.addWidget(dialog)
        dialog.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
        dialog.show()
        return dialog

    yield make


def _choose(qtbot: QtBot, radio: QRadioButton) -> None:
    """Click the radio button's circle (its row is wider than what it answers to)."""
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert radio.isChecked()


def _type_time(qtbot: QtBot, dialog: SeriesChangeDialog, text: str) -> None:
    dialog.time_edit.setFocus()
    dialog.time_edit.lineEdit().selectAll()
    qtbot.keyClicks(dialog.time_edit, text)
    dialog.run_preview()  # what the dialog does a moment after the last change


# --- which visits -------------------------------------------------------------------------------


def test_the_scope_question_is_answered_with_arrows_and_enter(qtbot: QtBot) -> None:
    question = SeriesScopeQuestion("Move", summary="M. Ortiz · Follow-up")
    qtbot.addWidget(question)
    question.show()
    question.activateWindow()
    qtbot.waitUntil(question.isActiveWindow)
    assert question.windowTitle() == "Move a visit of a series"
    assert question.scope() == SeriesScope.ONE
    assert question.focusWidget() is question.radios[SeriesScope.ONE]
    qtbot.keyClick(question.radios[SeriesScope.ONE], Qt.Key.Key_Down)
    assert question.scope() == SeriesScope.FOLLOWING
    qtbot.keyClick(question.radios[SeriesScope.FOLLOWING], Qt.Key.Key_Return)
    assert question.result() == QDialog.DialogCode.Accepted.value

    other = SeriesScopeQuestion("Cancel")
    qtbot.addWidget(other)
    other.show()
    qtbot.keyClick(other, Qt.Key.Key_Escape)
    assert other.result() == QDialog.DialogCode.Rejected.value


# --- cancelling ---------------------------------------------------------------------------------


def test_cancelling_this_and_the_following_says_how_many_and_which_are_late(
    qtbot: QtBot, scheduled: Clinic, series: recurrence.BookedSeries
) -> None:
    fourth = series.appointment_ids[3]  # Thursday 17 December, 10:00
    now = at(_day(10), 9)  # an hour before it
    dialog = SeriesCancelDialog(
        scheduled.db, scheduled.desk, _view(scheduled, fourth), CHICAGO, now
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.focusWidget() in (dialog.reason, dialog.reason.lineEdit())
    assert dialog.count_line.text() == "1 visit will be cancelled: Thu Dec 17."
    assert dialog.late_notice.text().startswith("⚠ This is less than 24 hours before the visit")
    _choose(qtbot, dialog.radios[SeriesScope.FOLLOWING])
    assert dialog.count_line.text() == (
        "3 visits will be cancelled: Thu Dec 17, Mon Dec 21 and Thu Dec 24."
    )
    assert dialog.late_notice.text() == (
        "⚠ 1 of them is less than 24 hours away, so it will be recorded as a late cancellation."
    )
    assert dialog.ok_button.text() == "Cancel 3 &visits"
    dialog.accept()  # no reason yet
    assert dialog.fields.message("reason") == "⚠ Say why the visit is cancelled."
    assert {status for _, status in _visits(scheduled)} == {"scheduled"}

    qtbot.keyClicks(dialog.reason, "Moving away")
    with qtbot.waitSignal(events().data_changed) as signal:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted.value
    assert dialog.cancelled_ids == series.appointment_ids[3:]
    assert signal.args == ["appointment", list(series.appointment_ids[3:])]
    assert [status for _, status in _visits(scheduled)] == ["scheduled"] * 3 + ["cancelled"] * 3
    assert dialog.done_text() == (
        "M. Ortiz: 3 visits of the series cancelled (1 late); the slots are free."
    )
    with scheduled.db.session() as session:
        late = session.scalars(
            select(Appointment.late_cancel)
            .where(Appointment.id.in_(dialog.cancelled_ids))
            .order_by(Appointment.starts_at)
        ).all()
    assert late == [True, False, False]


def test_cancelling_the_whole_series_counts_every_visit_still_to_come(
    qtbot: QtBot, scheduled: Clinic, series: recurrence.BookedSeries
) -> None:
    first = series.appointment_ids[0]
    booking.set_status(scheduled.db, scheduled.desk, first, 1, booking.AppointmentStatus.CHECKED_IN)
    view = _view(scheduled, first)
    dialog = SeriesCancelDialog(
        scheduled.db, scheduled.desk, view, CHICAGO, at(_day(7), 9), scope=SeriesScope.ALL
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.count_line.text() == (
        "4 visits will be cancelled: Mon Dec 14, Thu Dec 17, Mon Dec 21 and Thu Dec 24."
    )
    _choose(qtbot, dialog.radios[SeriesScope.FOLLOWING])
    assert dialog.count_line.text().startswith("✗ This visit is already checked in")
    _choose(qtbot, dialog.radios[SeriesScope.ALL])
    dialog.reason.setCurrentText("Discharged")
    dialog.accept()
    assert [status for _, status in _visits(scheduled)] == ["checked_in", "scheduled"] + [
        "cancelled"
    ] * 4


# --- changing -----------------------------------------------------------------------------------


def test_changing_the_whole_series_time_checks_every_move_first(
    qtbot: QtBot,
    scheduled: Clinic,
    series: recurrence.BookedSeries,
    make_change: Callable[..., SeriesChangeDialog],
) -> None:
    dialog = make_change(_view(scheduled, series.appointment_ids[0]), scope=SeriesScope.ALL)
    assert dialog.focusWidget() in (dialog.time_edit, dialog.time_edit.lineEdit())
    assert dialog.weekdays.days() == (0, 3)  # the days the visits are on now
    assert dialog.hint.text() == SAY_WHAT_CHANGES and dialog.row_texts() == []
    _type_time(qtbot, dialog, "1400")
    rows = dialog.row_texts()
    assert len(rows) == 6
    assert rows[0] == "Mon Dec 7, 10:00 | Mon Dec 7, 14:00–14:45 | ✓ Free"
    assert dialog.save_button.text() == "Chan&ge 6 visits"
    with qtbot.waitSignal(events().data_changed) as signal:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted.value
    assert dialog.saved is not None and dialog.saved.moved == series.appointment_ids
    assert signal.args == ["appointment", list(series.appointment_ids)]
    assert {when[-5:] for when, _ in _visits(scheduled)} == {"14:00"}
    assert dialog.done_text() == "Changed 6 visits of M. Ortiz's series."


def test_this_and_the_following_move_to_other_days_with_another_therapist(
    qtbot: QtBot,
    scheduled: Clinic,
    series: recurrence.BookedSeries,
    make_change: Callable[..., SeriesChangeDialog],
) -> None:
    third = series.appointment_ids[2]  # Monday 14 December
    dialog = make_change(_view(scheduled, third), now=at(_day(6), 9))
    assert dialog.scope() == SeriesScope.FOLLOWING
    for day in (0, 1, 3, 4):  # Mondays and Thursdays → Tuesdays and Fridays
        qtbot.mouseClick(dialog.weekdays.boxes[day], Qt.MouseButton.LeftButton)
    dialog.therapist.setCurrentIndex(dialog.therapist.findData(scheduled.kim.staff_id))
    _type_time(qtbot, dialog, "14")
    assert dialog.row_texts()[0] == (
        "Mon Dec 14, 10:00 | Tue Dec 15, 14:00–14:45 | ✓ Free (with Brian Kim)"
    )
    dialog.save()
    assert _visits(scheduled) == [
        ("Mon 07 10:00", "scheduled"),
        ("Thu 10 10:00", "scheduled"),
        ("Tue 15 14:00", "scheduled"),
        ("Fri 18 14:00", "scheduled"),
        ("Tue 22 14:00", "scheduled"),
        ("Fri 25 14:00", "scheduled"),
    ]


def test_a_move_that_clashes_is_shown_and_nothing_changes(
    qtbot: QtBot,
    scheduled: Clinic,
    series: recurrence.BookedSeries,
    make_change: Callable[..., SeriesChangeDialog],
) -> None:
    booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(_day(14), 14), patient=scheduled.chen)
    )
    before = _visits(scheduled)
    dialog = make_change(_view(scheduled, series.appointment_ids[2]), now=at(_day(6), 9))
    _type_time(qtbot, dialog, "2:00 pm")
    assert dialog.row_texts()[2] == (
        "Mon Dec 21, 10:00 | Mon Dec 21, 14:00–14:45 | ✗ Dana Lee already sees W. Chen 14:00–14:45."
    )
    assert dialog.model.row(2).tone.value == "#a32020"
    assert "1 of them cannot" in dialog.tally.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.saved is None
    assert dialog.error_text() == (
        "⚠ Mon Dec 21, 10:00 cannot move there: change the time or the days, or move those "
        "visits one by one first. Nothing was changed."
    )
    assert _visits(scheduled) == before


def test_a_change_with_nothing_changed_says_what_to_do(
    scheduled: Clinic,
    series: recurrence.BookedSeries,
    make_change: Callable[..., SeriesChangeDialog],
) -> None:
    dialog = make_change(_view(scheduled, series.appointment_ids[0]))
    dialog.save()
    assert dialog.error_text() == "⚠ " + SAY_WHAT_CHANGES
    assert dialog.isVisible() and dialog.saved is None


def test_closing_a_half_made_change_asks_first(
    qtbot: QtBot,
    scheduled: Clinic,
    series: recurrence.BookedSeries,
    make_change: Callable[..., SeriesChangeDialog],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = make_change(_view(scheduled, series.appointment_ids[0]))
    dialog.reject()  # nothing changed: closes without a question
    assert not dialog.isVisible()
    before = _visits(scheduled)
    dialog = make_change(_view(scheduled, series.appointment_ids[0]))
    _type_time(qtbot, dialog, "1530")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(dialog, "ask_unsaved", lambda: answers.pop(0))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.saved is None
    assert _visits(scheduled) == before


def test_every_mnemonic_of_each_dialog_is_its_own(
    qtbot: QtBot,
    scheduled: Clinic,
    series: recurrence.BookedSeries,
    make_change: Callable[..., SeriesChangeDialog],
) -> None:
    view = _view(scheduled, series.appointment_ids[0])
    cancel = SeriesCancelDialog(scheduled.db, scheduled.desk, view, CHICAGO, NOW)
    qtbot.addWidget(cancel)
    question = SeriesScopeQuestion("Move")
    qtbot.addWidget(question)
    for dialog in (make_change(view), cancel, question):
        texts = [w.text() for w in dialog.findChildren(QLabel) if w.buddy() is not None]
        texts += [w.text() for w in dialog.findChildren(QAbstractButton)]
        letters = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
        assert len(letters) == len(set(letters)), sorted(letters)


def test_the_change_dialog_is_keyboard_friendly(
    qtbot: QtBot,
    scheduled: Clinic,
    series: recurrence.BookedSeries,
    make_change: Callable[..., SeriesChangeDialog],
) -> None:
    dialog = make_change(_view(scheduled, series.appointment_ids[0]))
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    for letter, field in (
        (Qt.Key.Key_W, dialog.radios[SeriesScope.ALL]),
        (Qt.Key.Key_L, dialog.minutes),
        (Qt.Key.Key_D, dialog.weekdays.boxes[0]),
        (Qt.Key.Key_T, dialog.therapist),
        (Qt.Key.Key_O, dialog.room),
        (Qt.Key.Key_C, dialog.table),
        (Qt.Key.Key_M, dialog.time_edit),
    ):
        qtbot.keyClick(dialog, letter, Qt.KeyboardModifier.AltModifier)
        focus = dialog.focusWidget()
        assert focus is field or field.isAncestorOf(focus), letter
    qtbot.waitUntil(lambda: dialog.scope() == SeriesScope.ALL)  # Alt+W clicked it, too
    _type_time(qtbot, dialog, "soon")
    assert dialog.hint.text().startswith("⚠ The time could not be read")
