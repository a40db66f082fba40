"""Under a signed note: what was billed (each CPT code with its minutes and units, as signing
wrote the charges) and the signature with the addenda."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ptclinic.services.billing import METHOD_LABELS, BillingLine, total_units
from ptclinic.services.clinical_notes import NoteRecord
from ptclinic.ui.admin.common import Column, RecordTableModel, record_table
from ptclinic.ui.evaluation.addenda_view import AddendaList
from ptclinic.ui.notes.flowsheet import ROW_HEIGHT
from ptclinic.ui.notes.progress_parts import section_title

CHARGE_COLUMNS: tuple[Column[BillingLine], ...] = (
    Column("Code", lambda line: line.code),
    Column("Treatment", lambda line: line.description),
    Column("Minutes", lambda line: str(line.minutes), align_right=True),
    Column("Units", lambda line: str(line.units), align_right=True),
    Column("Billed", lambda line: "per 15 minutes" if line.timed else "once per visit"),
)


class SignedParts(QWidget):
    """The charges and the addenda of a signed note (hidden for a draft)."""

    def __init__(self, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 0, 12, 12)
        box.setSpacing(8)
        box.addWidget(section_title("Charges"))
        self.charges = RecordTableModel(CHARGE_COLUMNS, self)
        self.table = record_table(self.charges)
        self.table.setObjectName("noteCharges")
        self.table.setAccessibleName("Charges")
        box.addWidget(self.table)
        self.total = QLabel()
        self.total.setObjectName("minutesSummary")
        self.total.setWordWrap(True)
        box.addWidget(self.total)
        self.addenda = AddendaList(zone)
        box.addWidget(self.addenda)

    def show_record(self, record: NoteRecord) -> None:
        self.charges.set_records(record.charges)
        rows = max(len(record.charges), 1)
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(header + rows * ROW_HEIGHT + 2 * self.table.frameWidth() + 2)
        minutes = sum(line.minutes for line in record.charges)
        units = total_units(record.charges)
        if record.charges:
            self.total.setText(
                f"{units} unit{'' if units == 1 else 's'} billed for {minutes} minutes · "
                f"{METHOD_LABELS[record.billing_method]}."
            )
        else:
            self.total.setText("Nothing was billed with this note.")
        self.addenda.show_record(record)

    def charge_rows(self) -> list[tuple[str, int, int]]:
        """(code, minutes, units) as listed (tests, screen readers)."""
        return [(line.code, line.minutes, line.units) for line in self.charges.records()]
