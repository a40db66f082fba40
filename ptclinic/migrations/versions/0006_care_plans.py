"""care plans: plans, their items and goals, the progression history, the clinic's own exercises

The database keeps the plan's history honest by itself, on both engines: nothing in a plan is
deleted (items are marked removed, goals revised) and the progression history is append-only.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 17:03:36.551335
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ptclinic.models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clinic_exercises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("created_at", ptclinic.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", ptclinic.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff.id"], name=op.f("fk_clinic_exercises_created_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["staff.id"], name=op.f("fk_clinic_exercises_updated_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_exercises")),
        sa.UniqueConstraint("code", name=op.f("uq_clinic_exercises_code")),
    )
    op.create_table(
        "care_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("classification", sa.String(length=20), nullable=False),
        sa.Column("visits_per_week", sa.Integer(), nullable=False),
        sa.Column("duration_weeks", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("created_at", ptclinic.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ptclinic.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "classification IN ('mobility', 'stability', 'calm_load')",
            name=op.f("ck_care_plans_classification_known"),
        ),
        sa.CheckConstraint(
            "duration_weeks BETWEEN 1 AND 52", name=op.f("ck_care_plans_duration_weeks_range")
        ),
        sa.CheckConstraint(
            "visits_per_week BETWEEN 1 AND 7", name=op.f("ck_care_plans_visits_per_week_range")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes_of_care.id"],
            name=op.f("fk_care_plans_episode_id_episodes_of_care"),
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"], ["staff.id"], name=op.f("fk_care_plans_therapist_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["staff.id"], name=op.f("fk_care_plans_updated_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_plans")),
        sa.UniqueConstraint("episode_id", name=op.f("uq_care_plans_episode_id")),
    )
    op.create_table(
        "care_plan_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("measure", sa.String(length=10), nullable=True),
        sa.Column("rule", sa.String(length=10), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("activity", sa.String(length=120), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_on", sa.Date(), nullable=True),
        sa.Column("created_at", ptclinic.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "measure IS NULL OR measure IN ('odi', 'nprs', 'psfs')",
            name=op.f("ck_care_plan_goals_measure_known"),
        ),
        sa.CheckConstraint(
            "rule IS NULL OR rule IN ('drop_by', 'at_most', 'at_least')",
            name=op.f("ck_care_plan_goals_rule_known"),
        ),
        sa.CheckConstraint(
            "status IN ('progressing', 'met', 'not_met', 'revised')",
            name=op.f("ck_care_plan_goals_status_known"),
        ),
        sa.CheckConstraint("term IN ('short', 'long')", name=op.f("ck_care_plan_goals_term_known")),
        sa.CheckConstraint(
            "(measure IS NULL AND rule IS NULL AND target IS NULL) OR (measure IS NOT NULL AND rule IS NOT NULL AND target IS NOT NULL)",
            name=op.f("ck_care_plan_goals_measurable_whole"),
        ),
        sa.CheckConstraint("length(text) > 0", name=op.f("ck_care_plan_goals_text_not_empty")),
        sa.CheckConstraint(
            "target IS NULL OR target >= 0", name=op.f("ck_care_plan_goals_target_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["care_plans.id"], name=op.f("fk_care_plan_goals_plan_id_care_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_plan_goals")),
    )
    with op.batch_alter_table("care_plan_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_plan_goals_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "care_plan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=True),
        sa.Column("dosage", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("on_home_program", sa.Boolean(), nullable=False),
        sa.Column("removed_at", ptclinic.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", ptclinic.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind = 'education' OR length(code) > 0", name=op.f("ck_care_plan_items_code_named")
        ),
        sa.CheckConstraint(
            "kind IN ('exercise', 'education') OR NOT on_home_program",
            name=op.f("ck_care_plan_items_home_program_exercises_and_advice"),
        ),
        sa.CheckConstraint(
            "kind IN ('exercise', 'manual', 'met', 'education')",
            name=op.f("ck_care_plan_items_kind_known"),
        ),
        sa.CheckConstraint("position >= 0", name=op.f("ck_care_plan_items_position_not_negative")),
        sa.CheckConstraint(
            "stage IS NULL OR stage BETWEEN 1 AND 3", name=op.f("ck_care_plan_items_stage_range")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["care_plans.id"], name=op.f("fk_care_plan_items_plan_id_care_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_plan_items")),
    )
    with op.batch_alter_table("care_plan_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_plan_items_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "care_plan_item_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("from_code", sa.String(length=40), nullable=False),
        sa.Column("to_code", sa.String(length=40), nullable=False),
        sa.Column("from_stage", sa.Integer(), nullable=True),
        sa.Column("to_stage", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", ptclinic.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN ('progress', 'regress')", name=op.f("ck_care_plan_item_changes_action_known")
        ),
        sa.CheckConstraint(
            "from_code <> to_code", name=op.f("ck_care_plan_item_changes_code_changes")
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["staff.id"],
            name=op.f("fk_care_plan_item_changes_changed_by_id_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["care_plan_items.id"],
            name=op.f("fk_care_plan_item_changes_item_id_care_plan_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_plan_item_changes")),
    )
    with op.batch_alter_table("care_plan_item_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_care_plan_item_changes_item_id"), ["item_id"], unique=False
        )
    _create_guards()


def downgrade() -> None:
    _drop_guards()
    with op.batch_alter_table("care_plan_item_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_plan_item_changes_item_id"))

    op.drop_table("care_plan_item_changes")
    with op.batch_alter_table("care_plan_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_plan_items_plan_id"))

    op.drop_table("care_plan_items")
    with op.batch_alter_table("care_plan_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_plan_goals_plan_id"))

    op.drop_table("care_plan_goals")
    op.drop_table("care_plans")
    op.drop_table("clinic_exercises")


KEPT = {
    "care_plans": "care plans are never deleted",
    "care_plan_items": "plan items are never deleted; mark them removed",
    "care_plan_goals": "goals are never deleted; mark them revised",
}
HISTORY = ("care_plan_item_changes", "the progression history is never changed or removed")


def _create_guards() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    guarded: list[tuple[str, str, tuple[str, ...]]] = [
        (table, message, ("DELETE",)) for table, message in KEPT.items()
    ]
    guarded.append((HISTORY[0], HISTORY[1], ("UPDATE", "DELETE")))
    for table, message, verbs in guarded:
        if postgres:
            op.execute(
                f"""
                CREATE FUNCTION {table}_guard() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation';
                END;
                $$ LANGUAGE plpgsql
                """
            )
            op.execute(
                f"CREATE TRIGGER {table}_guard BEFORE {' OR '.join(verbs)} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_guard()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_guard()"
            )
        else:
            for verb in verbs:
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )


def _drop_guards() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in (*KEPT, HISTORY[0]):
        if postgres:
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER {table}_guard ON {table}")
            op.execute(f"DROP FUNCTION {table}_guard()")
        else:
            verbs = ("update", "delete") if table == HISTORY[0] else ("delete",)
            for verb in verbs:
                op.execute(f"DROP TRIGGER {table}_no_{verb}")
