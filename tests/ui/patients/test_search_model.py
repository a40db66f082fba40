from datetime import date

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_today
from ptclinic.services.patients import register_patient
from ptclinic.ui.patients.search_model import PatientSearchModel, format_dob
from tests.conftest import patient_input


def _names(model: PatientSearchModel) -> list[str]:
    return [model.summary(row).display_name for row in range(model.rowCount())]


def test_model_passes_the_qt_model_tester(
    qtmodeltester: ModelTester, clinic_db: Database, front_desk: Actor
) -> None:
    register_patient(clinic_db, front_desk, patient_input(preferred_name="Mari"))
    register_patient(clinic_db, front_desk, patient_input(first_name="Luis", phone=""))
    register_patient(clinic_db, front_desk, patient_input(last_name="Ortega", first_name="Ana"))
    model = PatientSearchModel(clinic_db, front_desk)
    model.set_query("ort")
    assert model.rowCount() == 3
    qtmodeltester.check(model)


def test_rows_show_name_date_of_birth_with_age_chart_and_phone(
    clinic_db: Database, front_desk: Actor
) -> None:
    record = register_patient(clinic_db, front_desk, patient_input(preferred_name="Mari"))
    model = PatientSearchModel(clinic_db, front_desk)
    model.set_query("Ortiz")
    row = [model.index(0, column).data() for column in range(model.columnCount())]
    age = format_dob(date(1978, 4, 12), clinic_today(clinic_db))
    assert row == ["Ortiz, Maria (Mari)", age, record.chart_number, "(555) 201-3344"]
    assert age.startswith("Apr 12, 1978 (")
    assert model.patient_id(0) == record.id
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["Name", "Date of birth", "Chart #", "Phone"]


def test_date_of_birth_age_counts_whole_years() -> None:
    assert format_dob(date(1978, 4, 12), date(2026, 4, 11)) == "Apr 12, 1978 (47)"
    assert format_dob(date(1978, 4, 12), date(2026, 4, 12)) == "Apr 12, 1978 (48)"


def test_fetch_more_pages_beyond_the_first_hundred(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor
) -> None:
    for n in range(130):
        register_patient(
            clinic_db, front_desk, patient_input(last_name="Page", first_name=f"P{n:03}")
        )
    model = PatientSearchModel(clinic_db, front_desk)
    model.set_query("page")
    assert model.rowCount() == 100
    assert model.canFetchMore()
    with qtbot.waitSignal(model.rowsInserted):
        model.fetchMore()
    assert model.rowCount() == 130
    assert not model.canFetchMore()
    firsts = [model.summary(row).first_name for row in range(130)]
    assert firsts == [f"P{n:03}" for n in range(130)]  # no row twice, none skipped


def test_ranking_puts_exact_chart_number_and_last_names_first(
    clinic_db: Database, front_desk: Actor
) -> None:
    register_patient(clinic_db, front_desk, patient_input(last_name="Adams", first_name="Smith"))
    register_patient(clinic_db, front_desk, patient_input(last_name="Smithers", first_name="Ann"))
    register_patient(clinic_db, front_desk, patient_input(last_name="Smith", first_name="Zoe"))
    model = PatientSearchModel(clinic_db, front_desk)
    model.set_query("smith")
    assert _names(model) == ["Smith, Zoe", "Smithers, Ann", "Adams, Smith"]

    model.set_query("10002")
    assert model.summary(0).chart_number == "10002"


def test_new_query_resets_and_empty_query_shows_nothing(
    qtbot: QtBot, clinic_db: Database, front_desk: Actor
) -> None:
    register_patient(clinic_db, front_desk, patient_input())
    model = PatientSearchModel(clinic_db, front_desk)
    model.set_query("ortiz")
    assert model.rowCount() == 1
    with qtbot.waitSignal(model.modelReset):
        model.set_query("")
    assert model.rowCount() == 0
    assert not model.canFetchMore()


def test_errors_become_a_message_not_an_exception(
    qtbot: QtBot, clinic_db: Database, admin: Actor
) -> None:
    # An administrator may not view patients: the service refuses, the model says why.
    model = PatientSearchModel(clinic_db, admin)
    with qtbot.waitSignal(model.failed) as blocker:
        model.set_query("ortiz")
    assert model.rowCount() == 0
    assert "not allowed to view patients" in blocker.args[0]
    assert model.error == blocker.args[0]
