"""The intake evaluation window: the patient's identity, the sections on the left, the section's
form in the middle, and what the findings say on the right, updated as the therapist types.

Keyboard: Alt+1…9 or Ctrl+PgDn/PgUp move between sections (focus lands on the section's first
field), Tab moves through the fields, Ctrl+S saves now, Ctrl+Enter signs.

Nothing typed is lost: the screen is journaled on this computer half a second after a change and
saved to the database a few seconds later (``autosave``); closing saves first. A journal left by
a crash is put back on opening when the database still holds the version it started from, and
offered when someone saved a newer version since.

A signed evaluation (or someone else's draft) opens read-only; a signed one shows its signature
and addenda, with "Add addendum…" and, for a therapist when a student's evaluation waits for
it, "Co-sign…".

``open_evaluation`` keeps one window per evaluation: opening it again brings that window forward
(two windows on one draft would refuse each other's saves).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import episodes, evaluation_records
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_zone
from ptclinic.services.draft_journal import DraftJournal, JournalEntry, Recovery, recovery
from ptclinic.services.errors import DomainError
from ptclinic.services.evaluation_form import FORM, RED_FLAGS
from ptclinic.services.evaluation_records import EvaluationRecord, signing_problems
from ptclinic.services.evaluation_report import evaluation_report_pdf
from ptclinic.services.patient_fields import age_on
from ptclinic.services.patient_search import patient_summary
from ptclinic.services.permissions import Permission, can
from ptclinic.ui.admin.common import MessageLine
from ptclinic.ui.episode_windows import EpisodeWindow, OneWindowPerEpisode
from ptclinic.ui.evaluation.addenda_view import AddendaView, signature_text
from ptclinic.ui.evaluation.autosave import (
    OFFLINE,
    SAVE_DELAY_MS,
    Autosaver,
    Runner,
    SaveState,
    confirm_close_unsaved,
)
from ptclinic.ui.evaluation.interpretation_panel import InterpretationPanel
from ptclinic.ui.evaluation.red_flag_prompt import ask_referral_action
from ptclinic.ui.evaluation.sections import EvaluationForm
from ptclinic.ui.evaluation.signing import AddendumDialog, CosignDialog, SignDialog
from ptclinic.ui.evaluation.style import EVALUATION_STYLE
from ptclinic.ui.events import events
from ptclinic.ui.patients.search_model import format_date, format_dob
from ptclinic.ui.printing.pdf_preview import PdfPreviewDialog
from ptclinic.ui.tasks import run_task

log = logging.getLogger(__name__)

HAS_FINDINGS, RED_FLAG_MARK = "✓", "⚠"
ADDENDA_ROW = len(FORM)
RESTORED = "Restored what was on screen at {when} when the program stopped; it is being saved now."
OFFERED = (
    "This computer kept what was on screen at {when}, but the evaluation was saved since from "
    "another window or workstation. Use what was on screen (it replaces the saved version), or "
    "discard it?"
)
STRANDED = (
    "What was on screen at {when} was never saved, and this evaluation can no longer be changed "
    "here. Add an addendum if something is missing, then discard the copy."
)
SIGN_FIRST_SAVE = "Could not save before signing: {why}"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Banner(MessageLine):
    """The line under the header: errors in red with ⚠, calm notices in amber (no tick: a
    notice here says something is not done yet)."""

    def show_calm(self, text: str) -> None:
        self._show("formNotice", text)


class EvaluationWindow(EpisodeWindow):
    """The evaluation of ``episode_id``, started for ``actor`` if there is none yet.

    The constructor reads through the services and raises their ``DomainError`` (no permission,
    a closed episode, the database unreachable): show ``str(error)``. ``journal_folder`` is
    where the crash journal lives (the user data folder's ``drafts`` by default). ``closed``
    fires after the window closed; ``record`` is the evaluation as last saved or signed.
    """

    signed = Signal(object)  # EvaluationRecord, after signing or co-signing

    def __init__(
        self,
        db: Database,
        actor: Actor,
        episode_id: int,
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
        self.setObjectName("evaluationWindow")
        self.setStyleSheet(EVALUATION_STYLE)
        self.episode = episodes.episode(db, actor, episode_id)
        self.patient = patient_summary(db, actor, self.episode.patient_id)
        self._zone = clinic_zone(db)
        record = evaluation_records.episode_evaluation(db, actor, episode_id)
        if record is None:
            record = evaluation_records.start_evaluation(db, actor, episode_id, now=clock())
        self.record = record
        self.age = age_on(self.patient.date_of_birth, record.evaluated_on)
        self.journal = DraftJournal(db.url, journal_folder)
        self._offer: JournalEntry | None = None
        self._finished = False
        self.setWindowTitle(f"Evaluation — {self.patient.display_name}")

        self.form = EvaluationForm(lambda label, hint: self.ask_referral_action(label, hint))
        self.panel = InterpretationPanel(self.age)
        self.form.set_content(record.content)
        self.autosaver = Autosaver(
            db, actor, record, self.journal, self.form.content,
            clock=clock, save_delay_ms=save_delay_ms, run=run, parent=self,
        )  # fmt: skip
        self._build()
        self.autosaver.state_changed.connect(self._show_status)
        self.autosaver.saved.connect(self._saved)
        self.autosaver.field_errors.connect(self.form.show_errors)
        self.form.changed.connect(self._edited)
        self.panel.use_classification.connect(self._use_classification)
        self._shortcuts()
        self._apply_mode()
        offered = self._recover()
        self._refresh()
        self.show_section(0)
        if offered:
            (self.use_kept if self.use_kept.isVisibleTo(self) else self.discard_kept).setFocus()

    # --- building -------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 12, 14, 12)
        outer.setSpacing(8)
        outer.addWidget(self._header())
        self.banner = Banner()
        outer.addWidget(self.banner)
        self.recovery_bar = QFrame()
        self.recovery_bar.setObjectName("recoveryBar")
        bar = QHBoxLayout(self.recovery_bar)
        bar.setContentsMargins(10, 6, 10, 6)
        self.recovery_text = QLabel()
        self.recovery_text.setWordWrap(True)
        bar.addWidget(self.recovery_text, 1)
        self.use_kept = QPushButton("&Use what was on screen")
        self.discard_kept = QPushButton("&Discard it")
        self.dismiss_kept = QPushButton("O&K")
        for button in (self.use_kept, self.discard_kept, self.dismiss_kept):
            button.setAutoDefault(False)
            bar.addWidget(button)
        self.use_kept.clicked.connect(self._use_offer)
        self.discard_kept.clicked.connect(self._discard_offer)
        self.dismiss_kept.clicked.connect(self.recovery_bar.hide)
        self.recovery_bar.hide()
        outer.addWidget(self.recovery_bar)

        body = QHBoxLayout()
        body.setSpacing(12)
        self.section_list = QListWidget()
        self.section_list.setObjectName("schedulingSections")
        self.section_list.setFixedWidth(224)
        self.section_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.section_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.section_list.setAccessibleName("Sections")
        for n, section in enumerate(FORM, start=1):
            item = QListWidgetItem(f"{n}  {section.title}")
            item.setToolTip(f"{section.title} (Alt+{n})")
            self.section_list.addItem(item)
        self.section_list.addItem(QListWidgetItem("Signature and addenda"))
        self.section_list.currentRowChanged.connect(self._row_chosen)
        body.addWidget(self.section_list)
        self.addenda = AddendaView(self._zone)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.form)
        self.pages.addWidget(self.addenda)
        body.addWidget(self.pages, 1)
        body.addWidget(self.panel)
        outer.addLayout(body, 1)
        outer.addLayout(self._actions())

    def _header(self) -> QFrame:
        header = QFrame()
        header.setObjectName("chartHeader")
        row = QHBoxLayout(header)
        row.setContentsMargins(14, 8, 14, 8)
        identity = QVBoxLayout()
        identity.setSpacing(2)
        name = QLabel(self.patient.display_name)
        name.setObjectName("chartName")
        born = format_dob(self.patient.date_of_birth, self.record.evaluated_on)
        parts = (
            f"Born {born}",
            f"Chart # {self.patient.chart_number}",
            f"Episode: {self.episode.title}",
            f"Evaluated {format_date(self.record.evaluated_on)}",
        )
        ids = QLabel("\u2003\u2003".join(part.replace(" ", "\u00a0") for part in parts))
        ids.setObjectName("chartIds")
        ids.setWordWrap(True)
        for label in (name, ids):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            identity.addWidget(label)
        row.addLayout(identity, 1)
        self.status = QLabel()
        self.status.setObjectName("evaluationStatus")
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.status.setWordWrap(True)
        self.status.setMinimumWidth(300)
        self.status.setMaximumWidth(460)
        row.addWidget(self.status)
        return header

    def _actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.keys_hint = QLabel(
            "Alt+1…9: sections  ·  Tab: next field  ·  1, 2, 3 or a letter: answer  ·  "
            "←/→ then Space: choose"
        )
        self.keys_hint.setObjectName("hint")
        row.addWidget(self.keys_hint, 1)
        self.save_button = QPushButton("&Save now")
        self.save_button.setToolTip("Save to the database now (Ctrl+S); it also saves by itself")
        self.sign_button = QPushButton("Si&gn…")
        self.sign_button.setObjectName("primary")
        self.sign_button.setToolTip("Sign the evaluation with your password (Ctrl+Enter)")
        self.cosign_button = QPushButton("&Co-sign…")
        self.cosign_button.setToolTip("Co-sign the student's evaluation with your password")
        self.addendum_button = QPushButton("Add &addendum…")
        self.addendum_button.setToolTip("Correct or add to the signed evaluation (Alt+A)")
        self.print_button = QPushButton("&Print…")
        self.print_button.setToolTip(
            "The evaluation and plan of care for the referring physician: preview, print or "
            "save as PDF (Ctrl+P)"
        )
        self.close_button = QPushButton("Close")
        self.print_button.clicked.connect(self.print_report)
        self.save_button.clicked.connect(self.save_now)
        self.sign_button.clicked.connect(self.sign)
        self.cosign_button.clicked.connect(self.cosign)
        self.addendum_button.clicked.connect(self.add_addendum)
        self.close_button.clicked.connect(self.close)
        for button in (
            self.save_button,
            self.sign_button,
            self.cosign_button,
            self.addendum_button,
            self.print_button,
            self.close_button,
        ):
            button.setAutoDefault(False)
            row.addWidget(button)
        return row

    def _shortcuts(self) -> None:
        def key(sequence: str, slot: Callable[[], object]) -> None:
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.activated.connect(slot)

        key("Ctrl+PgDown", lambda: self.show_section(self.section_list.currentRow() + 1))
        key("Ctrl+PgUp", lambda: self.show_section(self.section_list.currentRow() - 1))
        for n in range(len(FORM)):
            key(f"Alt+{n + 1}", partial(self.show_section, n))
        key("Ctrl+S", self.save_now)
        key("Ctrl+P", self.print_report)
        key("Ctrl+Return", self.sign)
        key("Ctrl+Enter", self.sign)

    # --- modes ----------------------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        """Only the author's draft is edited here (the services refuse anyone else)."""
        record = self.record
        return record.is_draft and record.therapist_id == self._actor.staff_id

    def _apply_mode(self) -> None:
        editable = self.editable
        record = self.record
        self.form.set_read_only(not editable)
        self.panel.set_read_only(not editable)
        if not editable:
            self.autosaver.stop()
        self.save_button.setVisible(editable)
        self.sign_button.setVisible(editable)
        self.keys_hint.setText(
            "Alt+1…9 or Ctrl+PgDn/PgUp: sections   ·   Tab: next field"
            + ("   ·   Ctrl+S: save   ·   Ctrl+Enter: sign" if editable else "")
        )
        signed = not record.is_draft
        self.section_list.item(ADDENDA_ROW).setHidden(not signed)
        self.addendum_button.setVisible(signed and can(self._actor, Permission.WRITE_CLINICAL))
        self.cosign_button.setVisible(
            record.status == "awaiting_cosign" and can(self._actor, Permission.COSIGN_CLINICAL)
        )
        self.addenda.show_record(record)
        self._show_status()

    # --- navigation -----------------------------------------------------------------------------

    def show_section(self, index: int) -> None:
        """Show section ``index`` (0-based; the addenda after the last) with focus on its
        first field."""
        last = ADDENDA_ROW if not self.section_list.item(ADDENDA_ROW).isHidden() else len(FORM) - 1
        index = max(0, min(index, last))
        self.section_list.setCurrentRow(index)
        self._row_chosen(index)

    def _row_chosen(self, row: int) -> None:
        if row < 0:
            return
        if row == ADDENDA_ROW:
            self.pages.setCurrentWidget(self.addenda)
            return
        self.pages.setCurrentWidget(self.form)
        self.form.setCurrentIndex(row)
        if self.editable and self._offer is None:
            self.form.sections[row].first_field().setFocus(Qt.FocusReason.OtherFocusReason)

    def current_section(self) -> str:
        row = self.section_list.currentRow()
        return FORM[row].key if 0 <= row < len(FORM) else "addenda"

    # --- changes ----------------------------------------------------------------------------------

    def _edited(self, _section: str, _finding: str) -> None:
        self.autosaver.note_change()
        self._refresh()

    def _refresh(self) -> None:
        content = self.form.content()
        self.panel.show_content(content)
        flags = content.get("red_flags", {})
        flagged = any(
            isinstance(flags.get(key), dict) and flags[key].get("present")
            for key, _label, _hint in RED_FLAGS
        )
        for n, section in enumerate(FORM):
            item = self.section_list.item(n)
            mark, tip = "", ""
            if section.key == "red_flags" and flagged:
                mark, tip = RED_FLAG_MARK, "A red flag is answered yes"
            elif section.key in content:
                mark, tip = HAS_FINDINGS, "Has findings"
            item.setText(f"{n + 1}  {section.title}" + (f"  {mark}" if mark else ""))
            item.setToolTip(f"{section.title} (Alt+{n + 1})" + (f" · {tip}" if tip else ""))

    def _use_classification(self, key: str) -> None:
        editor = self.form.editor("assessment", "classification")
        choose = getattr(editor, "choose", None)
        if callable(choose):
            choose(key)

    # --- saving -----------------------------------------------------------------------------------

    def save_now(self) -> None:
        if self.editable:
            self.autosaver.save_now()

    def print_report(self) -> None:
        """Preview the report for the referring physician (a draft prints marked DRAFT), with
        what is on screen saved first so the paper says what the screen says."""
        if not self.save_before_closing():
            QMessageBox.warning(
                self, "Print", "What is on screen is not saved yet, so it cannot be printed."
            )
            return
        try:
            pdf = evaluation_report_pdf(self._db, self._actor, self.record.id)
        except DomainError as exc:
            QMessageBox.warning(self, "Print", str(exc))
            return
        name = f"evaluation-{self.patient.chart_number}-{self.record.evaluated_on.isoformat()}.pdf"
        preview = PdfPreviewDialog(pdf, f"Evaluation: {self.patient.display_name}", name, self)
        self.exec_dialog(preview)
        preview.deleteLater()

    def _saved(self, record: EvaluationRecord) -> None:
        self.record = record
        events().data_changed.emit("evaluation", [record.id])

    def _show_status(self) -> None:
        record, saver = self.record, self.autosaver
        if not record.is_draft:
            self.status.setText(
                ("✓ " if record.status == "signed" else "") + signature_text(record, self._zone)
            )
            self.banner.clear_message()
            return
        if not self.editable:
            self.status.setText(f"Draft by {record.therapist_name} · read-only")
            return
        state = saver.state
        when = (saver.saved_at or record.updated_at).astimezone(self._zone)
        self.status.setText(
            {
                SaveState.SAVED: f"Draft · saved {when:%H:%M}",
                SaveState.PENDING: "Draft · changes not saved yet",
                SaveState.SAVING: "Draft · saving…",
                SaveState.OFFLINE: "Draft · kept on this computer",
                SaveState.INVALID: "Draft · not saved: see the messages",
                SaveState.STALE: "Draft · not saved",
                SaveState.REFUSED: "Draft · not saved",
            }[state]
        )
        if state is SaveState.OFFLINE:
            self.banner.show_calm(saver.message)
        elif state in (SaveState.STALE, SaveState.REFUSED, SaveState.INVALID):
            self.banner.show_error(saver.message)
        elif saver.journal_problem:
            self.banner.show_calm(saver.journal_problem)
        elif state in (SaveState.SAVED, SaveState.SAVING) or self.banner.is_error():
            self.banner.clear_message()

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

    # --- the crash journal ------------------------------------------------------------------------

    def _recover(self) -> bool:
        """Put back or offer a journal left behind; True when the person must decide."""
        entry = self.journal.read(self.record.id)
        if entry is None or entry.author_id != self._actor.staff_id:
            return False
        what = recovery(entry, version=self.record.version, content=self.record.content)
        if what is Recovery.NONE:
            self.journal.remove(self.record.id)
            return False
        when = f"{entry.written_at.astimezone(self._zone):%H:%M}"
        if not self.editable:
            self._show_recovery(STRANDED.format(when=when), entry, use=False)
            return True
        if what is Recovery.RESTORE:
            self.form.set_content(entry.content)
            self.autosaver.note_change()
            self.recovery_text.setText(RESTORED.format(when=when))
            self.use_kept.hide()
            self.discard_kept.hide()
            self.dismiss_kept.show()
            self.recovery_bar.show()
            return False
        self._show_recovery(OFFERED.format(when=when), entry, use=True)
        return True

    def _show_recovery(self, text: str, entry: JournalEntry, *, use: bool) -> None:
        # The form waits for the decision: typing first would replace the kept copy.
        self._offer = entry
        self.form.set_read_only(True)
        self.recovery_text.setText(text)
        self.use_kept.setVisible(use)
        self.discard_kept.show()
        self.dismiss_kept.hide()
        self.recovery_bar.show()
        (self.use_kept if use else self.discard_kept).setFocus()

    def _use_offer(self) -> None:
        if self._offer is not None and self.editable:
            self.form.set_content(self._offer.content)
            self._offer = None
            self.form.set_read_only(False)
            self.autosaver.note_change()
            self._refresh()
        self.recovery_bar.hide()
        self.show_section(self.section_list.currentRow())

    def _discard_offer(self) -> None:
        if self._offer is not None:
            self.journal.remove(self.record.id)
        self._offer = None
        self.form.set_read_only(not self.editable)
        self.recovery_bar.hide()
        self.show_section(self.section_list.currentRow())

    # --- signing, co-signing, addenda --------------------------------------------------------

    def exec_dialog(self, dialog: QDialog) -> int:
        """Show ``dialog`` modally (tests drive it instead)."""
        return dialog.exec()

    def ask_referral_action(self, flag_label: str, hint: str) -> str | None:
        """What was done about a red flag answered yes (None: not decided, left unanswered)."""
        return ask_referral_action(self, flag_label, hint)

    def sign(self) -> None:
        """Save, check what signing needs (jumping to the first section that lacks it), then
        ask for the password."""
        if not self.editable:
            return
        if not self.autosaver.finish():
            self.banner.show_error(SIGN_FIRST_SAVE.format(why=self.autosaver.message))
            return
        record = self.record = self.autosaver.record
        problems = signing_problems(record, age=self.age)
        if problems:
            self._show_problems(problems)
            return
        dialog = SignDialog(self._db, self._actor, record, self)
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        done = getattr(dialog, "signed", None)
        dialog.deleteLater()
        if accepted and isinstance(done, EvaluationRecord):
            self._became(done)
            self.signed.emit(done)

    def _show_problems(self, problems: Mapping[str, str]) -> None:
        self.banner.show_error("Before signing: " + " ".join(problems.values()))
        self.form.show_errors(problems)
        order = [section.key for section in FORM]
        first = min(problems, key=lambda name: order.index(name.partition(".")[0]))
        section, _, finding = first.partition(".")
        self.show_section(order.index(section))
        if finding:
            self.form.editor(section, finding).focus_target().setFocus()

    def _became(self, record: EvaluationRecord) -> None:
        self.record = record
        self.autosaver.adopt(record)
        self.autosaver.stop()
        self.journal.remove(record.id)
        self.form.set_content(record.content)
        self._apply_mode()
        self._refresh()  # the dialogs have announced the change (data_changed)

    def cosign(self) -> None:
        dialog = CosignDialog(self._db, self._actor, self.record, self)
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        done = getattr(dialog, "signed", None)
        dialog.deleteLater()
        if accepted and isinstance(done, EvaluationRecord):
            self._became(done)
            self.signed.emit(done)

    def add_addendum(self) -> None:
        if self.record.is_draft:
            return
        dialog = AddendumDialog(self._db, self._actor, self.record, self)
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        done = getattr(dialog, "saved", None)
        dialog.deleteLater()
        if accepted and isinstance(done, EvaluationRecord):
            self._became(done)
            self.show_section(ADDENDA_ROW)

    # --- closing ----------------------------------------------------------------------------------

    def ask_close_unsaved(self, why: str) -> bool:
        """Close although the database lacks what is on screen? (It stays on this computer.)"""
        return confirm_close_unsaved(self, why, "evaluation")

    def closeEvent(self, event: QCloseEvent) -> None:
        unsaved = not self._finished and self.editable and not self.save_before_closing()
        if unsaved and not self.ask_close_unsaved(self.autosaver.message or OFFLINE):
            event.ignore()
            return
        self._finished = True
        self.autosaver.stop()
        super().closeEvent(event)
        self.closed.emit()


# The whole of a laptop's screen: the form, the sections and the panel.
_windows: OneWindowPerEpisode[EvaluationWindow] = OneWindowPerEpisode(
    "evaluation_window/geometry", QSize(1600, 900)
)


def open_evaluation(
    db: Database,
    actor: Actor,
    episode_id: int,
    parent: QWidget | None = None,
    *,
    journal_folder: Path | None = None,
    settings: QSettings | None = None,
) -> EvaluationWindow:
    """Show the episode's evaluation window, bringing an open one forward rather than opening a
    second (raises the services' ``DomainError`` like ``EvaluationWindow``). The window opens
    at the size and place last used, kept in ``settings``."""
    return _windows.show(
        db.url,
        episode_id,
        lambda: EvaluationWindow(db, actor, episode_id, parent, journal_folder=journal_folder),
        settings,
    )


def open_windows() -> list[EvaluationWindow]:
    """The evaluation windows open now (the main window asks them before quitting)."""
    return _windows.visible()
