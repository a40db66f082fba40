"""The evaluation's sections, built from ``evaluation_form.FORM`` (never field by field).

``EvaluationForm`` is a stack of scrolling pages, one per section; ``content()`` is the
evaluation as ``validate_content`` takes it (sections and findings left out when nothing is
recorded) and ``set_content`` shows such a content again exactly. Findings recorded on the left
and right side (keys ending ``_left``/``_right``) share one row with the side named.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.evaluation_form import FORM, Finding, Kind, Section
from ptclinic.ui.evaluation.editors import (
    AskReferral,
    ChoiceEditor,
    FindingEditor,
    NoteEditor,
    ProvocationEditor,
    RedFlagEditor,
    RegionsEditor,
    ScoreEditor,
    TextEditor,
    YesNoEditor,
)
from ptclinic.ui.evaluation.outcome_editors import OdiEditor, PsfsEditor
from ptclinic.ui.evaluation.style import LOCKED_STYLE

LABEL_WIDTH = 164
SIDES = (("_left", ", left", "Left"), ("_right", ", right", "Right"))


def make_editor(finding: Finding, ask: AskReferral) -> FindingEditor:
    """The editor for ``finding``'s kind."""
    if finding.kind is Kind.RED_FLAG:
        return RedFlagEditor(finding, ask)
    editors: dict[Kind, Callable[[Finding], FindingEditor]] = {
        Kind.TEXT: TextEditor,
        Kind.NOTE: NoteEditor,
        Kind.CHOICE: ChoiceEditor,
        Kind.CHOICES: RegionsEditor,
        Kind.SCORE: ScoreEditor,
        Kind.YES_NO: YesNoEditor,
        Kind.PROVOCATION: ProvocationEditor,
        Kind.ODI: OdiEditor,
        Kind.PSFS: PsfsEditor,
    }
    return editors[finding.kind](finding)


def _pair(findings: tuple[Finding, ...], n: int) -> tuple[Finding, Finding] | None:
    """``findings[n]`` and the next as one left/right pair, or None."""
    if n + 1 >= len(findings):
        return None
    left, right = findings[n], findings[n + 1]
    (left_key, left_label, _l), (right_key, right_label, _r) = SIDES
    if (
        left.key.endswith(left_key)
        and right.key == left.key.removesuffix(left_key) + right_key
        and left.label.endswith(left_label)
        and right.label == left.label.removesuffix(left_label) + right_label
        and left.kind is right.kind
    ):
        return left, right
    return None


def _side_by_side(editor: FindingEditor) -> bool:
    """Small editors (yes/no, a number field) sit side by side; wider ones are stacked, left
    above right."""
    if editor.finding.kind is Kind.YES_NO:
        return True
    return isinstance(editor, ScoreEditor) and editor.number is not None


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setFixedWidth(LABEL_WIDTH)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setObjectName("findingLabel")
    return label


