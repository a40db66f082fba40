"""A visit that belongs to a series: which visits an action is for, cancelling them, and
changing their time, days, length, therapist or room.

``SeriesScopeQuestion`` asks "only this visit, this and the following ones, or the whole
series?". ``SeriesCancelDialog`` cancels with a reason and says beforehand how many visits that
is and which count as late. ``SeriesChangeDialog`` moves this and the following visits (or every
visit still to come) onto a changed pattern, showing where each lands and what stands in its way
before anything is saved; one visit alone moves in the booking dialog, where its day can change.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import booking, series_changes
from ptclinic.services.actor import Actor
from ptclinic.services.calendar import AppointmentView
from ptclinic.services.errors import (
    DatabaseUnavailable,
    DomainError,
    PermissionDenied,
    ValidationError,
)
from ptclinic.services.recurrence import PlannedVisit
from ptclinic.services.series_changes import SeriesChange, SeriesChangeResult, SeriesScope
from ptclinic.ui.admin.common import ServiceDialog
from ptclinic.ui.events import events
from ptclinic.ui.forms import FieldErrors
from ptclinic.ui.schedule.dialogs import CANCEL_REASONS, visit_summary
from ptclinic.ui.schedule.fields import TimeField
from ptclinic.ui.schedule.form_parts import (
    CHECK_DELAY_MS,
    DATABASE_TROUBLE,
    UNREADABLE_TIME,
    ScheduleChoices,
    line,
    styled,
)
from ptclinic.ui.schedule.layout import short_date
from ptclinic.ui.schedule.series_parts import (
    DAY_LABELS,
    OverridePanel,
    VisitRow,
    VisitRowsModel,
    WeekdayBoxes,
    check_words,
    day_and_time,
    fill_rooms,
    fill_therapists,
    visit_table,
)
from ptclinic.ui.schedule.series_plan import plural
from ptclinic.ui.unsaved import KeepsWorkDialog

log = logging.getLogger(__name__)

SCOPE_WORDS = {
    SeriesScope.ONE: "Only &this visit",
    SeriesScope.FOLLOWING: "This and the &following visits",
    SeriesScope.ALL: "The &whole series (every visit still to come)",
}
NAMED_AT_MOST = 6
SAY_WHAT_CHANGES = (
    "Change the time, days, length, therapist or room; each visit's new time is checked as you go."
)
CANNOT_MOVE = (
    "{} cannot move there: change the time or the days, or move those visits one by one first. "
    "Nothing was changed."
)
COUNT_TROUBLE = "Could not count the visits: the database did not answer. Try again in a moment."


def _days_list(moments: Sequence[datetime], zone: ZoneInfo) -> str:
    """ "Thu Dec 17, Mon Dec 21 and Thu Dec 24" (the first few, then how many more)."""
    names = [short_date(m.astimezone(zone).date()) for m in moments[:NAMED_AT_MOST]]
    if len(moments) > NAMED_AT_MOST:
        return ", ".join(names) + f" and {len(moments) - NAMED_AT_MOST} more"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _scope_radios(
    scopes: Sequence[SeriesScope], chosen: SeriesScope, parent: QWidget
) -> tuple[QWidget, QButtonGroup, dict[SeriesScope, QRadioButton]]:
    """The scopes as radio buttons, one a line (arrow keys move between them)."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(4)
    group = QButtonGroup(parent)
    radios: dict[SeriesScope, QRadioButton] = {}
    for scope in scopes:
        radio = QRadioButton(SCOPE_WORDS[scope])
        radio.setObjectName(f"scope_{scope.value}")
        group.addButton(radio)
        column.addWidget(radio)
        radios[scope] = radio
    radios[chosen if chosen in radios else scopes[0]].setChecked(True)
    return box, group, radios


def _checked(radios: dict[SeriesScope, QRadioButton]) -> SeriesScope:
    return next(scope for scope, radio in radios.items() if radio.isChecked())


