"""A therapist's visits as an iCalendar (RFC 5545) file, to subscribe to from a phone.

A phone is easily lost and its calendar is often shared or synced to other services, so each
event carries no more about the patient than initials and the visit type ("M.O. — Follow-up"),
with the room as its location: enough for the therapist to plan the day, too little for anyone
else to tell who is being treated. The export is still a disclosure (times and initials are
patient data), so it needs the export permission and is audited once for the file and once per
patient in it.

Cancelled visits and no-shows are left out rather than sent as STATUS:CANCELLED. A subscribed
calendar is re-read whole on every refresh, so a visit cancelled since the last export simply
disappears; calendar apps treat STATUS:CANCELLED inconsistently (several still show the event as
busy time), which would hide the very slot that has just come free. Leaving them out also sends
less patient data off site.

Every event has a UID built from the appointment's id, so a refreshed file updates events in
place (moved visits move) instead of duplicating them, and a SEQUENCE from the appointment's
version, so calendar apps know which copy is newer.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import select

from ptclinic import __version__
from ptclinic.db import Database
from ptclinic.models import Patient
from ptclinic.models.base import utcnow
from ptclinic.services import audit
from ptclinic.services.actor import Actor
from ptclinic.services.audit import AuditAction
from ptclinic.services.calendar import calendar_span, clinician_by_username
from ptclinic.services.clinic import get_clinic
from ptclinic.services.errors import ValidationError
from ptclinic.services.permissions import Permission, require
from ptclinic.services.text import search_key

PRODID = f"-//PT Clinic//Therapist calendar {__version__}//EN"
MAX_DAYS = 366  # a year at a time: a phone has no use for a therapist's whole history
DEFAULT_WEEKS = 8  # what the command line exports when no range is given


def initials(first_name: str, last_name: str) -> str:
    """ "M.O." for Maria Ortiz: the first letter or digit of each name, in capitals."""
    letters = [next((ch for ch in name if ch.isalnum()), "") for name in (first_name, last_name)]
    return "".join(f"{ch.upper()}." for ch in letters if ch)


def _names(db: Database, patient_ids: set[int]) -> dict[int, tuple[str, str]]:
    with db.session() as session:
        rows = session.execute(
            select(Patient.id, Patient.first_name, Patient.last_name).where(
                Patient.id.in_(patient_ids)
            )
        )
        return {patient_id: (first, last) for patient_id, first, last in rows}


def therapist_calendar_ics(
    db: Database,
    actor: Actor,
    therapist_username: str,
    first_day: date,
    last_day: date,
    *,
    now: datetime | None = None,
    channel: str = "app",
) -> bytes:
    """The active visits (scheduled, checked in, completed) of ``therapist_username`` that start
    on clinic-local days ``first_day`` to ``last_day`` (both included), as iCalendar bytes with
    every time in UTC. ``now`` is the export's timestamp (DTSTAMP; default: the clock).
    Audited as an export, with ``channel`` saying where from ("app", "command line")."""
    require(actor, Permission.VIEW_PATIENTS)
    require(actor, Permission.EXPORT_PATIENT_DATA)
    if last_day < first_day:
        raise ValidationError(
            {
                "last_day": f"The last day ({last_day.isoformat()}) comes before the first day "
                f"({first_day.isoformat()})."
            }
        )
    if (last_day - first_day).days >= MAX_DAYS:
        raise ValidationError({"last_day": f"Export at most {MAX_DAYS} days at a time."})
    clinic = get_clinic(db)
    zone = ZoneInfo(clinic.time_zone)
    therapist = clinician_by_username(db, actor, therapist_username)
    span = calendar_span(db, actor, first_day, last_day, therapist_ids=[therapist.id])
    visits = [
        v
        for v in span.appointments
        if v.active and first_day <= v.starts_at.astimezone(zone).date() <= last_day
    ]
    names = _names(db, {v.patient_id for v in visits})
    stamp = now or utcnow()
    # Stable while the clinic keeps its name; tells this clinic's events from another's on a
    # phone that subscribes to two clinics.
    domain = f"{search_key(clinic.name) or 'clinic'}.ptclinic"

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{therapist.full_name} — {clinic.name}")
    calendar.add("x-wr-timezone", clinic.time_zone)
    calendar.add(
        "x-wr-caldesc",
        f"Visits booked with {therapist.full_name}, {first_day.isoformat()} to "
        f"{last_day.isoformat()}. Patients are shown by their initials only.",
    )
    for visit in visits:
        event = Event()
        event.add("uid", f"appointment-{visit.id}@{domain}")
        event.add("dtstamp", stamp)
        event.add("sequence", max(visit.version - 1, 0))
        event.add("dtstart", visit.starts_at)
        event.add("dtend", visit.ends_at)
        event.add("summary", f"{initials(*names[visit.patient_id])} — {visit.visit_label}")
        if visit.room_name:
            event.add("location", visit.room_name)
        event.add("status", "CONFIRMED")
        event.add("class", "PRIVATE")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    ics: bytes = calendar.to_ical()

    period = f"{first_day.isoformat()} to {last_day.isoformat()}"
    with db.session() as session:
        audit.record(
            session,
            AuditAction.EXPORT,
            actor=actor,
            entity_type="calendar_export",
            summary=f"calendar of {therapist.username}, {period}: {len(visits)} visits, "
            f"initials and visit type only ({channel})",
        )
        for patient_id in sorted(names):
            audit.record(
                session,
                AuditAction.EXPORT,
                actor=actor,
                entity_type="patient",
                entity_id=patient_id,
                patient_id=patient_id,
                summary=f"initials in the calendar of {therapist.username}, {period} ({channel})",
            )
    return ics


def default_range(today: date) -> tuple[date, date]:
    """Today to eight weeks ahead: what a phone needs to plan with."""
    return today, today + timedelta(weeks=DEFAULT_WEEKS)
