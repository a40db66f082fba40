"""Start the desktop application: database check, first-run wizard, log-in, main window.

Start-up is kept light so the log-in dialog appears quickly: it is shown first, taking typing,
while the database layers load and the database opens; the main window (and everything it pulls
in) is imported only after someone has logged in.
"""

from __future__ import annotations

import logging
import signal
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal, cast

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from ptclinic import __version__
from ptclinic.services.errors import DomainError
from ptclinic.ui.login import LoginDialog
from ptclinic.ui.resources import style_sheet
from ptclinic.ui.tasks import runner

if TYPE_CHECKING:
    from ptclinic.db import Database
    from ptclinic.ui.main_window import MainWindow

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_DATABASE = 2
_ASK_FOR_HELP = "If this keeps happening, ask whoever looks after the clinic's computers."


def show_problem(title: str, text: str, advice: str, detail: str = "") -> None:
    """A plain-words message box for a problem that stops the program from going on."""
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(f"{advice}\n\n{_ASK_FOR_HELP}")
    if detail:
        box.setDetailedText(detail)
    box.exec()


def _first_line(exc: BaseException) -> str:
    """The driver's own first line of the underlying problem, for the details pane."""
    source: BaseException = exc.__cause__ if isinstance(exc, DomainError) and exc.__cause__ else exc
    source = getattr(source, "orig", None) or source  # the DB driver's error inside SQLAlchemy's
    return (str(source).strip().splitlines() or [type(exc).__name__])[0]


def _explain_database_problem(db_description: str, exc: Exception) -> None:
    if "Can't locate revision" in str(exc):
        advice = (
            "It was last used by a newer version of PT Clinic than this one "
            f"({__version__}). Install the newer version on this computer."
        )
    elif db_description.startswith("SQLite"):
        advice = "Check that its folder exists and that you are allowed to change files there."
    else:
        advice = (
            "Check that the database server is running and that this computer is connected "
            "to the clinic's network."
        )
    show_problem(
        "PT Clinic cannot start",
        "PT Clinic could not open the clinic database.",
        f"Database: {db_description}\n\n{advice}",
        _first_line(exc),
    )


# Start-up benchmark: quit once the log-in window has first been painted ("shown"), or once it
# has been painted able to log in, the database open ("ready").
ExitWhen = Literal["shown", "ready"] | None


