"""One exercise in full, as the library page's right-hand pane shows it: its figure (start →
end), the patient's name and the clinical one, what it is for, the steps numbered, the cautions,
the default dosage in the patient's words, what it suits, its family (the one shown marked; a
click goes to another) and whether it was shipped or is the clinic's own.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.clinic_exercises import OwnExercise
from ptclinic.services.day_text import day_text
from ptclinic.services.dosage import dosage_summary
from ptclinic.services.exercise_library import (
    CATEGORY_LABELS,
    INDICATION_LABELS,
    STAGE_LABELS,
    Exercise,
    progression_chain,
)
from ptclinic.ui.exercises.figure_view import FigureView

SHIPPED = "Shipped with PT Clinic"
NO_FAMILY = "Not part of a family: nothing easier or harder is linked to it."
FIGURE_HEIGHT = 190
FIGURE_DELAY_MS = 90
NON_BREAKING_HYPHEN = "\u2011"


def _label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _numbered(lines: Sequence[str], mark: str = "") -> str:
    """Lines as a rich-text table: the number (or ``mark``) hangs to the left of each."""
    rows = "".join(
        f'<tr><td style="padding-right:8px"><b>{html.escape(mark or f"{n}.")}</b></td>'
        f'<td style="padding-bottom:4px">{html.escape(line)}</td></tr>'
        for n, line in enumerate(lines, start=1)
    )
    return f'<table cellspacing="0" cellpadding="0">{rows}</table>'


# --- the figure: the one place where the exercise's picture plugs in ---------------------------
# ``figure_view.FigureView`` paints the start and end figures (the grey "No picture" one for an
# exercise without a figure, as the clinic's own). Building a figure the first time takes up to
# ~0.15 s, so it waits for the choice to settle: holding ↓ through the list builds only the last.


class FigureSlot(QFrame):
    """Where the exercise's figure (start → end) is shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exerciseFigure")
        self.setFixedHeight(FIGURE_HEIGHT)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 8, 8, 4)
        self.view = FigureView(None)
        box.addWidget(self.view)
        self.code: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FIGURE_DELAY_MS)
        self._timer.timeout.connect(self._paint)

    def show_exercise(self, found: Exercise | None) -> None:
        self.code = found.code if found is not None else None
        self.view.set_code(None)  # blank at once: never the previous exercise's picture
        self._timer.start()

    def _paint(self) -> None:
        self.view.set_code(self.code)


# -------------------------------------------------------------------------------------------------


class ExerciseDetail(QWidget):
    """``show_exercise(found, library, own)``; ``chosen(code)`` when a family member is
    clicked. ``own`` (the clinic's exercise as stored) says who added it."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.exercise: Exercise | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(4)

        self.header = QFrame()
        self.header.setObjectName("chartHeader")
        identity = QVBoxLayout(self.header)
        identity.setContentsMargins(14, 10, 14, 10)
        identity.setSpacing(2)
        self.plain_name = _label(name="chartName")
        self.name = _label(name="chartIds")
        self.kind = _label(name="chartIds")
        self.source = _label(name="chartIds")
        for label in (self.plain_name, self.name, self.kind, self.source):
            identity.addWidget(label)
        layout.addWidget(self.header)
        self.retired_note = _label(name="formNotice")
        self.retired_note.hide()
        layout.addWidget(self.retired_note)

        self.figure = FigureSlot()
        layout.addWidget(self.figure)

        self.purpose = _label()
        self.steps = _label()
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.cautions = _label()
        self.cautions.setTextFormat(Qt.TextFormat.RichText)
        self.dosage = _label()
        self.shorthand = _label(name="hint")
        self.suits = _label()
        for title, widgets in (
            ("What it is for", (self.purpose,)),
            ("Steps", (self.steps,)),
            ("Cautions", (self.cautions,)),
            ("How much", (self.dosage, self.shorthand)),
            ("Suits", (self.suits,)),
        ):
            layout.addWidget(_label(title, "sectionTitle"))
            for widget in widgets:
                layout.addWidget(widget)
        layout.addWidget(_label("Family", "sectionTitle"))
        self.family_box = QVBoxLayout()
        self.family_box.setSpacing(2)
        layout.addLayout(self.family_box)
        self.family_buttons: list[QPushButton] = []
        layout.addStretch(1)

    def show_exercise(
        self, found: Exercise, library: Sequence[Exercise], own: OwnExercise | None = None
    ) -> None:
        self.exercise = found
        self.plain_name.setText(found.plain_name)
        code = found.code.replace("-", NON_BREAKING_HYPHEN)  # a code never breaks at its hyphens
        self.name.setText(f"{found.name}\u2003·\u2003{code}")
        self.kind.setText(
            f"{CATEGORY_LABELS[found.category]}\u2003·\u2003{STAGE_LABELS[found.stage]}"
        )
        self.source.setText(self._source(found, own))
        self.retired_note.setText(
            "⚠ Retired: no longer offered for new plans. Plans that use it keep it."
        )
        self.retired_note.setVisible(found.retired)
        self.figure.show_exercise(found)
        self.purpose.setText(found.purpose)
        self.steps.setText(_numbered(found.steps))
        self.cautions.setText(_numbered(found.cautions, "⚠"))
        self.dosage.setText(found.dosage_words())
        self.shorthand.setText(f"Shorthand: {dosage_summary(found.dosage)}")
        self.suits.setText("\u2003·\u2003".join(INDICATION_LABELS[i] for i in found.indications))
        self._show_family(found, library)

    def _source(self, found: Exercise, own: OwnExercise | None) -> str:
        if found.shipped:
            return SHIPPED
        if own is None:
            return "The clinic's own"
        text = f"The clinic's own, added by {own.created_by} on {day_text(own.created_at.date())}"
        if own.version > 1 and own.updated_by:
            text += f"; last changed by {own.updated_by} on {day_text(own.updated_at.date())}"
        return text

    def _show_family(self, found: Exercise, library: Sequence[Exercise]) -> None:
        while self.family_box.count():
            item = self.family_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.family_buttons = []
        chain = progression_chain(found.code, library)
        if len(chain) == 1:
            self.family_box.addWidget(_label(NO_FAMILY, "hint"))
            return
        for member in chain:
            retired = "  (retired)" if member.retired else ""
            text = f"Stage {member.stage}\u2003{member.name}{retired}"
            if member.code == found.code:
                current = _label(f"▶ {text}  — this one", "familyCurrent")
                self.family_box.addWidget(current)
                continue
            button = QPushButton(text)
            button.setObjectName("familyLink")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(f"Show {member.name} ({member.plain_name})")
            button.clicked.connect(lambda _checked=False, code=member.code: self.chosen.emit(code))
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            holder = QWidget()
            holder.setLayout(row)
            row.addWidget(button)
            row.addStretch(1)
            self.family_box.addWidget(holder)
            self.family_buttons.append(button)

    def family_text(self) -> list[str]:
        """The family as listed, easiest first (for tests and screen readers)."""
        texts = []
        for index in range(self.family_box.count()):
            item = self.family_box.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel):
                texts.append(widget.text())
            elif widget is not None:
                texts.extend(b.text() for b in widget.findChildren(QPushButton))
        return texts
