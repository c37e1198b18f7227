"""CREDIT_CARD: Luhn-valid 13-19 digit card numbers, grouped or not; Luhn failures not."""

from __future__ import annotations

import pytest

from mailgate.policy.recognizers.credit_card import CreditCardRecognizer, luhn_valid
from tests.policy.recognizers import found, scores

recognizer = CreditCardRecognizer()


def luhn_complete(payload: str) -> str:
    """Append the Luhn check digit (computed here, independently of the module under test)."""
    doubled = []
    for index, char in enumerate(reversed(payload)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        doubled.append(value // 10 + value % 10)
    return payload + str((10 - sum(doubled) % 10) % 10)


def broken(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def grouped(number: str, sep: str) -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


VISA = luhn_complete("491730215566043")
JCB = luhn_complete("353908812247710")
MASTER = luhn_complete("522814093318265")
AMEX = luhn_complete("37821456091833")
FULL_WIDTH = JCB.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"クレジットカード番号（{VISA}）", VISA),
        (f"カード番号 {grouped(JCB, ' ')}", grouped(JCB, " ")),
        (f"card {grouped(MASTER, '-')}", grouped(MASTER, "-")),
        (f"番号 {FULL_WIDTH}", FULL_WIDTH),
        (f"{grouped(VISA, '　')}", grouped(VISA, "　")),
        (f"AMEX {AMEX[:4]} {AMEX[4:10]} {AMEX[10:]}", f"{AMEX[:4]} {AMEX[4:10]} {AMEX[10:]}"),
        (VISA, VISA),  # 16 Luhn-valid digits block on their own
    ],
)
def test_card_numbers_are_found(text: str, expected: str) -> None:
    assert found(recognizer, text, threshold=0.8) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        f"クレジットカード番号（{broken(VISA)}）",  # a 16-digit payment number failing Luhn
        f"お支払番号 {grouped(broken(JCB), '-')}",
        luhn_complete("912345678901234"),  # no card network issues 9...
        luhn_complete("12345678901"),  # 12 digits: too short for a card
        f"{VISA}7",  # part of a longer number
        f"{grouped(VISA, '-')}-1234",
    ],
)
def test_non_cards_are_not_found(text: str) -> None:
    assert found(recognizer, text, threshold=0.0) == []


def test_other_captions_and_odd_lengths_score_low() -> None:
    assert scores(recognizer, f"お支払番号 {VISA}") == [pytest.approx(0.3)]
    assert scores(recognizer, f"法人番号 {luhn_complete('452001938417')}") == [pytest.approx(0.3)]
    assert scores(recognizer, luhn_complete("452001938417")) == [pytest.approx(0.5)]


@pytest.mark.parametrize("number", [VISA, JCB, MASTER, AMEX])
def test_luhn_agrees_with_an_independent_computation(number: str) -> None:
    assert luhn_valid(number)
    assert not luhn_valid(broken(number))
