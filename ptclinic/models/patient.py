"""Patients (demographics and contact) and their episodes of care."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ptclinic.models.base import Base, IntPK, ShortText, Timestamp, search_key_type, utcnow


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (
        CheckConstraint("length(last_name) > 0", name="last_name_not_empty"),
        CheckConstraint("length(first_name) > 0", name="first_name_not_empty"),
        CheckConstraint("sex IN ('female', 'male', 'other', 'unknown')", name="sex_known"),
        Index("ix_patients_last_first", "last_name_key", "first_name_key"),
        Index("ix_patients_first_name_key", "first_name_key"),
        Index("ix_patients_date_of_birth", "date_of_birth"),
        Index("ix_patients_phone_digits", "phone_digits"),
        Index("ix_patients_phone_digits_reversed", "phone_digits_reversed"),
    )

    id: Mapped[IntPK]
    chart_number: Mapped[str] = mapped_column(String(20), unique=True)
    last_name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(80))
    preferred_name: Mapped[str] = mapped_column(String(80), default="")
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10), default="unknown")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[ShortText]
    emergency_contact_name: Mapped[str] = mapped_column(String(120), default="")
    emergency_contact_phone: Mapped[str] = mapped_column(String(40), default="")
    payer: Mapped[str] = mapped_column(String(120), default="")
    member_id: Mapped[str] = mapped_column(String(60), default="")
    referring_physician: Mapped[str] = mapped_column(String(120), default="")
    preferred_language: Mapped[str] = mapped_column(String(40), default="English")
    active: Mapped[bool] = mapped_column(default=True)
    # Normalised copies kept for index-backed search: lower-case ASCII names, phone digits and the
    # same digits reversed (so "last four digits" is a prefix search too).
    last_name_key: Mapped[str] = mapped_column(search_key_type(80))
    first_name_key: Mapped[str] = mapped_column(search_key_type(80))
    phone_digits: Mapped[str] = mapped_column(search_key_type(20), default="")
    phone_digits_reversed: Mapped[str] = mapped_column(search_key_type(20), default="")
    created_at: Mapped[Timestamp]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


PAYER_TYPES = (
    "medicare", "medicaid", "commercial", "workers_comp", "auto", "self_pay", "other",
)  # fmt: skip


class EpisodeOfCare(Base):
    """One course of treatment for one problem: why the patient came (referral, diagnoses, onset),
    who pays (Medicare's rules apply to its episodes), how many visits are authorized, and who
    leads it. Diagnoses are ``EpisodeDiagnosis`` rows, the first being the primary one."""

    __tablename__ = "episodes_of_care"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
        CheckConstraint(
            "authorized_visits IS NULL OR authorized_visits >= 0", name="authorized_not_negative"
        ),
        CheckConstraint(
            "payer_type IN ('medicare', 'medicaid', 'commercial', 'workers_comp', 'auto', "
            "'self_pay', 'other')",
            name="payer_type_known",
        ),
        CheckConstraint(
            "onset_date IS NULL OR onset_date <= start_date",
            name="onset_not_after_start",
        ),
        # Episodes closed before this column existed have no date; an open one never has one.
        CheckConstraint("status = 'closed' OR closed_on IS NULL", name="closed_on_only_closed"),
    )

    id: Mapped[IntPK]
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    primary_therapist_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    title: Mapped[str] = mapped_column(String(120), default="")
    start_date: Mapped[date] = mapped_column(Date)
    authorized_visits: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(10), default="open")
    referring_physician: Mapped[str] = mapped_column(String(120), default="")
    referral_date: Mapped[date | None] = mapped_column(Date)
    referral_reason: Mapped[ShortText]
    onset_date: Mapped[date | None] = mapped_column(Date)
    onset_mechanism: Mapped[ShortText]
    payer_type: Mapped[str] = mapped_column(String(20), default="other")
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_reason: Mapped[ShortText]
    created_at: Mapped[Timestamp]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
