"""Opening or editing an episode of care from the chart, and closing one.

Every rule lives in ``services/episodes.py``: the dialog turns what was typed into an
``EpisodeInput``, calls the service and puts each message beside its field. Optional dates
(referral, onset) may stay "No date"; Del clears them again. A save based on an old copy of the
episode is refused by the service in words that name who changed it; what was typed stays on
screen. Closing the window with changes asks first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import calendar
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_today
from ptclinic.services.episodes import (
    LINE_LENGTH,
    NAME_LENGTH,
    ONSET_MECHANISMS,
    TITLE_LENGTH,
    EpisodeInput,
    EpisodeRecord,
    PayerType,
    close_episode,
    open_episode,
    suggested_payer_type,
    update_episode,
)
from ptclinic.services.errors import DatabaseUnavailable, DomainError, ValidationError
from ptclinic.services.patient_search import PatientSummary, patient_summary
from ptclinic.services.patients import PatientRecord, open_chart
from ptclinic.ui.admin.common import ServiceDialog
from ptclinic.ui.date_field import DATE_TIP, DateField, from_qdate, to_qdate
from ptclinic.ui.date_field import NO_DATE as NO_DATE  # importable from here, as before
from ptclinic.ui.date_field import NO_DATE_TEXT as NO_DATE_TEXT
from ptclinic.ui.date_field import OptionalDateField as OptionalDateField
from ptclinic.ui.events import events
from ptclinic.ui.forms import FieldErrors, FormScroll, FormsDialog
from ptclinic.ui.patients.diagnosis_picker import DiagnosisPicker, listed_diagnosis
from ptclinic.ui.patients.search_model import format_date

log = logging.getLogger(__name__)

NO_THERAPIST = "Not chosen yet"
DATABASE_TROUBLE = (
    "Nothing was saved because the database did not answer. Check the network connection, "
    "then press Save again — what you typed is still here."
)
TITLE_HINT = "e.g. Right SI pain"
TITLE_TIP = "Left empty, the episode is named after its primary diagnosis"
DATE_HELP = DATE_TIP
OPTIONAL_DATE_HELP = (
    DATE_TIP + ". Empty is “No date”: Del clears it, and on it the first ↑ ↓ starts from today"
)
CLOSE_REASONS = ("Goals met", "Stopped attending", "Referred on", "Moved away")
FIELD_MIN_WIDTH = 240
DIALOG_WIDTH = 900
MIN_FORM_HEIGHT = 200


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _styled(name: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def _padded(widget: QWidget) -> QWidget:
    """``widget`` with the dialog's side margins (the form between scrolls edge to edge)."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(20, 0, 20, 0)
    row.addWidget(widget)
    return box


def identity_header(patient: PatientRecord | PatientSummary, detail: str = "") -> QFrame:
    """The patient's name, date of birth and chart number (and ``detail``) above the form, so
    no one writes on the wrong chart."""
    header = QFrame()
    header.setObjectName("chartHeader")
    box = QVBoxLayout(header)
    box.setContentsMargins(12, 8, 12, 8)
    box.setSpacing(2)
    name = _styled("chartName", patient.display_name)
    born = format_date(patient.date_of_birth) if patient.date_of_birth else "not recorded"
    ids = _styled("chartIds", f"Born {born}   ·   Chart # {patient.chart_number}")
    box.addWidget(name)
    box.addWidget(ids)
    if detail:
        box.addWidget(_styled("chartIds", detail))
    return header


