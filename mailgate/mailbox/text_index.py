"""The text indexes search reads, partitioned by department (migration 0007).

A department's search must cost what its own mail costs, whatever the other
departments hold, and Japanese words of one or two characters (保育, 申請) must be
searchable in all mail like longer ones.

- Terms of three or more characters: trigrams. SQLite: the contentless FTS5 trigram
  table `message_fts`. PostgreSQL: a partial pg_trgm GIN index per department.
- Terms of one or two characters: "grams", every character and every pair of
  neighbouring characters of the lower-cased text (a term of one or two characters
  occurs in a text exactly when it is one of its grams). SQLite: the contentless FTS5
  table `message_grams` (grams written as hex tokens, positions not kept); PostgreSQL:
  a partial GIN index per department over the array mailgate_grams(text).

SQLite rowids are department_id * 2**40 + message id, so that a department is one rowid
range in every posting list; PostgreSQL's partial indexes are created with the department.
"""

from __future__ import annotations

import operator
import sqlite3

from sqlalchemy import text
from sqlmodel import Session

# SQLite rowid = department id * DEPARTMENT_SPAN + message id (message ids stay below 2**40).
DEPARTMENT_SPAN = 2**40

# PostgreSQL's indexed text. U+001F joins the fields: no query contains it, so a term never
# matches across the end of the subject and the start of the body.
PG_TEXT = "(subject || E'\\x1f' || text_body || E'\\x1f' || from_address)"
PG_GRAMS = f"mailgate_grams({PG_TEXT})"

# The SQL function the SQLite triggers call (registered on every connection by mailgate.db).
SQLITE_GRAMS_FUNCTION = "mailgate_grams"


def grams(*values: str | None) -> set[str]:
    """Every character and pair of neighbouring characters, lower-cased, blanks excepted.

    (U+001F, which joins the fields in PostgreSQL's indexed text, is a blank to str.split.)
    """
    found: set[str] = set()
    for value in values:
        for word in (value or "").lower().split():
            found.update(word)
            found.update(map(operator.add, word, word[1:]))
    return found


def gram_token(gram: str) -> str:
    """A gram as one token of FTS5's ascii tokenizer (hex of its UTF-8 bytes)."""
    return gram.encode("utf-8").hex()


def sqlite_grams(subject: str | None, body: str | None, sender: str | None) -> str:
    return " ".join([gram_token(g) for g in grams(subject, body, sender)])


def register_sqlite_functions(connection: sqlite3.Connection) -> None:
    connection.create_function(SQLITE_GRAMS_FUNCTION, 3, sqlite_grams, deterministic=True)


def rowid_range(department_id: int, before_id: int | None) -> tuple[int, int]:
    """The SQLite rowids [low, high) of the department's messages older than before_id."""
    low = department_id * DEPARTMENT_SPAN
    return low, low + (before_id if before_id is not None else DEPARTMENT_SPAN)


def pg_index_name(department_id: int) -> str:
    return f"ix_message_text_trgm_d{int(department_id)}"


def pg_grams_index_name(department_id: int) -> str:
    return f"ix_message_text_grams_d{int(department_id)}"


def pg_department_indexes(department_id: int) -> list[str]:
    """The statements creating one department's two partial indexes (idempotent)."""
    where = f"WHERE department_id = {int(department_id)}"
    return [
        f"CREATE INDEX IF NOT EXISTS {pg_index_name(department_id)} "
        f"ON message USING gin ({PG_TEXT} gin_trgm_ops) {where}",
        f"CREATE INDEX IF NOT EXISTS {pg_grams_index_name(department_id)} "
        f"ON message USING gin ({PG_GRAMS}) {where}",
    ]


def ensure_department(session: Session, department_id: int) -> None:
    """Create the department's partial indexes (PostgreSQL; SQLite needs nothing).

    Building them reads the message table once and holds off message inserts meanwhile
    (a few seconds per million messages); departments are created rarely.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for statement in pg_department_indexes(department_id):
        session.execute(text(statement))
