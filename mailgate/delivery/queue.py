"""The outbound queue: enqueue approved messages, claim due ones under a lease, record results.

Every function works inside the caller's transaction (see mailgate.db.session_scope).
Claims take row locks with FOR UPDATE SKIP LOCKED on PostgreSQL, so concurrent
workers never claim the same row; on SQLite BEGIN IMMEDIATE serialises claims.
A lease expires, so a dead worker's deliveries are picked up again. Results are
recorded only by the worker that still holds the lease: one whose lease was
taken over must not overwrite the new owner's outcome.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from mailgate import audit
from mailgate.errors import MailgateError
from mailgate.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    Direction,
    Message,
    MessageState,
    utcnow,
)
from mailgate.workflow import thread_state

WORKER_ACTOR = "worker"
_OPEN = (DeliveryState.QUEUED.value, DeliveryState.DEFERRED.value)
_AFTER_APPROVAL = {
    MessageState.QUEUED,
    MessageState.DEFERRED,
    MessageState.SENT,
    MessageState.FAILED,
}
# Server replies can be long; keep the audit event readable (the full text is on the attempt).
_AUDIT_REPLY_CHARS = 500


class QueueError(MailgateError):
    """A message that cannot be queued (inbound, already queued, no Message-ID)."""


class Marker(Protocol):
    """mark_sent or mark_failed, as the worker passes them around."""

    __name__: str

    def __call__(
        self,
        session: Session,
        delivery_id: int,
        *,
        worker: str,
        response: str,
        relay: str,
        code: int | None = ...,
        now: datetime | None = ...,
    ) -> bool: ...


def enqueue(
    session: Session,
    message: Message,
    *,
    approved_hash: str,
    actor: str,
    actor_id: int | None = None,
) -> Delivery:
    """Queue an approved outgoing message for delivery (called by the approval workflow)."""
    if message.id is None:
        raise QueueError("message is not stored yet")
    if message.direction != Direction.OUTBOUND:
        raise QueueError(f"message {message.id} is not outgoing")
    if message.state in _AFTER_APPROVAL:
        raise QueueError(f"message {message.id} is already {message.state}")
    if session.exec(select(Delivery.id).where(Delivery.message_pk == message.id)).first():
        raise QueueError(f"message {message.id} is already queued")
    if not message.message_id_header.strip():
        raise QueueError(f"message {message.id} has no Message-ID")
    if len(approved_hash) != 64:
        raise QueueError("approved_hash must be a sha256 hex digest")
    now = utcnow()
    delivery = Delivery(
        message_pk=message.id, approved_hash=approved_hash, queued_at=now, next_attempt_at=now
    )
    session.add(delivery)
    message.state = MessageState.QUEUED
    session.add(message)
    session.flush()
    thread_state.refresh(session, message.thread_id)
    audit.record(
        session,
        "delivery.queued",
        actor=actor,
        actor_id=actor_id,
        department_id=message.department_id,
        object_type="message",
        object_id=message.id,
        details={"delivery_id": delivery.id, "approved_hash": approved_hash},
    )
    return delivery


def claim(
    session: Session, *, worker: str, limit: int, lease_seconds: float, now: datetime | None = None
) -> list[Delivery]:
    """Lease up to `limit` due deliveries to `worker`, oldest due first."""
    now = now or utcnow()
    rows = session.exec(
        select(Delivery)
        .where(
            col(Delivery.state).in_(_OPEN),
            col(Delivery.next_attempt_at) <= now,
            or_(col(Delivery.lease_until).is_(None), col(Delivery.lease_until) < now),
        )
        .order_by(col(Delivery.next_attempt_at), col(Delivery.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    until = now + timedelta(seconds=lease_seconds)
    for delivery in rows:
        delivery.lease_owner = worker
        delivery.lease_until = until
        session.add(delivery)
    session.flush()
    return list(rows)


def _leased(session: Session, delivery_id: int, worker: str) -> Delivery | None:
    """The delivery, row-locked, if `worker` still holds it and it is not finished."""
    return session.exec(
        select(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.lease_owner == worker,
            col(Delivery.state).in_(_OPEN),
        )
        .with_for_update()
    ).first()


def renew(
    session: Session,
    delivery_id: int,
    *,
    worker: str,
    lease_seconds: float,
    now: datetime | None = None,
) -> Delivery | None:
    """Extend this worker's lease just before sending; None if the lease was lost."""
    delivery = _leased(session, delivery_id, worker)
    if delivery is not None:
        delivery.lease_until = (now or utcnow()) + timedelta(seconds=lease_seconds)
        session.add(delivery)
        session.flush()
    return delivery


