"""The delivery worker against a real relay sink and the file outbox, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from sqlmodel import col, select

from mailgate import audit
from mailgate.config import Settings
from mailgate.db import session_scope
from mailgate.delivery import queue
from mailgate.delivery.backoff import ceiling, next_delay
from mailgate.delivery.relays import FileOutbox, relay_from_settings
from mailgate.delivery.worker import HASH_MISMATCH, RETRIES_EXHAUSTED, DeliveryWorker
from mailgate.mail.compose import content_hash
from mailgate.models import (
    Blob,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    Message,
    MessageState,
    utcnow,
)
from tests.delivery.conftest import RelaySink
from tests.factories import make_department, make_outbound

SettingsFactory = Callable[..., Settings]
QueueMail = Callable[..., list[int]]
REPO = Path(__file__).resolve().parents[2]
DEPT_ADDRESS = "kosodate@mail.example-city.lg.jp"


def _worker(engine: Engine, settings: Settings, name: str = "w1") -> DeliveryWorker:
    return DeliveryWorker(engine, settings, relay_from_settings(settings), name)


def _delivery(engine: Engine, message_id: int) -> Delivery:
    with session_scope(engine) as session:
        return session.exec(select(Delivery).where(Delivery.message_pk == message_id)).one()


def _message(engine: Engine, message_id: int) -> Message:
    with session_scope(engine) as session:
        message = session.get(Message, message_id)
        assert message is not None
        return message


def _make_all_due(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.execute(update(Delivery).values(next_attempt_at=utcnow() - timedelta(seconds=1)))


def _states(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        counts: dict[str, int] = {}
        for state in session.exec(select(Delivery.state)):
            counts[state] = counts.get(state, 0) + 1
        return counts


async def test_outbox_writes_a_parseable_reply(
    engine: Engine, make_settings: SettingsFactory, tmp_path: Path
) -> None:
    settings = make_settings()
    with session_scope(engine) as session:
        department = make_department(session)
        message = make_outbound(
            session, department, to="taro@example.jp", subject="Re: 保育園の入園について",
            body="山田様\nお問い合わせの件、承知しました。\n", bcc=["kiroku@example.jp"],
            in_reply_to="<q1@example.jp>", references=["<q0@example.jp>", "<q1@example.jp>"],
        )  # fmt: skip
        queue.enqueue(session, message, approved_hash=content_hash(message, []), actor="kacho")
        message_id = message.id or 0

    assert await _worker(engine, settings).run_once() == 1

    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    raw = files[0].read_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    stored = _message(engine, message_id)
    assert parsed["Subject"] == "Re: 保育園の入園について"
    assert parsed["From"].addresses[0].addr_spec == DEPT_ADDRESS
    assert parsed["From"].addresses[0].display_name == "子育て支援課"
    assert parsed["Message-ID"] == stored.message_id_header
    assert parsed["Message-ID"].endswith("@mail.example-city.lg.jp>")
    assert parsed["In-Reply-To"] == "<q1@example.jp>"
    assert parsed["References"].split() == ["<q0@example.jp>", "<q1@example.jp>"]
    assert parsed["Bcc"] is None and b"kiroku" not in raw
    assert stored.state == MessageState.SENT
    # The stored copy is byte for byte what left.
    assert stored.raw_sha256 == hashlib.sha256(raw).hexdigest()
    with session_scope(engine) as session:
        blob = session.get(Blob, stored.raw_sha256)
        assert blob is not None and blob.data == raw
        assert audit.verify(session).intact


async def test_relay_receives_the_right_envelope(
    engine: Engine, make_settings: SettingsFactory, relay_sink: RelaySink, queue_mail: QueueMail
) -> None:
    settings = make_settings(relay_port=relay_sink.port)
    (message_id,) = queue_mail(1, cc=["hanako@example.jp"], bcc=["kiroku@example.jp"])
    assert await _worker(engine, settings).run_once() == 1
    (received,) = relay_sink.received
    assert received.mail_from == DEPT_ADDRESS
    assert received.rcpt_tos == ["taro@example.jp", "hanako@example.jp", "kiroku@example.jp"]
    assert received.message_id == _message(engine, message_id).message_id_header
    assert b"kiroku" not in received.data
    delivery = _delivery(engine, message_id)
    assert delivery.state == "sent" and delivery.last_code == 250
    assert "queued" in (delivery.last_response or "")


async def test_451_defers_then_later_succeeds(
    engine: Engine, make_settings: SettingsFactory, relay_sink: RelaySink, queue_mail: QueueMail
) -> None:
    settings = make_settings(relay_port=relay_sink.port)
    (message_id,) = queue_mail(1)
    worker = _worker(engine, settings)
    relay_sink.answer(rcpt="451 4.3.0 Temporary local problem")
    before = utcnow()
    assert await worker.run_until_idle() == 1  # deferred, not due again yet
    deferred = _delivery(engine, message_id)
    assert deferred.state == "deferred" and deferred.attempts == 1 and deferred.last_code == 451
    assert deferred.next_attempt_at > before
    assert _message(engine, message_id).state == MessageState.DEFERRED

    relay_sink.answer()
    _make_all_due(engine)
    assert await worker.run_until_idle() == 1
    sent = _delivery(engine, message_id)
    assert sent.state == "sent" and sent.attempts == 2
    assert len(relay_sink.received) == 1
    with session_scope(engine) as session:
        outcomes = [a.outcome for a in session.exec(select(DeliveryAttempt))]
        assert sorted(outcomes) == ["deferred", "sent"]


async def test_550_fails_and_keeps_the_reply(
    engine: Engine, make_settings: SettingsFactory, relay_sink: RelaySink, queue_mail: QueueMail
) -> None:
    settings = make_settings(relay_port=relay_sink.port)
    (message_id,) = queue_mail(1)
    relay_sink.answer(data="550 5.7.1 Rejected by content filter")
    await _worker(engine, settings).run_until_idle()
    failed = _delivery(engine, message_id)
    assert failed.state == "failed" and failed.last_code == 550
    assert "550" in (failed.last_response or "")
    assert "Rejected by content filter" in (failed.last_response or "")
    assert _message(engine, message_id).state == MessageState.FAILED


async def test_connection_refused_defers(
    engine: Engine, make_settings: SettingsFactory, relay_sink: RelaySink, queue_mail: QueueMail
) -> None:
    settings = make_settings(relay_port=relay_sink.port)
    (message_id,) = queue_mail(1)
    relay_sink.stop()
    await _worker(engine, settings).run_until_idle()
    deferred = _delivery(engine, message_id)
    assert deferred.state == "deferred" and deferred.attempts == 1 and deferred.last_code is None


async def test_content_changed_after_approval_is_not_sent(
    engine: Engine, make_settings: SettingsFactory, relay_sink: RelaySink, queue_mail: QueueMail
) -> None:
    settings = make_settings(relay_port=relay_sink.port)
    (message_id,) = queue_mail(1)
    with session_scope(engine) as session:
        message = session.get(Message, message_id)
        assert message is not None
        message.text_body += "\n口座番号をお知らせください。"
        session.add(message)
    await _worker(engine, settings).run_until_idle()
    failed = _delivery(engine, message_id)
    assert failed.state == "failed" and failed.last_response == HASH_MISMATCH
    assert relay_sink.received == []


async def test_gives_up_after_the_deadline(
    engine: Engine, make_settings: SettingsFactory, relay_sink: RelaySink, queue_mail: QueueMail
) -> None:
    settings = make_settings(relay_port=relay_sink.port, give_up_after_seconds=60)
    (message_id,) = queue_mail(1)
    with session_scope(engine) as session:
        session.execute(update(Delivery).values(queued_at=utcnow() - timedelta(seconds=61)))
    relay_sink.answer(rcpt="451 4.3.0 Still busy")
    await _worker(engine, settings).run_until_idle()
    failed = _delivery(engine, message_id)
    assert failed.state == "failed" and failed.last_code == 451
    assert (failed.last_response or "").startswith(RETRIES_EXHAUSTED)


async def test_dead_workers_lease_is_reclaimed_and_sent_once(
    engine: Engine, make_settings: SettingsFactory, relay_sink: RelaySink, queue_mail: QueueMail
) -> None:
    settings = make_settings(relay_port=relay_sink.port)
    (message_id,) = queue_mail(1)
    with session_scope(engine) as session:
        queue.claim(session, worker="dead", limit=1, lease_seconds=60)
    worker = _worker(engine, settings, "alive")
    assert await worker.run_once() == 0  # still leased by the dead worker
    with session_scope(engine) as session:
        session.execute(update(Delivery).values(lease_until=utcnow() - timedelta(seconds=1)))
    assert await worker.run_until_idle() == 1
    assert len(relay_sink.received) == 1
    assert _delivery(engine, message_id).state == "sent"


async def test_run_stops_cleanly_and_releases_leases(
    engine: Engine, make_settings: SettingsFactory, relay_sink: RelaySink, queue_mail: QueueMail
) -> None:
    settings = make_settings(relay_port=relay_sink.port)
    worker = _worker(engine, settings)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    queue_mail(5)
    for _ in range(200):
        if len(relay_sink.received) == 5:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 10)
    assert len(relay_sink.received) == 5
    with session_scope(engine) as session:
        assert (
            session.exec(select(Delivery).where(col(Delivery.lease_owner).is_not(None))).all() == []
        )


@pytest.mark.slow
async def test_relay_outage_loses_nothing_and_duplicates_nothing(
    engine: Engine, make_settings: SettingsFactory, relay_sink: RelaySink, queue_mail: QueueMail
) -> None:
    settings = make_settings(relay_port=relay_sink.port, concurrency=8)
    relay_sink.stop()
    ids = queue_mail(200)
    worker = _worker(engine, settings)
    # Full jitter may make a few due again at once; they are simply deferred again.
    while _states(engine).get("queued"):
        await worker.run_once()
    assert _states(engine) == {"deferred": 200}
    assert relay_sink.received == []

    relay_sink.start()  # same port
    _make_all_due(engine)
    assert await worker.run_until_idle() == 200
    assert _states(engine) == {"sent": 200}
    expected = {_message(engine, i).message_id_header for i in ids}
    received = relay_sink.message_ids()
    assert len(received) == 200 and set(received) == expected


CHILD = """
import asyncio, json, sys
from mailgate.config import Settings
from mailgate.db import make_engine
from mailgate.delivery.backoff import ceiling, next_delay
from mailgate.delivery.relays import FileOutbox, relay_from_settings
from mailgate.delivery.worker import DeliveryWorker

