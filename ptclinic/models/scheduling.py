"""What the calendar is built from: visit types, opening and working hours, time off, closed
days, recurring series and the waitlist.

Times of day (opening hours, working hours, waitlist windows) are clinic-local wall-clock times;
moments (appointments, time off) are UTC timestamps like every other moment in the database.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from ptclinic.models.base import Base, IntPK, Timestamp


class VisitType(Base):
    """A kind of visit with its usual length and calendar colour (administrators edit them)."""

    __tablename__ = "visit_types"
    __table_args__ = (
        CheckConstraint("default_minutes BETWEEN 5 AND 480", name="minutes_sensible"),
        CheckConstraint("default_minutes % 5 = 0", name="minutes_whole_fives"),
        CheckConstraint("length(label) > 0", name="label_not_empty"),
    )

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(60), unique=True)
    default_minutes: Mapped[int]
    colour: Mapped[str] = mapped_column(String(7))  # "#rrggbb"
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class OpeningHours(Base):
    """The clinic's hours for one weekday (0 = Monday). No row, or no times, means closed."""

    __tablename__ = "opening_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_valid"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
    )

    weekday: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    opens_at: Mapped[time] = mapped_column(Time)
    closes_at: Mapped[time] = mapped_column(Time)


class WorkingHours(Base):
    """One block of a staff member's regular week; a split shift is two rows for the day."""

    __tablename__ = "working_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_valid"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_working_hours_staff_weekday", "staff_id", "weekday"),
    )

    id: Mapped[IntPK]
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    weekday: Mapped[int]
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)


class TimeOff(Base):
    """A staff member away (holiday, course, sick day) from one moment to another."""

    __tablename__ = "time_off"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_time_off_staff_start", "staff_id", "starts_at"),
    )

    id: Mapped[IntPK]
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(120), default="")


class ClosedDay(Base):
    """A whole day the clinic is closed (public holiday, inventory day)."""

    __tablename__ = "closed_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(String(120), default="")


class AppointmentSeries(Base):
    """Recurring visits: an RFC 5545 RRULE from a clinic-local first start.

    Each occurrence that was booked is an ordinary appointment pointing back here; changing or
    cancelling "this and following" ends the series and starts a new one.
    """

    __tablename__ = "appointment_series"
    __table_args__ = (
        CheckConstraint("minutes BETWEEN 5 AND 480", name="minutes_sensible"),
        CheckConstraint("length(rrule) > 0", name="rrule_not_empty"),
    )

    id: Mapped[IntPK]
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episodes_of_care.id"))
    visit_type: Mapped[str] = mapped_column(ForeignKey("visit_types.code"))
    # Wall-clock time in the clinic's zone, so "Mondays at 10:00" stays 10:00 across a
    # daylight-saving change: stored without a zone on purpose (the shared UTC type would refuse).
    first_start_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    rrule: Mapped[str] = mapped_column(String(300))
    minutes: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[Timestamp]


class WaitlistStatus(enum.StrEnum):
    WAITING = "waiting"
    BOOKED = "booked"
    REMOVED = "removed"


class WaitlistEntry(Base):
    """A patient who wants an earlier or another slot, with what would suit them."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        CheckConstraint("weekdays BETWEEN 0 AND 127", name="weekdays_bitmask"),
        CheckConstraint(
            "latest_time IS NULL OR earliest_time IS NULL OR latest_time > earliest_time",
            name="window_ordered",
        ),
        CheckConstraint("status IN ('waiting', 'booked', 'removed')", name="status_known"),
        Index("ix_waitlist_entries_status_earliest", "status", "earliest_date"),
    )

    id: Mapped[IntPK]
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    therapist_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    visit_type: Mapped[str] = mapped_column(ForeignKey("visit_types.code"))
    # Bit 0 = Monday … bit 6 = Sunday; 0 means any day.
    weekdays: Mapped[int] = mapped_column(default=0)
    earliest_time: Mapped[time | None] = mapped_column(Time)
    latest_time: Mapped[time | None] = mapped_column(Time)
    earliest_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default=WaitlistStatus.WAITING.value)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    created_at: Mapped[Timestamp]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
