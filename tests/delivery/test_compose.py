"""Outgoing MIME and the approval content hash (pure functions, no database)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest

from mailgate.mail.compose import build_mime, content_hash, new_message_id
from mailgate.models import Attachment, Message

DOMAIN = "mail.example-city.lg.jp"
FROM = "kosodate@mail.example-city.lg.jp"


def _message(**overrides: Any) -> Message:
    values: dict[str, Any] = {
        "department_id": 1,
        "thread_id": 1,
        "counterpart_id": 1,
        "direction": "outbound",
        "state": "draft",
        "message_id_header": "<abc.123@mail.example-city.lg.jp>",
        "dedupe_key": "<abc.123@mail.example-city.lg.jp>",
        "subject": "保育園の入園説明会について",
        "from_address": FROM,
        "to_addresses": ["Taro@Example.jp"],
        "cc_addresses": ["hanako@example.jp"],
        "bcc_addresses": ["kiroku@mail.example-city.lg.jp"],
        "text_body": "山田様\n\nお問い合わせありがとうございます。説明会は区役所3階で行います。\n",
    }
    values.update(overrides)
    return Message(**values)


def _attachment(filename: str, data: bytes, content_type: str = "application/pdf") -> Attachment:
    digest = hashlib.sha256(data).hexdigest()
    return Attachment(message_pk=1, filename=filename, content_type=content_type, sha256=digest)


def _parse(raw: bytes) -> EmailMessage:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_hash_ignores_recipient_order_and_case() -> None:
    a = _message(to_addresses=["b@example.jp", "A@example.jp"])
    b = _message(to_addresses=["a@example.jp", "b@example.jp"])
    assert content_hash(a, []) == content_hash(b, [])


@pytest.mark.parametrize(
    "change",
    [
        {"text_body": "別の本文"},
        {"subject": "別の件名"},
        {"bcc_addresses": ["someone@example.jp"]},
        {"cc_addresses": []},
        {"html_body": "<p>x</p>"},
        {"in_reply_to": "<x@example.jp>"},
        {"from_address": "other@mail.example-city.lg.jp"},
    ],
)
def test_hash_changes_with_any_approved_field(change: dict[str, object]) -> None:
    assert content_hash(_message(), []) != content_hash(_message(**change), [])


def test_hash_covers_attachments_by_content() -> None:
    one = [_attachment("a.pdf", b"one")]
    other = [_attachment("a.pdf", b"two")]
    assert content_hash(_message(), one) != content_hash(_message(), other)
    assert content_hash(_message(), []) != content_hash(_message(), one)


def test_new_message_id_is_in_our_domain() -> None:
    first, second = new_message_id(DOMAIN), new_message_id(DOMAIN)
    assert first != second
    assert first.startswith("<") and first.endswith(f"@{DOMAIN}>")


def test_headers_round_trip_and_no_bcc() -> None:
    raw = build_mime(_message(), [], {}, from_address=FROM, from_name="子育て支援課")
    parsed = _parse(raw)
    assert parsed["Subject"] == "保育園の入園説明会について"
    assert parsed["From"].addresses[0].addr_spec == FROM
    assert parsed["From"].addresses[0].display_name == "子育て支援課"
    assert [a.addr_spec for a in parsed["To"].addresses] == ["Taro@Example.jp"]
    assert [a.addr_spec for a in parsed["Cc"].addresses] == ["hanako@example.jp"]
    assert parsed["Bcc"] is None and b"kiroku" not in raw
    assert parsed["Message-ID"] == "<abc.123@mail.example-city.lg.jp>"
    assert parsed["Date"] is not None
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content().replace("\r\n", "\n") == _message().text_body


def test_wire_format_is_ascii_with_short_lines() -> None:
    long_subject = "令和7年度 保育園の入園申込みに関する説明会の日程と会場のご案内（再送）" * 2
    message = _message(subject=long_subject, text_body="あ" * 500)
    raw = build_mime(message, [], {}, from_address=FROM, from_name="子育て支援課")
    assert raw.isascii()
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    assert _parse(raw)["Subject"] == long_subject


def test_reply_headers() -> None:
    message = _message(
        in_reply_to="<q1@example.jp>", references=["<q0@example.jp>", "<q1@example.jp>"]
    )
    parsed = _parse(build_mime(message, [], {}, from_address=FROM, from_name="子育て支援課"))
    assert parsed["In-Reply-To"] == "<q1@example.jp>"
    assert parsed["References"].split() == ["<q0@example.jp>", "<q1@example.jp>"]


def test_html_alternative_and_attachment_with_japanese_filename() -> None:
    pdf = b"%PDF-1.4 test"
    attachment = _attachment("申請の手引き.pdf", pdf)
    message = _message(html_body="<p>説明会のご案内</p>")
    raw = build_mime(
        message, [attachment], {attachment.sha256: pdf}, from_address=FROM, from_name="課"
    )
    parsed = _parse(raw)
    assert parsed.get_content_type() == "multipart/mixed"
    body, attached = list(parsed.iter_parts())
    assert body.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in body.iter_parts()] == ["text/plain", "text/html"]
    assert attached.get_filename() == "申請の手引き.pdf"
    assert attached.get_content() == pdf
    assert b"filename*=utf-8''" in raw  # RFC 2231


def test_rebuild_is_byte_identical_for_the_same_date() -> None:
    when = datetime(2025, 4, 1, 9, 30, tzinfo=UTC)
    attachment = _attachment("a.pdf", b"x")
    message = _message(html_body="<p>x</p>")
    first = build_mime(
        message,
        [attachment],
        {attachment.sha256: b"x"},
        from_address=FROM,
        from_name="課",
        date=when,
    )
    again = build_mime(
        message,
        [attachment],
        {attachment.sha256: b"x"},
        from_address=FROM,
        from_name="課",
        date=when,
    )
    assert first == again


def test_ascii_body_stays_readable() -> None:
    raw = build_mime(
        _message(text_body="Dear Mr Smith,\nSee you on Monday.\n"),
        [],
        {},
        from_address=FROM,
        from_name="Kosodate",
    )
    assert b"Content-Transfer-Encoding: 7bit" in raw
    assert b"See you on Monday." in raw


def test_missing_message_id_is_refused() -> None:
    with pytest.raises(ValueError):
        build_mime(_message(message_id_header=""), [], {}, from_address=FROM, from_name="課")
