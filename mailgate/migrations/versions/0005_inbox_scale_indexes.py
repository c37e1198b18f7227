"""inbox scale: pg_trgm index on message.from_address (PostgreSQL only)

search() matches subject OR text_body OR from_address with ILIKE. Migration 0004
indexed only subject and text_body, so PostgreSQL could not combine the three
trigram indexes (BitmapOr) and fell back to reading every message of the
department: a rare term took 80-90 ms at 100,000 messages and grows with the
mailbox (bench/inbox_scale.py, docs/performance.md "Web inbox at scale"). With
this index a rare term takes about 1 ms. SQLite needs nothing: its FTS5 table
(0004) already covers from_address.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 19:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_message_from_trgm "
            "ON message USING gin (from_address gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_message_from_trgm")
