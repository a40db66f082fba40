"""Choosing a row to add to the note's grids with the care plan's own pickers: an exercise from
the clinic's library (as a flowsheet row at its usual dose) or a technique from the catalogue
(its cautions confirmed, with its grade and side)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from ptclinic.services.care_plans import details_text
from ptclinic.services.exercise_library import Exercise
from ptclinic.ui.care_plan.pickers import ExercisePicker, TechniquePicker

RunDialog = Callable[[QDialog], int]  # shows a dialog modally; how it closed
ACCEPTED = QDialog.DialogCode.Accepted.value


def pick_exercise(
    library: Sequence[Exercise],
    classification: str,
    taken: set[str],
    run: RunDialog,
    parent: QWidget | None = None,
) -> dict[str, Any] | None:
    """The chosen exercise as a flowsheet row, or None."""
    picker = ExercisePicker(library, classification, taken, parent)
    chosen = picker.chosen() if run(picker) == ACCEPTED else None
    picker.deleteLater()
    if chosen is None:
        return None
    dose = chosen.dosage
    return {
        "code": chosen.code, "name": chosen.name, "stage": int(chosen.stage),
        "sets": dose.sets, "reps": dose.reps, "hold_s": dose.hold_seconds, "load": "",
    }  # fmt: skip


def pick_technique(
    classification: str, taken: set[str], run: RunDialog, parent: QWidget | None = None
) -> dict[str, Any] | None:
    """The chosen technique as a row of the techniques performed, or None."""
    picker = TechniquePicker(taken, classification, parent)
    accepted = run(picker) == ACCEPTED
    chosen, details = picker.chosen(), picker.details()
    picker.deleteLater()
    if not accepted or chosen is None:
        return None
    side = details.pop("side", "")
    row: dict[str, Any] = {"code": chosen.code, "name": chosen.name, "dose": details_text(details)}
    if side:
        row["side"] = side
    return row
