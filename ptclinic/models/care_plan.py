"""An episode's care plan: the classification it follows, how often and how long, its goals, and
its items (exercises with their dosage and stage, manual therapy, muscle energy techniques,
education), each exercise ticked or not for the home program; and the history of progressing and
regressing exercises. A clinic's own exercises sit beside the shipped library.

Nothing here is deleted: an item leaves a plan by being marked removed, a goal by being revised,
and the progression history is append-only (triggers in migration 0006, on both engines).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ptclinic.models.base import Base, IntPK, Timestamp, UTCDateTime, utcnow


class ItemKind(enum.StrEnum):
    EXERCISE = "exercise"
    MANUAL = "manual"  # manual therapy (mobilisation, soft tissue, thrust)
    MET = "met"  # a muscle energy technique the therapist performs
    EDUCATION = "education"


class GoalTerm(enum.StrEnum):
    SHORT = "short"
    LONG = "long"


class GoalStatus(enum.StrEnum):
    PROGRESSING = "progressing"
    MET = "met"
    NOT_MET = "not_met"
    REVISED = "revised"


class GoalRule(enum.StrEnum):
    DROP_BY = "drop_by"  # the score falls by at least target points from the baseline
    AT_MOST = "at_most"
    AT_LEAST = "at_least"


class CarePlan(Base):
    """The plan of one episode of care (one per episode; changed in place, versioned)."""

    __tablename__ = "care_plans"
    __table_args__ = (
        CheckConstraint(
            "classification IN ('mobility', 'stability', 'calm_load')", name="classification_known"
        ),
        CheckConstraint("visits_per_week BETWEEN 1 AND 7", name="visits_per_week_range"),
        CheckConstraint("duration_weeks BETWEEN 1 AND 52", name="duration_weeks_range"),
    )

    id: Mapped[IntPK]
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes_of_care.id"), unique=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))  # who wrote the plan
    classification: Mapped[str] = mapped_column(String(20))
    visits_per_week: Mapped[int]
    duration_weeks: Mapped[int]
    start_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[Timestamp]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class CarePlanItem(Base):
    """One thing the plan does, in its place in the list. ``code`` names the library exercise or
    catalogue technique; ``details`` holds what the kind needs (a mobilisation's grade, the side,
    an exercise's progression criteria); ``text`` is education or a note."""

    __tablename__ = "care_plan_items"
    __table_args__ = (
        CheckConstraint("kind IN ('exercise', 'manual', 'met', 'education')", name="kind_known"),
        CheckConstraint("position >= 0", name="position_not_negative"),
        CheckConstraint("stage IS NULL OR stage BETWEEN 1 AND 3", name="stage_range"),
        CheckConstraint(
            "kind IN ('exercise', 'education') OR NOT on_home_program",
            name="home_program_exercises_and_advice",
        ),
        CheckConstraint("kind = 'education' OR length(code) > 0", name="code_named"),
    )

    id: Mapped[IntPK]
    plan_id: Mapped[int] = mapped_column(ForeignKey("care_plans.id"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40), default="")
    stage: Mapped[int | None]
    dosage: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    text: Mapped[str] = mapped_column(Text, default="")
    on_home_program: Mapped[bool] = mapped_column(default=False)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[Timestamp]


class CarePlanItemChange(Base):
    """An exercise moved along its family: progressed to the next one or regressed to the one
    before, by whom, when and why (append-only)."""

    __tablename__ = "care_plan_item_changes"
    __table_args__ = (
        CheckConstraint("action IN ('progress', 'regress')", name="action_known"),
        CheckConstraint("from_code <> to_code", name="code_changes"),
    )

    id: Mapped[IntPK]
    item_id: Mapped[int] = mapped_column(ForeignKey("care_plan_items.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    from_code: Mapped[str] = mapped_column(String(40))
    to_code: Mapped[str] = mapped_column(String(40))
    from_stage: Mapped[int | None]
    to_stage: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    changed_at: Mapped[Timestamp]


class CarePlanGoal(Base):
    """A short- or long-term goal with a target date. A measurable one names an outcome measure
    and a rule ("ODI down by at least 10 points", "PSFS sitting at least 7"); any goal may also be
    plain words only."""

    __tablename__ = "care_plan_goals"
    __table_args__ = (
        CheckConstraint("term IN ('short', 'long')", name="term_known"),
        CheckConstraint(
            "status IN ('progressing', 'met', 'not_met', 'revised')", name="status_known"
        ),
        CheckConstraint(
            "measure IS NULL OR measure IN ('odi', 'nprs', 'psfs')", name="measure_known"
        ),
        CheckConstraint(
            "rule IS NULL OR rule IN ('drop_by', 'at_most', 'at_least')", name="rule_known"
        ),
        CheckConstraint(
            "(measure IS NULL AND rule IS NULL AND target IS NULL)"
            " OR (measure IS NOT NULL AND rule IS NOT NULL AND target IS NOT NULL)",
            name="measurable_whole",
        ),
        CheckConstraint("target IS NULL OR target >= 0", name="target_not_negative"),
        CheckConstraint("length(text) > 0", name="text_not_empty"),
    )

    id: Mapped[IntPK]
    plan_id: Mapped[int] = mapped_column(ForeignKey("care_plans.id"), index=True)
    position: Mapped[int]
    term: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    measure: Mapped[str | None] = mapped_column(String(10))
    rule: Mapped[str | None] = mapped_column(String(10))
    target: Mapped[float | None] = mapped_column(Float)
    activity: Mapped[str] = mapped_column(String(120), default="")  # a PSFS goal's activity
    target_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=GoalStatus.PROGRESSING.value)
    status_on: Mapped[date | None] = mapped_column(Date)  # when the status was last set
    created_at: Mapped[Timestamp]


class ClinicExercise(Base):
    """An exercise the clinic wrote itself: the same fields as a shipped one (``content``, checked
    by ``services/exercise_library.validate_exercise``). Retired rather than deleted: plans that
    used it still name it."""

    __tablename__ = "clinic_exercises"

    id: Mapped[IntPK]
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    retired: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[Timestamp]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
