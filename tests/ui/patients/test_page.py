from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import AuditEvent, Role
from ptclinic.services import booking
from ptclinic.services.actor import Actor
from ptclinic.services.patients import PatientRecord, register_patient, update_patient
from ptclinic.ui.events import events
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
