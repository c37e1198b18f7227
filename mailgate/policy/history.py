"""Facts from history for the policy: what this department sent recently, as fingerprints.

The workflow records a fingerprint per counterpart when a message is approved
(queued), and before a policy check it loads the department's recent ones into
OutgoingMail.prior_sends, so the bulk rule itself stays pure and never touches
the database. Only signatures are stored, never text.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, delete, select

from mailgate.models.policy import SentFingerprint
from mailgate.policy.fingerprint import signature
from mailgate.policy.mail import PriorSend


def record_send(
    session: Session,
    *,
    department_id: int,
    message_pk: int | None,
    counterpart: str,
    body: str,
    at: datetime | None = None,
) -> None:
    """Remember that `body` went (or is about to go) to `counterpart`; the caller commits."""
    session.add(
        SentFingerprint(
            department_id=department_id,
            message_pk=message_pk,
            counterpart=counterpart.strip().lower(),
            created_at=at or datetime.now(UTC),
            signature=signature(body),
        )
    )


def recent_sends(
    session: Session, *, department_id: int, window: timedelta, now: datetime | None = None
) -> list[PriorSend]:
    """The department's fingerprints from the last `window`, oldest first."""
    now = now or datetime.now(UTC)
    rows = session.exec(
        select(SentFingerprint)
        .where(
            SentFingerprint.department_id == department_id,
            col(SentFingerprint.created_at) >= now - window,
            col(SentFingerprint.created_at) <= now,
        )
        .order_by(col(SentFingerprint.created_at), col(SentFingerprint.id))
    ).all()
    return [
        PriorSend(
            # Our message id when there is one; otherwise the fingerprint's own id.
            message_id=str(row.message_pk) if row.message_pk is not None else f"fp-{row.id}",
            counterpart=row.counterpart,
            sent_at=row.created_at,
            signature=list(row.signature),
        )
        for row in rows
    ]


def prune(session: Session, *, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete fingerprints past any detection window (housekeeping); returns how many."""
    cutoff = (now or datetime.now(UTC)) - older_than
    result = session.exec(  # type: ignore[call-overload]
        delete(SentFingerprint).where(col(SentFingerprint.created_at) < cutoff)
    )
    return int(result.rowcount or 0)
