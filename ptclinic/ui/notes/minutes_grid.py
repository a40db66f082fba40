"""Minutes per CPT code, with the units they earn shown as they are typed.

Timed codes (billed in 15-minute units) are on the left; the untimed ones (the evaluation codes,
hot or cold packs, unattended stimulation: billed once per visit whatever their length) on the
right, so their minutes are never mistaken for part of the unit arithmetic. Under them, the
services' own sentence for the episode's billing method: "40 timed minutes = 3 units (CMS
8-minute rule)." The rules are ``billing``'s; this grid only shows what they say.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ptclinic.services.billing import (
    CPT_CODES,
    MAX_MINUTES_PER_CODE,
    METHOD_LABELS,
    CptCode,
    billing_lines,
    timed_units,
    total_units,
    units_explained,
)
from ptclinic.services.errors import ValidationError


def _units(count: int) -> str:
    return f"{count} unit" if count == 1 else f"{count} units"


class MinutesBox(QSpinBox):
    """Whole minutes, 0 shown as "—" (not given). The wheel turns it only once it has the
    focus: scrolling the form past it must not change the minutes."""

    def __init__(self, code: CptCode, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, MAX_MINUTES_PER_CODE)
        self.setSpecialValueText("—")
        self.setSuffix(" min")
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(f"Minutes of {code.label}")
        self.setMinimumWidth(92)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class MinutesGrid(QWidget):
    """Every CPT code in the clinic's list with its minutes; ``minutes()`` holds those given
    (more than 0), as the note keeps them. ``changed`` fires for the person's edits."""

    changed = Signal()

    def __init__(self, method: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.method = method
        self.boxes: dict[str, MinutesBox] = {}
        self.units: dict[str, QLabel] = {}
        self._loading = False
        columns = QHBoxLayout()
        columns.setSpacing(40)
        timed = [code for code in CPT_CODES.values() if code.timed]
        untimed = [code for code in CPT_CODES.values() if not code.timed]
        columns.addLayout(self._column("Timed codes · 15-minute units", timed), 3)
        columns.addLayout(self._column("Untimed codes · billed once per visit", untimed), 2)
        self.summary = QLabel()
        self.summary.setObjectName("minutesSummary")
        self.summary.setWordWrap(True)
        self.rule = QLabel(f"Billing method for this episode's payer: {METHOD_LABELS[method]}.")
        self.rule.setObjectName("hint")
        self.rule.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        box.addWidget(self.error)
        box.addLayout(columns)
        box.addWidget(self.summary)
        box.addWidget(self.rule)
        self._show_units()

    def _column(self, title: str, codes: list[CptCode]) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(6)  # not the columns' wide gap, which a nested layout would inherit
        heading = QLabel(title)
        heading.setObjectName("minutesHeading")
        column.addWidget(heading)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        for row, code in enumerate(codes):
            caption = QLabel(f"{code.code}  {code.description}")
            spin = MinutesBox(code)
            caption.setBuddy(spin)
            units = QLabel()
            units.setObjectName("hint")
            units.setMinimumWidth(64)
            spin.valueChanged.connect(self._edited)
            grid.addWidget(caption, row, 0)
            grid.addWidget(spin, row, 1)
            grid.addWidget(units, row, 2)
            self.boxes[code.code] = spin
            self.units[code.code] = units
        grid.setColumnStretch(3, 1)  # the minutes stay beside their code, not across the page
        column.addLayout(grid)
        column.addStretch(1)
        return column

    # --- values -------------------------------------------------------------------------------

    def minutes(self) -> dict[str, int]:
        return {code: box.value() for code, box in self.boxes.items() if box.value() > 0}

    def set_minutes(self, minutes: object) -> None:
        given = minutes if isinstance(minutes, Mapping) else {}
        self._loading = True
        try:
            for code, box in self.boxes.items():
                value = given.get(code)
                box.setValue(value if isinstance(value, int) and not isinstance(value, bool) else 0)
        finally:
            self._loading = False
        self._show_units()

    def set_read_only(self, read_only: bool) -> None:
        for box in self.boxes.values():
            box.setReadOnly(read_only)
            box.setButtonSymbols(
                QSpinBox.ButtonSymbols.NoButtons
                if read_only
                else QSpinBox.ButtonSymbols.UpDownArrows
            )
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus if read_only else Qt.FocusPolicy.StrongFocus)

    def first_field(self) -> QWidget:
        return next(iter(self.boxes.values()))

    def field_for(self, key: str) -> QWidget:
        """The box a field key names ("minutes.97110"), or the first one."""
        _, _, code = key.partition(".")
        return self.boxes.get(code) or self.first_field()

    def show_error(self, text: str) -> None:
        self.error.setText("⚠ " + text if text else "")
        self.error.setVisible(bool(text))

    # --- the units ------------------------------------------------------------------------------

    def _edited(self) -> None:
        self._show_units()
        if not self._loading:
            self.show_error("")
            self.changed.emit()

    def total_units(self) -> int:
        return total_units(billing_lines(self.minutes(), self.method))

    def _show_units(self) -> None:
        minutes = self.minutes()
        try:
            units = timed_units(minutes, self.method)
            sentence = units_explained(minutes, self.method)
            lines = billing_lines(minutes, self.method)
        except ValidationError as exc:  # the boxes keep to the limits; a safety net only
            self.summary.setText("⚠ " + str(exc))
            return
        for code, label in self.units.items():
            given = minutes.get(code, 0)
            if not given:
                label.setText("")
            elif CPT_CODES[code].timed:
                label.setText("= " + _units(units.get(code, 0)))
            else:
                label.setText("= 1 unit")
        untimed = [line for line in lines if not line.timed]
        if untimed:
            sentence += " Untimed: " + ", ".join(f"{line.code} 1 unit" for line in untimed) + "."
        total = total_units(lines)
        self.summary.setText(f"{sentence}  Billed at signing: {_units(total)} in all.")
