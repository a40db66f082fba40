"""Each clinician's regular week as shifts (weekday, from, to); none means they can be booked
whenever the clinic is open, which is how a new clinician starts.

A split day is two shifts. The week is saved whole, as the service takes it; choosing another
clinician with edits not saved asks first.
"""

from __future__ import annotations

from datetime import time
from itertools import pairwise

from PySide6.QtCore import Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import schedule_settings
from ptclinic.services.actor import Actor
from ptclinic.services.availability import WEEKDAY_NAMES
from ptclinic.services.calendar import Clinician
from ptclinic.services.errors import ValidationError
from ptclinic.services.schedule_settings import HoursBlock
from ptclinic.ui.admin.common import SERVICE_ERRORS, MessageLine, describe
from ptclinic.ui.admin.opening_hours_section import (
    USUAL_DAY,
    mark_invalid,
    save_buttons,
    section_heading,
)
from ptclinic.ui.admin.time_edits import QuarterTimeEdit
from ptclinic.ui.admin.time_off_dialog import clinician_choices, person_label
from ptclinic.ui.events import events

WHENEVER_OPEN = "Works whenever the clinic is open."


def week_summary(hours: dict[int, tuple[time, time]]) -> str:
    """ "Mon–Fri 07:00–19:00 · Sat 08:00–13:00 · Sun closed": runs of days with equal hours."""
    parts: list[str] = []
    day = 0
    while day < 7:
        last = day
        while last + 1 < 7 and hours.get(last + 1) == hours.get(day):
            last += 1
        days = WEEKDAY_NAMES[day][:3] + (f"–{WEEKDAY_NAMES[last][:3]}" if last > day else "")
        block = hours.get(day)
        parts.append(f"{days} {block[0]:%H:%M}–{block[1]:%H:%M}" if block else f"{days} closed")
        day = last + 1
    return " · ".join(parts)


