"""Full-text search of one department's mail that works for Japanese: substring search.

Every term is served by an index of the department's own mail (mailbox.text_index):
trigrams for terms of three or more characters, "grams" (characters and pairs of
characters) for terms of one or two (common in Japanese: 保育, 住民). So what a search
costs depends on the department's mail, not on the other departments'
(docs/decisions/0009-web-inbox.md, docs/performance.md "Web inbox at scale").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, col, select

from mailgate.mailbox import text_index
from mailgate.models import Message

MAX_QUERY = 200

# SQLite: the department's rowid range of an FTS5 index, newest first, stopping at `limit`.
_FTS_DEPARTMENT = """
SELECT rowid - :low FROM {table}
WHERE {table} MATCH :q AND rowid >= :low AND rowid < :high
ORDER BY rowid DESC
LIMIT :limit
"""

# PostgreSQL. The text and the department are written exactly as in the department's partial
# indexes (the id an integer, as in their predicate): otherwise the planner cannot use them.
_PG_DEPARTMENT = "department_id = CAST(:department_id AS integer)"
PG_MATCH = f"{_PG_DEPARTMENT} AND {text_index.PG_TEXT} ILIKE :pattern ESCAPE '\\'"
PG_GRAMS_MATCH = f"{_PG_DEPARTMENT} AND {text_index.PG_GRAMS} @> ARRAY[CAST(:gram AS text)]"
# A range [floor, upper) of the department's ids, newest first, testing each row. The bounds
# are written as (department_id, id) rows so that only that index can serve them: the walk
# then reads the department's rows, not every department's through the primary key.
_PG_WALK = f"""
SELECT id FROM message
WHERE {PG_MATCH}
  AND (department_id, id) < (CAST(:department_id AS integer), :upper)
  AND (department_id, id) >= (CAST(:department_id AS integer), :floor)
