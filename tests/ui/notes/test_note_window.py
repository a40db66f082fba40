"""The visit-note window: it opens pre-filled from the plan with the patient in the header,
saves by itself, signs with the password (completing the visit, then read-only with its
charges), puts what signing finds missing next to the part concerned, and keeps one window per
note; a student's note waits for a therapist's co-signature; addenda go under a signed note."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QPlainTextEdit
from pytestqt.qtbot import QtBot

from ptclinic.models import AppointmentStatus
from ptclinic.roles import Role
from ptclinic.services import booking, calendar, care_plans
from ptclinic.services.actor import Actor
from ptclinic.services.draft_journal import DraftJournal
from ptclinic.services.errors import DomainError
from ptclinic.ui.evaluation.autosave import SaveState
from ptclinic.ui.evaluation.signing import AddendumDialog
from ptclinic.ui.events import events
from ptclinic.ui.notes import note_window
from ptclinic.ui.notes import open as opening
from ptclinic.ui.notes.note_window import NoteWindow
from ptclinic.ui.notes.open import open_note, open_note_for_appointment
from ptclinic.ui.tasks import run_task
from tests.ui.notes.conftest import (
    Clinic,
    MakeWindow,
    driving,
    sign_with_password,
    start_note,
    stored,
    visit,
)

CTRL = Qt.KeyboardModifier.ControlModifier


def _type(qtbot: QtBot, window: NoteWindow, part: str, text: str) -> None:
    edit = window.sections.texts[part].edit
    edit.setFocus()
    qtbot.keyClicks(edit, text)


def _minutes(window: NoteWindow, **by_code: int) -> None:
    for code, minutes in by_code.items():
        box = window.sections.minutes.boxes[code.removeprefix("cpt")]
        box.setFocus()
        box.selectAll()
        QApplication.processEvents()
        box.lineEdit().setText(str(minutes))
        box.interpretText()


def _changes(qtbot: QtBot) -> list[tuple[str, list[int]]]:
    seen: list[tuple[str, list[int]]] = []
    events().data_changed.connect(lambda kind, ids: seen.append((kind, list(ids))))
    return seen


def test_the_note_opens_pre_filled_from_the_plan_with_the_patient_in_the_header(
    make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    appointment = visit(scheduled, episode)
    window = make_window(start_note(scheduled, appointment))
    header = window.header.text()
    for words in ("Ortiz, Maria", "Born Apr 12, 1978", "Chart #", "Visit note",
                  "Mon Nov 2, 2026, 09:00", "Follow-up", "Medicare"):  # fmt: skip
        assert words in header
    plan = care_plans.episode_plan(scheduled.db, scheduled.lee, episode)
    assert plan is not None
    exercises = [item.name for item in plan.items if item.kind == "exercise"]
    rows = window.sections.flowsheet.rows()
    assert [row["name"] for row in rows] == exercises
    bridge = next(row for row in rows if row["code"] == "SB-BRIDGE")
    assert (bridge["stage"], bridge["sets"], bridge["reps"], bridge["hold_s"]) == (1, 2, 10, 5)
    model = window.sections.flowsheet.model
    assert model.index(exercises.index("Glute bridge"), 3).data() == "10"  # reps, as shown
    techniques = [row["name"] for row in window.sections.techniques.rows()]
    assert techniques == [i.name for i in plan.items if i.kind in ("manual", "met")]
    # Shown exactly as saved: nothing to save until the therapist types.
    assert not window.has_unsaved_work()
    assert window.status.text().startswith("Draft · ✓ saved")
    assert window.focusWidget() is window.sections.texts["subjective"].edit
    assert window.sections.progress is None  # a visit note re-measures nothing


def test_typing_is_saved_to_the_database_by_itself(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int, journal_folder: Path
) -> None:
    note = start_note(scheduled, visit(scheduled, episode))
    window = make_window(note, run=run_task, save_delay_ms=200)
    seen = _changes(qtbot)
    _type(qtbot, window, "subjective", "Less pain sitting at work.")
    assert window.autosaver.state is SaveState.PENDING
    assert window.status.text() == "Draft · changes not saved yet"
    qtbot.waitUntil(
        lambda: stored(scheduled, note).content.get("subjective") == "Less pain sitting at work.",
        timeout=5000,
    )
    qtbot.waitUntil(lambda: window.autosaver.state is SaveState.SAVED, timeout=3000)
    assert window.status.text().startswith("Draft · ✓ saved")
    assert ("note", [note]) in seen
    assert DraftJournal(scheduled.db.url, journal_folder / "notes").read(note) is None
    # The rest of the note is as it was pre-filled.
    assert stored(scheduled, note).content["flowsheet"] == window.sections.flowsheet.rows()


def test_signing_completes_the_visit_and_shows_the_charges_read_only(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    appointment = visit(scheduled, episode)
    note = start_note(scheduled, appointment)
    window = make_window(note)
    _type(qtbot, window, "subjective", "Sat through a film without pain.")
    _minutes(window, cpt97110=33, cpt97140=7)
    seen = _changes(qtbot)
    window.exec_dialog = driving(sign_with_password)  # type: ignore[method-assign]
    with qtbot.waitSignal(window.signed):
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return, CTRL)
    record = stored(scheduled, note)
    assert record.status == "signed" and record.content["minutes"] == {"97110": 33, "97140": 7}
    view = calendar.appointment_view(scheduled.db, scheduled.lee, appointment)
    assert view is not None and view.status == "completed"
    assert ("note", [note]) in seen and ("appointment", [appointment]) in seen
    # Read-only, with what was billed (Medicare: 40 timed minutes = 3 units).
    assert window.status.text().startswith("✓ Signed by Dana Lee on ")
    assert not window.sign_button.isVisibleTo(window) and not window.save_button.isVisibleTo(window)
    assert window.addendum_button.isVisibleTo(window)
    assert window.sections.texts["subjective"].edit.isReadOnly()
    assert window.sections.flowsheet.model.read_only
    assert not window.sections.minutes.isVisibleTo(window)
    assert window.signed_parts.isVisibleTo(window)
    assert window.signed_parts.charge_rows() == [("97110", 33, 2), ("97140", 7, 1)]
    assert window.signed_parts.total.text().startswith("3 units billed for 40 minutes")
    assert window.signed_parts.addenda.signature.text().startswith("Signed by Dana Lee on ")


def test_signing_without_minutes_says_so_next_to_the_minutes(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    note = start_note(scheduled, visit(scheduled, episode))
    window = make_window(note)
    window.exec_dialog = driving(sign_with_password)  # type: ignore[method-assign]
    window.sign()  # nothing written, no minutes
    assert stored(scheduled, note).status == "draft"
    minutes = window.sections.minutes.error
    assert minutes.isVisibleTo(window)
    assert minutes.text() == "⚠ Record the minutes of each treatment (CPT code) given."
    assessment = window.sections.texts["assessment"].error
    assert assessment.text() == "⚠ Write the note: subjective, objective or assessment."
    assert window.banner.text() == "⚠ Not signed yet: fix the parts marked ⚠ below, then sign."
    # The first problem on the form has the keyboard: the assessment, then the minutes.
    assert window.focusWidget() is window.sections.texts["assessment"].edit

    _type(qtbot, window, "assessment", "Tolerating the stability progression.")
    window.sign()
    assert not assessment.isVisibleTo(window)
    assert minutes.isVisibleTo(window)
    assert window.focusWidget() is window.sections.minutes.boxes["97110"]
    _minutes(window, cpt97110=25)
    assert not minutes.isVisibleTo(window)  # the message goes once the minutes are typed
    window.sign()
    assert stored(scheduled, note).status == "signed"


def test_a_visit_in_the_future_cannot_be_signed_yet(
    make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    later = visit(scheduled, episode, day=date(2031, 1, 6))
    window = make_window(start_note(scheduled, later))
    _minutes(window, cpt97110=30)
    window.sections.texts["subjective"].set_value("Fine.")
    window.autosaver.note_change()
    window.exec_dialog = driving(sign_with_password)  # type: ignore[method-assign]
    window.sign()
    assert "sign its note on or after that day" in window.banner.text()
    assert window.record.status == "draft"


def test_a_wrong_password_leaves_the_note_a_draft(
    make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    note = start_note(scheduled, visit(scheduled, episode))
    window = make_window(note)
    _minutes(window, cpt97110=30)
    shown: list[str] = []

    def wrong(dialog: QDialog) -> None:
        assert isinstance(dialog, note_window.SignDialog)
        assert "Visit note" not in dialog.windowTitle() and "visit note" in dialog.windowTitle()
        assert "2 units: 97110 × 2" in " ".join(
            label.text() for label in dialog.findChildren(note_window.QLabel)
        )
        dialog.password.setText("not my password")
        dialog.accept()
        shown.append(dialog.message.text())
        dialog.reject()

    window.exec_dialog = driving(wrong)  # type: ignore[method-assign]
    window.sign()
    assert shown and "That password is not right" in shown[0]
    assert stored(scheduled, note).status == "draft" and window.editable


def test_tab_moves_through_the_note_in_order(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    window = make_window(start_note(scheduled, visit(scheduled, episode)))
    sections = window.sections
    expected = [
        sections.texts["objective"].edit,
        sections.texts["assessment"].edit,
        sections.texts["plan"].edit,
        sections.pain_before.focus_target(),
        sections.pain_after.focus_target(),
        sections.flowsheet.view,
    ]
    for widget in expected:
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        assert window.focusWidget() is widget
    for _step in range(40):  # on through the grids and the home program to the minutes
        if window.focusWidget() is sections.minutes.boxes["97110"]:
            break
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert window.focusWidget() is sections.minutes.boxes["97110"]
    assert isinstance(sections.texts["education"].edit, QPlainTextEdit)


def test_esc_closes_and_a_note_has_one_window(
    qtbot: QtBot, scheduled: Clinic, episode: int, journal_folder: Path
) -> None:
    appointment = visit(scheduled, episode)
    first = open_note_for_appointment(
        None, scheduled.db, scheduled.lee, appointment, journal_folder=journal_folder
    )
    assert first is not None
    qtbot.addWidget(first)
    again = open_note(None, scheduled.db, scheduled.lee, first.record.id)
    assert again is first and opening.open_windows() == [first]
    assert open_note_for_appointment(None, scheduled.db, scheduled.lee, appointment) is first
    qtbot.keyClick(first.sections.texts["plan"].edit, Qt.Key.Key_Escape)
    assert not first.isVisible() and opening.open_windows() == []


def test_a_cancelled_visit_has_no_note_and_says_why(
    scheduled: Clinic, episode: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    appointment = visit(scheduled, episode)
    view = calendar.appointment_view(scheduled.db, scheduled.desk, appointment)
    assert view is not None
    booking.set_status(
        scheduled.db, scheduled.desk, appointment, view.version, AppointmentStatus.CANCELLED,
        reason="Patient unwell",
    )  # fmt: skip
    told: list[str] = []
    monkeypatch.setattr(opening, "tell", lambda _parent, error: told.append(str(error)))
    assert open_note_for_appointment(None, scheduled.db, scheduled.lee, appointment) is None
    assert told == ["This visit was cancelled or missed; there is no treatment to document."]


def test_a_students_note_waits_for_a_therapists_cosignature(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int, make_staff: object
) -> None:
    student: Actor = make_staff("student1", Role.STUDENT)  # type: ignore[operator]
    appointment = visit(scheduled, episode)
    note = start_note(scheduled, appointment, student)
    window = make_window(note, student)
    _type(qtbot, window, "subjective", "Bridges easier.")
    _minutes(window, cpt97110=30)
    window.exec_dialog = driving(sign_with_password)  # type: ignore[method-assign]
    window.sign()
    assert stored(scheduled, note).status == "awaiting_cosign"
    assert "waiting for a therapist's co-signature" in window.status.text()
    assert not window.cosign_button.isVisibleTo(window)  # a student cannot co-sign

    therapist = make_window(note)
    assert therapist.cosign_button.isVisibleTo(therapist)
    assert not therapist.editable
    therapist.exec_dialog = driving(sign_with_password)  # type: ignore[method-assign]
    with qtbot.waitSignal(therapist.signed):
        qtbot.mouseClick(therapist.cosign_button, Qt.MouseButton.LeftButton)
    record = stored(scheduled, note)
    assert (record.status, record.cosigned_by_name) == ("signed", "Dana Lee")
    assert not therapist.cosign_button.isVisibleTo(therapist)


def test_an_addendum_goes_under_the_signed_note(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    note = start_note(scheduled, visit(scheduled, episode))
    window = make_window(note)
    _type(qtbot, window, "subjective", "Walked 20 minutes.")
    _minutes(window, cpt97110=23)
    window.exec_dialog = driving(sign_with_password)  # type: ignore[method-assign]
    window.sign()
    assert window.signed_parts.addenda.texts() == ["No addenda."]

    def write(dialog: QDialog) -> None:
        assert isinstance(dialog, AddendumDialog)
        assert dialog.intro.text().startswith("Visit note of Mon Nov 2, 2026, signed by Dana Lee")
        qtbot.keyClicks(dialog.text, "Also taught sitting posture.")
        dialog.accept()

    window.exec_dialog = driving(write)  # type: ignore[method-assign]
    qtbot.mouseClick(window.addendum_button, Qt.MouseButton.LeftButton)
    assert "Also taught sitting posture." in window.signed_parts.addenda.texts()[0]
    assert [a.text for a in stored(scheduled, note).addenda] == ["Also taught sitting posture."]


def test_someone_elses_draft_opens_read_only(
    make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    note = start_note(scheduled, visit(scheduled, episode))
    window = make_window(note, scheduled.kim)
    assert not window.editable
    assert window.status.text() == "Draft by Dana Lee · read-only"
    assert window.sections.texts["subjective"].edit.isReadOnly()
    assert not window.sign_button.isVisibleTo(window)
    window.sections.texts["subjective"].set_value("typed by mistake")
    assert window.save_before_closing()  # nothing is saved for a read-only window
    assert stored(scheduled, note).content.get("subjective") is None


def test_a_refusal_to_open_raises_for_the_caller_of_the_window(scheduled: Clinic) -> None:
    with pytest.raises(DomainError):
        NoteWindow(scheduled.db, scheduled.lee, 999_999)
