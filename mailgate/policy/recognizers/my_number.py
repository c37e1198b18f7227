"""JP_MY_NUMBER: the 12-digit 個人番号, recognised by its official check digit."""

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
from mailgate.policy.text import normalise

# 12 digits, plain or grouped 4-4-4 with spaces or hyphens (normalised text).
PATTERN = re.compile(r"\d{4}[ -]?\d{4}[ -]?\d{4}")

CONTEXT = words(
    "個人番号",
    "マイナンバー",
    "マイナ",
    "番号カード",
    "通知カード",
    "my number",
    "mynumber",
    "individual number",
    "personal number",
)
# Captions of other 12-digit numbers: a driver's licence number, an order number.
OTHER_NUMBERS = words("免許", "licence", "license", *REFERENCE_WORDS)

SCORE_VALID = 0.85
SCORE_WITH_CONTEXT = 1.0
SCORE_OTHER_CAPTION = 0.3
SCORE_MISTYPED = 0.9
# A number written right after its caption ("マイナンバー：7305 1928 4637") is someone's
# My Number even when a digit is mistyped and the check digit fails: most of it is right.
# Not "マイナンバーカード" (the card's own numbers are not the My Number).
CAPTION_RIGHT_BEFORE = re.compile(
    r"(?:個人番号|マイナンバー|my number|individual number)(?!カード|card)"
    r"[ \t]*(?:[:：]|は|is|=)?[ \t]*[(（「]?[ \t]*$",
    re.IGNORECASE,
)


def check_digit(first_eleven: str) -> int:
    """The official check digit (個人番号の指定等に関する省令 第5条) of the first 11 digits.

    Weights 2..7 repeat from the rightmost of the 11 digits; the check digit is
    11 - (sum mod 11), or 0 when the remainder is 0 or 1.
    """
    total = sum(
        int(digit) * (n + 1 if n <= 6 else n - 5)
        for n, digit in enumerate(reversed(first_eleven), start=1)
    )
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid(number: str) -> bool:
    """True for 12 digits whose last digit is the check digit of the first 11."""
    return len(number) == 12 and number.isdigit() and check_digit(number[:11]) == int(number[11])


class MyNumberRecognizer(IdentifierRecognizer):
    ENTITY = "JP_MY_NUMBER"

    def candidates(self, text: str, norm: str) -> Iterator[Candidate]:
        for match in PATTERN.finditer(norm):
            start, end = match.span()
            if not bounded(norm, start, end, joiners=joiners_of(match.group())):
                continue
            if not is_valid(digits_of(match.group())):
                # An order or reservation number, not a My Number, unless it is captioned as one.
                if CAPTION_RIGHT_BEFORE.search(normalise(text[max(0, start - 20) : start])):
                    why = "12 digits captioned as a My Number (the check digit fails: mistyped?)"
                    yield Candidate(start, end, SCORE_MISTYPED, "my_number_captioned", why)
                continue
            window = context_of(text, start, end)
            word = window.find(CONTEXT)
            if word:
                score, why = (
                    SCORE_WITH_CONTEXT,
                    with_context("12 digits with a valid My Number check digit", word),
                )
            elif other := window.find(OTHER_NUMBERS, after=False):
                score = SCORE_OTHER_CAPTION
                why = f"12 digits with a valid My Number check digit, but captioned {other}"
            else:
                score, why = SCORE_VALID, "12 digits with a valid My Number check digit"
            yield Candidate(start, end, score, "my_number_12_digits", why, validation_result=True)
