"""The body of a note, top to bottom in the order a therapist writes it: the SOAP text, pain
before and after, (for a progress note or discharge) the re-measured outcomes and the goals,
the exercise flowsheet, the techniques performed, education and home-program changes, and the
minutes per CPT code.

``content()`` is the note's ``content`` exactly as ``note_form`` keeps it (empty parts left out),
and ``set_content(content())`` shows the same note again: autosave compares the two.
``show_errors`` puts each message of a ``ValidationError`` under the part its key names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ptclinic.services.care_plans import PlanGoal
from ptclinic.services.clinical_notes import NoteRecord
from ptclinic.services.evaluation_form import Finding, Kind
from ptclinic.services.note_form import TEXT_PARTS
from ptclinic.ui.evaluation.editors import NoteEditor, ScoreEditor
from ptclinic.ui.evaluation.style import LOCKED_STYLE
from ptclinic.ui.notes.flowsheet import FLOWSHEET_COLUMNS, TECHNIQUE_COLUMNS, RowsTable
from ptclinic.ui.notes.minutes_grid import MinutesGrid
from ptclinic.ui.notes.outcome_history import History
from ptclinic.ui.notes.progress_parts import ProgressParts, section_title

Chooser = Callable[[], Mapping[str, Any] | None]

SOAP_HINTS = {
    "subjective": "What the patient reports since the last visit.",
    "objective": "What you measured and saw today.",
    "assessment": "How the patient responded, and the progress toward the goals.",
    "plan": "What comes next visit.",
}
TEXT_HEIGHT = 88
# Where each part sits, top to bottom: the first problem found is the one shown first.
ORDER = (
    "subjective", "objective", "assessment", "plan", "pain_before", "pain_after", "outcomes",
    "goals", "plan_update", "discharge_reason", "home_advice", "flowsheet", "techniques",
    "education", "home_program_changes", "minutes",
)  # fmt: skip


def _text_editor(key: str, hint: str = "") -> NoteEditor:
    # The hint is the box's placeholder: written under it too, it would take a line per box.
    editor = NoteEditor(Finding(key, TEXT_PARTS[key], Kind.NOTE))
    editor.edit.setFixedHeight(TEXT_HEIGHT)
    editor.edit.setPlaceholderText(hint)
    return editor


def _labelled(caption: str, editor: QWidget, buddy: QWidget) -> QVBoxLayout:
    column = QVBoxLayout()
    column.setSpacing(3)
    label = QLabel(caption)
    label.setObjectName("findingLabel")
    label.setBuddy(buddy)
    column.addWidget(label)
    column.addWidget(editor)
    return column


class NoteSections(QWidget):
    """The parts of ``record``'s note; ``choose_exercise`` and ``choose_technique`` ask the
    person for a row to add (None: nothing chosen)."""

    changed = Signal()

    def __init__(
        self,
        record: NoteRecord,
        goals: Sequence[PlanGoal],
        history: History,
        *,
        choose_exercise: Chooser,
        choose_technique: Chooser,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("noteSections")
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 0, 12, 12)
        box.setSpacing(8)

        box.addWidget(section_title("Subjective, objective, assessment and plan"))
        self.texts: dict[str, NoteEditor] = {}
        self._hints: dict[str, str] = {}
        soap = QGridLayout()
        soap.setHorizontalSpacing(20)
        soap.setVerticalSpacing(8)
        for n, key in enumerate(SOAP_HINTS):
            editor = self._add_text(key, SOAP_HINTS[key])
            soap.addLayout(_labelled(f"&{TEXT_PARTS[key]}", editor, editor.edit), n // 2, n % 2)
        box.addLayout(soap)

        box.addWidget(section_title("Pain (0–10)"))
        self.pain_before = ScoreEditor(Finding("pain_before", "Pain before the visit", Kind.SCORE))
        self.pain_after = ScoreEditor(Finding("pain_after", "Pain after the visit", Kind.SCORE))
        pain = QHBoxLayout()
        pain.setSpacing(32)
        for caption, score in (
            ("Pain &before", self.pain_before),
            ("Pain a&fter", self.pain_after),
        ):
            score.changed.connect(self.changed)
            pain.addLayout(_labelled(caption, score, score.focus_target()))
        pain.addStretch(1)
        box.addLayout(pain)

        self.progress: ProgressParts | None = None
        if record.kind != "visit":
            self.progress = ProgressParts(record.kind, goals, history, record.note_date)
            self.progress.changed.connect(self.changed)
            box.addWidget(self.progress)

        box.addWidget(section_title("Exercises"))
        self.flowsheet = RowsTable(FLOWSHEET_COLUMNS, "exercise", choose_exercise)
        self.flowsheet.changed.connect(self._rows_changed)
        box.addWidget(self.flowsheet)

        box.addWidget(section_title("Techniques performed"))
        self.techniques = RowsTable(TECHNIQUE_COLUMNS, "technique", choose_technique)
        self.techniques.changed.connect(self._rows_changed)
        box.addWidget(self.techniques)

        box.addWidget(section_title("Education and home program"))
        teaching = QHBoxLayout()
        teaching.setSpacing(20)
        for key, hint in (
            ("education", "What you taught or advised today."),
            ("home_program_changes", "Exercises added, changed or stopped at home."),
        ):
            editor = self._add_text(key, hint)
            teaching.addLayout(_labelled(TEXT_PARTS[key], editor, editor.edit), 1)
        box.addLayout(teaching)

        self.minutes_title = section_title("Minutes and units")
        box.addWidget(self.minutes_title)
        self.minutes = MinutesGrid(record.billing_method)
        self.minutes.changed.connect(self.changed)
        box.addWidget(self.minutes)
        box.addStretch(1)

    def _add_text(self, key: str, hint: str) -> NoteEditor:
        editor = _text_editor(key, hint)
        editor.changed.connect(self.changed)
        self.texts[key] = editor
        self._hints[key] = hint
        return editor

    def _rows_changed(self) -> None:
        self.flowsheet.show_error("")
        self.techniques.show_error("")
        self.changed.emit()

    # --- the note's content -------------------------------------------------------------------

    def content(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, editor in self.texts.items():
            if (text := editor.value()) is not None:
                found[key] = text
        for key, pain in (("pain_before", self.pain_before), ("pain_after", self.pain_after)):
            if (value := pain.value()) is not None:
                found[key] = value
        if rows := self.flowsheet.rows():
            found["flowsheet"] = rows
        if rows := self.techniques.rows():
            found["techniques"] = rows
        if minutes := self.minutes.minutes():
            found["minutes"] = minutes
        if self.progress is not None:
            found.update(self.progress.content())
        return found

    def set_content(self, content: Mapping[str, Any]) -> None:
        for key, editor in self.texts.items():
            editor.set_value(content.get(key))
        self.pain_before.set_value(content.get("pain_before"))
        self.pain_after.set_value(content.get("pain_after"))
        self.flowsheet.set_rows(content.get("flowsheet") or [])
        self.techniques.set_rows(content.get("techniques") or [])
        self.minutes.set_minutes(content.get("minutes") or {})
        if self.progress is not None:
            self.progress.set_content(content)

    def set_read_only(self, read_only: bool) -> None:
        """Signed, someone else's, or waiting for a choice about kept typing: nothing changes,
        and the fields look it."""
        for editor in (*self.texts.values(), self.pain_before, self.pain_after):
            editor.set_read_only(read_only)
        for key, text in self.texts.items():  # no prompt to write in a box nobody may change
            text.edit.setPlaceholderText("" if read_only else self._hints[key])
        self.flowsheet.set_read_only(read_only)
        self.techniques.set_read_only(read_only)
        self.minutes.set_read_only(read_only)
        if self.progress is not None:
            self.progress.set_read_only(read_only)
        self.setStyleSheet(LOCKED_STYLE if read_only else "")

    # --- problems -------------------------------------------------------------------------------

    def show_errors(self, errors: Mapping[str, str]) -> list[str]:
        """Each message next to its part (cleared where there is none); returns the messages
        that have no part here (e.g. the visit's date), for the window to show."""
        shown: set[str] = set()
        for key, editor in self.texts.items():
            editor.show_error(errors.get(key, ""))
        for key, pain in (("pain_before", self.pain_before), ("pain_after", self.pain_after)):
            pain.show_error(errors.get(key, ""))
        self.flowsheet.show_error(errors.get("flowsheet", ""))
        self.techniques.show_error(errors.get("techniques", ""))
        minutes = [m for k, m in errors.items() if k.partition(".")[0] == "minutes"]
        self.minutes.show_error(" ".join(minutes))
        here = {*self.texts, "pain_before", "pain_after", "flowsheet", "techniques", "minutes"}
        shown.update(key for key in errors if key.partition(".")[0] in here)
        if self.progress is not None:
            shown.update(self.progress.show_errors(errors))
        return [message for key, message in errors.items() if key not in shown]

    def field_for(self, key: str) -> QWidget | None:
        """The field to take the person to for a problem with ``key``."""
        part = key.partition(".")[0]
        if part in self.texts:
            return self.texts[part].edit
        named = {
            "pain_before": self.pain_before.focus_target(),
            "pain_after": self.pain_after.focus_target(),
            "flowsheet": self.flowsheet.view,
            "techniques": self.techniques.view,
        }
        if part in named:
            return named[part]
        if part == "minutes":
            return self.minutes.field_for(key)
        return self.progress.field_for(key) if self.progress is not None else None

    def first_problem(self, errors: Mapping[str, str]) -> QWidget | None:
        """The field of the problem that comes first on the form."""
        placed = [k for k in errors if k.partition(".")[0] in ORDER]
        if not placed:
            return None
        first = min(placed, key=lambda k: ORDER.index(k.partition(".")[0]))
        return self.field_for(first)

    def first_field(self) -> QWidget:
        return self.texts["subjective"].edit