class EpisodeDialog(FormsDialog):
    """``EpisodeDialog(db, actor, patient)`` opens a new episode; with ``episode`` it edits it.

    ``patient`` is the chart's ``PatientRecord`` or a patient id (a new episode then reads the
    chart, an audited view, for the referring physician). Reading the patient or the list of
    clinicians may raise ``DomainError``. After a save ``record()`` is the episode as stored and
    ``events().data_changed("episode", [id])`` has been emitted. ``clock`` is "now" (tests fix
    it): it decides today's date for the start and the checks.
    """

    def __init__(
        self,
        db: Database,
        actor: Actor,
        patient: PatientRecord | int,
        episode: EpisodeRecord | None = None,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._clock = db, actor, clock
        self._episode = episode
        self._saved: EpisodeRecord | None = None
        who: PatientRecord | PatientSummary
        if isinstance(patient, PatientRecord):
            who = patient
        elif episode is None:
            who = open_chart(db, actor, patient)
        else:
            who = patient_summary(db, actor, patient)
        self._patient = who
        self._today = clinic_today(db, clock())
        clinicians = calendar.clinicians(db, actor)
        self.setWindowTitle(
            "Open an episode of care" if episode is None else f"Edit episode — {episode.title}"
        )
        self.setMinimumWidth(DIALOG_WIDTH)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 14, 0, 14)
        layout.setSpacing(8)
        detail = ""
        if episode is not None:
            therapist = (
                f" with {episode.primary_therapist_name}" if episode.primary_therapist_id else ""
            )
            detail = f"Episode from {format_date(episode.start_date)}{therapist}"
        header = identity_header(who, detail)
        layout.addWidget(_padded(header))

        self._build_fields(clinicians)
        self._forms: list[FieldErrors] = []
        self._captions: list[QLabel] = []
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(2)
        for title, rows in (
            ("Episode", (
                ("title", "&Title", self.title),
                ("primary_therapist_id", "Primary t&herapist", self.therapist),
                ("start_date", "Start &date", self.start_date),
                ("payer_type", "&Payer", self.payer),
                ("authorized_visits", "Authorized &visits", self.authorized_visits),
            )),
            ("Referral", (
                ("referring_physician", "&Referring physician", self.physician),
                ("referral_date", "Referral dat&e", self.referral_date),
                ("referral_reason", "Reas&on", self.referral_reason),
            )),
            ("Onset", (
                ("onset_date", "O&nset date", self.onset_date),
                ("onset_mechanism", "How it &began", self.onset_mechanism),
            )),
        ):  # fmt: skip
            left.addWidget(_styled("sectionTitle", title))
            left.addLayout(self._form(rows))
        left.addStretch(1)
        # One caption width for every section, so the fields line up down the column.
        width = max(caption.sizeHint().width() for caption in self._captions)
        for caption in self._captions:
            caption.setMinimumWidth(width)

        diagnoses = QFormLayout()
        diagnoses.setContentsMargins(0, 0, 0, 0)
        diagnoses.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        diagnoses.setVerticalSpacing(4)
        diagnoses_errors = FieldErrors(diagnoses)
        diagnoses_errors.add_row("diagnosis_codes", "Dia&gnoses (ICD-10-CM)", self.picker)
        self._forms.append(diagnoses_errors)
        container = self.picker.parentWidget()
        heading = diagnoses.labelForField(container) if container is not None else None
        if isinstance(heading, QLabel):
            heading.setObjectName("sectionTitle")  # the column's heading, and the mnemonic
        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setContentsMargins(20, 0, 20, 0)
        columns.setSpacing(32)
        columns.addLayout(left, 1)
        columns.addLayout(diagnoses, 1)
        self.form_scroll = FormScroll(body, min_height=MIN_FORM_HEIGHT)
        layout.addWidget(self.form_scroll, 1)
        self.form_error = _styled("formError")
        self.form_error.hide()
        layout.addWidget(_padded(self.form_error))

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        # Text only: the standard Cancel button's icon would be the one picture on the form.
        self.cancel_button = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(_padded(buttons))

        self._fill(episode, who)
        self.picker.changed.connect(self._name_hint)
        self._name_hint()
        self._initial = self._snapshot()
        self._fit_height()
        self.title.setFocus()

    # --- building -----------------------------------------------------------------------------

    def _build_fields(self, clinicians: list[calendar.Clinician]) -> None:
        self.title = QLineEdit()
        self.title.setObjectName("episodeTitle")
        self.title.setMaxLength(TITLE_LENGTH)
        self.title.setToolTip(TITLE_TIP)
        self.therapist = QComboBox()
        self.therapist.setObjectName("episodeTherapist")
        self.therapist.addItem(NO_THERAPIST, None)
        for person in clinicians:
            credentials = f", {person.credentials}" if person.credentials else ""
            self.therapist.addItem(f"{person.full_name}{credentials}", person.id)
        self.start_date = DateField(to_qdate(self._today), today=lambda: self._today)
        self.start_date.setObjectName("episodeStart")
        self.start_date.setToolTip(DATE_HELP)
        self.payer = QComboBox()
        self.payer.setObjectName("episodePayer")
        for payer in PayerType:
            self.payer.addItem(payer.label, payer.value)
        self.authorized_visits = QLineEdit()
        self.authorized_visits.setObjectName("episodeAuthorised")
        self.authorized_visits.setValidator(QIntValidator(0, 999, self))
        self.authorized_visits.setPlaceholderText("No limit")
        self.authorized_visits.setToolTip("Visits the payer authorized; leave empty for no limit")
        self.physician = QLineEdit()
        self.physician.setObjectName("episodePhysician")
        self.physician.setMaxLength(NAME_LENGTH)
        self.physician.setPlaceholderText("e.g. Dr. Ana Suarez")
        self.referral_date = OptionalDateField(lambda: self._today, today=lambda: self._today)
        self.referral_date.setObjectName("episodeReferralDate")
        self.referral_date.setToolTip(OPTIONAL_DATE_HELP)
        self.referral_reason = QLineEdit()
        self.referral_reason.setObjectName("episodeReferralReason")
        self.referral_reason.setMaxLength(LINE_LENGTH)
        self.referral_reason.setPlaceholderText("As written on the referral")
        self.onset_date = OptionalDateField(lambda: self._today, today=lambda: self._today)
        self.onset_date.setObjectName("episodeOnsetDate")
        self.onset_date.setToolTip(OPTIONAL_DATE_HELP)
        self.onset_mechanism = QComboBox()
        self.onset_mechanism.setObjectName("episodeOnsetMechanism")
        self.onset_mechanism.setEditable(True)
        self.onset_mechanism.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.onset_mechanism.addItems(["", *ONSET_MECHANISMS])
        line = self.onset_mechanism.lineEdit()
        assert line is not None  # editable combo boxes always have one
        line.setMaxLength(LINE_LENGTH)
        line.setPlaceholderText("Choose or type, e.g. Lifting")
        self.picker = DiagnosisPicker()

    def _form(self, rows: tuple[tuple[str, str, QWidget], ...]) -> QFormLayout:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(6)
        errors = FieldErrors(form)
        for name, label, field in rows:
            field.setMinimumWidth(FIELD_MIN_WIDTH)
            errors.add_row(name, label, field)
            # FieldErrors wraps the field in a container (field plus error line); that is the row.
            container = field.parentWidget()
            caption = form.labelForField(container) if container is not None else None
            if isinstance(caption, QLabel):
                # As tall as the field and centred, so the caption sits level with the typed
                # text (the row's error line below would otherwise pull it to the top).
                caption.ensurePolished()
                field.ensurePolished()
                caption.setFixedHeight(field.sizeHint().height())
                caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self._captions.append(caption)
        self._forms.append(errors)
        return form

    def _fill(self, episode: EpisodeRecord | None, patient: PatientRecord | PatientSummary) -> None:
        if episode is None:
            payer = suggested_payer_type(self._db, self._actor, patient.id)
            self.payer.setCurrentIndex(self.payer.findData(payer.value))
            self.physician.setText(getattr(patient, "referring_physician", "") or "")
            # A clinician opening an episode is usually its therapist.
            self.therapist.setCurrentIndex(max(0, self.therapist.findData(self._actor.staff_id)))
            return
        self.title.setText(episode.title)
        index = self.therapist.findData(episode.primary_therapist_id)
        if index < 0 and episode.primary_therapist_id is not None:
            # A therapist who has left stays on their episodes until someone chooses another.
            self.therapist.addItem(episode.primary_therapist_name, episode.primary_therapist_id)
            index = self.therapist.count() - 1
        self.therapist.setCurrentIndex(max(0, index))
        self.start_date.setDate(to_qdate(episode.start_date))
        self.payer.setCurrentIndex(max(0, self.payer.findData(episode.payer_type)))
        visits = episode.authorized_visits
        self.authorized_visits.setText("" if visits is None else str(visits))
        self.physician.setText(episode.referring_physician)
        self.referral_date.set_value(episode.referral_date)
        self.referral_reason.setText(episode.referral_reason)
        self.onset_date.set_value(episode.onset_date)
        self.onset_mechanism.setCurrentText(episode.onset_mechanism)
        self.picker.set_codes(d.code for d in episode.diagnoses)
        for edit in (self.title, self.physician, self.referral_reason):
            edit.setCursorPosition(0)  # a long text shows from its start

    def _name_hint(self) -> None:
        codes = self.picker.codes()
        if not codes:
            self.title.setPlaceholderText(TITLE_HINT)
            return
        found = listed_diagnosis(codes[0])
        if found is not None:
            self.title.setPlaceholderText(found.description)  # the name it gets if left empty

    # --- reading the form ---------------------------------------------------------------------

    def _input(self) -> EpisodeInput:
        visits = self.authorized_visits.text().strip()
        return EpisodeInput(
            title=self.title.text(),
            primary_therapist_id=self.therapist.currentData(),
            start_date=from_qdate(self.start_date.date()),
            referring_physician=self.physician.text(),
            referral_date=self.referral_date.value(),
            referral_reason=self.referral_reason.text(),
            diagnosis_codes=self.picker.codes(),
            onset_date=self.onset_date.value(),
            onset_mechanism=self.onset_mechanism.currentText(),
            payer_type=str(self.payer.currentData()),
            authorized_visits=int(visits) if visits else None,
        )

    def _snapshot(self) -> EpisodeInput:
        return self._input()

    def is_dirty(self) -> bool:
        return self._saved is None and self._snapshot() != self._initial

    def save_work(self) -> None:
        self.save()

    def unsaved_question(self) -> str:
        if self._episode is None:
            return "Open this episode before closing?"
        return "Save your changes to this episode?"

    def record(self) -> EpisodeRecord | None:
        """The episode as saved, once the dialog has been accepted; otherwise None."""
        return self._saved

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        data = self._input()
        self._clear_errors()
        try:
            if self._episode is None:
                saved = open_episode(
                    self._db, self._actor, self._patient.id, data, now=self._clock()
                )
            else:
                saved = update_episode(
                    self._db, self._actor, self._episode.id, self._episode.version, data,
                    now=self._clock(),
                )  # fmt: skip
        except ValidationError as exc:
            self._show_field_errors(exc)
            return
        except DatabaseUnavailable as exc:
            log.warning("saving episode failed: %s", exc.__cause__ or exc)
            self._show_error(DATABASE_TROUBLE)
            return
        except DomainError as exc:  # a stale copy, a closed episode, a refused permission
            self._show_error(str(exc))
            return
        self._saved = saved
        events().data_changed.emit("episode", [saved.id])
        self.accept()

    # --- closing ------------------------------------------------------------------------------


