"""What the front desk does to the schedule through dialogs and drags: book a visit or a series,
move one or a series' visits, check in, cancel (offering the freed time to the waitlist), mark a
no-show, book from the waitlist, record time off and print the day sheet.

``VisitActions`` is the Schedule page's half that acts; ``SchedulePage`` (page.py) builds the
page, reads and lays out the schedule, and navigates. Every change goes through the services and
is announced with ``events().data_changed``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QStackedWidget, QWidget

from ptclinic.db import Database
from ptclinic.services import booking
from ptclinic.services.actor import Actor
from ptclinic.services.availability import local_moment
from ptclinic.services.calendar import AppointmentView
from ptclinic.services.errors import DatabaseUnavailable, DomainError
from ptclinic.services.patient_search import patient_summary
from ptclinic.services.schedule_view import AppointmentStatus, can_move, status_changes
from ptclinic.services.series_changes import SeriesScope
from ptclinic.services.waitlist import WaitlistItem
from ptclinic.ui.admin.common import MessageLine, confirm
from ptclinic.ui.admin.time_off_dialog import TimeOffDialog
from ptclinic.ui.events import events
from ptclinic.ui.printing.day_sheet_dialog import DaySheetDialog
from ptclinic.ui.schedule.appearance import time_range
from ptclinic.ui.schedule.booking_dialog import BookingDialog
from ptclinic.ui.schedule.dialogs import CancelDialog, OverrideDialog, visit_summary
from ptclinic.ui.schedule.form_parts import ScheduleChoices
from ptclinic.ui.schedule.grid import ScheduleGrid
from ptclinic.ui.schedule.layout import Arrangement, DropTarget, Slot, short_date, week_of
from ptclinic.ui.schedule.moves import NOT_CHANGED_DATABASE, Mover, Placement
from ptclinic.ui.schedule.series_change import (
    SeriesCancelDialog,
    SeriesChangeDialog,
    SeriesScopeQuestion,
)
from ptclinic.ui.schedule.series_dialog import SeriesDialog
from ptclinic.ui.schedule.waitlist_offers import offer_freed_slot

log = logging.getLogger(__name__)

S = AppointmentStatus


class VisitActions(QWidget):
    """The acting half of the Schedule page. ``SchedulePage`` sets the attributes below, lays
    out the schedule (``reload``) and shows what the selected visit allows
    (``_selection_changed``)."""

    open_chart = Signal(int)  # a patient id: the main window shows that chart
    open_visit_note = Signal(int)  # an appointment id: the main window opens the visit's note

    _db: Database
    _actor: Actor
    _zone: ZoneInfo
    _clock: Callable[[], datetime]
    _choices: ScheduleChoices
    # A booking, series or series-change dialog open: asked about before the app closes.
    _dialog: BookingDialog | SeriesDialog | SeriesChangeDialog | None
    day: date
    arrangement: Arrangement
    week_therapist: int | None
    grid: ScheduleGrid
    mover: Mover
    message: MessageLine
    bottom: QStackedWidget

    def reload(self) -> None:
        raise NotImplementedError  # SchedulePage reads and lays out the schedule

    def _selection_changed(self) -> None:
        raise NotImplementedError  # SchedulePage enables what the selected visit allows

    def _now(self) -> datetime:
        return self._clock()

    def _today(self) -> date:
        return self._now().astimezone(self._zone).date()

    def _error(self, text: str) -> None:
        self.message.show_error(text)
        self.bottom.setCurrentWidget(self.message)

    def _notice(self, text: str) -> None:
        self.message.show_notice(text)
        self.bottom.setCurrentWidget(self.message)

    def _changes(self, view: AppointmentView | None) -> frozenset[AppointmentStatus]:
        if view is None:
            return frozenset()
        return status_changes(view.status, starts_at=view.starts_at, now=self._now())

    # --- booking and moving -------------------------------------------------------------------

    def exec_dialog(self, dialog: QDialog) -> int:
        """Show a dialog modally (tests replace this to drive the dialog); the keyboard comes
        back to the grid afterwards, so the next key works on the schedule."""
        try:
            return dialog.exec()
        finally:
            self.grid.setFocus(Qt.FocusReason.OtherFocusReason)

    def _default_start(self, slot: Slot | None) -> tuple[datetime, int | None, int | None]:
        """When, with whom and where a new booking starts: the chosen slot, or else the next
        quarter hour today (the grid's first hour on another day)."""
        if slot is not None:
            column = slot.column
            clock = time(slot.minute // 60 % 24, slot.minute % 60)
            return local_moment(column.day, clock, self._zone), column.therapist_id, column.room_id
        view = self.grid.selected_view()
        therapist = view.therapist_id if view is not None else None
        if self.arrangement is Arrangement.WEEK:
            therapist = self.week_therapist
        if therapist is None and any(
            c.id == self._actor.staff_id for c in self._choices.clinicians
        ):
            therapist = self._actor.staff_id
        now = self._now().astimezone(self._zone)
        first = self.grid.grid_layout().first_minute
        if self.day == now.date():
            minute = max(first, (now.hour * 60 + now.minute) // 15 * 15 + 15)
        else:
            minute = first
        clock = time(min(minute, 23 * 60 + 45) // 60, minute % 60)
        return local_moment(self.day, clock, self._zone), therapist, None

    def _where(self, starts_at: datetime, minutes: int, therapist_id: int) -> str:
        start = starts_at.astimezone(self._zone)
        end = (starts_at + timedelta(minutes=minutes)).astimezone(self._zone)
        who = self._therapist_name(therapist_id)
        return f"{short_date(start.date())}, {start:%H:%M}–{end:%H:%M}" + (
            f" with {who}" if who else ""
        )

    def _where_view(self, view: AppointmentView) -> str:
        day = short_date(view.starts_at.astimezone(self._zone).date())
        return f"{day}, {time_range(view, self._zone)} with {view.therapist_name}"

    def _therapist_name(self, therapist_id: int) -> str:
        return next((c.full_name for c in self._choices.clinicians if c.id == therapist_id), "")

    def book(self, slot: Slot | None = None) -> None:
        """Open the booking dialog at ``slot`` (or the selected slot, or a sensible time)."""
        slot = slot or self.grid.selected_slot()
        starts_at, therapist, room = self._default_start(slot)
        self._open_booking(BookingDialog(
            self._db, self._actor, self._choices, self._zone,
            starts_at=starts_at, therapist_id=therapist, room_id=room, clock=self._clock,
            parent=self,
        ))  # fmt: skip

    def move_visit(self) -> None:
        view = self.grid.selected_view()
        if view is None or not can_move(view.status):
            return
        scope = self._series_scope(view, "Move")
        if scope is None:
            return
        if scope is not SeriesScope.ONE:
            self._change_series(view, scope)
            return
        self._open_booking(BookingDialog(
            self._db, self._actor, self._choices, self._zone,
            starts_at=view.starts_at, moving=view, clock=self._clock, parent=self,
        ))  # fmt: skip

    def _open_booking(self, dialog: BookingDialog) -> None:
        self._dialog = dialog
        try:
            accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        finally:
            self._dialog = None
        moving = dialog.moving
        saved_id, saved_version = dialog.saved_id, dialog.saved_version
        request = dialog.request()
        dialog.deleteLater()
        if not accepted or saved_id is None or request is None:
            return
        self._show_visit(saved_id, request.starts_at)
        placed = self.grid.selected_view()
        where = self._where(request.starts_at, request.minutes, request.therapist_id)
        if moving is not None and saved_version is not None:
            self.mover.remember(moving, saved_version, self._where_view(moving))
            self._notice(f"Moved {moving.patient_short} to {where}. Ctrl+Z puts it back.")
            self._offer_freed(moving)
        else:
            name = placed.patient_short if placed is not None else "the patient"
            self._notice(f"Booked {name} on {where}.")
        self._selection_changed()

    def _show_visit(self, appointment_id: int, starts_at: datetime | None) -> None:
        """Select the visit, turning to its day first when another day is shown (a booking
        made for next week is looked at next week)."""
        if starts_at is not None:
            day = starts_at.astimezone(self._zone).date()
            shown = week_of(self.day) if self.arrangement is Arrangement.WEEK else [self.day]
            if day not in shown:
                self.day = day
                self.reload()
        self.grid.select_appointment(appointment_id)

    def book_series(self) -> None:
        """Book recurring visits, starting from the chosen slot (or a sensible time)."""
        starts_at, therapist, room = self._default_start(self.grid.selected_slot())
        dialog = SeriesDialog(
            self._db, self._actor, self._choices, self._zone, starts_at=starts_at,
            therapist_id=therapist, room_id=room, now=self._now(), parent=self,
        )  # fmt: skip
        self._dialog = dialog
        try:
            accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        finally:
            self._dialog = None
        ids, summary = dialog.saved_ids, dialog.saved_summary
        dialog.deleteLater()
        if accepted and ids:
            self._show_visit(ids[0], dialog.saved_first_start)
            self._notice(summary)
            self._selection_changed()

    def _series_scope(self, view: AppointmentView, action_words: str) -> SeriesScope | None:
        """Which visits of the visit's series to act on (ONE for a visit not in a series)."""
        if view.series_id is None:
            return SeriesScope.ONE
        question = SeriesScopeQuestion(
            action_words, summary=visit_summary(view, self._zone), parent=self
        )
        accepted = self.exec_dialog(question) == QDialog.DialogCode.Accepted.value
        scope = question.scope()
        question.deleteLater()
        return scope if accepted else None

    def _change_series(self, view: AppointmentView, scope: SeriesScope) -> None:
        dialog = SeriesChangeDialog(
            self._db, self._actor, self._choices, self._zone, view, self, scope=scope,
            now=self._now(),
        )  # fmt: skip
        self._dialog = dialog
        try:
            accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        finally:
            self._dialog = None
        done = dialog.done_text() if accepted and dialog.saved is not None else ""
        dialog.deleteLater()
        if done:
            self.grid.select_appointment(view.id)
            self._notice(done)
            self._selection_changed()

    def _dropped(self, target: DropTarget) -> None:
        view, column = target.view, target.column
        clock = time(target.minute // 60 % 24, target.minute % 60)
        starts_at = local_moment(column.day, clock, self._zone)
        therapist = column.therapist_id if column.therapist_id is not None else view.therapist_id
        room = column.room_id if column.by_room else view.room_id
        to = Placement(starts_at, target.minutes, therapist, room)
        result = self.mover.move(
            view,
            to,
            where_text=self._where(starts_at, target.minutes, therapist),
            before_text=self._where_view(view),
        )
        self._report(result.moved, result.message, result.appointment_id)
        if result.moved:
            self._offer_freed(view)

    def _drag_refused(self, view: AppointmentView) -> None:
        state = {
            "checked_in": "checked in",
            "completed": "completed",
            "cancelled": "cancelled",
            "no_show": "marked as a no-show",
        }.get(view.status, view.status)
        advice = " Undo the check-in first to move it." if view.status == "checked_in" else ""
        self._error(
            f"Only scheduled visits can be moved; {view.patient_short}'s visit is {state}.{advice}"
        )

    def undo_move(self) -> None:
        result = self.mover.undo()
        if result is None:
            self._notice("Nothing to undo: no visit has been moved here yet.")
            return
        self._report(result.moved, result.message, result.appointment_id)

    def _report(self, moved: bool, message: str, appointment_id: int) -> None:
        if moved:
            events().data_changed.emit("appointment", [appointment_id])
            self.grid.select_appointment(appointment_id)
            self._notice(message)
        else:
            self.reload()  # someone else's change may be the reason: show the schedule as it is
            self._error(message)
        self._selection_changed()

    def _ask_override(self, why: str, perform: Callable[[Actor], int]) -> int | None:
        dialog: OverrideDialog[int] = OverrideDialog(
            self._db, why, perform, ok_label="&Allow and move", parent=self
        )
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        outcome = dialog.outcome
        dialog.deleteLater()
        return outcome if accepted else None

    def change_status(self, status: AppointmentStatus) -> None:
        view = self.grid.selected_view()
        if view is None or status not in self._changes(view):
            return
        try:
            booking.set_status(
                self._db, self._actor, view.id, view.version, status, now=self._now()
            )
        except DatabaseUnavailable as exc:
            log.warning("status change failed: %s", exc.__cause__ or exc)
            self._error(NOT_CHANGED_DATABASE)
            return
        except DomainError as exc:
            self.reload()
            self._error(str(exc))
            return
        events().data_changed.emit("appointment", [view.id])
        slot = f"{time_range(view, self._zone)} with {view.therapist_name}"
        done = {
            S.CHECKED_IN: f"{view.patient_short} is checked in ({slot}).",
            S.SCHEDULED: f"Check-in undone: {view.patient_short} is scheduled again.",
            S.NO_SHOW: f"{view.patient_short} is marked as a no-show.",
        }
        self._notice(done.get(status, "Done."))

    def mark_no_show(self) -> None:
        view = self.grid.selected_view()
        if view is not None and S.NO_SHOW in self._changes(view) and self.confirm_no_show(view):
            self.change_status(S.NO_SHOW)

    def confirm_no_show(self, view: AppointmentView) -> bool:
        """Ask first: a no-show cannot be taken back here and counts towards the warning."""
        return confirm(
            self,
            "Mark as no-show",
            f"Mark {view.patient_name}'s visit at {time_range(view, self._zone)} as missed without "
            "notice?\n\nThis cannot be undone from the schedule.",
            "Mark as &no-show",
        )

    def cancel_visit(self) -> None:
        view = self.grid.selected_view()
        if view is None or S.CANCELLED not in self._changes(view):
            return
        if view.series_id is not None:
            self._cancel_in_series(view)
            return
        dialog = CancelDialog(self._db, self._actor, view, self._zone, self._now(), self)
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        late = dialog.late
        dialog.deleteLater()
        if accepted:
            kind = "a late cancellation" if late else "cancelled"
            when = time_range(view, self._zone)
            self._notice(f"{view.patient_short}'s visit at {when} is {kind}; the slot is free.")
            self._offer_freed(view)

    def _cancel_in_series(self, view: AppointmentView) -> None:
        """A series visit: the dialog asks which visits, with the reason."""
        dialog = SeriesCancelDialog(self._db, self._actor, view, self._zone, self._now(), self)
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        cancelled, done = dialog.cancelled_ids, dialog.done_text()
        dialog.deleteLater()
        if accepted and cancelled:
            self._notice(done)
            if cancelled == (view.id,):
                self._offer_freed(view)  # one freed visit is worth offering; a series is not

    def _offer_freed(self, freed: AppointmentView) -> None:
        """Offer the time a cancelled or moved visit left to whoever waits for it."""
        booked = offer_freed_slot(
            self, self._db, self._actor, self._zone, freed, self.exec_dialog, now=self._now()
        )
        if booked is not None:
            self.grid.select_appointment(booked)
            placed = self.grid.selected_view()
            if placed is not None:
                where = self._where_view(placed)
                self._notice(f"Booked {placed.patient_short} from the waitlist on {where}.")
            self._selection_changed()

    def book_for_waitlist(self, item: WaitlistItem) -> None:
        """Book a waiting patient (their wished visit type and therapist filled in); saving
        takes them off the waitlist in the same transaction."""
        try:
            patient = patient_summary(self._db, self._actor, item.patient_id)
        except DomainError as exc:
            self._error(str(exc))
            return
        starts_at, therapist, room = self._default_start(self.grid.selected_slot())
        self._open_booking(BookingDialog(
            self._db, self._actor, self._choices, self._zone,
            starts_at=starts_at, therapist_id=item.therapist_id or therapist, room_id=room,
            patient=patient, waitlist_entry=item, clock=self._clock, parent=self,
        ))  # fmt: skip

    def add_time_off(self) -> None:
        """Record an absence (the front desk hears of a sick day first): for the therapist of the
        selected column or visit, from the day shown. The absence is shaded once saved."""
        slot, view = self.grid.selected_slot(), self.grid.selected_view()
        staff_id = (
            slot.column.therapist_id
            if slot is not None
            else view.therapist_id
            if view is not None
            else self.week_therapist
            if self.arrangement is Arrangement.WEEK
            else None
        )
        first = slot.column.day if slot is not None else self.day
        dialog = TimeOffDialog(
            self._db, self._actor, self._choices.clinicians, staff_id=staff_id, day=first,
            parent=self,
        )  # fmt: skip
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        notice = dialog.notice()
        dialog.deleteLater()
        if accepted and notice:
            self._notice(notice)

    def print_day_sheet(self) -> None:
        """The day sheet of the day shown (of the week's therapist in the week view)."""
        therapist = self.week_therapist if self.arrangement is Arrangement.WEEK else None
        dialog = DaySheetDialog(self._db, self._actor, self._zone, self.day, therapist, self)
        self.exec_dialog(dialog)
        dialog.deleteLater()

    def open_selected_chart(self) -> None:
        view = self.grid.selected_view()
        if view is not None:
            self.open_chart.emit(view.patient_id)

    def write_visit_note(self) -> None:
        """Ask for the selected visit's note: started now, or the one already begun."""
        view = self.grid.selected_view()
        if view is not None:
            self.open_visit_note.emit(view.id)
