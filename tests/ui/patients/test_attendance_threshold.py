"""The chart's line under the attendance summary: the therapy billed this year against the
therapy threshold, shown only once the clinic keeps fees."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from ptclinic.services import booking, clinical_notes, episodes
from ptclinic.services.billing_settings import set_fee, set_threshold
from ptclinic.services.episodes import EpisodeInput
from ptclinic.ui.events import events
from ptclinic.ui.patients.attendance_view import AttendanceView
from tests.conftest import PASSWORD
from tests.services.conftest import MONDAY, Clinic, at, scheduled

__all__ = ["scheduled"]

NOW = at(MONDAY, 17)


def _signed_visit(clinic: Clinic) -> int:
    """A Medicare visit last Monday: 33 min 97110 + 7 min 97140 = 3 units, signed."""
    episode = episodes.open_episode(
        clinic.db, clinic.desk, clinic.ortiz,
        EpisodeInput(title="Right SI pain", primary_therapist_id=clinic.lee.staff_id,
                     start_date=MONDAY - timedelta(weeks=2), payer_type="medicare"),
        now=at(MONDAY - timedelta(weeks=2), 8),
    ).id  # fmt: skip
    when = at(MONDAY - timedelta(days=7), 9)
    visit = booking.book(clinic.db, clinic.desk, clinic.request(when, episode=episode))
    note = clinical_notes.start_note_for_appointment(clinic.db, clinic.lee, visit)
    note = clinical_notes.save_note_draft(
        clinic.db, clinic.lee, note.id, note.version,
        {"subjective": "Sleeping better.", "minutes": {"97110": 33, "97140": 7}},
    )  # fmt: skip
    clinical_notes.sign_note(clinic.db, clinic.lee, note.id, note.version, PASSWORD, now=NOW)
    return visit


def _view(qtbot: QtBot, clinic: Clinic) -> AttendanceView:
    view = AttendanceView(clinic.db, clinic.desk, clock=lambda: NOW)
    qtbot.addWidget(view)
    view.resize(700, 600)
    view.show()
    view.show_patient(clinic.ortiz)
    return view


def test_the_years_total_shows_under_the_summary_when_fees_are_kept(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    set_fee(scheduled.db, scheduled.admin, "97110", "40")
    set_fee(scheduled.db, scheduled.admin, "97140", "45")
    _signed_visit(scheduled)
    view = _view(qtbot, scheduled)
    assert view.summary.text() == "1 completed · 0 booked · 0 cancelled · 0 no-shows"
    assert view.threshold.isVisible()
    assert view.threshold.text() == "$125.00 of the $2,480.00 therapy threshold billed in 2026."
    assert view.threshold.objectName() == ""
    layout = view.layout()
    assert layout is not None
    assert layout.indexOf(view.threshold) == layout.indexOf(view.summary) + 1


def test_no_line_without_fees(qtbot: QtBot, scheduled: Clinic) -> None:
    _signed_visit(scheduled)
    view = _view(qtbot, scheduled)
    assert view.summary.isVisible()
    assert not view.threshold.isVisible()


def test_past_the_threshold_the_line_warns_in_words(qtbot: QtBot, scheduled: Clinic) -> None:
    set_fee(scheduled.db, scheduled.admin, "97110", "40")
    _signed_visit(scheduled)
    view = _view(qtbot, scheduled)
    assert view.threshold.text().startswith("$80.00 of the $2,480.00")
    set_threshold(scheduled.db, scheduled.admin, "75", 1)
    events().data_changed.emit("billing", [])  # the threshold changed: the line follows
    assert view.threshold.text() == (
        "⚠ $80.00 of the $75.00 therapy threshold billed in 2026: over it, add the KX modifier "
        "with medical necessity documented."
    )
    assert view.threshold.objectName() == "formNotice"


def test_the_line_follows_the_patients_visits_only(qtbot: QtBot, scheduled: Clinic) -> None:
    set_fee(scheduled.db, scheduled.admin, "97110", "40")
    view = _view(qtbot, scheduled)
    assert not view.threshold.isVisible()  # no visits yet
    visit = _signed_visit(scheduled)
    events().data_changed.emit("appointment", [visit + 1000])  # someone else's visit
    assert view.summary.isVisible() and not view.threshold.isVisible()
    events().data_changed.emit("appointment", [visit])  # completed by its signed note
    assert view.threshold.text().startswith("$80.00 of the $2,480.00")
