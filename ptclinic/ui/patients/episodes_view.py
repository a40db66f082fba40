"""The chart's "Episodes of care" section: the patient's episodes, open ones first, and the
buttons to open, edit, close one or go to its evaluation.

The table is for choosing (status first, so a narrow chart never hides it); under it the chosen
episode's referral, onset, diagnoses and the service's warnings read in full, wrapped. Who may
do what is the episodes service's rule, mirrored here only to grey out what would be refused:
the front desk and clinicians open and edit episodes; the evaluation is for clinical staff. The
section reloads itself when an episode changes (``data_changed("episode")``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_today
from ptclinic.services.episodes import EpisodeRecord, may_edit, patient_episodes
from ptclinic.services.errors import DatabaseUnavailable, DomainError
from ptclinic.services.evaluation_state import evaluation_state
from ptclinic.services.pathway import episode_pathway
from ptclinic.services.patients import PatientRecord
from ptclinic.services.permissions import Permission, can
from ptclinic.ui.admin.common import AnyIndex, Column, RecordTableModel, record_table
from ptclinic.ui.events import events
from ptclinic.ui.patients.attendance_view import initial_and_last
from ptclinic.ui.patients.episode_dialog import CloseEpisodeDialog, EpisodeDialog
from ptclinic.ui.patients.search_model import format_date

log = logging.getLogger(__name__)

NEW_EPISODE_KEY = "Ctrl+E"
LOAD_TROUBLE = (
    "The episodes could not be loaded because the database did not answer. "
    "Check the network connection; they load again when the chart is reopened."
)
NO_EPISODES = "No episode of care yet."
MAX_ROWS_SHOWN = 5  # more scroll inside the table
_MUTED = QColor("#4a5a60")


def may_see_evaluations(actor: Actor) -> bool:
    return can(actor, Permission.VIEW_CLINICAL)


def status_text(episode: EpisodeRecord) -> str:
    """ "● Open" or "✓ Closed": a sign and a word, never colour alone."""
    return "● Open" if episode.is_open else "✓ Closed"


def title_text(episode: EpisodeRecord) -> str:
    return ("⚠ " if episode.warnings else "") + episode.title


def visits_text(episode: EpisodeRecord) -> str:
    return "No limit" if episode.authorized_visits is None else str(episode.authorized_visits)


def detail_lines(episode: EpisodeRecord) -> list[str]:
    """The episode in words, for the lines under the table."""
    lines: list[str] = []
    if not episode.is_open:
        when = format_date(episode.closed_on) if episode.closed_on else "date not recorded"
        lines.append(f"✓ Closed {when}: {episode.closed_reason}")
    referral = [episode.referring_physician or "physician not recorded"]
    if episode.referral_date:
        referral.append(format_date(episode.referral_date))
    text = "Referral: " + ", ".join(referral)
    lines.append(text + (f" — {episode.referral_reason}" if episode.referral_reason else ""))
    onset = [format_date(episode.onset_date)] if episode.onset_date else []
    onset += [episode.onset_mechanism] if episode.onset_mechanism else []
    if onset:
        lines.append("Onset: " + ", ".join(onset))
    for number, line in enumerate(episode.diagnoses, start=1):
        primary = " (primary)" if number == 1 else ""
        lines.append(f"{line.code}  {line.description}{primary}")
    lines.append(f"{episode.payer_label} · authorized visits: {visits_text(episode)}")
    return lines


class EpisodeTableModel(RecordTableModel[EpisodeRecord]):
    """One episode a row; closed ones in muted ink (their status says so too)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column("Status", status_text),
                Column("Episode", title_text),
                Column("Diagnoses", lambda e: ", ".join(d.code for d in e.diagnoses)),
                Column("Therapist", lambda e: initial_and_last(e.primary_therapist_name)),
                Column("Start", lambda e: format_date(e.start_date)),
                Column("Payer", lambda e: e.payer_label),
                Column("Visits", visits_text),
            ],
            parent,
        )

    TITLE, THERAPIST = 1, 3

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        episode = self.record(index.row())
        if role == Qt.ItemDataRole.ForegroundRole:
            return None if episode.is_open else _MUTED
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == self.TITLE and episode.warnings:
                return "\n".join(["⚠ " + w for w in episode.warnings])
            if index.column() == self.THERAPIST:
                return episode.primary_therapist_name
        return super().data(index, role)

    def row_of(self, episode_id: int) -> int | None:
        return next((n for n, e in enumerate(self.records()) if e.id == episode_id), None)


