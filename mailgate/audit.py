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

from mailgate.models import AuditCheck, AuditEvent, utcnow

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 0x6D61696C  # "mail"


_FIELDS = (
    "at",
    "actor_id",
    "actor",
    "action",
    "department_id",
    "object_type",
    "object_id",
    "details",
    "prev_hash",
)


def _digest(event: Any) -> str:
    """Hash of an event's content and link: an AuditEvent or a row with the same fields."""
    body = {name: getattr(event, name) for name in _FIELDS}
    body["at"] = event.at.isoformat()
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
    # The last event that held (where a later check can start).
    last_id: int | None = None
    last_hash: str = ""


def verify(
    session: Session, batch: int = 5000, start: tuple[int, str] | None = None
) -> ChainReport:
    """Walk the chain in id order; report the first event whose link or content does not hold.

    `start` (an event id and its hash, from an intact full check) verifies only the
    events after it; without it, the whole chain from the first event.
    """
    last_id, previous = start or (0, GENESIS)
    count = 0
    # Plain rows, not ORM objects: building objects cost most of the time at 10^5+ events.
    columns = [col(AuditEvent.id), col(AuditEvent.hash)] + [
        getattr(AuditEvent, name) for name in _FIELDS
    ]
    while True:
        rows = session.execute(
            select(*columns)
            .where(col(AuditEvent.id) > last_id)
            .order_by(col(AuditEvent.id))
            .limit(batch)
        ).all()
        if not rows:
            return ChainReport(True, count, last_id=last_id or None, last_hash=previous)
        for event in rows:
            count += 1
            if event.prev_hash != previous:
                return ChainReport(
                    False, count, event.id, "previous-hash link does not match", last_id, previous
                )
            if _digest(event) != event.hash:
                return ChainReport(
                    False, count, event.id, "content does not match its hash", last_id, previous
                )
            previous = event.hash
            last_id = event.id or last_id


def verify_full(session: Session, *, actor: str) -> ChainReport:
    """Verify the whole chain and record the check (the caller commits)."""
    report = verify(session)
    session.add(
        AuditCheck(
            actor=actor[:100],
            events=report.events,
            intact=report.intact,
            through_id=report.last_id,
            through_hash=report.last_hash,
            broken_at=report.broken_at,
            reason=report.reason,
        )
    )
    return report


def last_full_check(session: Session) -> AuditCheck | None:
    return session.exec(select(AuditCheck).order_by(col(AuditCheck.id).desc()).limit(1)).first()


def verify_since_last_check(session: Session) -> tuple[AuditCheck | None, ChainReport]:
    """The newest full check, and a verification of the events after it (cheap for pages).

    Starts after the newest intact full check; with none (or a broken one), from the
    first event, so a break is never hidden behind an old result.
    """
    check = last_full_check(session)
    start = None
    if check is not None and check.intact and check.through_id is not None:
        start = (check.through_id, check.through_hash)
    return check, verify(session, start=start)
