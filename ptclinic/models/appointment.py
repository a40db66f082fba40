"""Appointments: who sees whom, where and when, and what became of it.

The scheduling issue adds series, waitlist and the database-level no-overlap rules; the table and
its statuses are here from the start so that demo data and attendance history have a home.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ptclinic.models.base import Base, IntPK, Timestamp, utcnow


class AppointmentStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


STATUS_VALUES = ", ".join(f"'{s.value}'" for s in AppointmentStatus)


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"status IN ({STATUS_VALUES})", name="status_known"),
        Index("ix_appointments_therapist_start", "therapist_id", "starts_at"),
        Index("ix_appointments_patient_start", "patient_id", "starts_at"),
        Index("ix_appointments_starts_at", "starts_at"),
    )

    id: Mapped[IntPK]
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    therapist_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes_of_care.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    visit_type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=AppointmentStatus.SCHEDULED.value)
    late_cancel: Mapped[bool] = mapped_column(default=False)
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[Timestamp]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
