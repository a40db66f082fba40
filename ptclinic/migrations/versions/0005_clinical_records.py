"""clinical records: episode details and diagnoses, evaluations, addenda, outcome results

Episodes of care gain their referral, onset, payer type and closing; new tables hold an episode's
diagnoses, its intake evaluation, addenda to a signed evaluation, and outcome measure results.

The database keeps clinical records honest by itself, on both engines:
- a signed evaluation cannot be updated or deleted; one waiting for a co-signature keeps its
  findings (only the signing columns may change);
- addenda and outcome results are append-only.

episodes_of_care is extended in place (ALTER TABLE ADD COLUMN) rather than rebuilt in batch mode:
with foreign keys on, SQLite refuses to drop a table that appointments refer to. SQLite adds a
check only inside a new column's definition, so there the payer-type check rides on its column
and the two checks that compare columns are triggers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 13:47:25.177127
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ptclinic.models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "episode_diagnoses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.CheckConstraint("length(code) > 0", name=op.f("ck_episode_diagnoses_code_not_empty")),
        sa.CheckConstraint("position >= 1", name=op.f("ck_episode_diagnoses_position_positive")),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes_of_care.id"],
            name=op.f("fk_episode_diagnoses_episode_id_episodes_of_care"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_diagnoses")),
        sa.UniqueConstraint("episode_id", "code", name="uq_episode_diagnoses_episode_code"),
        sa.UniqueConstraint("episode_id", "position", name="uq_episode_diagnoses_episode_position"),
    )
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("therapist_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_format", sa.Integer(), nullable=False),
        sa.Column("classification", sa.String(length=20), nullable=True),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("cosign_required", sa.Boolean(), nullable=False),
        sa.Column("signed_at", ptclinic.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("cosigned_at", ptclinic.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cosigned_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", ptclinic.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ptclinic.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "classification IS NULL OR classification IN ('mobility', 'stability', 'calm_load')",
            name=op.f("ck_evaluations_classification_known"),
        ),
        sa.CheckConstraint(
            "status != 'signed' OR NOT cosign_required OR cosigned_by_id IS NOT NULL",
            name=op.f("ck_evaluations_cosigned_when_required"),
        ),
        sa.CheckConstraint(
            "status = 'draft' OR (signed_at IS NOT NULL AND signed_by_id IS NOT NULL)",
            name=op.f("ck_evaluations_signed_has_signer"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'awaiting_cosign', 'signed')",
            name=op.f("ck_evaluations_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["cosigned_by_id"], ["staff.id"], name=op.f("fk_evaluations_cosigned_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes_of_care.id"],
            name=op.f("fk_evaluations_episode_id_episodes_of_care"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["staff.id"], name=op.f("fk_evaluations_signed_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"], ["staff.id"], name=op.f("fk_evaluations_therapist_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["staff.id"], name=op.f("fk_evaluations_updated_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("episode_id", name=op.f("uq_evaluations_episode_id")),
    )
    op.create_table(
        "evaluation_addenda",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", ptclinic.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.CheckConstraint("length(text) > 0", name=op.f("ck_evaluation_addenda_text_not_empty")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff.id"], name=op.f("fk_evaluation_addenda_author_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_evaluation_addenda_evaluation_id_evaluations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_addenda")),
    )
    with op.batch_alter_table("evaluation_addenda", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_addenda_evaluation_id"), ["evaluation_id"], unique=False
        )

    op.create_table(
        "outcome_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=True),
        sa.Column("measure", sa.String(length=10), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", ptclinic.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "measure IN ('odi', 'nprs', 'psfs')", name=op.f("ck_outcome_results_measure_known")
        ),
        sa.CheckConstraint(
            "score IS NULL OR score >= 0", name=op.f("ck_outcome_results_score_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes_of_care.id"],
            name=op.f("fk_outcome_results_episode_id_episodes_of_care"),
        ),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_outcome_results_evaluation_id_evaluations"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["staff.id"], name=op.f("fk_outcome_results_recorded_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_results")),
    )
    with op.batch_alter_table("outcome_results", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outcome_results_episode_measure",
            ["episode_id", "measure", "taken_on"],
            unique=False,
        )

    _extend_episodes()
    _create_guards()


def downgrade() -> None:
    _drop_guards()
    with op.batch_alter_table("outcome_results", schema=None) as batch_op:
        batch_op.drop_index("ix_outcome_results_episode_measure")

    op.drop_table("outcome_results")
    with op.batch_alter_table("evaluation_addenda", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_addenda_evaluation_id"))

    op.drop_table("evaluation_addenda")
    op.drop_table("evaluations")
    op.drop_table("episode_diagnoses")
    _shrink_episodes()


PAYER_TYPES = "'medicare', 'medicaid', 'commercial', 'workers_comp', 'auto', 'self_pay', 'other'"
EPISODE_TEXT_COLUMNS = (
    ("referring_physician", 120),
    ("referral_reason", 200),
    ("onset_mechanism", 200),
    ("closed_reason", 200),
)
EPISODE_CHECKS = (
    ("ck_episodes_of_care_payer_type_known", f"payer_type IN ({PAYER_TYPES})"),
    ("ck_episodes_of_care_onset_not_after_start", "onset_date IS NULL OR onset_date <= start_date"),
    ("ck_episodes_of_care_closed_on_only_closed", "status = 'closed' OR closed_on IS NULL"),
)


def _extend_episodes() -> None:
    for name, length in EPISODE_TEXT_COLUMNS:
        op.add_column(
            "episodes_of_care",
            sa.Column(name, sa.String(length), nullable=False, server_default=""),
        )
    op.add_column("episodes_of_care", sa.Column("referral_date", sa.Date(), nullable=True))
    op.add_column("episodes_of_care", sa.Column("onset_date", sa.Date(), nullable=True))
    op.add_column("episodes_of_care", sa.Column("closed_on", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a check only as part of a new column's definition.
        (payer_name, payer_check), *others = EPISODE_CHECKS
        op.execute(
            "ALTER TABLE episodes_of_care ADD COLUMN payer_type VARCHAR(20) DEFAULT 'other' "
            f"NOT NULL CONSTRAINT {payer_name} CHECK ({payer_check})"
        )
        for name, check in others:
            for verb in ("INSERT", "UPDATE"):
                op.execute(
                    f"CREATE TRIGGER {name}_{verb.lower()} BEFORE {verb} ON episodes_of_care "
                    f"WHEN NOT ({_new(check)}) "
                    f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
                )
    else:
        op.add_column(
            "episodes_of_care",
            sa.Column("payer_type", sa.String(20), nullable=False, server_default="other"),
        )
        for name, check in EPISODE_CHECKS:
            op.create_check_constraint(name, "episodes_of_care", check)


def _new(check: str) -> str:
    """A check's expression on the row being written (``NEW.``) for a SQLite trigger."""
    for column in ("onset_date", "start_date", "status", "closed_on"):
        check = check.replace(column, f"NEW.{column}")
    return check


