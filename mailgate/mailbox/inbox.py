"""The department inbox: threads newest first, filtered, with keyset pagination.

Keyset (last_message_at, id) rather than OFFSET: page N costs the same as page 1
at a million messages (bench/inbox_scale.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import tuple_
from sqlmodel import Session, col, select

from mailgate.models import Counterpart, Thread, User


@dataclass
class ThreadRow:
    id: int
    subject: str
    state: str
    counterpart: str
    counterpart_name: str
    assignee: str
    assignee_id: int | None
    last_message_at: datetime


@dataclass
class Cursor:
    last_message_at: datetime
    id: int

    def encode(self) -> str:
        return f"{self.last_message_at.timestamp():.6f}_{self.id}"

    @classmethod
    def decode(cls, value: str) -> Cursor | None:
        from datetime import UTC

        try:
            stamp, _, ident = value.partition("_")
            return cls(datetime.fromtimestamp(float(stamp), UTC), int(ident))
        except (ValueError, OverflowError, OSError):
            return None


@dataclass
class Page:
    rows: list[ThreadRow]
    next_cursor: str | None


def list_threads(
    session: Session,
    *,
    department_id: int,
    state: str | None = None,
    assignee_id: int | None = None,
    unassigned: bool = False,
    before: Cursor | None = None,
    limit: int = 50,
) -> Page:
    query = (
        select(Thread, Counterpart.address, Counterpart.display_name, User.display_name)
        .join(Counterpart, col(Counterpart.id) == Thread.counterpart_id)
        .outerjoin(User, col(User.id) == Thread.assignee_id)
        .where(Thread.department_id == department_id)
    )
    if state:
        query = query.where(Thread.state == state)
    if assignee_id is not None:
        query = query.where(Thread.assignee_id == assignee_id)
    elif unassigned:
        query = query.where(col(Thread.assignee_id).is_(None))
    if before is not None:
        # A row-value comparison: both engines seek the index to the cursor. The OR form
        # made them walk every newer thread of the department first (bench/inbox_scale.py).
        query = query.where(
            tuple_(col(Thread.last_message_at), col(Thread.id))
            < tuple_(before.last_message_at, before.id)
        )
    query = query.order_by(col(Thread.last_message_at).desc(), col(Thread.id).desc()).limit(
        limit + 1
    )
    results = session.exec(query).all()
    rows = [
        ThreadRow(
            id=t.id or 0,
            subject=t.subject,
            state=t.state,
            counterpart=address,
            counterpart_name=name or "",
            assignee=assignee or "",
            assignee_id=t.assignee_id,
            last_message_at=t.last_message_at,
        )
        for t, address, name, assignee in results[:limit]
    ]
    next_cursor = None
    if len(results) > limit and rows:
        next_cursor = Cursor(rows[-1].last_message_at, rows[-1].id).encode()
    return Page(rows, next_cursor)
