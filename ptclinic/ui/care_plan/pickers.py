"""Choosing what to add to a care plan: an exercise from the library (search and filters, with
a preview), a technique from the catalogue (its contraindications and precautions shown, and
confirmed, before it is added), or a line of advice.

The dialogs only choose; the care-plan window adds through the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.exercise_library import (
    CATEGORY_LABELS,
    STAGE_LABELS,
    Exercise,
    filter_exercises,
)
from ptclinic.services.techniques import (
    Grade,
    ManualTechnique,
    Technique,
    grade_meanings,
    is_muscle_energy,
    manual_techniques,
    muscle_energy_techniques,
)

_NAVIGATION = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}


def _detail() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setMinimumWidth(320)
    return label


def _bullets(lines: Sequence[str]) -> str:
    return (
        "<ul style='margin-left:-20px'>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>"
    )


class _ListDialog(QDialog):
    """A search box over a list, with a details pane; Up/Down move the list from the box."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(860, 560)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        self.search.setMinimumWidth(240)
        self.list = QListWidget()
        self.list.setMinimumWidth(300)  # names whole, not cut to a few letters
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the search box
        self.preview = _detail()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Add to the plan")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.list.currentRowChanged.connect(lambda _row: self._show_current())
        self.search.textChanged.connect(lambda _text: self._refill())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in _NAVIGATION
        ):
            self.list.keyPressEvent(event)
            return True
        return super().eventFilter(watched, event)

    def _refill(self) -> None:
        raise NotImplementedError

    def _show_current(self) -> None:
        raise NotImplementedError


