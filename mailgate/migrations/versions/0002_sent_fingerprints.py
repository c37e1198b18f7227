"""sent fingerprints: MinHash signatures of sent bodies for near-duplicate bulk detection

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import mailgate.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sent_fingerprint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("message_pk", sa.Integer(), nullable=True),
        sa.Column("counterpart", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("created_at", mailgate.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["message_pk"], ["message.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sent_fingerprint", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sent_fingerprint_recent", ["department_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sent_fingerprint", schema=None) as batch_op:
        batch_op.drop_index("ix_sent_fingerprint_recent")
    op.drop_table("sent_fingerprint")
