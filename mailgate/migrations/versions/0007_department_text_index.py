"""department text index: the department inside the search indexes, and short terms indexed

A search that is frequent in other departments but absent from this one read every hit
of the shared index and threw it away (1,000,000 messages: SQLite 15 ms, PostgreSQL
about 1 s as its planner walked the primary key), and terms of one or two characters had
no index at all (they searched only the newest 5,000 messages). Both costs grew with the
whole database (docs/performance.md, "Web inbox at scale").

SQLite: the FTS5 trigram table becomes contentless, keyed by
department_id * 2**40 + message id, so each department's documents form one rowid range
in every posting list; a second contentless FTS5 table holds each message's "grams"
(every character and pair of characters, as hex tokens, no positions) under the same key,
computed by the function mailgate_grams that mailgate.db registers on every connection.
PostgreSQL: per department, a partial pg_trgm index over subject, body and sender joined
by U+001F (which no query contains) and a partial GIN index over mailgate_grams() of the
same text, replacing the three shared trigram indexes; plus a (department_id, id) index
for reading a department's ids newest first. mailgate.mailbox.text_index creates the
per-department indexes for departments made later.

Rebuilding reads every message once (SQLite: about 6 minutes per million messages here;
PostgreSQL: about a minute per 100,000 messages of a department).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 03:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept in step with mailgate/mailbox/text_index.py (a migration does not import the app, so
# that later changes to the app cannot change what this migration did).
_KEY = "{row}.department_id * 1099511627776 + {row}.id"
_COLUMNS = "subject, text_body, from_address"
_VALUES = "{row}.subject, {row}.text_body, {row}.from_address"
_PG_TEXT = "(subject || E'\\x1f' || text_body || E'\\x1f' || from_address)"
_PG_GRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION mailgate_grams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT regexp_split_to_array(l, '')
      || ARRAY(SELECT (regexp_matches(l, '..', 'g'))[1])
      || ARRAY(SELECT (regexp_matches(substr(l, 2), '..', 'g'))[1])
  FROM (SELECT lower(value) AS l) AS lowered
$$"""


def _sqlite_statements(row: str) -> tuple[str, str]:
    """Index one message (`row` is new, old or message) in both tables: insert, delete."""
    key, values = _KEY.format(row=row), _VALUES.format(row=row)
    grams = f"mailgate_grams({values})"
    insert = (
        f"INSERT INTO message_fts(rowid, {_COLUMNS}) VALUES ({key}, {values}); "
        f"INSERT INTO message_grams(rowid, grams) VALUES ({key}, {grams});"
    )
    # A contentless table forgets a row only when given the exact values it indexed.
    delete = (
        f"INSERT INTO message_fts(message_fts, rowid, {_COLUMNS}) "
        f"VALUES ('delete', {key}, {values}); "
        f"INSERT INTO message_grams(message_grams, rowid, grams) "
        f"VALUES ('delete', {key}, {grams});"
    )
    return insert, delete


def _drop_sqlite() -> None:
    for name in ("message_fts_ai", "message_fts_ad", "message_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS message_fts")
    op.execute("DROP TABLE IF EXISTS message_grams")


def _upgrade_sqlite() -> None:
    _drop_sqlite()
    op.execute(
        f"CREATE VIRTUAL TABLE message_fts USING fts5({_COLUMNS}, content='', tokenize='trigram')"
    )
    op.execute(
        "CREATE VIRTUAL TABLE message_grams USING fts5("
        "grams, content='', detail='none', tokenize='ascii')"
    )
    insert, _ = _sqlite_statements("new")
    _, delete = _sqlite_statements("old")
    op.execute(f"CREATE TRIGGER message_fts_ai AFTER INSERT ON message BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER message_fts_ad AFTER DELETE ON message BEGIN {delete} END")
    op.execute(
        "CREATE TRIGGER message_fts_au AFTER UPDATE OF "
        f"subject, text_body, from_address, department_id ON message BEGIN {delete} {insert} END"
    )
    key, values = _KEY.format(row="message"), _VALUES.format(row="message")
    op.execute(f"INSERT INTO message_fts(rowid, {_COLUMNS}) SELECT {key}, {values} FROM message")
    op.execute(
        f"INSERT INTO message_grams(rowid, grams) SELECT {key}, mailgate_grams({values}) "
        "FROM message"
    )


def _department_indexes(department_id: int) -> list[str]:
    where = f"WHERE department_id = {department_id}"
    return [
        f"CREATE INDEX IF NOT EXISTS ix_message_text_trgm_d{department_id} "
        f"ON message USING gin ({_PG_TEXT} gin_trgm_ops) {where}",
        f"CREATE INDEX IF NOT EXISTS ix_message_text_grams_d{department_id} "
        f"ON message USING gin (mailgate_grams({_PG_TEXT})) {where}",
    ]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _upgrade_sqlite()
        return
    for name in ("ix_message_subject_trgm", "ix_message_body_trgm", "ix_message_from_trgm"):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute(_PG_GRAMS_FUNCTION)
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_message_department_recent ON message (department_id, id)"
    )
    for (department_id,) in bind.exec_driver_sql("SELECT id FROM department").fetchall():
        for statement in _department_indexes(int(department_id)):
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _drop_sqlite()
        # Migration 0004's external-content table and triggers.
        op.execute(
            f"CREATE VIRTUAL TABLE message_fts USING fts5({_COLUMNS}, content='message', "
            "content_rowid='id', tokenize='trigram')"
        )
        new, old = _VALUES.format(row="new"), _VALUES.format(row="old")
        insert = f"INSERT INTO message_fts(rowid, {_COLUMNS}) VALUES (new.id, {new});"
        delete = (
            f"INSERT INTO message_fts(message_fts, rowid, {_COLUMNS}) "
            f"VALUES ('delete', old.id, {old});"
        )
        op.execute(f"CREATE TRIGGER message_fts_ai AFTER INSERT ON message BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER message_fts_ad AFTER DELETE ON message BEGIN {delete} END")
        op.execute(
            "CREATE TRIGGER message_fts_au AFTER UPDATE OF subject, text_body, from_address "
            f"ON message BEGIN {delete} {insert} END"
        )
        op.execute("INSERT INTO message_fts(message_fts) VALUES ('rebuild')")
        return
    for (department_id,) in bind.exec_driver_sql("SELECT id FROM department").fetchall():
        op.execute(f"DROP INDEX IF EXISTS ix_message_text_trgm_d{int(department_id)}")
        op.execute(f"DROP INDEX IF EXISTS ix_message_text_grams_d{int(department_id)}")
    op.execute("DROP INDEX IF EXISTS ix_message_department_recent")
    op.execute("DROP FUNCTION IF EXISTS mailgate_grams(text)")
    for column, name in (("subject", "subject"), ("text_body", "body"), ("from_address", "from")):
        op.execute(
            f"CREATE INDEX ix_message_{name}_trgm ON message USING gin ({column} gin_trgm_ops)"
        )
