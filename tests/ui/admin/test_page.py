import pytest
from pytestqt.qtbot import QtBot

from ptclinic.db import Database
from ptclinic.models import Role
from ptclinic.services.actor import Actor
from ptclinic.ui.admin import AdministrationPage


def _page(qtbot: QtBot, db: Database, actor: Actor) -> AdministrationPage:
    page = AdministrationPage(db, actor)
    qtbot.addWidget(page)
    return page


def test_administrator_gets_every_tab(qtbot: QtBot, clinic_db: Database, admin: Actor) -> None:
    page = _page(qtbot, clinic_db, admin)
    assert page.tab_labels() == [
        "Staff",
        "Rooms",
        "Clinic settings",
        "Scheduling",
        "Billing",
        "Audit log",
    ]
    assert page.staff_tab and page.rooms_tab and page.settings_tab and page.audit_tab
    assert not page.has_unsaved_work()


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.THERAPIST, Role.STUDENT])
def test_other_roles_get_no_administration_tabs(
    qtbot: QtBot, clinic_db: Database, make_staff, role: Role
) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, clinic_db, make_staff("someone", role))
    assert page.tab_labels() == []
    assert page.staff_tab is None and page.audit_tab is None
    assert page.tabs.isHidden()


def test_tabs_follow_permissions(
    qtbot: QtBot, clinic_db: Database, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A role that could manage rooms and read the log but not staff or settings would see only
    # those two tabs: each tab asks its own permission.
    from ptclinic.services import permissions
    from ptclinic.services.permissions import Permission

    reduced = frozenset({Permission.MANAGE_ROOMS, Permission.VIEW_AUDIT_LOG})
    monkeypatch.setitem(permissions.ROLE_PERMISSIONS, Role.ADMIN, reduced)
    page = _page(qtbot, clinic_db, admin)
    assert page.tab_labels() == ["Rooms", "Audit log"]
    assert page.staff_tab is None and page.settings_tab is None


def test_unsaved_settings_are_reported(qtbot: QtBot, clinic_db: Database, admin: Actor) -> None:
    page = _page(qtbot, clinic_db, admin)
    assert page.settings_tab is not None
    page.settings_tab.phone.setText("(555) 000-1111")
    assert page.has_unsaved_work()


def test_an_unsaved_threshold_counts_as_unsaved_work(
    qtbot: QtBot, clinic_db: Database, admin: Actor
) -> None:
    page = _page(qtbot, clinic_db, admin)
    assert page.billing_tab is not None and not page.has_unsaved_work()
    page.billing_tab.threshold.setText("2,500.00")
    assert page.has_unsaved_work()
