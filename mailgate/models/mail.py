"""Mail as filed: raw blobs, receptions (the durable inbound queue), counterparts, threads, messages."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, LargeBinary, Text
from sqlmodel import Column, Field, SQLModel, UniqueConstraint

from mailgate.models.base import JSONColumn, UTCDateTime, utcnow


class Blob(SQLModel, table=True):
    """Content-addressed bytes: raw messages exactly as received or sent, and attachments."""

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ReceptionState(StrEnum):
    ACCEPTED = "accepted"  # durable, 250 given, not yet filed
    FILED = "filed"
    DUPLICATE = "duplicate"  # same Message-ID already filed for the department
    QUARANTINED = "quarantined"  # filing failed; raw bytes kept for an operator


class Reception(SQLModel, table=True):
    """One accepted copy of a raw message for one department (the inbound work queue)."""

    __table_args__ = (Index("ix_reception_pending", "state", "lease_until"),)

    id: int | None = Field(default=None, primary_key=True)
    raw_sha256: str = Field(foreign_key="blob.sha256", max_length=64, index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    source: str = Field(max_length=16)  # smtp | imap
    envelope_from: str = Field(default="", max_length=320)
    recipients: list[str] = Field(
        default_factory=list, sa_column=Column(JSONColumn, nullable=False)
    )
    peer: str = Field(default="", max_length=100)
    received_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    state: str = Field(default=ReceptionState.ACCEPTED, max_length=16)
    error: str | None = Field(default=None, sa_column=Column(Text))
    message_pk: int | None = Field(default=None, foreign_key="message.id")
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class Counterpart(SQLModel, table=True):
    """A resident's address as seen by one department (function 4: per-counterpart history)."""

    __table_args__ = (UniqueConstraint("department_id", "address"),)

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    address: str = Field(max_length=320)
    display_name: str = Field(default="", max_length=200)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    last_message_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Thread(SQLModel, table=True):
    __table_args__ = (
        Index("ix_thread_subject", "department_id", "counterpart_id", "subject_key"),
        Index("ix_thread_recent", "department_id", "last_message_at", "id"),
        Index("ix_thread_state", "department_id", "state", "last_message_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id")
    counterpart_id: int = Field(foreign_key="counterpart.id", index=True)
    subject: str = Field(default="", sa_column=Column(Text, nullable=False))
    # Subject without reply/forward prefixes, NFKC-folded: the fallback threading key.
    subject_key: str = Field(default="", max_length=500)
    status: str = Field(default="open", max_length=16)  # open | done
    # What the inbox shows and filters on; kept by mailgate.workflow.thread_state.refresh.
    state: str = Field(default="new", max_length=24)
    assignee_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    last_message_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class MessageState(StrEnum):
    RECEIVED = "received"  # inbound
    DRAFT = "draft"
    BLOCKED = "blocked"
    PENDING_APPROVAL = "pending_approval"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    QUEUED = "queued"  # approved and waiting for the delivery worker
    DEFERRED = "deferred"
    SENT = "sent"
    FAILED = "failed"


class Message(SQLModel, table=True):
    __table_args__ = (
        # Idempotence: one copy of a Message-ID per department.
        UniqueConstraint("department_id", "dedupe_key"),
        Index("ix_message_thread", "thread_id", "id"),
        Index("ix_message_counterpart", "counterpart_id", "id"),
        Index("ix_message_queue", "department_id", "state", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    thread_id: int = Field(foreign_key="thread.id")
    counterpart_id: int = Field(foreign_key="counterpart.id")
    direction: str = Field(max_length=16)
    state: str = Field(max_length=32)
    message_id_header: str = Field(default="", max_length=998)
    # Message-ID, or "sha256:<raw hash>" when the mail has none.
    dedupe_key: str = Field(max_length=998)
    in_reply_to: str = Field(default="", max_length=998)
    references: list[str] = Field(
        default_factory=list, sa_column=Column(JSONColumn, nullable=False)
    )
    subject: str = Field(default="", sa_column=Column(Text, nullable=False))
    from_address: str = Field(default="", max_length=320)
    from_name: str = Field(default="", max_length=200)
    to_addresses: list[str] = Field(
        default_factory=list, sa_column=Column(JSONColumn, nullable=False)
    )
    cc_addresses: list[str] = Field(
        default_factory=list, sa_column=Column(JSONColumn, nullable=False)
    )
    bcc_addresses: list[str] = Field(
        default_factory=list, sa_column=Column(JSONColumn, nullable=False)
    )
    date: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    headers: list[list[str]] = Field(
        default_factory=list, sa_column=Column(JSONColumn, nullable=False)
    )
    text_body: str = Field(default="", sa_column=Column(Text, nullable=False))
    html_body: str = Field(default="", sa_column=Column(Text, nullable=False))
    raw_sha256: str | None = Field(default=None, foreign_key="blob.sha256", max_length=64)
    size: int = 0
    parse_warnings: list[str] = Field(
        default_factory=list, sa_column=Column(JSONColumn, nullable=False)
    )
    author_id: int | None = Field(default=None, foreign_key="user.id")
    # Whoever last changed the draft: like the author, they may never approve it.
    last_editor_id: int | None = Field(default=None, foreign_key="user.id")
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    # The policy verdict of the last submit (Verdict.to_dict()); shown to author and approver.
    policy_report: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONColumn))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Attachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    message_pk: int = Field(foreign_key="message.id", index=True)
    filename: str = Field(default="", max_length=500)
    content_type: str = Field(default="application/octet-stream", max_length=200)
    size: int = 0
    sha256: str = Field(foreign_key="blob.sha256", max_length=64)
