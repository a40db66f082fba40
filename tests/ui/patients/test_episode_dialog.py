"""Opening, editing and closing an episode of care through its dialogs, as a person would: typed
fields, diagnoses chosen with the keyboard, messages beside the field at fault, a stale edit said
in words, and no typed work lost on closing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QMessageBox, QTableView
from pytestqt.qtbot import QtBot

from ptclinic.services import episodes, patients
from ptclinic.services.episodes import EpisodeInput, EpisodeRecord
from ptclinic.services.patients import PatientRecord
from ptclinic.ui.events import events
from ptclinic.ui.patients.episode_dialog import (
    CLOSE_REASONS,
    NO_DATE_TEXT,
    CloseEpisodeDialog,
    EpisodeDialog,
    OptionalDateField,
)
from tests.conftest import patient_input
from tests.services.conftest import MONDAY, Clinic, at, scheduled

__all__ = ["scheduled"]

NOW = at(MONDAY, 10)  # Monday Dec 7, 2026, 10:00 in Chicago


@pytest.fixture
def suarez_patient(scheduled: Clinic) -> PatientRecord:
    """A patient whose chart names her referring physician."""
    return patients.register_patient(
        scheduled.db,
        scheduled.desk,
        patient_input(last_name="Novak", first_name="Ana", referring_physician="Dr. Ana Suarez"),
    )


def _dialog(
    qtbot: QtBot,
    clinic: Clinic,
    patient: PatientRecord | int,
    episode: EpisodeRecord | None = None,
    *,
    actor: object = None,
) -> EpisodeDialog:
    dialog = EpisodeDialog(
        clinic.db,
        actor or clinic.desk,
        patient,
        episode,
        clock=lambda: NOW,  # type: ignore[arg-type]
    )
    qtbot.addWidget(dialog)
    # Closed at the end of the test with whatever was typed: never a modal question then.
    dialog.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    dialog.show()
    return dialog


def _open(clinic: Clinic, **kw: object) -> EpisodeRecord:
    values: dict[str, object] = {
        "primary_therapist_id": clinic.lee.staff_id,
        "referring_physician": "Dr. Ana Suarez",
        "referral_date": date(2026, 12, 1),
        "diagnosis_codes": ("M46.1",),
        "payer_type": "medicare",
        "authorized_visits": 12,
    }
    values.update(kw)
    return episodes.open_episode(
        clinic.db,
        clinic.desk,
        clinic.ortiz,
        EpisodeInput(**values),
        now=NOW,  # type: ignore[arg-type]
    )


def _choose(qtbot: QtBot, dialog: EpisodeDialog, *searches: str) -> None:
    for text in searches:
        qtbot.keyClicks(dialog.picker.search, text)
        qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)


def test_opening_an_episode_with_the_keyboard_saves_it_for_the_patient(
    qtbot: QtBot, scheduled: Clinic, suarez_patient: PatientRecord
) -> None:
    dialog = _dialog(qtbot, scheduled, suarez_patient)
    assert dialog.windowTitle() == "Open an episode of care"
    assert dialog.focusWidget() is dialog.title
    assert dialog.physician.text() == "Dr. Ana Suarez"  # from the chart
    assert dialog.start_date.date().toString("yyyy-MM-dd") == "2026-12-07"
    assert dialog.referral_date.text() == NO_DATE_TEXT

    _choose(qtbot, dialog, "sacro", "sciat left")
    assert dialog.picker.codes() == ("M46.1", "M54.32")
    # Left empty, the title would be the primary diagnosis: the placeholder says so.
    assert dialog.title.placeholderText() == "Sacroiliitis, not elsewhere classified"
    # The referral date: the first arrow key starts from today, the next goes back a day.
    qtbot.keyClick(dialog.referral_date, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.referral_date, Qt.Key.Key_Down)
    assert dialog.referral_date.value() == MONDAY - timedelta(days=1)
    qtbot.keyClicks(dialog.referral_reason, "Right buttock pain for 3 months")
    dialog.therapist.setFocus()
    qtbot.keyClicks(dialog.therapist, "Dana")
    dialog.payer.setFocus()
    qtbot.keyClicks(dialog.payer, "Medicare")
    qtbot.keyClicks(dialog.authorized_visits, "12x")  # the letter is not taken
    dialog.onset_mechanism.setFocus()
    qtbot.keyClicks(dialog.onset_mechanism, "Fell off a horse")

    with qtbot.waitSignal(events().data_changed) as changed:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = dialog.record()
    assert saved is not None and not dialog.isVisible()
    assert changed.args == ["episode", [saved.id]]
    (found,) = episodes.patient_episodes(scheduled.db, scheduled.desk, suarez_patient.id)
    assert found == saved
    assert found.title == "Sacroiliitis, not elsewhere classified"
    assert [d.code for d in found.diagnoses] == ["M46.1", "M54.32"]
    assert (found.primary_therapist_name, found.payer_type) == ("Dana Lee", "medicare")
    assert (found.referral_date, found.start_date) == (date(2026, 12, 6), MONDAY)
    assert found.referring_physician == "Dr. Ana Suarez"
    assert found.referral_reason == "Right buttock pain for 3 months"
    assert (found.authorized_visits, found.onset_mechanism) == (12, "Fell off a horse")
    assert found.onset_date is None


def test_a_future_referral_date_is_refused_beside_the_field_and_nothing_is_saved(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    dialog = _dialog(qtbot, scheduled, scheduled.ortiz)
    qtbot.keyClicks(dialog.title, "Left SI pain")
    qtbot.keyClick(dialog.referral_date, Qt.Key.Key_Up)  # today
    qtbot.keyClick(dialog.referral_date, Qt.Key.Key_Up)  # tomorrow
    qtbot.keyClick(dialog.onset_date, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.onset_date, Qt.Key.Key_Up)  # after the episode's first day
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.record() is None
    assert dialog.field_error("referral_date") == "⚠ The referral date cannot be in the future."
    assert "begun by the episode's first day" in dialog.field_error("onset_date")
    assert dialog.field_error("title") == ""
    assert dialog.referral_date.property("invalid") is True
    assert dialog.focusWidget() is dialog.referral_date  # the first field to fix
    assert episodes.patient_episodes(scheduled.db, scheduled.desk, scheduled.ortiz) == []

    # Del over the selected date (as arriving in the field selects it) takes the referral date
    # away again (no date); the onset goes back to today.
    dialog.referral_date.selectAll()
    qtbot.keyClick(dialog.referral_date, Qt.Key.Key_Delete)
    assert dialog.referral_date.value() is None
    assert dialog.referral_date.text() == NO_DATE_TEXT
    qtbot.keyClick(dialog.onset_date, Qt.Key.Key_Down)
    dialog.save_button.click()
    saved = dialog.record()
    assert saved is not None and (saved.referral_date, saved.onset_date) == (None, MONDAY)
    assert saved.title == "Left SI pain"


def test_an_episode_needs_a_title_or_a_diagnosis(qtbot: QtBot, scheduled: Clinic) -> None:
    dialog = _dialog(qtbot, scheduled, scheduled.ortiz)
    qtbot.keyClicks(dialog.authorized_visits, "201")
    dialog.save_button.click()
    assert "Give the episode a title or a diagnosis" in dialog.field_error("title")
    assert "from 0 to 200" in dialog.field_error("authorized_visits")
    assert dialog.focusWidget() is dialog.title
    assert episodes.patient_episodes(scheduled.db, scheduled.desk, scheduled.ortiz) == []


def test_editing_shows_the_episode_and_saves_the_changes(qtbot: QtBot, scheduled: Clinic) -> None:
    opened = _open(scheduled, diagnosis_codes=("M46.1", "M54.50"), onset_date=date(2026, 9, 1))
    dialog = _dialog(qtbot, scheduled, scheduled.ortiz, opened, actor=scheduled.lee)
    assert dialog.windowTitle() == "Edit episode — Sacroiliitis, not elsewhere classified"
    assert dialog.title.text() == opened.title
    assert dialog.therapist.currentText().startswith("Dana Lee")
    assert dialog.payer.currentText() == "Medicare"
    assert dialog.authorized_visits.text() == "12"
    assert dialog.referral_date.value() == date(2026, 12, 1)
    assert dialog.onset_date.value() == date(2026, 9, 1)
    assert dialog.picker.codes() == ("M46.1", "M54.50")
    assert not dialog.is_dirty()

    dialog.picker.chosen_list.setFocus()
    dialog.picker.chosen_list.setCurrentRow(1)
    qtbot.keyClick(
        dialog.picker.chosen_list, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier
    )  # the low back pain becomes the primary diagnosis
    dialog.authorized_visits.selectAll()
    qtbot.keyClicks(dialog.authorized_visits, "20")
    dialog.save_button.click()
    changed = episodes.episode(scheduled.db, scheduled.desk, opened.id)
    assert [d.code for d in changed.diagnoses] == ["M54.50", "M46.1"]
    assert changed.authorized_visits == 20
    assert changed.title == opened.title  # a title once given stays


def test_a_stale_edit_says_who_changed_the_episode_and_keeps_what_was_typed(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    opened = _open(scheduled)
    dialog = _dialog(qtbot, scheduled, scheduled.ortiz, opened)
    episodes.update_episode(
        scheduled.db, scheduled.lee, opened.id, opened.version,
        replace(opened.as_input(), referral_reason="Seen by Dana"), now=NOW,
    )  # fmt: skip
    dialog.authorized_visits.clear()
    qtbot.keyClicks(dialog.authorized_visits, "30")
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.record() is None
    assert dialog.error_text().startswith("⚠ Dana Lee changed this episode")
    assert "Your changes were not saved" in dialog.error_text()
    assert dialog.authorized_visits.text() == "30"  # still there to copy
    stored = episodes.episode(scheduled.db, scheduled.desk, opened.id)
    assert (stored.authorized_visits, stored.referral_reason) == (12, "Seen by Dana")


def test_closing_with_changes_asks_first(qtbot: QtBot, scheduled: Clinic) -> None:
    dialog = _dialog(qtbot, scheduled, scheduled.ortiz)
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked: list[bool] = []

    def ask() -> QMessageBox.StandardButton:
        asked.append(True)
        return answers.pop(0)

    dialog.ask_unsaved = ask  # type: ignore[method-assign]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == [] and not dialog.isVisible()  # nothing typed: closes at once

    dialog = _dialog(qtbot, scheduled, scheduled.ortiz)
    dialog.ask_unsaved = ask  # type: ignore[method-assign]
    _choose(qtbot, dialog, "m461")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == [True] and dialog.isVisible()  # Cancel: back to the form
    dialog.cancel_button.click()
    assert asked == [True, True] and not dialog.isVisible()  # Discard
    assert episodes.patient_episodes(scheduled.db, scheduled.desk, scheduled.ortiz) == []


def test_saving_from_the_unsaved_question_opens_the_episode(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    dialog = _dialog(qtbot, scheduled, scheduled.ortiz)
    dialog.ask_unsaved = lambda: QMessageBox.StandardButton.Save  # type: ignore[method-assign]
    qtbot.keyClicks(dialog.title, "Pelvic girdle pain")
    dialog.reject()
    assert not dialog.isVisible()
    (found,) = episodes.patient_episodes(scheduled.db, scheduled.desk, scheduled.ortiz)
    assert found.title == "Pelvic girdle pain"


def test_every_mnemonic_of_the_dialog_is_its_own(qtbot: QtBot, scheduled: Clinic) -> None:
    """A letter shared by two labels makes Alt+letter do nothing."""
    dialog = _dialog(qtbot, scheduled, scheduled.ortiz)
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.buddy() is not None]
    texts += [w.text() for w in dialog.findChildren(QAbstractButton)]
    letters = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
    assert len(letters) == len(set(letters)), sorted(letters)
    assert len(letters) >= 12


def _close_dialog(qtbot: QtBot, clinic: Clinic, episode: EpisodeRecord) -> CloseEpisodeDialog:
    dialog = CloseEpisodeDialog(clinic.db, clinic.lee, episode, clock=lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_closing_an_episode_needs_a_reason_and_takes_a_suggested_one(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    opened = _open(scheduled)
    dialog = _close_dialog(qtbot, scheduled, opened)
    assert [dialog.reason.itemText(n) for n in range(1, dialog.reason.count())] == list(
        CLOSE_REASONS
    )
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # Enter with no reason
    assert dialog.isVisible()
    assert "Say why the episode ends" in dialog.field_error("reason")
    assert episodes.episode(scheduled.db, scheduled.desk, opened.id).is_open

    qtbot.keyClicks(dialog.reason, "Goals")  # completes from the suggestions
    assert dialog.reason.currentText().startswith("Goals")
    dialog.reason.setCurrentText("Goals met")
    with qtbot.waitSignal(events().data_changed) as changed:
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert changed.args == ["episode", [opened.id]]
    closed = episodes.episode(scheduled.db, scheduled.desk, opened.id)
    assert (closed.status, closed.closed_reason, closed.closed_on) == (
        "closed",
        "Goals met",
        MONDAY,
    )
    record = dialog.record()
    assert record is not None and record.version == closed.version


def test_a_closing_day_before_the_episode_began_is_refused_beside_it(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    opened = _open(scheduled)
    dialog = _close_dialog(qtbot, scheduled, opened)
    dialog.reason.setCurrentText("Moved away")
    qtbot.keyClick(dialog.closed_on, Qt.Key.Key_Down)  # the day before the start
    dialog.accept()
    assert dialog.isVisible()
    assert "between the episode's start and today" in dialog.field_error("closed_on")
    assert episodes.episode(scheduled.db, scheduled.desk, opened.id).is_open


def test_an_empty_date_starts_from_today_and_its_calendar_opens_on_today(
    qtbot: QtBot,
) -> None:
    field = OptionalDateField(lambda: MONDAY)
    qtbot.addWidget(field)
    field.show()
    assert (field.value(), field.text()) == (None, NO_DATE_TEXT)
    qtbot.keyClick(field, Qt.Key.Key_PageDown)  # any step fills in today, never January 1900
    assert field.value() == MONDAY
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    assert field.value() is None

    def open_calendar() -> QTableView:
        qtbot.mouseClick(field.calendar_button, Qt.MouseButton.LeftButton)
        calendar = field.calendarWidget()
        qtbot.waitUntil(calendar.isVisible)
        days = calendar.findChild(QTableView)
        assert days is not None
        return days

    days = open_calendar()
    assert field.calendarWidget().selectedDate().toString("yyyy-MM-dd") == "2026-12-07"
    assert field.value() is None  # opening alone fills in nothing
    qtbot.keyClick(days, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not field.calendarWidget().isVisible())
    assert field.value() is None
    days = open_calendar()
    qtbot.keyClick(days, Qt.Key.Key_Left)
    qtbot.keyClick(days, Qt.Key.Key_Return)
    assert field.value() == MONDAY - timedelta(days=1)


def test_a_new_episode_suggests_the_payer_type_from_the_chart(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    patient = patients.register_patient(
        scheduled.db, scheduled.desk, patient_input(last_name="Quist", payer="Medicare Part B")
    )
    dialog = _dialog(qtbot, scheduled, patient)
    assert dialog.payer.currentData() == "medicare"
