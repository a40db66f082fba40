"""Visit types: their names, usual lengths, calendar colours and whether they are still offered.

Visit types are never deleted (booked visits keep theirs); one that is no longer offered stays in
the list, marked so in words as well as its swatch.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPen, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ptclinic.db import Database
from ptclinic.services import calendar, schedule_settings
from ptclinic.services.actor import Actor
from ptclinic.services.booking import MAX_MINUTES
from ptclinic.services.calendar import VisitTypeInfo
from ptclinic.services.schedule_settings import VisitTypeInput
from ptclinic.ui.admin.common import (
    SERVICE_ERRORS,
    Column,
    MessageLine,
    RecordTableModel,
    ServiceDialog,
    describe,
    record_table,
)
from ptclinic.ui.admin.opening_hours_section import section_heading
from ptclinic.ui.events import events

# Calm tints that keep the Schedule's black text readable; the first five are the seeded ones.
PALETTE: tuple[tuple[str, str], ...] = (
    ("Blue", "#cfe3f7"),
    ("Green", "#d7efd9"),
    ("Sand", "#f6e3c6"),
    ("Lavender", "#e6dcf3"),
    ("Rose", "#f3d6da"),
    ("Teal", "#cdeceb"),
    ("Lemon", "#f4efc4"),
    ("Peach", "#f9dcc8"),
    ("Mint", "#dcf3e4"),
    ("Grey", "#e3e7ea"),
)
_NAMES = {colour: name for name, colour in PALETTE}
TEXT_ON_TINT = "#1f2d33"  # the Schedule's block text
SWATCH = QSize(32, 18)


def colour_name(colour: str) -> str:
    """ "Green", or "Custom #a0c0e0" for a colour picked outside the palette."""
    return _NAMES.get(colour.lower(), f"Custom {colour.lower()}")


def swatch(colour: str) -> QIcon:
    """A framed chip of ``colour``: the frame keeps a pale tint visible on a white row."""
    width, height = SWATCH.width(), SWATCH.height()
    pixmap = QPixmap(width, height)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#7d8a8f"), 1))
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(QRectF(0.5, 0.5, width - 1, height - 1), 3, 3)
    painter.end()
    icon = QIcon(pixmap)
    # Qt tints an icon on a selected row with the highlight colour; the chip must keep its own.
    icon.addPixmap(pixmap, QIcon.Mode.Selected)
    return icon


@dataclass(frozen=True)
class VisitTypeRow:
    info: VisitTypeInfo
    offered: bool


def offered_text(row: VisitTypeRow) -> str:
    return "✓ Offered" if row.offered else "✗ Not offered"


class VisitTypesModel(RecordTableModel[VisitTypeRow]):
    NAME, LENGTH, COLOUR, OFFERED = range(4)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column("Name", lambda r: r.info.label),
                Column("Usual length", lambda r: f"{r.info.default_minutes} min", True),
                Column("Colour", lambda r: colour_name(r.info.colour)),
                Column("Offered", offered_text),
            ],
            parent,
        )

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            role == Qt.ItemDataRole.DecorationRole
            and index.isValid()
            and index.column() == self.COLOUR
            and 0 <= index.row() < self.rowCount()
        ):
            return swatch(self.record(index.row()).info.colour)
        return super().data(index, role)


class VisitTypeDialog(ServiceDialog):
    """Rename, re-time, recolour or withdraw one visit type (there is no adding or deleting:
    the service offers neither, and booked visits refer to the ones there are)."""

    def __init__(
        self, db: Database, actor: Actor, row: VisitTypeRow, parent: QWidget | None = None
    ) -> None:
        super().__init__("Edit visit type", "&Save visit type", parent)
        self.setObjectName("visitTypeDialog")
        self._db = db
        self._actor = actor
        self.code = row.info.code
        self.saved: VisitTypeInput | None = None
        self.label = QLineEdit(row.info.label)
        self.minutes = QSpinBox()
        self.minutes.setRange(5, MAX_MINUTES)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(" min")
        self.minutes.setValue(row.info.default_minutes)
        self.minutes.setMaximumWidth(150)
        self.minutes.setToolTip("Up/Down change it by 5 minutes; new bookings start this long")
        self.colour = QComboBox()
        self.colour.setAccessibleName("Colour in the Schedule")
        self.colour.setIconSize(SWATCH)
        for name, colour in PALETTE:
            self.colour.addItem(swatch(colour), name, colour)
        self.set_colour(row.info.colour)
        self.other_colour = QPushButton("Other colour…")
        self.other_colour.setToolTip("Pick any colour; keep it pale so the text stays readable")
        self.other_colour.clicked.connect(self.pick_other_colour)
        colour_box = QWidget()
        line = QHBoxLayout(colour_box)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(8)
        line.addWidget(self.colour, 1)
        line.addWidget(self.other_colour)
        colour_box.setFocusProxy(self.colour)
        colour_box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # else "&Colour" skips it
        self.preview = QLabel()
        self.preview.setObjectName("visitTypePreview")
        self.preview.setAccessibleName("How it looks in the Schedule")
        self.active = QCheckBox("&Offered for new bookings")
        self.active.setToolTip("Untick to stop booking it; visits already booked keep it")
        self.active.setChecked(row.offered)
        self.fields.add_row("label", "&Name", self.label)
        self.fields.add_row("default_minutes", "Usual &length", self.minutes)
        self.fields.add_row("colour", "&Colour", colour_box)
        self.form.addRow("In the Schedule", self.preview)
        self.fields.add_row("active", "", self.active)
        self.label.textChanged.connect(self._preview)
        self.minutes.valueChanged.connect(self._preview)
        self.colour.currentIndexChanged.connect(self._preview)
        self._preview()

    def chosen_colour(self) -> str:
        return str(self.colour.currentData())

    def set_colour(self, colour: str) -> None:
        found = self.colour.findData(colour.lower())
        if found < 0:
            # One custom entry at the end of the palette, replaced by the next custom pick.
            if self.colour.count() > len(PALETTE):
                self.colour.removeItem(len(PALETTE))
            self.colour.addItem(swatch(colour), colour_name(colour), colour.lower())
            found = self.colour.count() - 1
        self.colour.setCurrentIndex(found)

    def pick_other_colour(self) -> None:
        if colour := self.ask_colour(self.chosen_colour()):
            self.set_colour(colour)

    def ask_colour(self, current: str) -> str | None:
        """The colour dialog's pick as "#rrggbb", or None when cancelled (tests answer here)."""
        picked = QColorDialog.getColor(QColor(current), self, "Colour in the Schedule")
        return picked.name() if picked.isValid() else None

    def _preview(self) -> None:
        self.preview.setText(f"{self.label.text().strip() or '…'} · {self.minutes.value()} min")
        # The one inline style: the tint is data, not part of the program's palette.
        self.preview.setStyleSheet(
            f"background: {self.chosen_colour()}; color: {TEXT_ON_TINT}; "
            "border: 1px solid #aab7bd; border-radius: 4px; padding: 6px 10px;"
        )

    def data(self) -> VisitTypeInput:
        return VisitTypeInput(
            label=self.label.text(),
            default_minutes=self.minutes.value(),
            colour=self.chosen_colour(),
            active=self.active.isChecked(),
        )

    def save(self) -> None:
        data = self.data()
        schedule_settings.update_visit_type(self._db, self._actor, self.code, data)
        self.saved = data


