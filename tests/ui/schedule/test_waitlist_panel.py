"""The waitlist panel beside the schedule: who waits longest first, a filter, and the keys to
add, take off and book, each change made through the waitlist service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QHBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ptclinic.models import AuditEvent
from ptclinic.roles import Role
from ptclinic.services import patient_search, waitlist
from ptclinic.services.waitlist import WaitlistItem, WaitlistWish
from ptclinic.ui.events import events
from ptclinic.ui.schedule.waitlist_dialog import RemoveDialog, WaitlistDialog, since_text
from ptclinic.ui.schedule.waitlist_panel import WaitlistPanel
from tests.services.conftest import CHICAGO, MONDAY
from tests.ui.schedule.conftest import NOW, Clinic, driving

MakePanel = Callable[..., WaitlistPanel]


@pytest.fixture
def make_panel(qtbot: QtBot, scheduled: Clinic) -> MakePanel:
    def make(actor: Any = None, width: int = 340) -> WaitlistPanel:
        panel = WaitlistPanel(scheduled.db, actor or scheduled.desk, CHICAGO, clock=lambda: NOW)
        qtbot.addWidget(panel)
        panel.resize(width, 600)
        panel.show()
        qtbot.waitExposed(panel)
        return panel

    return make


def _add(clinic: Clinic, patient_id: int, **kwargs: Any) -> WaitlistItem:
    kwargs.setdefault("visit_type", "follow_up")
    kwargs.setdefault("earliest_date", MONDAY)
    return waitlist.add_to_waitlist(clinic.db, clinic.desk, WaitlistWish(patient_id, **kwargs))


def _two_waiting(clinic: Clinic) -> tuple[WaitlistItem, WaitlistItem]:
    ortiz = _add(
        clinic,
        clinic.ortiz,
        weekdays=(0, 3),
        earliest_time=time(8),
        latest_time=time(12),
        note="can come at short notice",
    )
    chen = _add(clinic, clinic.chen, therapist_id=clinic.kim.staff_id)
    return ortiz, chen


def _focus_list(qtbot: QtBot, panel: WaitlistPanel) -> None:
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    panel.list.setFocus()


def _ok(dialog: QDialog) -> None:
    assert isinstance(dialog, RemoveDialog | WaitlistDialog)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_list_shows_who_waits_longest_first_in_a_narrow_panel(
    make_panel: MakePanel, scheduled: Clinic
) -> None:
    ortiz, chen = _two_waiting(scheduled)
    panel = make_panel(width=340)
    assert [i.id for i in panel.items()] == [ortiz.id, chen.id]
    assert panel.count_label.text() == "2 waiting"
    assert panel.card(ortiz).text() == (
        f"Ortiz, Maria · {since_text(ortiz, CHICAGO, MONDAY)}\n"
        "Follow-up · Mon, Thu · 08:00–12:00 · from Mon 07 Dec 2026 · any therapist\n"
        "(555) 201-3344 · “can come at short notice”"
    )
    assert "Brian Kim" in panel.card(chen).text() and "no phone on file" in panel.card(chen).text()
    assert panel.selected() == ortiz  # the longest waiting is highlighted
    # Fits a side panel: nothing needs more than its width, and a card grows as it narrows.
    assert panel.minimumSizeHint().width() <= 340
    tall = panel.list.visualRect(panel.model.index(0, 0)).height()
    panel.resize(700, 600)
    QApplication.processEvents()
    assert panel.list.visualRect(panel.model.index(0, 0)).height() < tall


def test_the_filter_narrows_by_name_therapist_or_day(
    qtbot: QtBot, make_panel: MakePanel, scheduled: Clinic
) -> None:
    ortiz, chen = _two_waiting(scheduled)
    panel = make_panel()
    qtbot.keyClicks(panel.filter_edit, "chen")
    assert panel.items() == [chen] and panel.count_label.text() == "1 of 2 shown"
    assert panel.selected() == chen
    panel.filter_edit.clear()
    qtbot.keyClicks(panel.filter_edit, "thu 08:00")
    assert panel.items() == [ortiz]
    panel.filter_edit.clear()
    qtbot.keyClicks(panel.filter_edit, "kim")
    assert panel.items() == [chen]
    qtbot.keyClicks(panel.filter_edit, "zz")
    assert panel.items() == [] and panel.selected() is None
    assert panel.empty_label.text() == "Nobody on the waitlist matches “kimzz”."
    assert not panel.book_button.isEnabled() and not panel.remove_button.isEnabled()
    panel.filter_edit.clear()
    assert len(panel.items()) == 2 and panel.empty_label.isHidden()


def test_an_empty_waitlist_says_how_to_add(make_panel: MakePanel) -> None:
    panel = make_panel()
    assert panel.items() == [] and panel.count_label.text() == "0 waiting"
    assert panel.empty_label.text().startswith("Nobody is waiting. Press Ins")


def test_delete_takes_the_patient_off_with_a_reason(
    qtbot: QtBot, make_panel: MakePanel, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    ortiz, chen = _two_waiting(scheduled)
    panel = make_panel()
    seen: list[RemoveDialog] = []

    def keep_waiting(dialog: QDialog) -> None:
        assert isinstance(dialog, RemoveDialog)
        seen.append(dialog)
        dialog.reject()

    monkeypatch.setattr(panel, "exec_dialog", driving(keep_waiting))
    _focus_list(qtbot, panel)
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert seen and seen[0].intro.text().startswith("Ortiz, Maria · Follow-up · waiting since")
    assert len(waitlist.waiting_list(scheduled.db, scheduled.desk)) == 2  # kept

    def give_reason(dialog: QDialog) -> None:
        assert isinstance(dialog, RemoveDialog)
        line = dialog.reason.lineEdit()
        assert line is not None
        qtbot.keyClicks(line, "Found another clinic")
        _ok(dialog)

    monkeypatch.setattr(panel, "exec_dialog", driving(give_reason))
    with qtbot.waitSignal(events().data_changed) as signal:
        qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert signal.args == ["waitlist", [ortiz.id]]
    assert [i.id for i in waitlist.waiting_list(scheduled.db, scheduled.desk)] == [chen.id]
    assert [i.id for i in panel.items()] == [chen.id]  # refreshed by the event
    assert panel.message.text() == "✓ M. Ortiz is off the waitlist."
    with scheduled.db.session() as session:
        summary = session.scalars(
            select(AuditEvent.summary).where(
                AuditEvent.entity_type == "waitlist", AuditEvent.action == "change"
            )
        ).one()
    assert summary == "removed from the waitlist: Found another clinic"


def test_an_entry_changed_elsewhere_is_not_removed_and_the_list_catches_up(
    qtbot: QtBot, make_panel: MakePanel, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    ortiz, chen = _two_waiting(scheduled)
    panel = make_panel()
    # Another workstation takes Ortiz off; this panel has not heard of it yet.
    waitlist.remove_from_waitlist(scheduled.db, scheduled.desk, ortiz.id, ortiz.version)
    refused: list[str] = []

    def try_and_give_up(dialog: QDialog) -> None:
        assert isinstance(dialog, RemoveDialog)
        _ok(dialog)
        refused.append(dialog.error_text())
        assert dialog.result() != QDialog.DialogCode.Accepted.value  # still open
        dialog.reject()

    monkeypatch.setattr(panel, "exec_dialog", driving(try_and_give_up))
    panel.remove()
    assert refused == [
        "⚠ Someone else changed this waitlist entry a moment ago. It has been reloaded; "
        "nothing was changed."
    ]
    assert [i.id for i in panel.items()] == [chen.id]
    assert panel.message.is_error() and "changed on another workstation" in panel.message.text()


def test_enter_asks_the_page_to_book_the_selected_patient(
    qtbot: QtBot, make_panel: MakePanel, scheduled: Clinic
) -> None:
    ortiz, chen = _two_waiting(scheduled)
    panel = make_panel()
    _focus_list(qtbot, panel)
    qtbot.keyClick(panel.list, Qt.Key.Key_Down)
    with qtbot.waitSignal(panel.book_requested) as signal:
        qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert signal.args == [chen]
    # From the filter box: Enter books the match highlighted below it.
    qtbot.keyClicks(panel.filter_edit, "ortiz")
    with qtbot.waitSignal(panel.book_requested) as signal:
        qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Return)
    assert signal.args == [ortiz]
    assert panel.book_button.toolTip().endswith("(Enter)")


def test_insert_adds_a_patient_and_selects_them(
    qtbot: QtBot, make_panel: MakePanel, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_waiting(scheduled)
    panel = make_panel()

    def add_chen_again(dialog: QDialog) -> None:
        assert isinstance(dialog, WaitlistDialog)
        assert dialog.earliest_date.date().toPython() == MONDAY  # the clinic's today
        dialog.show()  # as exec() would: typing goes to a shown window
        dialog.picker.search.setFocus()
        qtbot.keyClicks(dialog.picker.search, "chen")
        qtbot.waitUntil(lambda: not dialog.picker.results.isHidden(), timeout=2000)
        qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
        assert dialog.waiting_notice.isVisibleTo(dialog)  # already waiting, for Brian Kim
        dialog.visit_type.setCurrentIndex(dialog.visit_type.findData("re_evaluation"))
        _ok(dialog)

    monkeypatch.setattr(panel, "exec_dialog", driving(add_chen_again))
    _focus_list(qtbot, panel)
    qtbot.keyClick(panel.list, Qt.Key.Key_Insert)
    assert len(panel.items()) == 3
    added = panel.selected()
    assert added is not None and (added.patient_id, added.visit_type) == (
        scheduled.chen,
        "re_evaluation",
    )
    assert panel.message.text() == "✓ W. Chen is on the waitlist."


def test_changes_made_elsewhere_appear_and_a_hidden_panel_catches_up_when_shown(
    make_panel: MakePanel, scheduled: Clinic
) -> None:
    panel = make_panel()
    ortiz = _add(scheduled, scheduled.ortiz)
    events().data_changed.emit("waitlist", [ortiz.id])
    assert panel.items() == [ortiz]
    panel.hide()
    chen = _add(scheduled, scheduled.chen)
    events().data_changed.emit("appointment", [1])
    assert panel.items() == [ortiz]  # not read while hidden
    panel.show()
    assert panel.items() == [ortiz, chen]


def test_someone_who_may_not_change_the_schedule_only_reads_the_list(
    make_panel: MakePanel, scheduled: Clinic, make_staff: Any
) -> None:
    _two_waiting(scheduled)
    student = make_staff("student", Role.STUDENT)
    panel = make_panel(actor=student)
    assert len(panel.items()) == 2
    assert not any(b.isEnabled() for b in (panel.add_button, panel.remove_button))
    assert not panel.book_button.isEnabled()


def test_the_preselected_patient_reaches_the_add_dialog(
    make_panel: MakePanel, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = make_panel()
    (ortiz,) = patient_search.search_patients(scheduled.db, scheduled.desk, "ortiz")
    opened: list[WaitlistDialog] = []

    def look(dialog: QDialog) -> None:
        assert isinstance(dialog, WaitlistDialog)
        opened.append(dialog)
        dialog.reject()

    monkeypatch.setattr(panel, "exec_dialog", driving(look))
    panel.add(ortiz, therapist_id=scheduled.lee.staff_id)
    assert opened[0].chosen_patient() == ortiz
    assert opened[0].therapist.currentText() == "Dana Lee"
    assert panel.items() == []


def test_the_pages_delete_shortcut_never_fires_from_the_waitlist(
    qtbot: QtBot, scheduled: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the Schedule page Delete cancels the selected visit; in the waitlist it removes."""
    _two_waiting(scheduled)
    page = QWidget()
    qtbot.addWidget(page)
    cancelled: list[bool] = []
    cancel = QAction("Cancel visit", page)
    cancel.setShortcut(QKeySequence("Delete"))
    cancel.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    cancel.triggered.connect(lambda: cancelled.append(True))
    page.addAction(cancel)
    panel = WaitlistPanel(scheduled.db, scheduled.desk, CHICAGO, page, clock=lambda: NOW)
    QHBoxLayout(page).addWidget(panel)
    page.resize(360, 600)
    page.show()
    qtbot.waitExposed(page)
    opened: list[QDialog] = []
    monkeypatch.setattr(panel, "exec_dialog", driving(lambda d: opened.append(d)))
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert cancelled == [] and len(opened) == 1 and isinstance(opened[0], RemoveDialog)
