"""CREDIT_CARD: a 13-19 digit card number that passes the Luhn check, grouped or not."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailgate.policy.recognizers.numbers import (
    REFERENCE_WORDS,
    Candidate,
    IdentifierRecognizer,
    bounded,
    context_of,
    digits_of,
    joiners_of,
    with_context,
    words,
)

# 4-4-4-4 (and 4-4-4-4-3 for 19 digits), Amex/Diners 4-6-5 and 4-6-4, or a plain run.
PATTERN = re.compile(
    r"\d{4}(?P<sep>[ -])\d{4}(?P=sep)\d{4}(?P=sep)\d{4}(?:(?P=sep)\d{3})?"
    r"|\d{4}(?P<sep2>[ -])\d{6}(?P=sep2)\d{4,5}"
    r"|\d{13,19}"
)
# Issuer prefixes of the card networks (Visa 4, Mastercard 2/5, Amex/JCB/Diners 3, Discover/UnionPay 6).
ISSUER_DIGITS = frozenset("23456")

CONTEXT = words(
    "クレジット",
    "カード番号",
    "カード",
    "card",
    "credit",
    "visa",
    "mastercard",
    "jcb",
    "amex",
    "diners",
)
OTHER_NUMBERS = words("支払番号", "払込番号", "お支払い番号", "収納番号", *REFERENCE_WORDS)

SCORE_GROUPED = 0.9
SCORE_PLAIN_16 = 0.8
SCORE_PLAIN_OTHER_LENGTH = 0.5
SCORE_WITH_CONTEXT = 1.0
SCORE_OTHER_CAPTION = 0.3


def luhn_valid(number: str) -> bool:
    """The Luhn (mod 10) check every payment card number carries in its last digit."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


class CreditCardRecognizer(IdentifierRecognizer):
    ENTITY = "CREDIT_CARD"

    def candidates(self, text: str, norm: str) -> Iterator[Candidate]:
        for match in PATTERN.finditer(norm):
            start, end = match.span()
            if not bounded(norm, start, end, joiners=joiners_of(match.group())):
                continue
            number = digits_of(match.group())
            if number[0] not in ISSUER_DIGITS or not luhn_valid(number):
                continue  # e.g. a 16-digit payment slip number failing Luhn
            grouped = match.group() != number
            window = context_of(text, start, end)
            if word := window.find(CONTEXT):
                score = SCORE_WITH_CONTEXT
            elif other := window.find(OTHER_NUMBERS, after=False):
                why = f"{len(number)} Luhn-valid digits, but captioned {other}"
                yield Candidate(
                    start, end, SCORE_OTHER_CAPTION, "card_number", why, validation_result=True
                )
                continue
            elif grouped:
                score = SCORE_GROUPED
            else:
                score = SCORE_PLAIN_16 if len(number) == 16 else SCORE_PLAIN_OTHER_LENGTH
            how = "grouped" if grouped else "plain"
            why = with_context(
                f"{len(number)} Luhn-valid digits ({how}) with a card issuer prefix", word
            )
            yield Candidate(start, end, score, f"card_number_{how}", why, validation_result=True)
