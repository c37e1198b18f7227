"""audit checks: record each full verification of the audit chain

Pages then verify only the events after the newest intact full check instead of
the whole chain (38 µs per event here: ~40 s at a million events).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 19:34:29.135787
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import mailgate.models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", mailgate.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("intact", sa.Boolean(), nullable=False),
        sa.Column("through_id", sa.Integer(), nullable=True),
        sa.Column("through_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("broken_at", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("audit_check")
