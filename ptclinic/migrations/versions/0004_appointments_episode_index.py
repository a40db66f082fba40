"""index appointments by episode and start

The calendar shows each visit's place in its episode ("visit 7 of 12 authorised"); counting
the episode's earlier visits needs this index to stay fast on years of appointments.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain create_index, not batch mode: rebuilding the table on SQLite would drop the
    # no-overlap triggers of revision 0002.
    op.create_index(
        "ix_appointments_episode_start", "appointments", ["episode_id", "starts_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_appointments_episode_start", table_name="appointments")