def _shrink_episodes() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, _check in EPISODE_CHECKS[1:]:
            for verb in ("insert", "update"):
                op.execute(f"DROP TRIGGER {name}_{verb}")
    else:
        for name, _check in EPISODE_CHECKS:
            op.drop_constraint(name, "episodes_of_care", type_="check")
    names = [c for c, _ in EPISODE_TEXT_COLUMNS] + ["referral_date", "onset_date", "closed_on"]
    for column in [*names, "payer_type"]:
        op.drop_column("episodes_of_care", column)


# Messages the services recognise; frozen here as SQL, never imported from app code.
SIGNED_MESSAGE = "a signed evaluation cannot be changed: add an addendum"
COSIGN_MESSAGE = "an evaluation waiting for a co-signature keeps its findings"
SIGNED_DELETE_MESSAGE = "a signed evaluation cannot be deleted"
APPEND_ONLY = {
    "evaluation_addenda": "addenda are never changed or removed",
    "outcome_results": "outcome results are never changed or removed",
}
# What may not change while a co-signature is awaited: everything but status and the signing
# columns. (PostgreSQL's json type has no equality: compare its text.)
FINDINGS = ("episode_id", "therapist_id", "classification", "evaluated_on", "cosign_required")


def _create_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        changed = " OR ".join(
            [f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FINDINGS]
            + ["NEW.content::text IS DISTINCT FROM OLD.content::text"]
        )
        op.execute(
            f"""
            CREATE FUNCTION evaluations_guard() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    IF OLD.status <> 'draft' THEN
                        RAISE EXCEPTION '{SIGNED_DELETE_MESSAGE}' USING ERRCODE = 'restrict_violation';
                    END IF;
                    RETURN OLD;
                END IF;
                IF OLD.status = 'signed' THEN
                    RAISE EXCEPTION '{SIGNED_MESSAGE}' USING ERRCODE = 'restrict_violation';
                END IF;
                IF OLD.status = 'awaiting_cosign' AND ({changed}) THEN
                    RAISE EXCEPTION '{COSIGN_MESSAGE}' USING ERRCODE = 'restrict_violation';
                END IF;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER evaluations_guard BEFORE UPDATE OR DELETE ON evaluations "
            "FOR EACH ROW EXECUTE FUNCTION evaluations_guard()"
        )
        for table, message in APPEND_ONLY.items():
            op.execute(
                f"""
                CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation';
                END;
                $$ LANGUAGE plpgsql
                """
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
            )
    else:
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in (*FINDINGS, "content"))
        op.execute(
            "CREATE TRIGGER evaluations_signed_no_update BEFORE UPDATE ON evaluations "
            f"WHEN OLD.status = 'signed' BEGIN SELECT RAISE(ABORT, '{SIGNED_MESSAGE}'); END"
        )
        op.execute(
            "CREATE TRIGGER evaluations_cosign_keeps_findings BEFORE UPDATE ON evaluations "
            f"WHEN OLD.status = 'awaiting_cosign' AND ({changed}) "
            f"BEGIN SELECT RAISE(ABORT, '{COSIGN_MESSAGE}'); END"
        )
        op.execute(
            "CREATE TRIGGER evaluations_signed_no_delete BEFORE DELETE ON evaluations "
            f"WHEN OLD.status <> 'draft' BEGIN SELECT RAISE(ABORT, '{SIGNED_DELETE_MESSAGE}'); END"
        )
        for table, message in APPEND_ONLY.items():
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )


def _drop_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER evaluations_guard ON evaluations")
        op.execute("DROP FUNCTION evaluations_guard()")
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_change ON {table}")
            op.execute(f"DROP FUNCTION {table}_append_only()")
    else:
        for name in (
            "evaluations_signed_no_update",
            "evaluations_cosign_keeps_findings",
            "evaluations_signed_no_delete",
        ):
            op.execute(f"DROP TRIGGER {name}")
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{verb}")
