"""The main window: navigation on the left, one page at a time, menus with visible shortcuts.

Only pages the actor's role may use are shown. Pages that later releases will fill in say so
plainly instead of pretending. Log out, quit and the idle lock's "Switch user…" all end here,
and ``closed(return_to_login)`` tells the application what to show next.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ptclinic import __version__
from ptclinic.db import Database
from ptclinic.services import auth, clinic
from ptclinic.services.actor import Actor
from ptclinic.services.errors import DomainError
from ptclinic.services.permissions import ROLE_LABELS, Permission, Role, can
from ptclinic.ui.admin.page import AdministrationPage
from ptclinic.ui.care_plan.handout_print import print_home_program
from ptclinic.ui.care_plan.window import CarePlanWindow, open_care_plan
from ptclinic.ui.evaluation.window import EvaluationWindow, open_evaluation
from ptclinic.ui.events import events
from ptclinic.ui.exercises.library_page import ExerciseLibraryPage
from ptclinic.ui.idle_lock import IdleLock
from ptclinic.ui.my_work.page import MyWorkPage
from ptclinic.ui.notes.note_window import NoteWindow
from ptclinic.ui.notes.open import open_note, open_note_for_appointment
from ptclinic.ui.patients.page import PatientsPage
from ptclinic.ui.schedule.page import SchedulePage
from ptclinic.ui.window_size import remember_size, restore_size

log = logging.getLogger(__name__)

SETTINGS_FILE = "ui.ini"
GEOMETRY_KEY = "main_window/geometry"
DRAFTS_FOLDER = "drafts"  # evaluation drafts kept on this computer until saved


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    shortcut: str
    shown_to: Callable[[Actor], bool]
    # For pages a later release fills in: the one honest sentence the placeholder shows.
    later: str = ""


PAGES = (
    PageSpec("schedule", "Schedule", "Ctrl+1", lambda a: can(a, Permission.MANAGE_SCHEDULE)),
    PageSpec("patients", "Patients", "Ctrl+2", lambda a: can(a, Permission.VIEW_PATIENTS)),
    PageSpec("my_work", "My work", "Ctrl+3", lambda a: can(a, Permission.VIEW_CLINICAL)),
    PageSpec("exercises", "Exercise library", "Ctrl+4", lambda a: can(a, Permission.VIEW_CLINICAL)),
    PageSpec(
        "admin",
        "Administration",
        "Ctrl+5",
        lambda a: can(a, Permission.MANAGE_STAFF) or can(a, Permission.VIEW_AUDIT_LOG),
    ),
)
# The page a role lands on: the first working one, not a "later release" placeholder. A
# clinician sees the next patient and what is due the moment they log in.
_LANDING = ("my_work", "schedule", "patients", "admin")


@runtime_checkable
class HoldsUnsavedWork(Protocol):
    """A page that can hold typing not yet saved; closing the window asks about it first."""

    def has_unsaved_work(self) -> bool: ...


def _has_unsaved_work(page: QWidget) -> bool:
    return isinstance(page, HoldsUnsavedWork) and page.has_unsaved_work()


class ComingLaterPage(QWidget):
    def __init__(self, title: str, sentence: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(title)
        heading.setObjectName("pageTitle")
        text = QLabel(sentence)
        text.setObjectName("hint")
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addStretch(1)


class MainWindow(QMainWindow):
    """The logged-in workspace. ``idle_lock_ms`` overrides the clinic's idle time (tests)."""

    closed = Signal(bool)  # True: show the log-in dialog again; False: quit

    def __init__(
        self,
        db: Database,
        actor: Actor,
        data_dir: Path,
        parent: QWidget | None = None,
        *,
        idle_lock_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._settings = QSettings(str(data_dir / SETTINGS_FILE), QSettings.Format.IniFormat)
        # Evaluation drafts on screen are also kept here, so a crash loses nothing typed.
        self._drafts_folder = data_dir / DRAFTS_FOLDER
        self._return_to_login = False
        self._session_over = False  # the user is logged out already
        self._closed = False
        info = clinic.get_clinic(db)
        self._clinic_name = info.name
        self._set_title()

        self.pages: dict[str, QWidget] = {}
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(210)
        self.stack = QStackedWidget()
        self._build_pages()
        self.navigation.currentRowChanged.connect(self.stack.setCurrentIndex)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.navigation)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.idle_lock = IdleLock(
            db, actor, idle_lock_ms or info.idle_lock_minutes * 60_000, anchor=self, parent=self
        )
        self.idle_lock.session_ended.connect(self._end_session_by_administrator)
        self._build_menus()
        who = QLabel(f"{actor.full_name} · {ROLE_LABELS[Role(actor.role)]} · {db.describe()}")
        who.setObjectName("statusIdentity")
        self.statusBar().addPermanentWidget(who)
        events().data_changed.connect(self._on_data_changed)

        landing = next((k for k in _LANDING if k in self.pages), next(iter(self.pages), None))
        if landing is not None:
            self.show_page(landing)
        self._restore_geometry()
        self.idle_lock.start()

    # --- building -----------------------------------------------------------------------------

    def _build_pages(self) -> None:
        for spec in PAGES:
            if not spec.shown_to(self._actor):
                continue
            page: QWidget
            if spec.key == "patients":
                page = PatientsPage(self._db, self._actor)
                page.open_evaluation.connect(self.open_evaluation)
                page.open_care_plan.connect(self.open_care_plan)
            elif spec.key == "admin":
                page = AdministrationPage(self._db, self._actor)
            elif spec.key == "my_work":
                page = MyWorkPage(self._db, self._actor)
                page.open_evaluation.connect(self.open_evaluation)
                page.open_visit_note.connect(self.open_visit_note)
                page.open_note.connect(self.open_note)
            elif spec.key == "exercises":
                page = ExerciseLibraryPage(self._db, self._actor)
            elif spec.key == "schedule":
                page = SchedulePage(self._db, self._actor)
                page.open_chart.connect(self._open_chart)
                page.open_visit_note.connect(self.open_visit_note)
                page.show_requested.connect(partial(self.show_page, "schedule"))
            else:
                page = ComingLaterPage(spec.title, spec.later)
            self.pages[spec.key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(spec.title)
            item.setToolTip(f"{spec.title} ({spec.shortcut})")
            self.navigation.addItem(item)

    def _action(self, text: str, shortcut: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({shortcut})")
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        self.new_patient_action: QAction | None = None
        if can(self._actor, Permission.EDIT_PATIENTS) and "patients" in self.pages:
            self.new_patient_action = self._action("&New patient…", "Ctrl+N", self.register_patient)
            file_menu.addAction(self.new_patient_action)
            file_menu.addSeparator()
        self.lock_action = self._action("&Lock screen", "Ctrl+L", self.idle_lock.lock_now)
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self._action("Log &out", "", self.log_out))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", "Ctrl+Q", self.close))

        go_menu = menus.addMenu("&Go")
        for spec in PAGES:
            if spec.key in self.pages:
                go_menu.addAction(
                    self._action(spec.title, spec.shortcut, partial(self.show_page, spec.key))
                )

        if "patients" in self.pages:
            patients_menu = menus.addMenu("&Patients")
            self.find_action = self._action("&Find patient…", "Ctrl+K", self.find_patient)
            patients_menu.addAction(self.find_action)
            if self.new_patient_action is not None:  # where a newcomer looks for it too
                patients_menu.addAction(self.new_patient_action)

        schedule = self.pages.get("schedule")
        if isinstance(schedule, SchedulePage):
            schedule_menu = menus.addMenu("&Schedule")
            for action in schedule.menu_actions():
                if action is None:
                    schedule_menu.addSeparator()
                else:
                    schedule_menu.addAction(action)

        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self._action("&About PT Clinic", "", self.show_about))

    def _set_title(self) -> None:
        self.setWindowTitle(f"{self._clinic_name} — PT Clinic")

    def _restore_geometry(self) -> None:
        restore_size(self, self._settings, GEOMETRY_KEY)
        state = self._settings.value("main_window/state")
        if state is not None:
            self.restoreState(state)

    # --- actions ------------------------------------------------------------------------------

    def show_page(self, key: str) -> None:
        page = self.pages.get(key)
        if page is not None:
            self.navigation.setCurrentRow(self.stack.indexOf(page))

    def current_page_key(self) -> str:
        current = self.stack.currentWidget()
        return next((k for k, page in self.pages.items() if page is current), "")

    def _patients_page(self) -> PatientsPage | None:
        page = self.pages.get("patients")
        self.show_page("patients")
        return page if isinstance(page, PatientsPage) else None

    def find_patient(self) -> None:
        if (page := self._patients_page()) is not None:
            page.focus_search()

    def _open_chart(self, patient_id: int) -> None:
        if (page := self._patients_page()) is not None:
            page.open_patient(patient_id)

    def open_evaluation(self, episode_id: int) -> EvaluationWindow | None:
        """The episode's evaluation in its own window (brought forward when already open)."""
        try:
            return open_evaluation(
                self._db,
                self._actor,
                episode_id,
                self,
                journal_folder=self._drafts_folder,
                settings=self._settings,
            )
        except DomainError as exc:
            QMessageBox.warning(self, "Evaluation", str(exc))
            return None

    def open_visit_note(self, appointment_id: int) -> NoteWindow | None:
        """The visit's note in its own window, started when there is none yet (a refusal is
        told over this window)."""
        return open_note_for_appointment(
            self, self._db, self._actor, appointment_id,
            journal_folder=self._drafts_folder, settings=self._settings,
        )  # fmt: skip

    def open_note(self, note_id: int) -> NoteWindow | None:
        return open_note(
            self, self._db, self._actor, note_id,
            journal_folder=self._drafts_folder, settings=self._settings,
        )  # fmt: skip

    def open_care_plan(self, episode_id: int) -> CarePlanWindow | None:
        """The episode's care plan in its own window (brought forward when already open)."""
        try:
            return open_care_plan(
                self._db,
                self._actor,
                episode_id,
                self,
                settings=self._settings,
                print_home_program=print_home_program,
            )
        except DomainError as exc:
            QMessageBox.warning(self, "Care plan", str(exc))
            return None

    def _close_evaluations(self) -> bool:
        """Close every evaluation and note window (each saves first); False when one asked to
        stay. When the session was ended for this user, save what can be saved and close
        without asking: what is on screen is kept on this computer and offered again next time."""
        # Only this window's own: another session's (a test's, a switched user's) is not ours.
        windows: list[EvaluationWindow | NoteWindow] = [
            *self.findChildren(EvaluationWindow),
            *self.findChildren(NoteWindow),
        ]
        for window in windows:
            if not window.isVisible():
                continue
            if self._session_over:
                window.save_before_closing()
                window.hide()
                window.deleteLater()
            elif not window.close():
                return False
        # Care plans save as they change: nothing to ask, but no chart stays open after logout.
        for plan_window in self.findChildren(CarePlanWindow):
            plan_window.close()
        return True

    def register_patient(self) -> None:
        if (page := self._patients_page()) is not None:
            page.register_new()

    def show_about(self) -> QMessageBox:
        box = QMessageBox(self)
        box.setWindowTitle("About PT Clinic")
        box.setIcon(QMessageBox.Icon.Information)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(
            f"<h3>PT Clinic {html.escape(__version__)}</h3>"
            "<p>Software for outpatient physical-therapy clinics.</p>"
            f"<p>Clinic: {html.escape(self._clinic_name)}<br>"
            f"Database: {html.escape(self._db.describe())}</p>"
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def log_out(self) -> None:
        self._return_to_login = True
        if not self.close():
            self._return_to_login = False

    def _end_session_by_administrator(self) -> None:
        """The idle lock logged this user out: close everything without asking, then log in."""
        self._session_over = True
        self._return_to_login = True
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                # done(), not reject(): a dialog's own reject() may ask "save first?", and an
                # administrator has already decided. Ending each exec() lets the stack unwind.
                widget.done(QDialog.DialogCode.Rejected.value)
        self.close()

    def _on_data_changed(self, kind: str, _ids: list[object]) -> None:
        if kind != "clinic":
            return
        try:
            info = clinic.get_clinic(self._db)
        except DomainError:
            return  # the next change will try again; the old title is harmless meanwhile
        self._clinic_name = info.name
        self._set_title()
        self.idle_lock.set_interval(info.idle_lock_minutes * 60_000)

    # --- closing ------------------------------------------------------------------------------

    def unsaved_pages(self) -> list[str]:
        """Titles of the pages holding unsaved work (see HoldsUnsavedWork)."""
        titles = {spec.key: spec.title for spec in PAGES}
        return [titles[key] for key, page in self.pages.items() if _has_unsaved_work(page)]

    def confirm_discard(self, titles: list[str]) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved changes")
        box.setText(f"You have unsaved changes in {', '.join(titles)}.")
        box.setInformativeText("Close anyway and lose them?")
        keep = box.addButton("&Keep working", QMessageBox.ButtonRole.RejectRole)
        box.addButton("&Discard and close", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is not keep

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closed:
            event.accept()
            return
        if not self._close_evaluations():
            event.ignore()
            return
        unsaved = [] if self._session_over else self.unsaved_pages()
        if unsaved and not self.confirm_discard(unsaved):
            event.ignore()
            return
        remember_size(self, self._settings, GEOMETRY_KEY)
        self._settings.setValue("main_window/state", self.saveState())
        self._settings.sync()
        self.idle_lock.stop()
        if not self._session_over:
            self._session_over = True
            try:
                auth.logout(self._db, self._actor)
            except DomainError:
                log.warning("Log-out of %s was not written to the audit log", self._actor.username)
        self._closed = True
        event.accept()
        self.closed.emit(self._return_to_login)