def _late_words(count: int, late: int) -> str:
    if count == 1:
        return (
            "This is less than 24 hours before the visit, so it will be recorded as a late "
            "cancellation."
        )
    if late == 1:
        return (
            "1 of them is less than 24 hours away, so it will be recorded as a late cancellation."
        )
    return (
        f"{late} of them are less than 24 hours away, so they will be recorded as late "
        "cancellations."
    )


# --- which visits ---------------------------------------------------------------------------------


class SeriesScopeQuestion(QDialog):
    """ "Move which visits?": only this one, this and the following ones, or the whole series.
    Arrow keys choose, Enter continues, Esc cancels; ``scope()`` says the choice."""

    def __init__(
        self,
        action_words: str,
        *,
        summary: str = "",
        scopes: Sequence[SeriesScope] = tuple(SeriesScope),
        chosen: SeriesScope = SeriesScope.ONE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{action_words} a visit of a series")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        if summary:
            header = QLabel(summary)
            header.setObjectName("hint")
            header.setWordWrap(True)
            layout.addWidget(header)
        question = QLabel(f"This visit is one of a series. {action_words} which visits?")
        question.setWordWrap(True)
        layout.addWidget(question)
        box, self._group, self.radios = _scope_radios(scopes, chosen, self)
        layout.addWidget(box)
        buttons = QDialogButtonBox()
        self.continue_button = buttons.addButton(
            "C&ontinue", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.continue_button.setDefault(True)
        cancel = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.continue_button.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.radios[self.scope()].setFocus()

    def scope(self) -> SeriesScope:
        return _checked(self.radios)


def ask_scope(
    parent: QWidget | None,
    action_words: str,
    *,
    summary: str = "",
    scopes: Sequence[SeriesScope] = tuple(SeriesScope),
) -> SeriesScope | None:
    """Ask which visits of the series ``action_words`` ("Move", "Cancel") is for; None when
    the person cancels."""
    question = SeriesScopeQuestion(action_words, summary=summary, scopes=scopes, parent=parent)
    try:
        if question.exec() != QDialog.DialogCode.Accepted.value:
            return None
        return question.scope()
    finally:
        question.deleteLater()


@dataclass(frozen=True)
class Affected:
    appointment_id: int
    starts_at: datetime


def affected_visits(
    db: Database,
    actor: Actor,
    view: AppointmentView,
    scope: SeriesScope,
    now: datetime | None,
) -> list[Affected]:
    """The booked visits a cancel or change with ``scope`` touches, as the series service
    chooses them. Raises what that service raises (a checked-in visit as the start of "this and
    the following")."""
    visits = series_changes.series_visits(db, actor, view.id, scope, now=now)
    return [Affected(appointment_id, starts_at) for appointment_id, starts_at in visits]


# --- cancelling -----------------------------------------------------------------------------------


class SeriesCancelDialog(ServiceDialog):
    """Cancel one visit, this and the following ones, or every visit still to come, with a
    reason. After Accepted, ``cancelled_ids`` and ``late_count`` say what was done and
    ``done_text()`` says it in a sentence for the page."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        view: AppointmentView,
        zone: ZoneInfo,
        now: datetime,
        parent: QWidget | None = None,
        *,
        scope: SeriesScope = SeriesScope.ONE,
    ) -> None:
        super().__init__("Cancel visits of a series", "Cancel the &visit", parent)
        self._db, self._actor, self._view, self._zone, self._now = db, actor, view, zone, now
        self._affected: dict[SeriesScope, list[Affected] | str] = {}
        self.cancelled_ids: tuple[int, ...] = ()
        self.late_count = 0
        self.set_intro(visit_summary(view, zone) + " · one of a series")
        keep = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        keep.setText("&Keep the visits")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        box, self._group, self.radios = _scope_radios(tuple(SeriesScope), scope, self)
        self.fields.add_row("scope", "Which visits", box)
        self.reason = QComboBox()
        self.reason.setObjectName("cancelReason")
        self.reason.setEditable(True)
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason.addItems(["", *CANCEL_REASONS])
        line = self.reason.lineEdit()
        assert line is not None  # editable combo boxes always have one
        line.setPlaceholderText("Why are the visits cancelled? (required)")
        line.setMaxLength(200)
        self.fields.add_row("reason", "&Reason", self.reason)
        self.count_line = QLabel()
        self.count_line.setObjectName("scheduleDetails")
        self.count_line.setWordWrap(True)
        self.form.addRow(self.count_line)
        self.late_notice = styled("formNotice")
        self.form.addRow(self.late_notice)
        self._group.buttonToggled.connect(lambda _button, on: self._describe() if on else None)
        self._describe()
        self.reason.setFocus()

    def scope(self) -> SeriesScope:
        return _checked(self.radios)

    def _visits(self, scope: SeriesScope) -> list[Affected] | str:
        """The visits ``scope`` cancels, or why it cannot (asked once per scope)."""
        if scope not in self._affected:
            try:
                self._affected[scope] = affected_visits(
                    self._db, self._actor, self._view, scope, self._now
                )
            except DatabaseUnavailable as exc:
                log.warning("counting a series' visits failed: %s", exc.__cause__ or exc)
                return COUNT_TROUBLE
            except DomainError as exc:
                self._affected[scope] = str(exc)
        return self._affected[scope]

    def _describe(self) -> None:
        """How many visits this cancels, which, and how many of them count as late."""
        visits = self._visits(self.scope())
        self.late_notice.hide()
        if isinstance(visits, str):
            self.count_line.setText("✗ " + visits)
            self.ok_button.setText("Cancel the &visits")
            return
        moments = [v.starts_at for v in visits]
        count = len(visits)
        self.ok_button.setText("Cancel the &visit" if count == 1 else f"Cancel {count} &visits")
        self.count_line.setText(
            "Nothing of this series is booked from then on."
            if not count
            else f"{plural(count, 'visit')} will be cancelled: {_days_list(moments, self._zone)}."
        )
        self.late_count = sum(1 for m in moments if booking.is_late_cancel(m, self._now))
        if self.late_count:
            self.late_notice.setText("⚠ " + _late_words(count, self.late_count))
            self.late_notice.show()

    def save(self) -> None:
        self.cancelled_ids = series_changes.cancel_series(
            self._db,
            self._actor,
            self._view.id,
            self._view.version,
            self.scope(),
            reason=self.reason.currentText(),
            now=self._now,
        )
        visits = self._visits(self.scope())
        starts = {v.appointment_id: v.starts_at for v in visits} if isinstance(visits, list) else {}
        self.late_count = sum(
            1
            for cancelled in self.cancelled_ids
            if cancelled in starts and booking.is_late_cancel(starts[cancelled], self._now)
        )
        events().data_changed.emit("appointment", list(self.cancelled_ids))

    def done_text(self) -> str:
        """ "M. Ortiz: 3 visits of the series cancelled (1 late); the slots are free."."""
        count = len(self.cancelled_ids)
        late = f" ({self.late_count} late)" if self.late_count and count > 1 else ""
        if count == 1:
            kind = "a late cancellation" if self.late_count else "cancelled"
            return f"{self._view.patient_short}'s visit is {kind}; the slot is free."
        return (
            f"{self._view.patient_short}: {count} visits of the series cancelled{late}; "
            "the slots are free."
        )


# --- changing -------------------------------------------------------------------------------------


class SeriesChangeDialog(KeepsWorkDialog):
    """Change the time, weekdays, length, therapist or room of this and the following visits
    (or every visit still to come). A moment after each change the recurrence service's preview
    shows where each visit lands and what stands in its way; a clash anywhere keeps every visit
    where it is (all or nothing), a time outside the hours needs an administrator. After a save,
    ``saved`` is the service's result and ``events().data_changed`` has been emitted.

    One visit alone is moved with ``BookingDialog(moving=view)``: ``SeriesScope.ONE`` is not
    offered here.
    """

    def __init__(
        self,
        db: Database,
        actor: Actor,
        choices: ScheduleChoices,
        zone: ZoneInfo,
        view: AppointmentView,
        parent: QWidget | None = None,
        *,
        scope: SeriesScope = SeriesScope.FOLLOWING,
        now: datetime | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._zone, self._view, self._now = db, actor, zone, view, now
        self._planned: list[PlannedVisit] | None = None
        self.saved: SeriesChangeResult | None = None
        self.setWindowTitle("Change visits of a series")
        self.setMinimumWidth(760)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.run_preview)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(8)
        header = QLabel(visit_summary(view, zone) + " · one of a series")
        header.setObjectName("chartIds")
        header.setWordWrap(True)
        frame = QFrame()
        frame.setObjectName("chartHeader")
        QVBoxLayout(frame).addWidget(header)
        layout.addWidget(frame)

        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(4)
        self.fields = FieldErrors(self.form)
        layout.addLayout(self.form)
        self._build_fields(choices, scope)

        self.model = VisitRowsModel(("Visit", "Moves to", "What stands in the way"), self)
        self.table = visit_table(self.model)
        self.table.setMinimumHeight(180)
        caption = QLabel("&Check where each visit moves")
        caption.setObjectName("sectionTitle")
        caption.setBuddy(self.table)
        self.hint = styled("hint")
        self.preview_error = styled("formError")
        self.tally = styled("hint")
        self.override = OverridePanel(db)
        self.form_error = styled("formError")
        for above in (caption, self.hint, self.preview_error):
            layout.addWidget(above)
        layout.addWidget(self.table, 1)
        below: tuple[QWidget, ...] = (self.tally, self.override, self.form_error)
        for widget in below:
            layout.addWidget(widget)

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            "Chan&ge the visits", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 640)

        self._initial = self._snapshot()
        self.run_preview()
        self.time_edit.setFocus()

    def _build_fields(self, choices: ScheduleChoices, scope: SeriesScope) -> None:
        view, zone = self._view, self._zone
        scopes = (SeriesScope.FOLLOWING, SeriesScope.ALL)
        box, self._group, self.radios = _scope_radios(scopes, scope, self)
        self.fields.add_row("scope", "Which visits", box)
        local = view.starts_at.astimezone(zone)
        self._initial_time = time(local.hour, local.minute)
        self.time_edit = TimeField(self._initial_time)
        self.time_edit.setObjectName("seriesChangeTime")
        self.time_edit.setToolTip("Choose a time or type one, such as 10:30 or 1030")
        self._initial_days = self._current_days(scope)
        self.weekdays = WeekdayBoxes(self._initial_days)
        self.minutes = QSpinBox()
        self.minutes.setObjectName("seriesChangeMinutes")
        self.minutes.setRange(5, booking.MAX_MINUTES)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(" min")
        self.minutes.setValue(view.minutes)
        self.therapist = QComboBox()
        self.therapist.setObjectName("seriesChangeTherapist")
        fill_therapists(
            self.therapist, choices.clinicians, view.therapist_id, missing=view.therapist_name
        )
        self.room = QComboBox()
        self.room.setObjectName("seriesChangeRoom")
        fill_rooms(self.room, choices.rooms, view.room_id)

        when = line((self.time_edit, 2), ("&Length", self.minutes, 1), (None, None, 2))
        self._add_row("at", "Ti&me", when, self.time_edit)
        self._add_row("weekdays", "&Days", self.weekdays, self.weekdays.boxes[0])
        who = line((self.therapist, 3), ("R&oom", self.room, 2))
        self._add_row("therapist", "&Therapist", who, self.therapist)
        self._group.buttonToggled.connect(lambda _button, on: self._changed() if on else None)
        for signal in (
            self.time_edit.editTextChanged,
            self.weekdays.changed,
            self.minutes.valueChanged,
            self.therapist.currentIndexChanged,
            self.room.currentIndexChanged,
        ):
            signal.connect(lambda *_args: self._changed())

    def _add_row(self, name: str, label: str, box: QWidget, first: QWidget) -> None:
        """A row whose field is several widgets: Alt+letter goes to ``first``."""
        self.fields.add_row(name, label, box)
        row = box.parentWidget()
        caption = self.form.labelForField(row) if row is not None else None
        if isinstance(caption, QLabel):
            caption.setBuddy(first)

    def _current_days(self, scope: SeriesScope) -> tuple[int, ...]:
        """The weekdays the visits to change are on now (this visit's day if they cannot be
        read)."""
        try:
            visits = affected_visits(self._db, self._actor, self._view, scope, self._now)
        except DomainError as exc:
            log.info("the series' weekdays could not be read: %s", exc)
            visits = []
        days = {v.starts_at.astimezone(self._zone).weekday() for v in visits}
        days = days or {self._view.starts_at.astimezone(self._zone).weekday()}
        return tuple(sorted(day for day in days if day < len(DAY_LABELS)))

    def _changed(self) -> None:
        self._timer.start()

    # --- the change and its preview ---------------------------------------------------------------

    def scope(self) -> SeriesScope:
        return _checked(self.radios)

    def change(self) -> SeriesChange | None:
        """What differs from the visit as it is; None while the time cannot be read."""
        clock = self.time_edit.time()
        if clock is None:
            return None
        view = self._view
        days = self.weekdays.days()
        therapist = self.therapist.currentData()
        room = self.room.currentData()
        return SeriesChange(
            at=clock if clock != self._initial_time else None,
            weekdays=days if days != self._initial_days else None,
            minutes=self.minutes.value() if self.minutes.value() != view.minutes else None,
            therapist_id=therapist if therapist != view.therapist_id else None,
            room_id=room,
            keep_room=room == view.room_id,
        )

    def run_preview(self) -> DomainError | None:
        """Ask the service where each visit would move and what stands in its way there;
        returns its refusal, if any (the words are on screen too)."""
        self._timer.stop()
        self._planned = None
        self.preview_error.hide()
        change = self.change()
        if change is None or change.empty:
            self._say(self.hint, "⚠ " + UNREADABLE_TIME if change is None else SAY_WHAT_CHANGES)
            self._show_rows()
            return None
        self.hint.hide()
        try:
            self._planned = series_changes.preview_change(
                self._db,
                self._actor,
                self._view.id,
                self._view.version,
                self.scope(),
                change,
                now=self._now,
            )
        except DatabaseUnavailable as exc:
            log.warning("previewing a series change failed: %s", exc.__cause__ or exc)
            self._say(self.preview_error, "⚠ " + COUNT_TROUBLE)
            self._show_rows()
            return exc
        except DomainError as exc:
            self._say(self.preview_error, "✗ " + str(exc))
            self._show_rows()
            return exc
        self._show_rows()
        return None

    def _show_rows(self) -> None:
        planned = self._planned or []
        rows = []
        for visit in planned:
            start, end = (m.astimezone(self._zone) for m in (visit.starts_at, visit.ends_at))
            words, tone = check_words(visit.check)
            if visit.therapist_id != self._view.therapist_id:
                name = self.therapist.currentText().split(",")[0]
                words = f"{words} (with {name})"
            rows.append(
                VisitRow(
                    (
                        day_and_time(visit.original_start, self._zone),
                        f"{short_date(start.date())}, {start:%H:%M}–{end:%H:%M}",
                        words,
                    ),
                    tone,
                )
            )
        self.model.set_rows(rows)
        clashes = sum(1 for v in planned if v.check.clashes)
        outside = any(v.check.outside_hours is not None for v in planned)
        self.override.setVisible(outside and not clashes)
        count = len(planned)
        self.save_button.setText(
            f"Chan&ge {plural(count, 'visit')}" if count else "Chan&ge the visits"
        )
        tally = f"{plural(count, 'visit')} move" + ("s" if count == 1 else "")
        if clashes:
            tally += f"; {clashes} of them cannot (✗ in the list), so nothing can be changed yet"
        self._say(self.tally, tally + "." if count else "")

    @staticmethod
    def _say(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def row_texts(self) -> list[str]:
        return [" | ".join(self.model.row(n).cells) for n in range(self.model.rowCount())]

    # --- saving -----------------------------------------------------------------------------------

    def save(self) -> None:
        self.fields.clear()
        self.form_error.hide()
        self.override.clear_error()
        if self._timer.isActive() or self._planned is None:
            refusal = self.run_preview()
            if isinstance(refusal, ValidationError):
                self._show_field_errors(refusal)
                return
            if refusal is not None:
                return  # its words are over the list
        change = self.change()
        if change is None:
            self.fields.show(ValidationError({"at": UNREADABLE_TIME}))
            return
        if change.empty or self._planned is None:
            self._refuse(SAY_WHAT_CHANGES, self.time_edit)
            return
        stuck = [v for v in self._planned if v.check.clashes]
        if stuck:
            names = ", ".join(day_and_time(v.original_start, self._zone) for v in stuck)
            self._refuse(CANNOT_MOVE.format(names), self.time_edit)
            return
        approver: Actor | None = None
        if any(v.check.outside_hours is not None for v in self._planned):
            approver = self.override.approver()
            if approver is None:
                return
        try:
            self.saved = series_changes.change_series(
                self._db,
                self._actor,
                self._view.id,
                self._view.version,
                self.scope(),
                change,
                now=self._now,
                override_by=approver,
            )
        except ValidationError as exc:
            self._show_field_errors(exc)
            return
        except DatabaseUnavailable as exc:
            log.warning("changing a series failed: %s", exc.__cause__ or exc)
            self._refuse(DATABASE_TROUBLE, None)
            return
        except PermissionDenied as exc:
            if approver is None:
                self._refuse(str(exc), None)
            else:
                self.override.password.clear()
                self.override.refuse(str(exc))
            return
        except DomainError as exc:  # taken meanwhile, or someone else changed the series
            self._refuse(str(exc), None)
            self.run_preview()
            return
        events().data_changed.emit("appointment", list(self.saved.moved))
        self.accept()

    def _show_field_errors(self, error: ValidationError) -> None:
        rows = {"minutes": "at", "room": "therapist", "change": "at"}
        placed = {rows.get(name, name): message for name, message in error.field_errors.items()}
        unplaced = self.fields.show(ValidationError(placed))
        if unplaced:
            self._refuse(" ".join(unplaced), None)

    def _refuse(self, message: str, focus: QWidget | None) -> None:
        self._say(self.form_error, "⚠ " + message)
        if focus is not None:
            focus.setFocus()

    def error_text(self) -> str:
        return self.form_error.text() if not self.form_error.isHidden() else ""

    def done_text(self) -> str:
        """ "Changed 4 visits of M. Ortiz's series." for the page."""
        count = len(self.saved.moved) if self.saved else 0
        return f"Changed {plural(count, 'visit')} of {self._view.patient_short}'s series."

    # --- closing ----------------------------------------------------------------------------------

    def _snapshot(self) -> tuple[object, ...]:
        return (
            self.scope(),
            self.time_edit.currentText(),
            self.weekdays.days(),
            self.minutes.value(),
            self.therapist.currentData(),
            self.room.currentData(),
        )

    unsaved_title = "Series not changed yet"

    def save_work(self) -> None:
        self.save()

    def unsaved_question(self) -> str:
        return "Change these visits before closing?"

    def is_dirty(self) -> bool:
        return self.saved is None and self._snapshot() != self._initial
