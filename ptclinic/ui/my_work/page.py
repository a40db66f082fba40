"""The therapist's "My work" page: the next patient and what is due, at one glance.

Today's visits (time order, the next one tinted and marked "▶ Next", each note's state in a
sign and a word, "⚠ Progress note due (treatment day 10)" where Medicare needs one) across the
top; below, side by side: unsigned notes and evaluations (oldest first, "⚠ over 24 h"), visits
without a note, what is due soon (certification, visits running out) and, for those who may
co-sign, students' records waiting for it.

Enter or a double-click opens what a line names: the page asks the main window, which opens
notes and evaluations in their own windows (with the drafts kept on this computer). Tab walks
from list to list; F5 reads again. The page reads on showing, on F5, every minute while shown,
and whenever a note, evaluation, appointment, episode or certification changes
(``events().data_changed``), off the UI thread. Someone who may not see clinical records gets
a plain sentence, never an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.services.errors import DomainError
from ptclinic.services.my_work import OpenRecord, Reminder, TodayVisit, VisitWithoutNote
from ptclinic.services.permissions import Permission, can
from ptclinic.ui.admin.common import MessageLine, describe
from ptclinic.ui.evaluation.autosave import Runner
from ptclinic.ui.events import events
from ptclinic.ui.my_work.certification_dialog import CertificationDialog
from ptclinic.ui.my_work.loading import WorkLoad, load_work
from ptclinic.ui.my_work.rows import (
    TODAY_COLUMNS,
    RowsModel,
    next_visit,
    record_rows,
    reminder_rows,
    today_rows,
    without_note_rows,
)
from ptclinic.ui.my_work.sections import Section, line_list, today_table
from ptclinic.ui.schedule.layout import short_date
from ptclinic.ui.tasks import TaskFailure, run_task

log = logging.getLogger(__name__)

REFRESHING_KINDS = frozenset(
    {"note", "evaluation", "appointment", "episode", "certification", "patient"}
)
NO_CLINICAL_ACCESS = (
    "My work lists a clinician's visits and notes. Your role does not include clinical "
    "records, so there is nothing to show here."
)
EMPTY = {
    "today": "No visits booked with you today.",
    "unsigned": "No unsigned notes.",
    "without_note": "No checked-in visits without a note.",
    "due": "Nothing due soon.",
    "cosign": "Nothing waiting for your co-signature.",
}


REFRESH_MS = 60_000
EMPTY_WIDTH = 180  # an empty section's sentence, in two or three lines
QWIDGETSIZE_MAX = (1 << 24) - 1


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _styled(name: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class MyWorkPage(QWidget):
    """Opening asks the main window: ``open_visit_note(appointment id)`` (the visit's note,
    started if need be), ``open_note(note id)`` and ``open_evaluation(episode id)``. ``clock``
    gives "now" and ``run`` runs the read off the UI thread (tests fix or replace them)."""

    open_visit_note = Signal(int)
    open_note = Signal(int)
    open_evaluation = Signal(int)
    loaded = Signal()  # after each read is on screen (tests wait for it)

    def __init__(
        self,
        db: Database,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
        run: Runner = run_task,
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._clock, self._run = db, actor, clock, run
        self._loading = False
        self._again = False
        self.work: WorkLoad | None = None
        self.title = _styled("pageTitle", f"My work — {actor.full_name}")
        self.summary = _styled("hint")
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 8, 18, 10)
        layout.setSpacing(6)
        if not can(actor, Permission.VIEW_CLINICAL):
            layout.addWidget(self.title)
            layout.addWidget(_styled("hint", NO_CLINICAL_ACCESS))
            layout.addStretch(1)
            self.sections: dict[str, Section] = {}
            return
        self._build(layout)
        self.refresh_action = QAction("&Refresh", self)
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.refresh_action.triggered.connect(lambda _checked=False: self.refresh())
        self.addAction(self.refresh_action)
        events().data_changed.connect(self._on_data_changed)
        # "▶ Next" moves on as the day does, and other workstations check patients in.
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    # --- building -----------------------------------------------------------------------------

    def _build(self, layout: QVBoxLayout) -> None:
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Read the lists again (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)

        self.today = Section("Today", EMPTY["today"], today_table(RowsModel(TODAY_COLUMNS)))
        self.unsigned = Section(
            "Unsigned", EMPTY["unsigned"], line_list(RowsModel(), "myWorkUnsigned")
        )
        self.without_note = Section(
            "Visits without a note",
            EMPTY["without_note"],
            line_list(RowsModel(), "myWorkWithoutNote"),
        )
        self.due = Section("Due soon", EMPTY["due"], line_list(RowsModel(), "myWorkDue"))
        self.certify_button = QPushButton("Record &certification…")
        self.certify_button.setToolTip(
            "Record the physician's certification of the selected patient's plan of care"
        )
        self.certify_button.clicked.connect(self.record_certification)
        self.due.add_footer(self.certify_button)
        self.sections = {
            "today": self.today,
            "unsigned": self.unsigned,
            "without_note": self.without_note,
            "due": self.due,
        }
        if can(self._actor, Permission.COSIGN_CLINICAL):
            self.sections["cosign"] = Section(
                "Waiting for your co-signature",
                EMPTY["cosign"],
                line_list(RowsModel(), "myWorkCosign"),
            )
        for section in self.sections.values():
            section.activated.connect(self.open_item)
        self.due.current_changed.connect(lambda _item: self._enable_certify())

        layout.addWidget(self.today, 5)
        self.below = QHBoxLayout()
        self.below.setSpacing(12)
        for key, section in self.sections.items():
            if key != "today":
                self.below.addWidget(section, 1)
        layout.addLayout(self.below, 4)
        self.setFocusProxy(self.today.view)
        self._enable_certify()

    # --- reading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the lists again (one read at a time; a change during a read reads once more)."""
        if not self.sections:
            return
        if self._loading:
            self._again = True
            return
        self._loading = True
        db, actor, now = self._db, self._actor, self._clock()
        self._run(lambda: load_work(db, actor, now), self._loaded, self._failed)

    def _loaded(self, work: WorkLoad) -> None:
        self._loading = False
        if self.message.is_error():  # a notice ("Certification recorded …") stays
            self.message.clear_message()
        self.work = work
        self._show(work)
        self.loaded.emit()
        self._read_again()

    def _failed(self, failure: TaskFailure) -> None:
        self._loading = False
        self.message.show_error(failure.message)  # what was on screen stays
        self.loaded.emit()
        self._read_again()

    def _read_again(self) -> None:
        if self._again:
            self._again = False
            self.refresh()

    def _show(self, load: WorkLoad) -> None:
        work, zone = load.work, load.zone
        self.title.setText(f"My work — {self._actor.full_name} · {short_date(load.today)}")
        coming = next_visit(work.today, load.now)
        self.today.set_rows(
            today_rows(work.today, load.now, zone),
            select=work.today.index(coming) if coming is not None else None,
        )
        self.unsigned.set_rows(record_rows(work.unsigned))
        self.without_note.set_rows(without_note_rows(work.without_note, zone))
        certification = load.certification
        self.due.set_rows(
            reminder_rows(work.reminders, certification),
            select=work.reminders.index(certification[0]) if certification else None,
        )
        if cosign := self.sections.get("cosign"):
            cosign.set_rows(record_rows(work.cosign, author=True))
        self.summary.setText(self._summary_text(load))
        self._enable_certify()
        self._share_width()

    def _share_width(self) -> None:
        """Lists with lines share the width; an empty one keeps just room for its sentence."""
        for key, section in self.sections.items():
            if key == "today":
                continue
            empty = section.count() == 0
            self.below.setStretchFactor(section, 0 if empty else 1)
            narrow = max(EMPTY_WIDTH, section.heading.sizeHint().width())
            section.setMaximumWidth(narrow if empty else QWIDGETSIZE_MAX)

    def _summary_text(self, load: WorkLoad) -> str:
        work = load.work
        parts = []
        coming = next_visit(work.today, load.now)
        if coming is not None:
            when = f"{coming.starts_at.astimezone(load.zone):%H:%M}"
            now_or_next = "Now" if coming.starts_at <= load.now else "Next"
            parts.append(f"{now_or_next}: {when} {coming.patient_name} ({coming.visit_label})")
        elif work.today:
            parts.append("No more visits today")
        if due := len(work.progress_due):
            parts.append(f"⚠ {due} progress note{'s' if due > 1 else ''} due")
        if work.unsigned:
            late = sum(1 for r in work.unsigned if r.overdue)
            over = f" ({late} over 24 h)" if late else ""
            parts.append(f"{len(work.unsigned)} unsigned{over}")
        return "   ·   ".join(parts)

    def _on_data_changed(self, kind: str, _ids: list[object]) -> None:
        if kind in REFRESHING_KINDS and self.isVisible():
            self.refresh()

    def _tick(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    # --- opening ------------------------------------------------------------------------------

    def open_item(self, item: object) -> None:
        """Open what a line names: the visit's note (started if need be), an unsigned or
        waiting record, or the certification dialog for a certification reminder."""
        if isinstance(item, TodayVisit | VisitWithoutNote):
            self.open_visit_note.emit(item.appointment_id)
            self.refresh()  # a note started just now is a draft to list (no save announced it)
        elif isinstance(item, OpenRecord):
            if item.kind == "evaluation":
                self.open_evaluation.emit(item.episode_id)
            else:
                self.open_note.emit(item.record_id)
        elif isinstance(item, Reminder) and self._is_certification(item):
            self.record_certification()

    def _is_certification(self, item: object) -> bool:
        return self.work is not None and item in self.work.certification

    def _enable_certify(self) -> None:
        self.certify_button.setVisible(self.work is not None and bool(self.work.certification))
        self.certify_button.setEnabled(self._is_certification(self.due.current_item()))

    def record_certification(self) -> None:
        reminder = self.due.current_item()
        if not isinstance(reminder, Reminder) or not self._is_certification(reminder):
            return
        try:
            dialog = CertificationDialog(
                self._db, self._actor, reminder.episode_id, reminder.patient_id, self,
                clock=self._clock,
            )  # fmt: skip
        except DomainError as exc:
            self.message.show_error(describe(exc))
            return
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        notice = dialog.done_text()
        dialog.deleteLater()
        if accepted and notice:
            self.message.show_notice(notice)

    def exec_dialog(self, dialog: QDialog) -> int:
        """Show a dialog modally (tests replace this to drive it)."""
        try:
            return dialog.exec()
        finally:
            self.due.view.setFocus(Qt.FocusReason.OtherFocusReason)
