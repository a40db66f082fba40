"""One editor per kind of finding in ``evaluation_form.FORM``.

Each editor reads and writes the finding's value exactly as ``validate_content`` takes it:
``value()`` is None when nothing is recorded, and ``set_value(value())`` shows the same finding
again. Values the editor builds are canonical: a provocation test always carries ``familiar``,
a red flag always its ``action``, PSFS rows both ``activity`` and ``score``. ``changed`` fires
for the person's edits only, never for ``set_value``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.evaluation_form import (
    NOTE_LIMIT,
    TEST_RESULTS,
    TEXT_LIMIT,
    Finding,
)
from ptclinic.ui.evaluation.body_chart import BodyChart
from ptclinic.ui.evaluation.widgets import NumberField, Segmented, freeze

# Asks what was done about a red flag answered yes: the action in words, or None (declined).
AskReferral = Callable[[str, str], "str | None"]

SEGMENTED_CHOICE_CHARACTERS = 44  # longer choice lists become a drop-down list
SEGMENTED_CHOICE_COUNT = 4
SEGMENTED_SCORE_RANGE = 10  # 0-10 and shorter scales are a row of buttons
NOT_RECORDED = "Not recorded"
YES_NO = (("yes", "Yes"), ("no", "No"))
NOTE_HEIGHT = 66


def text_of(value: object) -> str:
    return value if isinstance(value, str) else ""


def whole_number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class FindingEditor(QWidget):
    """The editing widget of one finding with its hint and an error line under it."""

    changed = Signal()

    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finding = finding
        self.read_only = False
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(3)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()

    def _finish(self, field: QWidget) -> None:
        """Lay out ``field`` with the finding's hint and the error line."""
        self._box.addWidget(field)
        if self.finding.hint:
            hint = QLabel(self.finding.hint)
            hint.setObjectName("hint")
            hint.setWordWrap(True)
            self._box.addWidget(hint)
        self._box.addWidget(self.error)
        self.setAccessibleName(self.finding.label)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def focus_target(self) -> QWidget:
        return self

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only

    def problem(self) -> str:
        """What is wrong with what was typed, seen before any save ("" when nothing)."""
        return ""

    def show_error(self, text: str) -> None:
        self.error.setText("⚠ " + text if text else "")
        self.error.setVisible(bool(text))

    def _emit(self) -> None:
        self.changed.emit()


class TextEditor(FindingEditor):
    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(finding, parent)
        self.edit = QLineEdit()
        self.edit.setMaxLength(TEXT_LIMIT)
        self.edit.setAccessibleName(finding.label)
        self.edit.textEdited.connect(self._emit)
        self._finish(self.edit)

    def value(self) -> str | None:
        text = self.edit.text()
        return text if text.strip() else None

    def set_value(self, value: Any) -> None:
        self.edit.setText(text_of(value))

    def focus_target(self) -> QWidget:
        return self.edit

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.edit.setReadOnly(read_only)


class NoteEditor(FindingEditor):
    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(finding, parent)
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(NOTE_HEIGHT)
        self.edit.setAccessibleName(finding.label)
        self._loading = False
        self.edit.textChanged.connect(self._typed)
        self._finish(self.edit)

    def _typed(self) -> None:
        if not self._loading:
            self.changed.emit()

    def value(self) -> str | None:
        text = self.edit.toPlainText()
        return text if text.strip() else None

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self.edit.setPlainText(text_of(value))
        finally:
            self._loading = False

    def focus_target(self) -> QWidget:
        return self.edit

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.edit.setReadOnly(read_only)

    def problem(self) -> str:
        length = len(self.edit.toPlainText())
        if length > NOTE_LIMIT:
            return f"This is {length} characters long; keep it to {NOTE_LIMIT}."
        return ""


def _fits_segments(choices: Sequence[tuple[str, str]]) -> bool:
    characters = sum(len(label) for _key, label in choices)
    return len(choices) <= SEGMENTED_CHOICE_COUNT and characters <= SEGMENTED_CHOICE_CHARACTERS


