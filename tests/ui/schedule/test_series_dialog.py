"""The series dialog: a weekly pattern read back in words, every visit checked before booking,
another time for a clash, visits skipped, all or nothing, and nothing lost or written by
accident."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptclinic.models import Appointment, AppointmentSeries, ClosedDay, EpisodeOfCare
from ptclinic.services import booking, calendar
from ptclinic.services.schedule_view import AppointmentStatus
from ptclinic.ui.events import events
from ptclinic.ui.schedule.form_parts import (
    NEEDS_ADMINISTRATOR,
    NEEDS_CONFIRMATION,
    ScheduleChoices,
)
from ptclinic.ui.schedule.series_dialog import LIST_CHANGED, SeriesDialog
from ptclinic.ui.schedule.series_picker import AlternativePicker
from tests.conftest import PASSWORD
from tests.services.conftest import CHICAGO, MONDAY
from tests.ui.schedule.conftest import NOW, Clinic, at

MakeDialog = Callable[..., SeriesDialog]
THURSDAY = 3


@pytest.fixture
def make_dialog(qtbot: QtBot, scheduled: Clinic) -> Iterator[MakeDialog]:
    choices = ScheduleChoices(
        calendar.clinicians(scheduled.db, scheduled.desk),
        calendar.active_rooms(scheduled.db),
        calendar.visit_types(scheduled.db),
    )

    def make(**kwargs: Any) -> SeriesDialog:
        kwargs.setdefault("starts_at", at(MONDAY, 10))
        kwargs.setdefault("therapist_id", scheduled.lee.staff_id)
        dialog = SeriesDialog(scheduled.db, scheduled.desk, choices, CHICAGO, now=NOW, **kwargs)
        qtbot.addWidget(dialog)
        # Closing at the end of a test must not stop at "Book this series before closing?".
        dialog.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
        dialog.show()
        return dialog

    yield make


def _choose_patient(qtbot: QtBot, dialog: SeriesDialog, text: str = "ortiz") -> None:
    dialog.picker.search.setFocus()
    qtbot.keyClicks(dialog.picker.search, text)
    qtbot.waitUntil(lambda: not dialog.picker.results.isHidden(), timeout=2000)
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)


def _tick(qtbot: QtBot, dialog: SeriesDialog, weekday: int) -> None:
    qtbot.mouseClick(dialog.repeat.weekdays.boxes[weekday], Qt.MouseButton.LeftButton)


def _type_number(qtbot: QtBot, spin: Any, value: int) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, str(value))


def _mondays_and_thursdays(qtbot: QtBot, dialog: SeriesDialog, weeks: int = 6) -> None:
    _choose_patient(qtbot, dialog)
    dialog.visit_type.setCurrentIndex(dialog.visit_type.findData("follow_up"))
    _tick(qtbot, dialog, THURSDAY)
    if weeks != 6:
        _type_number(qtbot, dialog.repeat.weeks, weeks)
    dialog.run_preview()  # what the dialog does a moment after the last change


def _series_visits(clinic: Clinic) -> list[tuple[str, str, int | None]]:
    """("Mon 07 Dec 10:00", status, series id) of every appointment, in clinic time."""
    with clinic.db.session() as session:
        rows = session.scalars(select(Appointment).order_by(Appointment.starts_at))
        return [
            (f"{a.starts_at.astimezone(CHICAGO):%a %d %b %H:%M}", a.status, a.series_id)
            for a in rows
        ]


def _series_count(clinic: Clinic) -> int:
    with clinic.db.session() as session:
        return len(session.scalars(select(AppointmentSeries)).all())


def _driving(fill: Callable[[AlternativePicker], None]) -> Callable[[AlternativePicker], int]:
    def run(picker: AlternativePicker) -> int:
        fill(picker)
        return picker.result()

    return run


def test_mondays_and_thursdays_at_ten_for_six_weeks_books_twelve_visits(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    dialog = make_dialog()
    assert dialog.focusWidget() is dialog.picker.search
    assert dialog.repeat.weekdays.days() == (0,)  # the start's weekday
    assert dialog.rule_text() == (
        "Mondays at 10:00, 6 visits from Mon 07 Dec 2026 to Mon 11 Jan 2027."
    )
    _mondays_and_thursdays(qtbot, dialog)
    assert dialog.rule_text() == (
        "Mondays and Thursdays at 10:00, 12 visits from Mon 07 Dec 2026 to Thu 14 Jan 2027."
    )
    rows = dialog.row_texts()
    assert len(rows) == 12
    assert rows[:2] == ["☑ Mon Dec 7 | 10:00–10:45 | ✓ Free", "☑ Thu Dec 10 | 10:00–10:45 | ✓ Free"]
    assert dialog.save_button.text() == "&Book 12 visits"
    assert dialog.tally.text() == "12 of 12 to book."
    with qtbot.waitSignal(events().data_changed) as signal:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert signal.args == ["appointment", dialog.saved_ids]
    assert dialog.result() == dialog.DialogCode.Accepted.value
    visits = _series_visits(scheduled)
    assert len(visits) == 12 and len(dialog.saved_ids) == 12
    assert {series for _, _, series in visits} == {dialog.saved_series_id}
    assert {status for _, status, _ in visits} == {"scheduled"}
    assert [when for when, _, _ in visits][:4] == [
        "Mon 07 Dec 10:00", "Thu 10 Dec 10:00", "Mon 14 Dec 10:00", "Thu 17 Dec 10:00",
    ]  # fmt: skip
    assert visits[-1][0] == "Thu 14 Jan 10:00"
    assert dialog.saved_summary.startswith("Booked 12 visits for Ortiz, Maria: Mondays and")


def test_a_clash_is_shown_in_red_and_another_time_is_booked_instead(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    thursday = MONDAY + timedelta(days=3)
    booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(thursday, 10), patient=scheduled.chen)
    )
    dialog = make_dialog()
    _mondays_and_thursdays(qtbot, dialog, weeks=3)
    assert dialog.row_texts()[1] == (
        "☐ Thu Dec 10 | 10:00–10:45 | ✗ Dana Lee already sees W. Chen 10:00–10:45. "
        "Choose another time, or leave it out."
    )
    assert dialog.model.row(1).tone.value == "#a32020"  # red, with ✗ and words
    assert dialog.save_button.text() == "&Book 5 visits"

    def type_eleven(picker: AlternativePicker) -> None:
        assert "cannot be booked as planned: ✗ Dana Lee already sees W. Chen" in " ".join(
            label.text() for label in picker.findChildren(QLabel)
        )
        assert picker.suggestions.count() > 0  # the next free times with Dana Lee
        picker.time_edit.setFocus()
        picker.time_edit.lineEdit().selectAll()
        qtbot.keyClicks(picker.time_edit, "1100")
        picker.run_check()
        assert picker.check_text() == "✓ Free"
        qtbot.mouseClick(picker.use_button, Qt.MouseButton.LeftButton)

    dialog.exec_picker = _driving(type_eleven)  # type: ignore[method-assign, assignment]
    dialog.table.setFocus()
    dialog.table.selectRow(1)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # Enter: another time, and not Book
    assert dialog.isVisible() and not dialog.saved_ids
    assert dialog.row_texts()[1] == (
        "☑ Thu Dec 10 | 11:00–11:45 | ↻ Instead of Thu Dec 10, 10:00: ✓ Free"
    )
    assert dialog.save_button.text() == "&Book 6 visits"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    series = dialog.saved_series_id
    assert _series_visits(scheduled) == [
        ("Mon 07 Dec 10:00", "scheduled", series),
        ("Thu 10 Dec 10:00", "scheduled", None),  # Chen's visit
        ("Thu 10 Dec 11:00", "scheduled", series),
        ("Mon 14 Dec 10:00", "scheduled", series),
        ("Thu 17 Dec 10:00", "scheduled", series),
        ("Mon 21 Dec 10:00", "scheduled", series),
        ("Thu 24 Dec 10:00", "scheduled", series),
    ]


def test_a_suggested_time_fills_the_picker_and_a_taken_time_is_refused(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    thursday = MONDAY + timedelta(days=3)
    for hour in (10, 11):
        booking.book(
            scheduled.db,
            scheduled.desk,
            scheduled.request(at(thursday, hour), patient=scheduled.chen),
        )
    dialog = make_dialog()
    _mondays_and_thursdays(qtbot, dialog, weeks=1)
    chosen: list[str] = []

    def pick(picker: AlternativePicker) -> None:
        # Typing a time that is taken too is refused in words; the picker stays open.
        picker.time_edit.setEditText("11:15")
        qtbot.mouseClick(picker.use_button, Qt.MouseButton.LeftButton)
        assert picker.result() != picker.DialogCode.Accepted.value
        assert "This time cannot be booked either: Dana Lee already sees W. Chen" in (
            picker.form_error.text()
        )
        # That day's free times nearest 10:00, one an hour, then 10:00 or the first free time
        # after it on each following day the clinic is open.
        offered = [picker.suggestions.item(n).text() for n in range(picker.suggestions.count())]
        assert offered == [
            "Thu Dec 10, 08:00–08:45 with Dana Lee",
            "Thu Dec 10, 09:00–09:45 with Dana Lee",
            "Thu Dec 10, 11:45–12:30 with Dana Lee",
            "Thu Dec 10, 12:00–12:45 with Dana Lee",
            "Fri Dec 11, 10:00–10:45 with Dana Lee",
            "Sat Dec 12, 10:00–10:45 with Dana Lee",
            "Mon Dec 14, 10:00–10:45 with Dana Lee",
            "Tue Dec 15, 10:00–10:45 with Dana Lee",
        ]
        picker.suggestions.setFocus()
        picker.suggestions.setCurrentRow(1)
        chosen.append(picker.suggestions.currentItem().text())
        assert picker.time_edit.currentText() == "09:00"
        qtbot.keyClick(picker.suggestions, Qt.Key.Key_Return)

    dialog.exec_picker = _driving(pick)  # type: ignore[method-assign, assignment]
    dialog.table.selectRow(1)
    qtbot.mouseClick(dialog.another_button, Qt.MouseButton.LeftButton)
    assert chosen == ["Thu Dec 10, 09:00–09:45 with Dana Lee"]
    assert dialog.row_texts()[1].startswith("☑ Thu Dec 10 | 09:00–09:45 | ↻ Instead of")


def test_space_skips_a_visit_and_takes_it_back(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    dialog = make_dialog()
    _mondays_and_thursdays(qtbot, dialog, weeks=2)
    dialog.table.setFocus()
    dialog.table.selectRow(2)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert dialog.row_texts()[2] == "☐ Mon Dec 14 | 10:00–10:45 | – Skipped, not booked (✓ Free)"
    assert dialog.save_button.text() == "&Book 3 visits"
    assert dialog.skip_button.text() == "Boo&k this visit"
    qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    assert dialog.save_button.text() == "&Book 4 visits"
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    dialog.save()
    assert [when for when, _, _ in _series_visits(scheduled)] == [
        "Mon 07 Dec 10:00", "Thu 10 Dec 10:00", "Thu 17 Dec 10:00",
    ]  # fmt: skip


def test_the_rule_is_read_back_and_a_bad_pattern_books_nothing(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    dialog = make_dialog()
    _choose_patient(qtbot, dialog)
    _type_number(qtbot, dialog.repeat.every, 2)
    assert dialog.rule_text().startswith("Every 2 weeks on Mondays at 10:00, 3 visits")
    _type_number(qtbot, dialog.repeat.count, 4)
    assert dialog.repeat.for_count.isChecked()
    assert dialog.rule_text().startswith("Every 2 weeks on Mondays at 10:00, 4 visits")
    _tick(qtbot, dialog, 0)  # no weekday left
    assert dialog.rule_text() == "⚠ Choose at least one weekday."
    dialog.save()
    assert dialog.fields.message("weekdays") == "⚠ Choose at least one weekday."
    assert dialog.isVisible() and _series_visits(scheduled) == []
    assert _series_count(scheduled) == 0


def test_a_time_taken_meanwhile_is_named_and_the_list_checked_again(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    dialog = make_dialog()
    _mondays_and_thursdays(qtbot, dialog, weeks=2)
    assert dialog.save_button.text() == "&Book 4 visits"
    # Another workstation books Dana Lee on Monday 14th after this list was checked.
    booking.book(
        scheduled.db,
        scheduled.desk,
        scheduled.request(at(MONDAY + timedelta(days=7), 10), patient=scheduled.chen),
    )
    dialog.save()
    assert dialog.error_text() == (
        "⚠ Mon 14 Dec at 10:00: Dana Lee already sees W. Chen 10:00–10:45. Nothing in the "
        "series was booked. The list is checked again: Mon Dec 14, 10:00 can no longer be "
        "booked; choose another time or leave it out, then press Book again."
    )
    assert dialog.row_texts()[2].startswith("☐ Mon Dec 14 | 10:00–10:45 | ✗ Dana Lee")
    assert _series_count(scheduled) == 0 and len(_series_visits(scheduled)) == 1
    assert dialog.save_button.text() == "&Book 3 visits"
    dialog.save()
    assert len(dialog.saved_ids) == 3


def test_a_list_that_changed_when_checked_again_is_shown_before_booking(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    dialog = make_dialog()
    _mondays_and_thursdays(qtbot, dialog, weeks=2)
    _type_number(qtbot, dialog.repeat.weeks, 3)  # and Book at once, before the list is checked
    dialog.save()
    assert dialog.error_text() == "⚠ " + LIST_CHANGED
    assert _series_count(scheduled) == 0
    assert dialog.save_button.text() == "&Book 6 visits"
    dialog.save()
    assert len(dialog.saved_ids) == 6


def test_warnings_need_a_tick_before_booking(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    for day in (1, 2):
        missed = booking.book(
            scheduled.db,
            scheduled.desk,
            scheduled.request(at(MONDAY - timedelta(days=7 - day), 9)),
        )
        booking.set_status(
            scheduled.db, scheduled.desk, missed, 1, AppointmentStatus.NO_SHOW, now=NOW
        )
    dialog = make_dialog()
    _mondays_and_thursdays(qtbot, dialog, weeks=1)
    # The same warning on every visit is said once, under the list.
    assert dialog.row_texts()[0] == "☑ Mon Dec 7 | 10:00–10:45 | ⚠ Free; see the warning below."
    assert "M. Ortiz has missed 2 visits without notice" in dialog.warning_label.text()
    assert dialog.read_warning.isVisibleTo(dialog)
    dialog.save()
    assert dialog.error_text() == "⚠ " + NEEDS_CONFIRMATION and _series_count(scheduled) == 0
    qtbot.mouseClick(dialog.read_warning, Qt.MouseButton.LeftButton)
    dialog.save()
    assert len(dialog.saved_ids) == 2


def test_the_episode_is_offered_and_a_visit_past_its_authorisation_is_named(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    with scheduled.db.session() as session:
        episode = EpisodeOfCare(
            patient_id=scheduled.ortiz, start_date=MONDAY, authorized_visits=3, title="SI joint"
        )
        session.add(episode)
        session.flush()
        episode_id = episode.id
    dialog = make_dialog()
    _mondays_and_thursdays(qtbot, dialog, weeks=2)
    assert dialog.episode.currentData() == episode_id
    rows = dialog.row_texts()
    assert rows[2] == "☑ Mon Dec 14 | 10:00–10:45 | ✓ Free"
    assert rows[3] == (
        "☑ Thu Dec 17 | 10:00–10:45 | ⚠ Free; This would be visit 4 of the episode, but only 3 "
        "are authorized. Ask the payer for more visits before the patient comes."
    )
    assert "only 3 are authorized" in dialog.warning_label.text()
    qtbot.mouseClick(dialog.read_warning, Qt.MouseButton.LeftButton)
    dialog.save()
    with scheduled.db.session() as session:
        episodes = set(
            session.scalars(
                select(Appointment.episode_id).where(Appointment.id.in_(dialog.saved_ids))
            )
        )
    assert len(dialog.saved_ids) == 4 and episodes == {episode_id}


def test_a_closed_day_is_left_out_unless_ticked_and_an_administrator_signs(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    with scheduled.db.session() as session:
        session.add(ClosedDay(day=MONDAY + timedelta(days=17), reason="Christmas Eve"))
    dialog = make_dialog()
    _mondays_and_thursdays(qtbot, dialog, weeks=3)
    assert dialog.row_texts()[5] == (
        "☐ Thu Dec 24 | 10:00–10:45 | ⚠ The clinic is closed on Thursday 24 December "
        "(Christmas Eve). Tick it to book it with an administrator's approval."
    )
    assert not dialog.override.isVisibleTo(dialog)
    dialog.table.setFocus()
    dialog.table.selectRow(5)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Space)
    assert dialog.row_texts()[5].endswith("Needs an administrator's approval.")
    assert dialog.override.isVisibleTo(dialog)
    dialog.save()
    assert dialog.override.error.text() == "⚠ " + NEEDS_ADMINISTRATOR
    assert _series_count(scheduled) == 0
    dialog.override.username.setText("frontdesk")
    dialog.override.password.setText(PASSWORD)
    dialog.save()
    assert "Only an administrator can book outside" in dialog.override.error.text()
    assert _series_count(scheduled) == 0
    dialog.override.username.setText("admin")
    dialog.override.password.setText(PASSWORD)
    dialog.save()
    assert len(dialog.saved_ids) == 6
    assert _series_visits(scheduled)[-1][0] == "Thu 24 Dec 10:00"


def test_closing_a_half_made_series_asks_first_and_writes_nothing(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = make_dialog()
    dialog.reject()  # nothing chosen yet: closes without a question
    assert not dialog.isVisible()
    dialog = make_dialog()
    _mondays_and_thursdays(qtbot, dialog)
    assert dialog.is_dirty()
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(dialog, "ask_unsaved", lambda: answers.pop(0))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and not dialog.saved_ids
    assert _series_count(scheduled) == 0 and _series_visits(scheduled) == []


def test_a_patient_given_is_chosen_and_the_days_are_next(
    qtbot: QtBot, make_dialog: MakeDialog, scheduled: Clinic
) -> None:
    from ptclinic.services import patient_search

    found = patient_search.search_patients(scheduled.db, scheduled.desk, "chen")
    dialog = make_dialog(patient=found[0], starts_at=at(MONDAY + timedelta(days=2), 14))
    assert dialog.chosen_patient() == found[0]
    assert dialog.repeat.weekdays.days() == (2,)  # a Wednesday
    assert dialog.focusWidget() is dialog.repeat.weekdays.boxes[0]
    assert not dialog.is_dirty()
    # Until days are ticked by hand, the first day's weekday follows the date.
    dialog.repeat.first_day.setDate(dialog.repeat.first_day.date().addDays(1))
    assert dialog.repeat.weekdays.days() == (3,)
    _tick(qtbot, dialog, 4)
    dialog.repeat.first_day.setDate(dialog.repeat.first_day.date().addDays(1))
    assert dialog.repeat.weekdays.days() == (3, 4)


def test_every_mnemonic_of_the_dialog_is_its_own(make_dialog: MakeDialog) -> None:
    """A letter shared by two labels (even a hidden one) makes Alt+letter do nothing."""
    dialog = make_dialog()
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.buddy() is not None]
    texts += [w.text() for w in dialog.findChildren(QAbstractButton)]
    letters = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
    assert len(letters) == len(set(letters)), sorted(letters)


def test_the_dialog_fits_a_laptop_screen(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    needed = dialog.minimumSizeHint()
    assert needed.width() <= 1366 - 40 and needed.height() <= 768 - 60


def test_alt_and_a_rows_letter_lands_in_its_field_and_tab_leaves_the_list(
    qtbot: QtBot, make_dialog: MakeDialog
) -> None:
    dialog = make_dialog()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    for letter, field in (
        (Qt.Key.Key_D, dialog.repeat.weekdays.boxes[0]),
        (Qt.Key.Key_S, dialog.repeat.first_day),
        (Qt.Key.Key_M, dialog.repeat.time_edit),
        (Qt.Key.Key_H, dialog.repeat.every),
        (Qt.Key.Key_F, dialog.repeat.for_count),
        (Qt.Key.Key_T, dialog.therapist),
        (Qt.Key.Key_C, dialog.table),
        (Qt.Key.Key_N, dialog.note),
        (Qt.Key.Key_P, dialog.picker.search),
    ):
        qtbot.keyClick(dialog, letter, Qt.KeyboardModifier.AltModifier)
        focus = dialog.focusWidget()
        assert focus is field or field.isAncestorOf(focus), letter
    _mondays_and_thursdays(qtbot, dialog)  # the list's buttons act on a visit
    dialog.note.setFocus()
    for expected in (dialog.table, dialog.another_button, dialog.skip_button):
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        assert dialog.focusWidget() is expected


def test_a_series_starts_as_follow_ups(make_dialog: MakeDialog) -> None:
    dialog = make_dialog()
    assert dialog.visit_type.currentData() == "follow_up" and dialog.minutes.value() == 45
