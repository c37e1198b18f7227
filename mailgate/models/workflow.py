"""The outbound workflow's records: approvals, the blocked-message log, reply templates."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, Text
from sqlmodel import Column, Field, SQLModel

from mailgate.models.base import JSONColumn, UTCDateTime, utcnow


class Decision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Approval(SQLModel, table=True):
    """A supervisor's decision on one submitted version of a draft (or the author's withdrawal)."""

    id: int | None = Field(default=None, primary_key=True)
    message_pk: int = Field(foreign_key="message.id", index=True)
    actor_id: int = Field(foreign_key="user.id")
    decision: str = Field(max_length=16)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    # The content hash (compose.content_hash) of exactly what was decided on.
    content_hash: str = Field(max_length=64)
    policy_version: str = Field(default="", max_length=100)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class BlockedEvent(SQLModel, table=True):
    """One blocked submission, as the security officers' log keeps it: no personal data.

    `findings` holds per finding: rule, reason, entity_type, location, start, end, a masked
    excerpt and a salted hash of the matched text (so repeats can be recognised, not read).
    """

    __tablename__ = "blocked_event"
    __table_args__ = (
        Index("ix_blocked_event_at", "at"),
        Index("ix_blocked_event_department", "department_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    department_id: int = Field(foreign_key="department.id")
    message_pk: int = Field(foreign_key="message.id", index=True)
    author_id: int | None = Field(default=None, foreign_key="user.id")
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSONColumn, nullable=False))
    rules: list[str] = Field(default_factory=list, sa_column=Column(JSONColumn, nullable=False))
    entity_types: list[str] = Field(
        default_factory=list, sa_column=Column(JSONColumn, nullable=False)
    )
    findings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSONColumn, nullable=False)
    )
    policy_version: str = Field(default="", max_length=100)


class ReplyTemplate(SQLModel, table=True):
    """A department's canned reply; supervisors edit them."""

    __tablename__ = "reply_template"

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    subject: str = Field(default="", max_length=500)
    body: str = Field(default="", sa_column=Column(Text, nullable=False))
    updated_by: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