def _finish(
    session: Session,
    delivery_id: int,
    *,
    worker: str,
    outcome: DeliveryState,
    code: int | None,
    response: str,
    relay: str,
    now: datetime,
    next_attempt_at: datetime | None = None,
) -> bool:
    delivery = _leased(session, delivery_id, worker)
    if delivery is None:
        return False  # lease taken over (or already finished): the new owner's result stands
    delivery.attempts += 1
    delivery.state = outcome.value
    delivery.last_code = code
    delivery.last_response = response
    delivery.lease_owner = None
    delivery.lease_until = None
    if next_attempt_at is not None:
        delivery.next_attempt_at = next_attempt_at
    if outcome in (DeliveryState.SENT, DeliveryState.FAILED):
        delivery.finished_at = now
    session.add(delivery)
    session.add(
        DeliveryAttempt(
            delivery_id=delivery_id,
            at=now,
            outcome=outcome.value,
            code=code,
            response=response,
            relay=relay,
            worker=worker,
        )
    )
    message = session.get(Message, delivery.message_pk)
    assert message is not None  # foreign key
    message.state = MessageState(outcome.value)
    session.add(message)
    session.flush()
    thread_state.refresh(session, message.thread_id)
    details: dict[str, object] = {
        "delivery_id": delivery_id,
        "attempt": delivery.attempts,
        "code": code,
        "reply": response[:_AUDIT_REPLY_CHARS],
        "relay": relay,
        "worker": worker,
    }
    if next_attempt_at is not None:
        details["next_attempt_at"] = next_attempt_at.isoformat()
    audit.record(
        session,
        f"delivery.{outcome.value}",
        actor=WORKER_ACTOR,
        department_id=message.department_id,
        object_type="message",
        object_id=message.id or "",
        details=details,
    )
    return True


def mark_sent(
    session: Session,
    delivery_id: int,
    *,
    worker: str,
    response: str,
    relay: str,
    code: int | None = 250,
    now: datetime | None = None,
) -> bool:
    """The relay accepted the message. False if this worker no longer holds the lease."""
    return _finish(
        session,
        delivery_id,
        worker=worker,
        outcome=DeliveryState.SENT,
        code=code,
        response=response,
        relay=relay,
        now=now or utcnow(),
    )


def mark_deferred(
    session: Session,
    delivery_id: int,
    *,
    worker: str,
    response: str,
    relay: str,
    delay: float,
    code: int | None = None,
    now: datetime | None = None,
) -> bool:
    """A temporary failure: try again after `delay` seconds."""
    now = now or utcnow()
    return _finish(
        session,
        delivery_id,
        worker=worker,
        outcome=DeliveryState.DEFERRED,
        code=code,
        response=response,
        relay=relay,
        now=now,
        next_attempt_at=now + timedelta(seconds=delay),
    )


def mark_failed(
    session: Session,
    delivery_id: int,
    *,
    worker: str,
    response: str,
    relay: str = "",
    code: int | None = None,
    now: datetime | None = None,
) -> bool:
    """A permanent failure, a refused hash, or retries exhausted: never retried."""
    return _finish(
        session,
        delivery_id,
        worker=worker,
        outcome=DeliveryState.FAILED,
        code=code,
        response=response,
        relay=relay,
        now=now or utcnow(),
    )


def release(session: Session, worker: str) -> int:
    """Drop this worker's unfinished leases (on shutdown) so others can claim them at once."""
    result = session.execute(
        update(Delivery)
        .where(col(Delivery.lease_owner) == worker, col(Delivery.state).in_(_OPEN))
        .values(lease_owner=None, lease_until=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