class ShiftRow(QWidget):
    """One shift: weekday, from, to, a Remove button, and the service's complaint under it."""

    remove_requested = Signal(object)
    changed = Signal()

    def __init__(self, block: HoursBlock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day = QComboBox()
        self.day.addItems(list(WEEKDAY_NAMES))
        self.day.setCurrentIndex(block.weekday)
        self.day.setAccessibleName("Day of the shift")
        self.day.setMinimumContentsLength(9)
        self.starts = QuarterTimeEdit(block.starts_at)
        self.starts.setAccessibleName("Shift starts at")
        self.ends = QuarterTimeEdit(block.ends_at)
        self.ends.setAccessibleName("Shift ends at")
        self.remove = QPushButton("Remove")
        self.remove.setToolTip("Remove this shift (Save to keep the change)")
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        line = QHBoxLayout()
        line.setSpacing(8)
        line.addWidget(self.day)
        line.addSpacing(8)
        line.addWidget(QLabel("from"))
        line.addWidget(self.starts)
        line.addWidget(QLabel("to"))
        line.addWidget(self.ends)
        line.addSpacing(8)
        line.addWidget(self.remove)
        line.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(line)
        box.addWidget(self.error)
        self.day.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.starts.timeChanged.connect(lambda _t: self.changed.emit())
        self.ends.timeChanged.connect(lambda _t: self.changed.emit())
        self.setFocusProxy(self.day)

    def block(self) -> HoursBlock:
        return HoursBlock(self.day.currentIndex(), self.starts.value(), self.ends.value())

    def set_error(self, text: str) -> None:
        self.error.setText("⚠ " + text if text else "")
        self.error.setVisible(bool(text))
        mark_invalid(self.starts, bool(text))
        mark_invalid(self.ends, bool(text))


class WorkingHoursSection(QWidget):
    dirty_changed = Signal(bool)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._staff_id: int | None = None
        self._loaded: list[HoursBlock] = []
        self._dirty = False
        self.rows: list[ShiftRow] = []
        heading, hint = section_heading(
            "Working hours",
            "When each clinician can be booked, inside the clinic's opening hours. Someone with no "
            "shifts works whenever the clinic is open; a split day is two shifts.",
        )
        self.who = QComboBox()
        self.who.setMinimumContentsLength(26)
        self.who.setAccessibleName("Clinician")
        self.who.currentIndexChanged.connect(self._choose)
        who_form = QFormLayout()
        who_form.setHorizontalSpacing(16)
        who_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        who_form.addRow("&Clinician", self.who)
        self.clinic_hours = QLabel()
        self.clinic_hours.setObjectName("hint")
        self.clinic_hours.setWordWrap(True)
        self.empty = QLabel(WHENEVER_OPEN)
        self.empty.setObjectName("schedulingEmpty")
        self.shift_box = QVBoxLayout()
        self.shift_box.setSpacing(6)
        self.add_button = QPushButton("&Add shift")
        self.add_button.setToolTip("Add a shift: the day after the last one, at the same times")
        self.add_button.clicked.connect(self.add_shift)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        self.message = MessageLine()
        self.save_button, self.reload_button, buttons = save_buttons(self, "these working hours")
        self.save_button.clicked.connect(self.save)
        self.reload_button.clicked.connect(self.reload)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addSpacing(4)
        layout.addLayout(who_form)
        layout.addWidget(self.clinic_hours)
        layout.addWidget(self.empty)
        layout.addLayout(self.shift_box)
        layout.addLayout(add_row)
        layout.addWidget(self.message)
        layout.addSpacing(4)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._load_people()
        self._show_clinic_hours()

    # --- state ------------------------------------------------------------------------------

    def staff_id(self) -> int | None:
        return self._staff_id

    def values(self) -> list[HoursBlock]:
        return [row.block() for row in self.rows]

    def has_unsaved_work(self) -> bool:
        order = sorted(self.values(), key=_order)
        return self._staff_id is not None and order != sorted(self._loaded, key=_order)

    def choose(self, staff_id: int) -> None:
        """Show ``staff_id``'s week (asking first about edits not saved, as a pick would)."""
        self.who.setCurrentIndex(self.who.findData(staff_id))

    # --- loading ----------------------------------------------------------------------------

    def _load_people(self) -> None:
        try:
            people: list[Clinician] = clinician_choices(self._db)
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            return
        # Refilled quietly: an index change here is not the person picking someone.
        self.who.blockSignals(True)
        self.who.clear()
        for person in people:
            self.who.addItem(person_label(person), person.id)
        found = self.who.findData(self._staff_id) if self._staff_id is not None else -1
        self.who.setCurrentIndex(found if found >= 0 else 0 if people else -1)
        self.who.blockSignals(False)
        if not people:
            self._staff_id = None
            self._show_rows([])
            self.message.show_error(
                "Nobody sees patients yet. Add a therapist, assistant or student on the Staff "
                "tab first."
            )
        elif found < 0:
            # First load, or the clinician shown was disabled elsewhere: show the first one.
            self._staff_id = int(people[0].id)
            self._load()
        for widget in (self.who, self.add_button, self.save_button, self.reload_button):
            widget.setEnabled(bool(people))

    def _show_clinic_hours(self) -> None:
        try:
            hours = schedule_settings.opening_hours(self._db)
        except SERVICE_ERRORS:
            self.clinic_hours.clear()  # only a reminder; the sections that need it say why
            return
        self.clinic_hours.setText("The clinic is open " + week_summary(hours) + ".")

    def reload(self) -> None:
        """Show the chosen clinician's week as saved, discarding edits here."""
        self.message.clear_message()
        self._load()

    def _load(self) -> None:
        if self._staff_id is None:
            return
        try:
            blocks = schedule_settings.working_hours(self._db, self._staff_id)
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            return
        self._loaded = blocks
        self._show_rows(blocks)

    def refresh(self, kind: str) -> None:
        """Follow a change saved elsewhere, keeping edits not saved here."""
        if kind == "staff":
            self._load_people()
        self._show_clinic_hours()
        if not self.has_unsaved_work():
            self._load()

    def _choose(self, index: int) -> None:
        chosen = self.who.itemData(index)
        if chosen == self._staff_id:
            return
        if self.has_unsaved_work():
            answer = self.ask_unsaved(self._current_name())
            if not (answer == "discard" or (answer == "save" and self.save())):
                # Cancel, or a save that was refused: stay on this clinician with the edits.
                self.who.blockSignals(True)
                self.who.setCurrentIndex(self.who.findData(self._staff_id))
                self.who.blockSignals(False)
                return
        self._staff_id = int(chosen) if chosen is not None else None
        self.reload()

    def _current_name(self) -> str:
        index = self.who.findData(self._staff_id)
        return self.who.itemText(index).split(",")[0] if index >= 0 else "this clinician"

    def ask_unsaved(self, name: str) -> str:
        """ "save", "discard" or "cancel" (tests answer for the person)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Unsaved working hours")
        box.setText(f"{name}'s working hours have changes that are not saved.")
        box.setInformativeText("Save them before showing someone else?")
        save = box.addButton("&Save changes", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("&Discard changes", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        cancel.setIcon(QIcon())  # the platform's stock icons clash with the clinic style
        box.setDefaultButton(save)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        return "save" if clicked is save else "discard" if clicked is discard else "cancel"

    # --- editing ----------------------------------------------------------------------------

    def _show_rows(self, blocks: list[HoursBlock]) -> None:
        for row in self.rows:
            row.deleteLater()
        self.rows = []
        for block in blocks:
            self._append(block)
        self._after_edit()

    def _append(self, block: HoursBlock) -> ShiftRow:
        row = ShiftRow(block)
        row.remove_requested.connect(self.remove_shift)
        row.changed.connect(self._after_edit)
        for edit in (row.starts, row.ends):
            edit.lineEdit().returnPressed.connect(self.save)  # Enter saves, as in forms
        self.shift_box.addWidget(row)
        self.rows.append(row)
        return row

    def add_shift(self) -> None:
        if self._staff_id is None:
            return
        if self.rows:
            # Typing a regular week is then one press per day: Monday, then Tuesday, ...
            last = self.rows[-1].block()
            block = HoursBlock((last.weekday + 1) % 7, last.starts_at, last.ends_at)
        else:
            try:
                opens, closes = schedule_settings.opening_hours(self._db).get(0, USUAL_DAY)
            except SERVICE_ERRORS:
                opens, closes = USUAL_DAY
            block = HoursBlock(0, opens, closes)
        row = self._append(block)
        self._after_edit()
        row.setFocus()

    def remove_shift(self, row: ShiftRow) -> None:
        at = self.rows.index(row)
        self.rows.remove(row)
        row.hide()
        row.deleteLater()
        self._after_edit()
        # Keep the keyboard where the person was: the next shift, or Add shift.
        following = self.rows[min(at, len(self.rows) - 1)] if self.rows else None
        (following.remove if following else self.add_button).setFocus()

    def _after_edit(self) -> None:
        self.empty.setVisible(not self.rows and self._staff_id is not None)
        # Rows are made after the buttons below them; Tab must still go down the page in order.
        chain: list[QWidget] = [self.who]
        for row in self.rows:
            chain += [row.day, row.starts, row.ends, row.remove]
        chain += [self.add_button, self.save_button, self.reload_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        dirty = self.has_unsaved_work()
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    # --- saving -----------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the shown week; True when saved (False keeps the edits and says why)."""
        self.message.clear_message()
        for row in self.rows:
            row.set_error("")
        if self._staff_id is None:
            return False
        blocks = self.values()
        try:
            schedule_settings.set_working_hours(self._db, self._actor, self._staff_id, blocks)
        except ValidationError as exc:
            self._show_errors(exc)
            return False
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            return False
        name = self._current_name()
        self._loaded = blocks
        self._after_edit()
        self.message.show_notice(
            f"Working hours saved for {name}."
            if blocks
            else f"Saved: {name} works whenever the clinic is open."
        )
        events().data_changed.emit("schedule_settings", [])
        return True

    def _show_errors(self, error: ValidationError) -> None:
        placed = {f"block_{n}" for n in range(len(self.rows))}
        first: ShiftRow | None = None
        for n, row in enumerate(self.rows):
            if text := error.field_errors.get(f"block_{n}"):
                row.set_error(text)
                first = first or row
        # "Two shifts on Mondays overlap" names no single row: it goes above the buttons.
        if unplaced := [text for key, text in error.field_errors.items() if key not in placed]:
            self.message.show_error(" ".join(unplaced))
        if first is not None:
            first.starts.setFocus()


def _order(block: HoursBlock) -> tuple[int, time, time]:
    return block.weekday, block.starts_at, block.ends_at
