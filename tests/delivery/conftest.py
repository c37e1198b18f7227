"""Fixtures for delivery tests: a real aiosmtpd relay sink, settings pointing at it, queued mail.

The sink runs in aiosmtpd's own thread on a random loopback port. It records
every envelope and Message-ID, can answer 4xx/5xx at RCPT or DATA, and can be
stopped and started again on the same port to simulate a relay outage.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine

from mailgate.config import Settings
from mailgate.db import session_scope
from mailgate.delivery import queue
from mailgate.mail.compose import content_hash
from mailgate.models import Department
from tests.factories import make_department, make_outbound


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message_id: str
    data: bytes


class SinkHandler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.rcpt_reply: str | None = None  # e.g. "451 4.3.0 try later"
        self.data_reply: str | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply:
            return self.data_reply
        data = bytes(envelope.content)
        message_id = str(BytesHeaderParser().parsebytes(data).get("Message-ID", ""))
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), message_id, data)
            )
        return "250 2.0.0 Ok: queued"


class RelaySink:
    def __init__(self) -> None:
        self.handler = SinkHandler()
        self.port = _free_port()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, server_hostname="sink.test"
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def answer(self, *, rcpt: str | None = None, data: str | None = None) -> None:
        """Make RCPT or DATA fail with this reply; answer() with nothing restores 250."""
        self.handler.rcpt_reply, self.handler.data_reply = rcpt, data

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def message_ids(self) -> list[str]:
        return [r.message_id for r in self.received]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def relay_sink() -> Iterator[RelaySink]:
    sink = RelaySink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def make_settings(tmp_path: Path, db_url: str) -> Callable[..., Settings]:
    """Settings for the test database; keyword arguments override [delivery] keys."""

    def build(*, relay_port: int | None = None, **delivery: Any) -> Settings:
        section: dict[str, Any] = {
            "mode": "outbox",
            "outbox_dir": str(tmp_path / "outbox"),
            "retry_base_seconds": 60,
            "lease_seconds": 60,
            "poll_seconds": 0.05,
        }
        if relay_port is not None:
            section.update(
                mode="relay", relay={"host": "127.0.0.1", "port": relay_port, "timeout": 5}
            )
        section.update(delivery)
        return Settings.model_validate(
            {
                "data_dir": str(tmp_path),
                "mail_domain": "mail.example-city.lg.jp",
                "database": {"url": db_url},
                "delivery": section,
            }
        )

    return build


@pytest.fixture
def queue_mail(engine: Engine) -> Callable[..., list[int]]:
    """Queue `count` approved messages (as the approval workflow would); return message ids."""
    state: dict[str, Department] = {}

    def build(count: int = 1, **fields: Any) -> list[int]:
        ids = []
        with session_scope(engine) as session:
            department = state.get("department") or make_department(session)
            state["department"] = department
            for n in range(count):
                values = {
                    "to": "taro@example.jp",
                    "subject": f"説明会のご案内 {n}",
                    "body": "ご質問ありがとうございます。\n日時は後日お知らせします。\n",
                } | fields
                message = make_outbound(session, department, **values)
                queue.enqueue(
                    session, message, approved_hash=content_hash(message, []), actor="approver"
                )
                ids.append(message.id or 0)
        return ids

    return build
