"""Another time for one visit of a series: suggestions per therapist, a typed time checked by
the booking service, and a time chosen before kept when the picker opens again."""

from __future__ import annotations

from datetime import time, timedelta

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ptclinic.services import booking, calendar
from ptclinic.services.booking import BookingCheck
from ptclinic.ui.schedule.form_parts import ScheduleChoices
from ptclinic.ui.schedule.series_picker import Alternative, AlternativePicker
from tests.services.conftest import CHICAGO, MONDAY
from tests.ui.schedule.conftest import NOW, Clinic, at

THURSDAY = MONDAY + timedelta(days=3)


def _picker(qtbot: QtBot, clinic: Clinic, **kwargs: object) -> AlternativePicker:
    choices = ScheduleChoices(
        calendar.clinicians(clinic.db, clinic.desk),
        calendar.active_rooms(clinic.db),
        calendar.visit_types(clinic.db),
    )
    planned = clinic.request(at(THURSDAY, 10))
    picker = AlternativePicker(
        clinic.db, clinic.desk, choices, CHICAGO, planned, "✗ Busy.", now=NOW, **kwargs
    )  # type: ignore[arg-type]
    qtbot.addWidget(picker)
    picker.show()
    return picker


def test_suggestions_follow_the_therapist_chosen(qtbot: QtBot, scheduled: Clinic) -> None:
    booking.book(
        scheduled.db,
        scheduled.desk,
        scheduled.request(at(THURSDAY, 10), therapist=scheduled.kim, patient=scheduled.chen),
    )
    picker = _picker(qtbot, scheduled)
    first = picker.suggestions.item(0).text()
    assert first.endswith("with Dana Lee") and picker.focusWidget() is picker.suggestions
    picker.therapist.setCurrentIndex(picker.therapist.findData(scheduled.kim.staff_id))
    texts = [picker.suggestions.item(n).text() for n in range(picker.suggestions.count())]
    assert texts and all(text.endswith("with Brian Kim") for text in texts)
    assert "Thu Dec 10, 10:00–10:45 with Brian Kim" not in texts  # he sees W. Chen then
    picker.time_edit.set_time(time(10))
    picker.run_check()
    assert picker.check_text() == "✗ Brian Kim already sees W. Chen 10:00–10:45."
    picker.accept()
    assert picker.result() != QDialog.DialogCode.Accepted.value and picker.alternative is None


def test_a_time_chosen_before_is_kept_and_hours_are_said_in_amber(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    evening = at(THURSDAY, 18, 30)
    chosen = Alternative(evening, scheduled.lee.staff_id, "Dana Lee", BookingCheck())
    picker = _picker(qtbot, scheduled, current=chosen)
    assert picker.time_edit.currentText() == "18:30"
    assert picker.notice_label.text().startswith("⚠ The clinic is open 07:00–19:00")
    assert picker.notice_label.objectName() == "formNotice"
    picker.accept()  # outside the hours: chosen, an administrator signs when booking
    assert picker.alternative is not None
    assert picker.alternative.starts_at == evening
    assert picker.alternative.check.outside_hours is not None


def test_the_series_own_visits_are_never_suggested_and_a_typed_one_is_a_clash(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    friday_ten = at(THURSDAY + timedelta(days=1), 10)
    own = [(friday_ten, friday_ten + timedelta(minutes=45))]
    open_picker = _picker(qtbot, scheduled)
    suggested = [
        open_picker.suggestions.item(n).text() for n in range(open_picker.suggestions.count())
    ]
    assert "Fri Dec 11, 10:00–10:45 with Dana Lee" in suggested  # free in the database
    picker = _picker(qtbot, scheduled, taken=own)
    texts = [picker.suggestions.item(n).text() for n in range(picker.suggestions.count())]
    assert texts and not any(text.startswith("Fri Dec 11, 10:00") for text in texts)
    picker.date_edit.setDate(picker.date_edit.date().addDays(1))
    picker.time_edit.set_time(time(10, 15))
    picker.run_check()
    assert picker.check_text() == "✗ Another visit of this series is on Fri Dec 11, 10:00."
    picker.accept()
    assert picker.alternative is None