settings = Settings.model_validate(json.loads(sys.argv[1]))
engine = make_engine(settings.database_url)
worker = DeliveryWorker(engine, settings, relay_from_settings(settings), sys.argv[2])
print(asyncio.run(worker.run_until_idle()))
engine.dispose()
"""


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_four_worker_processes_never_send_twice(
    engine: Engine, make_settings: SettingsFactory, relay_sink: RelaySink, queue_mail: QueueMail
) -> None:
    settings = make_settings(relay_port=relay_sink.port, concurrency=4)
    ids = queue_mail(500)
    config = json.dumps(settings.model_dump(mode="json"))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, config, f"worker-{n}"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(4)
    ]
    processed = []
    for process in workers:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-2000:]
        processed.append(int(out.strip().splitlines()[-1]))
    assert time.monotonic() - started < 60
    received = relay_sink.message_ids()
    assert len(received) == 500
    assert len(set(received)) == 500
    assert set(received) == {_message(engine, i).message_id_header for i in ids}
    assert sum(processed) == 500
    assert _states(engine) == {"sent": 500}
    # Several processes took part, so the claims really did race each other.
    assert sum(count > 0 for count in processed) >= 2, processed


async def test_all_recipients_refused_is_permanent(
    engine: Engine, make_settings: SettingsFactory, relay_sink: RelaySink, queue_mail: QueueMail
) -> None:
    settings = make_settings(relay_port=relay_sink.port)
    (message_id,) = queue_mail(1)
    relay_sink.answer(rcpt="550 5.1.1 No such user")
    await _worker(engine, settings).run_until_idle()
    failed = _delivery(engine, message_id)
    assert failed.state == "failed" and failed.last_code == 550
    assert "No such user" in (failed.last_response or "")


async def test_outbox_rewrites_the_same_file_on_retry(tmp_path: Path) -> None:
    outbox = FileOutbox(tmp_path / "outbox")
    raw = b"Message-ID: <a/b..c@mail.example-city.lg.jp>\r\nSubject: x\r\n\r\nbody\r\n"
    first = await outbox.send(raw, DEPT_ADDRESS, ["taro@example.jp"])
    second = await outbox.send(raw, DEPT_ADDRESS, ["taro@example.jp"])
    assert first == second
    files = list((tmp_path / "outbox").iterdir())
    assert [f.name for f in files] == ["a_b..c@mail.example-city.lg.jp.eml"]
    assert files[0].read_bytes() == raw


@pytest.mark.parametrize("attempts", [1, 2, 3, 7, 40])
def test_backoff_is_full_jitter_below_a_capped_ceiling(attempts: int) -> None:
    rng = random.Random(attempts)
    limit = ceiling(attempts, 60, 3600)
    assert limit == min(3600, 60 * 2 ** (attempts - 1))
    delays = [next_delay(attempts, 60, 3600, rng) for _ in range(50)]
    assert all(0 <= d <= limit for d in delays)
    assert len(set(delays)) > 1  # jittered, not a fixed schedule


async def test_unexpected_relay_error_is_deferred_not_looped(
    engine, make_settings, queue_mail
) -> None:
    class BrokenRelay:
        name = "broken"

        async def send(self, raw: bytes, mail_from: str, recipients: list[str]) -> str:
            raise ValueError("bug in the relay code")

    (message_id,) = queue_mail(1)
    worker = DeliveryWorker(engine, make_settings(), BrokenRelay(), "w-broken")
    assert await worker.run_once() == 1
    with session_scope(engine) as session:
        delivery = session.exec(select(Delivery).where(Delivery.message_pk == message_id)).one()
        attempts = session.exec(
            select(DeliveryAttempt).where(DeliveryAttempt.delivery_id == delivery.id)
        ).all()
    assert delivery.state == DeliveryState.DEFERRED and delivery.lease_owner is None
    assert [a.outcome for a in attempts] == ["deferred"]
    assert "unexpected error: ValueError" in (delivery.last_response or "")
