"""EMAIL_ADDRESS: found offline with score 1.0 (allowed by policy, but named in findings)."""

from __future__ import annotations

import pytest

from mailgate.policy.recognizers.email import EmailRecognizer
from tests.policy.recognizers import found, scores

recognizer = EmailRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("E-mail：kodomo@mail.example-town.lg.jp", "kodomo@mail.example-town.lg.jp"),
        ("担当の方（haruka.mori27@example.com）に", "haruka.mori27@example.com"),
        ("宛先 ｓａｔｏ＠ｅｘａｍｐｌｅ．ｊｐ まで", "ｓａｔｏ＠ｅｘａｍｐｌｅ．ｊｐ"),
        ("reply to jimu+event@sub.example.co.jp.", "jimu+event@sub.example.co.jp"),
        ("<k_ito@example.org>", "k_ito@example.org"),
    ],
)
def test_addresses_are_found(text: str, expected: str) -> None:
    assert found(recognizer, text) == [expected]
    assert scores(recognizer, text) == [1.0]


@pytest.mark.parametrize(
    "text",
    ["@example.com", "user@localhost", "user@example", "メールアドレス：未登録", "a@b.c"],
)
def test_non_addresses_are_not_found(text: str) -> None:
    assert found(recognizer, text, threshold=0.0) == []
