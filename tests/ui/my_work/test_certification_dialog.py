"""Recording a plan-of-care certification from "Due soon": the reminder offers the dialog, a
Medicare period over 90 days is refused beside the field, a valid one is saved and announced,
and a period sent but unsigned can get its signature day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from ptclinic.services import plan_certifications
from ptclinic.ui.date_field import to_qdate
from ptclinic.ui.events import events
from ptclinic.ui.my_work.certification_dialog import SIGNED_REQUIRED, CertificationDialog
from ptclinic.ui.my_work.page import MyWorkPage
from tests.ui.my_work.conftest import NOW, START, Clinic, MakePage, book, open_episode

RECERTIFY = "Recertify the plan of care by Dec 16 (9 days left)."


@pytest.fixture
def due(scheduled: Clinic) -> int:
    """A Medicare episode whose certification (Nov 2 - Dec 16) ends in 9 days."""
    episode = open_episode(scheduled, payer="medicare")
    plan_certifications.add_certification(
        scheduled.db, scheduled.lee, episode, START, START + timedelta(days=44),
        certified_on=START, now=NOW,
    )  # fmt: skip
    return episode


def _dialog(qtbot: QtBot, clinic: Clinic, episode: int) -> CertificationDialog:
    dialog = CertificationDialog(clinic.db, clinic.lee, episode, clinic.ortiz, clock=lambda: NOW)
    qtbot.addWidget(dialog)
    dialog.ask_unsaved = lambda: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
    dialog.show()
    return dialog


def driving(fill: Callable[[QDialog], None]) -> Callable[[QDialog], int]:
    def run(dialog: QDialog) -> int:
        fill(dialog)
        return dialog.result()

    return run


def test_a_certification_reminder_offers_the_dialog_and_the_visit_limit_does_not(
    make_page: MakePage, scheduled: Clinic, due: int
) -> None:
    episode = open_episode(scheduled, authorized=4)  # a second episode, running out of visits
    book(scheduled, episode, [START + timedelta(days=n) for n in (1, 2)])
    page = make_page()
    texts = [row[0] for row in page.due.texts()]
    assert f"Ortiz, Maria\n{RECERTIFY}" in texts
    assert "Ortiz, Maria\n2 of 4 authorized visits left." in texts
    assert page.certify_button.isVisible() and page.certify_button.isEnabled()
    current = page.due.current_item()
    assert current is not None and current.words == RECERTIFY  # type: ignore[attr-defined]
    visits_row = texts.index("Ortiz, Maria\n2 of 4 authorized visits left.")
    page.due.view.setCurrentIndex(page.due.model.index(visits_row, 0))
    assert not page.certify_button.isEnabled()


def test_a_medicare_period_over_90_days_is_refused_beside_the_end_date(
    qtbot: QtBot, scheduled: Clinic, due: int
) -> None:
    dialog = _dialog(qtbot, scheduled, due)
    assert dialog.period_start.date() == to_qdate(START + timedelta(days=45))  # Dec 17
    assert dialog.period_end.date() == to_qdate(START + timedelta(days=134))  # 90 days
    dialog.period_end.setDate(to_qdate(START + timedelta(days=135)))  # 91 days
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.saved() is None
    assert dialog.field_error("period_end") == (
        "⚠ Medicare certifies a plan of care for at most 90 days: end it by Mar 16, 2027."
    )
    state = plan_certifications.certifications(scheduled.db, scheduled.lee, due, now=NOW)
    assert len(state.periods) == 1


def test_a_valid_period_is_saved_and_announced(qtbot: QtBot, scheduled: Clinic, due: int) -> None:
    dialog = _dialog(qtbot, scheduled, due)
    dialog.physician.setText("Dr. Ana Suarez")
    with qtbot.waitSignal(events().data_changed) as signal:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = dialog.saved()
    assert saved is not None and signal.args == ["certification", [saved.id]]
    assert dialog.result() == QDialog.DialogCode.Accepted.value
    assert dialog.done_text() == (
        "Certification recorded: Dec 17, 2026 to Mar 16, 2027, not signed yet."
    )
    state = plan_certifications.certifications(scheduled.db, scheduled.lee, due, now=NOW)
    assert state.periods[0].physician == "Dr. Ana Suarez"


def test_the_signature_of_a_period_sent_can_be_recorded(qtbot: QtBot, scheduled: Clinic) -> None:
    episode = open_episode(scheduled, payer="medicare")
    plan_certifications.add_certification(
        scheduled.db, scheduled.lee, episode, START, START + timedelta(days=80), now=NOW
    )
    dialog = _dialog(qtbot, scheduled, episode)
    assert dialog.signed_choice.isVisible() and dialog.signed_choice.isChecked()
    assert not dialog.period_start.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.field_error("certified_on") == "⚠ " + SIGNED_REQUIRED
    dialog.certified_on.set_value(START + timedelta(days=3))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    state = plan_certifications.certifications(scheduled.db, scheduled.lee, episode, now=NOW)
    assert [p.certified_on for p in state.periods] == [START + timedelta(days=3)]


def test_the_page_opens_the_dialog_from_the_reminder_and_shows_what_was_recorded(
    qtbot: QtBot, make_page: MakePage, scheduled: Clinic, due: int
) -> None:
    page: MyWorkPage = make_page()
    shown: list[CertificationDialog] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, CertificationDialog)
        shown.append(dialog)
        dialog.save()

    page.exec_dialog = driving(fill)  # type: ignore[method-assign]
    page.due.view.setFocus()
    with qtbot.waitSignal(page.loaded):  # the new period ends the reminder: read again
        qtbot.keyClick(page.due.view, Qt.Key.Key_Return)
    assert len(shown) == 1
    assert page.message.text().startswith("✓ Certification recorded: Dec 17, 2026")
    # The new period waits for the physician's signature: the reminder says so now.
    assert page.due.texts() == [
        ("Ortiz, Maria\nThe physician has not signed the plan of care yet.",)
    ]
    assert page.certify_button.isEnabled()
