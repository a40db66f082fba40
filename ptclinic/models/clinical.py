"""Clinical records of an episode of care: its diagnoses, the intake evaluation (a draft the
therapist fills in, then signs), addenda that correct a signed evaluation, and outcome measure
results.

The evaluation form is kept as one JSON document (``content``), shaped and checked by
``services/evaluation_form.py``: the form has well over a hundred findings, most of them optional,
that are always read and written together, and a draft must come back exactly as it was left.
What other parts of the program query (status, classification, who signed and when) are columns.

A signed evaluation cannot change, in the services and in the database itself (triggers in
migration 0005, on both engines); nor can an addendum, once written.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ptclinic.models.base import Base, IntPK, Timestamp, UTCDateTime, utcnow

CLASSIFICATIONS = ("mobility", "stability", "calm_load")


class EvaluationStatus(enum.StrEnum):
    DRAFT = "draft"
    AWAITING_COSIGN = "awaiting_cosign"  # a student signed; a therapist still has to
    SIGNED = "signed"


class EpisodeDiagnosis(Base):
    """One ICD-10-CM code of an episode; position 1 is the primary diagnosis. The description is
    copied as it was chosen, so a later change to the shipped list does not rewrite the record."""

    __tablename__ = "episode_diagnoses"
    __table_args__ = (
        CheckConstraint("position >= 1", name="position_positive"),
        CheckConstraint("length(code) > 0", name="code_not_empty"),
        UniqueConstraint("episode_id", "code", name="uq_episode_diagnoses_episode_code"),
        UniqueConstraint("episode_id", "position", name="uq_episode_diagnoses_episode_position"),
    )

    id: Mapped[IntPK]
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes_of_care.id"))
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(String(200))


class Evaluation(Base):
    """The intake evaluation of an episode (one per episode)."""

    __tablename__ = "evaluations"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'awaiting_cosign', 'signed')", name="status_known"),
        CheckConstraint(
            "classification IS NULL OR classification IN ('mobility', 'stability', 'calm_load')",
            name="classification_known",
        ),
        CheckConstraint(
            "status = 'draft' OR (signed_at IS NOT NULL AND signed_by_id IS NOT NULL)",
            name="signed_has_signer",
        ),
        CheckConstraint(
            "status != 'signed' OR NOT cosign_required OR cosigned_by_id IS NOT NULL",
            name="cosigned_when_required",
        ),
    )

    id: Mapped[IntPK]
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes_of_care.id"), unique=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))  # whose evaluation
    status: Mapped[str] = mapped_column(String(20), default=EvaluationStatus.DRAFT.value)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_format: Mapped[int] = mapped_column(default=1)
    classification: Mapped[str | None] = mapped_column(String(20))
    evaluated_on: Mapped[date] = mapped_column(Date)
    cosign_required: Mapped[bool] = mapped_column(default=False)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    cosigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cosigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class EvaluationAddendum(Base):
    """A correction or addition to a signed evaluation, shown under the original."""

    __tablename__ = "evaluation_addenda"
    __table_args__ = (CheckConstraint("length(text) > 0", name="text_not_empty"),)

    id: Mapped[IntPK]
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[Timestamp]
    text: Mapped[str] = mapped_column(Text)


class OutcomeResult(Base):
    """One outcome measure taken on one day: the answers as given and the score they make."""

    __tablename__ = "outcome_results"
    __table_args__ = (
        CheckConstraint("measure IN ('odi', 'nprs', 'psfs')", name="measure_known"),
        CheckConstraint("score IS NULL OR score >= 0", name="score_not_negative"),
        Index("ix_outcome_results_episode_measure", "episode_id", "measure", "taken_on"),
    )

    id: Mapped[IntPK]
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes_of_care.id"))
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("evaluations.id"))
    measure: Mapped[str] = mapped_column(String(10))
    taken_on: Mapped[date] = mapped_column(Date)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    score: Mapped[float | None] = mapped_column(Float)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[Timestamp]
