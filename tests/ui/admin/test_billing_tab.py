"""The Billing tab: fees edited in the table and saved as each is entered, a refused fee said
under its cell with nothing saved, and the therapy threshold saved with its version."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from ptclinic.db import Database
from ptclinic.models import AuditEvent
from ptclinic.services import billing_settings
from ptclinic.services.actor import Actor
from ptclinic.ui.admin import AdministrationPage
from ptclinic.ui.admin.billing_tab import NO_FEE, THRESHOLD_EXPLAINED, BillingTab, FeesModel
from ptclinic.ui.events import events


@pytest.fixture
def tab(qtbot: QtBot, clinic_db: Database, admin: Actor) -> BillingTab:
    widget = BillingTab(clinic_db, admin)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def _fee_cell(tab: BillingTab, code: str) -> str:
    return str(tab.model.index(tab.model.row_of(code), FeesModel.FEE).data())


def _editor(tab: BillingTab) -> QLineEdit | None:
    """The fee editor open now (closed ones linger until Qt deletes them)."""
    found = tab.table.viewport().findChildren(QLineEdit, "feeEditor")
    return next((editor for editor in found if editor.isVisible()), None)


def _open_editor(qtbot: QtBot, tab: BillingTab, code: str) -> QLineEdit:
    tab.edit_fee(tab.model.row_of(code))
    editor = _editor(tab)
    assert editor is not None
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    return editor


def _key(qtbot: QtBot, widget: QWidget, key: Qt.Key) -> None:
    qtbot.keyClick(widget, key)  # type: ignore[no-untyped-call]


def _type(qtbot: QtBot, editor: QLineEdit, text: str, key: Qt.Key = Qt.Key.Key_Return) -> None:
    editor.selectAll()
    if text:
        qtbot.keyClicks(editor, text)  # type: ignore[no-untyped-call]  # replaces the selection
    else:
        _key(qtbot, editor, Qt.Key.Key_Delete)
    _key(qtbot, editor, key)


def _fee_changes(db: Database) -> int:
    with db.session() as session:
        count = select(func.count()).where(AuditEvent.entity_type == "cpt_fee")
        return session.scalar(count) or 0


def test_shows_every_code_and_the_threshold_with_what_it_is(tab: BillingTab) -> None:
    assert tab.model.rowCount() == 15
    row = tab.model.row_of("97110")
    cells = [str(tab.model.index(row, column).data()) for column in range(4)]
    assert cells == ["97110", "Therapeutic exercise", NO_FEE, "15-minute unit (timed)"]
    untimed = tab.model.row_of("97161")
    assert tab.model.index(untimed, FeesModel.PER).data() == "Visit (untimed)"
    assert tab.threshold.text() == "$2,480.00"
    assert "No fees are set yet" in tab.coverage.text()
    hints = [label.text() for label in tab.findChildren(type(tab.coverage))]
    assert THRESHOLD_EXPLAINED in hints
    assert not tab.has_unsaved_work()


def test_editing_a_fee_saves_it(qtbot: QtBot, tab: BillingTab, clinic_db: Database) -> None:
    editor = _open_editor(qtbot, tab, "97110")
    assert editor.text() == ""
    with qtbot.waitSignal(events().data_changed) as changed:
        _type(qtbot, editor, "$1,095.5")
    assert changed.args == ["billing", ["97110"]]
    assert billing_settings.fee_schedule(clinic_db, tab._actor).fee("97110") == 109_550
    assert _fee_cell(tab, "97110") == "$1,095.50"
    assert tab.fee_message.text() == (
        "✓ Saved: 97110 Therapeutic exercise, $1,095.50 per 15-minute unit (timed)."
    )
    assert "Fees are set for 1 of the 15 codes" in tab.coverage.text()
    # Reopened, the editor offers the fee to change; emptying it clears the fee.
    editor = _open_editor(qtbot, tab, "97110")
    assert editor.text() == "1,095.50"
    _type(qtbot, editor, "")
    assert billing_settings.fee_schedule(clinic_db, tab._actor).fee("97110") is None
    assert _fee_cell(tab, "97110") == NO_FEE
    assert _fee_changes(clinic_db) == 2


def test_a_bad_fee_shows_the_message_under_the_cell_and_saves_nothing(
    qtbot: QtBot, tab: BillingTab, clinic_db: Database
) -> None:
    editor = _open_editor(qtbot, tab, "97140")
    _type(qtbot, editor, "-45")
    message = "The fee for 97140 Manual therapy cannot be negative."
    assert tab.fee_error() == message
    # The editor stays open with what was typed and the reason right under it.
    assert editor.isVisible() and editor.text() == "-45"
    note = tab.window().findChild(type(tab.coverage), "fieldNote")
    assert note is not None and note.isVisible() and note.text() == "⚠ " + message
    assert billing_settings.fee_schedule(clinic_db, tab._actor).fee("97140") is None
    assert _fee_cells_unchanged(tab)
    assert _fee_changes(clinic_db) == 0
    # Fixed in place, it saves and the note goes.
    _type(qtbot, editor, "45")
    assert billing_settings.fee_schedule(clinic_db, tab._actor).fee("97140") == 4500
    assert not note.isVisible()


def _fee_cells_unchanged(tab: BillingTab) -> bool:
    return all(
        tab.model.index(row, FeesModel.FEE).data() == NO_FEE for row in range(tab.model.rowCount())
    )


def test_a_bad_fee_left_by_clicking_away_is_named_above_the_table(
    qtbot: QtBot, tab: BillingTab, clinic_db: Database
) -> None:
    editor = _open_editor(qtbot, tab, "97110")
    editor.selectAll()
    qtbot.keyClicks(editor, "95,50")  # type: ignore[no-untyped-call]
    tab.threshold.setFocus()  # the editor closes on losing the focus
    qtbot.waitUntil(lambda: tab.fee_message.is_error())
    assert "write cents after a point" in tab.fee_message.text()
    assert tab.fee_message.text().endswith("Nothing was saved.")
    assert billing_settings.fee_schedule(clinic_db, tab._actor).fee("97110") is None


def test_tab_saves_and_moves_to_the_next_fee(
    qtbot: QtBot, tab: BillingTab, clinic_db: Database
) -> None:
    editor = _open_editor(qtbot, tab, "97110")
    _type(qtbot, editor, "40", Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: _editor(tab) is not None)
    assert tab.current_row() == tab.model.row_of("97112")
    schedule = billing_settings.fee_schedule(clinic_db, tab._actor)
    assert schedule.fee("97110") == 4000 and schedule.fee("97112") is None


def test_an_unchanged_fee_is_not_saved_again(tab: BillingTab, clinic_db: Database) -> None:
    index = tab.model.index(tab.model.row_of("97110"), FeesModel.FEE)
    assert tab.model.setData(index, "40")
    assert tab.model.setData(index, "40.00")  # as the editor offers it back
    assert _fee_changes(clinic_db) == 1
    assert not tab.model.setData(index.siblingAtColumn(FeesModel.CODE), "97999")


def test_saving_the_threshold(qtbot: QtBot, tab: BillingTab, clinic_db: Database) -> None:
    tab.threshold.setText("2,410")
    assert tab.has_unsaved_work()
    with qtbot.waitSignal(events().data_changed) as changed:
        tab.save_button.click()
    assert changed.args == ["billing", []]
    assert billing_settings.fee_schedule(clinic_db, tab._actor).threshold.cents == 241_000
    assert tab.threshold.text() == "$2,410.00" and not tab.has_unsaved_work()
    assert tab.threshold_message.text() == "✓ Saved: the therapy threshold is $2,410.00 a year."
    tab.threshold.setText("2480")
    tab.threshold.setFocus()
    _key(qtbot, tab.threshold, Qt.Key.Key_Return)  # a second save sends the new version
    assert billing_settings.fee_schedule(clinic_db, tab._actor).threshold.cents == 248_000


def test_a_bad_threshold_is_refused_beside_the_field(tab: BillingTab, clinic_db: Database) -> None:
    tab.threshold.setText("a lot")
    tab.save_threshold()
    assert "is not an amount of money" in tab.fields.message("amount")
    assert billing_settings.fee_schedule(clinic_db, tab._actor).threshold.cents == 248_000
    assert tab.has_unsaved_work() and tab.threshold.text() == "a lot"


def test_a_stale_threshold_keeps_the_edit_and_offers_reload(
    qtbot: QtBot, tab: BillingTab, clinic_db: Database, admin: Actor
) -> None:
    billing_settings.set_threshold(clinic_db, admin, "2500", 1)  # another workstation
    tab.threshold.setText("2600")
    tab.save_threshold()
    assert tab.threshold_message.is_error()
    assert "Someone else changed the therapy threshold" in tab.threshold_message.text()
    assert tab.threshold.text() == "2600"
    qtbot.waitUntil(tab.reload_button.hasFocus)
    tab.reload_button.click()
    assert tab.threshold.text() == "$2,500.00" and not tab.has_unsaved_work()


def test_follows_billing_changes_made_elsewhere_but_keeps_a_typed_threshold(
    tab: BillingTab, clinic_db: Database, admin: Actor
) -> None:
    billing_settings.set_fee(clinic_db, admin, "97530", "60")
    tab.threshold.setText("2600")
    events().data_changed.emit("billing", ["97530"])
    assert _fee_cell(tab, "97530") == "$60.00"
    assert tab.threshold.text() == "2600"


def test_the_administration_page_has_the_billing_tab(
    qtbot: QtBot, clinic_db: Database, admin: Actor
) -> None:
    page = AdministrationPage(clinic_db, admin)
    qtbot.addWidget(page)
    assert "Billing" in page.tab_labels()
    labels = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert "&Billing" in labels
