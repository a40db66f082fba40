"""A signed record's signature and its addenda, shown under the original, newest last (the
evaluation's, a visit note's)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from ptclinic.services.evaluation_records import Addendum
from ptclinic.ui.patients.search_model import format_date


class SignedRecord(Protocol):
    """What the view reads of a record (``EvaluationRecord``, ``NoteRecord``)."""

    @property
    def signed_at(self) -> datetime | None: ...

    @property
    def signed_by_name(self) -> str: ...

    @property
    def cosign_required(self) -> bool: ...

    @property
    def cosigned_at(self) -> datetime | None: ...

    @property
    def cosigned_by_name(self) -> str: ...

    @property
    def addenda(self) -> tuple[Addendum, ...]: ...


def moment_text(moment: datetime, zone: ZoneInfo) -> str:
    """ "Dec 7, 2026 at 10:42" in the clinic's time zone."""
    local = moment.astimezone(zone)
    return f"{format_date(local.date())} at {local:%H:%M}"


def signature_text(record: SignedRecord, zone: ZoneInfo) -> str:
    """Who signed and co-signed, and when ("" for a draft)."""
    if record.signed_at is None:
        return ""
    words = f"Signed by {record.signed_by_name} on {moment_text(record.signed_at, zone)}"
    if record.cosigned_at is not None:
        words += f"; co-signed by {record.cosigned_by_name} on "
        words += moment_text(record.cosigned_at, zone)
    elif record.cosign_required:
        words += "; waiting for a therapist's co-signature"
    return words + "."


class AddendaList(QWidget):
    """The signature block, then each addendum (author, time, text) in a frame of its own, as
    tall as it needs: for a window that scrolls it with the rest of the record."""

    def __init__(self, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._zone = zone
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(10)
        title = QLabel("Signature and addenda")
        title.setObjectName("sectionTitle")
        self._layout.addWidget(title)
        self.signature = QLabel()
        self.signature.setWordWrap(True)
        self._layout.addWidget(self.signature)
        self._entries = QVBoxLayout()
        self._entries.setSpacing(10)
        self._layout.addLayout(self._entries)
        self.entries: list[QFrame] = []

    def show_record(self, record: SignedRecord) -> None:
        self.signature.setText(signature_text(record, self._zone) or "Not signed yet.")
        for frame in self.entries:
            frame.hide()  # gone at once, not when the event loop next deletes it
            frame.deleteLater()
        self.entries = []
        if not record.addenda:
            empty = self._entry("No addenda.", "")
            self.entries.append(empty)
            self._entries.addWidget(empty)
        for addendum in record.addenda:
            heading = f"Addendum by {addendum.author_name}, "
            heading += moment_text(addendum.written_at, self._zone)
            frame = self._entry(heading, addendum.text)
            self.entries.append(frame)
            self._entries.addWidget(frame)

    def _entry(self, heading: str, text: str) -> QFrame:
        frame = QFrame()
        frame.setObjectName("addendum")
        box = QVBoxLayout(frame)
        box.setContentsMargins(12, 8, 12, 10)
        box.setSpacing(4)
        top = QLabel(heading)
        top.setObjectName("addendumHeading" if text else "hint")
        box.addWidget(top)
        if text:
            body = QLabel(text)
            body.setWordWrap(True)
            body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box.addWidget(body)
        return frame

    def texts(self) -> list[str]:
        """The addenda as shown (tests, screen readers)."""
        return [
            " ".join(label.text() for label in frame.findChildren(QLabel)) for frame in self.entries
        ]


class AddendaView(QScrollArea):
    """``AddendaList`` on a page of its own that scrolls (the window's "Add addendum…" button
    adds one)."""

    def __init__(self, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(18, 8, 18, 18)
        self.list = AddendaList(zone)
        self.signature = self.list.signature
        layout.addWidget(self.list)
        layout.addStretch(1)
        self.setWidget(body)

    @property
    def entries(self) -> list[QFrame]:
        return self.list.entries

    def show_record(self, record: SignedRecord) -> None:
        self.list.show_record(record)

    def texts(self) -> list[str]:
        return self.list.texts()
