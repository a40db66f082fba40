"""The chart's attendance section: how the patient's visits went, and the visits themselves.

A summary line ("5 completed · 2 booked · 1 cancelled (1 late) · 2 no-shows", a warning from
the booking rule's number of no-shows on), under it the year's therapy billed against the
therapy threshold once the clinic keeps fees ("$1,240.00 of the $2,480.00 therapy threshold
billed in 2026."), then today's and upcoming visits, soonest first,
apart from past visits, newest first. Status is a sign and a word, never colour alone. The
section reloads itself after any change to appointments (``data_changed("appointment")``); the
threshold line, an audited look at the patient's billing, when one of the patient's own visits
changes (signing its note completes it) or the clinic's billing settings do; not on every
draft autosave.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QLabel, QStyle, QTableView, QVBoxLayout, QWidget

from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.services.attendance import Attendance, AttendanceVisit, attendance
from ptclinic.services.billing_settings import ThresholdTotal, patient_threshold
from ptclinic.services.booking import NO_SHOW_WARNING_AT
from ptclinic.services.clinic import clinic_zone
from ptclinic.services.day_text import weekday_day_text
from ptclinic.services.errors import DatabaseUnavailable, DomainError
from ptclinic.ui.admin.common import AnyIndex, Column, RecordTableModel, record_table
from ptclinic.ui.events import events

log = logging.getLogger(__name__)

LOAD_TROUBLE = (
    "The visits could not be loaded because the database did not answer. "
    "Check the network connection; they load again when the chart is reopened."
)
NO_VISITS = "No visits yet: nothing has been booked for this patient."
AHEAD = "Today and upcoming"
NOTHING_AHEAD = "Nothing booked from today on."
MAX_ROWS_SHOWN = 8  # a longer history scrolls inside its table
_STATUS_WORDS = {
    "scheduled": "Scheduled",
    "checked_in": "✓ Checked in",
    "completed": "✔ Completed",
    "cancelled": "✗ Cancelled",
    "no_show": "⚠ No-show",
}
_GONE = {"cancelled", "no_show"}  # visits that did not take place: greyed as well as worded
_MUTED = QColor("#4a5a60")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def visit_date(day: date) -> str:
    """ "Mon Dec 7, 2026", in English whatever the computer's locale."""
    return weekday_day_text(day)


def status_text(visit: AttendanceVisit) -> str:
    """ "✗ Late cancel", "✗ Cancelled", "⚠ No-show", "✔ Completed"."""
    if visit.status == "cancelled" and visit.late_cancel:
        return "✗ Late cancel"
    return _STATUS_WORDS.get(visit.status, visit.status)


def initial_and_last(full_name: str) -> str:
    """ "M. Okafor" for "Michael Okafor": the chart's side of the page has little width."""
    first, _space, rest = full_name.strip().partition(" ")
    return f"{first[:1]}. {rest}" if first and rest else full_name


def reason_text(visit: AttendanceVisit) -> str:
    """Why a cancelled visit was cancelled (nothing for the others)."""
    return visit.cancel_reason if visit.status == "cancelled" else ""


def split_visits(
    visits: Sequence[AttendanceVisit], today: date, zone: ZoneInfo
) -> tuple[list[AttendanceVisit], list[AttendanceVisit]]:
    """(today's and later visits, soonest first; earlier visits, newest first) from the
    service's newest-first list."""
    ahead = [v for v in visits if v.starts_at.astimezone(zone).date() >= today]
    past = [v for v in visits if v.starts_at.astimezone(zone).date() < today]
    return ahead[::-1], past


