"""The Schedule page: today's visits at a glance, booking, moving, check-in and cancelling.

Keyboard: T or Ctrl+T today; Left/Right or Alt+Left/Right the previous/next day (week in the
week view); Ctrl+G goes to a date; D and W switch between the day and the week; R toggles
columns per therapist or per room; Ctrl+B books; Up/Down walk through the visits and Enter (or
the menu key) opens the selected visit's actions, each with its own shortcut; Ctrl+Z undoes the
last move. Every change goes through the booking service and is announced with
``events().data_changed("appointment", ids)``, which also refreshes this page.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import calendar, waitlist
from ptclinic.services.actor import Actor
from ptclinic.services.calendar import AppointmentView, CalendarSpan
from ptclinic.services.clinic import clinic_zone
from ptclinic.services.clinical_notes import NOT_DOCUMENTED
from ptclinic.services.errors import DatabaseUnavailable, DomainError
from ptclinic.services.permissions import Permission, can
from ptclinic.services.schedule_view import AppointmentStatus, can_move
from ptclinic.ui.admin.common import MessageLine
from ptclinic.ui.events import events
from ptclinic.ui.schedule import layout as grid_layout
from ptclinic.ui.schedule.appearance import (
    LEGEND,
    detail_text,
    hidden_names,
    summary_text,
    time_range,
)
from ptclinic.ui.schedule.dialogs import (
    GoToDateDialog,
)
from ptclinic.ui.schedule.form_parts import ScheduleChoices
from ptclinic.ui.schedule.grid import ScheduleGrid
from ptclinic.ui.schedule.layout import Arrangement, short_date, title_date
from ptclinic.ui.schedule.moves import Mover
from ptclinic.ui.schedule.toolbar import ScheduleToolbar
from ptclinic.ui.schedule.visit_actions import VisitActions
from ptclinic.ui.schedule.waitlist_panel import WaitlistPanel

log = logging.getLogger(__name__)

LOAD_TROUBLE = (
    "The schedule could not be loaded because the database did not answer. Check the network "
    "connection; the page tries again every minute."
)
WAITLIST_MIN_WIDTH, WAITLIST_WIDTH = 260, 300
REFRESH_MS = 60_000  # other workstations' bookings appear within a minute
S = AppointmentStatus
_REFRESHING_KINDS = {
    "appointment", "patient", "staff", "room", "clinic", "schedule_settings", "waitlist", "note",
}  # fmt: skip
WRITE_NOTE, OPEN_NOTE = "Write visit &note", "Open &note"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SchedulePage(VisitActions):
    """``clock`` gives the current moment (tests fix it); ``open_chart(patient_id)`` asks the
    main window to show that patient's chart, ``open_visit_note(appointment_id)`` (a
    clinician's "Write visit note", Ctrl+E or a double-click) to open the visit's note."""

    # An action chosen from the main window's Schedule menu while another page is shown: the
    # main window brings this page forward before the action runs.
    show_requested = Signal()

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
        try:
            self._zone = clinic_zone(db)
        except DomainError:
            self._zone = ZoneInfo("UTC")  # the first load says what is wrong
        self.day = self._today()
        self.arrangement = Arrangement.THERAPISTS
        self.week_therapist = None
        self._span: CalendarSpan | None = None
        self._choices = ScheduleChoices([], [], [])
        self._dialog = None
        self._scrolled_for: tuple[date, Arrangement] | None = None
        self.mover = Mover(db, actor, self._ask_override)

        self.grid = ScheduleGrid()
        self.grid.set_movable(lambda view: can_move(view.status))
        self.message = MessageLine()
        self._build()
        self._build_actions()
        self.grid.selection_changed.connect(self._selection_moved)
        self.grid.slot_activated.connect(self.book)
        self.grid.drop_requested.connect(self._dropped)
        self.grid.drag_refused.connect(self._drag_refused)
        self.grid.menu_requested.connect(self._show_menu)
        self.grid.visit_activated.connect(self._visit_activated)
        events().data_changed.connect(self._on_data_changed)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self.reload()

    # --- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.toolbar = ScheduleToolbar()
        self.toolbar.previous.connect(lambda: self.step(-1))
        self.toolbar.next.connect(lambda: self.step(1))
        self.toolbar.today.connect(self.go_today)
        self.toolbar.go_to_date.connect(self.go_to_date)
        self.toolbar.book.connect(lambda: self.book())
        self.toolbar.week_chosen.connect(self.set_week)
        self.toolbar.rooms_chosen.connect(self.set_by_rooms)
        self.toolbar.therapist_chosen.connect(self._week_therapist_chosen)
        self.toolbar.print_sheet.connect(self.print_day_sheet)
        self.toolbar.waitlist_toggled.connect(self.show_waitlist)

        self.details = QLabel()
        self.details.setObjectName("scheduleDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # What just happened ("Moved …", a refusal) takes the details' place under the grid
        # until the selection changes: a line appearing above the grid would make it jump
        # under the pointer right after a drop. Two lines high, whatever is shown.
        self.bottom = QStackedWidget()
        self.bottom.addWidget(self.details)
        self.bottom.addWidget(self.message)
        self.details.ensurePolished()
        self.bottom.setFixedHeight(2 * self.details.fontMetrics().lineSpacing() + 14)
        self.everyone_box = QCheckBox("Show &everyone")
        self.everyone_box.setToolTip("Also show a column for each therapist not working that day")
        self.everyone_box.toggled.connect(lambda _on: self.reload())
        bottom = QHBoxLayout()
        bottom.addWidget(self.bottom, 1)
        bottom.addWidget(self.everyone_box, 0, Qt.AlignmentFlag.AlignVCenter)

        # Who waits for a slot, beside the grid while the front desk fills freed time.
        self.waitlist = WaitlistPanel(self._db, self._actor, self._zone, self, clock=self._clock)
        self.waitlist.setMinimumWidth(WAITLIST_MIN_WIDTH)
        self.waitlist.hide()
        self.waitlist.book_requested.connect(self.book_for_waitlist)
        # The person drags the divider to give the grid or the list more room.
        self.middle = QSplitter(Qt.Orientation.Horizontal)
        self.middle.setChildrenCollapsible(False)
        self.middle.addWidget(self.grid)
        self.middle.addWidget(self.waitlist)
        self.middle.setStretchFactor(0, 1)
        self.middle.setStretchFactor(1, 0)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 6)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.middle, 1)
        layout.addLayout(bottom)
        self.setFocusProxy(self.grid)
        self.setTabOrder(self.grid, self.toolbar.prev_button)

    def _action(self, text: str, keys: str | list[str], slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        sequences = [keys] if isinstance(keys, str) else keys
        action.setShortcuts([QKeySequence(k) for k in sequences])
        # Only while this page (not a dialog) has the keyboard: Delete or Ctrl+Z elsewhere are
        # someone else's.
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: self._run(slot))
        self.addAction(action)
        return action

    def _run(self, slot: Callable[[], object]) -> None:
        if not self.isVisible():
            self.show_requested.emit()
        slot()

    def menu_actions(self) -> list[QAction | None]:
        """What the main window's Schedule menu offers, in order (None: a separator)."""
        return [
            self.book_action, self.series_action, self.waitlist_action, self.time_off_action,
            self.print_action, None,
            self.today_action, self.prev_action, self.next_action, self.goto_action, None,
            self.check_in_action, self.undo_check_in_action, self.no_show_action,
            self.move_action, self.cancel_action, self.undo_action, None, self.chart_action,
            *([self.note_action] if self.note_action is not None else []),
        ]  # fmt: skip

    def _build_actions(self) -> None:
        self.today_action = self._action("&Today", "Ctrl+T", self.go_today)
        self.prev_action = self._action("&Previous", "Alt+Left", lambda: self.step(-1))
        self.next_action = self._action("&Next", "Alt+Right", lambda: self.step(1))
        self.goto_action = self._action("&Go to date…", "Ctrl+G", self.go_to_date)
        self.book_action = self._action("&Book…", "Ctrl+B", self.book)
        self.series_action = self._action("Book a &series…", "Ctrl+Shift+B", self.book_series)
        self.undo_action = self._action("&Undo last move", "Ctrl+Z", self.undo_move)
        self.check_in_action = self._action(
            "Check &in", "Ctrl+I", lambda: self.change_status(S.CHECKED_IN)
        )
        self.undo_check_in_action = self._action(
            "&Undo check-in", "Ctrl+Shift+I", lambda: self.change_status(S.SCHEDULED)
        )
        self.cancel_action = self._action("&Cancel visit…", "Delete", self.cancel_visit)
        self.no_show_action = self._action("&No-show", "Ctrl+Shift+N", self.mark_no_show)
        self.move_action = self._action("&Move…", "Ctrl+M", self.move_visit)
        self.chart_action = self._action("Open &chart", "Ctrl+O", self.open_selected_chart)
        self.time_off_action = self._action("Add &time off…", "Ctrl+Shift+T", self.add_time_off)
        self.print_action = self._action("&Print day sheet…", "Ctrl+P", self.print_day_sheet)
        self.waitlist_action = self._action(
            "&Waitlist", "Ctrl+Shift+W", lambda: self.show_waitlist(not self.waitlist.isVisible())
        )
        # A clinician writes the visit's note from the calendar; the front desk does not.
        self.note_action: QAction | None = None
        if can(self._actor, Permission.WRITE_CLINICAL):
            self.note_action = self._action(WRITE_NOTE, "Ctrl+E", self.write_visit_note)
        self.book_here_action = QAction("&Book here…", self)
        self.book_here_action.setShortcut(QKeySequence("Ctrl+B"))
        self.book_here_action.triggered.connect(lambda _checked=False: self.book())
        self._selection_changed()

    # --- what is shown ------------------------------------------------------------------------

    def days_shown(self) -> tuple[date, date]:
        if self.arrangement is Arrangement.WEEK:
            week = grid_layout.week_of(self.day)
            return week[0], week[-1]
        return self.day, self.day

    def reload(self) -> None:
        """Read the span shown and lay it out (also after every change, here or elsewhere)."""
        first, last = self.days_shown()
        try:
            clinicians = calendar.clinicians(self._db, self._actor)
            self._choices = ScheduleChoices(
                clinicians, calendar.active_rooms(self._db), calendar.visit_types(self._db)
            )
            self._fill_week_therapists()
            therapists = (
                [self.week_therapist]
                if self.arrangement is Arrangement.WEEK and self.week_therapist is not None
                else None
            )
            span = calendar.calendar_span(
                self._db, self._actor, first, last, therapist_ids=therapists
            )
        except DatabaseUnavailable as exc:
            log.warning("loading the schedule failed: %s", exc.__cause__ or exc)
            self._error(LOAD_TROUBLE)
            return
        except DomainError as exc:
            self._error(str(exc))
            return
        self._span, self._zone = span, span.zone
        self._count_waiting()
        self.grid.set_layout(self._lay_out(span), span.zone)
        self.grid.set_now(self._now())
        self._show_heading()
        self._scroll_once()

    def _count_waiting(self) -> None:
        try:
            self.toolbar.set_waiting(len(waitlist.waiting_list(self._db, self._actor)))
        except DomainError as exc:  # the schedule itself loaded: say nothing more here
            log.warning("counting the waitlist failed: %s", exc.__cause__ or exc)

    def _lay_out(self, span: CalendarSpan) -> grid_layout.GridLayout:
        layout = self._columns_for(span)
        if not layout.columns:
            layout.empty_text = (
                "No therapist is on the staff list yet: an administrator adds them."
                if not self._choices.clinicians
                else grid_layout.closed_words(span, self.day)
                if self.arrangement is not Arrangement.WEEK
                else ""
            ) or "Nobody works on this day. Tick “Show everyone” to book with anyone."
        return layout

    def _columns_for(self, span: CalendarSpan) -> grid_layout.GridLayout:
        if self.arrangement is Arrangement.WEEK:
            if self.week_therapist is None:
                return grid_layout.place(span, [], week=True)
            days = grid_layout.week_of(self.day)
            return grid_layout.place(
                span, grid_layout.week_columns(span, self.week_therapist, days), week=True
            )
        if self.arrangement is Arrangement.ROOMS:
            return grid_layout.place(
                span, grid_layout.room_columns(span, self.day, self._choices.rooms)
            )
        columns, free, off = grid_layout.therapist_columns(
            span, self.day, self._choices.clinicians, show_everyone=self.everyone_box.isChecked()
        )
        return grid_layout.place(span, columns, free=free, off=off)

    def _fill_week_therapists(self) -> None:
        ids = [c.id for c in self._choices.clinicians]
        if self.week_therapist not in ids:
            # A clinician looks at their own week; the front desk starts with the first name.
            mine = self._actor.staff_id in ids
            self.week_therapist = self._actor.staff_id if mine else (ids[0] if ids else None)
        people = [(c.full_name, c.id) for c in self._choices.clinicians]
        self.toolbar.set_therapists(people, self.week_therapist)

    def _show_heading(self) -> None:
        today = self._today()
        if self.arrangement is Arrangement.WEEK:
            first, last = self.days_shown()
            title = f"Week of {short_date(first)[4:]}, {first.year}"
            badge = "This week" if first <= today <= last else ""
        else:
            title, badge = title_date(self.day), "Today" if self.day == today else ""
        self.toolbar.show_state(self.arrangement, title, badge)
        layout = self.grid.grid_layout()
        self.everyone_box.setVisible(
            self.arrangement is Arrangement.THERAPISTS
            and (bool(layout.free or layout.off) or self.everyone_box.isChecked())
        )
        self._selection_changed()

    def _summary_text(self) -> str:
        layout = self.grid.grid_layout()
        closed = ""
        if not layout.week and self._span is not None:
            closed = grid_layout.closed_words(self._span, self.day)
        return summary_text(layout, closed)

    def _scroll_once(self) -> None:
        """On opening a day, show the current time (today) or the first visit, once."""
        key = (self.day, self.arrangement)
        if self._scrolled_for == key:
            return
        self._scrolled_for = key
        now = self._now().astimezone(self._zone)
        layout = self.grid.grid_layout()
        if now.date() in {c.day for c in layout.columns}:
            self.grid.scroll_to_minute(now.hour * 60 + now.minute - 60)
        elif layout.placed:
            self.grid.scroll_to_minute(min(p.top for p in layout.placed))
        else:
            self.grid.scroll_to_minute(layout.first_minute)

    def _selection_moved(self) -> None:
        self.bottom.setCurrentWidget(self.details)
        self._selection_changed()

    def _selection_changed(self) -> None:
        view = self.grid.selected_view()
        changes = self._changes(view)
        self.check_in_action.setEnabled(S.CHECKED_IN in changes)
        self.undo_check_in_action.setEnabled(S.SCHEDULED in changes)
        self.cancel_action.setEnabled(S.CANCELLED in changes)
        self.no_show_action.setEnabled(S.NO_SHOW in changes)
        self.move_action.setEnabled(view is not None and can_move(view.status))
        self.chart_action.setEnabled(view is not None)
        if self.note_action is not None:
            self.note_action.setEnabled(self._note_possible(view))
            self.note_action.setText(
                OPEN_NOTE if view is not None and view.note_status else WRITE_NOTE
            )
        if view is not None:
            self.details.setText(detail_text(view, self._zone))
            self.details.setToolTip("")
            self.details.setObjectName("scheduleDetails")
        else:
            self.details.setText(f"{self._summary_text()}          {LEGEND}")
            self.details.setToolTip(hidden_names(self.grid.grid_layout()))
            self.details.setObjectName("hint")
        self.details.setStyleSheet("/* restyle */")

    # --- navigation ---------------------------------------------------------------------------

    def go_to(self, day: date) -> None:
        self.day = day
        self.reload()

    def go_today(self) -> None:
        self.go_to(self._today())

    def step(self, direction: int) -> None:
        days = 7 if self.arrangement is Arrangement.WEEK else 1
        self.go_to(self.day + timedelta(days=days * direction))

    def go_to_date(self) -> None:
        dialog = GoToDateDialog(self.day, self)
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        chosen = dialog.chosen()
        dialog.deleteLater()
        if accepted:
            self.go_to(chosen)

    def set_week(self, week: bool) -> None:
        if week:
            self.arrangement = Arrangement.WEEK
            view = self.grid.selected_view()
            if view is not None:
                self.week_therapist = view.therapist_id  # the week of the person in focus
        elif self.arrangement is Arrangement.WEEK:
            self.arrangement = Arrangement.THERAPISTS
        self.reload()

    def set_by_rooms(self, by_rooms: bool) -> None:
        self.arrangement = Arrangement.ROOMS if by_rooms else Arrangement.THERAPISTS
        self.reload()

    def _week_therapist_chosen(self, staff_id: int) -> None:
        if staff_id != self.week_therapist:
            self.week_therapist = staff_id
            self.reload()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Single keys reach here when no field wanted them (the grid passes Left/Right on)."""
        key, modifiers = event.key(), event.modifiers()
        if modifiers not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            super().keyPressEvent(event)
            return
        if key == Qt.Key.Key_T:
            self.go_today()
        elif key == Qt.Key.Key_Left:
            self.step(-1)
        elif key == Qt.Key.Key_Right:
            self.step(1)
        elif key == Qt.Key.Key_D:
            self.set_week(False)
        elif key == Qt.Key.Key_W:
            self.set_week(True)
        elif key == Qt.Key.Key_R and self.arrangement is not Arrangement.WEEK:
            self.set_by_rooms(self.arrangement is Arrangement.THERAPISTS)
        else:
            super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.grid.setFocus()

    # --- refreshing ---------------------------------------------------------------------------

    def _on_data_changed(self, kind: str, ids: list[object]) -> None:
        if kind in _REFRESHING_KINDS:
            if kind == "clinic":
                with contextlib.suppress(DomainError):  # the reload below says what is wrong
                    self._zone = clinic_zone(self._db)
                    self.waitlist.set_zone(self._zone)
            self.reload()

    def _tick(self) -> None:
        self.grid.set_now(self._now())
        if not self.grid.is_dragging():
            self.reload()

    def has_unsaved_work(self) -> bool:
        """A booking dialog open with choices made (the main window asks before closing)."""
        return self._dialog is not None and self._dialog.is_dirty()

    def show_waitlist(self, shown: bool) -> None:
        opening = shown and not self.waitlist.isVisible()
        self.waitlist.setVisible(shown)
        if opening and self.middle.sizes()[1] < WAITLIST_MIN_WIDTH:
            total = sum(self.middle.sizes())
            self.middle.setSizes([max(0, total - WAITLIST_WIDTH), WAITLIST_WIDTH])
        self.toolbar.waitlist_button.blockSignals(True)
        self.toolbar.waitlist_button.setChecked(shown)
        self.toolbar.waitlist_button.blockSignals(False)
        if shown:
            self.waitlist.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.grid.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- menu -----------------------------------------------------------------------------------

    def _show_menu(self, target: object, where: QPoint) -> None:
        menu = self.build_menu(target)
        menu.exec(where)
        menu.deleteLater()

    def _visit_activated(self, view: AppointmentView, where: QPoint) -> None:
        """A double-click on a visit: a clinician opens its note; otherwise its menu opens."""
        if self.note_action is not None and self._note_possible(view):
            self.grid.select_appointment(view.id)
            self.write_visit_note()
        else:
            self._show_menu(view, where)

    @staticmethod
    def _note_possible(view: AppointmentView | None) -> bool:
        """A note is written for a visit that took place or will (or opened once started)."""
        return view is not None and (bool(view.note_status) or view.status not in NOT_DOCUMENTED)

    def build_menu(self, target: object) -> QMenu:
        menu = QMenu(self)
        if isinstance(target, AppointmentView):
            title = menu.addAction(f"{target.patient_name} · {time_range(target, self._zone)}")
            title.setEnabled(False)
            menu.addSeparator()
            if self.note_action is not None:  # a clinician's own next step comes first
                menu.addAction(self.note_action)
                menu.addSeparator()
            for action in (self.check_in_action, self.undo_check_in_action, self.no_show_action):
                menu.addAction(action)
            menu.addSeparator()
            menu.addAction(self.move_action)
            menu.addAction(self.cancel_action)
            menu.addSeparator()
            menu.addAction(self.chart_action)
        else:
            menu.addAction(self.book_here_action)
            menu.addAction(self.time_off_action)
        if self.mover.can_undo():
            menu.addSeparator()
            menu.addAction(self.undo_action)
        return menu
