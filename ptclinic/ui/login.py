"""The log-in dialog: username and password, errors in plain words, optional demo accounts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.actor import Actor
from ptclinic.services.errors import DomainError

if TYPE_CHECKING:  # the dialog shows before the database layers have loaded (see ui/app.py)
    from ptclinic.db import Database

OPENING_HINT = "Opening the clinic database…"
LOGIN_HINT = "Log in with your own username and password."


class LoginDialog(QDialog):
    """Ask for a username and password; ``actor()`` is the staff member once accepted.

    ``demo_logins`` is a sequence of (username, password, role label) shown in a clearly marked
    panel, for a demonstration database only. ``notice`` is a one-off message (e.g. where the
    pre-upgrade backup of the database was saved).

    Without a database the dialog shows at once and takes typing, but cannot log in until
    ``attach()`` hands it the opened database: start-up shows it while the database opens.
    """

    def __init__(
        self,
        db: Database | None,
        clinic_name: str,
        demo_logins: Sequence[tuple[str, str, str]] = (),
        parent: QWidget | None = None,
        *,
        notice: str = "",
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._actor: Actor | None = None
        self.title = title = QLabel()
        title.setObjectName("pageTitle")
        title.setWordWrap(True)
        self.hint = hint = QLabel()
        hint.setObjectName("hint")
        self.notice = QLabel()
        self.notice.setObjectName("formNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()

        self.username = QLineEdit()
        self.username.setAccessibleName("Username")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setVerticalSpacing(10)
        form.addRow("&Username", self.username)
        form.addRow("&Password", self.password)

        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()

        self.login_button = QPushButton("&Log in")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self._log_in)
        self.quit_button = QPushButton("&Quit")
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.login_button)

        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(self.notice)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.demo_buttons: list[QPushButton] = []
        if demo_logins:
            layout.addSpacing(8)
            layout.addWidget(self._demo_panel(demo_logins))
        self.setMinimumWidth(500)
        self.username.setFocus()
        self._show_state(clinic_name, notice)

    def attach(self, db: Database, clinic_name: str, notice: str = "") -> None:
        """The database is open: log-ins can be checked from now on."""
        self._db = db
        self._show_state(clinic_name, notice)
        self._fit_height()

    def is_ready(self) -> bool:
        return self._db is not None

    def _show_state(self, clinic_name: str, notice: str) -> None:
        ready = self._db is not None
        self.setWindowTitle(f"Log in — {clinic_name}")
        self.title.setText(clinic_name)
        self.hint.setText(LOGIN_HINT if ready else OPENING_HINT)
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))
        self.login_button.setEnabled(ready)

    def _demo_panel(self, logins: Sequence[tuple[str, str, str]]) -> QWidget:
        panel = QFrame()
        panel.setObjectName("demoPanel")
        box = QVBoxLayout(panel)
        box.setContentsMargins(14, 10, 14, 12)
        heading = QLabel("Demo clinic — sample log-ins")
        heading.setObjectName("sectionTitle")
        explain = QLabel(
            "This database holds made-up patients for trying PT Clinic. "
            "Choose an account to fill in the fields, then log in."
        )
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        box.addWidget(heading)
        box.addWidget(explain)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        for column, caption in enumerate(("Role", "Username", "Password")):
            header = QLabel(caption)
            header.setObjectName("demoHeader")
            grid.addWidget(header, 0, column)
        for row, (username, password, role) in enumerate(logins, start=1):
            grid.addWidget(QLabel(role), row, 0)
            grid.addWidget(QLabel(username), row, 1)
            grid.addWidget(QLabel(password), row, 2)
            use = QPushButton("Use")
            use.setAutoDefault(False)
            use.setAccessibleName(f"Use the {role} account {username}")
            use.setToolTip(f"Fill in {username} and its password")
            use.clicked.connect(lambda _=False, u=username, p=password: self.fill(u, p))
            grid.addWidget(use, row, 3)
            self.demo_buttons.append(use)
        grid.setColumnStretch(2, 1)
        box.addLayout(grid)
        return panel

    def fill(self, username: str, password: str) -> None:
        """Put a demo account's credentials in the fields, ready for Enter."""
        self.username.setText(username)
        self.password.setText(password)
        self.error.hide()
        self.login_button.setFocus()

    def _log_in(self) -> None:
        if self._db is None:
            return  # Enter pressed before the database opened; the hint says to wait
        from ptclinic.services import auth

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self._actor = auth.authenticate(self._db, self.username.text(), self.password.text())
        except DomainError as exc:
            self._refuse(str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.accept()

    def _refuse(self, message: str) -> None:
        self.error.setText("⚠ " + message)
        self.error.show()
        self.password.clear()
        self.password.setFocus()
        self._fit_height()

    def _fit_height(self) -> None:
        # Qt does not grow a top-level window for a newly shown word-wrapped label by itself;
        # without this the message would squeeze the demo panel's rows on top of each other.
        layout = self._layout
        layout.activate()
        needed = layout.heightForWidth(self.width()) if layout.hasHeightForWidth() else 0
        if needed > self.height():
            self.resize(self.width(), needed)

    def error_text(self) -> str:
        return self.error.text() if not self.error.isHidden() else ""

    def actor(self) -> Actor:
        """The authenticated staff member; only valid once the dialog has been accepted."""
        if self._actor is None:
            raise RuntimeError("Nobody has logged in through this dialog")
        return self._actor