class VisitTableModel(RecordTableModel[AttendanceVisit]):
    """One visit a row; visits that did not take place in muted ink (their status says so).

    The status comes right after the time, so a narrow chart never hides it; the table scrolls
    sideways to what does not fit."""

    def __init__(self, zone: Callable[[], ZoneInfo], parent: QWidget | None = None) -> None:
        def local(visit: AttendanceVisit) -> datetime:
            return visit.starts_at.astimezone(zone())

        super().__init__(
            [
                Column("Date", lambda v: visit_date(local(v).date())),
                Column("Time", lambda v: f"{local(v):%H:%M}"),
                Column("Status", status_text),
                Column("With", lambda v: initial_and_last(v.therapist_name)),
                Column("Visit", lambda v: v.visit_label),
                Column("Reason", reason_text),
            ],
            parent,
        )

    WITH = 3

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        visit = self.record(index.row())
        if role == Qt.ItemDataRole.ForegroundRole:
            return _MUTED if visit.status in _GONE else None
        if index.column() == self.WITH and role in (
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return visit.therapist_name  # the whole name, for the tooltip and screen readers
        return super().data(index, role)


def _label(name: str = "", text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def _subheading(text: str) -> QLabel:
    label = _label("", text)
    font = label.font()
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    return label


class AttendanceView(QWidget):
    """The "Attendance" section of one patient's chart; ``show_patient`` loads it, and it
    reloads itself when appointments change. ``clock`` gives the current moment (tests fix
    it): it decides which visits are still ahead."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._clock = db, actor, clock
        self._zone = ZoneInfo("UTC")
        self._patient_id: int | None = None
        self.attendance: Attendance | None = None
        self.threshold_total: ThresholdTotal | None = None

        self.title = _label("sectionTitle", "Attendance")
        self.summary = _label()
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.threshold = _label()
        self.threshold.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty = _label("hint", NO_VISITS)
        self.error = _label("formError")
        self.ahead_title = _subheading(AHEAD)
        self.nothing_ahead = _label("hint", NOTHING_AHEAD)
        self.ahead_model = VisitTableModel(lambda: self._zone, self)
        self.ahead_table = self._table(self.ahead_model, "Upcoming visits")
        self.past_title = _subheading("Past visits")
        self.past_model = VisitTableModel(lambda: self._zone, self)
        self.past_table = self._table(self.past_model, "Past visits")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(6)
        for widget in self._parts():
            layout.addWidget(widget)
        self._show_nothing()
        events().data_changed.connect(self._on_data_changed)

    def _parts(self) -> list[QWidget]:
        """The section's widgets, top to bottom."""
        return [
            self.title, self.error, self.summary, self.threshold, self.empty, self.ahead_title,
            self.nothing_ahead, self.ahead_table, self.past_title, self.past_table,
        ]  # fmt: skip

    def _table(self, model: VisitTableModel, accessible: str) -> QTableView:
        table = record_table(model)  # in the administration tables' style (cell padding)
        table.setAccessibleName(accessible)
        table.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere else
        table.setShowGrid(False)
        table.verticalHeader().setDefaultSectionSize(26)
        # Room for a sideways scroll bar always: a chart pane narrowed with the splitter
        # must not make the table grow and shrink.
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        return table

    # --- public -------------------------------------------------------------------------------

    def show_patient(self, patient_id: int) -> None:
        self._patient_id = patient_id
        self.threshold_total = None
        self.reload()
        self.reload_threshold()

    def clear(self) -> None:
        self._patient_id = None
        self.attendance = None
        self.threshold_total = None
        self._show_nothing()

    def reload(self) -> None:
        """Read the patient's visits again and show them."""
        if self._patient_id is None:
            return
        try:
            found = attendance(self._db, self._actor, self._patient_id)
            self._zone = clinic_zone(self._db)
        except DatabaseUnavailable as exc:
            log.warning("loading attendance failed: %s", exc.__cause__ or exc)
            self._show_error(LOAD_TROUBLE)
            return
        except DomainError as exc:
            self._show_error(str(exc))
            return
        self.attendance = found
        self._show(found)

    def reload_threshold(self) -> None:
        """Read the patient's therapy billed this year again (an audited view); the line shows
        only when the clinic keeps fees and the visits loaded."""
        if self._patient_id is None or self.attendance is None:
            return
        try:
            total = patient_threshold(self._db, self._actor, self._patient_id, now=self._clock())
        except DomainError as exc:  # the visits above still stand; this line is extra
            log.warning("loading the therapy threshold total failed: %s", exc.__cause__ or exc)
            total = None
        self.threshold_total = total
        self._show_threshold()

    # --- showing ------------------------------------------------------------------------------

    def _show_nothing(self) -> None:
        for widget in self._parts()[1:]:  # the heading stays
            widget.hide()
        self.ahead_model.set_records([])
        self.past_model.set_records([])

    def _show_error(self, text: str) -> None:
        self.attendance = None
        self._show_nothing()
        self.error.setText("⚠ " + text)
        self.error.show()

    def _show(self, found: Attendance) -> None:
        self._show_nothing()
        if not found.visits:
            self.empty.show()
            return
        warn = found.no_shows >= NO_SHOW_WARNING_AT
        self.summary.setText(("⚠ " if warn else "") + found.summary_text())
        self.summary.setToolTip(f"Missed {found.no_shows} visits without notice." if warn else "")
        # The style sheet picks the warning colours by object name; a (blank) widget style
        # sheet makes it read the rules again.
        self.summary.setObjectName("formNotice" if warn else "")
        self.summary.setStyleSheet("/* restyle */")
        self.summary.show()
        self._show_threshold()
        today = self._clock().astimezone(self._zone).date()
        ahead, past = split_visits(found.visits, today, self._zone)
        self.ahead_title.setText(f"Today and upcoming ({len(ahead)})" if ahead else AHEAD)
        self.ahead_title.show()
        self._fill(self.ahead_table, self.ahead_model, ahead)
        self.nothing_ahead.setVisible(not ahead)
        self.past_title.setText(f"Past visits ({len(past)})")
        self.past_title.setVisible(bool(past))
        self._fill(self.past_table, self.past_model, past)

    def _fill(
        self, table: QTableView, model: VisitTableModel, visits: list[AttendanceVisit]
    ) -> None:
        model.set_records(visits)
        table.setVisible(bool(visits))
        if not visits:
            return
        # As tall as its rows, up to a few (then it scrolls): never a half-empty box.
        rows = min(len(visits), MAX_ROWS_SHOWN)
        height = table.horizontalHeader().sizeHint().height()
        height += rows * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth()
        height += table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        table.setFixedHeight(height)

    def _show_threshold(self) -> None:
        total = self.threshold_total
        words = total.words() if total is not None and self.summary.isVisibleTo(self) else ""
        over = total is not None and total.over
        self.threshold.setText(("⚠ " if over else "") + words)
        self.threshold.setObjectName("formNotice" if over else "")
        self.threshold.setStyleSheet("/* restyle */")
        self.threshold.setVisible(bool(words))

    def _on_data_changed(self, kind: str, ids: list[object]) -> None:
        if kind == "appointment":
            self.reload()
            if self.attendance and set(ids) & {v.id for v in self.attendance.visits}:
                self.reload_threshold()  # e.g. a visit completed by its signed note
        elif kind == "billing":
            self.reload_threshold()
