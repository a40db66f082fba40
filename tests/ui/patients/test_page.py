from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import AuditEvent, Role
from ptclinic.services import booking, episodes, evaluation_records
from ptclinic.services.actor import Actor
from ptclinic.services.episodes import EpisodeInput, EpisodeRecord
from ptclinic.services.evaluation_state import NOT_STARTED
from ptclinic.services.patients import PatientRecord, register_patient, update_patient
from ptclinic.ui.events import events
from ptclinic.ui.patients.episode_dialog import CloseEpisodeDialog, EpisodeDialog
from ptclinic.ui.patients.page import SEARCH_PLACEHOLDER, PatientsPage
from ptclinic.ui.patients.registration import PatientDialog
from tests.conftest import patient_input
from tests.services.conftest import MONDAY, Clinic, at, scheduled

__all__ = ["scheduled"]


@pytest.fixture
def maria(clinic_db: Database, front_desk: Actor) -> PatientRecord:
    return register_patient(
        clinic_db, front_desk, patient_input(preferred_name="Mari", payer="Blue Cross")
    )


def _page(qtbot: QtBot, db: Database, actor: Actor) -> PatientsPage:
    page = PatientsPage(db, actor)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    return page


def _type(qtbot: QtBot, page: PatientsPage, text: str) -> None:
    page.focus_search()
    qtbot.keyClicks(page.search, text)
    qtbot.waitUntil(lambda: not page._timer.isActive())


def test_typing_finds_patients_after_a_short_pause(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor, maria: PatientRecord
) -> None:
    register_patient(clinic_db, front_desk, patient_input(last_name="Nguyen", first_name="Bao"))
    page = _page(qtbot, clinic_db, front_desk)
    assert page.search.placeholderText() == SEARCH_PLACEHOLDER
    _type(qtbot, page, "o")
    assert page.model().rowCount() == 0
    assert "at least 2 letters" in page.hint.text()
    qtbot.keyClicks(page.search, "rt")
    qtbot.waitUntil(lambda: page.model().rowCount() == 1)
    assert page.model().index(0, 0).data() == "Ortiz, Maria (Mari)"
    assert page.hint.text().startswith("1 patient matches")
    assert page.table.currentIndex().row() == 0  # best match ready for Enter


def test_no_match_says_so_in_words(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor, maria: PatientRecord
) -> None:
    page = _page(qtbot, clinic_db, front_desk)
    _type(qtbot, page, "xyz")
    assert page.model().rowCount() == 0
    assert "No patient matches “xyz”" in page.hint.text()


def test_enter_opens_the_chart_with_identity_header_and_audits_the_view(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor, maria: PatientRecord
) -> None:
    page = _page(qtbot, clinic_db, front_desk)
    _type(qtbot, page, "ortiz")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.current_patient() is not None
    assert page.chart.header.objectName() == "chartHeader"
    assert page.chart.name.text() == "Ortiz, Maria (Mari)"
    assert "Apr\u00a012,\u00a01978" in page.chart.ids.text()  # wraps between parts only
    ids = page.chart.ids.text().replace("\u00a0", " ")
    assert "Apr 12, 1978 (" in ids
    assert f"Chart # {maria.chart_number}" in ids
    assert ids.endswith("Sex not recorded")
    assert page.chart.value_text("payer") == "Blue Cross"
    assert page.chart.value_text("email") == "maria.ortiz@example.com"
    assert page.chart.value_text("referring_physician") == "Not recorded"
    with clinic_db.session() as session:
        views = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.patient_id == maria.id)
        ).all()
    assert [v.actor_username for v in views] == ["frontdesk"]


def test_up_and_down_in_the_search_box_move_through_the_results(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor, maria: PatientRecord
) -> None:
    register_patient(clinic_db, front_desk, patient_input(first_name="Luis"))
    page = _page(qtbot, clinic_db, front_desk)
    _type(qtbot, page, "ortiz")
    assert [page.model().summary(r).first_name for r in (0, 1)] == ["Luis", "Maria"]
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.table.currentIndex().row() == 1
    assert page.focusWidget() is page.search
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    current = page.current_patient()
    assert current is not None and current.id == maria.id
    qtbot.keyClick(page.search, Qt.Key.Key_Up)
    assert page.table.currentIndex().row() == 0


