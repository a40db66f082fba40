"""Book a visit, or move one (``moving=``), with what stands in the way shown while typing.

The booking service decides everything: ``check_booking`` runs a moment after each change and
its words appear under the form (a clash in red, hours or warnings in amber). Saving checks again:
a clash is refused; outside the bookable hours an administrator types their username and
password in the dialog; a warning (missed visits, authorized visits used up) needs a tick to
confirm it was read. Patient search is the registry's own search model.

"Next available…" (F4) opens the picker of free times with the therapist, visit and day on the
form; the time taken fills the day, time, therapist and room, and the check runs at once.
The form scrolls when the screen is too low for it (a laptop at 150 % scaling), never the
buttons.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import auth, booking, schedule_view, waitlist
from ptclinic.services.actor import Actor
from ptclinic.services.availability import local_moment
from ptclinic.services.booking import BookingCheck, BookingRequest
from ptclinic.services.calendar import AppointmentView, VisitTypeInfo
from ptclinic.services.errors import (
    DatabaseUnavailable,
    DomainError,
    PermissionDenied,
    ValidationError,
)
from ptclinic.services.next_available import FreeSlot
from ptclinic.services.patient_search import PatientSummary
from ptclinic.services.waitlist import WaitlistItem
from ptclinic.ui.date_field import DateField
from ptclinic.ui.events import events
from ptclinic.ui.forms import FieldErrors, FormScroll, fit_height
from ptclinic.ui.schedule.dialogs import visit_summary
from ptclinic.ui.schedule.fields import PatientPicker, TimeField
from ptclinic.ui.schedule.form_parts import (
    CHECK_DELAY_MS,
    CHECK_TROUBLE,
    DATABASE_TROUBLE,
    NEEDS_ADMINISTRATOR,
    NEEDS_CONFIRMATION,
    ONLY_ADMINISTRATOR,
    UNREADABLE_TIME,
    ScheduleChoices,
    fill_episodes,
    line,
    styled,
)
from ptclinic.ui.schedule.next_available_dialog import NextAvailableDialog, TimeWindow
from ptclinic.ui.unsaved import KeepsWorkDialog

log = logging.getLogger(__name__)

NEXT_AVAILABLE_KEY = "F4"
FOLLOW_UP, INITIAL_EVALUATION = "follow_up", "initial_evaluation"


class BookingDialog(KeepsWorkDialog):
    """Book (``moving`` None) or move ``moving``. After a save, ``saved_id`` and
    ``saved_version`` say what was written; ``events().data_changed`` has been emitted.

    Other screens may prefill a new booking: ``visit_type_code`` and ``minutes`` (a length
    other than the visit type's usual one counts as typed), and ``episode_id`` (taken when it is
    one of ``patient``'s open episodes). ``clock`` is "now" for "Next available" (tests).

    ``waitlist_entry`` books a waiting patient (pass ``patient`` too): their wished visit type
    is filled in and kept, "Next available" starts from their wished days and hours, and
    saving takes the entry off the waitlist in the same transaction (while the patient chosen
    is still theirs)."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        choices: ScheduleChoices,
        zone: ZoneInfo,
        *,
        starts_at: datetime,
        therapist_id: int | None = None,
        room_id: int | None = None,
        patient: PatientSummary | None = None,
        moving: AppointmentView | None = None,
        visit_type_code: str | None = None,
        minutes: int | None = None,
        episode_id: int | None = None,
        waitlist_entry: WaitlistItem | None = None,
        clock: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._choices, self._zone = db, actor, choices, zone
        self._moving = moving
        self._entry = waitlist_entry if moving is None else None
        if self._entry is not None and visit_type_code is None:
            visit_type_code = self._entry.visit_type
        self._clock = clock or (lambda: datetime.now(UTC))
        self._patient: PatientSummary | None = patient
        self._check: BookingCheck | None = None
        self._minutes_typed = False
        self.saved_id: int | None = None
        self.saved_version: int | None = None
        title = "Book from the waitlist" if self._entry else "Book a visit"
        self.setWindowTitle("Move visit" if moving else title)
        self.setMinimumWidth(700)

        # Checked a moment after the last change, not on every keystroke.
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.run_check)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 14)
        outer.setSpacing(8)
        body = QWidget()
        body.setObjectName("bookingBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(20, 16, 20, 0)
        layout.setSpacing(8)
        if moving is not None:
            header = QLabel(visit_summary(moving, zone))
            header.setObjectName("chartIds")
            header.setWordWrap(True)
            frame = QFrame()
            frame.setObjectName("chartHeader")
            QVBoxLayout(frame).addWidget(header)
            layout.addWidget(frame)
        if self._entry is not None:
            wishes = QLabel(f"Waiting for {self._entry.visit_label}: {self._entry.wishes_text()}")
            wishes.setObjectName("hint")
            wishes.setWordWrap(True)
            layout.addWidget(wishes)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(4)
        self.fields = FieldErrors(self.form)
        layout.addLayout(self.form)
        self._build_fields(starts_at, therapist_id, room_id, visit_type_code, minutes)

        self.hint_label = styled("hint")
        self.ok_label = styled("scheduleCheckOk")
        self.clash_label = styled("formError")
        self.hours_label = styled("formNotice")
        self.warning_label = styled("formNotice")
        self.read_warning = QCheckBox("I have &read the warning")
        self.read_warning.hide()
        for widget in (
            self.hint_label,
            self.ok_label,
            self.clash_label,
            self.hours_label,
            self.warning_label,
        ):
            layout.addWidget(widget)
        layout.addWidget(self.read_warning)
        layout.addWidget(self._override_panel())
        self.form_error = styled("formError")
        layout.addWidget(self.form_error)
        layout.addStretch(1)
        self.form_scroll = FormScroll(body)
        outer.addWidget(self.form_scroll, 1)

        buttons = QDialogButtonBox()
        buttons.setContentsMargins(20, 0, 20, 0)
        self.save_button = buttons.addButton(
            "&Move" if moving else "&Book", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        outer.addWidget(buttons)
        next_key = QShortcut(QKeySequence(NEXT_AVAILABLE_KEY), self)
        next_key.activated.connect(self.find_next_available)

        if patient is not None:
            self.picker.choose(patient)
            if moving is None and episode_id is not None:
                self.episode.setCurrentIndex(max(0, self.episode.findData(episode_id)))
        self._initial = self._snapshot()
        self.run_check()
        self._fit_height(grow_only=False)
        first = self.picker.search if moving is None and patient is None else self.time_edit
        first.setFocus()

    # --- building -----------------------------------------------------------------------------

    def _build_fields(
        self,
        starts_at: datetime,
        therapist_id: int | None,
        room_id: int | None,
        visit_type_code: str | None,
        minutes: int | None,
    ) -> None:
        moving = self._moving
        self.picker = PatientPicker(self._db, self._actor)
        self.picker.chosen.connect(self._patient_chosen)

        self.episode = QComboBox()
        self.episode.setObjectName("bookingEpisode")
        self.visit_type = QComboBox()
        self.visit_type.setObjectName("bookingVisitType")
        for kind in self._choices.visit_types:
            self.visit_type.addItem(kind.label, kind.code)
        # Until someone picks a visit type, choosing the patient suggests one (see below).
        self._visit_type_settled = visit_type_code is not None or moving is not None
        self.visit_type.activated.connect(lambda _index: self._settle_visit_type())
        self.minutes = QSpinBox()
        self.minutes.setObjectName("bookingMinutes")
        self.minutes.setRange(5, booking.MAX_MINUTES)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(" min")
        # The usual length is said in the spin box's tooltip: the dialog must fit a laptop.
        self.minutes.setToolTip("The visit's length")

        local = starts_at.astimezone(self._zone)
        self.date_edit = DateField(
            QDate(local.year, local.month, local.day),
            today=lambda: self._clock().astimezone(self._zone).date(),
        )
        self.date_edit.setObjectName("bookingDate")
        self.time_edit = TimeField(time(local.hour, local.minute))
        self.time_edit.setObjectName("bookingTime")
        self.time_edit.setToolTip("Choose a time or type one, such as 10:30 or 1030")
        self.next_button = QPushButton("Next &available…")
        self.next_button.setObjectName("bookingNextAvailable")
        self.next_button.setToolTip(
            f"The first free times for this therapist and visit ({NEXT_AVAILABLE_KEY})"
        )
        self.next_button.setAutoDefault(False)  # Enter on the form books, as before
        self.next_button.clicked.connect(self.find_next_available)

        self.therapist = QComboBox()
        self.therapist.setObjectName("bookingTherapist")
        for person in self._choices.clinicians:
            label = (
                f"{person.full_name}, {person.credentials}"
                if person.credentials
                else person.full_name
            )
            self.therapist.addItem(label, person.id)
        wanted = (
            therapist_id if therapist_id is not None else (moving.therapist_id if moving else None)
        )
        if wanted is not None and self.therapist.findData(wanted) < 0 and moving is not None:
            self.therapist.addItem(moving.therapist_name, moving.therapist_id)
        self.therapist.setCurrentIndex(max(0, self.therapist.findData(wanted)))
        # "Next available" asks for any therapist until one is given or chosen.
        self._therapist_chosen = wanted is not None
        self.room = QComboBox()
        self.room.setObjectName("bookingRoom")
        self.room.addItem("No room", None)
        for room in self._choices.rooms:
            size = "" if room.capacity == 1 else f" (up to {room.capacity} at once)"
            self.room.addItem(room.name + size, room.id)
        wanted_room = room_id if room_id is not None else (moving.room_id if moving else None)
        self.room.setCurrentIndex(max(0, self.room.findData(wanted_room)))
        self.note = QLineEdit()
        self.note.setObjectName("bookingNote")
        self.note.setPlaceholderText("For the front desk and the therapist (optional)")
        self.note.setMaxLength(500)

        # Related fields share a row (visit type and length, therapist and room) so the dialog,
        # with its notices, fits a 768-pixel-high screen.
        if moving is None:
            self._add_row("patient", "&Patient *", self.picker, self.picker.search)
            self.fields.add_row("episode", "&Episode of care", self.episode)
            kind_row = line((self.visit_type, 3), ("&lasting", self.minutes, 1))
            self._add_row("visit_type", "&Visit type *", kind_row, self.visit_type)
        else:
            length_row = line((self.minutes, 1), (None, None, 2))
            self._add_row("minutes", "&Length", length_row, self.minutes)
        when = line((self.date_edit, 3), ("at", self.time_edit, 2), (self.next_button, 0))
        self._add_row("starts_at", "&When *", when, self.date_edit)
        who = line((self.therapist, 3), ("R&oom", self.room, 2))
        self._add_row("therapist", "&Therapist *", who, self.therapist)
        if moving is None:
            self.fields.add_row("note", "&Note", self.note)
        self._fill_episodes([])
        if moving is not None:
            self.visit_type.setCurrentIndex(max(0, self.visit_type.findData(moving.visit_type)))
            self._set_minutes(moving.minutes)
            self._minutes_typed = True
        else:
            if visit_type_code is not None:
                index = self.visit_type.findData(visit_type_code)
                self.visit_type.setCurrentIndex(max(0, index))
            if self._entry is not None:  # the visit the patient waits for
                self.visit_type.setEnabled(False)
                self.visit_type.setToolTip("The visit type the patient is waiting for")
            self._visit_type_changed()
            if minutes is not None:
                self._set_minutes(minutes)
                usual = self._visit_kind()
                self._minutes_typed = usual is None or minutes != usual.default_minutes

        self.therapist.currentIndexChanged.connect(self._therapist_changed)
        self.visit_type.currentIndexChanged.connect(lambda _i: self._visit_type_changed())
        self.minutes.valueChanged.connect(self._minutes_changed)
        for signal in (
            self.episode.currentIndexChanged,
            self.therapist.currentIndexChanged,
            self.room.currentIndexChanged,
            self.date_edit.dateChanged,
            self.time_edit.editTextChanged,
        ):
            signal.connect(lambda *_args: self._check_timer.start())

    def _add_row(self, name: str, label: str, box: QWidget, first: QWidget) -> None:
        """A row whose field is several widgets: Alt+letter goes to ``first``. A label only
        focuses a buddy that takes focus, which a plain container never does."""
        self.fields.add_row(name, label, box)
        row = box.parentWidget()  # FieldErrors puts the field in a container with its error line
        caption = self.form.labelForField(row) if row is not None else None
        if isinstance(caption, QLabel):
            caption.setBuddy(first)

    def _override_panel(self) -> QFrame:
        """Username and password side by side, with their own error line: the dialog must still
        fit a 768-pixel-high screen with the hours notice above it."""
        self.override_panel = QFrame()
        self.override_panel.setObjectName("scheduleOverride")
        box = QVBoxLayout(self.override_panel)
        box.setContentsMargins(8, 6, 8, 6)
        box.setSpacing(4)
        row = QHBoxLayout()
        self.admin_username = QLineEdit()
        self.admin_username.setObjectName("overrideUsername")
        self.admin_username.setPlaceholderText("username")
        self.admin_password = QLineEdit()
        self.admin_password.setObjectName("overridePassword")
        self.admin_password.setPlaceholderText("password")
        self.admin_password.setEchoMode(QLineEdit.EchoMode.Password)
        for text, field in (
            # Letters no other row of this dialog uses (When, Note and Next available take W,
            # N and A).
            ("Administrator's &username", self.admin_username),
            ("pa&ssword", self.admin_password),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            row.addWidget(label)
            row.addWidget(field, 1)
        box.addLayout(row)
        self.override_error = styled("fieldError")
        box.addWidget(self.override_error)
        self.override_panel.hide()
        return self.override_panel

    # --- patient ------------------------------------------------------------------------------

    def _patient_chosen(self, patient: PatientSummary) -> None:
        self._patient = patient
        if self._entry is not None:  # someone else than the waiting patient: any visit type
            self.visit_type.setEnabled(not self._books_waiting())
        self._shrink()
        try:
            episodes = schedule_view.open_episodes(self._db, self._actor, patient.id)
        except DomainError as exc:
            log.warning("open episodes of patient %s: %s", patient.id, exc)
            episodes = []
        self._fill_episodes(episodes)
        if not self._visit_type_settled:
            # A patient in an open episode comes for a follow-up; one without, for an evaluation.
            usual = FOLLOW_UP if episodes else INITIAL_EVALUATION
            index = self.visit_type.findData(usual)
            if index >= 0:
                self.visit_type.setCurrentIndex(index)
        self._check_timer.start()
        (self.episode if self.episode.isEnabled() else self.visit_type).setFocus()

    def _settle_visit_type(self) -> None:
        self._visit_type_settled = True

    def _shrink(self) -> None:
        """Give back the height the result list took (the layout must see it hidden first)."""
        self._fit_height(grow_only=False)

    def _fit_height(self, *, grow_only: bool) -> None:
        fit_height(self, self.form_scroll, grow_only=grow_only)

    @property
    def moving(self) -> AppointmentView | None:
        return self._moving

    def chosen_patient(self) -> PatientSummary | None:
        return self._patient

    def _fill_episodes(self, episodes: list[schedule_view.EpisodeChoice]) -> None:
        fill_episodes(self.episode, episodes, patient_chosen=self._patient is not None)

    # --- visit type and length ----------------------------------------------------------------

    def _visit_kind(self) -> VisitTypeInfo | None:
        return self._choices.visit_kind(self.visit_type.currentData())

    def _visit_type_changed(self) -> None:
        kind = self._visit_kind()
        if kind is not None:
            self.minutes.setToolTip(f"Usual for {kind.label}: {kind.default_minutes} min")
            if not self._minutes_typed:
                self._set_minutes(kind.default_minutes)
        self._check_timer.start()

    def _set_minutes(self, value: int) -> None:
        self.minutes.blockSignals(True)
        self.minutes.setValue(value)
        self.minutes.blockSignals(False)

    def _minutes_changed(self, _value: int) -> None:
        self._minutes_typed = True  # a length typed by hand survives a change of visit type
        self._check_timer.start()

    # --- next available -----------------------------------------------------------------------

    def _therapist_changed(self, _index: int) -> None:
        self._therapist_chosen = True

    def find_next_available(self) -> None:
        """Open the picker with the therapist (once chosen), visit and day on the form; a time
        taken there fills the form and is checked at once."""
        moving = self._moving
        picked = self.date_edit.date()
        day = date(picked.year(), picked.month(), picked.day())
        if self._entry is not None and self._books_waiting():
            day = max(day, self._entry.earliest_date)  # not before the day they wish
        therapist = self.therapist.currentData() if self._therapist_chosen else None
        patient_id = moving.patient_id if moving else (self._patient.id if self._patient else None)
        code = self.visit_type.currentData()
        picker = NextAvailableDialog(
            self._db,
            self._actor,
            self._choices,
            self._zone,
            day=day,
            therapist_id=None if therapist is None else int(therapist),
            visit_type=moving.visit_type if moving else (None if code is None else str(code)),
            minutes=self.minutes.value(),
            patient_id=patient_id,
            exclude_appointment_id=moving.id if moving else None,
            fixed_visit_type=moving is not None or self._books_waiting(),
            window=self._wished_window(),
            weekdays=self._entry.weekdays if self._books_waiting() and self._entry else (),
            clock=self._clock,
            parent=self,
        )
        try:
            accepted = self.exec_dialog(picker) == QDialog.DialogCode.Accepted.value
            slot = picker.chosen
            if accepted and slot is not None:
                self.take_slot(slot, picker.visit_type_code)
        finally:
            picker.deleteLater()

    def _books_waiting(self) -> bool:
        """Whether saving books the waitlist entry: its patient is the one chosen."""
        entry, patient = self._entry, self._patient
        return entry is not None and patient is not None and patient.id == entry.patient_id

    def _wished_window(self) -> TimeWindow | None:
        entry = self._entry
        if entry is None or not self._books_waiting():
            return None
        if entry.earliest_time is None and entry.latest_time is None:
            return None
        return TimeWindow(start_from=entry.earliest_time, end_by=entry.latest_time)

    def exec_dialog(self, dialog: QDialog) -> int:
        """Show a dialog over this one (tests replace this to drive the dialog)."""
        return dialog.exec()

    def take_slot(self, slot: FreeSlot, visit_type_code: str | None = None) -> None:
        """Fill the form with a free slot (and the visit type it was found for), then check."""
        if self._moving is None and visit_type_code is not None:
            index = self.visit_type.findData(visit_type_code)
            if index >= 0:
                self.visit_type.setCurrentIndex(index)
        self._set_minutes(slot.minutes)
        if self._moving is None:
            kind = self._visit_kind()
            self._minutes_typed = kind is None or slot.minutes != kind.default_minutes
        local = slot.starts_at.astimezone(self._zone)
        self.date_edit.setDate(QDate(local.year, local.month, local.day))
        self.time_edit.set_time(time(local.hour, local.minute))
        if self.therapist.findData(slot.therapist_id) < 0:
            self.therapist.addItem(slot.therapist_name, slot.therapist_id)
        self.therapist.setCurrentIndex(self.therapist.findData(slot.therapist_id))
        if slot.room_id is not None:
            if self.room.findData(slot.room_id) < 0:
                self.room.addItem(slot.room_name, slot.room_id)
            self.room.setCurrentIndex(self.room.findData(slot.room_id))
        self.run_check()
        # Enter books it; without a patient yet, choosing one is what is left to do.
        needs_patient = self._moving is None and self._patient is None
        (self.picker.search if needs_patient else self.save_button).setFocus()

    # --- checking -----------------------------------------------------------------------------

    def starts_at(self) -> datetime | None:
        """The start typed, as a UTC moment; None while the time cannot be read."""
        picked, clock = self.date_edit.date(), self.time_edit.time()
        if clock is None:
            return None
        day = date(picked.year(), picked.month(), picked.day())
        return local_moment(day, clock, self._zone).astimezone(UTC)

    def request(self) -> BookingRequest | None:
        patient_id = (
            self._moving.patient_id
            if self._moving
            else (self._patient.id if self._patient else None)
        )
        therapist_id = self.therapist.currentData()
        code = self.visit_type.currentData()
        starts_at = self.starts_at()
        if patient_id is None or therapist_id is None or code is None or starts_at is None:
            return None
        moving = self._moving
        return BookingRequest(
            patient_id=patient_id,
            therapist_id=int(therapist_id),
            starts_at=starts_at,
            minutes=self.minutes.value(),
            visit_type=moving.visit_type if moving else str(code),
            room_id=self.room.currentData(),
            episode_id=moving.episode_id if moving else self.episode.currentData(),
            note=moving.note if moving else self.note.text(),
        )

    def run_check(self) -> None:
        """Ask the booking service what stands in the way, and say it under the form."""
        self._check_timer.stop()
        request = self.request()
        self._check = None
        if request is None:
            if self.starts_at() is None:
                self._show_check(clash="⚠ " + UNREADABLE_TIME)
            else:
                self._show_check(hint="Choose a patient; the time is checked as you go.")
            return
        exclude = self._moving.id if self._moving else None
        try:
            self._check = booking.check_booking(self._db, self._actor, request, exclude_id=exclude)
        except ValidationError as exc:
            self._show_check(clash="✗ " + str(exc))
            return
        except DatabaseUnavailable as exc:
            log.warning("checking a booking failed: %s", exc.__cause__ or exc)
            self._show_check(clash="⚠ " + CHECK_TROUBLE)
            return
        except DomainError as exc:
            self._show_check(clash="✗ " + str(exc))
            return
        check = self._check
        start, end = (
            moment.astimezone(self._zone) for moment in (request.starts_at, request.slot.end)
        )
        slot = f"{start:%H:%M}–{end:%H:%M}"
        ok = ""
        if check.bookable and not check.warnings:
            ok = f"✓ {self.therapist.currentText().split(',')[0]} is free {slot}" + (
                f" in {self.room.currentText()}." if self.room.currentData() is not None else "."
            )
        self._show_check(
            ok=ok,
            clash="\n".join(f"✗ {c}" for c in check.clashes),
            hours=f"⚠ {check.outside_hours} {ONLY_ADMINISTRATOR}" if check.outside_hours else "",
            warnings="\n".join(f"⚠ {w}" for w in check.warnings),
        )

    def _show_check(
        self,
        *,
        ok: str = "",
        clash: str = "",
        hours: str = "",
        warnings: str = "",
        hint: str = "",
    ) -> None:
        for label, text in (
            (self.hint_label, hint),
            (self.ok_label, ok),
            (self.clash_label, clash),
            (self.hours_label, hours),
            (self.warning_label, warnings),
        ):
            label.setText(text)
            label.setVisible(bool(text))
        if warnings != self.warning_label.property("shown"):
            self.read_warning.setChecked(False)  # a new warning has to be read anew
            self.warning_label.setProperty("shown", warnings)
        # A move changes nothing the warnings are about (the patient's record, the episode's
        # count): they are shown, but only a new booking needs the tick.
        self.read_warning.setVisible(bool(warnings) and self._moving is None)
        self.override_panel.setVisible(bool(hours))
        self.override_error.hide()
        self.form_error.hide()
        self._fit_height(grow_only=True)

    def check_text(self) -> str:
        """Everything the live check says now (for tests and screen readers)."""
        labels = (
            self.hint_label,
            self.ok_label,
            self.clash_label,
            self.hours_label,
            self.warning_label,
        )
        return "\n".join(label.text() for label in labels if not label.isHidden())

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        self.fields.clear()
        self.form_error.hide()
        if self._check_timer.isActive() or self._check is None:
            self.run_check()
        request = self.request()
        if request is None:
            problems = {}
            if self._moving is None and self._patient is None:
                problems["patient"] = "Choose a patient: type part of the name, then Enter."
            if self.starts_at() is None:
                problems["starts_at"] = UNREADABLE_TIME
            self.fields.show(ValidationError(problems or {"therapist": "Choose a therapist."}))
            return
        check = self._check
        if check is None:
            return  # the check itself failed; its words are on screen
        if check.clashes:
            self._refuse("This time cannot be booked: " + " ".join(check.clashes), self.time_edit)
            return
        approver: Actor | None = None
        if check.outside_hours is not None:
            if not self.admin_username.text().strip():
                self._refuse_approval(NEEDS_ADMINISTRATOR, self.admin_username)
                return
            try:
                # Not a log-in: the booking's own history names who allowed it.
                approver = auth.authenticate(
                    self._db,
                    self.admin_username.text(),
                    self.admin_password.text(),
                    success_action=None,
                )
            except DomainError as exc:
                self.admin_password.clear()
                self._refuse_approval(str(exc), self.admin_password)
                return
        if check.warnings and self._moving is None and not self.read_warning.isChecked():
            self._refuse(NEEDS_CONFIRMATION, self.read_warning)
            return
        try:
            if self._moving is None and self._entry is not None and self._books_waiting():
                self.saved_id = waitlist.book_from_waitlist(
                    self._db,
                    self._actor,
                    self._entry.id,
                    self._entry.version,
                    therapist_id=request.therapist_id,
                    starts_at=request.starts_at,
                    minutes=request.minutes,
                    room_id=request.room_id,
                    episode_id=request.episode_id,
                    note=request.note,
                    override_by=approver,
                )
            elif self._moving is None:
                self.saved_id = booking.book(self._db, self._actor, request, override_by=approver)
            else:
                self.saved_version = booking.reschedule(
                    self._db,
                    self._actor,
                    self._moving.id,
                    self._moving.version,
                    starts_at=request.starts_at,
                    minutes=request.minutes,
                    therapist_id=request.therapist_id,
                    room_id=request.room_id,
                    keep_room=False,
                    override_by=approver,
                )
                self.saved_id = self._moving.id
        except ValidationError as exc:
            unplaced = self.fields.show(exc)
            if unplaced:
                self._refuse(" ".join(unplaced), None)
            return
        except DatabaseUnavailable as exc:
            log.warning("saving a booking failed: %s", exc.__cause__ or exc)
            self._refuse(DATABASE_TROUBLE, None)
            return
        except PermissionDenied as exc:
            if approver is None:
                self._refuse(str(exc), None)
            else:  # the approver is not an administrator: say so beside their name
                self.admin_password.clear()
                self._refuse_approval(str(exc), self.admin_username)
            return
        except DomainError as exc:  # taken meanwhile, a stale copy
            self._refuse(str(exc), None)
            self.run_check()
            self.form_error.show()
            return
        events().data_changed.emit("appointment", [self.saved_id])
        if self._entry is not None and self._books_waiting():
            events().data_changed.emit("waitlist", [self._entry.id])
        self.accept()

    def _refuse(self, message: str, focus: QWidget | None) -> None:
        self.form_error.setText("⚠ " + message)
        self.form_error.show()
        if focus is not None:
            focus.setFocus()

    def _refuse_approval(self, message: str, focus: QWidget) -> None:
        self.override_error.setText("⚠ " + message)
        self.override_error.show()
        focus.setFocus()

    def error_text(self) -> str:
        return self.form_error.text() if not self.form_error.isHidden() else ""

    # --- closing ------------------------------------------------------------------------------

    def _snapshot(self) -> tuple[object, ...]:
        return (
            self._patient.id if self._patient else None,
            self.episode.currentData(),
            self.visit_type.currentData(),
            self.minutes.value(),
            self.starts_at(),
            self.therapist.currentData(),
            self.room.currentData(),
            self.note.text(),
        )

    unsaved_title = "Not booked yet"

    def save_work(self) -> None:
        self.save()

    def unsaved_question(self) -> str:
        return ("Move this visit" if self._moving else "Book this visit") + " before closing?"

    def is_dirty(self) -> bool:
        return self.saved_id is None and self._snapshot() != self._initial
