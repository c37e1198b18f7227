"""Full-text search of one department's mail that works for Japanese: substring search.

SQLite: the FTS5 trigram index (migration 0004) for queries of three or more
characters; PostgreSQL: ILIKE served by pg_trgm GIN indexes. Queries of one or
two characters (common in Japanese: 保育, 住民) have no trigram, so both engines
fall back to reading the department's newest SHORT_TERM_WINDOW messages
(docs/decisions/0009-web-inbox.md, docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, text
from sqlmodel import Session, col, select

from mailgate.models import Message

MAX_QUERY = 200
# Terms of one or two characters have no trigram: they are matched by reading messages, so
# they search only the department's newest SHORT_TERM_WINDOW messages (a bounded cost at any
# mailbox size; the page says so). Three or more characters search everything.
SHORT_TERM_WINDOW = 5_000


def normalise_query(query: str) -> str:
    return " ".join(query.split())[:MAX_QUERY]


def is_short(query: str) -> bool:
    return 0 < len(normalise_query(query)) < 3


# Newest first straight from the FTS index, stopping at `limit` hits of the department; the
# department is checked in the small (department_id, rowid) index, not the message rows.
_FTS_NEWEST = """
SELECT f.rowid FROM message_fts AS f
WHERE message_fts MATCH :q
  AND f.rowid < :before
  AND EXISTS (SELECT 1 FROM message AS m INDEXED BY ix_message_department_id
              WHERE m.department_id = :department_id AND m.id = f.rowid)
ORDER BY f.rowid DESC
LIMIT :limit
"""


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
    short_window: int = SHORT_TERM_WINDOW,
) -> list[Hit]:
    term = normalise_query(query)
    if not term:
        return []
    statement = select(Message).where(Message.department_id == department_id)
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite" and len(term) >= 3:
        phrase = '"' + term.replace('"', '""') + '"'
        newest = text(_FTS_NEWEST).bindparams(
            q=phrase,
            before=before_id if before_id is not None else 2**62,
            department_id=department_id,
            limit=limit,
        )
        statement = statement.where(col(Message.id).in_(newest))
    else:
        if dialect == "postgresql":
            # Plan each search with its own pattern: once psycopg has prepared the statement
            # PostgreSQL may switch to a generic plan, which for a 2-character pattern reads
            # the whole trigram index (≈ 10 s at 1,000,000 messages).
            session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        if before_id is not None:
            statement = statement.where(col(Message.id) < before_id)
        if len(term) < 3:
            oldest = session.exec(
                select(Message.id)
                .where(Message.department_id == department_id)
                .order_by(col(Message.id).desc())
                .offset(short_window - 1)
                .limit(1)
            ).first()
            if oldest is not None:
                statement = statement.where(col(Message.id) >= oldest)
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
