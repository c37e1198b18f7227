"""Inbound SMTP over real sockets: RCPT policy, size limit, durability, filing, threading."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlmodel import col, select

from mailgate import blobs
from mailgate.db import session_scope
from mailgate.models import Blob, Counterpart, Message, Reception, ReceptionState, Thread
from mailgate.serve import Service
from tests.inbound.conftest import KOSODATE, MAX_SIZE, TOSHI, wait_filed


def _mail(
    subject: str,
    body: str,
    *,
    sender: str = "山田 太郎 <yamada@example.jp>",
    to: str = KOSODATE,
    message_id: str | None = None,
    in_reply_to: str | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="example.jp")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(body)
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def _send(
    service: Service, raw: bytes, recipients: list[str], sender: str = "yamada@example.jp"
) -> dict:
    with smtplib.SMTP("127.0.0.1", service.smtp_port, timeout=30) as client:
        return client.sendmail(sender, recipients, raw)


async def send(service: Service, raw: bytes, recipients: list[str] | None = None) -> dict:
    return await asyncio.to_thread(_send, service, raw, recipients or [KOSODATE])


async def test_unknown_recipient_is_refused_at_rcpt(smtp_service: Service) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        await send(smtp_service, _mail("x", "y"), ["nobody@mail.example-city.lg.jp"])
    code, text = refused.value.recipients["nobody@mail.example-city.lg.jp"]
    assert code == 550 and b"5.1.1" in text


async def test_one_unknown_recipient_does_not_block_the_known_one(smtp_service: Service) -> None:
    refused = await send(
        smtp_service, _mail("x", "y"), [KOSODATE, "nobody@mail.example-city.lg.jp"]
    )
    assert list(refused) == ["nobody@mail.example-city.lg.jp"]
    rows = await wait_filed(smtp_service.engine, 1)
    assert [r.recipients for r in rows] == [[KOSODATE]]


async def test_oversized_message_is_refused_with_552_and_not_stored(smtp_service: Service) -> None:
    raw = _mail("big", "あ" * (MAX_SIZE // 2))
    assert len(raw) > MAX_SIZE
    # A client that declares SIZE is refused at MAIL FROM ...
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        await send(smtp_service, raw)
    assert refused.value.smtp_code == 552

    # ... and one that does not is refused at the end of DATA.
    def undeclared() -> tuple[int, bytes]:
        with smtplib.SMTP("127.0.0.1", smtp_service.smtp_port, timeout=30) as client:
            client.ehlo()
            client.mail("yamada@example.jp")
            client.rcpt(KOSODATE)
            return client.data(raw)

    code, _ = await asyncio.to_thread(undeclared)
    assert code == 552
    with session_scope(smtp_service.engine) as session:
        assert session.exec(select(Reception)).all() == []


async def test_message_is_committed_byte_for_byte_when_250_returns(smtp_service: Service) -> None:
    raw = _mail("住民票の写しについて", "本文です。\r\n.先頭がドットの行\r\n")
    await send(smtp_service, raw)
    # No waiting: the 250 promised the bytes are already committed.
    with session_scope(smtp_service.engine) as session:
        stored = session.get(Blob, blobs.sha256_hex(raw))
        receptions = session.exec(select(Reception)).all()
    assert stored is not None and stored.data == raw
    assert len(receptions) == 1 and receptions[0].raw_sha256 == stored.sha256


async def test_mail_for_two_departments_is_filed_once_for_each(smtp_service: Service) -> None:
    raw = _mail("合同の問い合わせ", "両課に質問です。", to=f"{KOSODATE}, {TOSHI}")
    await send(smtp_service, raw, [KOSODATE, TOSHI])
    rows = await wait_filed(smtp_service.engine, 2)
    assert sorted(r.state for r in rows) == [ReceptionState.FILED, ReceptionState.FILED]
    with session_scope(smtp_service.engine) as session:
        messages = session.exec(select(Message)).all()
    assert len({m.department_id for m in messages}) == 2
    assert all(
        m.subject == "合同の問い合わせ" and "両課に質問です。" in m.text_body for m in messages
    )


async def test_same_message_id_twice_is_stored_once(smtp_service: Service) -> None:
    raw = _mail("二重送信", "同じメールです。", message_id="<dup-1@example.jp>")
    await send(smtp_service, raw)
    await send(smtp_service, raw)
    rows = await wait_filed(smtp_service.engine, 2)
    assert sorted(r.state for r in rows) == [ReceptionState.DUPLICATE, ReceptionState.FILED]
    with session_scope(smtp_service.engine) as session:
        assert len(session.exec(select(Message)).all()) == 1


async def test_threading_by_references_then_by_counterpart_and_subject(
    smtp_service: Service,
) -> None:
    first = "<first@example.jp>"
    await send(smtp_service, _mail("保育園の入園について", "質問1", message_id=first))
    # A reply whose subject changed still joins by In-Reply-To.
    await send(smtp_service, _mail("件名を変えました", "質問2", in_reply_to=first))
    # No references, reply prefixes in Japanese and English: joins by subject + counterpart.
    await send(smtp_service, _mail("Re: 返信：保育園の入園について", "質問3"))
    # Same subject from another resident: a thread of its own.
    await send(smtp_service, _mail("保育園の入園について", "別人", sender="other@example.jp"))
    await wait_filed(smtp_service.engine, 4)
    with session_scope(smtp_service.engine) as session:
        messages = session.exec(select(Message).order_by(col(Message.id))).all()
        threads = session.exec(select(Thread)).all()
        counterparts = session.exec(select(Counterpart).order_by(col(Counterpart.address))).all()
    assert [m.thread_id for m in messages[:3]] == [messages[0].thread_id] * 3
    assert messages[3].thread_id != messages[0].thread_id
    assert len(threads) == 2
    assert [c.address for c in counterparts] == ["other@example.jp", "yamada@example.jp"]
    assert counterparts[1].display_name == "山田 太郎"


async def test_swaks_delivers_iso_2022_jp_mail(smtp_service: Service, tmp_path) -> None:
    body = "子育て支援課 御中\r\n\r\n児童手当の手続きについて教えてください。\r\n".encode(
        "iso2022_jp"
    )
    raw = (
        b"From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.jp>\r\n"
        b"To: " + KOSODATE.encode() + b"\r\n"
        b"Subject: =?ISO-2022-JP?B?GyRCO3lGODxqRXYbKEI=?=\r\n"
        b"Message-ID: <swaks-1@example.jp>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=ISO-2022-JP\r\n"
        b"Content-Transfer-Encoding: 7bit\r\n\r\n" + body
    )
    data = tmp_path / "mail.eml"
    data.write_bytes(raw)
    process = await asyncio.create_subprocess_exec(
        "swaks",
        "--server",
        "127.0.0.1",
        "--port",
        str(smtp_service.smtp_port),
        "--from",
        "yamada@example.jp",
        "--to",
        KOSODATE,
        "--data",
        f"@{data}",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode == 0, output.decode(errors="replace")
    await wait_filed(smtp_service.engine, 1)
    with session_scope(smtp_service.engine) as session:
        message = session.exec(select(Message)).one()
    assert message.subject == "児童手当"
    assert message.from_name == "山田"
    assert "児童手当の手続きについて教えてください。" in message.text_body
