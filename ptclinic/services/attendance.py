"""A patient's attendance history for the chart: how many visits were completed, are booked, were
cancelled (late or in good time) or missed, and the visits themselves, newest first.

The warning at booking time after repeated no-shows stays booking's own rule
(``booking.NO_SHOW_WARNING_AT``); this module only reports what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select

from ptclinic.db import Database
from ptclinic.models import Appointment, AppointmentStatus, Patient, Staff, VisitType
from ptclinic.services.actor import Actor
from ptclinic.services.errors import NotFound
from ptclinic.services.permissions import Permission, require


@dataclass(frozen=True)
class AttendanceVisit:
    id: int
    starts_at: datetime
    ends_at: datetime
    therapist_name: str
    visit_type: str
    visit_label: str
    status: str
    late_cancel: bool
    cancel_reason: str
    series_id: int | None
    episode_id: int | None


@dataclass(frozen=True)
class Attendance:
    patient_id: int
    completed: int
    scheduled: int  # booked and not yet done: scheduled or checked in
    cancelled: int  # every cancellation, the late ones included
    late_cancelled: int
    no_shows: int
    visits: tuple[AttendanceVisit, ...]  # newest first

    def summary_text(self) -> str:
        """ "12 completed · 3 booked · 2 cancelled (1 late) · 1 no-show"."""
        late = f" ({self.late_cancelled} late)" if self.late_cancelled else ""
        missed = f"{self.no_shows} no-show" + ("s" if self.no_shows != 1 else "")
        return (
            f"{self.completed} completed · {self.scheduled} booked · "
            f"{self.cancelled} cancelled{late} · {missed}"
        )


def attendance(
    db: Database, actor: Actor, patient_id: int, *, episode_id: int | None = None
) -> Attendance:
    """The patient's attendance, over all visits or one episode of care's."""
    require(actor, Permission.VIEW_PATIENTS)
    filters: list[ColumnElement[bool]] = [Appointment.patient_id == patient_id]
    if episode_id is not None:
        filters.append(Appointment.episode_id == episode_id)
    with db.session() as session:
        if session.get(Patient, patient_id) is None:
            raise NotFound("That patient record does not exist.")
        rows = session.execute(
            select(Appointment, Staff.full_name, VisitType.label)
            .join(Staff, Staff.id == Appointment.therapist_id)
            .join(VisitType, VisitType.code == Appointment.visit_type)
            .where(*filters)
            .order_by(Appointment.starts_at.desc(), Appointment.id.desc())
        ).all()
        visits = tuple(
            AttendanceVisit(
                id=a.id,
                starts_at=a.starts_at,
                ends_at=a.ends_at,
                therapist_name=therapist,
                visit_type=a.visit_type,
                visit_label=label,
                status=a.status,
                late_cancel=a.late_cancel,
                cancel_reason=a.cancel_reason,
                series_id=a.series_id,
                episode_id=a.episode_id,
            )
            for a, therapist, label in rows
        )

    def count(*statuses: AppointmentStatus, late_only: bool = False) -> int:
        return sum(1 for v in visits if v.status in statuses and (v.late_cancel or not late_only))

    return Attendance(
        patient_id=patient_id,
        completed=count(AppointmentStatus.COMPLETED),
        scheduled=count(AppointmentStatus.SCHEDULED, AppointmentStatus.CHECKED_IN),
        cancelled=count(AppointmentStatus.CANCELLED),
        late_cancelled=count(AppointmentStatus.CANCELLED, late_only=True),
        no_shows=count(AppointmentStatus.NO_SHOW),
        visits=visits,
    )
