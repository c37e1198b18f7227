"""Function 4: every message in and out between a department and one address, with approvers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from mailgate.models import Approval, Counterpart, Message, User


@dataclass
class HistoryEntry:
    message_id: int
    thread_id: int
    direction: str
    state: str
    subject: str
    from_address: str
    to_addresses: list[str]
    created_at: datetime
    author: str
    decisions: list[dict[str, str]] = field(default_factory=list)  # decision, by, at, comment


@dataclass
class History:
    counterpart: Counterpart | None
    entries: list[HistoryEntry]
    next_before: int | None


def counterpart_history(
    session: Session,
    *,
    department_id: int,
    address: str,
    before_id: int | None = None,
    limit: int = 100,
) -> History:
    counterpart = session.exec(
        select(Counterpart).where(
            Counterpart.department_id == department_id,
            Counterpart.address == address.strip().lower(),
        )
    ).first()
    if counterpart is None:
        return History(None, [], None)
    query = select(Message).where(Message.counterpart_id == counterpart.id)
    if before_id is not None:
        query = query.where(col(Message.id) < before_id)
    messages = session.exec(query.order_by(col(Message.id).desc()).limit(limit + 1)).all()
    page = list(messages[:limit])
    ids = [m.id for m in page]
    approvals = (
        session.exec(
            select(Approval).where(col(Approval.message_pk).in_(ids)).order_by(col(Approval.id))
        ).all()
        if ids
        else []
    )
    # Only the people on this page: authors and deciders.
    people = {m.author_id for m in page} | {a.actor_id for a in approvals}
    people.discard(None)
    names = (
        {
            u.id: u.display_name or u.username
            for u in session.exec(select(User).where(col(User.id).in_(people)))
        }
        if people
        else {}
    )
    decisions: dict[int, list[dict[str, str]]] = {}
    for approval in approvals:
        decisions.setdefault(approval.message_pk, []).append(
            {
                "decision": approval.decision,
                "by": names.get(approval.actor_id, ""),
                "at": approval.at.isoformat(),
                "comment": approval.comment,
            }
        )
    entries = [
        HistoryEntry(
            message_id=m.id or 0,
            thread_id=m.thread_id,
            direction=m.direction,
            state=m.state,
            subject=m.subject,
            from_address=m.from_address,
            to_addresses=list(m.to_addresses),
            created_at=m.created_at,
            author=names.get(m.author_id, "") if m.author_id else "",
            decisions=decisions.get(m.id or 0, []),
        )
        for m in page
    ]
    next_before = page[-1].id if len(messages) > limit and page else None
    return History(counterpart, entries, next_before)
