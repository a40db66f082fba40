import dataclasses

import pytest
from pytestqt.qtbot import QtBot

from ptclinic.db import Database
from ptclinic.services import clinic
from ptclinic.services.actor import Actor
from ptclinic.ui.admin.settings_tab import SettingsTab
from ptclinic.ui.events import events


@pytest.fixture
def tab(qtbot: QtBot, clinic_db: Database, admin: Actor) -> SettingsTab:
    widget = SettingsTab(clinic_db, admin)
    qtbot.addWidget(widget)
    return widget


def test_shows_the_saved_settings(tab: SettingsTab) -> None:
    assert tab.name.text() == "Riverside Physical Therapy"
    assert tab.time_zone.currentText() == "America/Chicago"
    assert not tab.has_unsaved_work()


def test_save_works_and_announces_the_change(
    qtbot: QtBot, tab: SettingsTab, clinic_db: Database
) -> None:
    tab.name.setText("Riverside PT & Wellness")
    tab.time_zone.setCurrentText("America/Denver")
    tab.phone.setText("(555) 201-0000")
    tab.idle_lock_minutes.setValue(15)
    assert tab.has_unsaved_work()
    with qtbot.waitSignal(events().data_changed) as changed:
        tab.save()
    assert changed.args == ["clinic", [1]]
    saved = clinic.get_clinic(clinic_db)
    assert (saved.name, saved.time_zone, saved.phone, saved.idle_lock_minutes) == (
        "Riverside PT & Wellness",
        "America/Denver",
        "(555) 201-0000",
        15,
    )
    assert "saved" in tab.message.text() and not tab.message.is_error()
    assert not tab.has_unsaved_work()
    tab.phone.setText("(555) 201-0001")
    tab.save()  # a second save uses the new version, so it is not refused as stale
    assert clinic.get_clinic(clinic_db).phone == "(555) 201-0001"


def test_an_unknown_time_zone_is_refused_beside_the_field(
    tab: SettingsTab, clinic_db: Database
) -> None:
    tab.time_zone.setCurrentText("Mars/Olympus_Mons")
    tab.save()
    assert "Choose a time zone" in tab.fields.message("time_zone")
    assert clinic.get_clinic(clinic_db).time_zone == "America/Chicago"
    assert tab.has_unsaved_work()  # what was typed stays to be corrected


def test_idle_lock_outside_the_allowed_range_is_refused(
    tab: SettingsTab, clinic_db: Database
) -> None:
    tab.idle_lock_minutes.setValue(0)
    assert tab.idle_lock_minutes.value() == 1  # the spin box keeps to 1-240 by itself
    # Were the box ever wider than the rule, the service's message lands beside it.
    tab.idle_lock_minutes.setRange(0, 1000)
    tab.idle_lock_minutes.setValue(500)
    tab.save()
    assert "between 1 and 240" in tab.fields.message("idle_lock_minutes")
    assert clinic.get_clinic(clinic_db).idle_lock_minutes != 500


def test_an_empty_name_is_refused(tab: SettingsTab) -> None:
    tab.name.setText("   ")
    tab.save()
    assert "name is required" in tab.fields.message("name")


def test_a_stale_save_is_refused_and_keeps_the_edits(
    tab: SettingsTab, clinic_db: Database, admin: Actor
) -> None:
    current = clinic.get_clinic(clinic_db)
    clinic.update_clinic(clinic_db, admin, dataclasses.replace(current, phone="(555) 999-0000"))
    tab.address.setText("1 Main St")
    tab.save()
    assert tab.message.is_error() and "Someone else changed" in tab.message.text()
    assert tab.address.text() == "1 Main St"
    assert clinic.get_clinic(clinic_db).address == ""
    tab.reload()
    assert tab.phone.text() == "(555) 999-0000" and tab.address.text() == ""
    tab.address.setText("1 Main St")
    tab.save()
    assert clinic.get_clinic(clinic_db).address == "1 Main St"


def test_time_zone_list_finds_a_city_anywhere_in_the_name(tab: SettingsTab) -> None:
    completer = tab.time_zone.completer()
    assert completer is not None
    completer.setCompletionPrefix("chicago")
    assert completer.currentCompletion() == "America/Chicago"
