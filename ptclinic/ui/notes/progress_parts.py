"""What a progress note and a discharge summary add to a visit note: the outcome measures taken
again (the evaluation's own editors), each one's change since it was first measured with the
MCID verdict, the trend chart with today's scores on it as they are typed, each goal's status
and remark, and the updated plan (progress) or the reason for discharge and the home advice.

The scores, the comparison and the verdict are the services' (``outcomes``); the parts only
show them. ``content()`` gives the note's ``outcomes``, ``goals``, ``plan_update``,
``discharge_reason`` and ``home_advice`` parts as ``note_form`` keeps them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.care_goals import TERM_LABELS
from ptclinic.services.care_plans import PlanGoal
from ptclinic.services.day_text import day_text
from ptclinic.services.evaluation_form import TEXT_LIMIT, Finding, Kind
from ptclinic.services.note_form import DISCHARGE_REASONS, GOAL_STATUSES, TEXT_PARTS
from ptclinic.services.outcome_trend import MEASURE_ORDER, TrendPoint, value_text
from ptclinic.services.outcomes import Measure, compare
from ptclinic.ui.evaluation.editors import NoteEditor, ScoreEditor
from ptclinic.ui.evaluation.outcome_editors import OdiEditor, PsfsEditor
from ptclinic.ui.evaluation.widgets import freeze
from ptclinic.ui.notes.outcome_history import History, baselines, outcome_scores
from ptclinic.ui.notes.trend_chart_view import TrendChartView

PAIN_NOW = Finding("nprs", "Pain now (0–10)", Kind.SCORE, hint="0 is no pain, 10 the worst.")
ODI = Finding("odi", "Oswestry Disability Index", Kind.ODI)
PSFS = Finding("psfs", "Patient-Specific Functional Scale", Kind.PSFS)


def section_title(text: str) -> QLabel:
    title = QLabel(text)
    title.setObjectName("sectionTitle")
    return title


def error_line() -> QLabel:
    line = QLabel()
    line.setObjectName("fieldError")
    line.setWordWrap(True)
    line.hide()
    return line


def show_error(line: QLabel, text: str) -> None:
    line.setText("⚠ " + text if text else "")
    line.setVisible(bool(text))


def change_text(measure: Measure, first: TrendPoint | None, today: float | None) -> str:
    """One line: the change since the first score with its MCID verdict, marked ✓ (better by
    the MCID), ⚠ (worse by it) or • (neither), so it never rests on colour."""
    unit = "%" if measure is Measure.ODI else "/10"
    if first is None and today is None:
        return ""
    if first is None:
        assert today is not None
        return f"• {measure.label}: {value_text(measure, today)}{unit} today; no earlier score."
    since = f"{measure.label} since {day_text(first.taken_on)}"
    if today is None:
        then = f"{value_text(measure, first.score)}{unit}"
        return f"• {since}: {then} then; not measured again yet."
    change = compare(measure, first.score, today)
    mark = "✓" if change.meets_mcid else "⚠" if change.worse_by_mcid else "•"
    return f"{mark} {since}: {change.text()}"


class _GoalRow:
    """One goal: its words, its status (a list) and the therapist's remark."""

    def __init__(
        self, goal: PlanGoal, grid: QGridLayout, row: int, changed: Callable[[], None]
    ) -> None:
        self.goal = goal
        words = QLabel(
            f"{goal.text}<br><span style='color:#4a5a60'>"
            f"{TERM_LABELS.get(goal.term, goal.term)} · by {day_text(goal.target_date)}</span>"  # type: ignore[call-overload]
        )
        words.setWordWrap(True)
        self.status = QComboBox()
        for key, label in GOAL_STATUSES.items():
            self.status.addItem(label, key)
        self.status.setAccessibleName(f"Status of the goal: {goal.text}")
        self.note = QLineEdit()
        self.note.setMaxLength(TEXT_LIMIT)
        self.note.setPlaceholderText("Remark (optional)")
        self.note.setAccessibleName(f"Remark on the goal: {goal.text}")
        self.status.activated.connect(lambda _index: changed())
        self.note.textEdited.connect(lambda _text: changed())
        words.setBuddy(self.status)
        grid.addWidget(words, row, 0)
        grid.addWidget(self.status, row, 1)
        grid.addWidget(self.note, row, 2)

    def value(self) -> dict[str, str]:
        entry = {"status": str(self.status.currentData())}
        if self.note.text().strip():
            entry["note"] = self.note.text()
        return entry

    def set_value(self, entry: Mapping[str, Any] | None) -> None:
        status = (entry or {}).get("status") or self.goal.status
        self.status.setCurrentIndex(max(self.status.findData(status), 0))
        self.note.setText(str((entry or {}).get("note") or ""))

    def set_read_only(self, read_only: bool) -> None:
        freeze(self.status, read_only)
        self.note.setReadOnly(read_only)


