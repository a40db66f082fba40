"""Series the recurrence tests share: a request, three weeks of Mondays and Thursdays booked,
and reading back what the database holds."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import select

from ptclinic.models import Appointment, AppointmentSeries
from ptclinic.services import recurrence
from ptclinic.services.recurrence import Pick, SeriesRequest, WeeklyPattern
from tests.services.conftest import CHICAGO, MONDAY, Clinic

MON_THU = (0, 3)


def day_after(n: int) -> date:
    return MONDAY + timedelta(days=n)


def series_request(clinic: Clinic, pattern: WeeklyPattern, **kwargs: Any) -> SeriesRequest:
    kwargs.setdefault("patient_id", clinic.ortiz)
    kwargs.setdefault("therapist_id", clinic.lee.staff_id)
    kwargs.setdefault("visit_type", "follow_up")
    return SeriesRequest(pattern=pattern, **kwargs)


def three_weeks(clinic: Clinic, **kwargs: Any) -> SeriesRequest:
    """Mondays and Thursdays at 10:00 for 3 weeks: 7, 10, 14, 17, 21 and 24 December."""
    return series_request(clinic, WeeklyPattern(MON_THU, time(10), MONDAY, weeks=3), **kwargs)


def book_all(clinic: Clinic, request: SeriesRequest) -> recurrence.BookedSeries:
    preview = recurrence.preview_series(clinic.db, clinic.desk, request)
    picks = [Pick(visit.original_start) for visit in preview.visits]
    return recurrence.book_series(clinic.db, clinic.desk, request, picks)


def visits(clinic: Clinic) -> list[tuple[str, str, int | None]]:
    """("Mon 07 10:00", status, series id) of every appointment, in clinic time."""
    with clinic.db.session() as session:
        rows = session.scalars(select(Appointment).order_by(Appointment.starts_at))
        return [
            (f"{a.starts_at.astimezone(CHICAGO):%a %d %H:%M}", a.status, a.series_id) for a in rows
        ]


def series_rows(clinic: Clinic) -> list[AppointmentSeries]:
    with clinic.db.session() as session:
        return list(session.scalars(select(AppointmentSeries).order_by(AppointmentSeries.id)))


def version_of(clinic: Clinic, appointment_id: int) -> int:
    with clinic.db.session() as session:
        row = session.get(Appointment, appointment_id)
        assert row is not None
        return row.version
