"""The outbound queue on both engines: enqueue, claim under lease, results only from the owner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from mailgate import audit
from mailgate.db import session_scope
from mailgate.delivery import queue
from mailgate.mail.compose import content_hash
from mailgate.models import (
    AuditEvent,
    Delivery,
    DeliveryAttempt,
    Direction,
    Message,
    MessageState,
    utcnow,
)
from tests.factories import make_department, make_outbound


def _delivery(engine: Engine, message_id: int) -> Delivery:
    with session_scope(engine) as session:
        row = session.exec(select(Delivery).where(Delivery.message_pk == message_id)).one()
        return row


def _message(engine: Engine, message_id: int) -> Message:
    with session_scope(engine) as session:
        message = session.get(Message, message_id)
        assert message is not None
        return message


def test_enqueue_queues_and_audits(engine: Engine) -> None:
    with session_scope(engine) as session:
        department = make_department(session)
        message = make_outbound(
            session, department, to="taro@example.jp", subject="件名", body="本文"
        )
        digest = content_hash(message, [])
        delivery = queue.enqueue(
            session, message, approved_hash=digest, actor="kacho", actor_id=None
        )
        assert delivery.state == "queued" and delivery.approved_hash == digest
        message_id = message.id or 0
    assert _message(engine, message_id).state == MessageState.QUEUED
    with session_scope(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "delivery.queued")).one()
        assert event.actor == "kacho" and event.object_id == str(message_id)
        assert audit.verify(session).intact


def test_enqueue_refuses_inbound_and_double_queueing(engine: Engine) -> None:
    with session_scope(engine) as session:
        department = make_department(session)
        message = make_outbound(
            session, department, to="taro@example.jp", subject="件名", body="本文"
        )
        digest = content_hash(message, [])
        queue.enqueue(session, message, approved_hash=digest, actor="kacho")
        with pytest.raises(queue.QueueError, match="already"):
            queue.enqueue(session, message, approved_hash=digest, actor="kacho")
        inbound = make_outbound(session, department, to="taro@example.jp", subject="受信", body="x")
        inbound.direction = Direction.INBOUND
        with pytest.raises(queue.QueueError, match="not outgoing"):
            queue.enqueue(session, inbound, approved_hash=digest, actor="kacho")


def test_claim_leases_due_rows_once(engine: Engine, queue_mail: Callable[..., list[int]]) -> None:
    ids = queue_mail(3)
    with session_scope(engine) as session:
        first = queue.claim(session, worker="w1", limit=2, lease_seconds=60)
    with session_scope(engine) as session:
        second = queue.claim(session, worker="w2", limit=10, lease_seconds=60)
    with session_scope(engine) as session:
        third = queue.claim(session, worker="w3", limit=10, lease_seconds=60)
    assert [d.message_pk for d in first] == ids[:2]  # oldest due first
    assert [d.message_pk for d in second] == ids[2:]
    assert third == []
    assert {d.lease_owner for d in first} == {"w1"}


def test_claim_skips_rows_not_yet_due(engine: Engine, queue_mail: Callable[..., list[int]]) -> None:
    (message_id,) = queue_mail(1)
    with session_scope(engine) as session:
        delivery = session.exec(select(Delivery)).one()
        delivery.next_attempt_at = utcnow() + timedelta(minutes=5)
        session.add(delivery)
    with session_scope(engine) as session:
        assert queue.claim(session, worker="w1", limit=10, lease_seconds=60) == []
    later = utcnow() + timedelta(minutes=6)
    with session_scope(engine) as session:
        assert len(queue.claim(session, worker="w1", limit=10, lease_seconds=60, now=later)) == 1


def test_expired_lease_is_reclaimed_and_old_owner_is_ignored(
    engine: Engine, queue_mail: Callable[..., list[int]]
) -> None:
    (message_id,) = queue_mail(1)
    with session_scope(engine) as session:
        (delivery,) = queue.claim(session, worker="slow", limit=1, lease_seconds=60)
    delivery_id = delivery.id or 0
    after_expiry = utcnow() + timedelta(seconds=61)
    with session_scope(engine) as session:
        taken = queue.claim(session, worker="fresh", limit=1, lease_seconds=60, now=after_expiry)
        assert [d.id for d in taken] == [delivery_id]
    with session_scope(engine) as session:
        applied = queue.mark_failed(
            session, delivery_id, worker="slow", response="550 late", code=550
        )
        assert applied is False
    with session_scope(engine) as session:
        assert queue.mark_sent(session, delivery_id, worker="fresh", response="250 ok", relay="r")
    delivery = _delivery(engine, message_id)
    assert delivery.state == "sent" and delivery.attempts == 1 and delivery.lease_owner is None
    assert _message(engine, message_id).state == MessageState.SENT
    with session_scope(engine) as session:
        attempts = session.exec(select(DeliveryAttempt)).all()
        assert [(a.outcome, a.worker) for a in attempts] == [("sent", "fresh")]


def test_deferred_then_failed_records_each_attempt(
    engine: Engine, queue_mail: Callable[..., list[int]]
) -> None:
    (message_id,) = queue_mail(1)
    with session_scope(engine) as session:
        (delivery,) = queue.claim(session, worker="w", limit=1, lease_seconds=60)
    delivery_id = delivery.id or 0
    before = utcnow()
    with session_scope(engine) as session:
        assert queue.mark_deferred(
            session, delivery_id, worker="w", response="451 later", relay="r", delay=30, code=451
        )
    deferred = _delivery(engine, message_id)
    assert deferred.state == "deferred" and deferred.attempts == 1 and deferred.last_code == 451
    assert deferred.next_attempt_at >= before + timedelta(seconds=30)
    assert _message(engine, message_id).state == MessageState.DEFERRED
    with session_scope(engine) as session:
        (again,) = queue.claim(
            session, worker="w", limit=1, lease_seconds=60, now=utcnow() + timedelta(seconds=31)
        )
        assert queue.mark_failed(session, delivery_id, worker="w", response="550 no", code=550)
    failed = _delivery(engine, message_id)
    assert failed.state == "failed" and failed.attempts == 2 and failed.finished_at is not None
    with session_scope(engine) as session:
        actions = session.exec(
            select(AuditEvent.action)
            .order_by(col(AuditEvent.id))
            .where(col(AuditEvent.action).startswith("delivery."))
        ).all()
        assert actions == ["delivery.queued", "delivery.deferred", "delivery.failed"]
        # A finished delivery is never claimed again.
        later = utcnow() + timedelta(days=30)
        assert queue.claim(session, worker="w", limit=5, lease_seconds=60, now=later) == []


def test_release_hands_leases_back(engine: Engine, queue_mail: Callable[..., list[int]]) -> None:
    queue_mail(2)
    with session_scope(engine) as session:
        assert len(queue.claim(session, worker="stopping", limit=5, lease_seconds=600)) == 2
    with session_scope(engine) as session:
        assert queue.release(session, "stopping") == 2
    with session_scope(engine) as session:
        assert len(queue.claim(session, worker="other", limit=5, lease_seconds=600)) == 2
