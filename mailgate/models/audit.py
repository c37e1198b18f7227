"""Append-only audit events, each chained by hash to the one before."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Column, Field, SQLModel

from mailgate.models.base import JSONColumn, UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False, index=True)
    )
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    # Username, or the process role ("smtp", "worker", "cli") for system actions.
    actor: str = Field(max_length=100)
    action: str = Field(max_length=64, index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    object_type: str = Field(default="", max_length=32)
    object_id: str = Field(default="", max_length=64)
    details: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONColumn, nullable=False)
    )
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class AuditCheck(SQLModel, table=True):
    """A full verification of the chain: when, by whom, how far, and the result.

    Pages verify only the events after the newest intact full check (cheap), so
    a full check must run regularly (`mailgate audit verify`, e.g. daily from cron,
    or the button on /audit); each one is recorded here.
    """

    __tablename__ = "audit_check"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    actor: str = Field(default="", max_length=100)
    events: int = 0
    intact: bool = True
    # The last event the check covered (its id and hash): later checks start there.
    through_id: int | None = None
    through_hash: str = Field(default="", max_length=64)
    broken_at: int | None = None
    reason: str = Field(default="", max_length=200)
