"""Small reads the calendar screens need beside ``calendar`` and ``booking``.

The UI may not import ``ptclinic.models``, yet ``booking.set_status`` takes an
``AppointmentStatus``; it is re-exported here. The status changes the front desk may offer mirror
``booking.set_status`` and ``reschedule`` so a menu offers only what the service will accept
(tests/services/test_schedule_view.py checks the mirror against the service itself). The
patient's open episodes of care fill the booking dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from ptclinic.db import Database
from ptclinic.models import Appointment, EpisodeOfCare
from ptclinic.models.appointment import AppointmentStatus
from ptclinic.models.base import utcnow
from ptclinic.services.actor import Actor
from ptclinic.services.booking import ACTIVE
from ptclinic.services.permissions import Permission, require

__all__ = [
    "AppointmentStatus",
    "EpisodeChoice",
    "can_move",
    "open_episodes",
    "status_changes",
]

S = AppointmentStatus
# What each status may become through the front desk (completion comes from the visit note).
_CHANGES: dict[AppointmentStatus, frozenset[AppointmentStatus]] = {
    S.SCHEDULED: frozenset({S.CHECKED_IN, S.CANCELLED, S.NO_SHOW}),
    S.CHECKED_IN: frozenset({S.SCHEDULED, S.CANCELLED}),  # SCHEDULED: undo the check-in
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.NO_SHOW: frozenset(),
}


def status_changes(
    status: str, *, starts_at: datetime | None = None, now: datetime | None = None
) -> frozenset[AppointmentStatus]:
    """The statuses ``booking.set_status`` accepts for a visit that is now ``status``; given
    its ``starts_at``, a visit still to come cannot yet be a no-show."""
    try:
        changes = _CHANGES[AppointmentStatus(status)]
    except ValueError:
        return frozenset()
    if starts_at is not None and starts_at > (now or utcnow()):
        changes -= {S.NO_SHOW}
    return changes


def can_move(status: str) -> bool:
    """Whether ``booking.reschedule`` accepts a visit in ``status`` (only scheduled ones)."""
    return status == S.SCHEDULED.value


@dataclass(frozen=True)
class EpisodeChoice:
    id: int
    title: str
    start_date: date
    authorized_visits: int | None
    booked_visits: int  # active (scheduled, checked in, completed) visits in the episode

    def describe(self) -> str:
        """ "Low back pain — from 2026-03-02 · 7 of 12 authorized visits booked"."""
        title = self.title or "Episode of care"
        if self.authorized_visits is None:
            count = f"{self.booked_visits} visits booked"
        else:
            count = f"{self.booked_visits} of {self.authorized_visits} authorized visits booked"
        return f"{title} — from {self.start_date:%Y-%m-%d} · {count}"


def open_episodes(db: Database, actor: Actor, patient_id: int) -> list[EpisodeChoice]:
    """The patient's open episodes of care, newest first, with how many visits each holds."""
    require(actor, Permission.VIEW_PATIENTS)
    booked = (
        select(func.count())
        .where(Appointment.episode_id == EpisodeOfCare.id, Appointment.status.in_(ACTIVE))
        .correlate(EpisodeOfCare)
        .scalar_subquery()
    )
    with db.session() as session:
        rows = session.execute(
            select(EpisodeOfCare, booked)
            .where(EpisodeOfCare.patient_id == patient_id, EpisodeOfCare.status == "open")
            .order_by(EpisodeOfCare.start_date.desc(), EpisodeOfCare.id.desc())
        ).all()
        return [
            EpisodeChoice(e.id, e.title, e.start_date, e.authorized_visits, count or 0)
            for e, count in rows
        ]
