"""Lock the screen after the clinic's idle time, keeping everything on screen as it was.

Patient data must not sit on an unattended front-desk screen, and an interrupted therapist must
not lose a half-written note. So the lock *covers* the application with an application-modal,
frameless window and blocks input; it never hides or closes other windows or dialogs (closing a
dialog running exec() would throw its work away). Only the locked user's password resumes. An
administrator can end the locked session so someone else can log in ("Switch user…").
"""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import auth
from ptclinic.services.actor import Actor
from ptclinic.services.permissions import ROLE_LABELS, Role
from ptclinic.ui.tasks import TaskFailure, run_task

log = logging.getLogger(__name__)

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("formError")
    label.setWordWrap(True)
    label.hide()
    return label


class LockScreen(QWidget):
    """The cover itself. Emits ``unlocked`` or ``session_ended`` (the user was logged out)."""

    unlocked = Signal()
    session_ended = Signal()

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._may_close = False
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowFlags(
            Qt.WindowType.Window
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowTitle("PT Clinic — locked")

        card = QFrame()
        card.setObjectName("lockCard")
        card.setMaximumWidth(520)
        box = QVBoxLayout(card)
        box.setContentsMargins(32, 28, 32, 28)
        box.setSpacing(12)
        title = QLabel("Screen locked")
        title.setObjectName("pageTitle")
        who = QLabel(f"{actor.full_name} · {ROLE_LABELS[Role(actor.role)]}")
        who.setObjectName("sectionTitle")
        hint = QLabel("Your work is kept just as you left it. Enter your password to continue.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        for label in (title, who, hint):
            box.addWidget(label)

        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.try_unlock)
        form = QFormLayout()
        form.addRow("&Password", self.password)
        box.addLayout(form)
        self.error = _error_label()
        box.addWidget(self.error)
        self.switch_button = QPushButton("&Switch user…")
        self.switch_button.clicked.connect(self._show_switch)
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setObjectName("primary")
        self.unlock_button.clicked.connect(self.try_unlock)
        buttons = QHBoxLayout()
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        box.addLayout(buttons)
        self.switch_panel = self._switch_panel()
        box.addWidget(self.switch_panel)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def _switch_panel(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("lockSwitch")
        box = QVBoxLayout(panel)
        box.setContentsMargins(0, 12, 0, 0)
        first_name = self._actor.full_name.split()[0] if self._actor.full_name else "them"
        explain = QLabel(
            f"An administrator can log {self._actor.full_name} out so someone else can log in. "
            f"Anything {first_name} had not saved will be lost."
        )
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        box.addWidget(explain)
        self.admin_username = QLineEdit()
        self.admin_password = QLineEdit()
        self.admin_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.admin_password.returnPressed.connect(self.try_switch_user)
        form = QFormLayout()
        form.addRow("Administrator's user&name", self.admin_username)
        form.addRow("Administrator's pass&word", self.admin_password)
        box.addLayout(form)
        self.switch_error = _error_label()
        box.addWidget(self.switch_error)
        cancel = QPushButton("&Cancel")
        cancel.clicked.connect(self._hide_switch)
        self.end_session_button = QPushButton(f"&Log {first_name} out")
        self.end_session_button.clicked.connect(self.try_switch_user)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.end_session_button)
        box.addLayout(buttons)
        panel.hide()
        return panel

    def _show_switch(self) -> None:
        self.switch_panel.show()
        self.admin_username.setFocus()

    def _hide_switch(self) -> None:
        self.switch_panel.hide()
        self.admin_username.clear()
        self.admin_password.clear()
        self.switch_error.hide()
        self.password.setFocus()

    def try_unlock(self) -> None:
        """Check the password on the worker thread, after the lock's own audit record."""
        db, actor, password = self._db, self._actor, self.password.text()
        self._set_busy(True)
        run_task(
            lambda: auth.unlock_screen(db, actor, password),
            lambda _: self._finish(unlocked=True),
            lambda failure: self._refuse(self.error, self.password, failure.message),
        )

    def try_switch_user(self) -> None:
        db, actor = self._db, self._actor
        username, password = self.admin_username.text(), self.admin_password.text()
        self._set_busy(True)
        run_task(
            lambda: auth.end_locked_session(db, actor, username, password),
            lambda _: self._finish(unlocked=False),
            lambda failure: self._refuse(self.switch_error, self.admin_password, failure.message),
        )

    def _set_busy(self, busy: bool) -> None:
        # One check at a time: a second Enter while the first is checked would count twice
        # towards the lockout.
        for widget in (self.password, self.admin_password, self.unlock_button):
            widget.setEnabled(not busy)
        self.end_session_button.setEnabled(not busy)

    def is_busy(self) -> bool:
        return not self.unlock_button.isEnabled()

    def _refuse(self, label: QLabel, field: QLineEdit, message: str) -> None:
        if not shiboken6.isValid(self):  # closed with its window while the check ran
            return
        self._set_busy(False)
        label.setText("⚠ " + message)
        label.show()
        field.clear()
        field.setFocus()

    def _finish(self, *, unlocked: bool) -> None:
        if not shiboken6.isValid(self):
            return
        self._may_close = True
        self.close()
        (self.unlocked if unlocked else self.session_ended).emit()

    def cover(self, anchor: QWidget | None) -> None:
        """Show over the whole screen the anchor window is on, and take the keyboard."""
        screen = anchor.screen() if anchor is not None else QGuiApplication.primaryScreen()
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.raise_()
        self.activateWindow()
        self.password.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc backs out of "Switch user…" but must never dismiss the lock itself.
        if event.key() == Qt.Key.Key_Escape:
            if self.switch_panel.isVisible():
                self._hide_switch()
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._may_close:
            event.accept()
        else:
            event.ignore()


class IdleLock(QObject):
    """Watches keyboard and mouse input anywhere in the application and locks when idle.

    ``interval_ms`` is the idle time (the clinic's ``idle_lock_minutes`` in the app; short in
    tests). ``anchor`` is the window whose screen the lock covers.
    """

    locked = Signal()
    unlocked = Signal()
    session_ended = Signal()

    def __init__(
        self,
        db: Database,
        actor: Actor,
        interval_ms: int,
        anchor: QWidget | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._anchor = anchor
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.lock_now)
        self._watching = False
        self.lock_screen: LockScreen | None = None
        self._focus_before: QWidget | None = None

    def start(self) -> None:
        app = QApplication.instance()
        if not self._watching and app is not None:
            app.installEventFilter(self)
            self._watching = True
        self._timer.start()

    def stop(self) -> None:
        """Stop watching (at log-out); an open lock screen is closed with its owner."""
        app = QApplication.instance()
        if self._watching and app is not None:
            app.removeEventFilter(self)
            self._watching = False
        self._timer.stop()

    def set_interval(self, interval_ms: int) -> None:
        self._timer.setInterval(interval_ms)
        if self._timer.isActive():
            self._timer.start()

    def is_locked(self) -> bool:
        return self.lock_screen is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self.lock_screen is None and (
            kind in _ACTIVITY or (kind == QEvent.Type.MouseMove and event.spontaneous())
        ):
            self._timer.start()
        return False

    def lock_now(self) -> None:
        if self.lock_screen is not None:
            return
        self._timer.stop()
        self._focus_before = QApplication.focusWidget()
        # An open menu or combo-box list would float above the cover; closing one loses nothing.
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()
        self.lock_screen = LockScreen(self._db, self._actor, self._anchor)
        self.lock_screen.unlocked.connect(self._resume)
        self.lock_screen.session_ended.connect(self._end_session)
        self.lock_screen.cover(self._anchor)
        # Written off the UI thread: the cover must appear even if the database is slow or away.
        run_task(
            lambda: auth.record_screen_lock(self._db, self._actor),
            lambda _: None,
            self._lock_not_recorded,
        )
        self.locked.emit()

    @staticmethod
    def _lock_not_recorded(failure: TaskFailure) -> None:
        log.warning("Screen lock was not written to the audit log: %s", failure.message)

    def _discard_lock_screen(self) -> None:
        if self.lock_screen is not None:
            self.lock_screen.deleteLater()
            self.lock_screen = None

    def _resume(self) -> None:
        self._discard_lock_screen()
        before, self._focus_before = self._focus_before, None
        if before is not None and shiboken6.isValid(before):
            before.activateWindow()
            before.setFocus()
        self._timer.start()
        self.unlocked.emit()

    def _end_session(self) -> None:
        self._discard_lock_screen()
        self.stop()
        self.session_ended.emit()