class ExercisePicker(_ListDialog):
    """An exercise from ``library`` not already in the plan (``taken``), suited to the plan's
    classification unless "all" is chosen. ``chosen()`` is the exercise."""

    def __init__(
        self,
        library: Sequence[Exercise],
        classification: str,
        taken: set[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Add an exercise", parent)
        self._library = [e for e in library if e.code not in taken]
        self._classification = classification
        self.search.setPlaceholderText("Name or code, e.g. bridge, clam, SB-")
        self.category = QComboBox()
        self.category.addItem("All categories", None)
        for category, label in CATEGORY_LABELS.items():
            self.category.addItem(label, category)
        self.stage = QComboBox()
        self.stage.addItem("All stages", None)
        for stage, stage_label in STAGE_LABELS.items():
            self.stage.addItem(stage_label, stage)
        self.suited = QCheckBox("&Suited to this plan's classification only")
        self.suited.setChecked(True)
        self.count = QLabel()
        self.count.setObjectName("hint")
        for box in (self.category, self.stage):
            box.currentIndexChanged.connect(lambda _i: self._refill())
        self.suited.toggled.connect(lambda _on: self._refill())

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        filters.addWidget(self.category, 1)
        filters.addWidget(self.stage, 1)
        left = QVBoxLayout()
        left.addLayout(filters)
        left.addWidget(self.suited)
        left.addWidget(self.list, 1)
        left.addWidget(self.count)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addWidget(self.preview, 2)
        outer = QVBoxLayout(self)
        outer.addLayout(body, 1)
        outer.addWidget(self.buttons)
        self._refill()
        self.search.setFocus()

    def _refill(self) -> None:
        found = filter_exercises(
            self._library,
            category=self.category.currentData(),
            stage=self.stage.currentData(),
            indication=self._classification if self.suited.isChecked() else None,  # type: ignore[arg-type]
            text=self.search.text(),
        )
        self.list.clear()
        for exercise in found:
            item = QListWidgetItem(
                f"{exercise.name}  ·  stage {exercise.stage}  ·  {exercise.code}"
            )
            item.setData(Qt.ItemDataRole.UserRole, exercise.code)
            self.list.addItem(item)
        self.count.setText(f"{len(found)} exercise{'' if len(found) == 1 else 's'}")
        self.list.setCurrentRow(0 if found else -1)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(found))
        self._show_current()

    def chosen(self) -> Exercise | None:
        if self.list.currentRow() < 0:
            return None
        code = self.list.currentItem().data(Qt.ItemDataRole.UserRole)
        return next(e for e in self._library if e.code == code)

    def _show_current(self) -> None:
        exercise = self.chosen()
        if exercise is None:
            self.preview.setText("<i>No exercise matches. Clear the search or the filters.</i>")
            return
        self.preview.setText(
            f"<b>{escape(exercise.name)}</b><br>“{escape(exercise.plain_name)}”<br>"
            f"{escape(CATEGORY_LABELS[exercise.category])} · {escape(STAGE_LABELS[exercise.stage])}"
            f"<p>{escape(exercise.purpose)}</p>"
            f"<p><b>Starts at:</b> {escape(exercise.dosage_words())}</p>"
            f"<b>Cautions</b>{_bullets(exercise.cautions)}"
        )


class TechniquePicker(_ListDialog):
    """A manual or muscle energy technique: its contraindications and precautions are shown,
    and confirmed, before it can be added; a graded one asks for the grade, a sided one the
    side. ``chosen()`` is the technique; ``details()`` what the plan item records."""

    def __init__(
        self, taken: set[str], classification: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__("Add a technique", parent)
        # A stability plan starts gentle (grades I-II, as the catalogue's precautions say); a
        # stiff joint at grade III.
        self._usual_grade = "II" if classification == "stability" else "III"
        everything: list[Technique] = [*manual_techniques(), *muscle_energy_techniques()]
        self._techniques = [t for t in everything if t.code not in taken]
        self.search.setPlaceholderText("Name or target, e.g. SI joint, piriformis, upslip")
        self.grade = QComboBox()
        self.grade.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.grade.setMinimumContentsLength(24)
        self.side = QComboBox()
        for label, value in (("Not stated", ""), ("Left", "left"), ("Right", "right"),
                             ("Both", "both")):  # fmt: skip
            self.side.addItem(label, value)
        self.checked = QCheckBox(
            "I have checked the contraindications and &precautions for this patient"
        )
        self.checked.toggled.connect(lambda _on: self._allow())
        options = QFormLayout()
        options.addRow("&Grade", self.grade)
        options.addRow("Si&de", self.side)
        left = QVBoxLayout()
        left.addWidget(self.search)
        left.addWidget(self.list, 1)
        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        right.addLayout(options)
        right.addWidget(self.checked)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        outer = QVBoxLayout(self)
        outer.addLayout(body, 1)
        outer.addWidget(self.buttons)
        self._refill()
        self.search.setFocus()

    def _refill(self) -> None:
        words = self.search.text().lower().split()
        found = [
            t for t in self._techniques
            if all(w in f"{t.name} {t.code} {getattr(t, 'target', '')}".lower() for w in words)
        ]  # fmt: skip
        self.list.clear()
        for technique in found:
            kind = "MET" if is_muscle_energy(technique) else "Manual"
            item = QListWidgetItem(f"{technique.name}  ·  {kind}")
            item.setData(Qt.ItemDataRole.UserRole, technique.code)
            self.list.addItem(item)
        self.list.setCurrentRow(0 if found else -1)
        self._show_current()

    def chosen(self) -> Technique | None:
        if self.list.currentRow() < 0:
            return None
        code = self.list.currentItem().data(Qt.ItemDataRole.UserRole)
        return next(t for t in self._techniques if t.code == code)

    def details(self) -> dict[str, str]:
        chosen: dict[str, str] = {}
        if self.grade.isEnabled() and self.grade.currentData():
            chosen["grade"] = str(self.grade.currentData())
        if self.side.currentData():
            chosen["side"] = str(self.side.currentData())
        return chosen

    def _show_current(self) -> None:
        technique = self.chosen()
        self.checked.setChecked(False)  # each technique is checked on its own
        self.grade.clear()
        if technique is None:
            self.preview.setText("<i>No technique matches the search.</i>")
            self.grade.setEnabled(False)
            self._allow()
            return
        grades: tuple[Grade, ...] = ()
        if isinstance(technique, ManualTechnique):
            body = f"<p>{escape(technique.description)}</p>"
            grades = technique.grades
        else:
            body = (
                f"<p><b>Target:</b> {escape(technique.target)}<br>"
                f"<b>Patient:</b> {escape(technique.patient_position)}<br>"
                f"<b>Setup:</b> {escape(technique.therapist_setup)}<br>"
                f"<b>Contraction:</b> {escape(technique.contraction)}, hold "
                f"{technique.hold_seconds} s, relax {technique.relax_seconds} s, "
                f"{technique.repetitions} times<br>"
                f"<b>Re-engage:</b> {escape(technique.re_engage)}</p>"
            )
        meanings = grade_meanings()
        for grade in grades:
            self.grade.addItem(f"Grade {grade}: {meanings[grade]}", grade)
        usual = self.grade.findData(self._usual_grade)
        if usual >= 0:
            self.grade.setCurrentIndex(usual)
        self.grade.setEnabled(bool(grades))
        self.preview.setText(
            f"<b>{escape(technique.name)}</b>{body}"
            f"<p style='color:#a32020'><b>⚠ Do not use if</b></p>"
            f"{_bullets(technique.contraindications)}"
            f"<p><b>Use with care if</b></p>{_bullets(technique.precautions)}"
        )
        self._allow()

    def _allow(self) -> None:
        ok = self.chosen() is not None and self.checked.isChecked()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


class AdviceDialog(QDialog):
    """A line of education; ``on_home`` puts it on the handout's tips."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add advice")
        self.text = QLineEdit()
        self.text.setPlaceholderText("e.g. Sleep on your side with a pillow between your knees.")
        self.text.setMinimumWidth(520)
        self.on_home = QCheckBox("Put it on the &home program handout")
        self.on_home.setChecked(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Advice", self.text)
        form.addRow(self.on_home)
        form.addRow(buttons)
