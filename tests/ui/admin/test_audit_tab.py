from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from ptclinic.db import Database
from ptclinic.services import auth, patients
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditFilter
from ptclinic.services.clinic import clinic_today
from ptclinic.ui.admin.audit_model import AuditLogModel, count_text, day_bounds
from ptclinic.ui.admin.audit_tab import AuditTab
from tests.conftest import PASSWORD, patient_input

CHICAGO = ZoneInfo("America/Chicago")


def _column(model: AuditLogModel, column: int) -> list[str]:
    return [str(model.index(r, column).data()) for r in range(model.rowCount())]


@pytest.fixture
def chart(clinic_db: Database, front_desk: Actor, therapist: Actor) -> str:
    """Some history: a registration and a chart view by the front desk, log-ins by both."""
    record = patients.register_patient(clinic_db, front_desk, patient_input())
    patients.open_chart(clinic_db, front_desk, record.id)
    auth.authenticate(clinic_db, "frontdesk", PASSWORD)
    auth.authenticate(clinic_db, "therapist", PASSWORD)
    return record.chart_number


@pytest.fixture
def tab(qtbot: QtBot, clinic_db: Database, admin: Actor, chart: str) -> AuditTab:
    widget = AuditTab(clinic_db, admin)
    qtbot.addWidget(widget)
    return widget


def test_model_passes_the_model_tester(
    qtmodeltester, clinic_db: Database, admin: Actor, chart: str
) -> None:  # type: ignore[no-untyped-def]
    model = AuditLogModel(clinic_db, admin, page_size=3)
    model.set_filter(AuditFilter())
    qtmodeltester.check(model)


def test_rows_show_clinic_time_user_action_and_patient(tab: AuditTab, chart: str) -> None:
    model = tab.model
    first = model.audit_row(0)
    assert model.index(0, model.WHEN).data() == first.occurred_at.astimezone(CHICAGO).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert _column(model, model.USER)[0] == "therapist"
    assert _column(model, model.ACTION)[0] == "Logged in"
    assert f"Ortiz, Maria (#{chart})" in _column(model, model.PATIENT)
    assert "opened chart" in _column(model, model.WHAT)
    assert tab.count.text() == count_text(model.total)


def test_filters_narrow_the_list(tab: AuditTab, chart: str) -> None:
    everything = tab.model.total
    tab.user.setCurrentIndex(tab.user.findData("frontdesk"))
    assert set(_column(tab.model, AuditLogModel.USER)) == {"frontdesk"}
    assert tab.model.total == 3 and tab.count.text() == "3 events"

    tab.action.setCurrentIndex(tab.action.findData("login"))
    assert _column(tab.model, AuditLogModel.ACTION) == ["Logged in"]
    assert tab.count.text() == "1 event"

    tab.clear_filters()
    assert tab.model.total == everything
    tab.chart.setText(chart)
    tab.apply_filters()
    assert _column(tab.model, AuditLogModel.ACTION) == ["Viewed", "Created"]

    tab.chart.setText("no-such-chart")
    tab.apply_filters()
    assert tab.model.rowCount() == 0 and tab.count.text() == "0 events"


def test_the_date_range_includes_the_whole_last_day(tab: AuditTab, clinic_db: Database) -> None:
    today = clinic_today(clinic_db)
    assert tab.until.date() == QDate(today.year, today.month, today.day)
    assert tab.model.total > 0
    yesterday = today - timedelta(days=1)
    tab.until.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    assert tab.model.total == 0

    tab.since.setDate(QDate(today.year, today.month, today.day))  # From after To
    assert tab.message.is_error() and "after" in tab.message.text()
    assert tab.model.rowCount() == 0


def test_day_bounds_follow_the_clinic_zone_across_daylight_saving() -> None:
    # US clocks sprang forward on 2026-03-08: that clinic day has 23 hours.
    since, until = day_bounds(date(2026, 3, 8), date(2026, 3, 8), CHICAGO)
    assert since.isoformat() == "2026-03-08T06:00:00+00:00"
    assert until - since == timedelta(hours=23)
    since, until = day_bounds(date(2026, 11, 17), date(2026, 11, 23), CHICAGO)
    assert until - since == timedelta(days=7)


def test_pages_are_fetched_only_when_asked(
    clinic_db: Database, admin: Actor, therapist: Actor
) -> None:
    for _ in range(11):
        auth.authenticate(clinic_db, "therapist", PASSWORD)
    model = AuditLogModel(clinic_db, admin, page_size=5)
    model.set_filter(AuditFilter(username="therapist"))
    assert model.total == 11
    assert model.rowCount() == 5 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 10 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 11 and not model.canFetchMore()
    ids = [model.audit_row(r).id for r in range(model.rowCount())]
    assert len(set(ids)) == 11 and ids == sorted(ids, reverse=True)


def test_events_written_while_paging_do_not_repeat_rows(
    clinic_db: Database, admin: Actor, therapist: Actor
) -> None:
    for _ in range(8):
        auth.authenticate(clinic_db, "therapist", PASSWORD)
    model = AuditLogModel(clinic_db, admin, page_size=4)
    model.set_filter(AuditFilter(username="therapist"))
    first_page = {model.audit_row(r).id for r in range(model.rowCount())}
    auth.authenticate(clinic_db, "therapist", PASSWORD)  # pushes every older row down by one
    model.fetchMore()
    ids = [model.audit_row(r).id for r in range(model.rowCount())]
    assert len(ids) == len(set(ids))
    assert first_page <= set(ids)


def test_a_hidden_log_catches_up_when_shown(
    qtbot: QtBot, tab: AuditTab, clinic_db: Database
) -> None:
    from ptclinic.ui.events import events

    before = tab.model.total
    auth.authenticate(clinic_db, "frontdesk", PASSWORD)
    events().data_changed.emit("staff", [])
    assert tab.model.total == before  # not reloaded under someone reading it
    tab.show()
    qtbot.waitExposed(tab)
    assert tab.model.total == before + 1
