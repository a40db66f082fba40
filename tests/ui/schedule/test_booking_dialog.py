"""The booking dialog: the registry's patient search, defaults, and what stands in the way shown
in words before saving; clashes refused, hours needing an administrator, warnings confirmed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptclinic.models import AuditEvent, EpisodeOfCare
from ptclinic.services import booking, calendar
from ptclinic.services.schedule_view import AppointmentStatus
from ptclinic.ui.events import events
from ptclinic.ui.patients.search_model import PatientSearchModel
from ptclinic.ui.schedule.booking_dialog import (
    NEEDS_ADMINISTRATOR,
    NEEDS_CONFIRMATION,
    UNREADABLE_TIME,
    BookingDialog,
    ScheduleChoices,
)
from ptclinic.ui.schedule.fields import parse_clock
from tests.conftest import PASSWORD
from tests.services.conftest import CHICAGO, MONDAY
from tests.ui.schedule.conftest import Clinic, at


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


def _episode(clinic: Clinic, authorised: int | None, title: str = "SI joint") -> int:
    with clinic.db.session() as session:
        episode = EpisodeOfCare(
            patient_id=clinic.ortiz,
            start_date=MONDAY - timedelta(days=14),
            authorized_visits=authorised,
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
    assert "0 of 12 authorised visits booked" in dialog.episode.currentText()
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
    assert "visit 2 of the episode, but only 1 are authorised" in dialog.warning_label.text()


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
