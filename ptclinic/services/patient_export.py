"""Patient lists that leave the program (command-line search output, CSV export), audited.

Search results shown inside the app stay on screen; results printed by a script or written to a
file are a disclosure, so each one is recorded in the audit log: one event for the search itself
and one per patient listed, so the audit log viewer finds it under each patient too.
"""

from __future__ import annotations

import csv
import enum
from collections.abc import Sequence
from typing import TextIO

from ptclinic.db import Database
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.errors import ValidationError
from ptclinic.services.patient_search import PatientSummary, search_patients
from ptclinic.services.permissions import Permission, require

MAX_LIMIT = 1000
CSV_COLUMNS = (
    "chart_number",
    "last_name",
    "first_name",
    "preferred_name",
    "date_of_birth",
    "phone",
    "active",
)


class Disclosure(enum.StrEnum):
    DISPLAY = "display"  # printed for a person to read (a terminal table)
    EXPORT = "export"  # machine-readable output meant to be kept or processed (CSV)


def find_patients_for_output(
    db: Database,
    actor: Actor,
    text: str,
    *,
    limit: int = 50,
    disclosure: Disclosure = Disclosure.DISPLAY,
    channel: str = "command line",
) -> list[PatientSummary]:
    """Search as the app's search box does (best matches first, at most ``limit``) and audit
    that the results left the program: action "search" for a display, "export" for an export,
    which also needs the export permission. ``channel`` says where they went."""
    require(actor, Permission.VIEW_PATIENTS)
    if disclosure is Disclosure.EXPORT:
        require(actor, Permission.EXPORT_PATIENT_DATA)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError({"limit": f"The limit must be between 1 and {MAX_LIMIT}."})
    if not text.strip():
        raise ValidationError(
            {"query": "Type part of a name, a chart number, phone or birth date."}
        )
    found = search_patients(db, actor, text, limit=limit)
    action = AuditAction.EXPORT if disclosure is Disclosure.EXPORT else AuditAction.SEARCH
    with db.session() as session:
        audit.record(
            session,
            action,
            actor=actor,
            entity_type="patient_search",
            summary=f"{channel} search “{text.strip()[:80]}”: {len(found)} patients "
            f"({disclosure.value})",
        )
        for patient in found:
            audit.record(
                session,
                action,
                actor=actor,
                entity_type="patient",
                entity_id=patient.id,
                patient_id=patient.id,
                summary=f"listed in {channel} search ({disclosure.value})",
            )
    return found


def write_patients_csv(patients: Sequence[PatientSummary], out: TextIO) -> None:
    """Patients as CSV with a header row; dates as YYYY-MM-DD."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in patients:
        writer.writerow(
            [
                p.chart_number,
                p.last_name,
                p.first_name,
                p.preferred_name,
                p.date_of_birth.isoformat(),
                p.phone,
                "yes" if p.active else "no",
            ]
        )
