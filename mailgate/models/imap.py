"""Per-account IMAP state: the ingest checkpoint (UIDVALIDITY, last UID) and the health shown in /healthz.

Keyed by the account name from the configuration. The checkpoint is only
trusted while folder and UIDVALIDITY match what the server reports; otherwise
the poller starts again from UID 1 and filing's (department, Message-ID) dedupe
drops the copies it already has.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Text
from sqlmodel import Column, Field, SQLModel

from mailgate.models.base import UTCDateTime, utcnow


class ImapState(SQLModel, table=True):
    __tablename__ = "imap_state"

    account: str = Field(primary_key=True, max_length=100)
    folder: str = Field(default="", max_length=500)
    # IMAP UIDs and UIDVALIDITY are unsigned 32-bit: too big for a signed INTEGER.
    uidvalidity: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    last_uid: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    ingested: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    # ok | connecting | error | auth_failed | stopped
    status: str = Field(default="connecting", max_length=16)
    # Never a password or message content: connection and server errors only.
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    last_ok_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
