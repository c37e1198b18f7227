"""Full-text search of one department's mail that works for Japanese: substring search.

SQLite: the FTS5 trigram index (migration 0004) for queries of three or more
characters; PostgreSQL: ILIKE served by pg_trgm GIN indexes. Queries of one or
two characters (common in Japanese: 保育, 住民) have no trigram, so both engines
fall back to a scan of the department's messages, newest first, bounded by the
limit (docs/decisions/0009-web-inbox.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, text
from sqlmodel import Session, col, select

from mailgate.models import Message

MAX_QUERY = 200


@dataclass
class Hit:
    message_id: int
    thread_id: int
    subject: str
    from_address: str
    direction: str
    state: str
    created_at: datetime
    snippet: str


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _snippet(body: str, term: str, width: int = 40) -> str:
    at = body.lower().find(term.lower())
    if at < 0:
        return body[: width * 2].replace("\n", " ")
    start = max(at - width, 0)
    return ("…" if start else "") + body[start : at + len(term) + width].replace("\n", " ")


def search(
    session: Session,
    *,
    department_id: int,
    query: str,
    before_id: int | None = None,
    limit: int = 50,
) -> list[Hit]:
    term = " ".join(query.split())[:MAX_QUERY]
    if not term:
        return []
    statement = select(Message).where(Message.department_id == department_id)
    if before_id is not None:
        statement = statement.where(col(Message.id) < before_id)
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite" and len(term) >= 3:
        phrase = '"' + term.replace('"', '""') + '"'
        statement = statement.where(
            col(Message.id).in_(
                text("SELECT rowid FROM message_fts WHERE message_fts MATCH :q").bindparams(
                    q=phrase
                )
            )
        )
    else:
        pattern = f"%{_like_escape(term)}%"
        statement = statement.where(
            or_(
                col(Message.subject).ilike(pattern, escape="\\"),
                col(Message.text_body).ilike(pattern, escape="\\"),
                col(Message.from_address).ilike(pattern, escape="\\"),
            )
        )
    rows = session.exec(statement.order_by(col(Message.id).desc()).limit(limit)).all()
    return [
        Hit(
            message_id=m.id or 0,
            thread_id=m.thread_id,
            subject=m.subject,
            from_address=m.from_address,
            direction=m.direction,
            state=m.state,
            created_at=m.created_at,
            snippet=_snippet(m.text_body, term),
        )
        for m in rows
    ]