def _label(name: str = "", text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def _button(text: str, tip: str, allowed: bool) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    # What a role may never do is neither shown nor enabled.
    button.setVisible(allowed)
    button.setEnabled(allowed)
    return button


class EpisodesView(QWidget):
    """``show_patient(record)`` loads the section. ``open_evaluation(episode id)`` is emitted
    by "Evaluation…". ``clock`` is "now" for the dialogs (tests fix it)."""

    open_evaluation = Signal(int)
    open_care_plan = Signal(int)

    def __init__(
        self,
        db: Database,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._clock = db, actor, clock
        self._patient: PatientRecord | None = None
        self.may_edit = may_edit(actor)
        self.may_evaluate = may_see_evaluations(actor)

        self.title = _label("sectionTitle", "Episodes of care")
        self.error = _label("formError")
        self.empty = _label("hint", NO_EPISODES)
        self.model = EpisodeTableModel(self)
        self.table = record_table(self.model)
        self.table.setAccessibleName("Episodes of care")
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere else
        self.table.setShowGrid(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.details = _label()
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings = _label("formNotice")
        # Clinicians only: how far the evaluation is, and where an open episode stands on the
        # conservative-care pathway.
        self.evaluation_state = _label("hint")
        self.pathway = _label()

        self.new_button = _button(
            "Ne&w…", f"Open a new episode of care ({NEW_EPISODE_KEY})", self.may_edit
        )
        self.new_button.clicked.connect(self.new_episode)
        self.edit_button = _button(
            "Ed&it…", "Change the chosen episode's details (Enter)", self.may_edit
        )
        self.edit_button.clicked.connect(self.edit_current)
        self.close_button = _button(
            "C&lose…", "Close the chosen episode with a reason", self.may_edit
        )
        self.close_button.clicked.connect(self.close_current)
        self.evaluation_button = _button(
            "E&valuation…", "The chosen episode's intake evaluation", self.may_evaluate
        )
        self.evaluation_button.clicked.connect(self.evaluate_current)
        self.care_plan_button = _button(
            "&Care plan…", "The chosen episode's care plan and home program", self.may_evaluate
        )
        self.care_plan_button.clicked.connect(self.plan_current)
        # Two rows, so a laptop's narrow chart pane shows every button: the episode's own
        # record (new, edit, close), then the clinical work on it (evaluation, care plan).
        buttons = QVBoxLayout()
        buttons.setContentsMargins(0, 4, 0, 0)
        for group in (self._buttons()[:3], self._buttons()[3:]):
            row = QHBoxLayout()
            for button in group:
                row.addWidget(button)
            row.addStretch(1)
            buttons.addLayout(row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(6)
        for widget in self._parts():
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self._show([])
        events().data_changed.connect(self._on_data_changed)

    def _parts(self) -> list[QWidget]:
        return [
            self.title, self.error, self.empty, self.table, self.details,
            self.evaluation_state, self.pathway, self.warnings,
        ]  # fmt: skip

    def _buttons(self) -> list[QPushButton]:
        return [
            self.new_button, self.edit_button, self.close_button, self.evaluation_button,
            self.care_plan_button,
        ]  # fmt: skip

    # --- public -------------------------------------------------------------------------------

    def show_patient(self, patient: PatientRecord) -> None:
        self._patient = patient
        self.reload()

    def reload(self) -> None:
        """Read the patient's episodes again, keeping the chosen one chosen."""
        if self._patient is None:
            return
        chosen = self.current_episode()
        try:
            found = patient_episodes(self._db, self._actor, self._patient.id)
        except DatabaseUnavailable as exc:
            log.warning("loading episodes failed: %s", exc.__cause__ or exc)
            self._show_error(LOAD_TROUBLE)
            return
        except DomainError as exc:
            self._show_error(str(exc))
            return
        self._show(found, chosen.id if chosen else None)

    def current_episode(self) -> EpisodeRecord | None:
        row = self.table.currentIndex().row()
        return self.model.record(row) if 0 <= row < self.model.rowCount() else None

    def select_episode(self, episode_id: int) -> None:
        row = self.model.row_of(episode_id)
        if row is not None:
            self.table.selectRow(row)

    def new_episode(self) -> None:
        patient = self._patient
        if patient is not None and self.may_edit:
            self._open(lambda: EpisodeDialog(
                self._db, self._actor, patient, None, self, clock=self._clock
            ))  # fmt: skip

    def edit_current(self) -> None:
        patient, episode = self._patient, self.current_episode()
        if patient is not None and episode is not None and self._may_change(episode):
            self._open(lambda: EpisodeDialog(
                self._db, self._actor, patient, episode, self, clock=self._clock
            ))  # fmt: skip

    def close_current(self) -> None:
        episode = self.current_episode()
        if episode is not None and self._may_change(episode):
            self._open(lambda: CloseEpisodeDialog(
                self._db, self._actor, episode, self, patient=self._patient, clock=self._clock
            ))  # fmt: skip

    def plan_current(self) -> None:
        episode = self.current_episode()
        if episode is not None:
            self.open_care_plan.emit(episode.id)

    def evaluate_current(self) -> None:
        episode = self.current_episode()
        if episode is not None and self.may_evaluate:
            self.open_evaluation.emit(episode.id)

    # --- dialogs ------------------------------------------------------------------------------

    def _may_change(self, episode: EpisodeRecord) -> bool:
        return self.may_edit and episode.is_open

    def _open(self, make: Callable[[], EpisodeDialog | CloseEpisodeDialog]) -> None:
        try:
            dialog = make()
        except DatabaseUnavailable as exc:
            log.warning("opening an episode dialog failed: %s", exc.__cause__ or exc)
            self._show_error(LOAD_TROUBLE)
            return
        except DomainError as exc:
            self._show_error(str(exc))
            return
        dialog.finished.connect(lambda result: self._finished(dialog, result))
        dialog.open()

    def _finished(self, dialog: EpisodeDialog | CloseEpisodeDialog, result: int) -> None:
        saved = dialog.record()
        dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted and saved is not None:
            self.reload()  # data_changed reloaded already; this keeps the saved one chosen
            self.select_episode(saved.id)
            self.table.setFocus()

    # --- showing ------------------------------------------------------------------------------

    def _show_error(self, text: str) -> None:
        self.error.setText("⚠ " + text)
        self.error.show()

    def _show(self, found: list[EpisodeRecord], chosen: int | None = None) -> None:
        self.error.hide()
        self.model.set_records(found)
        self.empty.setText(
            NO_EPISODES + (f" “New…” ({NEW_EPISODE_KEY}) opens one." if self.may_edit else "")
        )
        self.empty.setVisible(self._patient is not None and not found)
        self.table.setVisible(bool(found))
        if found:
            self._fit_table(len(found))
            row = self.model.row_of(chosen) if chosen is not None else None
            self.table.selectRow(row if row is not None else 0)
        self._current_changed()

    def _fit_table(self, rows: int) -> None:
        # As tall as its rows, up to a few (then it scrolls): never a half-empty box.
        table: QTableView = self.table
        height = table.horizontalHeader().sizeHint().height()
        height += min(rows, MAX_ROWS_SHOWN) * table.verticalHeader().defaultSectionSize()
        height += 2 * table.frameWidth()
        height += table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        table.setFixedHeight(height)

    def _current_changed(self, *_args: object) -> None:
        episode = self.current_episode()
        self.details.setVisible(episode is not None)
        self.warnings.setVisible(bool(episode and episode.warnings))
        if episode is not None:
            self.details.setText("\n".join(detail_lines(episode)))
            self.warnings.setText("\n".join("⚠ " + w for w in episode.warnings))
        self._show_evaluation_state(episode)
        self._show_pathway(episode)
        self.new_button.setEnabled(self.may_edit and self._patient is not None)
        changeable = episode is not None and self._may_change(episode)
        self.edit_button.setEnabled(changeable)
        self.close_button.setEnabled(changeable)
        self.evaluation_button.setEnabled(self.may_evaluate and episode is not None)
        self.care_plan_button.setEnabled(self.may_evaluate and episode is not None)

    def _today(self) -> date:
        return clinic_today(self._db, self._clock())

    def _show_evaluation_state(self, episode: EpisodeRecord | None) -> None:
        text = ""
        if episode is not None and self.may_evaluate:
            try:
                text = evaluation_state(self._db, self._actor, episode.id)
            except DomainError as exc:  # the rest of the chart is still worth showing
                log.warning("evaluation state of episode %s: %s", episode.id, exc)
        self.evaluation_state.setText(text)
        self.evaluation_state.setVisible(bool(text))

    def _show_pathway(self, episode: EpisodeRecord | None) -> None:
        text, referral = "", False
        if episode is not None and episode.is_open and self.may_evaluate:
            try:
                status = episode_pathway(self._db, self._actor, episode.id, today=self._today())
            except DomainError as exc:  # the rest of the chart is still worth showing
                log.warning("pathway of episode %s: %s", episode.id, exc)
            else:
                referral = status.consider_referral
                text = f"{'⚠ ' if referral else ''}{status.stage}. {status.reason}"
        self.pathway.setText(text)
        self.pathway.setObjectName("formNotice" if referral else "hint")
        self.pathway.setStyleSheet("/* restyle */")
        self.pathway.setVisible(bool(text))

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.edit_current()

    def _on_data_changed(self, kind: str, _ids: list[object]) -> None:
        if kind == "episode":
            self.reload()
        elif kind == "evaluation":  # saved, signed or co-signed in an evaluation window
            self._show_evaluation_state(self.current_episode())
            self._show_pathway(self.current_episode())
