"""Sent fingerprints in the database (SQLite and PostgreSQL), feeding the bulk rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, inspect
from sqlmodel import Session, select

from mailgate.db import session_scope
from mailgate.models import Department, SentFingerprint
from mailgate.policy import fingerprint, structure
from mailgate.policy.history import prune, recent_sends, record_send
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.rules.base import Resources
from mailgate.policy.rules.bulk_send import BulkSendConfig, BulkSendRule
from mailgate.policy.units import TextUnit
from mailgate.resources import data_dir
from tests.factories import make_department, make_outbound

BODY = (
    "{name} 様\n\n清掃課の原です。\n"
    "来週水曜日の資源回収は、祝日のため木曜日に変更になります。\n"
    "回収場所と時間はこれまでと同じです。ご理解とご協力をお願いいたします。\n"
)


def test_migration_creates_the_table_and_index(engine: Engine) -> None:
    inspector = inspect(engine)
    assert "sent_fingerprint" in inspector.get_table_names()
    indexes = {ix["name"]: ix["column_names"] for ix in inspector.get_indexes("sent_fingerprint")}
    assert indexes["ix_sent_fingerprint_recent"] == ["department_id", "created_at"]


def send(session: Session, department_id: int, counterpart: str, body: str, at: datetime,
         message_pk: int | None = None) -> None:  # fmt: skip
    record_send(
        session,
        department_id=department_id,
        message_pk=message_pk,
        counterpart=counterpart,
        body=body,
        at=at,
    )


def new_department(session: Session, slug: str = "kosodate") -> int:
    department = make_department(session, slug=slug, addresses=[f"{slug}@mail.example-city.lg.jp"])
    assert department.id is not None
    return department.id


def test_record_and_load_recent_sends(engine: Engine) -> None:
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        department_id = new_department(session)
        other_id = new_department(session, "kankyo")
        department = session.get(Department, department_id)
        assert department is not None
        message = make_outbound(session, department, to="a@example.jp", subject="s", body="b")
        message_pk = message.id
        send(
            session,
            department_id,
            "A@Example.jp",
            BODY.format(name="一"),
            now - timedelta(hours=2),
            message_pk,
        )
        send(
            session, department_id, "b@example.jp", BODY.format(name="二"), now - timedelta(hours=1)
        )
        send(
            session,
            department_id,
            "old@example.jp",
            BODY.format(name="三"),
            now - timedelta(hours=30),
        )
        send(session, other_id, "c@example.jp", BODY.format(name="四"), now)

    with session_scope(engine) as session:
        sends = recent_sends(
            session, department_id=department_id, window=timedelta(hours=24), now=now
        )
        stored = session.exec(select(SentFingerprint)).all()

    assert [s.counterpart for s in sends] == ["a@example.jp", "b@example.jp"]
    assert sends[0].message_id == str(message_pk)
    assert sends[1].message_id.startswith("fp-")
    assert sends[0].sent_at.tzinfo is not None
    assert len(sends[0].signature) == fingerprint.NUM_PERM
    assert fingerprint.similarity(sends[0].signature, sends[1].signature) >= 0.8
    # Only the signature is stored, never the text.
    assert all("資源回収" not in str(row.signature) for row in stored)


def test_history_feeds_the_bulk_rule(engine: Engine) -> None:
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        department_id = new_department(session)
        for i in range(5):
            at = now - timedelta(minutes=10 * (i + 1))
            send(session, department_id, f"r{i}@example.jp", BODY.format(name=f"住民{i}"), at)
    config = BulkSendConfig()
    with session_scope(engine) as session:
        priors = recent_sends(session, department_id=department_id, window=config.window)
    body = BODY.format(name="住民9")
    mail = OutgoingMail(subject="", body=body, to=["r9@example.jp"], prior_sends=priors)
    rule = BulkSendRule(config, Resources(data_dir("policies")))
    units = [TextUnit("body", body, structure=structure.analyse(body))]
    [finding] = rule.find(mail, units)
    assert finding.entity_type == "NEAR_DUPLICATE"
    assert len(finding.detail["message_ids"]) == 5


def test_prune_removes_old_fingerprints(engine: Engine) -> None:
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        department_id = new_department(session)
        for hours in (1, 50, 100):
            send(session, department_id, "x@example.jp", "本文", now - timedelta(hours=hours))
    with session_scope(engine) as session:
        assert prune(session, older_than=timedelta(hours=48), now=now) == 2
    with session_scope(engine) as session:
        assert len(session.exec(select(SentFingerprint)).all()) == 1
