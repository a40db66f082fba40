"""Record the physician's certification of a plan of care, from a "Due soon" reminder.

Two things can be due: a new (or first) certification period, or the physician's signature on
the period already sent. When the latest period is still unsigned the dialog offers both;
otherwise it records a new period, starting the day after the last one ends. The rules (at most
90 days for Medicare, no signature in the future) are ``plan_certifications``'; each refusal
shows beside the field it is about.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services.actor import Actor
from ptclinic.services.clinic import clinic_today
from ptclinic.services.compliance import CERTIFICATION_DAYS
from ptclinic.services.day_text import day_text
from ptclinic.services.errors import DomainError, ValidationError
from ptclinic.services.patient_search import patient_summary
from ptclinic.services.plan_certifications import (
    Certification,
    add_certification,
    certifications,
    record_signed,
)
from ptclinic.ui.admin.common import describe
from ptclinic.ui.date_field import DATE_TIP, DateField, OptionalDateField, from_qdate, to_qdate
from ptclinic.ui.events import events
from ptclinic.ui.forms import TITLE_BAR, FieldErrors, FormScroll, FormsDialog
from ptclinic.ui.patients.episode_dialog import identity_header

log = logging.getLogger(__name__)

SIGNED_REQUIRED = "Enter the day the physician signed the plan of care."
NOT_SIGNED_HELP = DATE_TIP + ". Leave it as “No date” until the signed plan comes back"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def period_text(period: Certification) -> str:
    signed = f"signed {day_text(period.certified_on)}" if period.certified_on else "not signed yet"
    return f"{day_text(period.period_start)} to {day_text(period.period_end)}, {signed}"


class CertificationDialog(FormsDialog):
    """``CertificationDialog(db, actor, episode_id, patient_id)``. Reading the episode's periods
    or the patient may raise ``DomainError``. After a save ``saved()`` is the period and
    ``events().data_changed("certification", [id])`` has been emitted."""

    unsaved_title = "Certification not recorded"

    def __init__(
        self,
        db: Database,
        actor: Actor,
        episode_id: int,
        patient_id: int,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._episode_id, self._clock = db, actor, episode_id, clock
        self._saved: Certification | None = None
        self._done = ""
        state = certifications(db, actor, episode_id, now=clock())
        patient = patient_summary(db, actor, patient_id)
        self._today = clinic_today(db, clock())
        self._latest = state.periods[0] if state.periods else None
        self.setWindowTitle("Record plan-of-care certification")
        self.setMinimumWidth(560)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.setSpacing(8)
        layout.addWidget(identity_header(patient, "Plan of care certification"))
        current = (
            f"Current period: {period_text(self._latest)}."
            if self._latest
            else "No certification period recorded yet."
        )
        self.current = QLabel(current)
        self.current.setWordWrap(True)
        layout.addWidget(self.current)
        if state.state.reminder:
            self.reminder = QLabel(state.state.reminder)
            self.reminder.setObjectName("formNotice")
            self.reminder.setWordWrap(True)
            layout.addWidget(self.reminder)

        self.signed_choice = QRadioButton("The physician &signed the current period")
        self.new_choice = QRadioButton("Record a &new period")
        unsigned = self._latest is not None and self._latest.certified_on is None
        for choice in (self.signed_choice, self.new_choice):
            choice.setVisible(unsigned)
            choice.toggled.connect(lambda _on: self._mode_changed())
            layout.addWidget(choice)

        self._build_fields()
        body = QWidget()
        form = QFormLayout(body)
        form.setContentsMargins(0, 4, 0, 0)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(14)
        self._fields = FieldErrors(form)
        self._fields.add_row("period_start", "Period &starts", self.period_start)
        self._fields.add_row("period_end", "Period &ends", self.period_end)
        self._fields.add_row("physician", "&Physician", self.physician)
        self._fields.add_row("certified_on", "Signed &on", self.certified_on)
        for field in (self.period_start, self.period_end, self.physician, self.certified_on):
            # Level with the typed text, though the row's error line sits under the field.
            container = field.parentWidget()
            caption = form.labelForField(container) if container is not None else None
            if isinstance(caption, QLabel):
                field.ensurePolished()
                caption.setFixedHeight(field.sizeHint().height())
        self._forms = [self._fields]
        self.form_scroll = FormScroll(body, min_height=140)
        layout.addWidget(self.form_scroll, 1)
        self.form_error = QLabel()
        self.form_error.setObjectName("formError")
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        layout.addWidget(self.form_error)

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("&Record", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(buttons)

        (self.signed_choice if unsigned else self.new_choice).setChecked(True)
        self._mode_changed()
        self._initial = self._snapshot()
        self._fit_height()

    def _build_fields(self) -> None:
        start = self._latest.period_end + timedelta(days=1) if self._latest else self._today
        today = self._today
        self.period_start = DateField(to_qdate(start), today=lambda: today)
        self.period_start.setObjectName("certificationStart")
        self.period_end = DateField(
            to_qdate(start + timedelta(days=CERTIFICATION_DAYS - 1)), today=lambda: today
        )
        self.period_end.setObjectName("certificationEnd")
        self.physician = QLineEdit()
        self.physician.setObjectName("certificationPhysician")
        self.physician.setMaxLength(120)
        self.physician.setPlaceholderText("Left empty: the referring physician")
        self.certified_on = OptionalDateField(lambda: today, today=lambda: today)
        self.certified_on.setObjectName("certificationSigned")
        self.certified_on.setToolTip(NOT_SIGNED_HELP)

    def _mode_changed(self) -> None:
        signing = self.signed_choice.isChecked()
        for field in (self.period_start, self.period_end, self.physician):
            field.setEnabled(not signing)
        if signing and self._latest is not None:
            self.period_start.setDate(to_qdate(self._latest.period_start))
            self.period_end.setDate(to_qdate(self._latest.period_end))
            self.physician.setText(self._latest.physician)
            self.certified_on.setFocus()
        else:
            self.period_start.setFocus()

    def _fit_height(self) -> None:
        """As tall as the dialog's lines need at its width: the header and the reminder wrap,
        and at their narrowest (what the plain size hint assumes) they would leave a gap."""
        layout = self.layout()
        if layout is None:
            return
        self.ensurePolished()
        self.form_scroll.refresh()
        layout.activate()
        width = self.width() if self.isVisible() else self.minimumWidth()
        height = layout.totalHeightForWidth(width)
        if height <= 0:
            height = layout.sizeHint().height()
        room = self.screen().availableGeometry().height() - TITLE_BAR
        if not self.isVisible() or height > self.height():
            self.resize(width, min(height, room))

    # --- reading the form ---------------------------------------------------------------------

    def _snapshot(self) -> tuple[bool, date, date, str, date | None]:
        return (
            self.signed_choice.isChecked(),
            from_qdate(self.period_start.date()),
            from_qdate(self.period_end.date()),
            self.physician.text(),
            self.certified_on.value(),
        )

    def is_dirty(self) -> bool:
        return self._saved is None and self._snapshot() != self._initial

    def save_work(self) -> None:
        self.save()

    def unsaved_question(self) -> str:
        return "Record this certification before closing?"

    def saved(self) -> Certification | None:
        return self._saved

    def done_text(self) -> str:
        """What was recorded, in a sentence for the page (empty before a save)."""
        return self._done

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        signing, start, end, physician, signed_on = self._snapshot()
        self._clear_errors()
        try:
            if signing:
                assert self._latest is not None  # the choice is offered only then
                if signed_on is None:
                    raise ValidationError({"certified_on": SIGNED_REQUIRED})
                saved = record_signed(
                    self._db, self._actor, self._latest.id, self._latest.version, signed_on,
                    now=self._clock(),
                )  # fmt: skip
            else:
                saved = add_certification(
                    self._db, self._actor, self._episode_id, start, end, physician=physician,
                    certified_on=signed_on, now=self._clock(),
                )  # fmt: skip
        except ValidationError as exc:
            self._show_field_errors(exc)
            return
        except DomainError as exc:  # a closed episode, a stale copy, the database away
            self._show_error(describe(exc))
            return
        self._saved = saved
        self._done = f"Certification recorded: {period_text(saved)}."
        events().data_changed.emit("certification", [saved.id])
        self.accept()
