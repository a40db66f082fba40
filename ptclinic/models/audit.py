"""The audit log: who did what, when, to which patient's data. Append-only in the database."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ptclinic.models.base import Base, IntPK, Timestamp


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_occurred_at", "occurred_at"),
        Index("ix_audit_events_patient_occurred", "patient_id", "occurred_at"),
        Index("ix_audit_events_actor_occurred", "actor_id", "occurred_at"),
    )

    id: Mapped[IntPK]
    occurred_at: Mapped[Timestamp]
    # actor_id is empty for events with no known staff member (a failed log-in with an unknown
    # username); actor_username keeps what was typed so the event is still readable.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    actor_username: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity_type: Mapped[str] = mapped_column(String(40), default="")
    entity_id: Mapped[int | None]
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    workstation: Mapped[str] = mapped_column(String(120), default="")
