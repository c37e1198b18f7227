"""The outbound queue: one delivery per approved message, and every attempt at it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Text
from sqlmodel import Column, Field, SQLModel

from mailgate.models.base import JSONColumn, UTCDateTime, utcnow


class DeliveryState(StrEnum):
    QUEUED = "queued"
    DEFERRED = "deferred"
    SENT = "sent"
    FAILED = "failed"


class Delivery(SQLModel, table=True):
    __table_args__ = (Index("ix_delivery_due", "state", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    message_pk: int = Field(foreign_key="message.id", unique=True)
    state: str = Field(default=DeliveryState.QUEUED, max_length=16)
    # Hash of the content and recipients a supervisor approved; the worker refuses anything else.
    approved_hash: str = Field(max_length=64)
    queued_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    next_attempt_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    last_code: int | None = None
    last_response: str | None = Field(default=None, sa_column=Column(Text))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class DeliveryAttempt(SQLModel, table=True):
    __tablename__ = "delivery_attempt"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    outcome: str = Field(max_length=16)  # sent | deferred | failed
    code: int | None = None
    response: str = Field(default="", sa_column=Column(Text, nullable=False))
    relay: str = Field(default="", max_length=200)
    worker: str = Field(default="", max_length=100)
    details: dict[str, object] = Field(
        default_factory=dict, sa_column=Column(JSONColumn, nullable=False)
    )
