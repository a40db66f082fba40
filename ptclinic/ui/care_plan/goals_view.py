"""The plan's goals: a table (term, goal, target date, status) and the dialog for a new goal,
which offers the measurable kinds (Oswestry down by, pain at most, a PSFS activity at least) or
a goal in words."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from ptclinic.services.care_goals import STATUS_LABELS, TERM_LABELS, GoalInput, goal_words
from ptclinic.services.care_plans import PlanGoal
from ptclinic.services.day_text import day_text
from ptclinic.ui.admin.common import Column, RecordTableModel
from ptclinic.ui.care_plan.item_dialogs import AskDialog
from ptclinic.ui.date_field import DateField, from_qdate, to_qdate

# The measurable kinds a goal can take, with a sensible starting target.
GOAL_KINDS: tuple[tuple[str, str | None, str | None, float], ...] = (
    ("In words only", None, None, 0.0),
    ("Oswestry score down by at least … points", "odi", "drop_by", 10.0),
    ("Oswestry score at most …%", "odi", "at_most", 20.0),
    ("Pain down by at least … points", "nprs", "drop_by", 2.0),
    ("Pain at most …/10", "nprs", "at_most", 3.0),
    ("A PSFS activity at least …/10", "psfs", "at_least", 7.0),
)

GOAL_COLUMNS: tuple[Column[PlanGoal], ...] = (
    Column("Term", lambda g: TERM_LABELS.get(g.term, g.term)),  # type: ignore[call-overload]
    Column("Goal", lambda g: g.text),
    Column("By", lambda g: day_text(g.target_date)),
    Column("Status", lambda g: STATUS_LABELS.get(g.status, g.status)),  # type: ignore[call-overload]
)


def goals_model(parent: QWidget | None = None) -> RecordTableModel[PlanGoal]:
    return RecordTableModel(GOAL_COLUMNS, parent)


class GoalDialog(AskDialog):
    """A new goal for a plan that starts on ``start``; ``goal()`` is what was chosen."""

    def __init__(self, start: date, psfs_activity: str = "", parent: QWidget | None = None) -> None:
        super().__init__("Add a goal", parent=parent)
        self.term = QComboBox()
        for key, label in TERM_LABELS.items():
            self.term.addItem(label, key.value)
        self.term.setCurrentIndex(1)
        self.kind = QComboBox()
        for label, *_rest in GOAL_KINDS:
            self.kind.addItem(label)
        self.target = QDoubleSpinBox()
        self.target.setDecimals(0)
        self.target.setRange(0, 100)
        self.activity = QLineEdit(psfs_activity)
        self.activity.setPlaceholderText("as the patient chose it, e.g. Sitting 1 hour")
        self.text = QLineEdit()
        self.text.setPlaceholderText("Left empty, the goal is said from the measure")
        self.when = DateField(to_qdate(start + timedelta(weeks=6)))
        self.preview = QLabel()
        self.preview.setObjectName("hint")
        self.preview.setWordWrap(True)
        for name, label, field in (
            ("term", "&Term", self.term),
            ("measure", "&Kind", self.kind),
            ("target", "Ta&rget", self.target),
            ("activity", "&Activity", self.activity),
            ("text", "&Words", self.text),
            ("target_date", "&By", self.when),
        ):
            self.errors.add_row(name, label, field)
        self.form.addRow(self.preview)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for signal in (self.target.valueChanged, self.activity.textChanged, self.text.textChanged):
            signal.connect(lambda *_a: self._preview())
        self.kind.setCurrentIndex(1)
        self._kind_changed()

    def _kind_changed(self) -> None:
        _label, measure, _rule, target = GOAL_KINDS[self.kind.currentIndex()]
        self.target.setEnabled(measure is not None)
        self.target.setMaximum(100 if measure == "odi" else 10)
        self.target.setValue(target)
        self.activity.setEnabled(measure == "psfs")
        self._preview()

    def _preview(self) -> None:
        _label, measure, rule, _target = GOAL_KINDS[self.kind.currentIndex()]
        said = self.text.text().strip() or goal_words(
            measure, rule, self.target.value() if measure else None, self.activity.text().strip()
        )
        self.preview.setText(f"The goal reads: {said}" if said else "Write the goal in words.")

    def goal(self) -> GoalInput:
        _label, measure, rule, _target = GOAL_KINDS[self.kind.currentIndex()]
        return GoalInput(
            term=str(self.term.currentData()),
            text=self.text.text(),
            target_date=from_qdate(self.when.date()),
            measure=measure,
            rule=rule,
            target=self.target.value() if measure else None,
            activity=self.activity.text() if measure == "psfs" else "",
        )


def status_choices() -> list[tuple[str, str]]:
    return [(label, key.value) for key, label in STATUS_LABELS.items()]
