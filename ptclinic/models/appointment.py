"""Appointments: who sees whom, where and when, and what became of it.

No two active appointments may overlap for one therapist, nor for one single-occupancy room. The
database enforces it (PostgreSQL: exclusion constraints; SQLite: triggers; see migration 0002),
so a second workstation booking the same slot at the same moment is refused, not merged.
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
# Statuses that hold their slot: a cancelled or missed visit frees it.
ACTIVE_STATUSES = (
    AppointmentStatus.SCHEDULED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.COMPLETED,
)
ACTIVE_STATUS_VALUES = ", ".join(f"'{s.value}'" for s in ACTIVE_STATUSES)


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"status IN ({STATUS_VALUES})", name="status_known"),
        Index("ix_appointments_therapist_start", "therapist_id", "starts_at"),
        Index("ix_appointments_patient_start", "patient_id", "starts_at"),
        Index("ix_appointments_starts_at", "starts_at"),
        Index("ix_appointments_room_start", "room_id", "starts_at"),
        Index("ix_appointments_episode_start", "episode_id", "starts_at"),
    )

    id: Mapped[IntPK]
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    therapist_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes_of_care.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    visit_type: Mapped[str] = mapped_column(ForeignKey("visit_types.code"))
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointment_series.id", ondelete="SET NULL"), index=True
    )
    # Whether the room takes one patient at a time (capacity 1). Kept by the database from the
    # room (triggers) so the PostgreSQL exclusion constraint can see it; never set by hand.
    room_exclusive: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=AppointmentStatus.SCHEDULED.value)
    late_cancel: Mapped[bool] = mapped_column(default=False)
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[Timestamp]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
