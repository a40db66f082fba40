"""Small dialogs for one care-plan item: its dosage, progressing it (with what the therapist saw,
against its criteria), stepping it back (with a reason), and its progression criteria.

Each dialog only collects; the care-plan window calls the service and, on a ValidationError,
shows the messages beside the fields (``show_errors``) and keeps the dialog open.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.care_plan_catalogue import ProgressCheck, ProgressCriteria
from ptclinic.services.care_plans import PlanItem
from ptclinic.services.errors import ValidationError
from ptclinic.ui.forms import FieldErrors


def _spin(low: int, high: int, value: int, suffix: str = "", special: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    if suffix:
        box.setSuffix(suffix)
    if special:
        box.setSpecialValueText(special)  # shown at the lowest value: "not used"
    return box


class AskDialog(QDialog):
    """A titled form (``form``, its ``errors`` beside each row) with OK/Cancel, and a line for
    messages no row shows; ``heading`` says what it is about."""

    def __init__(self, title: str, heading: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        outer = QVBoxLayout(self)
        if heading:
            label = QLabel(heading)
            label.setObjectName("sectionTitle")
            outer.addWidget(label)
        self.form = QFormLayout()
        self.errors = FieldErrors(self.form)
        outer.addLayout(self.form)
        self.problem = QLabel()
        self.problem.setObjectName("formError")
        self.problem.setWordWrap(True)
        self.problem.hide()
        outer.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

    def show_errors(self, error: ValidationError) -> None:
        self.problem.hide()
        rest = self.errors.show(error)
        self.problem.setText("⚠ " + " ".join(rest))
        self.problem.setVisible(bool(rest))


class ItemDialog(AskDialog):
    """A dialog about one plan item, headed by its name."""

    def __init__(self, title: str, item: PlanItem, parent: QWidget | None = None) -> None:
        super().__init__(title, item.name, parent)
        self.item = item


class DosageDialog(ItemDialog):
    """Sets, repetitions, hold, each side, times a day and days a week; or minutes."""

    def __init__(self, item: PlanItem, parent: QWidget | None = None) -> None:
        super().__init__("Dosage", item, parent)
        d = item.dosage
        self.timed = QRadioButton("&Minutes (walking, cycling, swimming)")
        self.counted = QRadioButton("&Repetitions")
        (self.timed if d.get("minutes") else self.counted).setChecked(True)
        self.sets = _spin(0, 10, int(d.get("sets", 0)), special="—")
        self.reps = _spin(0, 50, int(d.get("reps", 0)), special="—")
        self.hold = _spin(0, 120, int(d.get("hold_seconds", 0)), " s", special="no hold")
        self.per_side = QCheckBox("On &each side")
        self.per_side.setChecked(bool(d.get("per_side", False)))
        self.minutes = _spin(0, 180, int(d.get("minutes", 0)), " min", special="—")
        self.per_day = _spin(0, 6, int(d.get("per_day", 0)), "× a day", special="—")
        self.days = _spin(0, 7, int(d.get("days_per_week", 0)), " days a week", special="—")
        rows: list[tuple[str, str, QWidget]] = [
            ("kind", "", self.counted), ("sets", "&Sets", self.sets), ("reps", "Re&petitions",
            self.reps), ("hold_seconds", "&Hold", self.hold), ("per_side", "", self.per_side),
            ("timed", "", self.timed), ("minutes", "M&inutes", self.minutes),
            ("per_day", "Times a &day", self.per_day), ("days_per_week", "Days a &week",
            self.days),
        ]  # fmt: skip
        for name, label, field in rows:
            self.errors.add_row(name, label, field)
        for toggle in (self.timed, self.counted):
            toggle.toggled.connect(self._mode)
        self._mode()

    def _mode(self) -> None:
        timed = self.timed.isChecked()
        for field in (self.sets, self.reps, self.hold, self.per_side):
            field.setEnabled(not timed)
        self.minutes.setEnabled(timed)

    def dosage(self) -> dict[str, Any]:
        """The dosage as the service takes it: fields left at "—" are left out."""
        chosen: dict[str, Any] = {}
        if self.timed.isChecked():
            chosen["minutes"] = self.minutes.value()
        else:
            for key, box in (("sets", self.sets), ("reps", self.reps), ("hold_seconds", self.hold)):
                if box.value():
                    chosen[key] = box.value()
            if self.per_side.isChecked():
                chosen["per_side"] = True
        for key, box in (("per_day", self.per_day), ("days_per_week", self.days)):
            if box.value():
                chosen[key] = box.value()
        return chosen


class ProgressDialog(ItemDialog):
    """What the therapist saw, compared by the service with the item's criteria."""

    def __init__(self, item: PlanItem, next_name: str, parent: QWidget | None = None) -> None:
        super().__init__("Progress the exercise", item, parent)
        criteria = item.criteria or ProgressCriteria()
        wanted = QLabel(f"Moves on to {next_name} when: {criteria.words()}.")
        wanted.setWordWrap(True)
        wanted.setObjectName("hint")
        self.form.addRow(wanted)
        # Nothing filled in for the therapist: an OK without looking must not pass the criteria.
        self.pain = _spin(-1, 10, -1, "/10", special="— not entered")
        self.flare = QCheckBox("It &flared the next day")
        self.sessions = _spin(0, 10, 0, " session(s)")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. Bridges easily with good control")
        for name, label, field in (
            ("pain_during", "&Pain during it", self.pain),
            ("flare_next_day", "", self.flare),
            ("good_form_sessions", "&Good form for", self.sessions),
            ("reason", "&Note", self.reason),
        ):
            self.errors.add_row(name, label, field)
        self.pain.setFocus()

    def check(self) -> ProgressCheck:
        return ProgressCheck(self.pain.value(), self.flare.isChecked(), self.sessions.value())


class ReasonDialog(ItemDialog):
    """Why the exercise steps back to the one before it."""

    def __init__(self, item: PlanItem, previous_name: str, parent: QWidget | None = None) -> None:
        super().__init__("Step the exercise back", item, parent)
        said = QLabel(f"Back to {previous_name}.")
        said.setObjectName("hint")
        self.form.addRow(said)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. Pain rose to 6/10 after the last session")
        self.errors.add_row("reason", "&Why", self.reason)
        self.reason.setFocus()


class CriteriaDialog(ItemDialog):
    """When this exercise may move on to the next one."""

    def __init__(self, item: PlanItem, parent: QWidget | None = None) -> None:
        super().__init__("Criteria for progressing", item, parent)
        criteria = item.criteria or ProgressCriteria()
        self.pain = _spin(0, 10, criteria.pain_at_most, "/10")
        self.no_flare = QCheckBox("No &flare the next day")
        self.no_flare.setChecked(criteria.no_flare)
        self.sessions = _spin(0, 10, criteria.good_form_sessions, " sessions")
        self.note = QLineEdit(criteria.note)
        self.note.setPlaceholderText("anything else, e.g. holds 10 s without shaking")
        for name, label, field in (
            ("pain_at_most", "&Pain during it at most", self.pain),
            ("no_flare", "", self.no_flare),
            ("good_form_sessions", "&Good form for", self.sessions),
            ("note", "&Also", self.note),
        ):
            self.errors.add_row(name, label, field)

    def details(self) -> dict[str, Any]:
        return {
            "criteria": {
                "pain_at_most": self.pain.value(),
                "no_flare": self.no_flare.isChecked(),
                "good_form_sessions": self.sessions.value(),
                "note": self.note.text(),
            }
        }