def test_front_desk_sees_new_patient_and_edit_but_a_student_does_not(
    qtbot: QtBot,
    clinic_db: Database,
    front_desk: Actor,
    make_staff: Callable[[str, Role], Actor],
    maria: PatientRecord,
) -> None:
    desk = _page(qtbot, clinic_db, front_desk)
    assert desk.new_button is not None and desk.new_button.isVisible()
    assert desk.chart.edit_button is not None

    student = _page(qtbot, clinic_db, make_staff("student", Role.STUDENT))
    assert student.new_button is None
    assert student.chart.edit_button is None
    student.open_patient(maria.id)
    assert student.chart.name.text() == "Ortiz, Maria (Mari)"  # students may still read


def test_new_patient_dialog_registers_and_opens_the_chart(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor
) -> None:
    page = _page(qtbot, clinic_db, front_desk)
    page.register_new()
    dialog = page.findChild(PatientDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.line_edits["last_name"].setText("Okafor")
    dialog.line_edits["first_name"].setText("Chidi")
    dialog.line_edits["date_of_birth"].setText("02/29/1984")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: page.current_patient() is not None)
    current = page.current_patient()
    assert current is not None and current.last_name == "Okafor"
    assert page.chart.name.text() == "Okafor, Chidi"
    # The list shows the new patient, selected, so the list and the chart agree.
    assert page.search.text() == current.chart_number
    assert page.model().rowCount() == 1
    assert page.model().patient_id(page.table.currentIndex().row()) == current.id


def test_page_refreshes_when_a_patient_changes(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor, maria: PatientRecord
) -> None:
    page = _page(qtbot, clinic_db, front_desk)
    _type(qtbot, page, "ortiz")
    page.open_patient(maria.id)
    changed = patient_input(preferred_name="Mari", phone="555 777 8888")
    update_patient(clinic_db, front_desk, maria.id, maria.version, changed)
    events().data_changed.emit("patient", [maria.id])
    assert page.chart.value_text("phone") == "(555) 777-8888"
    assert page.model().index(0, 3).data() == "(555) 777-8888"


def test_escape_clears_the_search_and_focus_search_selects_all(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor, maria: PatientRecord
) -> None:
    page = _page(qtbot, clinic_db, front_desk)
    _type(qtbot, page, "ortiz")
    page.table.setFocus()
    page.focus_search()
    assert page.focusWidget() is page.search and page.search.selectedText() == "ortiz"
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.search.text() == ""


def test_enter_in_the_results_table_opens_the_highlighted_chart(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor, maria: PatientRecord
) -> None:
    page = _page(qtbot, clinic_db, front_desk)
    _type(qtbot, page, "ortiz")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    current = page.current_patient()
    assert current is not None and current.id == maria.id


