"""How other screens open a note: ``open_note_for_appointment`` (the calendar's "Write note…":
the visit's note, started pre-filled when there is none yet) and ``open_note`` (a note by id,
e.g. from "My work"). One window per note: opening it again brings that window forward (two
windows on one draft would refuse each other's saves). A refusal is told in a message over the
caller's window, so a caller needs no error handling of its own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QSize
from PySide6.QtWidgets import QMessageBox, QWidget

from ptclinic.db import Database
from ptclinic.services import clinical_notes
from ptclinic.services.actor import Actor
from ptclinic.services.errors import DomainError
from ptclinic.ui.admin.common import describe
from ptclinic.ui.episode_windows import OneWindowPerEpisode
from ptclinic.ui.notes.note_window import NoteWindow

# A laptop's whole screen: the form is long and scrolls. Keyed by note id.
_windows: OneWindowPerEpisode[NoteWindow] = OneWindowPerEpisode(
    "note_window/geometry", QSize(1280, 900)
)


def open_note(
    parent: QWidget | None,
    db: Database,
    actor: Actor,
    note_id: int,
    *,
    journal_folder: Path | None = None,
    settings: QSettings | None = None,
) -> NoteWindow | None:
    """Show note ``note_id`` in its window at the size and place last used (kept in
    ``settings``); ``journal_folder`` is the drafts folder (the main window's). A refusal (no
    permission, the database unreachable) is told over ``parent``; then None."""
    try:
        return _windows.show(
            db.url,
            note_id,
            lambda: NoteWindow(db, actor, note_id, parent, journal_folder=journal_folder),
            settings,
        )
    except DomainError as exc:
        tell(parent, exc)
        return None


def open_note_for_appointment(
    parent: QWidget | None,
    db: Database,
    actor: Actor,
    appointment_id: int,
    *,
    journal_folder: Path | None = None,
    settings: QSettings | None = None,
) -> NoteWindow | None:
    """The appointment's note in its window: the one already started, or a new draft
    pre-filled from the care plan. A visit that cannot have a note (cancelled or missed, not
    linked to an episode) is told over ``parent``; then None."""
    try:
        record = clinical_notes.start_note_for_appointment(db, actor, appointment_id)
    except DomainError as exc:
        tell(parent, exc)
        return None
    return open_note(parent, db, actor, record.id, journal_folder=journal_folder, settings=settings)


def tell(parent: QWidget | None, error: DomainError) -> None:
    """Say why a note did not open (tests replace this)."""
    QMessageBox.warning(parent, "Note", describe(error))


def open_windows() -> list[NoteWindow]:
    """The note windows open now (the main window asks them to save before quitting)."""
    return _windows.visible()
