"""The "My work" page as a therapist meets it: today's visits in time order with each note's
state in words, the next visit marked, Medicare's progress note due, unsigned notes flagged
after 24 hours, lines that open the note, refreshing after a change, and the front desk kept
out without an error."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ptclinic.roles import Role
from ptclinic.services import clinical_notes, evaluation_records
from ptclinic.services.my_work import OpenRecord, TodayVisit
from ptclinic.ui.events import events
from ptclinic.ui.my_work.page import EMPTY, NO_CLINICAL_ACCESS, MyWorkPage
from ptclinic.ui.my_work.rows import WARNING_INK, Tone
from tests.conftest import PASSWORD
from tests.ui.my_work.conftest import (
    MONDAY,
    NOW,
    Clinic,
    MakePage,
    book,
    check_in,
    open_episode,
    start_note,
    weekdays,
)


def _record_opening(page: MyWorkPage) -> list[tuple[str, int]]:
    """What the page asks the main window to open, in order."""
    calls: list[tuple[str, int]] = []
    page.open_visit_note.connect(lambda appointment_id: calls.append(("visit", appointment_id)))
    page.open_note.connect(lambda note_id: calls.append(("note", note_id)))
    page.open_evaluation.connect(lambda episode_id: calls.append(("evaluation", episode_id)))
    return calls


def _sign(clinic: Clinic, note_id: int) -> None:
    note = clinical_notes.note(clinic.db, clinic.lee, note_id)
    note = clinical_notes.save_note_draft(
        clinic.db, clinic.lee, note.id, note.version,
        {"subjective": "Better", "minutes": {"97110": 30}},
    )  # fmt: skip
    clinical_notes.sign_note(clinic.db, clinic.lee, note.id, note.version, PASSWORD, now=NOW)


def test_todays_visits_show_in_time_order_with_each_notes_state_and_the_next_one_marked(
    make_page: MakePage, scheduled: Clinic
) -> None:
    episode = open_episode(scheduled)
    late, early, middle = (
        book(scheduled, episode, [MONDAY], hour)[0] for hour in (15, 8, 11)
    )  # fmt: skip
    _sign(scheduled, start_note(scheduled, early))
    start_note(scheduled, middle)
    page = make_page()
    assert page.title.text() == "My work — Dana Lee · Mon Dec 7"
    assert page.today.heading.text() == "Today (3)"
    rows = page.today.texts()
    assert [r[0] for r in rows] == ["08:00", "▶ Next 11:00", "15:00"]
    assert [r[1] for r in rows] == ["Ortiz, Maria"] * 3
    assert [r[5] for r in rows] == ["✓ Signed", "✎ Draft", "— Not started"]
    assert page.today.model.rows()[1].tone is Tone.NEXT
    assert page.today.current_item().appointment_id == middle  # type: ignore[attr-defined]
    assert page.summary.text().startswith("Next: 11:00 Ortiz, Maria (Follow-up")
    assert late != middle


def test_a_visit_needing_a_progress_note_says_so_in_words(
    make_page: MakePage, scheduled: Clinic
) -> None:
    episode = open_episode(scheduled, payer="medicare")
    days = weekdays(MONDAY - timedelta(days=13), 10)  # the 10th treatment day is today
    book(scheduled, episode, days)
    page = make_page()
    (row,) = page.today.texts()
    assert row[6] == "⚠ Progress note due (treatment day 10)"
    assert "⚠ 1 progress note due" in page.summary.text()
    index = page.today.model.index(0, 6)
    assert page.today.model.data(index, Qt.ItemDataRole.ForegroundRole).color() == WARNING_INK


def test_an_unsigned_note_older_than_a_day_is_flagged_in_words_and_listed_first(
    make_page: MakePage, scheduled: Clinic
) -> None:
    episode = open_episode(scheduled)
    old, recent = book(scheduled, episode, [MONDAY - timedelta(days=3), MONDAY], hour=8)
    start_note(scheduled, recent)
    start_note(scheduled, old)
    page = make_page()
    assert page.unsigned.heading.text() == "Unsigned (2)"
    first, second = (r[0] for r in page.unsigned.texts())
    assert first == "Ortiz, Maria\nVisit note · Fri Dec 4 · ⚠ over 24 h"
    assert second == "Ortiz, Maria\nVisit note · Mon Dec 7"
    tones = [r.tone for r in page.unsigned.model.rows()]
    assert tones == [Tone.WARNING, Tone.PLAIN]
    assert "2 unsigned (1 over 24 h)" in page.summary.text()


def test_empty_sections_say_so_calmly(make_page: MakePage) -> None:
    page = make_page()
    for key, section in page.sections.items():
        assert section.stack.currentWidget() is section.empty
        assert section.empty.text() == EMPTY[key]
    assert page.summary.text() == ""


def test_enter_on_a_visit_opens_its_note_and_a_line_of_each_list_opens_what_it_names(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic
) -> None:
    episode = open_episode(scheduled)
    (past,) = book(scheduled, episode, [MONDAY - timedelta(days=2)])
    check_in(scheduled, past)
    (today,) = book(scheduled, episode, [MONDAY], hour=11)
    draft = start_note(scheduled, today)
    page = make_page()
    opened = _record_opening(page)
    page.today.view.setFocus()
    qtbot.keyClick(page.today.view, Qt.Key.Key_Return)
    assert opened == [("visit", today)]
    assert page.without_note.texts() == [("Ortiz, Maria\nFollow-up · Sat Dec 5, 09:00",)]
    page.without_note.view.setCurrentIndex(page.without_note.model.index(0, 0))
    qtbot.keyClick(page.without_note.view, Qt.Key.Key_Return)
    page.unsigned.view.setCurrentIndex(page.unsigned.model.index(0, 0))
    qtbot.keyClick(page.unsigned.view, Qt.Key.Key_Enter)
    assert opened[1:] == [("visit", past), ("note", draft)]


def test_an_unsigned_evaluation_opens_through_the_main_window(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic
) -> None:
    episode = open_episode(scheduled)
    evaluation_records.start_evaluation(scheduled.db, scheduled.lee, episode)
    page = make_page()
    (record,) = (r.item for r in page.unsigned.model.rows())
    assert isinstance(record, OpenRecord) and record.kind == "evaluation"
    assert page.unsigned.texts()[0][0].startswith("Ortiz, Maria\nEvaluation · ")
    with qtbot.waitSignal(page.open_evaluation) as signal:
        page.open_item(record)
    assert signal.args == [episode]


def test_a_note_change_anywhere_refreshes_the_page(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic
) -> None:
    episode = open_episode(scheduled)
    (visit,) = book(scheduled, episode, [MONDAY], hour=11)
    page = make_page()
    assert page.today.texts()[0][5] == "— Not started"
    note = start_note(scheduled, visit)
    with qtbot.waitSignal(page.loaded):
        events().data_changed.emit("note", [note])
    assert page.today.texts()[0][5] == "✎ Draft"
    assert page.unsigned.heading.text() == "Unsigned (1)"
    assert page.today.current_item().appointment_id == visit  # type: ignore[attr-defined]
    with qtbot.assertNotEmitted(page.loaded):
        events().data_changed.emit("staff", [])  # not a kind this page shows


def test_f5_reads_again_off_the_ui_thread(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic
) -> None:
    page = make_page(threaded=True)
    qtbot.waitUntil(lambda: page.work is not None)
    assert page.today.count() == 0
    episode = open_episode(scheduled)
    book(scheduled, episode, [MONDAY], hour=11)
    page.today.view.setFocus()
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.keyClick(page.today.view, Qt.Key.Key_F5)
    assert page.today.count() == 1


def test_tab_walks_from_list_to_list(qtbot: QtBot, make_page: MakePage, scheduled: Clinic) -> None:
    episode = open_episode(scheduled)
    (past,) = book(scheduled, episode, [MONDAY - timedelta(days=2)])
    check_in(scheduled, past)
    (today,) = book(scheduled, episode, [MONDAY], hour=11)
    start_note(scheduled, today)
    page = make_page()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.today.view.setFocus()
    seen = []
    for _ in range(6):
        focus = QApplication.focusWidget()
        assert focus is not None
        seen.append(focus.objectName())
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    assert seen[:3] == ["myWorkToday", "myWorkUnsigned", "myWorkWithoutNote"]


def test_a_co_signing_therapist_sees_students_records_and_a_student_has_no_such_list(
    make_page: MakePage,
    scheduled: Clinic,
    make_staff,  # type: ignore[no-untyped-def]
) -> None:
    student = make_staff("sam", Role.STUDENT)
    episode = open_episode(scheduled)
    (visit,) = book(scheduled, episode, [MONDAY], hour=8)
    note = clinical_notes.start_note_for_appointment(scheduled.db, student, visit)
    note = clinical_notes.save_note_draft(
        scheduled.db, student, note.id, note.version,
        {"subjective": "Better", "minutes": {"97110": 30}},
    )  # fmt: skip
    clinical_notes.sign_note(scheduled.db, student, note.id, note.version, PASSWORD, now=NOW)
    page = make_page(scheduled.kim)
    cosign = page.sections["cosign"]
    assert cosign.heading.text() == "Waiting for your co-signature (1)"
    assert cosign.texts() == [("Ortiz, Maria\nVisit note · Mon Dec 7 · by Sam Person",)]
    assert "cosign" not in make_page(student).sections


def test_the_front_desk_gets_a_plain_sentence_not_an_error(
    make_page: MakePage, scheduled: Clinic
) -> None:
    page = make_page(scheduled.desk)
    assert page.sections == {}
    texts = [label.text() for label in page.findChildren(type(page.title))]
    assert NO_CLINICAL_ACCESS in texts
    page.refresh()  # nothing to read, nothing raised
    assert isinstance(page, MyWorkPage) and page.work is None


def test_today_visit_rows_are_the_services_visits(make_page: MakePage, scheduled: Clinic) -> None:
    episode = open_episode(scheduled)
    book(scheduled, episode, [MONDAY], hour=11)
    page = make_page()
    assert isinstance(page.today.current_item(), TodayVisit)
