"""Notes written after the intake evaluation: the daily visit note, the progress note (a
re-measurement and report) and the discharge summary; the charges a signed note bills; addenda;
the plan-of-care certification periods a physician signs; and the clinic's fee schedule.

A note's findings are one JSON document (``content``), shaped and checked by
``services/note_form.py``, for the same reason as the evaluation's: always read and written
whole, and a draft must come back exactly as it was left. What is queried (kind, status, date,
who signed) are columns. Charges are rows, written once when the note is signed, so billing
totals are sums in SQL rather than walks through JSON.

A signed note, its charges and its addenda never change (triggers in migration 0007, on both
engines); certification periods are never deleted.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ptclinic.models.base import Base, IntPK, Timestamp, UTCDateTime, utcnow

# The 2026 Medicare therapy threshold (the "KX modifier" amount) for PT and SLP combined.
DEFAULT_THERAPY_THRESHOLD_CENTS = 248_000


class NoteKind(enum.StrEnum):
    VISIT = "visit"
    PROGRESS = "progress"
    DISCHARGE = "discharge"


class ClinicalNote(Base):
    """One note of an episode. A visit note belongs to its appointment (one note per visit);
    progress notes and discharge summaries usually do too, but may be written without one."""

    __tablename__ = "clinical_notes"
    __table_args__ = (
        CheckConstraint("kind IN ('visit', 'progress', 'discharge')", name="kind_known"),
        CheckConstraint("status IN ('draft', 'awaiting_cosign', 'signed')", name="status_known"),
        CheckConstraint(
            "status = 'draft' OR (signed_at IS NOT NULL AND signed_by_id IS NOT NULL)",
            name="signed_has_signer",
        ),
        CheckConstraint(
            "status != 'signed' OR NOT cosign_required OR cosigned_by_id IS NOT NULL",
            name="cosigned_when_required",
        ),
        Index("ix_clinical_notes_episode_date", "episode_id", "note_date"),
        Index("ix_clinical_notes_therapist_status", "therapist_id", "status"),
    )

    id: Mapped[IntPK]
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes_of_care.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    therapist_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))  # the author
    status: Mapped[str] = mapped_column(String(20), default="draft")
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_format: Mapped[int] = mapped_column(default=1)
    note_date: Mapped[date] = mapped_column(Date)
    cosign_required: Mapped[bool] = mapped_column(default=False)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    cosigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cosigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class NoteCharge(Base):
    """One billed CPT code of a signed note: its minutes, the units the payer's method gave it,
    and the fee in force when it was signed (None when the clinic keeps no fee schedule)."""

    __tablename__ = "note_charges"
    __table_args__ = (
        CheckConstraint("minutes >= 0", name="minutes_not_negative"),
        CheckConstraint("units >= 0", name="units_not_negative"),
        CheckConstraint("amount_cents IS NULL OR amount_cents >= 0", name="amount_not_negative"),
    )

    id: Mapped[IntPK]
    note_id: Mapped[int] = mapped_column(ForeignKey("clinical_notes.id"), index=True)
    cpt_code: Mapped[str] = mapped_column(String(10))
    minutes: Mapped[int]
    units: Mapped[int]
    timed: Mapped[bool]
    amount_cents: Mapped[int | None]


class NoteAddendum(Base):
    """A correction or addition to a signed note, shown and printed under the original."""

    __tablename__ = "clinical_note_addenda"
    __table_args__ = (CheckConstraint("length(text) > 0", name="text_not_empty"),)

    id: Mapped[IntPK]
    note_id: Mapped[int] = mapped_column(ForeignKey("clinical_notes.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[Timestamp]
    text: Mapped[str] = mapped_column(Text)


class PlanCertification(Base):
    """A period of the plan of care that the referring physician certifies (Medicare: at most
    90 days; recertified before it ends). ``certified_on`` stays empty until the signed plan
    comes back."""

    __tablename__ = "plan_certifications"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        Index("ix_plan_certifications_episode_end", "episode_id", "period_end"),
    )

    id: Mapped[IntPK]
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes_of_care.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    physician: Mapped[str] = mapped_column(String(120), default="")
    certified_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[Timestamp]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class CptFee(Base):
    """The clinic's charge for one unit of a CPT code (its fee schedule; optional)."""

    __tablename__ = "cpt_fees"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)

    cpt_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    amount_cents: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class BillingSettings(Base):
    """The yearly therapy threshold the clinic watches per patient (one row)."""

    __tablename__ = "billing_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("therapy_threshold_cents >= 0", name="threshold_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    therapy_threshold_cents: Mapped[int] = mapped_column(default=DEFAULT_THERAPY_THRESHOLD_CENTS)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
