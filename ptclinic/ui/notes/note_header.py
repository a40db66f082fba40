"""The note window's header (who, which visit, which note, saved or signed) and how the shared
evaluation machinery speaks to the notes' services: autosave through ``save_note``, the signing
dialogs through ``note_kind``."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ptclinic.db import Database
from ptclinic.services import clinical_notes
from ptclinic.services.actor import Actor
from ptclinic.services.billing import billing_lines, total_units
from ptclinic.services.calendar import AppointmentView
from ptclinic.services.clinical_notes import NoteRecord
from ptclinic.services.episodes import EpisodeRecord
from ptclinic.services.errors import ValidationError
from ptclinic.services.patient_search import PatientSummary
from ptclinic.ui.evaluation.addenda_view import signature_text
from ptclinic.ui.evaluation.autosave import Autosaver, SaveState
from ptclinic.ui.evaluation.signing import SignedKind, long_date
from ptclinic.ui.patients.search_model import format_dob


def save_note(
    db: Database, actor: Actor, note_id: int, version: int, content: dict[str, Any]
) -> NoteRecord:
    # Looked up on each call, so a test can stand in for the service.
    return clinical_notes.save_note_draft(db, actor, note_id, version, content)


def _billing_words(record: NoteRecord) -> str:
    """ "3 units: 97110 × 2, 97140 × 1" for the minutes on the note, as signing will bill."""
    try:
        lines = billing_lines(record.content.get("minutes") or {}, record.billing_method)
    except ValidationError:
        return "The minutes cannot be read; check them."
    if not lines:
        return "No minutes recorded"
    units = total_units(lines)
    each = ", ".join(f"{line.code} × {line.units}" for line in lines)
    return f"{units} unit{'' if units == 1 else 's'}: {each}"


def _facts(record: NoteRecord) -> tuple[tuple[str, str], ...]:
    return (("Date", long_date(record.note_date)), ("Billing", _billing_words(record)))


def note_kind(record: NoteRecord) -> SignedKind[NoteRecord]:
    """The signing dialogs' words and services for ``record``'s kind of note. What signing finds
    missing goes back to the window, to be shown next to each part."""
    return SignedKind(
        event="note",
        noun=record.kind_label.lower(),
        facts=_facts,
        written_on=lambda note: note.note_date,
        sign=lambda *args: clinical_notes.sign_note(*args),
        cosign=lambda *args: clinical_notes.cosign_note(*args),
        add_addendum=lambda *args: clinical_notes.add_note_addendum(*args),
        hand_back_problems=True,
    )


def status_text(
    record: NoteRecord, saver: Autosaver[NoteRecord], editable: bool, zone: ZoneInfo
) -> str:
    """The header's state: signed (by whom, when), or the draft's save state in words."""
    if not record.is_draft:
        return ("✓ " if record.status == "signed" else "") + signature_text(record, zone)
    if not editable:
        return f"Draft by {record.therapist_name} · read-only"
    when = (saver.saved_at or record.updated_at).astimezone(zone)
    return {
        SaveState.SAVED: f"Draft · ✓ saved {when:%H:%M}",
        SaveState.PENDING: "Draft · changes not saved yet",
        SaveState.SAVING: "Draft · saving…",
        SaveState.OFFLINE: "Draft · kept on this computer",
        SaveState.INVALID: "Draft · ⚠ not saved: see the messages",
        SaveState.STALE: "Draft · ⚠ not saved",
        SaveState.REFUSED: "Draft · ⚠ not saved",
    }[saver.state]


def _line(parts: list[str]) -> str:
    return "\u2003\u2003".join(part.replace(" ", "\u00a0") for part in parts if part)


class NoteHeader(QFrame):
    """Identity on every clinical screen: the patient's name, date of birth and chart number;
    then the note's kind, the visit's day and type, and the episode; the save state right."""

    def __init__(
        self,
        record: NoteRecord,
        patient: PatientSummary,
        episode: EpisodeRecord,
        visit: AppointmentView | None,
        zone: ZoneInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("chartHeader")
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 14, 8)
        identity = QVBoxLayout()
        identity.setSpacing(2)
        self.name = QLabel(patient.display_name)
        self.name.setObjectName("chartName")
        born = format_dob(patient.date_of_birth, record.note_date)
        self.ids = QLabel(
            _line([f"Born {born}", f"Chart # {patient.chart_number}", f"Episode: {episode.title}"])
        )
        self.ids.setObjectName("chartIds")
        self.ids.setWordWrap(True)
        visit_parts = [record.kind_label, long_date(record.note_date)]
        if visit is not None:
            visit_parts[1] += f", {visit.starts_at.astimezone(zone):%H:%M}"
            visit_parts += [visit.visit_label, visit.visit_count_text()]
        visit_parts.append(episode.payer_label)
        self.visit = QLabel(_line(visit_parts))
        self.visit.setObjectName("noteVisit")
        self.visit.setWordWrap(True)
        for label in (self.name, self.ids, self.visit):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            identity.addWidget(label)
        row.addLayout(identity, 1)
        self.status = QLabel()
        self.status.setObjectName("evaluationStatus")
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.status.setWordWrap(True)
        self.status.setMinimumWidth(280)
        self.status.setMaximumWidth(440)
        row.addWidget(self.status)

    def text(self) -> str:
        """Everything the header says, in plain spaces (tests, screen readers)."""
        said = " ".join(label.text() for label in (self.name, self.ids, self.visit, self.status))
        return said.replace("\u00a0", " ").replace("\u2003\u2003", " · ")
