"""The Clinic settings tab: name, time zone, address, phone and the idle-lock delay.

Saving sends the version that was loaded, so a second workstation's stale save is refused by the
service instead of overwriting; the edits stay on screen until the person reloads.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import clinic
from ptclinic.services.actor import Actor
from ptclinic.services.errors import StaleRecordError, ValidationError
from ptclinic.ui.admin.common import SERVICE_ERRORS, MessageLine, describe
from ptclinic.ui.events import events
from ptclinic.ui.forms import FieldErrors

FORM_WIDTH = 640


def time_zone_combo() -> QComboBox:
    """An editable list of zone names that finds "Chicago" or "new_york" anywhere in a name."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(clinic.time_zone_names())
    completer = QCompleter(combo.model(), combo)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCompleter(completer)
    editor = combo.lineEdit()
    assert editor is not None  # an editable combo always has one
    editor.setPlaceholderText("Type a city, e.g. Chicago")
    return combo


class SettingsTab(QWidget):
    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._loaded: clinic.ClinicInfo | None = None

        title = QLabel("Clinic")
        title.setObjectName("sectionTitle")
        hint = QLabel(
            "The name, address and phone appear on printed documents. Times everywhere in the "
            "program are shown in the clinic's time zone."
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)

        self.name = QLineEdit()
        self.time_zone = time_zone_combo()
        self.address = QLineEdit()
        self.address.setPlaceholderText("Street, city, state and ZIP on one line")
        self.phone = QLineEdit()
        self.idle_lock_minutes = QSpinBox()
        self.idle_lock_minutes.setRange(1, 240)
        self.idle_lock_minutes.setSuffix(" minutes")
        self.idle_lock_minutes.setMaximumWidth(180)
        self.idle_lock_minutes.setToolTip(
            "A workstation nobody has touched for this long locks its screen; "
            "the person's work stays open behind the lock."
        )
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(10)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields = FieldErrors(form)
        self.fields.add_row("name", "Clinic na&me", self.name)
        self.fields.add_row("time_zone", "Time &zone", self.time_zone)
        self.fields.add_row("address", "A&ddress", self.address)
        self.fields.add_row("phone", "&Phone", self.phone)
        self.fields.add_row("idle_lock_minutes", "&Idle lock after", self.idle_lock_minutes)

        self.message = MessageLine()
        self.save_button = QPushButton("Sa&ve")
        self.save_button.setObjectName("primary")
        self.save_button.setToolTip("Save the clinic settings (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.reload_button = QPushButton("Rel&oad")
        self.reload_button.setToolTip("Discard changes here and show the settings as saved")
        self.reload_button.clicked.connect(self.reload)
        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.save)
        for line in (self.name, self.address, self.phone):
            line.returnPressed.connect(self.save)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.reload_button)
        buttons.addStretch(1)

        column = QVBoxLayout()
        column.setSpacing(10)
        column.addWidget(title)
        column.addWidget(hint)
        column.addSpacing(6)
        column.addLayout(form)
        column.addWidget(self.message)
        column.addSpacing(6)
        column.addLayout(buttons)
        column.addStretch(1)
        holder = QWidget()
        holder.setMaximumWidth(FORM_WIDTH)
        holder.setLayout(column)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 14, 0, 0)
        outer.addWidget(holder, 1)
        outer.addStretch(0)

        events().data_changed.connect(self._on_data_changed)
        self.reload()

    def values(self) -> clinic.ClinicInfo:
        """What the form holds, with the version it was loaded at."""
        return clinic.ClinicInfo(
            name=self.name.text(),
            time_zone=self.time_zone.currentText(),
            address=self.address.text(),
            phone=self.phone.text(),
            idle_lock_minutes=self.idle_lock_minutes.value(),
            version=self._loaded.version if self._loaded else 0,
        )

    def has_unsaved_work(self) -> bool:
        return self._loaded is not None and self.values() != self._loaded

    def reload(self) -> None:
        """Show the settings as saved, discarding edits here."""
        self.fields.clear()
        self.message.clear_message()
        try:
            self._show(clinic.get_clinic(self._db))
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))

    def _show(self, info: clinic.ClinicInfo) -> None:
        self._loaded = info
        self.name.setText(info.name)
        self.time_zone.setCurrentText(info.time_zone)
        self.address.setText(info.address)
        self.phone.setText(info.phone)
        self.idle_lock_minutes.setValue(info.idle_lock_minutes)

    def save(self) -> None:
        self.fields.clear()
        self.message.clear_message()
        try:
            saved = clinic.update_clinic(self._db, self._actor, self.values())
        except ValidationError as exc:
            if unplaced := self.fields.show(exc):
                self.message.show_error(" ".join(unplaced))
            return
        except SERVICE_ERRORS as exc:
            # The edits stay on screen so nothing typed is lost; after a stale save the next
            # step is Reload, so it gets the focus.
            self.message.show_error(describe(exc))
            if isinstance(exc, StaleRecordError):
                self.reload_button.setFocus()
            return
        self._show(saved)
        self.message.show_notice("Clinic settings saved.")
        events().data_changed.emit("clinic", [1])

    def _on_data_changed(self, kind: str, _ids: list[object]) -> None:
        # Follow a change made elsewhere in this program, but never over someone's unsaved edits.
        if kind == "clinic" and not self.has_unsaved_work():
            try:
                self._show(clinic.get_clinic(self._db))
            except SERVICE_ERRORS as exc:
                self.message.show_error(describe(exc))
