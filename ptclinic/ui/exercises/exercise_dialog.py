"""The form for one of the clinic's own exercises: new, started from a copy, or edited.

Every rule lives in ``services/clinic_exercises.py`` (and the library's ``validate_exercise``):
the dialog turns what was typed into the mapping those read, calls the service and puts each
message beside its field. Words a patient may not know are pointed out once before saving (a
warning, not a refusal: Save again keeps them). Ctrl+S or Enter saves; closing with changes asks.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.services.clinic_exercises import (
    OwnExercise,
    add_exercise,
    exercise_mapping,
    link_choices,
    update_exercise,
    wording_warnings,
)
from ptclinic.services.dosage import DOSAGE_LABELS
from ptclinic.services.errors import DatabaseUnavailable, DomainError, ValidationError
from ptclinic.services.exercise_library import (
    CATEGORIES,
    CATEGORY_LABELS,
    INDICATION_LABELS,
    INDICATIONS,
    STAGE_LABELS,
    STAGES,
    Exercise,
)
from ptclinic.ui.events import events
from ptclinic.ui.forms import FieldErrors, FormScroll, FormsDialog, fit_height

log = logging.getLogger(__name__)

DATABASE_TROUBLE = (
    "Nothing was saved because the database did not answer. Check the network connection, "
    "then press Save again — what you typed is still here."
)
INTRO = (
    "Patients read the name for the patient, what it is for, the steps and the cautions at home: "
    "use everyday words, short sentences and “you”."
)
CHOOSE_CATEGORY = "Choose a category"
NO_LINK = "None"
DIALOG_WIDTH = 1080  # wanted; less when the screen is narrower
FIELD_MIN_WIDTH = 220
NUMBER_WIDTH = 70
SHORT_WIDTH = 200  # a field for a word
MIN_FORM_HEIGHT = 240
# The dosage's numbers, in two columns of the "How much" section.
DOSAGE_COLUMNS = (("sets", "hold_seconds", "per_day", "minutes"), ("reps", "days_per_week"))


def _text_box(placeholder: str, lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)  # Tab moves on, as in every other field
    box.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
    box.ensurePolished()  # the style sheet's type size decides the line height
    height = box.fontMetrics().lineSpacing() * lines + 16
    box.setMinimumHeight(height)
    box.setMaximumHeight(height)  # the form's height is planned round these boxes
    return box


def _lines(value: object) -> str:
    if isinstance(value, list | tuple):
        return "\n".join(str(v) for v in value)
    return str(value or "")


class ExerciseDialog(FormsDialog):
    """``ExerciseDialog(db, actor, library)`` writes a new exercise; ``start`` fills it first
    (e.g. ``copy_of`` a shipped one); ``own`` (from ``own_exercise``) edits that one at its
    version. After a save ``saved()`` is the exercise as stored and
    ``events().data_changed("exercise", [code])`` has been emitted."""

    def __init__(
        self,
        db: Database,
        actor: Actor,
        library: Sequence[Exercise],
        parent: QWidget | None = None,
        *,
        start: Mapping[str, Any] | None = None,
        own: OwnExercise | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._own = db, actor, own
        self._saved: Exercise | None = None
        self._warned: dict[str, object] | None = None  # the values the wording note was for
        code = own.exercise.code if own is not None else None
        if own is not None:
            title = f"Edit exercise — {own.exercise.name} ({code})"
        elif start is not None:
            title = "New exercise from a copy"
        else:
            title = "New exercise"
        self.setWindowTitle(title)
        self.setObjectName("exerciseDialog")

        self._build_fields(library, code)
        self._forms: list[FieldErrors] = []
        self._captions: list[QLabel] = []
        intro = QLabel(INTRO)
        intro.setObjectName("hint")
        intro.setWordWrap(True)

        left = QVBoxLayout()
        left.setSpacing(2)
        left.addWidget(self._heading("The exercise"))
        left.addLayout(self._form((
            ("name", "&Name", self.name),
            ("plain_name", "Name for the &patient", self.plain_name),
            ("category", "&Category", self.category),
            ("stage", "Sta&ge", self.stage),
            ("indications", "S&uits", self.indications_row),
            ("purpose", "What it is &for", self.purpose),
        )))  # fmt: skip
        left.addWidget(self._heading("Family"))
        left.addLayout(self._form((
            ("regression", "Eases &back to", self.regression),
            ("progression", "Progresses t&o", self.progression),
        )))  # fmt: skip
        left.addStretch(1)
        # One caption width down the column, so the fields of both sections line up.
        width = max(caption.sizeHint().width() for caption in self._captions)
        for caption in self._captions:
            caption.setMinimumWidth(width)

        right = QVBoxLayout()
        right.setSpacing(2)
        right.addWidget(self._heading("For the patient's handout"))
        right.addLayout(self._form((
            ("steps", "S&teps", self.steps),
            ("cautions", "C&autions", self.cautions),
        ), wrap=True))  # fmt: skip
        right.addWidget(self._heading("How much"))
        numbers = QHBoxLayout()
        numbers.setSpacing(24)
        first, second = DOSAGE_COLUMNS
        numbers.addLayout(self._form(tuple(self._dosage_row(k) for k in first)))
        numbers.addLayout(
            self._form((
                *(self._dosage_row(k) for k in second),
                ("dosage.per_side", "Each si&de", self.per_side),
                ("verb", "&Verb for the time", self.verb),
            ))
        )  # fmt: skip
        right.addLayout(numbers)
        right.addStretch(1)

        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setContentsMargins(20, 0, 20, 0)
        columns.setSpacing(32)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        self.form_scroll = FormScroll(body, min_height=MIN_FORM_HEIGHT)

        self.notice = QLabel()
        self.notice.setObjectName("formNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.hide()
        self.form_error = QLabel()
        self.form_error.setObjectName("formError")
        self.form_error.setWordWrap(True)
        self.form_error.hide()

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setToolTip("Save the exercise (Ctrl+S)")
        self.cancel_button = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        for keys in (QKeySequence(QKeySequence.StandardKey.Save), QKeySequence("Ctrl+Return")):
            QShortcut(keys, self).activated.connect(self.save)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 14, 0, 14)
        layout.setSpacing(8)
        for widget in (intro, self.form_scroll, self.notice, self.form_error, buttons):
            if widget is self.form_scroll:
                layout.addWidget(widget, 1)
                continue
            row = QHBoxLayout()
            row.setContentsMargins(20, 0, 20, 0)
            row.addWidget(widget)
            layout.addLayout(row)

        values = exercise_mapping(own.exercise) if own is not None else dict(start or {})
        self._fill(values)
        self._initial = self.values()
        fit_height(self, self.form_scroll, grow_only=False)
        available = self.screen().availableGeometry().width() - 40
        self.resize(max(self.width(), min(DIALOG_WIDTH, available)), self.height())
        self.name.setFocus()

    # --- building -----------------------------------------------------------------------------

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("sectionTitle")
        return label

    def _build_fields(self, library: Sequence[Exercise], code: str | None) -> None:
        self.name = QLineEdit()
        self.name.setMaxLength(80)
        self.name.setPlaceholderText("The clinical name, e.g. Wall sit, short range")
        self.plain_name = QLineEdit()
        self.plain_name.setMaxLength(80)
        self.plain_name.setPlaceholderText("In everyday words, e.g. Wall sitting")
        self.category = QComboBox()
        self.category.addItem(CHOOSE_CATEGORY, None)
        for category in CATEGORIES:
            self.category.addItem(CATEGORY_LABELS[category], category)
        self.stage = QComboBox()
        for stage in STAGES:
            self.stage.addItem(STAGE_LABELS[stage], stage)
        self.indications_row = QWidget()
        row = QVBoxLayout(self.indications_row)
        row.setContentsMargins(4, 3, 4, 3)  # clear of the red frame an error draws round it
        row.setSpacing(4)
        self.indications: dict[str, QCheckBox] = {}
        for indication in INDICATIONS:
            box = QCheckBox(INDICATION_LABELS[indication])
            self.indications[indication] = box
            row.addWidget(box)
        self.indications_row.setFocusProxy(self.indications[INDICATIONS[0]])
        self.purpose = QLineEdit()
        self.purpose.setMaxLength(120)
        self.purpose.setPlaceholderText("One line, in everyday words")
        # Room for the usual 5 steps with a few wrapped; Enter starts the next one.
        self.steps = _text_box("3 to 7 steps, one a line (Enter starts the next)", 9)
        self.cautions = _text_box("1 to 4 cautions, one a line", 4)
        self.dosage: dict[str, QLineEdit] = {}
        for key in (*DOSAGE_COLUMNS[0], *DOSAGE_COLUMNS[1]):
            edit = QLineEdit()
            edit.setValidator(QIntValidator(0, 999, edit))
            edit.setPlaceholderText("—")
            edit.setMaximumWidth(NUMBER_WIDTH)
            self.dosage[key] = edit
        self.dosage["minutes"].setToolTip(
            "For a timed exercise: minutes only, no sets or repetitions"
        )
        self.per_side = QCheckBox("Do it on each side")
        self.verb = QLineEdit()
        self.verb.setMaxLength(40)
        self.verb.setPlaceholderText("e.g. Walk (timed only)")
        self.verb.setMaximumWidth(SHORT_WIDTH)
        self.progression = self._link_picker(library, "progression", code)
        self.regression = self._link_picker(library, "regression", code)

    def _link_picker(self, library: Sequence[Exercise], link: str, code: str | None) -> QComboBox:
        picker = QComboBox()
        # As wide as the form gives it, not as the longest name in the library.
        picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        picker.setMinimumContentsLength(16)
        picker.addItem(NO_LINK, "")
        choices = link_choices(
            library, "progression" if link == "progression" else "regression", code
        )
        for found in choices:
            own = "" if found.shipped else ", clinic's own"
            picker.addItem(f"{found.name} (stage {found.stage}{own})", found.code)
        picker.setToolTip(
            "The next harder exercise of its family"
            if link == "progression"
            else "The next easier exercise of its family"
        )
        return picker

    def _dosage_row(self, key: str) -> tuple[str, str, QWidget]:
        labels = {
            "sets": "S&ets",
            "reps": "&Repetitions",
            "hold_seconds": "&Hold (seconds)",
            "per_day": "Times a da&y",
            "days_per_week": "Days a &week",
            "minutes": "&Minutes",
        }
        return (f"dosage.{key}", labels.get(key, DOSAGE_LABELS[key]), self.dosage[key])

    def _form(
        self, rows: tuple[tuple[str, str, QWidget], ...], *, wrap: bool = False
    ) -> QFormLayout:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(
            QFormLayout.RowWrapPolicy.WrapAllRows
            if wrap
            else QFormLayout.RowWrapPolicy.DontWrapRows
        )
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(6)
        errors = FieldErrors(form)
        for name, label, field in rows:
            if isinstance(field, QLineEdit | QComboBox) and field.maximumWidth() > SHORT_WIDTH:
                field.setMinimumWidth(FIELD_MIN_WIDTH)
            errors.add_row(name, label, field)
            container = field.parentWidget()
            caption = form.labelForField(container) if container is not None else None
            if isinstance(caption, QLabel) and not wrap:
                # As tall as the field and centred, level with the typed text (the row's error
                # line below would otherwise pull it to the top).
                # (A column of check boxes: level with the first.)
                proxy = field.focusProxy()
                level = proxy if isinstance(proxy, QCheckBox) else field
                caption.ensurePolished()
                level.ensurePolished()
                caption.setFixedHeight(level.sizeHint().height())
                caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self._captions.append(caption)
        self._forms.append(errors)
        return form

    # --- the form's values --------------------------------------------------------------------

    def _fill(self, values: Mapping[str, Any]) -> None:
        self.name.setText(str(values.get("name", "")))
        self.plain_name.setText(str(values.get("plain_name", "")))
        self.category.setCurrentIndex(max(0, self.category.findData(values.get("category"))))
        self.stage.setCurrentIndex(max(0, self.stage.findData(values.get("stage", 1))))
        chosen = values.get("indications") or []
        for indication, box in self.indications.items():
            box.setChecked(indication in chosen)
        self.purpose.setText(str(values.get("purpose", "")))
        self.steps.setPlainText(_lines(values.get("steps")))
        self.cautions.setPlainText(_lines(values.get("cautions")))
        dosage = values.get("dosage") or {}
        for key, edit in self.dosage.items():
            number = dosage.get(key)
            edit.setText("" if number is None else str(number))
        self.per_side.setChecked(bool(dosage.get("per_side")))
        self.verb.setText(str(values.get("verb", "")))
        for picker, key in ((self.progression, "progression"), (self.regression, "regression")):
            picker.setCurrentIndex(max(0, picker.findData(values.get(key, ""))))
        for edit in (self.name, self.plain_name, self.purpose):
            edit.setCursorPosition(0)

    def values(self) -> dict[str, object]:
        """What the form holds, as the service reads it."""
        dosage: dict[str, object] = {
            key: int(text) for key, edit in self.dosage.items() if (text := edit.text().strip())
        }
        if self.per_side.isChecked():
            dosage["per_side"] = True
        return {
            "name": self.name.text(),
            "plain_name": self.plain_name.text(),
            "category": self.category.currentData(),
            "stage": self.stage.currentData(),
            "indications": [i for i, box in self.indications.items() if box.isChecked()],
            "purpose": self.purpose.text(),
            "steps": self.steps.toPlainText(),
            "cautions": self.cautions.toPlainText(),
            "dosage": dosage,
            "progression": self.progression.currentData() or "",
            "regression": self.regression.currentData() or "",
            "verb": self.verb.text(),
        }

    def is_dirty(self) -> bool:
        return self._saved is None and self.values() != self._initial

    def save_work(self) -> None:
        self.save()

    def unsaved_question(self) -> str:
        if self._own is None:
            return "Save this new exercise before closing?"
        return "Save your changes to this exercise?"

    def saved(self) -> Exercise | None:
        """The exercise as stored, once saved; otherwise None."""
        return self._saved

    def notice_text(self) -> str:
        return self.notice.text() if not self.notice.isHidden() else ""

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        values = self.values()
        self._clear_errors()
        try:
            warnings = wording_warnings(values)
            if warnings and values != self._warned:
                self._warn(warnings, values)
                return
            self.notice.hide()
            if self._own is None:
                saved = add_exercise(self._db, self._actor, values)
            else:
                own = self._own
                saved = update_exercise(
                    self._db, self._actor, own.exercise.code, own.version, values
                )
        except ValidationError as exc:
            self._show_field_errors(exc)
            return
        except DatabaseUnavailable as exc:
            log.warning("saving an exercise failed: %s", exc.__cause__ or exc)
            self._show_error(DATABASE_TROUBLE)
            return
        except DomainError as exc:  # a stale copy, a refused permission
            self._show_error(str(exc))
            return
        self._saved = saved
        events().data_changed.emit("exercise", [saved.code])
        self.accept()

    def _warn(self, warnings: Sequence[str], values: dict[str, object]) -> None:
        self._warned = values
        items = "".join(f"<li>{html.escape(w)}</li>" for w in warnings[:6])
        more = f"<br>… and {len(warnings) - 6} more." if len(warnings) > 6 else ""
        self.notice.setText(
            "<b>Patients read these words at home; an everyday word may serve them better:</b>"
            f"<ul style='margin:4px 0'>{items}</ul>{more}Change them, or press Save again to "
            "keep them as they are."
        )
        self.notice.show()
        fit_height(self, self.form_scroll, grow_only=True)

    def _show_field_errors(self, error: ValidationError) -> None:
        self.notice.hide()
        super()._show_field_errors(error)
