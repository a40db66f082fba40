"""Small dialogs of the Schedule page: an administrator's approval for booking outside the
hours, cancelling a visit with its reason, and jumping to a date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import auth, booking
from ptclinic.services.actor import Actor
from ptclinic.services.calendar import AppointmentView
from ptclinic.services.schedule_view import AppointmentStatus
from ptclinic.ui.admin.common import ServiceDialog
from ptclinic.ui.events import events
from ptclinic.ui.schedule.appearance import time_range
from ptclinic.ui.schedule.layout import short_date

T = TypeVar("T")

CANCEL_REASONS = (
    "Patient ill", "Work conflict", "Transportation problem", "Family emergency", "Weather",
    "Feeling better, will call to rebook", "Doctor appointment", "Childcare", "Out of town",
    "Clinic cancelled: therapist ill",
)  # fmt: skip


def visit_summary(view: AppointmentView, zone: ZoneInfo) -> str:
    """ "M. Ortiz · Follow-up · Mon Dec 7, 10:00–10:45 with Dana Lee"."""
    when = f"{short_date(view.starts_at.astimezone(zone).date())}, {time_range(view, zone)}"
    return f"{view.patient_name} · {view.visit_label} · {when} with {view.therapist_name}"


class OverrideDialog(ServiceDialog, Generic[T]):
    """An administrator allows one booking or move outside the bookable hours.

    Their username and password are checked by the auth service, then ``perform(administrator)``
    runs; its refusal (for instance, the account is not an administrator's) keeps the dialog
    open with the words. ``outcome`` holds what ``perform`` returned.
    """

    def __init__(
        self,
        db: Database,
        why: str,
        perform: Callable[[Actor], T],
        *,
        ok_label: str = "&Allow",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Administrator's approval", ok_label, parent)
        self._db = db
        self._perform = perform
        self.outcome: T | None = None
        self.set_intro(
            f"{why}\n\nAn administrator can allow it: they type their own username and "
            "password here. The booking's history records who allowed it."
        )
        self.username = QLineEdit()
        self.username.setObjectName("overrideUsername")
        self.password = QLineEdit()
        self.password.setObjectName("overridePassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.fields.add_row("username", "Administrator's user&name", self.username)
        self.fields.add_row("password", "Administrator's pass&word", self.password)
        self.username.setFocus()

    def save(self) -> None:
        try:
            # Not a log-in: the booking's own history names who allowed it.
            approver = auth.authenticate(
                self._db, self.username.text(), self.password.text(), success_action=None
            )
            self.outcome = self._perform(approver)
        except Exception:
            self.password.clear()
            self.password.setFocus()
            raise


class CancelDialog(ServiceDialog):
    """Cancel one visit with a reason; says beforehand when it will count as a late cancel."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        view: AppointmentView,
        zone: ZoneInfo,
        now: datetime,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Cancel visit", "Cancel the &visit", parent)
        self._db, self._actor, self._view, self._now = db, actor, view, now
        self.set_intro(visit_summary(view, zone))
        keep = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        keep.setText("&Keep the visit")
        self.reason = QComboBox()
        self.reason.setObjectName("cancelReason")
        self.reason.setEditable(True)
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason.addItems(["", *CANCEL_REASONS])
        line = self.reason.lineEdit()
        assert line is not None  # editable combo boxes always have one
        line.setPlaceholderText("Why is the visit cancelled? (required)")
        line.setMaxLength(200)
        self.fields.add_row("reason", "&Reason", self.reason)
        self.late = booking.is_late_cancel(view.starts_at, now)
        self.late_notice = QLabel(
            "⚠ This is less than 24 hours before the visit, so it will be recorded as a late "
            "cancellation."
        )
        self.late_notice.setObjectName("formNotice")
        self.late_notice.setWordWrap(True)
        self.late_notice.setVisible(self.late)
        self.form.addRow(self.late_notice)
        self.reason.setFocus()

    def save(self) -> None:
        booking.set_status(
            self._db,
            self._actor,
            self._view.id,
            self._view.version,
            AppointmentStatus.CANCELLED,
            reason=self.reason.currentText(),
            now=self._now,
        )
        events().data_changed.emit("appointment", [self._view.id])


class GoToDateDialog(QDialog):
    """A month calendar: arrows move, Enter goes to the day, Esc stays."""

    def __init__(self, current: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Go to date")
        self.setMinimumWidth(380)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(False)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setSelectedDate(QDate(current.year, current.month, current.day))
        self.calendar.activated.connect(lambda _day: self.accept())
        hint = QLabel("Arrow keys move, Page Up/Down change the month, Enter opens the day.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Go")
        for button in buttons.buttons():
            button.setIcon(QIcon())
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(self.calendar)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.calendar.setFocus()

    def chosen(self) -> date:
        picked = self.calendar.selectedDate()
        return date(picked.year(), picked.month(), picked.day())
