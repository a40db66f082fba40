import pytest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from ptclinic.db import Database
from ptclinic.services import auth, clinic, staff
from ptclinic.services.errors import SetupError
from ptclinic.ui.setup_wizard import FALLBACK_TIME_ZONE, SetupWizard, default_time_zone
from tests.conftest import PASSWORD


def _wizard(qtbot: QtBot, db: Database) -> SetupWizard:
    wizard = SetupWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def _fill_clinic(qtbot: QtBot, wizard: SetupWizard, name: str = "Lakeside PT") -> None:
    page = wizard.clinic_page
    page.name.clear()
    qtbot.keyClicks(page.name, name)
    page.time_zone.setCurrentText("America/Denver")
    qtbot.keyClicks(page.phone, "(555) 010-2000")


def _fill_admin(qtbot: QtBot, wizard: SetupWizard, confirm: str = PASSWORD) -> None:
    page = wizard.admin_page
    qtbot.keyClicks(page.full_name, "Dana Director")
    qtbot.keyClicks(page.username, "dana")
    qtbot.keyClicks(page.password, PASSWORD)
    qtbot.keyClicks(page.confirm, confirm)


def _nothing_saved(db: Database) -> bool:
    with pytest.raises(SetupError):
        clinic.get_clinic(db)
    return clinic.needs_setup(db)


def test_missing_clinic_name_is_refused_next_to_the_field(qtbot: QtBot, db: Database) -> None:
    wizard = _wizard(qtbot, db)
    wizard.next()
    assert wizard.currentPage() is wizard.clinic_page
    assert "name is required" in wizard.clinic_page.fields.message("name")
    assert _nothing_saved(db)


def test_unknown_time_zone_is_refused(qtbot: QtBot, db: Database) -> None:
    wizard = _wizard(qtbot, db)
    _fill_clinic(qtbot, wizard)
    wizard.clinic_page.time_zone.setCurrentText("Mars/Olympus")
    wizard.next()
    assert wizard.currentPage() is wizard.clinic_page
    assert "time zone" in wizard.clinic_page.fields.message("time_zone")


def test_bad_administrator_is_refused_and_nothing_saved(qtbot: QtBot, db: Database) -> None:
    wizard = _wizard(qtbot, db)
    _fill_clinic(qtbot, wizard)
    wizard.next()
    assert wizard.currentPage() is wizard.admin_page
    page = wizard.admin_page
    qtbot.keyClicks(page.username, "9 bad name")
    qtbot.keyClicks(page.password, "short")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.isVisible()
    assert "Full name is required" in page.fields.message("full_name")
    assert "Username must be" in page.fields.message("username")
    assert "at least 8 characters" in page.fields.message("password")
    assert _nothing_saved(db)


def test_passwords_that_differ_are_refused(qtbot: QtBot, db: Database) -> None:
    wizard = _wizard(qtbot, db)
    _fill_clinic(qtbot, wizard)
    wizard.next()
    _fill_admin(qtbot, wizard, confirm="something else")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert "differ" in wizard.admin_page.fields.message("confirm")
    assert wizard.admin_page.confirm.text() == ""
    assert _nothing_saved(db)


def test_finish_creates_the_clinic_and_its_administrator(qtbot: QtBot, db: Database) -> None:
    wizard = _wizard(qtbot, db)
    _fill_clinic(qtbot, wizard)
    wizard.next()
    _fill_admin(qtbot, wizard)
    with qtbot.waitSignal(wizard.accepted, timeout=5000):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    info = clinic.get_clinic(db)
    assert (info.name, info.time_zone, info.phone) == (
        "Lakeside PT",
        "America/Denver",
        "(555) 010-2000",
    )
    assert not clinic.needs_setup(db)
    actor = auth.authenticate(db, "dana", PASSWORD)
    assert (actor.full_name, actor.role) == ("Dana Director", "admin")


def test_default_time_zone_is_a_real_zone() -> None:
    names = clinic.time_zone_names()
    assert default_time_zone(names) in names
    assert default_time_zone([]) == FALLBACK_TIME_ZONE


def test_after_a_command_line_administrator_only_the_clinic_is_asked(
    qtbot: QtBot, db: Database
) -> None:
    # The README's PostgreSQL recipe: "ptclinic user add" made the administrator, no clinic yet.
    staff.create_first_admin(db, staff.NewStaff("alice", "Alice Admin", "admin", PASSWORD))
    assert clinic.setup_state(db) == clinic.SetupState(needs_clinic=True, needs_administrator=False)
    wizard = _wizard(qtbot, db)
    assert wizard.admin_page is None and wizard.clinic_page is not None
    _fill_clinic(qtbot, wizard)
    with qtbot.waitSignal(wizard.accepted, timeout=5000):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert clinic.get_clinic(db).name == "Lakeside PT"
    assert not clinic.needs_setup(db)