class ChoiceEditor(FindingEditor):
    """Short choice lists as segment buttons; longer ones as a drop-down list whose first
    entry is "Not recorded"."""

    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(finding, parent)
        self.segments: Segmented | None = None
        self.combo: QComboBox | None = None
        if _fits_segments(finding.choices):
            self.segments = Segmented(finding.choices, accessible_name=finding.label)
            self.segments.changed.connect(self._emit)
            self._finish(self.segments)
        else:
            self.combo = QComboBox()
            self.combo.setAccessibleName(finding.label)
            self.combo.addItem(NOT_RECORDED, None)
            for key, label in finding.choices:
                self.combo.addItem(label, key)
            self.combo.activated.connect(lambda _index: self._emit())
            self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(self.combo)
            line.addStretch(1)
            self._finish(row)

    def value(self) -> str | None:
        if self.segments is not None:
            return self.segments.value()
        assert self.combo is not None
        data = self.combo.currentData()
        return data if isinstance(data, str) else None

    def set_value(self, value: Any) -> None:
        if self.segments is not None:
            self.segments.set_value(value if isinstance(value, str) else None)
            return
        assert self.combo is not None
        index = self.combo.findData(value) if isinstance(value, str) else -1
        self.combo.setCurrentIndex(max(index, 0))

    def choose(self, key: str | None) -> None:
        """As the person would (the interpretation panel's "Use this classification")."""
        if self.read_only or key == self.value():
            return
        self.set_value(key)
        self.changed.emit()

    def focus_target(self) -> QWidget:
        return self.segments if self.segments is not None else cast(QWidget, self.combo)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        if self.segments is not None:
            self.segments.set_read_only(read_only)
        elif self.combo is not None:
            freeze(self.combo, read_only)


class ScoreEditor(FindingEditor):
    """0-10 and shorter scales as a row of number buttons; wider ranges as a number field."""

    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(finding, parent)
        self.segments: Segmented | None = None
        self.number: NumberField | None = None
        if finding.high - finding.low <= SEGMENTED_SCORE_RANGE:
            options = [(str(n), str(n)) for n in range(finding.low, finding.high + 1)]
            self.segments = Segmented(options, accessible_name=finding.label, compact=True)
            self.segments.changed.connect(self._emit)
            self._finish(self.segments)
        else:
            self.number = NumberField(finding.low, finding.high)
            self.number.setAccessibleName(finding.label)
            self.number.textEdited.connect(self._emit)
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(self.number)
            line.addWidget(QLabel(f"{finding.low}–{finding.high}"))
            line.addStretch(1)
            self._finish(row)

    def value(self) -> int | None:
        if self.segments is not None:
            chosen = self.segments.value()
            return int(chosen) if chosen is not None else None
        assert self.number is not None
        return self.number.value()

    def set_value(self, value: Any) -> None:
        number = whole_number(value)
        if self.segments is not None:
            self.segments.set_value(str(number) if number is not None else None)
        else:
            assert self.number is not None
            self.number.set_value(number)

    def focus_target(self) -> QWidget:
        return self.segments if self.segments is not None else cast(QWidget, self.number)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        if self.segments is not None:
            self.segments.set_read_only(read_only)
        elif self.number is not None:
            self.number.setReadOnly(read_only)

    def problem(self) -> str:
        return self.number.problem() if self.number is not None else ""


class YesNoEditor(FindingEditor):
    """Yes, no, or not checked (nothing chosen)."""

    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(finding, parent)
        self.segments = Segmented(YES_NO, accessible_name=finding.label)
        self.segments.changed.connect(self._emit)
        self._finish(self.segments)

    def value(self) -> bool | None:
        chosen = self.segments.value()
        return None if chosen is None else chosen == "yes"

    def set_value(self, value: Any) -> None:
        self.segments.set_value(("yes" if value else "no") if isinstance(value, bool) else None)

    def focus_target(self) -> QWidget:
        return self.segments

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.segments.set_read_only(read_only)


