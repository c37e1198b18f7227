"""Append audit events to the hash chain, and verify the chain.

Each event's hash covers its content and the previous event's hash, so an edit
or deletion anywhere breaks every later link. Appends are serialised: on
PostgreSQL by a transaction-scoped advisory lock, on SQLite by BEGIN IMMEDIATE
(see mailgate.db).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from mailgate.models import AuditEvent, utcnow

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 0x6D61696C  # "mail"


def _digest(event: AuditEvent) -> str:
    body = {
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor": event.actor,
        "action": event.action,
        "department_id": event.department_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    session: Session,
    action: str,
    *,
    actor: str,
    actor_id: int | None = None,
    department_id: int | None = None,
    object_type: str = "",
    object_id: str | int = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one event in the caller's transaction (it commits with the change it describes)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK_KEY})
    last = session.exec(
        select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)
    ).first()
    event = AuditEvent(
        at=utcnow(),
        actor=actor,
        actor_id=actor_id,
        action=action,
        department_id=department_id,
        object_type=object_type,
        object_id=str(object_id),
        details=details or {},
        prev_hash=last or GENESIS,
        hash="",
    )
    event.hash = _digest(event)
    session.add(event)
    session.flush()
    return event


@dataclass
class ChainReport:
    intact: bool
    events: int
    broken_at: int | None = None
    reason: str = ""


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in id order; report the first event whose link or content does not hold."""
    previous = GENESIS
    count = 0
    last_id = 0
    while True:
        rows = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.id) > last_id)
            .order_by(col(AuditEvent.id))
            .limit(batch)
        ).all()
        if not rows:
            return ChainReport(intact=True, events=count)
        for event in rows:
            count += 1
            if event.prev_hash != previous:
                return ChainReport(False, count, event.id, "previous-hash link does not match")
            if _digest(event) != event.hash:
                return ChainReport(False, count, event.id, "content does not match its hash")
            previous = event.hash
            last_id = event.id or last_id
