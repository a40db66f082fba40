"""Registering a new patient and editing a patient's details, in one dialog.

Every check lives in the patients service; the dialog only turns what was typed into a
``PatientInput``, calls the service and puts each message next to its field. The only thing it
judges itself is whether the date of birth could be read at all, because the service receives a
date, not the text.
"""

from __future__ import annotations

import html
import logging
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.services.errors import DatabaseUnavailable, DomainError, ValidationError
from ptclinic.services.patient_fields import FIELD_LABELS, MAX_LENGTHS, SEXES, PatientInput
from ptclinic.services.patient_search import parse_date
from ptclinic.services.patients import (
    LikelyDuplicate,
    PatientRecord,
    register_patient,
    update_patient,
)
from ptclinic.ui.events import events
from ptclinic.ui.forms import FieldErrors, FormsDialog

log = logging.getLogger(__name__)

SEX_LABELS = {"female": "Female", "male": "Male", "other": "Other", "unknown": "Not recorded"}
LANGUAGES = (
    "English", "Spanish", "Chinese (Mandarin)", "Chinese (Cantonese)", "Tagalog", "Vietnamese",
    "Arabic", "French", "Haitian Creole", "Korean", "Russian", "Portuguese", "Polish", "Hindi",
    "German", "Italian", "Japanese", "American Sign Language",
)  # fmt: skip
DATE_PLACEHOLDER = "MM/DD/YYYY or YYYY-MM-DD"
PLACEHOLDERS = {
    "date_of_birth": DATE_PLACEHOLDER,
    "phone": "(555) 123-4567",
    "emergency_contact_phone": "(555) 123-4567",
    "email": "name@example.com",
}
UNREADABLE_DATE = (
    "Date of birth could not be read — type it as MM/DD/YYYY (e.g. 04/12/1978) or YYYY-MM-DD."
)
DATABASE_TROUBLE = (
    "Nothing was saved because the database did not answer. Check the network connection, "
    "then press Save again — what you typed is still here."
)
IDENTITY_FIELDS = ("last_name", "first_name", "date_of_birth")
# The sections in reading (and Tab) order, laid out two by two so the dialog fits a 768-pixel-high
# laptop screen even with messages under several fields. Labels inside a section may be shorter
# than FIELD_LABELS ("Phone" under "Emergency contact"); error messages keep the full wording.
SECTIONS = (
    ("Patient", ("last_name", "first_name", "preferred_name", "date_of_birth", "sex")),
    ("Contact", ("phone", "email", "address", "preferred_language")),
    ("Emergency contact", ("emergency_contact_name", "emergency_contact_phone")),
    ("Insurance & referral", ("payer", "member_id", "referring_physician")),
)
FIELD_MIN_WIDTH = 280
SHORT_LABELS = {"emergency_contact_name": "Name", "emergency_contact_phone": "Phone"}
REQUIRED_MARK = " *"


def _label(object_name: str, text: str = "", *, hidden: bool = False) -> QLabel:
    label = QLabel(text)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setHidden(hidden)
    return label