class ProvocationEditor(FindingEditor):
    """Positive / negative / not tested, and whether it reproduced the familiar pain (asked
    only of a positive test: only that counts towards the cluster)."""

    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(finding, parent)
        self.result = Segmented(TEST_RESULTS, accessible_name=finding.label)
        self.familiar = QCheckBox("Familiar pain")
        self.familiar.setAccessibleName(f"{finding.label}: reproduced the familiar pain")
        self.familiar.setToolTip("Tick when the test reproduced the patient's familiar pain.")
        self.familiar.setEnabled(False)
        self.result.changed.connect(self._result_changed)
        self.familiar.toggled.connect(lambda _on: self._emit())
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(12)
        self.result.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        line.addWidget(self.result)
        line.addWidget(self.familiar)
        line.addStretch(1)
        self._loading = False
        self._finish(row)

    def _result_changed(self) -> None:
        self._sync_familiar()
        self.changed.emit()

    def _sync_familiar(self) -> None:
        positive = self.result.value() == "positive"
        if not positive and self.familiar.isChecked():
            self.familiar.blockSignals(True)
            self.familiar.setChecked(False)
            self.familiar.blockSignals(False)
        self.familiar.setEnabled(positive)

    def _emit(self) -> None:
        if not self._loading:
            self.changed.emit()

    def value(self) -> dict[str, Any] | None:
        result = self.result.value()
        if result is None:
            return None
        return {"result": result, "familiar": result == "positive" and self.familiar.isChecked()}

    def set_value(self, value: Any) -> None:
        found = value if isinstance(value, dict) else {}
        result = found.get("result")
        self._loading = True
        try:
            self.result.set_value(result if isinstance(result, str) else None)
            self.familiar.setChecked(bool(found.get("familiar")) and result == "positive")
            self._sync_familiar()
        finally:
            self._loading = False

    def mark(self, result: str, familiar: bool) -> None:
        """As the person would: choose the result, then tick or clear the familiar pain."""
        self.result.choose(result)
        self.familiar.setChecked(familiar and result == "positive")

    def focus_target(self) -> QWidget:
        return self.result

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.result.set_read_only(read_only)
        freeze(self.familiar, read_only)


class RedFlagEditor(FindingEditor):
    """Yes or no, and for yes the action taken. Answering yes asks at once what was done
    (``ask``); declining the question puts back the answer given before (a slip of an arrow key
    must not turn a "no" into nothing)."""

    def __init__(self, finding: Finding, ask: AskReferral, parent: QWidget | None = None) -> None:
        super().__init__(finding, parent)
        self._ask = ask
        self.answer = Segmented(YES_NO, accessible_name=finding.label)
        self.action = QLineEdit()
        self.action.setMaxLength(TEXT_LIMIT * 2)
        self.action.setPlaceholderText("Action taken")
        self.action.setAccessibleName(f"{finding.label}: action taken")
        self.action.hide()
        self._previous: str | None = None  # the answer before the one being asked about
        self.answer.changed.connect(self._answered)
        self.action.textEdited.connect(self._emit)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(12)
        self.answer.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        line.addWidget(self.answer, 0, Qt.AlignmentFlag.AlignLeft)
        line.addWidget(self.action, 1)
        self._finish(row)

    def _answered(self) -> None:
        if self.answer.value() == "yes":
            action = self._ask(self.finding.label, self.finding.hint)
            if action is None or not action.strip():
                self.answer.set_value(self._previous)
                if self._previous != "yes":
                    self.action.clear()
            else:
                self.action.setText(action)
        else:
            self.action.clear()
        self._previous = self.answer.value()
        self.action.setVisible(self.answer.value() == "yes")
        self.changed.emit()

    def value(self) -> dict[str, Any] | None:
        chosen = self.answer.value()
        if chosen is None:
            return None
        return {"present": chosen == "yes", "action": self.action.text()}

    def set_value(self, value: Any) -> None:
        found = value if isinstance(value, dict) else {}
        present = found.get("present")
        self.answer.set_value(("yes" if present else "no") if isinstance(present, bool) else None)
        self._previous = self.answer.value()
        self.action.setText(text_of(found.get("action")))
        self.action.setVisible(present is True)

    def focus_target(self) -> QWidget:
        return self.answer

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.answer.set_read_only(read_only)
        self.action.setReadOnly(read_only)


class RegionsEditor(FindingEditor):
    """Where it hurts, on the body chart (regions in ``BODY_REGIONS`` order)."""

    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(finding, parent)
        self.chart = BodyChart()
        # Its words wrap, so a layout would size it by height-for-width (the words alone).
        self.chart.setMinimumSize(self.chart.sizeHint())
        self.chart.setAccessibleName(finding.label)
        self.chart.changed.connect(self._emit)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.chart)
        line.addStretch(1)
        self._finish(row)

    def value(self) -> list[str] | None:
        return self.chart.regions() or None

    def set_value(self, value: Any) -> None:
        keys = [k for k in value if isinstance(k, str)] if isinstance(value, list) else []
        self.chart.set_regions(keys)

    def focus_target(self) -> QWidget:
        return self.chart

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.chart.set_read_only(read_only)
