"""The clinic's opening hours: one row per weekday, open or closed, saved as a whole week.

The Schedule's grid spans these hours and nobody is booked outside them, so the week is saved in
one go (as the service takes it) and a half-edited week is never written.
"""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import schedule_settings
from ptclinic.services.actor import Actor
from ptclinic.services.availability import WEEKDAY_NAMES
from ptclinic.services.errors import ValidationError
from ptclinic.ui.admin.common import SERVICE_ERRORS, MessageLine, describe
from ptclinic.ui.admin.time_edits import QuarterTimeEdit
from ptclinic.ui.events import events

Week = dict[int, tuple[time, time] | None]
# What a day that was closed offers when ticked open, if no other day is open to copy.
USUAL_DAY = (time(8), time(17))


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Draw the style sheet's red frame (or not) around a field the service refused."""
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def section_heading(title: str, text: str) -> tuple[QLabel, QLabel]:
    heading = QLabel(title)
    heading.setObjectName("sectionTitle")
    hint = QLabel(text)
    hint.setObjectName("hint")
    hint.setWordWrap(True)
    return heading, hint


def save_buttons(owner: QWidget, what: str) -> tuple[QPushButton, QPushButton, QHBoxLayout]:
    """Save (also Ctrl+S while the focus is in ``owner``) and Reload, left-aligned."""
    save = QPushButton("Sa&ve")
    save.setObjectName("primary")
    save.setToolTip(f"Save {what} (Ctrl+S)")
    reload = QPushButton("Rel&oad")
    reload.setToolTip(f"Discard changes here and show {what} as saved")
    shortcut = QShortcut(QKeySequence.StandardKey.Save, owner)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(save.click)
    row = QHBoxLayout()
    row.setSpacing(8)
    row.addWidget(save)
    row.addWidget(reload)
    row.addStretch(1)
    return save, reload, row


class DayRow:
    """One weekday's widgets: the "Open" box, the two times (or "Closed"), an error line."""

    def __init__(self, weekday: int) -> None:
        name = WEEKDAY_NAMES[weekday]
        self.name = QLabel(name)
        self.open = QCheckBox("Open")
        self.open.setAccessibleName(f"Open on {name}s")
        self.opens = QuarterTimeEdit()
        self.opens.setAccessibleName(f"{name} opens at")
        self.closes = QuarterTimeEdit()
        self.closes.setAccessibleName(f"{name} closes at")
        self.times = QWidget()
        row = QHBoxLayout(self.times)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self.opens)
        row.addWidget(QLabel("to"))
        row.addWidget(self.closes)
        row.addStretch(1)
        self.closed = QLabel("Closed")
        self.closed.setObjectName("hint")
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.open.toggled.connect(self._follow)
        self._follow(False)

    def _follow(self, is_open: bool) -> None:
        # The times stay filled in while hidden, so ticking a day open again restores them.
        self.times.setVisible(is_open)
        self.closed.setVisible(not is_open)

    def value(self) -> tuple[time, time] | None:
        return (self.opens.value(), self.closes.value()) if self.open.isChecked() else None

    def show(self, hours: tuple[time, time] | None, usual: tuple[time, time]) -> None:
        self.open.setChecked(hours is not None)
        opens, closes = hours or usual
        self.opens.set_value(opens)
        self.closes.set_value(closes)

    def set_error(self, text: str) -> None:
        self.error.setText("⚠ " + text if text else "")
        self.error.setVisible(bool(text))
        mark_invalid(self.opens, bool(text))
        mark_invalid(self.closes, bool(text))


class OpeningHoursSection(QWidget):
    dirty_changed = Signal(bool)

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._loaded: Week | None = None
        self._dirty = False
        heading, hint = section_heading(
            "Opening hours",
            "When the clinic takes bookings. The Schedule shows these hours, and nobody is booked "
            "outside them or on a closed day.",
        )
        self.rows = [DayRow(day) for day in range(7)]
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        grid.setColumnMinimumWidth(0, 110)
        grid.setColumnStretch(3, 1)
        for day, row in enumerate(self.rows):
            grid.addWidget(row.name, 2 * day, 0)
            grid.addWidget(row.open, 2 * day, 1)
            grid.addWidget(row.times, 2 * day, 2)
            grid.addWidget(row.closed, 2 * day, 2)
            grid.addWidget(row.error, 2 * day + 1, 1, 1, 3)
            row.open.toggled.connect(self._changed)
            row.opens.timeChanged.connect(self._changed)
            row.closes.timeChanged.connect(self._changed)
            for edit in (row.opens, row.closes):
                edit.lineEdit().returnPressed.connect(self.save)  # Enter saves, as in forms
        self.message = MessageLine()
        self.save_button, self.reload_button, buttons = save_buttons(self, "the opening hours")
        self.save_button.clicked.connect(self.save)
        self.reload_button.clicked.connect(self.reload)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addSpacing(4)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        layout.addSpacing(4)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.reload()

    def values(self) -> Week:
        return {day: row.value() for day, row in enumerate(self.rows)}

    def has_unsaved_work(self) -> bool:
        return self._loaded is not None and self.values() != self._normalised(self._loaded)

    def reload(self) -> None:
        """Show the week as saved, discarding edits here."""
        self._clear_errors()
        self.message.clear_message()
        try:
            self._show(schedule_settings.opening_hours(self._db))
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))

    def refresh(self) -> None:
        """Follow a change saved elsewhere, but never over edits not yet saved here."""
        if not self.has_unsaved_work():
            try:
                self._show(schedule_settings.opening_hours(self._db))
            except SERVICE_ERRORS as exc:
                self.message.show_error(describe(exc))

    def save(self) -> None:
        self._clear_errors()
        self.message.clear_message()
        week = self.values()
        try:
            schedule_settings.set_opening_hours(self._db, self._actor, week)
        except ValidationError as exc:
            self._show_errors(exc)
            return
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))  # the edits stay on screen to try again
            return
        self._loaded = week
        self._changed()
        self.message.show_notice("Opening hours saved. The Schedule uses them from now on.")
        events().data_changed.emit("schedule_settings", [])

    @staticmethod
    def _normalised(hours: dict[int, tuple[time, time]] | Week) -> Week:
        return {day: hours.get(day) for day in range(7)}

    def _show(self, hours: dict[int, tuple[time, time]]) -> None:
        # A closed day offers the hours of the first open one when ticked, the usual case.
        usual = next((hours[day] for day in sorted(hours)), USUAL_DAY)
        for day, row in enumerate(self.rows):
            row.show(hours.get(day), usual)
        self._loaded = self._normalised(hours)
        self._changed()

    def _changed(self) -> None:
        dirty = self.has_unsaved_work()
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def _clear_errors(self) -> None:
        for row in self.rows:
            row.set_error("")

    def _show_errors(self, error: ValidationError) -> None:
        unplaced = []
        first: DayRow | None = None
        for key, text in sorted(error.field_errors.items()):
            day = key.removeprefix("weekday_")
            if day.isdigit() and 0 <= int(day) < 7:
                row = self.rows[int(day)]
                row.set_error(text)
                first = first or row
            else:
                unplaced.append(text)
        if unplaced:
            self.message.show_error(" ".join(unplaced))
        if first is not None:
            first.opens.setFocus()
