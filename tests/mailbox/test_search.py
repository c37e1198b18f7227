"""Search on both engines: trigram terms over everything, short terms over the newest window."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from mailgate.db import session_scope
from mailgate.mailbox import search as search_module
from mailgate.mailbox import text_index
from mailgate.mailbox.search import search
from mailgate.models import Department, Message
from tests.factories import make_department, make_outbound


def _fill(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as session:
        own = make_department(session)
        other = make_department(session, "kankyo", ("kankyo@mail.example-city.lg.jp",))
        bodies = [
            "擁壁の相談です",
            "保育園の申込",
            "児童手当について",
            "保育園の見学",
            "窓口の時間",
        ]
        for i, body in enumerate(bodies):
            make_outbound(session, own, to=f"r{i}@example.jp", subject=f"件名{i}", body=body)
        make_outbound(session, other, to="x@example.jp", subject="擁壁", body="擁壁の工事")
        return own.id or 0, other.id or 0


def test_terms_of_any_length_search_all_of_the_department_newest_first(engine: Engine) -> None:
    own, other = _fill(engine)
    with session_scope(engine) as session:
        hits = search(session, department_id=own, query="保育園")
        assert [h.snippet.count("保育園") for h in hits] == [1, 1]
        assert hits[0].message_id > hits[1].message_id
        assert (
            search(session, department_id=own, query="保育園", before_id=hits[0].message_id)[
                0
            ].message_id
            == hits[1].message_id
        )
        # One and two characters are indexed too: the oldest message is found.
        assert len(search(session, department_id=own, query="擁壁の")) == 1
        assert len(search(session, department_id=own, query="擁壁")) == 1
        assert len(search(session, department_id=own, query="擁")) == 1
        assert len(search(session, department_id=own, query="保育")) == 2
        assert [h.message_id for h in search(session, department_id=own, query="保")] == [
            h.message_id for h in search(session, department_id=own, query="保育")
        ]
        assert len(search(session, department_id=other, query="擁壁")) == 1
        assert search(session, department_id=own, query="工事") == []


def test_short_terms_match_like_substrings(engine: Engine) -> None:
    with session_scope(engine) as session:
        own = make_department(session)
        make_outbound(session, own, to="a@example.jp", subject="Re: ABC", body="本文の終わりは愛")
        make_outbound(session, own, to="b@example.jp", subject="件名", body="末尾に空白 \n")
        own_id = own.id or 0
    with session_scope(engine) as session:

        def found(term: str) -> int:
            return len(search(session, department_id=own_id, query=term))

        assert found("bc") == 1 and found("BC") == 1 and found("Bc") == 1  # any case
        assert found("は愛") == 1 and found("愛") == 1  # at the very end of the body
        # Not across the end of the subject and the start of the body, nor across fields.
        assert found("C本") == 0 and found("名末") == 0
        assert found("%") == 0 and found("_") == 0  # no wildcards
        assert found("@m") == 2  # the sender address is searched too


def test_a_term_of_another_department_is_not_found(engine: Engine) -> None:
    own, other = _fill(engine)
    with session_scope(engine) as session:
        assert search(session, department_id=own, query="擁壁の工事") == []
        assert [h.subject for h in search(session, department_id=other, query="擁壁の工事")] == [
            "擁壁"
        ]
        # The sender address is searched too, within the department only.
        assert len(search(session, department_id=other, query="kankyo@")) == 1
        assert search(session, department_id=own, query="kankyo@") == []


def test_edited_text_replaces_the_old_text_in_the_index(engine: Engine) -> None:
    own, _ = _fill(engine)
    with session_scope(engine) as session:
        department = session.get(Department, own)
        assert department is not None
        draft = make_outbound(
            session, department, to="a@example.jp", subject="下書き", body="最初の文面です"
        )
        draft_id = draft.id
    with session_scope(engine) as session:
        draft = session.get(Message, draft_id)
        assert draft is not None
        draft.text_body = "書き直した文面です"
        session.add(draft)
    with session_scope(engine) as session:
        assert search(session, department_id=own, query="最初の文面") == []
        assert [h.message_id for h in search(session, department_id=own, query="書き直した")] == [
            draft_id
        ]


@pytest.mark.parametrize("term", ["粗大ごみ", "窓口の時間", "存在しない語"])
def test_pages_walk_every_hit_newest_first(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, term: str
) -> None:
    # A tiny PostgreSQL probe and sample, so that pages take every path: all hits from the
    # probe (rare terms), walking (dense ones), the index after the sample (sparse ones).
    # SQLite has neither: the same pages, its own way.
    monkeypatch.setattr(search_module, "PG_PROBE", 3)
    monkeypatch.setattr(search_module, "PG_SAMPLE", 2)
    with session_scope(engine) as session:
        own = make_department(session)
        other = make_department(session, "kankyo", ("kankyo@mail.example-city.lg.jp",))
        expected = []
        for i in range(60):
            department = own if i % 3 else other
            body = "粗大ごみの回収日" if i % 7 in (0, 1) else "窓口の時間"
            message = make_outbound(
                session, department, to=f"r{i}@example.jp", subject=f"件名{i}", body=body
            )
            if department is own and term in body:
                expected.append(message.id)
        own_id = own.id or 0
    expected.reverse()
    with session_scope(engine) as session:
        seen: list[int] = []
        before = None
        while True:
            page = search(session, department_id=own_id, query=term, before_id=before, limit=3)
            if not page:
                break
            seen.extend(h.message_id for h in page)
            before = page[-1].message_id
    assert seen == expected


def test_the_department_text_indexes_serve_the_search(engine: Engine) -> None:
    own, _ = _fill(engine)
    with engine.connect() as conn, conn.begin() as transaction:
        if engine.dialect.name == "sqlite":
            low, high = text_index.rowid_range(own, None)
            # (M3/M1: the MATCH on the hidden column after the table's 3 or 1 columns)
            for table, match, hidden in (
                ("message_fts", '"保育園"', 3),
                ("message_grams", '"e4bf9d"', 1),
            ):
                plan = conn.execute(
                    text("EXPLAIN QUERY PLAN " + search_module._FTS_DEPARTMENT.format(table=table)),
                    {"q": match, "low": low, "high": high, "limit": 50},
                ).all()
                # FTS5 takes the MATCH and both rowid bounds itself: other departments unread.
                assert [row[-1] for row in plan] == [
                    f"SCAN {table} VIRTUAL TABLE INDEX 192:M{hidden}><"
                ], plan
            return
        # Which plan wins depends on the table's size (bench/inbox_scale.py --explain shows it
        # at scale); what must hold is that the department's partial indexes match the
        # search's tests. The small btree paths are dropped inside this transaction (rolled
        # back) so that the planner shows whether it can use the indexes at all.
        for index in (
            "ix_message_department_recent",
            "ix_message_department_id",
            "ix_message_queue",
        ):
            conn.execute(text(f"DROP INDEX {index}"))
        conn.execute(
            text("ALTER TABLE message DROP CONSTRAINT message_department_id_dedupe_key_key")
        )
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plans = {
            index: conn.execute(
                text(f"EXPLAIN SELECT id FROM message WHERE {match}"),
                {"department_id": own, **params},
            ).all()
            for index, match, params in (
                (text_index.pg_index_name(own), search_module.PG_MATCH, {"pattern": "%保育園%"}),
                (
                    text_index.pg_grams_index_name(own),
                    search_module.PG_GRAMS_MATCH,
                    {"gram": "保育"},
                ),
            )
        }
        transaction.rollback()
    for index, plan in plans.items():
        assert any(index in row[0] for row in plan), plan
