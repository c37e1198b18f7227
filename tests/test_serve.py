"""`mailgate serve` as a real process with all roles: in via SMTP, out via the file outbox, SIGTERM."""

from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from mailgate.db import make_engine, session_scope
from mailgate.delivery.queue import enqueue
from mailgate.mail.compose import content_hash
from mailgate.models import Department, Message, MessageState, Reception, ReceptionState
from tests.factories import make_department, make_outbound

DEPT = "kosodate@mail.example-city.lg.jp"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(predicate, timeout: float = 30.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Running:
    def __init__(
        self, process: subprocess.Popen[bytes], smtp_port: int, web_port: int, outbox: Path
    ) -> None:
        self.process, self.smtp_port, self.web_port, self.outbox = (
            process,
            smtp_port,
            web_port,
            outbox,
        )


@pytest.fixture
def running(db_url: str, tmp_path: Path) -> Iterator[Running]:
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        make_department(session)
    engine.dispose()
    smtp_port, web_port = free_port(), free_port()
    env = {
        **os.environ,
        "MAILGATE_DATABASE_URL": db_url,
        "MAILGATE_DATA_DIR": str(tmp_path),
        "MAILGATE_SMTP_PORT": str(smtp_port),
        "MAILGATE_WEB_PORT": str(web_port),
        "MAILGATE_SMTP_HOSTNAME": "mx.test",
        "MAILGATE_MAIL_DOMAIN": "mail.example-city.lg.jp",
        "MAILGATE_DELIVERY_POLL_SECONDS": "0.2",
    }
    env.pop("MAILGATE_CONFIG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "mailgate", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{web_port}/healthz", timeout=1
            ) as response:
                return json.load(response)["status"] == "ok"
        except OSError:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            return False

    wait_for(healthy, what="health endpoint")
    yield Running(process, smtp_port, web_port, tmp_path / "outbox")
    if process.poll() is None:
        process.kill()
        process.wait()


def test_mail_in_and_out_through_one_process(running: Running, db_url: str) -> None:
    inbound = (
        "From: 山田 太郎 <yamada@example.jp>\r\nTo: " + DEPT + "\r\nSubject: 児童館について\r\n"
        "Message-ID: <q-1@example.jp>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n開館時間を教えてください。\r\n"
    ).encode()
    with smtplib.SMTP("127.0.0.1", running.smtp_port, timeout=10) as client:
        client.sendmail("yamada@example.jp", [DEPT], inbound)
    engine = make_engine(db_url)

    def filed() -> Message | None:
        with session_scope(engine) as session:
            return session.exec(
                select(Message).where(Message.message_id_header == "<q-1@example.jp>")
            ).first()

    question = wait_for(filed, what="inbound filing")
    with session_scope(engine) as session:
        department = session.exec(select(Department)).one()
        reply = make_outbound(
            session,
            department,
            to="yamada@example.jp",
            subject="Re: 児童館について",
            body="開館時間は9時から17時です。",
            in_reply_to="<q-1@example.jp>",
            references=["<q-1@example.jp>"],
        )
        enqueue(session, reply, approved_hash=content_hash(reply, []), actor="test")
        reply_id = reply.id

    files = wait_for(lambda: list(running.outbox.glob("*.eml")), what="outbox file")
    sent = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert sent["From"].addresses[0].addr_spec == DEPT
    assert sent["In-Reply-To"] == "<q-1@example.jp>"
    assert sent["Subject"] == "Re: 児童館について"
    assert "開館時間は9時から17時です。" in sent.get_content()

    def state() -> str:
        with session_scope(engine) as session:
            message = session.get(Message, reply_id)
            return message.state if message else ""

    wait_for(lambda: state() == MessageState.SENT, what="sent state")
    with session_scope(engine) as session:
        assert session.get(Message, reply_id).thread_id == question.thread_id  # type: ignore[union-attr]
    engine.dispose()


def test_sigterm_lets_an_open_transaction_finish_then_exits(running: Running, db_url: str) -> None:
    client = smtplib.SMTP("127.0.0.1", running.smtp_port, timeout=10)
    client.ehlo()
    assert client.mail("late@example.jp")[0] == 250
    assert client.rcpt(DEPT)[0] == 250
    client.putcmd("data")
    assert client.getreply()[0] == 354
    client.send(
        b"Subject: sent while shutting down\r\nMessage-ID: <late@example.jp>\r\n\r\nfirst half\r\n"
    )
    running.process.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    # The listener is closed to newcomers ...
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", running.smtp_port), timeout=2).close()
    # ... but the transaction in progress completes with a real 250.
    client.send(b"second half\r\n.\r\n")
    code, _ = client.getreply()
    assert code == 250
    # A new transaction on the same session is turned away politely.
    assert client.mail("again@example.jp")[0] == 421
    client.close()
    assert running.process.wait(timeout=40) == 0
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        receptions = session.exec(select(Reception)).all()
    assert [r.recipients for r in receptions] == [[DEPT]]
    assert receptions[0].state in (
        ReceptionState.ACCEPTED,
        ReceptionState.FILED,
    )  # filed now or at next start
    engine.dispose()


def test_separate_smtp_and_worker_processes_share_the_work(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        make_department(session)
    smtp_port = free_port()
    env = {
        **os.environ,
        "MAILGATE_DATABASE_URL": db_url,
        "MAILGATE_DATA_DIR": str(tmp_path),
        "MAILGATE_SMTP_PORT": str(smtp_port),
        "MAILGATE_SMTP_HOSTNAME": "mx.test",
    }
    env.pop("MAILGATE_CONFIG", None)

    def start(role: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "mailgate", "serve", "--role", role],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    listener = start("smtp")
    worker = None
    try:

        def listening() -> bool:
            try:
                socket.create_connection(("127.0.0.1", smtp_port), timeout=1).close()
                return True
            except OSError:
                return False

        wait_for(listening, what="SMTP listener")
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
            for n in range(20):
                raw = f"From: r{n}@example.jp\r\nSubject: s{n}\r\nMessage-ID: <sep-{n}@example.jp>\r\n\r\nbody {n}\r\n"
                client.sendmail(f"r{n}@example.jp", [DEPT], raw.encode())

        def states() -> list[str]:
            with session_scope(engine) as session:
                return list(session.exec(select(Reception.state)))

        time.sleep(1.5)
        assert states() == [ReceptionState.ACCEPTED] * 20  # the listener only accepts
        worker = start("worker")
        wait_for(
            lambda: states() == [ReceptionState.FILED] * 20, what="the worker to file everything"
        )
    finally:
        for process in (listener, worker):
            if process is not None:
                process.send_signal(signal.SIGTERM)
                assert process.wait(timeout=40) == 0
    engine.dispose()
