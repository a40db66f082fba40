"""The window a therapist writes a visit note, progress note or discharge summary in: the
patient's identity and the visit in the header, the note's parts in one scrolling form (see
``note_sections``), and Sign, Co-sign and Add addendum at the bottom.

It is built for minutes, not half an hour: the note opens pre-filled from the care plan and the
last visit, the keyboard reaches every field in order (Tab), Ctrl+S saves now, Ctrl+Enter signs,
Esc closes. Nothing typed is lost: the evaluation's autosave and crash journal keep it (a copy
on this computer half a second after a change, the database a few seconds later; a journal left
by a crash is put back, or offered, on opening). The journal lives in a ``notes`` folder of its
own beside the evaluations' (the journal files are named by record id).

Signing asks for the password; what it finds missing comes back next to the part concerned.
A signed note opens read-only with its charges and addenda under it; a therapist co-signs a
student's note from here. After each save ``data_changed("note", [id])``; after signing also
``data_changed("appointment", [id])``, since the signature completes the visit.

Other screens open it through ``notes.open`` (one window per note).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import calendar, care_plans, clinic_exercises, clinical_notes, episodes
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_zone
from ptclinic.services.clinical_notes import NoteRecord
from ptclinic.services.draft_journal import DraftJournal, default_folder
from ptclinic.services.errors import DomainError
from ptclinic.services.patient_search import patient_summary
from ptclinic.services.permissions import Permission, can
from ptclinic.ui.admin.common import describe
from ptclinic.ui.episode_windows import EpisodeWindow
from ptclinic.ui.evaluation.autosave import (
    OFFLINE,
    SAVE_DELAY_MS,
    Autosaver,
    RecoveryBar,
    Runner,
    SaveState,
    confirm_close_unsaved,
)
from ptclinic.ui.evaluation.signing import AddendumDialog, CosignDialog, SignDialog
from ptclinic.ui.evaluation.style import EVALUATION_STYLE
from ptclinic.ui.evaluation.window import Banner
from ptclinic.ui.events import events
from ptclinic.ui.notes.note_header import NoteHeader, note_kind, save_note, status_text
from ptclinic.ui.notes.note_sections import NoteSections
from ptclinic.ui.notes.outcome_history import History, earlier_scores
from ptclinic.ui.notes.row_pickers import pick_exercise, pick_technique
from ptclinic.ui.notes.signed_view import SignedParts
from ptclinic.ui.tasks import run_task

NOTES_FOLDER = "notes"
SIGN_FIRST_SAVE = "Could not save before signing: {why}"
NOT_SIGNED = "Not signed yet: {what}"
ACCEPTED = QDialog.DialogCode.Accepted.value
NOTE_STYLE = """
QLabel#noteVisit { color: #12343a; font-weight: 600; }
QLabel#minutesHeading { font-weight: 600; color: #1f2d33; }
QLabel#minutesSummary, QLabel#outcomeChanges { color: #12343a; font-weight: 600; }
"""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class NoteWindow(EpisodeWindow):
    """The note ``note_id``. The constructor reads through the services and raises their
    ``DomainError`` (no permission, the database unreachable): show ``str(error)``.
    ``journal_folder`` is the drafts folder (the user data folder's by default; the notes'
    journal is its ``notes`` folder). ``record`` is the note as last saved or signed."""

    signed = Signal(object)  # NoteRecord, after signing or co-signing

    def __init__(
        self,
        db: Database,
        actor: Actor,
        note_id: int,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
        journal_folder: Path | None = None,
        save_delay_ms: int = SAVE_DELAY_MS,
        run: Runner = run_task,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._db, self._actor, self._clock = db, actor, clock
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.setObjectName("noteWindow")
        self.setStyleSheet(EVALUATION_STYLE + NOTE_STYLE)
        record = self.record = clinical_notes.note(db, actor, note_id)
        self.episode = episodes.episode(db, actor, record.episode_id)
        self.patient = patient_summary(db, actor, record.patient_id)
        self.visit = (
            calendar.appointment_view(db, actor, record.appointment_id)
            if record.appointment_id is not None
            else None
        )
        self.plan = care_plans.episode_plan(db, actor, record.episode_id, audited=False)
        history = earlier_scores(db, actor, record) if record.kind != "visit" else History((), ())
        self._zone = clinic_zone(db)
        self._kind = note_kind(record)
        self._finished = False
        self.journal = DraftJournal(db.url, (journal_folder or default_folder()) / NOTES_FOLDER)
        self.setWindowTitle(f"{record.kind_label} — {self.patient.display_name}")

        self.sections = NoteSections(
            record, self.plan.goals if self.plan else (), history,
            choose_exercise=self.choose_exercise, choose_technique=self.choose_technique,
        )  # fmt: skip
        self.sections.set_content(record.content)
        self.autosaver: Autosaver[NoteRecord] = Autosaver(
            db, actor, record, self.journal, self.sections.content,
            clock=clock, save=save_note, save_delay_ms=save_delay_ms, run=run, parent=self,
        )  # fmt: skip
        self._build()
        self.autosaver.state_changed.connect(self._show_status)
        self.autosaver.saved.connect(self._saved)
        self.autosaver.field_errors.connect(self._show_field_errors)
        self.sections.changed.connect(self.autosaver.note_change)
        self.recovery.decided.connect(self._focus_form)
        self._shortcuts()
        self._apply_mode()
        offered = self.recovery.recover(
            self.autosaver, editable=self.editable, zone=self._zone,
            put_back=self.sections.set_content, lock=self.sections.set_read_only,
        )  # fmt: skip
        if offered:
            self.recovery.focus_choice()
        else:
            self._focus_form()

    # --- building -------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 12, 14, 12)
        outer.setSpacing(8)
        self.header = NoteHeader(self.record, self.patient, self.episode, self.visit, self._zone)
        self.status = self.header.status
        outer.addWidget(self.header)
        self.banner = Banner()
        outer.addWidget(self.banner)
        self.recovery = RecoveryBar(self.record.kind_label.lower())
        outer.addWidget(self.recovery)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.sections)
        self.signed_parts = SignedParts(self._zone)
        column.addWidget(self.signed_parts)
        self.form_scroll = QScrollArea()
        self.form_scroll.setObjectName("noteScroll")
        self.form_scroll.setWidget(body)
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.form_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.form_scroll, 1)
        outer.addLayout(self._actions())
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.keys_hint = QLabel()
        self.keys_hint.setObjectName("hint")
        self.keys_hint.setWordWrap(True)
        row.addWidget(self.keys_hint, 1)
        self.save_button = QPushButton("&Save now")
        self.save_button.setToolTip("Save to the database now (Ctrl+S); it also saves by itself")
        self.sign_button = QPushButton("Si&gn…  Ctrl+Enter")
        self.sign_button.setObjectName("primary")
        self.sign_button.setToolTip("Sign the note with your password (Ctrl+Enter)")
        self.cosign_button = QPushButton("&Co-sign…")
        self.cosign_button.setToolTip("Co-sign the student's note with your password")
        self.addendum_button = QPushButton("Add &addendum…")
        self.addendum_button.setToolTip("Correct or add to the signed note")
        self.close_button = QPushButton("Close  Esc")
        self.close_button.setToolTip("Close the note (it is saved first)")
        for button, slot in (
            (self.save_button, self.save_now),
            (self.sign_button, self.sign),
            (self.cosign_button, self.cosign),
            (self.addendum_button, self.add_addendum),
            (self.close_button, self.close),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            row.addWidget(button)
        return row

    def _shortcuts(self) -> None:
        for keys, slot in (
            ("Ctrl+S", self.save_now),
            ("Ctrl+Return", self.sign),
            ("Ctrl+Enter", self.sign),
        ):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)

    # --- modes ----------------------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        """Only the author's draft is edited here (the services refuse anyone else)."""
        return self.record.is_draft and self.record.therapist_id == self._actor.staff_id

    def _apply_mode(self) -> None:
        editable, record = self.editable, self.record
        self.sections.set_read_only(not editable)
        if not editable:
            self.autosaver.stop()
        self.save_button.setVisible(editable)
        self.sign_button.setVisible(editable)
        signed = not record.is_draft
        self.addendum_button.setVisible(signed and can(self._actor, Permission.WRITE_CLINICAL))
        self.cosign_button.setVisible(
            record.status == "awaiting_cosign" and can(self._actor, Permission.COSIGN_CLINICAL)
        )
        # A signed note shows what was billed instead of the minutes still to be billed.
        self.sections.minutes.setVisible(not signed)
        self.sections.minutes_title.setVisible(not signed)
        self.signed_parts.setVisible(signed)
        if signed:
            self.signed_parts.show_record(record)
        self.keys_hint.setText(
            "Tab: next field  ·  Ctrl+S: save  ·  Ctrl+Enter: sign  ·  Esc: close"
            if editable
            else "Esc: close"
        )
        self._show_status()

    def _focus_form(self) -> None:
        if self.editable:
            self.sections.first_field().setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.close_button.setFocus()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self.sections.isAncestorOf(new):
            self.form_scroll.ensureWidgetVisible(new, 20, 60)

    # --- saving ---------------------------------------------------------------------------------

    def save_now(self) -> None:
        if self.editable:
            self.autosaver.save_now()

    def _saved(self, record: NoteRecord) -> None:
        self.record = record
        events().data_changed.emit("note", [record.id])

    def _show_status(self) -> None:
        saver = self.autosaver
        self.status.setText(status_text(self.record, saver, self.editable, self._zone))
        if not self.record.is_draft or not self.editable:
            return
        state = saver.state
        if state is SaveState.OFFLINE:
            self.banner.show_calm(saver.message)
        elif state in (SaveState.STALE, SaveState.REFUSED, SaveState.INVALID):
            self.banner.show_error(saver.message)
        elif saver.journal_problem:
            self.banner.show_calm(saver.journal_problem)
        elif state in (SaveState.SAVED, SaveState.SAVING) or self.banner.is_error():
            self.banner.clear_message()

    def _show_field_errors(self, errors: Mapping[str, str]) -> None:
        self.sections.show_errors(errors)

    def has_unsaved_work(self) -> bool:
        """Whether the database lacks something on screen (it is kept on this computer)."""
        return self.editable and self.autosaver.has_unsaved_work()

    def save_before_closing(self) -> bool:
        """Save whatever is on screen now (waits for the database); True when all is saved."""
        if not self.editable:
            return True
        saved = self.autosaver.finish()
        self._show_status()
        return saved

    # --- adding rows ----------------------------------------------------------------------------

    def exec_dialog(self, dialog: QDialog) -> int:
        """Show ``dialog`` modally (tests drive it instead)."""
        return dialog.exec()

    def _classification(self) -> str:
        return self.plan.classification if self.plan else ""

    def choose_exercise(self) -> dict[str, Any] | None:
        """An exercise from the clinic's library, as a flowsheet row at its usual dose."""
        taken = {str(row.get("code")) for row in self.sections.flowsheet.rows()}
        try:
            library = [e for e in clinic_exercises.library(self._db) if not e.retired]
        except DomainError as exc:
            self.banner.show_error(describe(exc))
            return None
        return pick_exercise(library, self._classification(), taken, self.exec_dialog, self)

    def choose_technique(self) -> dict[str, Any] | None:
        """A technique from the catalogue (its cautions confirmed), with its grade and side."""
        taken = {str(row.get("code")) for row in self.sections.techniques.rows()}
        return pick_technique(self._classification(), taken, self.exec_dialog, self)

    # --- signing, co-signing, addenda -----------------------------------------------------------

    def sign(self) -> None:
        """Save, then ask for the password; what is missing comes back next to its part."""
        if not self.editable:
            return
        if not self.autosaver.finish():
            self.banner.show_error(SIGN_FIRST_SAVE.format(why=self.autosaver.message))
            return
        self.record = self.autosaver.record
        dialog = SignDialog(self._db, self._actor, self.record, self, patient=self.patient,
                            kind=self._kind)  # fmt: skip
        accepted = self.exec_dialog(dialog) == ACCEPTED
        done, problems = dialog.signed, dialog.problems
        dialog.deleteLater()
        if accepted and done is not None:
            self._became(done)
            if done.appointment_id is not None:
                events().data_changed.emit("appointment", [done.appointment_id])
            self.signed.emit(done)
        elif problems:
            self.show_problems(problems)

    def show_problems(self, problems: Mapping[str, str]) -> None:
        """What stops the signature, each next to its part; the first one gets the focus."""
        unplaced = self.sections.show_errors(problems)
        what = " ".join(unplaced) if unplaced else "fix the parts marked ⚠ below, then sign."
        self.banner.show_error(NOT_SIGNED.format(what=what))
        field = self.sections.first_problem(problems)
        if field is not None:
            field.setFocus(Qt.FocusReason.OtherFocusReason)
            self.form_scroll.ensureWidgetVisible(field, 20, 120)

    def _became(self, record: NoteRecord) -> None:
        self.record = record
        self.autosaver.adopt(record)
        self.autosaver.stop()
        self.journal.remove(record.id)
        self.sections.show_errors({})
        self.sections.set_content(record.content)
        self.banner.clear_message()
        self._apply_mode()
        self._focus_form()

    def cosign(self) -> None:
        dialog = CosignDialog(self._db, self._actor, self.record, self, patient=self.patient,
                              kind=self._kind)  # fmt: skip
        accepted = self.exec_dialog(dialog) == ACCEPTED
        done = dialog.signed
        dialog.deleteLater()
        if accepted and done is not None:
            self._became(done)
            self.signed.emit(done)

    def add_addendum(self) -> None:
        if self.record.is_draft:
            return
        dialog = AddendumDialog(self._db, self._actor, self.record, self, kind=self._kind)
        accepted = self.exec_dialog(dialog) == ACCEPTED
        done = dialog.saved
        dialog.deleteLater()
        if accepted and done is not None:
            self._became(done)
            self.form_scroll.ensureWidgetVisible(self.signed_parts.addenda, 0, 0)

    # --- closing --------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc reaches the window only when no field used it (a cell editor, an open list).
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.close()
            return
        super().keyPressEvent(event)

    def ask_close_unsaved(self, why: str) -> bool:
        """Close although the database lacks what is on screen? (It stays on this computer.)"""
        return confirm_close_unsaved(self, why, "note")

    def closeEvent(self, event: QCloseEvent) -> None:
        unsaved = not self._finished and self.editable and not self.save_before_closing()
        if unsaved and not self.ask_close_unsaved(self.autosaver.message or OFFLINE):
            event.ignore()
            return
        self._finished = True
        self.autosaver.stop()
        super().closeEvent(event)
        self.closed.emit()
