"""Time off and closed days: the upcoming ones in a list, with Add… and Remove.

Neither moves or cancels a visit already booked: the service counts the visits that now fall in
the absence or on the closed day, and the notice tells the person to move them in the Schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import schedule_settings
from ptclinic.services.actor import Actor
from ptclinic.services.availability import WEEKDAY_NAMES
from ptclinic.services.clinic import clinic_today, clinic_zone
from ptclinic.services.schedule_settings import TimeOffRecord
from ptclinic.ui.admin.common import (
    SERVICE_ERRORS,
    Column,
    MessageLine,
    RecordTableModel,
    ServiceDialog,
    confirm,
    describe,
    record_table,
)
from ptclinic.ui.admin.opening_hours_section import section_heading
from ptclinic.ui.admin.time_edits import (
    date_edit,
    day_text,
    length_text,
    moment_text,
    whole_days,
)
from ptclinic.ui.admin.time_off_dialog import (
    TimeOffDialog,
    clinician_choices,
    displaced_text,
    span_text,
)
from ptclinic.ui.date_field import from_qdate
from ptclinic.ui.events import events

T = TypeVar("T")
# How far ahead the closed-days list looks: holidays are often entered a year or two ahead.
CLOSED_DAYS_AHEAD = timedelta(days=3 * 366)
ClosedDay = tuple[date, str]


class RecordListSection(QWidget, Generic[T]):
    """A heading, Add…/Remove… buttons, a message line and a list that says when it is empty.

    Delete on a row removes it (after the confirmation), like the Remove… button.
    """

    def __init__(
        self,
        title: str,
        hint: str,
        columns: Sequence[Column[T]],
        things: str,
        empty: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        heading, hint_label = section_heading(title, hint)
        self.model: RecordTableModel[T] = RecordTableModel(columns, self)
        self.table = record_table(self.model)
        self.table.setAccessibleName(title)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove)
        self.empty = QLabel(empty)
        self.empty.setObjectName("schedulingEmpty")
        self.add_button = QPushButton(f"&Add {things}…")
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("Remo&ve…")
        self.remove_button.setToolTip(f"Remove the selected {things} (Delete on a row)")
        self.remove_button.clicked.connect(self.remove)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(hint_label)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        # Takes the table's place when the list is empty, so the heading stays at the top.
        self._filler = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Minimum)
        layout.addItem(self._filler)
        self._layout = layout

    def load(self) -> list[T]:
        raise NotImplementedError

    def add(self) -> None:
        raise NotImplementedError

    def remove(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Reload the list, keeping the selection; a failure is said, the old rows stay."""
        chosen = self.selected()
        try:
            records = self.load()
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            return
        self.model.set_records(records)
        if chosen is not None:
            self.select(lambda record: record == chosen)
        self.empty.setVisible(not records)
        self.table.setVisible(bool(records))
        fill = QSizePolicy.Policy.Minimum if records else QSizePolicy.Policy.Expanding
        self._filler.changeSize(0, 0, QSizePolicy.Policy.Minimum, fill)
        self._layout.invalidate()
        self._update_buttons()

    def selected(self) -> T | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select(self, matches: Callable[[T], bool]) -> None:
        for row, record in enumerate(self.model.records()):
            if matches(record):
                self.table.selectRow(row)
                return

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.selected() is not None)

    def exec_dialog(self, dialog: QDialog) -> int:
        """Show a dialog modally (tests drive the dialog instead)."""
        return dialog.exec()

    def ask(self, title: str, text: str, yes_label: str) -> bool:
        """Confirm a removal; Cancel is the default (tests answer for the person)."""
        return confirm(self, title, text, yes_label)

    def _removed(self, action: Callable[[], None], notice: str) -> None:
        self.message.clear_message()
        try:
            action()
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            self.refresh()  # e.g. someone else removed it first: show the list as it is
            return
        events().data_changed.emit("schedule_settings", [])
        self.refresh()
        self.message.show_notice(notice)


