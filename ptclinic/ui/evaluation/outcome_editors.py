"""The outcome measures' editors: the Oswestry Disability Index entered section by section and
the Patient-Specific Functional Scale, each with its score as it is entered.

Only the ODI's section names and "0 = no difficulty … 5 = the most" are shown: the patient fills
in the published paper questionnaire, and the therapist enters each section's score.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QWidget

from ptclinic.services.errors import ValidationError
from ptclinic.services.evaluation_form import (
    ODI_SECTION_NAMES,
    ODI_SECTIONS,
    PSFS_ACTIVITIES,
    TEXT_LIMIT,
    Finding,
)
from ptclinic.services.outcomes import PsfsActivity, format_points, oswestry_percent, psfs_score
from ptclinic.ui.evaluation.editors import FindingEditor, text_of, whole_number
from ptclinic.ui.evaluation.widgets import Segmented


class OdiEditor(FindingEditor):
    """The ten Oswestry sections by name, each scored 0-5 from the patient's paper form, with
    the score and its band as they are entered."""

    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(finding, parent)
        panel = QWidget()
        grid = QGridLayout(panel)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        legend = QLabel(
            "Each section's score from the patient's form: 0 = no difficulty … 5 = the most."
        )
        legend.setObjectName("hint")
        legend.setWordWrap(True)
        grid.addWidget(legend, 0, 0, 1, 2)
        options = [(str(n), str(n)) for n in range(6)]
        self.sections: list[Segmented] = []
        for n, name in enumerate(ODI_SECTION_NAMES, start=1):
            caption = QLabel(f"{n}. {name}")
            segments = Segmented(options, accessible_name=f"Oswestry {n}: {name}", compact=True)
            caption.setBuddy(segments)
            segments.changed.connect(self._section_changed)
            grid.addWidget(caption, n, 0)
            grid.addWidget(segments, n, 1)
            self.sections.append(segments)
        self.score = QLabel()
        self.score.setObjectName("odiScore")
        grid.addWidget(self.score, ODI_SECTIONS + 1, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        self._finish(panel)
        self._show_score()

    def _section_changed(self) -> None:
        self._show_score()
        self.changed.emit()

    def answers(self) -> list[int | None]:
        return [int(v) if (v := s.value()) is not None else None for s in self.sections]

    def _show_score(self) -> None:
        answers = self.answers()
        answered = sum(a is not None for a in answers)
        if not answered:
            self.score.setText("Score: no section entered yet.")
            return
        try:
            score = oswestry_percent(answers)
        except ValidationError as exc:
            self.score.setText(str(exc))
            return
        text = score.text() if score is not None else "too few sections answered to score"
        self.score.setText(f"Score: {text}")

    def value(self) -> list[int | None] | None:
        answers = self.answers()
        return answers if any(a is not None for a in answers) else None

    def set_value(self, value: Any) -> None:
        answers = value if isinstance(value, list) and len(value) == ODI_SECTIONS else []
        for n, segments in enumerate(self.sections):
            number = whole_number(answers[n]) if answers else None
            segments.set_value(str(number) if number is not None else None)
        self._show_score()

    def focus_target(self) -> QWidget:
        return self.sections[0]

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        for segments in self.sections:
            segments.set_read_only(read_only)


class PsfsEditor(FindingEditor):
    """Up to five activities the patient finds hard, each rated 0 (unable) to 10 (as before)."""

    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(finding, parent)
        panel = QWidget()
        grid = QGridLayout(panel)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        legend = QLabel("0 = unable to do it … 10 = able to do it as before the problem.")
        legend.setObjectName("hint")
        legend.setWordWrap(True)
        grid.addWidget(legend, 0, 0, 1, 2)
        options = [(str(n), str(n)) for n in range(11)]
        self.activities: list[QLineEdit] = []
        self.scores: list[Segmented] = []
        for n in range(1, PSFS_ACTIVITIES + 1):
            activity = QLineEdit()
            activity.setMaxLength(TEXT_LIMIT)
            activity.setPlaceholderText(f"Activity {n}")
            activity.setAccessibleName(f"PSFS activity {n}")
            activity.setMinimumWidth(150)
            activity.textEdited.connect(self._changed)
            score = Segmented(options, accessible_name=f"PSFS activity {n} score", compact=True)
            score.changed.connect(self._changed)
            grid.addWidget(activity, n, 0)
            grid.addWidget(score, n, 1)
            self.activities.append(activity)
            self.scores.append(score)
        self.score = QLabel()
        self.score.setObjectName("psfsScore")
        grid.addWidget(self.score, PSFS_ACTIVITIES + 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        self._finish(panel)
        self._show_score()

    def _changed(self) -> None:
        self._show_score()
        self.changed.emit()

    def _show_score(self) -> None:
        rows = [
            PsfsActivity(item["activity"], item["score"])
            for item in self.value() or []
            if item["score"] is not None and item["activity"].strip()
        ]
        average = psfs_score(rows) if rows else None
        self.score.setText(
            f"Score: {format_points(average)}/10 (average of {len(rows)})"
            if average is not None
            else "Score: no activity rated yet."
        )

    def value(self) -> list[dict[str, Any]] | None:
        items = []
        for activity, score in zip(self.activities, self.scores, strict=True):
            chosen = score.value()
            if activity.text().strip() or chosen is not None:
                items.append(
                    {
                        "activity": activity.text(),
                        "score": int(chosen) if chosen is not None else None,
                    }
                )
        return items or None

    def set_value(self, value: Any) -> None:
        items = [i for i in value if isinstance(i, dict)] if isinstance(value, list) else []
        for n, (activity, score) in enumerate(zip(self.activities, self.scores, strict=True)):
            item = items[n] if n < len(items) else {}
            activity.setText(text_of(item.get("activity")))
            number = whole_number(item.get("score"))
            score.set_value(str(number) if number is not None else None)
        self._show_score()

    def focus_target(self) -> QWidget:
        return self.activities[0]

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        for activity, score in zip(self.activities, self.scores, strict=True):
            activity.setReadOnly(read_only)
            score.set_read_only(read_only)

    def problem(self) -> str:
        for n, item in enumerate(self.value() or [], start=1):
            if item["score"] is not None and not item["activity"].strip():
                return f"Activity {n} has a score but no name."
        return ""
