"""What the findings say, as the therapist types: the services' interpretation, shown live.

The panel shows ``interpret(content, age=…).summary_lines()`` in order: warnings (red flags, a
lumbar picture, the inflammatory screen) in red with their ⚠ mark, the SI cluster with the rule
and its numbers in the tooltip, the scores, and the proposed classification with its reasons and
a button that takes it into the assessment. It computes in memory only (no database), so it
can run on every change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.errors import ValidationError
from ptclinic.services.evaluation import RULE_TEXT, Interpretation, interpret
from ptclinic.services.evaluation_form import CLASSIFICATION_LABELS, recorded, validate_content

WARNING_MARK = "⚠"
PANEL_WIDTH = 270


def interpretable(content: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``content`` as ``interpret`` takes it: what the form accepts, leaving out whatever is not
    yet right on screen (a PSFS score without its activity) instead of failing on it."""
    current: dict[str, dict[str, Any]] = {
        key: dict(values) for key, values in content.items() if isinstance(values, Mapping)
    }
    for _attempt in range(3):
        try:
            return validate_content(current)
        except ValidationError as exc:
            for name in exc.field_errors:
                section, _, finding = name.partition(".")
                if finding:
                    current.get(section, {}).pop(finding, None)
                else:
                    current.pop(section, None)
    return {}


def interpretation_of(content: Mapping[str, Any], age: int) -> Interpretation:
    cleaned = interpretable(content)
    try:
        return interpret(cleaned, age=age)
    except ValidationError:  # an outcome measure not yet complete enough to score
        cleaned.pop("outcomes", None)
        return interpret(cleaned, age=age)


class InterpretationPanel(QFrame):
    """``use_classification(key)`` when the person takes the proposed classification."""

    use_classification = Signal(str)

    def __init__(self, age: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("interpretationPanel")
        self.setFixedWidth(PANEL_WIDTH)
        self._age = age
        self._read_only = False
        self.interpretation: Interpretation | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        title = QLabel("What the findings say")
        title.setObjectName("sectionTitle")
        title.setContentsMargins(14, 4, 14, 4)
        outer.addWidget(title)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("interpretationBody")
        self._lines_box = QVBoxLayout()
        self._lines_box.setSpacing(8)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 4, 14, 14)
        layout.setSpacing(10)
        layout.addLayout(self._lines_box)
        self.use_button = QPushButton("Use this c&lassification")
        self.use_button.setToolTip("Take the suggested classification into the assessment (Alt+L)")
        self.use_button.setAutoDefault(False)
        self.use_button.clicked.connect(self._use)
        layout.addWidget(self.use_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.chosen = QLabel()
        self.chosen.setObjectName("hint")
        self.chosen.setWordWrap(True)
        layout.addWidget(self.chosen)
        layout.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.labels: list[QLabel] = []
        self.cluster_label: QLabel | None = None
        self.proposal_label: QLabel | None = None

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._update_button(None)

    def show_content(self, content: Mapping[str, Any]) -> None:
        """Interpret ``content`` (as on screen) and show what it says."""
        self.interpretation = report = interpretation_of(content, self._age)
        while self._lines_box.count():
            item = self._lines_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.labels = []
        cluster_line = "SI provocation cluster: " + report.cluster.text()
        proposal_line = report.proposal.text()
        for line in report.summary_lines():
            label = QLabel(line)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if line.startswith(WARNING_MARK):
                label.setObjectName("interpretationWarning")
            if line == cluster_line:
                label.setObjectName("interpretationCluster")
                label.setToolTip(RULE_TEXT)
                label.setCursor(Qt.CursorShape.WhatsThisCursor)
                self.cluster_label = label
            if line == proposal_line:
                label.setObjectName("interpretationProposal")
                self.proposal_label = label
            self._lines_box.addWidget(label)
            self.labels.append(label)
        chosen = recorded(content, "assessment", "classification")
        self._update_button(chosen if isinstance(chosen, str) else None)

    def _update_button(self, chosen: str | None) -> None:
        report = self.interpretation
        proposed = report.proposal.classification if report is not None else None
        self.use_button.setVisible(
            proposed is not None and proposed != chosen and not self._read_only
        )
        if chosen:
            words = f"Chosen in the assessment: {CLASSIFICATION_LABELS.get(chosen, chosen)}."
            if proposed is not None and chosen != proposed:
                words += " It differs from the suggestion: give the reason in the assessment."
            self.chosen.setText(words)
            self.chosen.show()
        else:
            self.chosen.hide()

    def _use(self) -> None:
        report = self.interpretation
        if report is not None and report.proposal.classification is not None:
            self.use_classification.emit(report.proposal.classification)

    def lines(self) -> list[str]:
        return [label.text() for label in self.labels]
