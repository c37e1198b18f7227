"""Search on both engines: trigram terms over everything, short terms over the newest window."""

from __future__ import annotations

from sqlalchemy import Engine

from mailgate.db import session_scope
from mailgate.mailbox.search import is_short, search
from tests.factories import make_department, make_outbound


def _fill(engine: Engine) -> tuple[int, int]:
    with session_scope(engine) as session:
        own = make_department(session)
        other = make_department(session, "kankyo", ("kankyo@mail.example-city.lg.jp",))
        bodies = ["擁壁の相談です", "保育園の申込", "児童手当について", "保育園の見学", "窓口の時間"]
        for i, body in enumerate(bodies):
            make_outbound(session, own, to=f"r{i}@example.jp", subject=f"件名{i}", body=body)
        make_outbound(session, other, to="x@example.jp", subject="擁壁", body="擁壁の工事")
        return own.id or 0, other.id or 0


def test_three_characters_search_everything_of_the_department_newest_first(
    engine: Engine,
) -> None:
    own, _ = _fill(engine)
    with session_scope(engine) as session:
        hits = search(session, department_id=own, query="保育園", short_window=2)
        assert [h.snippet.count("保育園") for h in hits] == [1, 1]
        assert hits[0].message_id > hits[1].message_id
        # The window does not apply to trigram searches: the oldest message is found too.
        assert len(search(session, department_id=own, query="擁壁の", short_window=2)) == 1
        assert search(session, department_id=own, query="保育園", before_id=hits[0].message_id)[
            0
        ].message_id == hits[1].message_id


def test_short_terms_search_only_the_newest_window(engine: Engine) -> None:
    own, other = _fill(engine)
    with session_scope(engine) as session:
        assert is_short("擁壁") and not is_short("擁壁の")
        # 擁壁 is in the department's oldest message: outside a window of the newest 3.
        assert search(session, department_id=own, query="擁壁", short_window=3) == []
        assert len(search(session, department_id=own, query="擁壁", short_window=5)) == 1
        assert len(search(session, department_id=own, query="保育", short_window=3)) == 1
        assert len(search(session, department_id=other, query="擁壁", short_window=3)) == 1