class SectionForm(QWidget):
    """One section's findings, labels on the left. ``changed`` fires with the finding's key."""

    changed = Signal(str)

    def __init__(self, section: Section, ask: AskReferral, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.editors: dict[str, FindingEditor] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 8, 18, 18)
        layout.setSpacing(6)
        title = QLabel(section.title)
        title.setObjectName("sectionTitle")
        layout.addWidget(title)
        if section.hint:
            hint = QLabel(section.hint)
            hint.setObjectName("hint")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(12)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addStretch(1)
        findings = section.findings
        n = row = 0
        while n < len(findings):
            pair = _pair(findings, n)
            if pair is not None:
                self._add_pair(grid, row, pair, ask)
                n += 2
            else:
                editor = self._editor(findings[n], ask)
                caption = _caption(findings[n].label)
                caption.setBuddy(editor.focus_target())
                grid.addWidget(caption, row, 0)
                grid.addWidget(editor, row, 1)
                n += 1
            row += 1

    def _editor(self, finding: Finding, ask: AskReferral) -> FindingEditor:
        editor = make_editor(finding, ask)
        editor.changed.connect(lambda key=finding.key: self._edited(key))
        self.editors[finding.key] = editor
        return editor

    def _add_pair(
        self, grid: QGridLayout, row: int, pair: tuple[Finding, Finding], ask: AskReferral
    ) -> None:
        left, right = (self._editor(finding, ask) for finding in pair)
        caption = _caption(pair[0].label.removesuffix(SIDES[0][1]))
        caption.setBuddy(left.focus_target())
        grid.addWidget(caption, row, 0)
        box = QWidget()
        if _side_by_side(left):
            lines: QHBoxLayout | QGridLayout = QHBoxLayout(box)
            lines.setSpacing(10)
        else:
            lines = QGridLayout(box)
            lines.setVerticalSpacing(6)
            lines.setHorizontalSpacing(10)
        lines.setContentsMargins(0, 0, 0, 0)
        for n, (editor, (_key, _label, side)) in enumerate(zip((left, right), SIDES, strict=True)):
            side_label = QLabel(side)
            side_label.setObjectName("sideLabel")
            side_label.setBuddy(editor.focus_target())
            side_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            if isinstance(lines, QHBoxLayout):
                lines.addWidget(side_label)
                lines.addWidget(editor)
                lines.addSpacing(18)
            else:
                side_label.setFixedWidth(44)
                lines.addWidget(side_label, n, 0)
                lines.addWidget(editor, n, 1)
        if isinstance(lines, QHBoxLayout):
            lines.addStretch(1)
        grid.addWidget(box, row, 1)

    def _edited(self, key: str) -> None:
        editor = self.editors[key]
        editor.show_error(editor.problem())
        self.changed.emit(key)

    def content(self) -> dict[str, Any]:
        values = {key: editor.value() for key, editor in self.editors.items()}
        return {key: value for key, value in values.items() if value is not None}

    def set_content(self, values: Mapping[str, Any]) -> None:
        for key, editor in self.editors.items():
            editor.set_value(values.get(key))
            editor.show_error(editor.problem())

    def set_read_only(self, read_only: bool) -> None:
        for editor in self.editors.values():
            editor.set_read_only(read_only)

    def first_field(self) -> QWidget:
        return next(iter(self.editors.values())).focus_target()


class _SectionScroll(QScrollArea):
    """A section's page: scrolls vertically, and to whichever field gets the focus."""

    def __init__(self, form: SectionForm) -> None:
        super().__init__()
        self.form = form
        self.setWidget(form)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and self.form.isAncestorOf(new):
            self.ensureWidgetVisible(new, 20, 40)


class EvaluationForm(QStackedWidget):
    """All sections, one shown at a time. ``changed(section, finding)`` after each edit."""

    changed = Signal(str, str)

    def __init__(self, ask: AskReferral, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sections: list[SectionForm] = []
        for section in FORM:
            form = SectionForm(section, ask)
            form.changed.connect(lambda key, name=section.key: self.changed.emit(name, key))
            self.sections.append(form)
            self.addWidget(_SectionScroll(form))

    def section(self, key: str) -> SectionForm:
        return next(form for form in self.sections if form.section.key == key)

    def editor(self, section: str, finding: str) -> FindingEditor:
        return self.section(section).editors[finding]

    def index_of(self, section: str) -> int:
        return next(n for n, form in enumerate(self.sections) if form.section.key == section)

    def content(self) -> dict[str, dict[str, Any]]:
        found = {form.section.key: form.content() for form in self.sections}
        return {key: values for key, values in found.items() if values}

    def set_content(self, content: Mapping[str, Any]) -> None:
        for form in self.sections:
            values = content.get(form.section.key)
            form.set_content(values if isinstance(values, Mapping) else {})

    def set_read_only(self, read_only: bool) -> None:
        """Signed (or waiting for a choice about kept typing): nothing changes, and the fields
        look it, so nobody tries to type into a signed record."""
        for form in self.sections:
            form.set_read_only(read_only)
        self.setStyleSheet(LOCKED_STYLE if read_only else "")

    def show_errors(self, field_errors: Mapping[str, str]) -> None:
        """Each message under the finding it names (``"section.finding"``); others are the
        caller's to show."""
        for form in self.sections:
            for key, editor in form.editors.items():
                message = field_errors.get(f"{form.section.key}.{key}", "")
                # Beside the finding, its name need not be repeated.
                named = f"{form.section.title}, {editor.finding.label}: "
                if message.startswith(named):
                    rest = message.removeprefix(named)
                    message = rest[:1].upper() + rest[1:]
                editor.show_error(message or editor.problem())

    def problems(self) -> list[tuple[str, str, str]]:
        """What the person typed that cannot be saved as it is: (section, finding, words)."""
        return [
            (form.section.key, key, problem)
            for form in self.sections
            for key, editor in form.editors.items()
            if (problem := editor.problem())
        ]