class CloseEpisodeDialog(ServiceDialog):
    """Close ``episode`` with a reason and a day (today unless changed), under ``patient``'s
    identity when given. After a save ``record()`` is the closed episode and
    ``data_changed("episode", [id])`` was emitted."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        episode: EpisodeRecord,
        parent: QWidget | None = None,
        *,
        patient: PatientRecord | PatientSummary | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        super().__init__("Close episode of care", "&Close the episode", parent)
        if patient is not None:
            self._layout.insertWidget(0, identity_header(patient))
        self._db, self._actor, self._episode, self._clock = db, actor, episode, clock
        self._saved: EpisodeRecord | None = None
        therapist = (
            f" with {episode.primary_therapist_name}" if episode.primary_therapist_id else ""
        )
        self.set_intro(
            f"“{episode.title}”, from {format_date(episode.start_date)}{therapist}.\n"
            "A closed episode keeps its details as they are; open a new one if the patient "
            "comes back with a new problem."
        )
        keep = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        keep.setText("&Keep it open")
        self.reason = QComboBox()
        self.reason.setObjectName("closeReason")
        self.reason.setEditable(True)
        self.reason.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason.addItems(["", *CLOSE_REASONS])
        line = self.reason.lineEdit()
        assert line is not None  # editable combo boxes always have one
        line.setPlaceholderText("Why does the episode end? (required)")
        line.setMaxLength(LINE_LENGTH)
        self.fields.add_row("reason", "&Reason", self.reason)
        today = clinic_today(db, clock())
        self.closed_on = DateField(to_qdate(today), today=lambda: today)
        self.closed_on.setObjectName("closeDate")
        self.fields.add_row("closed_on", "Closing &day", self.closed_on)
        self.reason.setFocus()

    def record(self) -> EpisodeRecord | None:
        return self._saved

    def field_error(self, name: str) -> str:
        return self.fields.message(name)

    def save(self) -> None:
        self._saved = close_episode(
            self._db,
            self._actor,
            self._episode.id,
            self._episode.version,
            reason=self.reason.currentText(),
            closed_on=from_qdate(self.closed_on.date()),
            now=self._clock(),
        )
        events().data_changed.emit("episode", [self._saved.id])