class TimeOffSection(RecordListSection[TimeOffRecord]):
    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(
            "Time off",
            "Holidays, courses and sick days, in the clinic's time. Nobody is booked with a "
            "clinician while they are away; visits already booked stay until they are moved.",
            [
                Column("Who", lambda r: r.staff_name),
                Column("From", lambda r: self.when(r, end=False)),
                Column("To", lambda r: self.when(r, end=True)),
                Column("Length", lambda r: length_text(r.starts_at, r.ends_at, self.zone)),
                Column("Reason", lambda r: r.reason or "—"),
            ],
            "time off",
            "No time off ahead. Absences appear here until they are over.",
            parent,
        )
        self._db = db
        self._actor = actor
        self.zone = clinic_zone(db)
        self.add_button.setToolTip("Record a clinician's absence: whole days or part of a day")
        self.refresh()

    def when(self, record: TimeOffRecord, *, end: bool) -> str:
        """A whole-day absence shows its first and last day; a part-day one its times."""
        if days := whole_days(record.starts_at, record.ends_at, self.zone):
            return day_text(days[1] if end else days[0])
        return moment_text(record.ends_at if end else record.starts_at, self.zone)

    def load(self) -> list[TimeOffRecord]:
        self.zone = clinic_zone(self._db)  # an administrator may have changed the time zone
        return schedule_settings.list_time_off(self._db, self._actor)

    def add(self) -> None:
        self.message.clear_message()
        try:
            people = clinician_choices(self._db)
            chosen = self.selected()
            dialog = TimeOffDialog(
                self._db,
                self._actor,
                people,
                staff_id=chosen.staff_id if chosen else None,
                parent=self,
            )
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            return
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        notice, span = dialog.notice(), dialog.span()
        staff_id = dialog.who.currentData()
        dialog.deleteLater()
        if accepted and notice:
            self.refresh()
            self.select(lambda r: (r.staff_id, r.starts_at, r.ends_at) == (staff_id, *span))
            self.message.show_notice(notice)

    def remove(self) -> None:
        record = self.selected()
        if record is None:
            return
        when = span_text(record.starts_at, record.ends_at, self.zone)
        if self.ask(
            "Remove time off",
            f"Remove {record.staff_name}'s time off, {when}?\n\n"
            "They can be booked at those times again.",
            "Remove time off",
        ):
            self._removed(
                lambda: schedule_settings.remove_time_off(self._db, self._actor, record.id),
                f"Removed {record.staff_name}'s time off, {when}.",
            )


class ClosedDayDialog(ServiceDialog):
    """Close the clinic for one day. Choosing a day already closed says so: saving then only
    changes its reason (that is what the service does)."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        known: dict[date, str],
        weekly_closed: set[int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Add closed day", "&Close the clinic that day", parent)
        self.setObjectName("closedDayDialog")
        self._db = db
        self._actor = actor
        self._known = known
        self._weekly_closed = weekly_closed
        self.displaced: schedule_settings.Displaced | None = None
        today = clinic_today(db)
        self.day = date_edit(today, today=lambda: today)
        self.day.setMaximumWidth(220)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. Thanksgiving, staff training (optional)")
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.fields.add_row("day", "&Date", self.day)
        self.fields.add_row("reason", "&Reason", self.reason)
        self.form.addRow("", self.note)
        self.day.dateChanged.connect(self._describe)
        self._describe()
        self.day.setFocus()

    def chosen_day(self) -> date:
        return from_qdate(self.day.date())

    def _describe(self) -> None:
        day = self.chosen_day()
        if day in self._known:
            reason = self._known[day]
            self.note.setText(
                f"Already closed{f' ({reason})' if reason else ''}; saving changes the reason."
            )
        elif day.weekday() in self._weekly_closed:
            self.note.setText(f"The clinic is closed on {WEEKDAY_NAMES[day.weekday()]}s anyway.")
        else:
            self.note.setText("")
        self.note.setVisible(bool(self.note.text()))

    def save(self) -> None:
        self.displaced = schedule_settings.add_closed_day(
            self._db, self._actor, self.chosen_day(), self.reason.text()
        )


class ClosedDaysSection(RecordListSection[ClosedDay]):
    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(
            "Closed days",
            "Public holidays and other days the whole clinic is closed. Nobody is booked on them; "
            "visits already booked stay until they are moved.",
            [Column("Date", lambda d: day_text(d[0])), Column("Reason", lambda d: d[1] or "—")],
            "closed day",
            "No closed days ahead.",
            parent,
        )
        self._db = db
        self._actor = actor
        self.add_button.setToolTip("Close the clinic for a day, such as a public holiday")
        self.refresh()

    def load(self) -> list[ClosedDay]:
        today = clinic_today(self._db)
        return schedule_settings.closed_days(self._db, today, today + CLOSED_DAYS_AHEAD)

    def add(self) -> None:
        self.message.clear_message()
        try:
            weekly_closed = set(range(7)) - set(schedule_settings.opening_hours(self._db))
            dialog = ClosedDayDialog(
                self._db, self._actor, dict(self.model.records()), weekly_closed, self
            )
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            return
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        day, reason, displaced = dialog.chosen_day(), dialog.reason.text().strip(), dialog.displaced
        dialog.deleteLater()
        if not accepted or displaced is None:
            return
        events().data_changed.emit("schedule_settings", [])
        self.refresh()
        self.select(lambda d: d[0] == day)
        notice = f"The clinic is closed on {day_text(day)}" + (f" ({reason})." if reason else ".")
        if moved := displaced_text(displaced.count, "on this closed day"):
            notice += "\n⚠ " + moved  # a line of its own: the task it leaves
        self.message.show_notice(notice)

    def remove(self) -> None:
        record = self.selected()
        if record is None:
            return
        day = record[0]
        if self.ask(
            "Open the clinic again",
            f"Remove the closed day {day_text(day)}?\n\nVisits can be booked that day again.",
            "Remove closed day",
        ):
            self._removed(
                lambda: schedule_settings.remove_closed_day(self._db, self._actor, day),
                f"{day_text(day)} is no longer a closed day.",
            )
