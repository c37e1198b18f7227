"""BANK_ACCOUNT: the account number only, with account context; ゆうちょ 記号-番号 pairs."""

from __future__ import annotations

import pytest

from mailgate.policy.recognizers.bank_account import BankAccountRecognizer
from tests.policy.recognizers import found, scores

recognizer = BankAccountRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("みなと銀行 本町支店　普通預金　口座番号 4028816", "4028816"),
        ("振込先：山手信用金庫 元町支店 普通 0719354", "0719354"),
        ("当座 5530127", "5530127"),
        ("口座番号：４０２８８１６（ご本人名義）", "４０２８８１６"),
        ("Account number: 4028816", "4028816"),
        ("ゆうちょ銀行 記号番号 13570-24681351", "13570-24681351"),
        ("ゆうちょ銀行　記号 13570 番号 24681351", "13570 番号 24681351"),
        ("郵便振替口座 00170-3-482159", "00170-3-482159"),
        ("氏名,銀行,支店,口座番号\n森 花,みなと銀行,本町,4028816\n", "4028816"),
        # the bank named on a captioned line above the number's own caption
        ("　金融機関：ゆうちょ銀行\n　記号・番号：14160-23456781\n", "14160-23456781"),
    ],
)
def test_accounts_are_found(text: str, expected: str) -> None:
    assert found(recognizer, text, threshold=0.75) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "受付番号 4028816",  # seven digits alone are anything
        "口座番号 40288165",  # eight digits
        "口座番号 402-8816",
        "被保険者証 記号 13570 番号 24",  # a health insurance card
        "10000-20000円",
        "00170-3-482159",  # a transfer account shape without ゆうちょ context
        "みなと銀行 本町支店",
    ],
)
def test_non_accounts_are_not_found(text: str) -> None:
    assert found(recognizer, text) == []


def test_the_span_is_the_number_not_the_bank() -> None:
    text = "みなと銀行 本町支店　普通預金　口座番号 4028816"
    [result] = recognizer.analyze(text, ["BANK_ACCOUNT"], None)
    assert text[result.start : result.end] == "4028816"
    assert "口座番号" in result.analysis_explanation.textual_explanation


def test_yucho_shape_without_context_is_weak() -> None:
    assert scores(recognizer, "13570-24681351") == [pytest.approx(0.4)]
