"""Progress notes and discharge summaries: the outcome measures taken again with the
evaluation's editors, each one's change since intake with the MCID verdict, the trend chart with
today's scores, each goal's status; signing records them (and a discharge closes the episode),
and what it finds missing is shown next to the part concerned."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ptclinic.services import care_plans, episodes
from ptclinic.services.outcome_trend import TrendPoint
from ptclinic.services.outcomes import Measure
from ptclinic.ui.evaluation.outcome_editors import OdiEditor, PsfsEditor
from ptclinic.ui.notes.progress_parts import ProgressParts
from tests.ui.notes.conftest import (
    DAY,
    Clinic,
    MakeWindow,
    driving,
    sign_with_password,
    start_note,
    stored,
    visit,
)


def _progress(window: object) -> ProgressParts:
    parts = getattr(window, "sections").progress  # noqa: B009 - typed below
    assert isinstance(parts, ProgressParts)
    return parts


def test_a_progress_note_shows_the_goals_and_the_measures_to_take_again(
    make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    window = make_window(start_note(scheduled, visit(scheduled, episode, "progress_visit")))
    assert "Progress note" in window.header.text() and "Progress visit" in window.header.text()
    parts = _progress(window)
    assert isinstance(parts.odi, OdiEditor) and isinstance(parts.psfs, PsfsEditor)
    plan = care_plans.episode_plan(scheduled.db, scheduled.lee, episode)
    assert plan is not None
    assert [row.goal.text for row in parts.goal_rows] == [goal.text for goal in plan.goals]
    assert [row.status.currentText() for row in parts.goal_rows] == ["Progressing"] * 4
    assert parts.plan_update is not None and parts.reason is None
    # Compared with the intake until measured again.
    changes = parts.changes.text().splitlines()
    assert changes[0] == (
        "• Oswestry Disability Index since Nov 2, 2026: 40% then; not measured again yet."
    )
    assert changes[1].startswith("• Pain rating (NPRS) since Nov 2, 2026: 5/10 then")
    assert [p.measure for p in parts.chart.points()] == ["odi", "nprs", "psfs"]
    assert not window.has_unsaved_work()


def test_measures_taken_again_show_their_change_and_verdict_as_they_are_typed(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    note = start_note(scheduled, visit(scheduled, episode, "progress_visit"))
    window = make_window(note)
    parts = _progress(window)
    for section in parts.odi.sections:  # 1 of 5 in each section: 20%, from 40% at intake
        section.setFocus()
        qtbot.keyClick(section, "1")
    parts.nprs.focus_target().setFocus()
    qtbot.keyClick(parts.nprs.focus_target(), "4")
    changes = parts.changes.text().splitlines()
    assert changes[0] == (
        "✓ Oswestry Disability Index since Nov 2, 2026: 40% → 20% (20 points better; meets the "
        "10-point MCID)"
    )
    assert changes[1] == (
        "• Pain rating (NPRS) since Nov 2, 2026: 5/10 → 4/10 (1 point better; below the "
        "2-point MCID)"
    )
    on_the_chart = parts.chart.points()
    assert TrendPoint("odi", DAY, 20.0) in on_the_chart  # today's, beside the intake's
    assert TrendPoint("nprs", DAY, 4.0) in on_the_chart and len(on_the_chart) == 5
    parts.fill_intake_activities()
    assert parts.psfs.activities[0].text() == "Sitting 1 hour"
    window.save_now()
    outcomes = stored(scheduled, note).content["outcomes"]
    assert outcomes["odi"] == [1] * 10 and outcomes["nprs"] == 4
    assert outcomes["psfs"] == [{"activity": "Sitting 1 hour", "score": None}]
    assert parts.today_scores() == {Measure.ODI: 20.0, Measure.NPRS: 4.0}


def test_signing_a_progress_note_records_the_goal_statuses(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    note = start_note(scheduled, visit(scheduled, episode, "progress_visit"))
    window = make_window(note)
    parts = _progress(window)
    window.exec_dialog = driving(sign_with_password)  # type: ignore[method-assign]
    window.sign()  # nothing re-measured, no assessment
    assert parts.outcomes_error.text() == (
        "⚠ Re-measure at least one outcome (Oswestry, pain or PSFS)."
    )
    assert window.sections.texts["assessment"].error.text() == (
        "⚠ Write the assessment: how the patient has progressed."
    )
    assert window.focusWidget() is window.sections.texts["assessment"].edit
    assert stored(scheduled, note).status == "draft"

    window.sections.texts["assessment"].edit.setPlainText("Pain settling; sitting longer.")
    parts.nprs.focus_target().setFocus()
    qtbot.keyClick(parts.nprs.focus_target(), "2")
    assert not parts.outcomes_error.isVisibleTo(window)
    met = parts.goal_rows[0]
    met.status.setCurrentIndex(met.status.findData("met"))
    met.status.activated.emit(met.status.currentIndex())
    qtbot.keyClicks(met.note, "Down from 5 to 2.")
    window.sign()
    record = stored(scheduled, note)
    assert record.status == "signed"
    assert record.content["goals"][str(met.goal.id)] == {
        "status": "met",
        "note": "Down from 5 to 2.",
    }
    plan = care_plans.episode_plan(scheduled.db, scheduled.lee, episode)
    assert plan is not None and plan.goals[0].status == "met"
    # Signed: read-only, statuses included.
    assert met.status.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    assert met.note.isReadOnly()


def test_a_discharge_asks_for_the_reason_next_to_it_and_closes_the_episode(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    note = start_note(scheduled, visit(scheduled, episode, "discharge"))
    window = make_window(note)
    assert "Discharge summary" in window.header.text()
    parts = _progress(window)
    assert parts.reason is not None and parts.home_advice is not None and parts.plan_update is None
    window.sections.texts["assessment"].edit.setPlainText("Goals met; managing at home.")
    parts.nprs.focus_target().setFocus()
    qtbot.keyClick(parts.nprs.focus_target(), "1")
    window.exec_dialog = driving(sign_with_password)  # type: ignore[method-assign]
    window.sign()
    assert parts.reason_error.text() == "⚠ Choose the reason for discharge."
    assert window.focusWidget() is parts.reason
    parts.reason.setCurrentIndex(parts.reason.findData("goals_met"))
    parts.reason.activated.emit(parts.reason.currentIndex())
    assert not parts.reason_error.isVisibleTo(window)
    parts.home_advice.edit.setPlainText("Keep walking daily.")
    window.sign()
    assert stored(scheduled, note).status == "signed"
    closed = episodes.episode(scheduled.db, scheduled.lee, episode)
    assert closed.status == "closed" and closed.closed_reason == "Goals met"
