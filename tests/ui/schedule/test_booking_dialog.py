"""The booking dialog: the registry's patient search, defaults, and what stands in the way shown
in words before saving; clashes refused, hours needing an administrator, warnings confirmed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptclinic.models import AuditEvent, EpisodeOfCare
from ptclinic.services import booking, calendar, waitlist
from ptclinic.services.patient_search import patient_summary
from ptclinic.services.schedule_view import AppointmentStatus
from ptclinic.services.waitlist import WaitlistWish
from ptclinic.ui.events import events
from ptclinic.ui.patients.search_model import PatientSearchModel
from ptclinic.ui.resources import style_sheet
from ptclinic.ui.schedule.booking_dialog import BookingDialog
from ptclinic.ui.schedule.fields import parse_clock
from ptclinic.ui.schedule.form_parts import (
    NEEDS_ADMINISTRATOR,
    NEEDS_CONFIRMATION,
    UNREADABLE_TIME,
    ScheduleChoices,
)
from ptclinic.ui.schedule.next_available_dialog import NextAvailableDialog, slot_text
from tests.conftest import PASSWORD
from tests.services.conftest import CHICAGO, MONDAY
from tests.ui.schedule.conftest import Clinic, at, driving


@pytest.fixture
def make_dialog(qtbot: QtBot, scheduled: Clinic) -> Iterator[object]:
    choices = ScheduleChoices(
        calendar.clinicians(scheduled.db, scheduled.desk),
        calendar.active_rooms(scheduled.db),
        calendar.visit_types(scheduled.db),
    )

    def make(start: datetime | None = None, **kwargs: object) -> BookingDialog:
        dialog = BookingDialog(
            scheduled.db,
            scheduled.desk,
            choices,
            CHICAGO,
            starts_at=start or at(MONDAY, 10),
            therapist_id=kwargs.pop("therapist_id", scheduled.lee.staff_id),  # type: ignore[arg-type]
            **kwargs,  # type: ignore[arg-type]
        )
        qtbot.addWidget(dialog)
        # Closing at the end of a test must not stop at "Book this visit before closing?".
        dialog.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
        dialog.show()
        return dialog

    yield make


def _choose(qtbot: QtBot, dialog: BookingDialog, text: str) -> None:
    dialog.picker.search.setFocus()
    qtbot.keyClicks(dialog.picker.search, text)
    qtbot.waitUntil(lambda: not dialog.picker.results.isHidden(), timeout=2000)
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    dialog.run_check()


def _episode(clinic: Clinic, authorized: int | None, title: str = "SI joint") -> int:
    with clinic.db.session() as session:
        episode = EpisodeOfCare(
            patient_id=clinic.ortiz,
            start_date=MONDAY - timedelta(days=14),
            authorized_visits=authorized,
            title=title,
        )
        session.add(episode)
        session.flush()
        return episode.id


def test_patient_search_enter_takes_the_highlighted_patient_and_never_books(
    qtbot: QtBot,
    make_dialog,
    scheduled: Clinic,  # type: ignore[no-untyped-def]
) -> None:
    dialog = make_dialog()
    assert dialog.focusWidget() is dialog.picker.search
    assert "Choose a patient" in dialog.check_text()
    dialog.picker.search.setFocus()
    qtbot.keyClicks(dialog.picker.search, "o")
    dialog.picker.run_search()
    assert dialog.picker.hint.text() == "Type at least 2 letters."
    qtbot.keyClicks(dialog.picker.search, "rt")
    qtbot.waitUntil(lambda: dialog.picker.model.rowCount() == 1)
    qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.saved_id is None  # Enter chose, it did not book
    patient = dialog.chosen_patient()
    assert patient is not None and patient.id == scheduled.ortiz
    assert dialog.picker.chosen_line.text() == (
        f"✓ Ortiz, Maria  ·  Apr 12, 1978  ·  Chart # {patient.chart_number}  ·  (555) 201-3344"
    )
    assert dialog.picker.results.isHidden()
    assert dialog.focusWidget() is dialog.visit_type  # no open episode: on to the visit type


def test_visit_type_fills_its_usual_length_until_one_is_typed(make_dialog) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog()
    dialog.visit_type.setCurrentIndex(dialog.visit_type.findData("initial_evaluation"))
    assert dialog.minutes.value() == 60
    assert dialog.minutes.toolTip() == "Usual for Initial evaluation: 60 min"
    dialog.visit_type.setCurrentIndex(dialog.visit_type.findData("follow_up"))
    assert dialog.minutes.value() == 45
    dialog.minutes.setValue(30)
    dialog.visit_type.setCurrentIndex(dialog.visit_type.findData("re_evaluation"))
    assert dialog.minutes.value() == 30  # typed by hand: kept


def test_open_episodes_are_offered_newest_first(
    qtbot: QtBot,
    make_dialog,
    scheduled: Clinic,  # type: ignore[no-untyped-def]
) -> None:
    older = _episode(scheduled, None, "Neck pain")
    newer = _episode(scheduled, 12)
    with scheduled.db.session() as session:
        row = session.get(EpisodeOfCare, newer)
        assert row is not None
        row.start_date = MONDAY - timedelta(days=2)
    dialog = make_dialog()
    assert not dialog.episode.isEnabled()
    _choose(qtbot, dialog, "ortiz")
    items = [dialog.episode.itemData(i) for i in range(dialog.episode.count())]
    assert items == [newer, older, None]
    assert dialog.episode.currentData() == newer
    assert "0 of 12 authorized visits booked" in dialog.episode.currentText()
    assert dialog.focusWidget() is dialog.episode


def test_a_clash_is_shown_in_words_and_saving_is_refused(
    qtbot: QtBot,
    make_dialog,
    scheduled: Clinic,  # type: ignore[no-untyped-def]
) -> None:
    booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    dialog = make_dialog(at(MONDAY, 10, 30))
    _choose(qtbot, dialog, "chen")
    assert dialog.check_text() == "✗ Dana Lee already sees M. Ortiz 10:00–10:45."
    assert dialog.clash_label.objectName() == "formError"
    dialog.save()
    assert dialog.isVisible() and dialog.saved_id is None
    assert dialog.error_text().startswith("⚠ This time cannot be booked: Dana Lee already sees")
    dialog.time_edit.set_time(time(11))
    dialog.run_check()
    assert dialog.check_text() == "✓ Dana Lee is free 11:00–12:00."
    with qtbot.waitSignal(events().data_changed) as signal:
        dialog.save()
    assert signal.args == ["appointment", [dialog.saved_id]]
    assert dialog.result() == dialog.DialogCode.Accepted.value


def test_a_time_can_be_typed_whole(make_dialog) -> None:  # type: ignore[no-untyped-def]
    assert parse_clock("1030") == time(10, 30)
    assert parse_clock("9") == time(9)
    assert parse_clock("2:15 pm") == time(14, 15)
    assert parse_clock("14.45") == time(14, 45)
    assert parse_clock("25:00") is None and parse_clock("soon") is None
    dialog = make_dialog()
    dialog.time_edit.setEditText("soon")
    assert dialog.starts_at() is None
    dialog.run_check()
    assert UNREADABLE_TIME in dialog.check_text()
    dialog.save()
    assert dialog.fields.message("starts_at") == "⚠ " + UNREADABLE_TIME
    assert "Choose a patient" in dialog.fields.message("patient")
    dialog.time_edit.setEditText("1515")
    assert dialog.starts_at() == at(MONDAY, 15, 15)


def test_outside_the_hours_an_administrator_signs_in_the_dialog(
    qtbot: QtBot,
    make_dialog,
    scheduled: Clinic,  # type: ignore[no-untyped-def]
) -> None:
    dialog = make_dialog(at(MONDAY, 18, 30))
    _choose(qtbot, dialog, "ortiz")
    assert "The clinic is open 07:00–19:00 on Mondays." in dialog.hours_label.text()
    assert "Only an administrator can allow" in dialog.hours_label.text()
    assert dialog.override_panel.isVisibleTo(dialog)
    dialog.save()
    assert dialog.override_error.text() == "⚠ " + NEEDS_ADMINISTRATOR  # beside the fields
    assert dialog.focusWidget() is dialog.admin_username and dialog.saved_id is None
    dialog.admin_username.setText("frontdesk")
    dialog.admin_password.setText(PASSWORD)
    dialog.save()
    assert "Only an administrator can book outside" in dialog.override_error.text()
    dialog.admin_username.setText("admin")
    dialog.admin_password.setText("wrong")
    dialog.save()
    assert "not right" in dialog.override_error.text() and dialog.admin_password.text() == ""
    dialog.admin_password.setText(PASSWORD)
    dialog.save()
    assert dialog.saved_id is not None
    with scheduled.db.session() as session:
        summary = session.scalars(
            select(AuditEvent.summary).where(
                AuditEvent.entity_type == "appointment", AuditEvent.entity_id == dialog.saved_id
            )
        ).first()
    assert summary is not None and "allowed by admin" in summary


def test_warnings_need_a_confirming_tick(
    qtbot: QtBot,
    make_dialog,
    scheduled: Clinic,  # type: ignore[no-untyped-def]
) -> None:
    for day in (1, 2):
        missed = booking.book(
            scheduled.db, scheduled.desk, scheduled.request(at(MONDAY - timedelta(days=7 - day), 9))
        )
        booking.set_status(
            scheduled.db, scheduled.desk, missed, 1, AppointmentStatus.NO_SHOW, now=at(MONDAY, 8)
        )
    dialog = make_dialog()
    _choose(qtbot, dialog, "ortiz")
    assert "M. Ortiz has missed 2 visits without notice" in dialog.warning_label.text()
    assert dialog.read_warning.isVisibleTo(dialog) and not dialog.read_warning.isChecked()
    dialog.save()
    assert dialog.error_text() == "⚠ " + NEEDS_CONFIRMATION and dialog.saved_id is None
    dialog.read_warning.setChecked(True)
    dialog.save()
    assert dialog.saved_id is not None
    # Moving that visit later changes nothing the warning is about: shown, no tick needed.
    view = calendar.appointment_view(scheduled.db, scheduled.desk, dialog.saved_id)
    mover = make_dialog(view.starts_at, moving=view, therapist_id=None)  # type: ignore[union-attr]
    mover.time_edit.set_time(time(15))
    mover.run_check()
    assert "has missed 2 visits" in mover.warning_label.text()
    assert not mover.read_warning.isVisibleTo(mover)
    mover.save()
    assert mover.saved_version is not None


def test_past_the_authorised_visits_is_a_warning_too(
    qtbot: QtBot,
    make_dialog,
    scheduled: Clinic,  # type: ignore[no-untyped-def]
) -> None:
    episode = _episode(scheduled, 1)
    booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 8), episode=episode))
    dialog = make_dialog(at(MONDAY, 12))
    _choose(qtbot, dialog, "ortiz")
    assert dialog.episode.currentData() == episode
    assert "visit 2 of the episode, but only 1 are authorized" in dialog.warning_label.text()


def test_moving_keeps_the_patient_and_changes_time_and_therapist(
    qtbot: QtBot,
    make_dialog,
    scheduled: Clinic,  # type: ignore[no-untyped-def]
) -> None:
    visit = booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10), room=scheduled.room1)
    )
    view = calendar.appointment_view(scheduled.db, scheduled.desk, visit)
    assert view is not None
    dialog = make_dialog(view.starts_at, moving=view, therapist_id=None)
    assert dialog.windowTitle() == "Move visit" and dialog.save_button.text() == "&Move"
    assert dialog.room.currentData() == scheduled.room1 and dialog.minutes.value() == 45
    dialog.run_check()
    assert dialog.check_text() == "✓ Dana Lee is free 10:00–10:45 in Treatment 1."  # itself
    dialog.therapist.setCurrentIndex(dialog.therapist.findData(scheduled.kim.staff_id))
    dialog.time_edit.set_time(time(13, 15))
    dialog.save()
    moved = calendar.appointment_view(scheduled.db, scheduled.desk, visit)
    assert moved is not None
    assert (moved.therapist_id, moved.starts_at) == (scheduled.kim.staff_id, at(MONDAY, 13, 15))
    assert dialog.saved_version == moved.version


def test_closing_a_half_made_booking_asks_first(
    qtbot: QtBot,
    make_dialog,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    dialog = make_dialog()
    dialog.reject()  # nothing chosen yet: closes without a question
    assert not dialog.isVisible()
    dialog = make_dialog()
    _choose(qtbot, dialog, "ortiz")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(dialog, "ask_unsaved", lambda: answers.pop(0))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.saved_id is None


def test_the_picker_is_the_registrys_search(make_dialog) -> None:  # type: ignore[no-untyped-def]
    """Same model, same rules (prefixes, chart #, phone, date of birth) as the Patients page."""
    dialog = make_dialog()
    assert isinstance(dialog.picker.model, PatientSearchModel)
    dialog.picker.search.setText("(555) 201")
    dialog.picker.run_search()
    assert dialog.picker.model.rowCount() == 1  # Wei Chen has no phone; Maria Ortiz has


def test_tab_leaves_the_date_for_the_time_in_one_press(qtbot: QtBot, make_dialog) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.date_edit.setFocus()
    qtbot.keyClick(dialog.date_edit, Qt.Key.Key_Tab)
    focus = dialog.focusWidget()
    assert focus is dialog.time_edit or dialog.time_edit.isAncestorOf(focus)


def test_every_mnemonic_of_the_dialog_is_its_own(make_dialog) -> None:  # type: ignore[no-untyped-def]
    """A letter shared by two labels (even a hidden one) makes Alt+letter do nothing."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    dialog = make_dialog()
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.buddy() is not None]
    texts += [w.text() for w in dialog.findChildren(QAbstractButton)]
    letters = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
    assert len(letters) == len(set(letters)), sorted(letters)


def test_alt_and_a_rows_letter_lands_in_its_field(qtbot: QtBot, make_dialog) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    for letter, field in (
        (Qt.Key.Key_W, dialog.date_edit),
        (Qt.Key.Key_L, dialog.minutes),
        (Qt.Key.Key_T, dialog.therapist),
        (Qt.Key.Key_O, dialog.room),
        (Qt.Key.Key_P, dialog.picker.search),
    ):
        qtbot.keyClick(dialog, letter, Qt.KeyboardModifier.AltModifier)
        focus = dialog.focusWidget()
        assert focus is field or field.isAncestorOf(focus), letter


# --- next available ---------------------------------------------------------------------------

EARLY = at(MONDAY, 6)  # "now" for "Next available": before the clinic opens on the Monday


def _picking(
    qtbot: QtBot, seen: list[NextAvailableDialog], *keys: Qt.Key
) -> Callable[[QDialog], int]:
    """The picker, driven as a person would: shown, then ``keys`` pressed in its list."""

    def pick(dialog: QDialog) -> None:
        assert isinstance(dialog, NextAvailableDialog)
        seen.append(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.focusWidget() is dialog.table
        for key in keys:
            qtbot.keyClick(dialog.table, key)

    return driving(pick)


def test_next_available_fills_when_who_and_where_and_books_there(
    qtbot: QtBot,
    make_dialog,
    scheduled: Clinic,  # type: ignore[no-untyped-def]
) -> None:
    lee = scheduled.lee.staff_id
    booking.book(
        scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 7), room=scheduled.room1)
    )
    dialog = make_dialog(at(MONDAY, 15), visit_type_code="follow_up", clock=lambda: EARLY)
    _choose(qtbot, dialog, "chen")
    seen: list[NextAvailableDialog] = []
    dialog.exec_dialog = _picking(qtbot, seen, Qt.Key.Key_Down, Qt.Key.Key_Return)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.time_edit, Qt.Key.Key_F4)
    [picker] = seen
    # The picker asked with what the form held: Dana Lee, a follow-up of 45 minutes, Monday.
    assert picker.therapist.currentData() == lee and picker.visit_type_code == "follow_up"
    assert picker.minutes() == 45 and picker.from_date.date().day() == MONDAY.day
    assert picker.chosen is not None
    assert slot_text(picker.chosen, CHICAGO) == "Mon Dec 7, 08:00–08:45 · Dana Lee · Treatment 1"
    assert dialog.date_edit.date().toString("yyyy-MM-dd") == "2026-12-07"
    assert dialog.time_edit.currentText() == "08:00"
    assert dialog.therapist.currentData() == lee and dialog.room.currentData() == scheduled.room1
    assert dialog.check_text() == "✓ Dana Lee is free 08:00–08:45 in Treatment 1."
    assert dialog.focusWidget() is dialog.save_button
    qtbot.keyClick(dialog.save_button, Qt.Key.Key_Return)
    assert dialog.saved_id is not None
    saved = calendar.appointment_view(scheduled.db, scheduled.desk, dialog.saved_id)
    assert saved is not None
    assert (saved.starts_at, saved.ends_at) == (at(MONDAY, 8), at(MONDAY, 8, 45))
    assert (saved.therapist_id, saved.room_id, saved.patient_id) == (
        lee,
        scheduled.room1,
        scheduled.chen,
    )


def test_the_picker_may_change_the_visit_and_asks_any_therapist_until_one_is_chosen(
    qtbot: QtBot,
    make_dialog,
    scheduled: Clinic,  # type: ignore[no-untyped-def]
) -> None:
    dialog = make_dialog(therapist_id=None, visit_type_code="follow_up", clock=lambda: EARLY)

    def evaluation_with_anyone(picker: QDialog) -> int:
        assert isinstance(picker, NextAvailableDialog)
        assert picker.therapist.currentText() == "Any therapist"
        picker.visit_type.setCurrentIndex(picker.visit_type.findData("initial_evaluation"))
        picker.search()
        assert {slot.therapist_name for slot in picker.slots()} == {"Brian Kim", "Dana Lee"}
        picker.show()
        picker.table.selectRow(1)
        picker.accept()
        return picker.result()

    dialog.exec_dialog = evaluation_with_anyone
    dialog.next_button.click()
    assert dialog.visit_type.currentData() == "initial_evaluation"
    assert dialog.minutes.value() == 60
    assert dialog.therapist.currentData() == scheduled.lee.staff_id  # the second at 07:00
    assert dialog.starts_at() == at(MONDAY, 7)
    assert dialog.is_dirty()  # a time taken is work not to lose without asking
    # Now that a therapist is on the form, the picker asks for them.
    seen: list[NextAvailableDialog] = []
    dialog.exec_dialog = _picking(qtbot, seen, Qt.Key.Key_Escape)
    dialog.next_button.click()
    assert seen[0].therapist.currentData() == scheduled.lee.staff_id
    assert dialog.starts_at() == at(MONDAY, 7)  # Esc in the picker changed nothing


def test_next_available_moves_a_visit_into_time_it_frees_itself(
    qtbot: QtBot,
    make_dialog,
    scheduled: Clinic,  # type: ignore[no-untyped-def]
) -> None:
    db, desk = scheduled.db, scheduled.desk
    booking.book(db, desk, scheduled.request(at(MONDAY, 7), patient=scheduled.chen, minutes=180))
    visit = booking.book(db, desk, scheduled.request(at(MONDAY, 10), room=scheduled.room1))
    view = calendar.appointment_view(db, desk, visit)
    assert view is not None
    dialog = make_dialog(view.starts_at, moving=view, therapist_id=None, clock=lambda: EARLY)
    seen: list[NextAvailableDialog] = []
    dialog.exec_dialog = _picking(qtbot, seen, Qt.Key.Key_Down, Qt.Key.Key_Return)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.time_edit, Qt.Key.Key_F4)
    picker = seen[0]
    assert not picker.visit_type.isEnabled()  # a visit keeps its type when it moves
    # Dana Lee's first free time is the visit's own 10:00: it does not block itself.
    assert picker.slots()[0].starts_at == at(MONDAY, 10)
    assert dialog.starts_at() == at(MONDAY, 10, 15)
    dialog.save()
    moved = calendar.appointment_view(db, desk, visit)
    assert moved is not None and moved.starts_at == at(MONDAY, 10, 15)
    assert dialog.saved_version == moved.version


def test_other_screens_can_prefill_the_visit_type_length_and_episode(
    make_dialog,
    scheduled: Clinic,  # type: ignore[no-untyped-def]
) -> None:
    older = _episode(scheduled, None, "Neck pain")
    _episode(scheduled, 12)
    patient = patient_summary(scheduled.db, scheduled.desk, scheduled.ortiz)
    dialog = make_dialog(
        patient=patient, visit_type_code="re_evaluation", minutes=30, episode_id=older
    )
    assert dialog.visit_type.currentData() == "re_evaluation"
    assert dialog.minutes.value() == 30
    assert dialog.episode.currentData() == older
    assert not dialog.is_dirty()  # prefilled, not typed: closing does not ask
    dialog.visit_type.setCurrentIndex(dialog.visit_type.findData("initial_evaluation"))
    assert dialog.minutes.value() == 30  # a length other than the usual one counts as typed


def test_the_dialog_fits_a_laptop_at_150_percent_and_scrolls_rather_than_clips(
    qtbot: QtBot,
    make_dialog,
    scheduled: Clinic,  # type: ignore[no-untyped-def]
) -> None:
    """1366×768 at 150 % leaves about 512 - 30 (taskbar) - 30 (title bar) = 450 points."""
    for day in (1, 2):
        missed = booking.book(
            scheduled.db, scheduled.desk, scheduled.request(at(MONDAY - timedelta(days=7 - day), 9))
        )
        booking.set_status(
            scheduled.db, scheduled.desk, missed, 1, AppointmentStatus.NO_SHOW, now=at(MONDAY, 8)
        )
    dialog = make_dialog(at(MONDAY, 18, 30))
    dialog.setStyleSheet(style_sheet())  # the clinic's sheet, as the app applies it
    _choose(qtbot, dialog, "ortiz")  # the hours notice, a warning and the override panel
    assert dialog.sizeHint().height() > 450  # all of it is taller than that laptop …
    assert dialog.minimumSizeHint().height() <= 300  # … yet the dialog may be shorter
    assert dialog.height() <= dialog.screen().availableGeometry().height()
    dialog.resize(dialog.width(), 450)
    qtbot.waitUntil(lambda: dialog.form_scroll.verticalScrollBar().maximum() > 0)
    # The buttons stay in sight; the form scrolls to whatever has the keyboard.
    assert dialog.rect().contains(dialog.save_button.geometry().center())
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # pa&ssword
    assert dialog.focusWidget() is dialog.admin_password
    qtbot.waitUntil(lambda: dialog.form_scroll.verticalScrollBar().value() > 0)


def test_a_waiting_patient_is_booked_at_a_time_they_wished_and_leaves_the_waitlist(
    qtbot: QtBot,
    make_dialog,
    scheduled: Clinic,  # type: ignore[no-untyped-def]
) -> None:
    thursday, tuesday = MONDAY + timedelta(days=3), MONDAY + timedelta(days=1)
    wish = WaitlistWish(
        patient_id=scheduled.ortiz,
        visit_type="re_evaluation",
        earliest_date=tuesday,
        weekdays=(thursday.weekday(),),
        earliest_time=time(15),
        latest_time=time(17),
    )
    entry = waitlist.add_to_waitlist(scheduled.db, scheduled.desk, wish)
    patient = patient_summary(scheduled.db, scheduled.desk, scheduled.ortiz)
    dialog = make_dialog(patient=patient, waitlist_entry=entry, clock=lambda: EARLY)
    assert dialog.windowTitle() == "Book from the waitlist"
    assert dialog.visit_type.currentData() == "re_evaluation"
    assert not dialog.visit_type.isEnabled()  # the visit they wait for
    seen: list[NextAvailableDialog] = []
    dialog.exec_dialog = _picking(qtbot, seen, Qt.Key.Key_Return)
    dialog.next_button.click()
    picker = seen[0]
    # The picker starts from their wishes: Thursdays, the visit inside 15:00–17:00, from Tuesday.
    assert [box.isChecked() for box in picker.weekday_boxes] == [n == 3 for n in range(7)]
    assert picker.time_of_day.currentText() == "Between…"
    assert (picker.window_from.currentText(), picker.window_to.currentText()) == ("15:00", "17:00")
    assert picker.from_date.date().day() == tuesday.day
    assert dialog.starts_at() == at(thursday, 15)
    dialog.save()
    assert dialog.saved_id is not None
    saved = calendar.appointment_view(scheduled.db, scheduled.desk, dialog.saved_id)
    assert saved is not None and saved.visit_type == "re_evaluation"
    assert saved.starts_at == at(thursday, 15)
    assert waitlist.waiting_list(scheduled.db, scheduled.desk, patient_id=scheduled.ortiz) == []


def test_the_patient_chosen_suggests_the_visit_type_until_one_is_picked(
    qtbot: QtBot,
    make_dialog,
    scheduled: Clinic,  # type: ignore[no-untyped-def]
) -> None:
    _episode(scheduled, 12)  # Ortiz is in treatment; Chen has no open episode
    dialog = make_dialog()
    _choose(qtbot, dialog, "chen")
    assert dialog.visit_type.currentData() == "initial_evaluation" and dialog.minutes.value() == 60
    _choose(qtbot, dialog, "ortiz")
    assert dialog.visit_type.currentData() == "follow_up"
    # Once the person picks a visit type, another patient no longer changes it.
    index = dialog.visit_type.findData("re_evaluation")
    dialog.visit_type.setCurrentIndex(index)
    dialog.visit_type.activated.emit(index)
    _choose(qtbot, dialog, "chen")
    assert dialog.visit_type.currentData() == "re_evaluation"