class VisitTypesSection(QWidget):
    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        heading, hint = section_heading(
            "Visit types",
            "The usual length is where a new booking starts; the colour marks the visit in the "
            "Schedule. A visit type is never deleted: untick “Offered” to stop booking it.",
        )
        self.model = VisitTypesModel(self)
        self.table = record_table(self.model)
        self.table.setAccessibleName("Visit types")
        self.table.setIconSize(QSize(SWATCH.width(), SWATCH.height()))
        self.table.doubleClicked.connect(lambda _index: self.edit())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            enter = QShortcut(QKeySequence(key), self.table)
            enter.setContext(Qt.ShortcutContext.WidgetShortcut)
            enter.activated.connect(self.edit)
        self.edit_button = QPushButton("&Edit visit type…")
        self.edit_button.setToolTip("Change the selected visit type (Enter on a row)")
        self.edit_button.clicked.connect(self.edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        self.message = MessageLine()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.table)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        chosen = self.selected()
        try:
            offered = {v.code for v in calendar.visit_types(self._db)}
            every = calendar.visit_types(self._db, include_inactive=True)
        except SERVICE_ERRORS as exc:
            self.message.show_error(describe(exc))
            return
        self.model.set_records([VisitTypeRow(v, v.code in offered) for v in every])
        self._fit_table()
        self.select(chosen.info.code if chosen else every[0].code if every else "")
        self._update_buttons()

    def _fit_table(self) -> None:
        # A handful of rows: the table ends after the last one instead of a tall white gap.
        header = self.table.horizontalHeader().sizeHint().height()
        rows = self.table.verticalHeader().defaultSectionSize() * self.model.rowCount()
        self.table.setFixedHeight(header + rows + 2 * self.table.frameWidth() + 2)

    def selected(self) -> VisitTypeRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def select(self, code: str) -> None:
        for number, row in enumerate(self.model.records()):
            if row.info.code == code:
                self.table.selectRow(number)
                return

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.selected() is not None)

    def edit(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.message.clear_message()
        dialog = VisitTypeDialog(self._db, self._actor, row, self)
        accepted = self.exec_dialog(dialog) == QDialog.DialogCode.Accepted.value
        saved = dialog.saved
        dialog.deleteLater()
        if accepted and saved is not None:
            events().data_changed.emit("schedule_settings", [])
            self.refresh()
            self.select(row.info.code)
            withdrawn = "" if saved.active else " It is no longer offered for new bookings."
            self.message.show_notice(
                f"Saved “{saved.label.strip()}”: {saved.default_minutes} min, "
                f"{colour_name(saved.colour).lower()}.{withdrawn}"
            )
        self.table.setFocus()

    def exec_dialog(self, dialog: QDialog) -> int:
        """Show a dialog modally (tests drive the dialog instead)."""
        return dialog.exec()
