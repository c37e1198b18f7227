"""Every message of the malformed and Japanese corpus goes through the live listener and is filed.

The parser tests (tests/mail) check what is decoded; this checks the whole path:
nothing in the corpus crashes the listener, is refused, or ends up quarantined.
"""

from __future__ import annotations

import asyncio
import re
import smtplib
from pathlib import Path

from sqlmodel import select

from mailgate import blobs
from mailgate.db import session_scope
from mailgate.models import Blob, Message, ReceptionState
from mailgate.serve import Service
from tests.inbound.conftest import KOSODATE, wait_filed

CORPUS = sorted((Path(__file__).parent.parent / "fixtures" / "mail").glob("*.eml"))


def on_the_wire(raw: bytes) -> bytes:
    """What an MTA would send: CRLF line endings and a final CRLF."""
    wire = re.sub(rb"\r?\n", b"\r\n", raw)
    return wire if wire.endswith(b"\r\n") else wire + b"\r\n"


def _transaction(port: int, raw: bytes) -> tuple[tuple[int, bytes], tuple[int, bytes]]:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.ehlo()
        client.mail("resident@example.jp")
        client.rcpt(KOSODATE)
        reply = client.data(raw)
        return reply, client.noop()


async def transaction(service: Service, raw: bytes) -> tuple[tuple[int, bytes], tuple[int, bytes]]:
    return await asyncio.to_thread(_transaction, service.smtp_port or 0, raw)


async def test_whole_corpus_is_accepted_and_filed(smtp_service: Service) -> None:
    assert len(CORPUS) >= 30
    sent: list[bytes] = []
    for path in CORPUS:
        raw = on_the_wire(path.read_bytes())
        (code, text), (noop, _) = await transaction(smtp_service, raw)
        assert code == 250, f"{path.name}: {code} {text!r}"
        assert noop == 250, f"{path.name}: listener unhealthy after it"
        sent.append(raw)
    rows = await wait_filed(smtp_service.engine, len(CORPUS))
    states = {row.state for row in rows}
    assert ReceptionState.QUARANTINED not in states, [(r.id, r.error) for r in rows if r.error]
    with session_scope(smtp_service.engine) as session:
        for raw in sent:
            blob = session.get(Blob, blobs.sha256_hex(raw))
            assert blob is not None and blob.data == raw
        messages = session.exec(select(Message)).all()
    filed = sum(1 for row in rows if row.state == ReceptionState.FILED)
    assert len(messages) == filed
    # Warnings travel with the filed message so operators see what was odd about it.
    assert any("nul-bytes-removed" in m.parse_warnings for m in messages)
    assert any(m.subject == "住民票の写しについて" for m in messages)


async def test_long_lines_accepted_up_to_the_limit_and_refused_cleanly_beyond(
    smtp_service: Service,
) -> None:
    long_ok = b"Subject: long line\r\n\r\n" + "あ".encode() * 10_000 + b"\r\n"
    (code, _), (noop, _) = await transaction(smtp_service, long_ok)
    assert (code, noop) == (250, 250)
    too_long = b"Subject: too long\r\n\r\n" + b"x" * 1_000_000 + b"\r\n"
    (code, text), (noop, _) = await transaction(smtp_service, too_long)
    assert code == 500 and b"Line too long" in text
    assert noop == 250  # the session and the listener carry on
    rows = await wait_filed(smtp_service.engine, 1)
    assert len(rows) == 1  # the refused one was never half-stored


async def test_nul_bytes_and_raw_8bit_headers_are_stored_and_decoded(smtp_service: Service) -> None:
    raw = (
        "From: 佐藤 <sato@example.jp>\r\nSubject: 8ビットの件名\r\nMessage-ID: <nul-1@example.jp>\r\n\r\n"
    ).encode() + b"ab\x00cd\r\n"
    (code, _), _ = await transaction(smtp_service, raw)
    assert code == 250
    await wait_filed(smtp_service.engine, 1)
    with session_scope(smtp_service.engine) as session:
        message = session.exec(select(Message)).one()
    assert message.subject == "8ビットの件名" and message.from_name == "佐藤"
    assert "\x00" not in message.text_body and "abcd" in message.text_body.replace("\ufffd", "")