ORDER BY department_id DESC, id DESC
LIMIT :limit
"""
# Everything older than :upper through one of the department's indexes (plain id bounds:
# as rows they would make the (department_id, id) index look cheaper than the text index).
_PG_OLDER = """
SELECT id FROM message
WHERE {match} AND id < :upper
ORDER BY id DESC
LIMIT :limit
"""
# Up to PG_PROBE hits through the index, in no order (a bitmap scan stops there).
_PG_PROBE = """
SELECT id FROM message
WHERE {match} AND id < :upper
LIMIT :limit
"""
# PostgreSQL first asks the index for PG_PROBE hits; a term with more has its density
# measured on the department's newest PG_SAMPLE messages (see _postgresql_ids).
PG_PROBE = 100
PG_SAMPLE = 100
_PG_NO_UPPER = 2**31 - 1  # message.id is a 32-bit integer on PostgreSQL


def normalise_query(query: str) -> str:
    return " ".join(query.split())[:MAX_QUERY]


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
    term = normalise_query(query)
    if not term:
        return []
    if session.get_bind().dialect.name == "sqlite":
        ids = _sqlite_ids(session, department_id, term, before_id, limit)
    else:
        ids = _postgresql_ids(session, department_id, term, before_id, limit)
    if not ids:
        return []
    rows = session.exec(
        select(Message).where(col(Message.id).in_(ids)).order_by(col(Message.id).desc())
    ).all()
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


def _sqlite_ids(
    session: Session, department_id: int, term: str, before_id: int | None, limit: int
) -> list[int]:
    low, high = text_index.rowid_range(department_id, before_id)
    if len(term) >= 3:
        table, match = "message_fts", '"' + term.replace('"', '""') + '"'
    else:
        table, match = "message_grams", '"' + text_index.gram_token(term.lower()) + '"'
    statement = text(_FTS_DEPARTMENT.format(table=table)).bindparams(
        q=match, low=low, high=high, limit=limit
    )
    return [int(row[0]) for row in session.execute(statement)]


def _postgresql_ids(
    session: Session, department_id: int, term: str, before_id: int | None, limit: int
) -> list[int]:
    """Newest hits first, reading either the rows or the text index, whichever is cheaper.

    PostgreSQL cannot estimate how often a term occurs in one department (it keeps no
    statistics for a partial index), so left alone it walks the rows for an absent term
    (the whole department) or reads every hit of a common one (tens of thousands): both grow
    with the mailbox. Here the index is asked for PG_PROBE hits first: a rare or absent term
    has fewer, which are then all of them. For a more frequent term the newest PG_SAMPLE
    messages are read in order; the hits found there give its density, and the older messages
    are read by walking them (dense terms: about remaining/density rows) or through the
    department's index (sparse terms: about density x older rows), whichever is less.
    """
    # Plan each statement with its own values: once psycopg has prepared a statement,
    # PostgreSQL may switch to a generic plan, which cannot pick a department's index.
    session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    upper = before_id if before_id is not None else _PG_NO_UPPER
    walk = {"department_id": department_id, "pattern": f"%{_like_escape(term)}%"}
    if len(term) >= 3:
        match, params = PG_MATCH, walk
    else:
        match, params = PG_GRAMS_MATCH, {"department_id": department_id, "gram": term.lower()}
    try:
        # Rare and absent terms first: if the index holds fewer than PG_PROBE hits, those are
        # all of them (read in any order, then sorted), whatever the mailbox's size.
        probe = _PG_PROBE.format(match=match)
        hits = _pg_run(session, "index", probe, params, 0, upper, PG_PROBE)
        if len(hits) < PG_PROBE:
            return sorted(hits, reverse=True)[:limit]
        _pg_plan(session, None)  # the lookups below need index scans
        floor = _nth_newest(session, department_id, upper, PG_SAMPLE)
        found = _pg_run(session, "walk", _PG_WALK, walk, floor or 0, upper, limit)
        if len(found) >= limit or floor is None:
            return found
        remaining, density = limit - len(found), len(found) / PG_SAMPLE
        if density:
            # The sample's span of ids tells how many of the department's messages are older.
            top = (_nth_newest(session, department_id, upper, 1) or floor) + 1
            older_rows = PG_SAMPLE * (floor - _oldest(session, department_id)) / max(top - floor, 1)
            if remaining / density < density * older_rows:
                # Dense: walk about twice the rows the density predicts; the index for the rest.
                stop = _nth_newest(session, department_id, floor, int(2 * remaining / density) + 1)
                more = _pg_run(session, "walk", _PG_WALK, walk, stop or 0, floor, remaining)
                found += more
                if len(more) >= remaining or stop is None:
                    return found
                floor, remaining = stop, remaining - len(more)
        older = _PG_OLDER.format(match=match)
        return found + _pg_run(session, "index", older, params, 0, floor, remaining)
    finally:
        _pg_plan(session, None)


def _pg_run(
    session: Session,
    how: str,
    sql: str,
    params: dict[str, object],
    floor: int,
    upper: int,
    limit: int,
) -> list[int]:
    _pg_plan(session, how)
    values = {**params, "upper": upper, "limit": limit}
    if how == "walk":
        values["floor"] = floor
    return [int(row[0]) for row in session.execute(text(sql), values)]


# walk: the (department_id, id) index newest first, testing each row; index: a bitmap of
# one of the department's text indexes, the hits then sorted. One statement sets all three.
_PLANS = {
    "walk": ("off", "on", "on"),
    "index": ("on", "off", "off"),
    None: ("on", "on", "on"),
}


def _pg_plan(session: Session, how: str | None) -> None:
    bitmap, index, seq = _PLANS[how]
    session.execute(
        text(
            "SELECT set_config('enable_bitmapscan', :bitmap, true), "
            "set_config('enable_indexscan', :index, true), "
            "set_config('enable_seqscan', :seq, true)"
        ),
        {"bitmap": bitmap, "index": index, "seq": seq},
    )


def _nth_newest(session: Session, department_id: int, upper: int, n: int) -> int | None:
    """The id of the department's n-th newest message below upper (None: fewer remain)."""
    found: int | None = session.exec(
        select(Message.id)
        .where(Message.department_id == department_id, col(Message.id) < upper)
        .order_by(col(Message.id).desc())
        .offset(n - 1)
        .limit(1)
    ).first()
    return found


def _oldest(session: Session, department_id: int) -> int:
    found: int | None = session.exec(
        select(Message.id)
        .where(Message.department_id == department_id)
        .order_by(col(Message.id))
        .limit(1)
    ).first()
    return found or 0
