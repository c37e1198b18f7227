"""Crash safety: kill -9 the SMTP process repeatedly while a client sends; no 250 is ever lost.

The server is a real `mailgate serve --role smtp` process. The client sends
2,000 distinct messages over several connections and records each one that
got a 250. After every kill the server is restarted; at the end every
acknowledged message must be in the database byte-for-byte, and filed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlmodel import select

from mailgate import blobs
from mailgate.db import make_engine, session_scope
from mailgate.models import Blob, Reception, ReceptionState
from tests.inbound.conftest import KOSODATE, seed_departments

TOTAL = 2000
KILLS = 4
CLIENTS = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(db_url: str, port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MAILGATE_DATABASE_URL": db_url,
        "MAILGATE_SMTP_PORT": str(port),
        "MAILGATE_SMTP_HOSTNAME": "mx.test",
        "MAILGATE_DATA_DIR": str(data_dir),
    }
    env.pop("MAILGATE_CONFIG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "mailgate.cli", "serve", "--role", "smtp", "--role", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError as exc:
            if process.poll() is not None:
                raise AssertionError(
                    process.stderr.read().decode() if process.stderr else "server died"
                ) from exc
            time.sleep(0.05)
    raise AssertionError("server did not start")


def _message(n: int) -> bytes:
    return (
        f"From: resident{n % 50}@example.jp\r\nTo: {KOSODATE}\r\nSubject: crash test {n}\r\n"
        f"Message-ID: <crash-{n}@example.jp>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"メッセージ {n}\r\n" + "x" * (n % 700) + "\r\n"
    ).encode()


def _client(
    numbers: list[int],
    port_box: list[int],
    acknowledged: set[int],
    lock: threading.Lock,
    stop_at: float,
) -> None:
    """Send each message until it gets a 250 (like an MTA retrying), reconnecting after failures."""
    pending = list(numbers)
    client: smtplib.SMTP | None = None
    while pending and time.monotonic() < stop_at:
        try:
            if client is None:
                client = smtplib.SMTP("127.0.0.1", port_box[0], timeout=10)
            n = pending[0]
            client.sendmail(f"resident{n % 50}@example.jp", [KOSODATE], _message(n))
            with lock:
                acknowledged.add(n)
            pending.pop(0)
        except (OSError, smtplib.SMTPException):
            client = None
            time.sleep(0.05)
    if client is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            client.quit()


@pytest.mark.slow
def test_kill_9_never_loses_an_acknowledged_message(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    seed_departments(engine)
    port_box = [_free_port()]
    acknowledged: set[int] = set()
    lock = threading.Lock()
    server = _start(db_url, port_box[0], tmp_path)
    stop_at = time.monotonic() + 240
    chunks = [list(range(i, TOTAL, CLIENTS)) for i in range(CLIENTS)]
    clients = [
        threading.Thread(target=_client, args=(chunk, port_box, acknowledged, lock, stop_at))
        for chunk in chunks
    ]
    for thread in clients:
        thread.start()
    try:
        for kill in range(KILLS):
            target = TOTAL * (kill + 1) // (KILLS + 1)
            while len(acknowledged) < target and time.monotonic() < stop_at:
                time.sleep(0.01)
            server.send_signal(signal.SIGKILL)
            server.wait()
            server = _start(db_url, port_box[0], tmp_path)
        for thread in clients:
            thread.join()
        assert len(acknowledged) == TOTAL, f"client gave up: {len(acknowledged)} acknowledged"
        # Restarted servers must file what killed ones left accepted.
        deadline = time.monotonic() + 120
        while True:
            with session_scope(engine) as session:
                waiting = session.exec(
                    select(Reception.id).where(Reception.state == ReceptionState.ACCEPTED)
                ).all()
            if not waiting or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert waiting == []
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    with session_scope(engine) as session:
        for n in sorted(acknowledged):
            raw = _message(n)
            stored = session.get(Blob, blobs.sha256_hex(raw))
            assert stored is not None and stored.data == raw, f"message {n} lost or altered"
        states = session.exec(select(Reception.state)).all()
    # A message re-sent after a kill (250 lost in flight) is stored again and filed as a duplicate.
    assert set(states) <= {ReceptionState.FILED, ReceptionState.DUPLICATE}
    assert states.count(ReceptionState.FILED) == TOTAL
    engine.dispose()
