"""Migration 0007 rebuilds the search index from the mail already stored, on both engines."""

from __future__ import annotations

from sqlalchemy import text

from mailgate.db import make_engine, session_scope, upgrade
from mailgate.mailbox import text_index
from mailgate.mailbox.search import search
from mailgate.models import Department, DepartmentAddress
from tests.factories import make_outbound


def test_mail_stored_before_0007_is_found_after_it(unmigrated_url: str) -> None:
    engine = make_engine(unmigrated_url)
    try:
        upgrade(engine, "0006")
        with session_scope(engine) as session:
            # Made as before 0007: no per-department index yet.
            old, other = (
                Department(slug="kosodate", name="子育て支援課"),
                Department(slug="kankyo", name="環境保全課"),
            )
            session.add_all([old, other])
            session.flush()
            for department in (old, other):
                session.add(
                    DepartmentAddress(
                        department_id=department.id or 0,
                        address=f"{department.slug}@example-city.jp",
                    )
                )
            session.flush()
            kept = make_outbound(
                session, old, to="a@example.jp", subject="保育園", body="保育園の申込について"
            )
            make_outbound(session, other, to="b@example.jp", subject="ごみ", body="粗大ごみの回収")
            old_id, other_id, kept_id = old.id or 0, other.id or 0, kept.id
        upgrade(engine)
        with session_scope(engine) as session:
            assert [
                h.message_id for h in search(session, department_id=old_id, query="保育園の")
            ] == [kept_id]
            assert search(session, department_id=old_id, query="粗大ごみ") == []
            assert [h.message_id for h in search(session, department_id=old_id, query="申込")] == [
                kept_id
            ]
            assert search(session, department_id=old_id, query="粗大") == []
            assert len(search(session, department_id=other_id, query="粗大ごみ")) == 1
            if engine.dialect.name == "postgresql":
                names = set(
                    session.execute(
                        text("SELECT indexname FROM pg_indexes WHERE tablename = 'message'")
                    ).scalars()
                )
                for department_id in (old_id, other_id):
                    assert text_index.pg_index_name(department_id) in names
                    assert text_index.pg_grams_index_name(department_id) in names
                assert not names & {"ix_message_subject_trgm", "ix_message_body_trgm"}
    finally:
        engine.dispose()
