"""Book a recurring series: "Mondays and Thursdays at 10:00 for 6 weeks".

The pattern is on the left, its rule read back in a sentence as it is typed; on the right, a
moment after each change, the recurrence service's preview lists every visit with what stands
in its way (✓ free, ✗ a clash in red, ⚠ hours or a warning in amber). Free visits are ticked to
be booked; a clashing one gets another time (double-click, Enter or "Choose another time…") or
stays out; any visit can be skipped (Space or its box). "Book N visits" books them all or none
through ``book_series``: a visit outside the hours needs an administrator's username and
password, a warning needs a tick, and a slot taken meanwhile is named and the list checked anew.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeyEvent
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
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import booking, recurrence, schedule_view
from ptclinic.services.actor import Actor
from ptclinic.services.booking import BookingRequest
from ptclinic.services.calendar import VisitTypeInfo
from ptclinic.services.errors import (
    ConflictError,
    DatabaseUnavailable,
    DomainError,
    PermissionDenied,
    ValidationError,
)
from ptclinic.services.patient_search import PatientSummary
from ptclinic.services.recurrence import Pick, PlannedVisit, SeriesRequest, WeeklyPattern
from ptclinic.ui.events import events
from ptclinic.ui.forms import FieldErrors
from ptclinic.ui.schedule.fields import PatientPicker
from ptclinic.ui.schedule.form_parts import (
    CHECK_DELAY_MS,
    DATABASE_TROUBLE,
    NEEDS_CONFIRMATION,
    UNREADABLE_TIME,
    ScheduleChoices,
    fill_episodes,
    line,
    styled,
)
from ptclinic.ui.schedule.series_parts import (
    OverridePanel,
    VisitRowsModel,
    check_words,
    day_and_time,
    fill_rooms,
    fill_therapists,
    visit_table,
)
from ptclinic.ui.schedule.series_pattern import PatternFields
from ptclinic.ui.schedule.series_picker import Alternative, AlternativePicker
from ptclinic.ui.schedule.series_plan import SeriesPlan, Toggle, plural
from ptclinic.ui.unsaved import KeepsWorkDialog

log = logging.getLogger(__name__)

PREVIEW_TROUBLE = "Could not check the visits: the database did not answer. Try again in a moment."
CHOOSE_PATIENT = "Choose a patient; every visit of the series is checked as you go."
NOTHING_TICKED = "Tick at least one visit to book, or choose another time for those that clash."
LIST_CHANGED = (
    "The list of visits changed when it was checked again: look it over, then press Book again."
)
WARNINGS_SHOWN = 3
# The service's field names → the row that shows them here.
_FIELD_ROWS = {
    "minutes": "visit_type",
    "room": "therapist",
    "weeks": "end",
    "count": "end",
    "until": "end",
    "starts_at": "first_day",
}


class SeriesDialog(KeepsWorkDialog):
    """Book a weekly series. After a save, ``saved_ids`` (the booked appointments, in time
    order), ``saved_series_id`` and ``saved_summary`` (a sentence for the page) say what was
    written, and ``events().data_changed("appointment", ids)`` has been emitted."""

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
        now: datetime | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._choices, self._zone = db, actor, choices, zone
        self._now = now
        self._patient: PatientSummary | None = patient
        self.plan = SeriesPlan(zone)
        self._minutes_typed = False
        self.saved_ids: list[int] = []
        self.saved_series_id: int | None = None
        self.saved_summary = ""
        self.saved_first_start: datetime | None = None
        self.setWindowTitle("Book a series of visits")

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.run_preview)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        columns = QHBoxLayout()
        columns.setSpacing(20)
        columns.addWidget(self._pattern_column(starts_at, therapist_id, room_id), 5)
        columns.addLayout(self._preview_column(), 6)
        layout.addLayout(columns, 1)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            "&Book the visits", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self._fit_screen()

        if patient is not None:
            self.picker.choose(patient)
        self._initial = self._snapshot()
        self.run_preview()
        (self.picker.search if patient is None else self.repeat.weekdays).setFocus()

    # --- building: the form -----------------------------------------------------------------------

    def _pattern_column(
        self, starts_at: datetime, therapist_id: int | None, room_id: int | None
    ) -> QScrollArea:
        """The form, in a scroll area: the patient search's results may make it taller than a
        laptop screen."""
        body = QWidget()
        self.form = QFormLayout(body)
        self.form.setContentsMargins(0, 0, 8, 0)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setHorizontalSpacing(16)
        self.form.setVerticalSpacing(6)
        self.fields = FieldErrors(self.form)
        self._build_fields(starts_at, therapist_id, room_id)
        area = QScrollArea()
        area.setObjectName("seriesForm")
        area.setWidget(body)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to its fields, not to it
        # The form sits on the dialog's own background, not the scroll area's darker one.
        area.viewport().setAutoFillBackground(False)
        body.setAutoFillBackground(False)
        area.setMinimumWidth(body.sizeHint().width() + 20)
        return area

    def _build_fields(
        self, starts_at: datetime, therapist_id: int | None, room_id: int | None
    ) -> None:
        self.picker = PatientPicker(self._db, self._actor)
        self.picker.chosen.connect(self._patient_chosen)
        self.episode = QComboBox()
        self.episode.setObjectName("seriesEpisode")
        self.visit_type = QComboBox()
        self.visit_type.setObjectName("seriesVisitType")
        for kind in self._choices.visit_types:
            self.visit_type.addItem(kind.label, kind.code)
        # A series is the follow-ups after an evaluation.
        self.visit_type.setCurrentIndex(max(0, self.visit_type.findData("follow_up")))
        self.minutes = QSpinBox()
        self.minutes.setObjectName("seriesMinutes")
        self.minutes.setRange(5, booking.MAX_MINUTES)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(" min")
        self.minutes.setToolTip("Each visit's length")
        self.therapist = QComboBox()
        self.therapist.setObjectName("seriesTherapist")
        fill_therapists(self.therapist, self._choices.clinicians, therapist_id)
        self.room = QComboBox()
        self.room.setObjectName("seriesRoom")
        fill_rooms(self.room, self._choices.rooms, room_id)
        self.repeat = PatternFields(starts_at.astimezone(self._zone), self)
        self.note = QLineEdit()
        self.note.setObjectName("seriesNote")
        self.note.setPlaceholderText("For the front desk and the therapist (optional)")
        self.note.setMaxLength(500)

        self._add_row("patient", "&Patient *", self.picker, self.picker.search)
        self.fields.add_row("episode", "&Episode of care", self.episode)
        kind_row = line((self.visit_type, 3), ("lastin&g", self.minutes, 1))
        self._add_row("visit_type", "&Visit type *", kind_row, self.visit_type)
        who = line((self.therapist, 3), ("R&oom", self.room, 2))
        self._add_row("therapist", "&Therapist *", who, self.therapist)
        self.repeat.add_rows(self.fields, self.form, self._add_row)
        self.fields.add_row("note", "&Note", self.note)

        self._fill_episodes([])
        self._visit_type_changed()
        self.visit_type.currentIndexChanged.connect(lambda _i: self._visit_type_changed())
        self.minutes.valueChanged.connect(self._minutes_changed)
        for signal in (
            self.repeat.changed,
            self.episode.currentIndexChanged,
            self.therapist.currentIndexChanged,
            self.room.currentIndexChanged,
            self.note.textChanged,
        ):
            signal.connect(lambda *_args: self._timer.start())

    def _add_row(self, name: str, label: str, box: QWidget, first: QWidget) -> None:
        """A row whose field is several widgets: Alt+letter goes to ``first``."""
        self.fields.add_row(name, label, box)
        row = box.parentWidget()  # FieldErrors puts the field in a container with its error line
        caption = self.form.labelForField(row) if row is not None else None
        if isinstance(caption, QLabel):
            caption.setBuddy(first)

    # --- building: the list -----------------------------------------------------------------------

    def _preview_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(6)
        self.model = VisitRowsModel(("Visit", "Time", "What stands in the way"), self)
        self.model.toggle_requested.connect(self.toggle_row)
        self.table = visit_table(self.model)
        self.table.doubleClicked.connect(lambda index: self.choose_another_time(index.row()))
        self.table.installEventFilter(self)
        caption = QLabel("&Check each visit")
        caption.setObjectName("sectionTitle")
        caption.setBuddy(self.table)
        self.preview_hint = styled("hint")
        self.preview_error = styled("formError")
        column.addWidget(caption)
        column.addWidget(self.preview_hint)
        column.addWidget(self.preview_error)
        column.addWidget(self.table, 1)

        self.another_button = QPushButton("Choose another t&ime…")
        self.another_button.setToolTip("Another day or time for the selected visit (Enter)")
        self.another_button.clicked.connect(lambda: self.choose_another_time(self._current_row()))
        self.skip_button = QPushButton("S&kip this visit")
        self.skip_button.setToolTip("Leave the selected visit out, or take it back in (Space)")
        self.skip_button.clicked.connect(lambda: self.toggle_row(self._current_row()))
        for button in (self.another_button, self.skip_button):
            button.setAutoDefault(False)
        self.tally = QLabel()
        self.tally.setObjectName("hint")
        self.tally.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.another_button)
        row.addWidget(self.skip_button)
        row.addWidget(self.tally, 1)
        column.addLayout(row)

        self.warning_label = styled("formNotice")
        self.read_warning = QCheckBox("I have read the &warning")
        self.read_warning.hide()
        self.override = OverridePanel(self._db)
        self.form_error = styled("formError")
        below: tuple[QWidget, ...] = (
            self.warning_label,
            self.read_warning,
            self.override,
            self.form_error,
        )
        for widget in below:
            column.addWidget(widget)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._row_buttons())
        return column

    def _fit_screen(self) -> None:
        """As large as the list wants, but never beyond the screen (a 1366×768 laptop)."""
        screen = QGuiApplication.primaryScreen()
        width, height = 1180, 700
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - 40), min(height, room.height() - 60)
        self.resize(width, height)

    # --- patient, visit type ----------------------------------------------------------------------

    def _patient_chosen(self, patient: PatientSummary) -> None:
        self._patient = patient
        try:
            episodes = schedule_view.open_episodes(self._db, self._actor, patient.id)
        except DomainError as exc:
            log.warning("open episodes of patient %s: %s", patient.id, exc)
            episodes = []
        self._fill_episodes(episodes)
        self._timer.start()
        (self.episode if self.episode.isEnabled() else self.visit_type).setFocus()

    def chosen_patient(self) -> PatientSummary | None:
        return self._patient

    def _fill_episodes(self, episodes: list[schedule_view.EpisodeChoice]) -> None:
        fill_episodes(self.episode, episodes, patient_chosen=self._patient is not None)

    def _visit_kind(self) -> VisitTypeInfo | None:
        return self._choices.visit_kind(self.visit_type.currentData())

    def _visit_type_changed(self) -> None:
        kind = self._visit_kind()
        if kind is not None:
            self.minutes.setToolTip(f"Usual for {kind.label}: {kind.default_minutes} min")
            if not self._minutes_typed:
                self.minutes.blockSignals(True)
                self.minutes.setValue(kind.default_minutes)
                self.minutes.blockSignals(False)
        self._timer.start()

    def _minutes_changed(self, _value: int) -> None:
        self._minutes_typed = True  # a length typed by hand survives a change of visit type
        self._timer.start()

    # --- the request ------------------------------------------------------------------------------

    def pattern(self) -> WeeklyPattern | None:
        return self.repeat.pattern()

    def rule_text(self) -> str:
        return self.repeat.rule_text()

    def series_request(self) -> SeriesRequest | None:
        pattern = self.pattern()
        therapist_id, code = self.therapist.currentData(), self.visit_type.currentData()
        if pattern is None or self._patient is None or therapist_id is None or code is None:
            return None
        return SeriesRequest(
            patient_id=self._patient.id,
            therapist_id=int(therapist_id),
            visit_type=str(code),
            pattern=pattern,
            minutes=self.minutes.value(),
            room_id=self.room.currentData(),
            episode_id=self.episode.currentData(),
            note=self.note.text(),
        )

    def _planned_request(self, visit: PlannedVisit) -> BookingRequest | None:
        """One visit of the series as ``book_series`` would book it."""
        request, preview = self.series_request(), self.plan.preview
        if request is None or preview is None:
            return None
        return BookingRequest(
            patient_id=request.patient_id,
            therapist_id=visit.therapist_id,
            starts_at=visit.starts_at,
            minutes=preview.minutes,
            visit_type=request.visit_type,
            room_id=visit.room_id,
            episode_id=request.episode_id,
            note=request.note,
        )

    # --- the preview ------------------------------------------------------------------------------

    def run_preview(self) -> DomainError | None:
        """Ask the recurrence service for every visit and what stands in its way; returns the
        refusal, if any (its words are on screen too)."""
        self._timer.stop()
        self.repeat.update_rule()
        self.preview_error.hide()
        request = self.series_request()
        if request is None:
            self._set_preview(None)
            text = "⚠ " + UNREADABLE_TIME if self.pattern() is None else CHOOSE_PATIENT
            self._say(self.preview_hint, text)
            return None
        self.preview_hint.hide()
        try:
            preview = recurrence.preview_series(self._db, self._actor, request)
        except DatabaseUnavailable as exc:
            log.warning("previewing a series failed: %s", exc.__cause__ or exc)
            self._set_preview(None)
            self._say(self.preview_error, "⚠ " + PREVIEW_TROUBLE)
            return exc
        except DomainError as exc:
            self._set_preview(None)
            self._say(self.preview_error, "✗ " + str(exc))
            return exc
        self._set_preview(preview)
        return None

    def _set_preview(self, preview: recurrence.SeriesPreview | None) -> None:
        self.plan.set_preview(preview, self._recheck)
        self._show_plan()

    def _recheck(self, visit: PlannedVisit, alternative: Alternative) -> Alternative:
        """Another time checked again with the series as it now stands (another length, room
        or episode, or a slot taken meanwhile)."""
        planned = self._planned_request(visit)
        if planned is None:
            return alternative
        moved = replace(
            planned, starts_at=alternative.starts_at, therapist_id=alternative.therapist_id
        )
        try:
            check = booking.check_booking(self._db, self._actor, moved)
        except DomainError as exc:
            log.warning("checking a chosen time again failed: %s", exc)
            return alternative
        return replace(alternative, check=check)

    def visits(self) -> tuple[PlannedVisit, ...]:
        return self.plan.visits()

    def _show_plan(self) -> None:
        rows = self.plan.rows()
        self.model.set_rows(rows)
        if rows and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        count = len(self.plan.booked())
        self.save_button.setText(
            f"&Book {plural(count, 'visit')}" if self.plan.preview else "&Book the visits"
        )
        self.tally.setText(self.plan.tally())
        self._row_buttons()
        warnings = list(self.plan.warnings())
        shown = warnings[:WARNINGS_SHOWN]
        if len(warnings) > len(shown):
            shown.append(f"… and {len(warnings) - len(shown)} more (see the list).")
        text = "\n".join(f"⚠ {w}" for w in shown)
        if text != self.warning_label.property("shown"):
            self.read_warning.setChecked(False)  # a new warning has to be read anew
            self.warning_label.setProperty("shown", text)
        self._say(self.warning_label, text)
        self.read_warning.setVisible(bool(text))
        self.override.setVisible(self.plan.needs_approval())

    def _current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def _row_buttons(self) -> None:
        visit = self.plan.visit(self._current_row())
        self.another_button.setEnabled(visit is not None)
        self.skip_button.setEnabled(visit is not None)
        taken_out = visit is not None and not self.plan.is_booked(visit)
        self.skip_button.setText("Boo&k this visit" if taken_out else "S&kip this visit")

    # --- the person's choices per visit -----------------------------------------------------------

    def toggle_row(self, row: int) -> None:
        """Leave the visit out, or take it back in (a clash only at another time)."""
        if self.plan.toggle(row) is Toggle.NEEDS_ANOTHER_TIME:
            self.choose_another_time(row)
            return
        self._show_plan()

    def choose_another_time(self, row: int) -> None:
        visit = self.plan.visit(row)
        planned = self._planned_request(visit) if visit is not None else None
        if visit is None or planned is None:
            return
        picker = AlternativePicker(
            self._db,
            self._actor,
            self._choices,
            self._zone,
            planned,
            check_words(visit.check)[0],
            current=self.plan.alternatives.get(visit.original_start),
            now=self._now,
            taken=self.plan.taken(visit),
            parent=self,
        )
        accepted = self.exec_picker(picker) == QDialog.DialogCode.Accepted.value
        alternative = picker.alternative
        picker.deleteLater()
        if accepted and alternative is not None:
            self.plan.set_alternative(visit, alternative)
            self._show_plan()
        self.table.setFocus()

    def exec_picker(self, picker: AlternativePicker) -> int:
        """Show the picker modally (tests replace this to drive it)."""
        return picker.exec()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter on a visit chooses its other time and must not also press Book; Space ticks.
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.choose_another_time(self._current_row())
                return True
            if event.key() == Qt.Key.Key_Space:
                self.toggle_row(self._current_row())
                return True
        return super().eventFilter(watched, event)

    # --- saving -----------------------------------------------------------------------------------

    def save(self) -> None:
        self.fields.clear()
        self.form_error.hide()
        self.override.clear_error()
        had_preview = self.plan.preview is not None
        shown = len(self.plan.picks())
        if self._timer.isActive() or not had_preview:
            refusal = self.run_preview()
            if isinstance(refusal, ValidationError):
                self._show_field_errors(refusal)
                return
            if refusal is not None:
                return  # its words are over the list
            if had_preview and len(self.plan.picks()) != shown:
                self._refuse(LIST_CHANGED, self.table)
                return
        request = self.series_request()
        if request is None:
            problems = {}
            if self._patient is None:
                problems["patient"] = "Choose a patient: type part of the name, then Enter."
            if self.pattern() is None:
                problems["first_day"] = UNREADABLE_TIME
            self.fields.show(ValidationError(problems or {"therapist": "Choose a therapist."}))
            return
        picks = self.plan.picks()
        if not picks:
            self._refuse(NOTHING_TICKED, self.table)
            return
        approver: Actor | None = None
        if self.plan.needs_approval():
            approver = self.override.approver()
            if approver is None:
                return
        if self.plan.warnings() and not self.read_warning.isChecked():
            self._refuse(NEEDS_CONFIRMATION, self.read_warning)
            return
        self._book(request, picks, approver)

    def _book(self, request: SeriesRequest, picks: list[Pick], approver: Actor | None) -> None:
        try:
            result = recurrence.book_series(
                self._db, self._actor, request, picks, override_by=approver
            )
        except ValidationError as exc:
            self._show_field_errors(exc)
            return
        except DatabaseUnavailable as exc:
            log.warning("booking a series failed: %s", exc.__cause__ or exc)
            self._refuse(DATABASE_TROUBLE, None)
            return
        except PermissionDenied as exc:
            if approver is None:
                self._refuse(str(exc), None)
            else:  # the approver is not an administrator: say so beside their name
                self.override.password.clear()
                self.override.refuse(str(exc))
            return
        except ConflictError as exc:  # taken meanwhile: check every visit again
            self._lost_race(exc)
            return
        except DomainError as exc:
            self._refuse(str(exc), None)
            return
        self.saved_ids = list(result.appointment_ids)
        self.saved_series_id = result.series_id
        starts = [pick.starts_at or pick.original_start for pick in self.plan.picks()]
        self.saved_first_start = min(starts) if starts else None
        name = self._patient.display_name if self._patient else "the patient"
        planned = len(self.plan.visits())
        booked = len(self.saved_ids)
        self.saved_summary = (
            f"Booked {plural(booked, 'visit')} for {name}: {self.rule_text()}"
            if booked == planned
            else f"Booked {booked} of the {planned} visits for {name} ({self.rule_text()})"
        )
        events().data_changed.emit("appointment", list(self.saved_ids))
        self.accept()

    def _lost_race(self, refusal: ConflictError) -> None:
        """Say what refused the series, check every visit again, and name the visits that
        were to be booked and no longer can be."""
        before = {visit.original_start for visit in self.plan.booked()}
        self.run_preview()
        lost = self.plan.lost(before)
        words = str(refusal)
        if lost:
            names = ", ".join(day_and_time(v.original_start, self._zone) for v in lost)
            words += (
                f" The list is checked again: {names} can no longer be booked; choose another "
                "time or leave it out, then press Book again."
            )
        else:
            words += " The list is checked again; press Book to try once more."
        self._refuse(words, self.table)

    def _show_field_errors(self, error: ValidationError) -> None:
        placed: dict[str, str] = {}
        for name, message in error.field_errors.items():
            row = _FIELD_ROWS.get(name, name)
            placed[row] = f"{placed[row]} {message}" if row in placed else message
        unplaced = self.fields.show(ValidationError(placed))
        if unplaced:
            self._refuse(" ".join(unplaced), None)

    def _refuse(self, message: str, focus: QWidget | None) -> None:
        self._say(self.form_error, "⚠ " + message)
        if focus is not None:
            focus.setFocus()

    @staticmethod
    def _say(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def error_text(self) -> str:
        return self.form_error.text() if not self.form_error.isHidden() else ""

    # --- closing ----------------------------------------------------------------------------------

    def _snapshot(self) -> tuple[object, ...]:
        return (
            self._patient.id if self._patient else None,
            self.episode.currentData(),
            self.visit_type.currentData(),
            self.minutes.value(),
            self.therapist.currentData(),
            self.room.currentData(),
            self.repeat.snapshot(),
            self.note.text(),
            self.plan.choices(),
        )

    unsaved_title = "Series not booked yet"

    def save_work(self) -> None:
        self.save()

    def unsaved_question(self) -> str:
        return "Book this series before closing?"

    def is_dirty(self) -> bool:
        return not self.saved_ids and self._snapshot() != self._initial

    # --- for tests and screen readers -------------------------------------------------------------

    def row_texts(self) -> list[str]:
        """Each visit's line as shown: "☑ Mon Dec 7 | 10:00–10:45 | ✓ Free"."""
        lines = []
        for number in range(self.model.rowCount()):
            row = self.model.row(number)
            box = "☑" if row.ticked else "☐"
            lines.append(f"{box} " + " | ".join(row.cells))
        return lines