class PatientDialog(FormsDialog):
    """``PatientDialog(db, actor)`` registers; ``PatientDialog(db, actor, record)`` edits.

    Emits ``events().data_changed("patient", [id])`` and accepts after a successful save;
    ``record()`` then returns what was stored. ``open_existing(id)`` is emitted when the person
    chooses an already-registered chart over a likely duplicate.
    """

    open_existing = Signal(int)

    def __init__(
        self,
        db: Database,
        actor: Actor,
        record: PatientRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._original = record
        self._saved: PatientRecord | None = None
        self._duplicates: list[PatientRecord] = []
        self._confirm_duplicate = False
        self.setWindowTitle(
            "Register a new patient" if record is None else f"Edit details — {record.display_name}"
        )

        self.line_edits: dict[str, QLineEdit] = {}
        self.sex = QComboBox()
        for value in SEXES:
            self.sex.addItem(SEX_LABELS[value], value)
        # A new chart starts at "Not recorded": a preselected value would be saved unasked.
        self.sex.setCurrentIndex(self.sex.findData(PatientInput("", "", None).sex))
        self.language = QComboBox()
        self.language.setEditable(True)
        self.language.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.language.addItems(LANGUAGES)
        language_edit = self.language.lineEdit()
        assert language_edit is not None  # editable combo boxes always have one
        language_edit.setMaxLength(MAX_LENGTHS["preferred_language"])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        if record is not None:
            layout.addWidget(self._identity_header(record))
        grid = QGridLayout()
        grid.setHorizontalSpacing(36)
        grid.setVerticalSpacing(6)
        self._forms: list[FieldErrors] = []
        captions: list[QLabel] = []
        for number, (title, names) in enumerate(SECTIONS):
            form, errors, labels = self._section(title, names)
            grid.addLayout(form, number // 2, number % 2, Qt.AlignmentFlag.AlignTop)
            self._forms.append(errors)
            captions += labels
        # One label width for every section, so fields line up down each column.
        width = max(label.sizeHint().width() for label in captions)
        for label in captions:
            label.setMinimumWidth(width)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(_label("hint", "Fields marked * are required."))
        self.form_notice = _label("formNotice", hidden=True)
        self.form_notice.setTextFormat(Qt.TextFormat.RichText)
        self.form_notice.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.form_notice.linkActivated.connect(lambda link: self._choose_existing(int(link)))
        self.form_error = _label("formError", hidden=True)
        layout.addWidget(self.form_notice)
        layout.addWidget(self.form_error)

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        # Text only: the standard Cancel button's icon would be the one picture on the form.
        self.cancel_button = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.open_button = buttons.addButton(
            "&Open existing chart", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_button.hide()
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        self.cancel_button.clicked.connect(self.reject)
        self.open_button.clicked.connect(self._open_first_duplicate)
        layout.addWidget(buttons)

        if record is not None:
            self._fill(record)
        for name in IDENTITY_FIELDS:
            # A changed name or date of birth may no longer match the warned-about chart.
            self.line_edits[name].textEdited.connect(self._forget_duplicates)
        self._initial = self._snapshot()
        self.line_edits["last_name"].setFocus()

    # --- building -----------------------------------------------------------------------------

    def _section(
        self, title: str, names: tuple[str, ...]
    ) -> tuple[QFormLayout, FieldErrors, list[QLabel]]:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        form.addRow(_label("sectionTitle", title))
        errors = FieldErrors(form)
        labels: list[QLabel] = []
        for name in names:
            label = SHORT_LABELS.get(name, FIELD_LABELS[name])
            if name in IDENTITY_FIELDS:
                label += REQUIRED_MARK
            field = self._field(name)
            field.setMinimumWidth(FIELD_MIN_WIDTH)
            errors.add_row(name, label, field)
            # FieldErrors wraps the field in a container (field plus error line); that is the row.
            container = field.parentWidget()
            caption = form.labelForField(container) if container is not None else None
            if isinstance(caption, QLabel):
                # Measured with the style sheet's font and padding, not the defaults.
                caption.ensurePolished()
                field.ensurePolished()
                # As tall as the field and centred, so the caption sits level with the typed text
                # (the row's error line below would otherwise pull it to the top).
                caption.setFixedHeight(field.sizeHint().height())
                caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                labels.append(caption)
        return form, errors, labels

    def _field(self, name: str) -> QWidget:
        if name == "sex":
            return self.sex
        if name == "preferred_language":
            return self.language
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setMaxLength(MAX_LENGTHS.get(name, 10))  # 10: MM/DD/YYYY, the date of birth
        edit.setPlaceholderText(PLACEHOLDERS.get(name, ""))
        self.line_edits[name] = edit
        return edit

    def _identity_header(self, record: PatientRecord) -> QFrame:
        header = QFrame()
        header.setObjectName("chartHeader")
        box = QVBoxLayout(header)
        box.setContentsMargins(12, 8, 12, 8)
        name = QLabel(record.display_name)
        name.setObjectName("chartName")
        born = f"{record.date_of_birth:%m/%d/%Y}" if record.date_of_birth else "not recorded"
        ids = QLabel(f"Born {born}   ·   Chart # {record.chart_number}")
        ids.setObjectName("chartIds")
        box.addWidget(name)
        box.addWidget(ids)
        return header

    def _fill(self, record: PatientRecord) -> None:
        for name, edit in self.line_edits.items():
            if name == "date_of_birth":
                dob = record.date_of_birth
                edit.setText(f"{dob:%m/%d/%Y}" if dob else "")
            else:
                edit.setText(str(getattr(record, name) or ""))
            edit.setCursorPosition(0)  # show a long address from its start
        index = self.sex.findData(record.sex)
        self.sex.setCurrentIndex(max(index, 0))
        self.language.setCurrentText(record.preferred_language)

    # --- reading the form ---------------------------------------------------------------------

    def _snapshot(self) -> dict[str, str]:
        values = {name: edit.text() for name, edit in self.line_edits.items()}
        values["sex"] = str(self.sex.currentData())
        values["preferred_language"] = self.language.currentText()
        return values

    def is_dirty(self) -> bool:
        return self._saved is None and self._snapshot() != self._initial

    def save_work(self) -> None:
        self._save()

    def unsaved_question(self) -> str:
        if self._original is None:
            return "Register this patient before closing?"
        return "Save your changes to this patient's details?"

    def _input(self) -> tuple[PatientInput, bool]:
        """What was typed, and whether a non-empty date of birth could not be read."""
        # Any: every remaining key is a str field of PatientInput, which mypy cannot see.
        text: dict[str, Any] = {name: edit.text() for name, edit in self.line_edits.items()}
        dob_text = str(text.pop("date_of_birth")).strip()
        dob = parse_date(dob_text) if dob_text else None
        data = replace(
            PatientInput("", "", dob, sex=str(self.sex.currentData())),
            preferred_language=self.language.currentText(),
            **text,
        )
        return data, bool(dob_text) and dob is None

    def is_new(self) -> bool:
        """Whether this dialog registers a new patient (rather than editing one)."""
        return self._original is None

    def record(self) -> PatientRecord | None:
        """The record as saved, once the dialog has been accepted; otherwise None."""
        return self._saved

    # --- saving -------------------------------------------------------------------------------

    def _save(self) -> None:
        data, unreadable_date = self._input()
        self._clear_errors()
        try:
            if self._original is None:
                saved = register_patient(
                    self._db, self._actor, data, confirm_not_duplicate=self._confirm_duplicate
                )
            else:
                saved = update_patient(
                    self._db, self._actor, self._original.id, self._original.version, data
                )
        except ValidationError as exc:
            messages = dict(exc.field_errors)
            if unreadable_date:
                messages["date_of_birth"] = UNREADABLE_DATE
            self._show_field_errors(ValidationError(messages))
            return
        except LikelyDuplicate as exc:
            self._show_duplicates(exc.matches)
            return
        except DatabaseUnavailable as exc:
            log.warning("saving patient failed: %s", exc.__cause__ or exc)
            self._show_error(DATABASE_TROUBLE)
            return
        except DomainError as exc:  # a stale record, a refused permission, a vanished patient
            self._show_error(str(exc))
            return
        self._saved = saved
        events().data_changed.emit("patient", [saved.id])
        self.accept()

    def _fit_height(self) -> None:
        """Grow to fit messages that wrap: a window's minimum size ignores height-for-width."""
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _show_duplicates(self, matches: list[PatientRecord]) -> None:
        self._duplicates = matches
        self._confirm_duplicate = True
        listed = "<br>".join(
            f'• <a href="{m.id}">{html.escape(m.display_name)}</a>, born '
            f"{m.date_of_birth:%m/%d/%Y}, chart # {html.escape(m.chart_number)}"
            for m in matches
        )
        self.form_notice.setText(
            "<b>⚠ This patient may already be registered:</b><br>"
            f"{listed}<br>Open the existing chart instead, or press "
            "<b>Register anyway</b> if this is a different person."
        )
        self.form_notice.show()
        self._fit_height()
        self.save_button.setText("Register &anyway")
        # Enter must not register a duplicate: the safe choice becomes the default.
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.open_button.show()
        self.open_button.setDefault(True)
        self.open_button.setFocus()

    def _forget_duplicates(self) -> None:
        if not self._confirm_duplicate:
            return
        self._duplicates = []
        self._confirm_duplicate = False
        self.form_notice.hide()
        self.open_button.hide()
        self.open_button.setDefault(False)
        self.save_button.setText("&Save")
        self.save_button.setAutoDefault(True)
        self.save_button.setDefault(True)

    def _open_first_duplicate(self) -> None:
        if self._duplicates:
            self._choose_existing(self._duplicates[0].id)

    def _choose_existing(self, patient_id: int) -> None:
        self.open_existing.emit(patient_id)
        super().reject()  # the typed duplicate is abandoned on purpose: no "unsaved" question

    # --- closing ------------------------------------------------------------------------------
