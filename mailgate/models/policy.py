"""State the policy engine needs from history: fingerprints of recently sent bodies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Column, Field, SQLModel

from mailgate.models.base import JSONColumn, UTCDateTime, utcnow


class SentFingerprint(SQLModel, table=True):
    """One outgoing body as sent to one counterpart (for near-duplicate bulk detection).

    Only the MinHash signature is kept, never the text: the table may be read by
    the policy path without exposing mail content.
    """

    __tablename__ = "sent_fingerprint"
    # The bulk rule asks "this department, the last N hours".
    __table_args__ = (Index("ix_sent_fingerprint_recent", "department_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", ondelete="CASCADE")
    message_pk: int | None = Field(default=None, foreign_key="message.id", ondelete="SET NULL")
    counterpart: str = Field(max_length=320)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    signature: list[int] = Field(default_factory=list, sa_column=Column(JSONColumn, nullable=False))
