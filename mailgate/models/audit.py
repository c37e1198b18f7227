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