class ProgressParts(QWidget):
    """The parts above for a note of ``kind`` ("progress" or "discharge") dated ``note_date``;
    ``goals`` are the plan's, ``history`` the scores it is compared with."""

    changed = Signal()

    def __init__(
        self,
        kind: str,
        goals: Sequence[PlanGoal],
        history: History,
        note_date: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind, self.history, self.note_date = kind, history, note_date
        self._first = baselines(history.points)
        self._other_goals: dict[str, Any] = {}  # goals no longer in the plan: kept as they were
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        box.addWidget(section_title("Outcome measures, taken again today"))
        self.outcomes_error = error_line()
        box.addWidget(self.outcomes_error)
        box.addLayout(self._measures())
        self.changes = QLabel()
        self.changes.setObjectName("outcomeChanges")
        self.changes.setWordWrap(True)
        box.addWidget(self.changes)
        self.chart = TrendChartView()
        box.addWidget(self.chart)
        box.addWidget(section_title("Goals"))
        self.goals_error = error_line()
        box.addWidget(self.goals_error)
        goal_grid = QGridLayout()
        goal_grid.setHorizontalSpacing(12)
        goal_grid.setVerticalSpacing(6)
        goal_grid.setColumnStretch(0, 3)
        goal_grid.setColumnStretch(2, 2)
        live = [goal for goal in goals if goal.status != "revised"]
        self.goal_rows = [_GoalRow(g, goal_grid, n, self.changed.emit) for n, g in enumerate(live)]
        if not live:
            goal_grid.addWidget(QLabel("The care plan has no goals to report on."), 0, 0)
        box.addLayout(goal_grid)
        self.plan_update: NoteEditor | None = None
        self.home_advice: NoteEditor | None = None
        self.reason: QComboBox | None = None
        self.reason_error = error_line()
        if kind == "discharge":
            box.addWidget(section_title("Discharge"))
            self.reason = QComboBox()
            self.reason.addItem("Choose the reason…", None)
            for key, label in DISCHARGE_REASONS.items():
                self.reason.addItem(label, key)
            self.reason.setAccessibleName("Reason for discharge")
            self.reason.activated.connect(self._reason_chosen)
            line = QHBoxLayout()
            caption = QLabel("&Reason for discharge")
            caption.setBuddy(self.reason)
            line.addWidget(caption)
            line.addWidget(self.reason)
            line.addStretch(1)
            box.addLayout(line)
            box.addWidget(self.reason_error)
            self.home_advice = self._text("home_advice", box)
        else:
            self.plan_update = self._text("plan_update", box)
        self.nprs.changed.connect(self._measured)
        self.odi.changed.connect(self._measured)
        self.psfs.changed.connect(self._measured)
        self._show_scores()

    def _measures(self) -> QHBoxLayout:
        self.nprs = ScoreEditor(PAIN_NOW)
        self.odi = OdiEditor(ODI)
        self.psfs = PsfsEditor(PSFS)
        self.use_intake = QPushButton("Use the intake's &activities")
        self.use_intake.setToolTip("Fill in the activities the patient named at intake")
        self.use_intake.setAutoDefault(False)
        self.use_intake.clicked.connect(self.fill_intake_activities)
        self.use_intake.setVisible(bool(self.history.intake_activities))
        left = QVBoxLayout()
        left.setSpacing(4)
        for caption, editor in (
            ("&Pain now (0–10)", self.nprs),
            ("Patient-Specific &Functional Scale", self.psfs),
        ):
            label = QLabel(caption)
            label.setObjectName("findingLabel")
            label.setBuddy(editor.focus_target())
            left.addWidget(label)
            left.addWidget(editor)
        left.addWidget(self.use_intake, 0, Qt.AlignmentFlag.AlignLeft)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(4)
        label = QLabel("&Oswestry Disability Index")
        label.setObjectName("findingLabel")
        label.setBuddy(self.odi.focus_target())
        right.addWidget(label)
        right.addWidget(self.odi)
        right.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(32)
        row.addLayout(left, 1)
        row.addLayout(right, 1)
        return row

    def _text(self, key: str, box: QVBoxLayout) -> NoteEditor:
        editor = NoteEditor(Finding(key, TEXT_PARTS[key], Kind.NOTE))
        editor.edit.setFixedHeight(84)
        box.addWidget(section_title(TEXT_PARTS[key]))
        box.addWidget(editor)
        editor.changed.connect(self.changed)
        return editor

    # --- values ---------------------------------------------------------------------------------

    def content(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        outcomes = {
            key: value
            for key, value in (
                ("odi", self.odi.value()),
                ("nprs", self.nprs.value()),
                ("psfs", self.psfs.value()),
            )
            if value is not None
        }
        if outcomes:
            found["outcomes"] = outcomes
        goals = dict(self._other_goals)
        goals.update({str(row.goal.id): row.value() for row in self.goal_rows})
        if goals:
            found["goals"] = goals
        if self.plan_update is not None and (text := self.plan_update.value()):
            found["plan_update"] = text
        if self.home_advice is not None and (text := self.home_advice.value()):
            found["home_advice"] = text
        if self.reason is not None and (reason := self.reason.currentData()):
            found["discharge_reason"] = reason
        return found

    def set_content(self, content: Mapping[str, Any]) -> None:
        outcomes = content.get("outcomes") or {}
        self.odi.set_value(outcomes.get("odi"))
        self.nprs.set_value(outcomes.get("nprs"))
        self.psfs.set_value(outcomes.get("psfs"))
        goals = dict(content.get("goals") or {})
        for row in self.goal_rows:
            row.set_value(goals.pop(str(row.goal.id), None))
        self._other_goals = goals
        if self.plan_update is not None:
            self.plan_update.set_value(content.get("plan_update"))
        if self.home_advice is not None:
            self.home_advice.set_value(content.get("home_advice"))
        if self.reason is not None:
            self.reason.setCurrentIndex(
                max(self.reason.findData(content.get("discharge_reason")), 0)
            )
        self._show_scores()

    def fill_intake_activities(self) -> None:
        """Put the intake's activities in the empty PSFS lines (the same activities are asked
        about again), as the person would."""
        if not self.psfs.activities[0].isEnabled() or self.psfs.activities[0].isReadOnly():
            return
        for line, activity in zip(
            self.psfs.activities, self.history.intake_activities, strict=False
        ):
            if not line.text().strip():
                line.setText(activity)
        self._measured()

    def set_read_only(self, read_only: bool) -> None:
        for editor in (self.nprs, self.odi, self.psfs, self.plan_update, self.home_advice):
            if editor is not None:
                editor.set_read_only(read_only)
        for row in self.goal_rows:
            row.set_read_only(read_only)
        if self.reason is not None:
            freeze(self.reason, read_only)
        self.use_intake.setVisible(bool(self.history.intake_activities) and not read_only)

    def first_field(self) -> QWidget:
        return self.nprs.focus_target()

    def field_for(self, key: str) -> QWidget | None:
        """The field a signing or saving problem names, or None when it is not one of these."""
        part = key.partition(".")[0]
        if part == "outcomes":
            return self.nprs.focus_target()
        if part == "goals":
            return self.goal_rows[0].status if self.goal_rows else None
        if part == "discharge_reason":
            return self.reason
        editor = {"plan_update": self.plan_update, "home_advice": self.home_advice}.get(part)
        return editor.focus_target() if editor is not None else None

    def show_errors(self, errors: Mapping[str, str]) -> set[str]:
        """Show the messages that belong here; returns the keys it showed."""
        shown: set[str] = set()
        places = {"outcomes": self.outcomes_error, "goals": self.goals_error,
                  "discharge_reason": self.reason_error}  # fmt: skip
        for part, line in places.items():
            message = errors.get(part, "")
            show_error(line, message)
            if message:
                shown.add(part)
        for part, editor in (("plan_update", self.plan_update), ("home_advice", self.home_advice)):
            if editor is not None:
                editor.show_error(errors.get(part, ""))
                if part in errors:
                    shown.add(part)
        return shown

    # --- scores ---------------------------------------------------------------------------------

    def _measured(self) -> None:
        self._show_scores()
        show_error(self.outcomes_error, "")
        self.changed.emit()

    def _reason_chosen(self) -> None:
        show_error(self.reason_error, "")
        self.changed.emit()

    def today_scores(self) -> dict[Measure, float]:
        return outcome_scores(self.content().get("outcomes") or {})

    def _show_scores(self) -> None:
        today = self.today_scores()
        lines = [change_text(m, self._first.get(m), today.get(m)) for m in MEASURE_ORDER]
        self.changes.setText("\n".join(line for line in lines if line))
        self.changes.setVisible(any(lines))
        points = list(self.history.points)
        points += [TrendPoint(m.value, self.note_date, score) for m, score in today.items()]
        self.chart.set_points(points)
