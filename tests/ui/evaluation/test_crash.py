"""A real crash: a separate program opens the evaluation, types findings, and is killed about a
second later, before the database save; reopening the evaluation finds the findings back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from ptclinic.services import evaluation_records
from ptclinic.services.draft_journal import DraftJournal
from tests.ui.evaluation.conftest import Clinic, MakeWindow

ROOT = Path(__file__).resolve().parents[3]

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
from ptclinic.ui.evaluation.window import EvaluationWindow

args = json.loads(sys.argv[1])
window = EvaluationWindow(
    Database(args["url"]), Actor(**args["actor"]), args["episode"],
    journal_folder=Path(args["folder"]),
)
window.show()
QTest.keyClicks(window.form.editor("subjective", "chief_complaint").focus_target(),
                "Right buttock pain, worse sitting")
for key in ("distraction", "compression", "sacral_thrust"):
    window.form.editor("provocation", key).mark("positive", familiar=True)
QTest.keyClick(window.form.editor("subjective", "nprs_now").focus_target(), "6")
print(json.dumps(window.form.content()), flush=True)
QTest.qWait(1000)
if hasattr(signal, "SIGKILL"):
    os.kill(os.getpid(), signal.SIGKILL)
os._exit(1)
"""


def test_killed_mid_way_the_draft_is_intact(
    qtbot: QtBot, make_window: MakeWindow, scheduled: Clinic, episode: int, journal_folder: Path
) -> None:
    lee = scheduled.lee
    args = {
        "url": scheduled.db.url,
        "actor": {
            "staff_id": lee.staff_id,
            "username": lee.username,
            "full_name": lee.full_name,
            "role": lee.role,
        },
        "episode": episode,
        "folder": str(journal_folder),
    }
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(args)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    killed = -signal.SIGKILL if hasattr(signal, "SIGKILL") else 1
    assert child.returncode == killed, child.stderr
    typed = json.loads(child.stdout.splitlines()[-1])
    assert typed["subjective"]["chief_complaint"] == "Right buttock pain, worse sitting"

    stored = evaluation_records.episode_evaluation(scheduled.db, lee, episode)
    assert stored is not None and stored.content == {}  # killed before the database save
    assert DraftJournal(scheduled.db.url, journal_folder).read(stored.id) is not None

    window = make_window()
    assert window.form.content() == typed
    assert window.recovery_text.text().startswith("Restored what was on screen at ")
    assert window.panel.cluster_label is not None
    assert window.panel.cluster_label.text().endswith("SI joint pain likely.")