class _QuitOnPaint(QObject):
    """Quits the application the next time the watched window is painted."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, QCoreApplication.quit)
        return False


class _Session(QObject):
    """Log-in → main window → (log out) → log-in again, until someone quits."""

    def __init__(
        self,
        db: Database,
        data_dir: Path,
        demo_logins: Sequence[tuple[str, str, str]],
        notice: str,
        early_login: LoginDialog | None,
        quit_on_paint: _QuitOnPaint | None,
    ) -> None:
        super().__init__()
        self._db = db
        self._data_dir = data_dir
        self._demo_logins = demo_logins
        self._notice = notice
        self._early_login = early_login
        self._quit_on_paint = quit_on_paint
        self._login: LoginDialog | None = None
        self._window: MainWindow | None = None

    def show_login(self) -> bool:
        from ptclinic.services import clinic

        try:
            name = clinic.get_clinic(self._db).name
        except DomainError as exc:
            _explain_database_problem(self._db.describe(), exc)
            QCoreApplication.exit(EXIT_DATABASE)
            return False
        if self._early_login is not None:  # the dialog shown while the database opened
            self._login, self._early_login = self._early_login, None
            self._login.attach(self._db, name, self._notice)
        else:
            self._login = LoginDialog(self._db, name, self._demo_logins, notice=self._notice)
        self._notice = ""  # said once
        self._login.accepted.connect(self._logged_in)
        self._login.rejected.connect(QCoreApplication.quit)
        if self._quit_on_paint is not None:
            self._login.installEventFilter(self._quit_on_paint)
            self._quit_on_paint = None
            self._login.update()  # make sure a paint follows even if nothing else changed
        self._login.show()
        self._login.raise_()
        self._login.activateWindow()
        return True

    def _logged_in(self) -> None:
        assert self._login is not None
        actor = self._login.actor()
        self._login.deleteLater()
        self._login = None
        try:
            # Deferred: keeps the log-in screen fast.
            from ptclinic.ui.main_window import MainWindow

            window = MainWindow(self._db, actor, self._data_dir)
        except DomainError as exc:
            log.exception("Main window could not open")
            show_problem(
                "PT Clinic",
                "The main window could not open because the database did not answer.",
                f"Try logging in again. ({_first_line(exc)})",
            )
            self.show_login()
            return
        except Exception as exc:  # a bug: never leave the program running with no window
            log.exception("Main window could not open")
            show_problem(
                "PT Clinic",
                "The main window could not open because of a problem in the program.",
                f"Log in again, or restart PT Clinic. ({_first_line(exc)})",
            )
            self.show_login()
            return
        window.closed.connect(self._window_closed)
        self._window = window
        window.show()
        window.raise_()
        window.activateWindow()

    def _window_closed(self, return_to_login: bool) -> None:
        window, self._window = self._window, None
        if window is not None:
            window.deleteLater()
        if return_to_login:
            # After the current event: an administrator's "Switch user…" may still be unwinding
            # dialogs that were running exec().
            QTimer.singleShot(0, self.show_login)
        else:
            QCoreApplication.quit()


@contextmanager
def _quit_on_signals(app: QApplication) -> Iterator[None]:
    """Ctrl+C in the terminal (or a service manager's SIGTERM) ends the app as File > Quit does,
    so the demo's temporary folder is removed and the log-out is recorded."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda *_: QTimer.singleShot(0, app.quit))
    # Python runs its signal handlers only between bytecodes; while Qt waits for events none run,
    # so a slow idle timer lets the handler in.
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    try:
        yield
    finally:
        wake.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


LOG_FILE = "ptclinic.log"


def _log_to_file(data_dir: Path) -> RotatingFileHandler | None:
    """Warnings and errors also go to ``data_dir/ptclinic.log`` (kept small: three rotations of
    a megabyte), so "the details were written to the log" is true and support can read them.
    The caller removes the handler when the app ends."""
    path = data_dir / LOG_FILE
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError as exc:  # a read-only folder must not stop the app
        log.warning("No log file at %s: %s", path, exc)
        return None
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    return handler


def _install_crash_handler(log_path: Path | None) -> None:
    where = f"The details were written to {log_path}." if log_path else "The details were logged."

    def report(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        # A bug must not show a person a traceback: log it, apologise in plain words.
        log.critical("Unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        show_problem(
            "PT Clinic",
            "Something unexpected went wrong.",
            f"Check that your last change was kept before going on. {where}",
        )

    sys.excepthook = report


def _open_database(database_url: str) -> tuple[Database, Path | None, bool] | None:
    """The database brought up to date, the pre-upgrade backup, and whether it is empty."""
    db: Database | None = None
    try:
        from ptclinic.db import Database
        from ptclinic.services import clinic

        db = Database(database_url)
        backup = db.upgrade()
        return db, backup, clinic.needs_setup(db)
    except Exception as exc:  # whatever the cause, the person gets words, not a traceback
        log.exception("Opening the database failed")
        _explain_database_problem(db.describe() if db else database_url.split(":")[0], exc)
        if db is not None:
            db.dispose()
        return None


def _run_setup_wizard(db: Database) -> bool:
    from ptclinic.ui.setup_wizard import SetupWizard  # only an empty database needs it

    return SetupWizard(db).exec() == QDialog.DialogCode.Accepted


def _backup_notice(backup: Path | None) -> str:
    if backup is None:
        return ""
    log.info("Database upgraded; the previous version is kept at %s", backup)
    return (
        "PT Clinic updated the database for this version. A copy of the database as it was "
        f"before is kept at:\n{backup}"
    )


def run_app(
    database_url: str,
    data_dir: Path,
    *,
    demo_logins: Sequence[tuple[str, str, str]] = (),
    exit_when: ExitWhen = None,
) -> int:
    """Run the desktop application until the person quits; returns the process exit code.

    ``demo_logins`` (username, password, role label) are listed on the log-in screen of a demo
    database. ``exit_when`` quits early, for the start-up benchmark: once the log-in dialog has
    been painted ("shown"), or once it has been painted ready to log in ("ready"). A database
    that cannot be opened is explained in a message box and returns ``EXIT_DATABASE``.
    """
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    app.setOrganizationName("PT Clinic")
    app.setApplicationName("PT Clinic")
    app.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    app.setStyleSheet(style_sheet())
    previous_hook, quit_on_last = sys.excepthook, app.quitOnLastWindowClosed()
    log_file = _log_to_file(data_dir)
    _install_crash_handler(Path(log_file.baseFilename) if log_file else None)
    # The log-in dialog and the main window replace each other; quitting is decided explicitly.
    app.setQuitOnLastWindowClosed(False)
    try:
        # The log-in dialog first, so the person sees PT Clinic at once and can type while the
        # database layers load and the database opens (a shared server may take a moment).
        early_login = LoginDialog(None, "PT Clinic", demo_logins)
        early_login.show()
        if exit_when == "shown":
            early_login.installEventFilter(_QuitOnPaint(early_login))
            app.exec()
            early_login.close()
            return EXIT_OK
        app.processEvents()  # paint it now, before the database work below
        opened = _open_database(database_url)
        if opened is None:
            early_login.close()
            return EXIT_DATABASE
        db, backup, empty = opened
        try:
            handed_on: LoginDialog | None = early_login
            if empty:  # the wizard comes first; a fresh log-in dialog follows it
                early_login.close()
                handed_on = None
                if not _run_setup_wizard(db):
                    return EXIT_OK
            quit_on_paint = _QuitOnPaint(app) if exit_when == "ready" else None
            session = _Session(
                db, data_dir, demo_logins, _backup_notice(backup), handed_on, quit_on_paint
            )
            return _run_sessions(app, session)
        finally:
            db.dispose()
    finally:
        app.setQuitOnLastWindowClosed(quit_on_last)
        sys.excepthook = previous_hook
        if log_file is not None:
            logging.getLogger().removeHandler(log_file)
            log_file.close()


def _run_sessions(app: QApplication, session: _Session) -> int:
    def finish_writes() -> None:
        runner().wait_for_done(10_000)  # an audit write in flight must not be cut off

    app.aboutToQuit.connect(finish_writes)
    try:
        if not session.show_login():
            return EXIT_DATABASE
        with _quit_on_signals(app):
            return app.exec()
    finally:
        app.aboutToQuit.disconnect(finish_writes)
        for widget in app.topLevelWidgets():
            widget.close()