def test_the_chart_shows_the_patients_attendance_and_keeps_it_current(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    page = PatientsPage(scheduled.db, scheduled.desk, clock=lambda: at(MONDAY, 9))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.open_patient(scheduled.ortiz)
    section = page.chart.attendance
    assert section is page.attendance and section.isVisible()
    assert section.title.text() == "Attendance"
    assert section.empty.text() == "No visits yet: nothing has been booked for this patient."

    visit = booking.book(scheduled.db, scheduled.desk, scheduled.request(at(MONDAY, 10)))
    events().data_changed.emit("appointment", [visit])
    assert section.summary.text() == "0 completed · 1 booked · 0 cancelled · 0 no-shows"
    assert section.ahead_model.rowCount() == 1
    assert section.ahead_model.index(0, 3).data() == "D. Lee"

    page.open_patient(scheduled.chen)  # another chart, its own (empty) history
    assert section.empty.isVisible() and section.ahead_model.rowCount() == 0


# --- episodes of care ---------------------------------------------------------------------------

EPISODE_NOW = at(MONDAY, 10)


def _episode(clinic: Clinic, **kw: object) -> EpisodeRecord:
    values: dict[str, object] = {
        "primary_therapist_id": clinic.lee.staff_id,
        "referring_physician": "Dr. Ana Suarez",
        "referral_date": date(2026, 12, 1),
        "diagnosis_codes": ("M46.1", "M54.50"),
        "payer_type": "medicare",
        "authorized_visits": 12,
    }
    values.update(kw)
    return episodes.open_episode(
        clinic.db,
        clinic.desk,
        clinic.ortiz,
        EpisodeInput(**values),
        now=EPISODE_NOW,  # type: ignore[arg-type]
    )


def _chart(qtbot: QtBot, clinic: Clinic, actor: Actor) -> PatientsPage:
    page = PatientsPage(clinic.db, actor, clock=lambda: EPISODE_NOW)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.open_patient(clinic.ortiz)
    return page


def _rows(page: PatientsPage) -> list[list[str]]:
    model = page.episodes.model
    return [
        [str(model.index(row, column).data()) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_the_chart_lists_episodes_open_first_with_their_warnings(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    old = _episode(scheduled, start_date=date(2025, 3, 2), diagnosis_codes=("M54.50",))
    episodes.close_episode(
        scheduled.db, scheduled.lee, old.id, old.version, reason="Goals met",
        closed_on=date(2025, 5, 1), now=EPISODE_NOW,
    )  # fmt: skip
    _episode(scheduled)
    hip = _episode(scheduled, title="Left hip", diagnosis_codes=(), referral_date=None)
    page = _chart(qtbot, scheduled, scheduled.desk)
    section = page.episodes
    assert section is page.chart.episodes and section.isVisible()
    assert section.title.text() == "Episodes of care"
    assert _rows(page) == [
        ["● Open", "⚠ Left hip", "", "D. Lee", "Dec 7, 2026", "Medicare", "12"],
        ["● Open", "Sacroiliitis, not elsewhere classified", "M46.1, M54.50", "D. Lee",
         "Dec 7, 2026", "Medicare", "12"],
        ["✓ Closed", "Low back pain, unspecified", "M54.50", "D. Lee", "Mar 2, 2025",
         "Medicare", "12"],
    ]  # fmt: skip
    # The first is chosen: its warnings are said in words under the table.
    current = section.current_episode()
    assert current is not None and current.id == hip.id
    assert section.warnings.isVisible()
    assert section.warnings.text() == (
        "⚠ Medicare: record the referral (or plan-of-care certification) date.\n"
        "⚠ No diagnosis yet: add one from the referral or the evaluation."
    )
    section.table.selectRow(2)
    assert not section.warnings.isVisible()
    assert section.details.text().startswith("✓ Closed May 1, 2025: Goals met\n")
    assert "M54.50  Low back pain, unspecified (primary)" in section.details.text()
    assert not section.edit_button.isEnabled() and not section.close_button.isEnabled()
    section.table.selectRow(1)
    assert section.edit_button.isEnabled() and section.close_button.isEnabled()


def test_ctrl_e_opens_an_episode_and_the_chart_shows_it(qtbot: QtBot, scheduled: Clinic) -> None:
    page = _chart(qtbot, scheduled, scheduled.desk)
    section = page.episodes
    assert section.empty.isVisible() and not section.table.isVisible()
    assert section.empty.text().startswith("No episode of care yet.")
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.focus_search()
    qtbot.keyClick(page.search, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = page.findChild(EpisodeDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.title, "Right SI pain")
    for text in ("sacro", "sciat right"):
        qtbot.keyClicks(dialog.picker.search, text)
        qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: section.model.rowCount() == 1)
    (saved,) = episodes.patient_episodes(scheduled.db, scheduled.desk, scheduled.ortiz)
    assert (saved.title, [d.code for d in saved.diagnoses]) == (
        "Right SI pain",
        ["M46.1", "M54.31"],
    )
    assert _rows(page)[0][:3] == ["● Open", "Right SI pain", "M46.1, M54.31"]
    current = section.current_episode()
    assert current is not None and current.id == saved.id
    assert section.table.isVisible() and not section.empty.isVisible()


def test_edit_and_close_through_the_chart(qtbot: QtBot, scheduled: Clinic) -> None:
    opened = _episode(scheduled)
    page = _chart(qtbot, scheduled, scheduled.lee)
    section = page.episodes
    section.edit_button.click()
    editing = page.findChild(EpisodeDialog)
    assert editing is not None and editing.title.text() == opened.title
    editing.authorized_visits.setText("24")
    editing.save_button.click()
    qtbot.waitUntil(lambda: _rows(page)[0][6] == "24")

    section.close_button.click()
    closing = page.findChild(CloseEpisodeDialog)
    assert closing is not None and closing.isVisible()
    closing.reason.setCurrentText("Referred on")
    closing.accept()
    qtbot.waitUntil(lambda: _rows(page)[0][0] == "✓ Closed")
    closed = episodes.episode(scheduled.db, scheduled.lee, opened.id)
    assert (closed.status, closed.closed_reason, closed.authorized_visits) == (
        "closed",
        "Referred on",
        24,
    )
    assert not section.edit_button.isEnabled() and not section.close_button.isEnabled()


def test_the_evaluation_button_asks_for_the_chosen_episodes_evaluation(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    first = _episode(scheduled)
    second = _episode(scheduled, title="Left hip")
    page = _chart(qtbot, scheduled, scheduled.lee)
    section = page.episodes
    assert section.evaluation_button.isVisible() and section.evaluation_button.isEnabled()
    section.select_episode(first.id)
    with qtbot.waitSignal(page.open_evaluation) as asked:
        section.evaluation_button.click()
    assert asked.args == [first.id]
    section.select_episode(second.id)
    with qtbot.waitSignal(page.open_evaluation) as asked:
        qtbot.keyClick(section.evaluation_button, Qt.Key.Key_Space)
    assert asked.args == [second.id]


def test_each_role_sees_the_episode_buttons_it_may_use(
    qtbot: QtBot, scheduled: Clinic, make_staff: Callable[[str, Role], Actor]
) -> None:
    _episode(scheduled)
    desk = _chart(qtbot, scheduled, scheduled.desk).episodes
    assert desk.new_button.isEnabled() and desk.edit_button.isEnabled()
    assert desk.close_button.isEnabled()
    assert desk.evaluation_button.isHidden() and not desk.evaluation_button.isEnabled()

    student = _chart(qtbot, scheduled, make_staff("student", Role.STUDENT)).episodes
    assert student.new_button.isEnabled() and student.evaluation_button.isEnabled()
    assert student.model.rowCount() == 1


def test_the_section_reloads_when_an_episode_changes(qtbot: QtBot, scheduled: Clinic) -> None:
    page = _chart(qtbot, scheduled, scheduled.desk)
    opened = _episode(scheduled)
    events().data_changed.emit("room", [])  # not about episodes: nothing to reload
    assert page.episodes.model.rowCount() == 0
    events().data_changed.emit("episode", [opened.id])
    assert _rows(page)[0][1] == "Sacroiliitis, not elsewhere classified"


def test_the_list_keeps_room_for_names_beside_a_wide_chart(qtbot, clinic_db, front_desk) -> None:  # type: ignore[no-untyped-def]
    from ptclinic.services import patients
    from ptclinic.ui.patients.page import NAME_SAMPLE
    from ptclinic.ui.patients.search_model import PatientSearchModel
    from tests.conftest import patient_input

    patient = patients.register_patient(clinic_db, front_desk, patient_input())
    page = PatientsPage(clinic_db, front_desk)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    qtbot.waitExposed(page)
    page.open_patient(patient.id)  # the chart, with its episode buttons, takes its width
    name_width = page.table.horizontalHeader().sectionSize(PatientSearchModel.NAME)
    assert name_width >= page.table.fontMetrics().horizontalAdvance(NAME_SAMPLE)


def test_a_clinician_sees_where_the_episode_stands_on_the_conservative_pathway(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    _episode(scheduled)
    section = _chart(qtbot, scheduled, scheduled.lee).episodes
    assert section.pathway.isVisible()
    assert "of at least 6 weeks of conservative care" in section.pathway.text()
    desk = _chart(qtbot, scheduled, scheduled.desk).episodes
    assert desk.pathway.isHidden()  # clinical progress is not the front desk's to read


def test_a_clinician_sees_how_far_the_evaluation_is_and_it_follows_the_window(
    qtbot: QtBot, scheduled: Clinic
) -> None:
    episode = _episode(scheduled)
    section = _chart(qtbot, scheduled, scheduled.lee).episodes
    assert section.evaluation_state.text() == NOT_STARTED
    evaluation_records.start_evaluation(scheduled.db, scheduled.lee, episode.id, now=EPISODE_NOW)
    events().data_changed.emit("evaluation", [1])  # as the evaluation window does on each save
    assert section.evaluation_state.text().startswith("Evaluation draft by Dana Lee")
    desk = _chart(qtbot, scheduled, scheduled.desk).episodes
    assert desk.evaluation_state.isHidden()


def test_the_chart_gets_the_width_the_list_does_not_need(qtbot: QtBot, scheduled: Clinic) -> None:
    _episode(scheduled)
    page = PatientsPage(scheduled.db, scheduled.lee, clock=lambda: EPISODE_NOW)
    qtbot.addWidget(page)
    page.resize(1110, 700)  # a 1366-wide laptop less the navigation
    page.show()
    qtbot.waitExposed(page)
    page.open_patient(scheduled.ortiz)
    button = page.episodes.evaluation_button
    qtbot.waitUntil(lambda: button.visibleRegion().boundingRect().width() == button.width())
    results, chart = page.splitter.sizes()
    assert chart >= results - 60  # the list keeps what its columns need, the chart the rest
