"""Content-addressed storage of bytes (raw messages, attachments) in the database.

Keeping raw bytes in the database rather than in files means one commit makes
both the bytes and the row that points to them durable, with one fsync for a
whole group commit (see docs/decisions/0002-raw-bytes-in-database.md).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from mailgate.models import Blob


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def insert_ignoring_duplicates(dialect: str) -> Insert:
    """INSERT into blob that skips bytes already stored (execute with one or many rows)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(Blob).on_conflict_do_nothing(index_elements=["sha256"])  # type: ignore[return-value]


def put(session: Session, data: bytes, digest: str | None = None) -> str:
    """Store `data` once (a second put of the same bytes is a no-op); return its sha256."""
    digest = digest or sha256_hex(data)
    statement = insert_ignoring_duplicates(session.get_bind().dialect.name)
    session.execute(statement, {"sha256": digest, "size": len(data), "data": data})
    return digest


def get(session: Session, digest: str) -> bytes | None:
    blob = session.get(Blob, digest)
    return None if blob is None else blob.data
