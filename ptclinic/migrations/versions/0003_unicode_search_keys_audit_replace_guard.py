"""unicode search keys, and no INSERT OR REPLACE over an audit row on SQLite

Search keys used to keep ASCII letters only, so "Иванов" could not be found and two different
Cyrillic or Greek names with the same date of birth looked like duplicates. Keys now keep every
letter (accents removed, case folded: "Strauß" -> "strauss"); existing keys are recomputed.

SQLite's INSERT OR REPLACE deletes a clashing row without firing delete triggers, which would let
an audit row be rewritten; a BEFORE INSERT trigger now refuses an id that already exists.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:10:00
"""

import unicodedata
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def unicode_key(text: str) -> str:
    """The key rule of this revision (a copy: migrations must not change when the app does)."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return "".join(ch for ch in kept.casefold() if ch.isalnum())


def ascii_key(text: str) -> str:
    """The key rule of revision 0001, for downgrading."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed.lower() if ch.isascii() and ch.isalnum())


def _rekey(make_key: Callable[[str], str]) -> None:
    conn = op.get_bind()
    patients = sa.table(
        "patients",
        sa.column("id", sa.Integer),
        sa.column("last_name", sa.String),
        sa.column("first_name", sa.String),
        sa.column("last_name_key", sa.String),
        sa.column("first_name_key", sa.String),
    )
    last_id = 0
    while True:
        rows = conn.execute(
            sa.select(
                patients.c.id,
                patients.c.last_name,
                patients.c.first_name,
                patients.c.last_name_key,
                patients.c.first_name_key,
            )
            .where(patients.c.id > last_id)
            .order_by(patients.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        changed = [
            {"pid": pid, "lk": make_key(last), "fk": make_key(first)}
            for pid, last, first, last_key, first_key in rows
            if (make_key(last), make_key(first)) != (last_key, first_key)
        ]
        if changed:
            conn.execute(
                patients.update()
                .where(patients.c.id == sa.bindparam("pid"))
                .values(last_name_key=sa.bindparam("lk"), first_name_key=sa.bindparam("fk")),
                changed,
            )
        last_id = rows[-1][0]


def upgrade() -> None:
    _rekey(unicode_key)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events "
            "WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id) "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_events_no_replace")
    _rekey(ascii_key)
