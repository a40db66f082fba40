"""The crash journal, exactly as for the evaluation: what was on screen when the program stopped
comes back on reopening (put back when the database still holds the version it started from,
offered when someone saved since); the notes' journal never mixes with the evaluations'; and a
real program killed mid-way leaves the note intact."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ptclinic.services import clinical_notes
from ptclinic.services.draft_journal import DraftJournal
from ptclinic.ui.evaluation.autosave import SaveState
from ptclinic.ui.notes.note_window import NoteWindow
from tests.ui.notes.conftest import Clinic, MakeWindow, start_note, stored, visit

ROOT = Path(__file__).resolve().parents[3]
LATER = 600_000  # a save delay no test waits for


def _crash(window: NoteWindow) -> None:
    """The program stops: no save, no closing handlers; only the journal is left."""
    window.autosaver.stop()
    window._finished = True
    window.hide()


def _type_and_crash(qtbot: QtBot, window: NoteWindow, text: str) -> None:
    edit = window.sections.texts["subjective"].edit
    edit.setFocus()
    qtbot.keyClicks(edit, text)
    window.autosaver.write_journal()  # what the half-second timer does
    _crash(window)


def test_typing_left_by_a_crash_is_put_back_and_saved(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int, journal_folder: Path
) -> None:
    note = start_note(scheduled, visit(scheduled, episode))
    _type_and_crash(qtbot, make_window(note, save_delay_ms=LATER), "Sore after gardening.")
    assert stored(scheduled, note).content.get("subjective") is None
    # The notes keep their journal apart: an evaluation with the same id finds nothing.
    assert DraftJournal(scheduled.db.url, journal_folder).read(note) is None
    assert DraftJournal(scheduled.db.url, journal_folder / "notes").read(note) is not None

    window = make_window(note, save_delay_ms=LATER)
    assert window.sections.texts["subjective"].value() == "Sore after gardening."
    assert window.recovery.isVisibleTo(window)
    assert window.recovery.text.text().startswith("Restored what was on screen at ")
    assert window.recovery.dismiss_kept.isVisibleTo(window)
    assert window.autosaver.state is SaveState.PENDING
    window.save_now()
    assert stored(scheduled, note).content["subjective"] == "Sore after gardening."
    assert DraftJournal(scheduled.db.url, journal_folder / "notes").read(note) is None


def test_typing_kept_after_someone_saved_since_is_offered(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int
) -> None:
    note = start_note(scheduled, visit(scheduled, episode))
    _type_and_crash(qtbot, make_window(note, save_delay_ms=LATER), "Kept on this computer.")
    record = stored(scheduled, note)
    theirs = {**record.content, "objective": "Saved from another workstation."}
    clinical_notes.save_note_draft(scheduled.db, scheduled.lee, note, record.version, theirs)

    window = make_window(note, save_delay_ms=LATER)
    assert window.recovery.text.text().startswith("This computer kept what was on screen at ")
    assert "the visit note was saved since" in window.recovery.text.text()
    assert window.focusWidget() is window.recovery.use_kept
    subjective = window.sections.texts["subjective"]
    assert subjective.edit.isReadOnly()  # nothing typed before deciding
    assert window.sections.texts["objective"].value() == "Saved from another workstation."
    qtbot.mouseClick(window.recovery.use_kept, Qt.MouseButton.LeftButton)
    assert subjective.value() == "Kept on this computer." and not subjective.edit.isReadOnly()
    assert window.focusWidget() is subjective.edit
    window.save_now()
    assert stored(scheduled, note).content.get("subjective") == "Kept on this computer."


def test_discarding_the_kept_copy_keeps_the_saved_note(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int, journal_folder: Path
) -> None:
    note = start_note(scheduled, visit(scheduled, episode))
    _type_and_crash(qtbot, make_window(note, save_delay_ms=LATER), "Not wanted.")
    record = stored(scheduled, note)
    mine = {**record.content, "plan": "Progress bridges."}
    clinical_notes.save_note_draft(scheduled.db, scheduled.lee, note, record.version, mine)
    window = make_window(note, save_delay_ms=LATER)
    qtbot.mouseClick(window.recovery.discard_kept, Qt.MouseButton.LeftButton)
    assert not window.recovery.isVisibleTo(window)
    assert window.sections.texts["subjective"].value() is None
    assert not window.sections.texts["subjective"].edit.isReadOnly()
    assert DraftJournal(scheduled.db.url, journal_folder / "notes").read(note) is None


# The child program: the real window, the real worker thread and the default autosave delay
# (three seconds), killed after one second of typing.
CHILD = """
import json, os, signal, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtWidgets import QApplication
from PySide6.QtTest import QTest
app = QApplication([])
from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.ui.notes.note_window import NoteWindow

args = json.loads(sys.argv[1])
window = NoteWindow(
    Database(args["url"]), Actor(**args["actor"]), args["note"],
    journal_folder=Path(args["folder"]),
)
window.show()
QTest.keyClicks(window.sections.texts["subjective"].edit, "Sat for an hour at work")
window.sections.minutes.boxes["97110"].setValue(38)
print(json.dumps(window.sections.content()), flush=True)
QTest.qWait(1000)
if hasattr(signal, "SIGKILL"):
    os.kill(os.getpid(), signal.SIGKILL)
os._exit(1)
"""


def test_killed_mid_way_the_note_is_intact(
    make_window: MakeWindow, scheduled: Clinic, episode: int, journal_folder: Path
) -> None:
    note = start_note(scheduled, visit(scheduled, episode))
    lee = scheduled.lee
    args = {
        "url": scheduled.db.url,
        "actor": {"staff_id": lee.staff_id, "username": lee.username,
                  "full_name": lee.full_name, "role": lee.role},
        "note": note,
        "folder": str(journal_folder),
    }  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(args)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    killed = -signal.SIGKILL if hasattr(signal, "SIGKILL") else 1
    assert child.returncode == killed, child.stderr
    typed = json.loads(child.stdout.splitlines()[-1])
    assert typed["subjective"] == "Sat for an hour at work" and typed["minutes"] == {"97110": 38}
    assert stored(scheduled, note).content.get("minutes") is None  # killed before the save

    window = make_window(note)
    assert window.sections.content() == typed
    assert window.recovery.text.text().startswith("Restored what was on screen at ")
    assert window.sections.minutes.summary.text().startswith("38 timed minutes = 3 units")
