"""Threading keys: normalised subjects and the Message-IDs looked up for a reply."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailgate.mail.parse import ParsedMessage, parse_message
from mailgate.mail.threading import lookup_ids, normalise_subject

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "mail"


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("住民票の写しについて", "住民票の写しについて"),
        ("Re: 住民票", "住民票"),
        ("RE: re: Fwd: 住民票", "住民票"),
        ("RE:件名", "件名"),
        ("Re : 件名", "件名"),
        ("Re[2]: 件名", "件名"),
        ("Re^2: 件名", "件名"),
        ("FW: 件名", "件名"),
        ("Fw: 件名", "件名"),
        ("返信: 件名", "件名"),
        ("転送：件名", "件名"),
        ("返信 ： 転送: 件名", "件名"),
        ("Ｒｅ：　住民票", "住民票"),
        ("AW: Antrag", "antrag"),
        ("Fwd: Re: ｶﾞｲﾄﾞ", "ガイド"),
        ("  Hello \t  World  ", "hello world"),
        ("Re: Re:", ""),
        ("", ""),
        # Not prefixes: circulation notices, words that merely start with "re", later positions.
        ("回覧: 会議資料", "回覧: 会議資料"),
        ("Re: 回覧: 会議資料", "回覧: 会議資料"),
        ("Rebate: offer", "rebate: offer"),
        ("件名 Re: x", "件名 re: x"),
    ],
)
def test_normalise_subject(subject: str, expected: str) -> None:
    assert normalise_subject(subject) == expected


@pytest.mark.parametrize(
    ("in_reply_to", "references", "expected"),
    [
        ("<c@x>", ["<a@x>", "<b@x>", "<c@x>"], ["<c@x>", "<b@x>", "<a@x>"]),
        ("<d@x>", ["<a@x>", "<b@x>"], ["<d@x>", "<b@x>", "<a@x>"]),
        ("", ["<a@x>", "<b@x>", "<a@x>"], ["<a@x>", "<b@x>"]),
        ("", [], []),
    ],
)
def test_lookup_ids(in_reply_to: str, references: list[str], expected: list[str]) -> None:
    parsed = ParsedMessage(in_reply_to=in_reply_to, references=references)
    assert lookup_ids(parsed) == expected


def test_lookup_ids_from_a_parsed_reply() -> None:
    parsed = parse_message((CORPUS / "reply_references.eml").read_bytes())
    assert lookup_ids(parsed) == [
        "<second@city.example.lg.jp>",
        "<Second@Example.JP>",
        "<first@example.jp>",
    ]


def test_bare_ids_are_bracketed() -> None:
    raw = b"Message-ID: abc@host\r\nIn-Reply-To: def@host\r\nReferences: x@host def@host\r\n\r\n"
    parsed = parse_message(raw)
    assert parsed.message_id == "<abc@host>"
    assert lookup_ids(parsed) == ["<def@host>", "<x@host>"]
