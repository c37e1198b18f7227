"""JP_RESIDENT_CODE: the 11-digit 住民票コード, reported only with its caption."""

from __future__ import annotations

import re

from mailgate.policy.recognizers.numbers import CaptionedNumberRecognizer, digits_of, words
from mailgate.policy.text import normalise

# 11 digits, plain or grouped 4-4-3 (mobile numbers are also 11 digits: context decides).
PATTERN = re.compile(r"\d{4}[ -]?\d{4}[ -]?\d{3}|\d{11}")

CONTEXT = words(
    "住民票コード", "住民票番号", "resident record code", "juminhyo code", "resident code"
)
# How far a caption may stand from a number that cannot be a phone number: in a reply the
# code often sits a line or two under the sentence that names it ("住民票コードを書くように
# 言われました。\n> 以前届いた通知には 48205917364 と…") or is named after it.
WIDE_BEFORE, WIDE_AFTER = 120, 60


class ResidentCodeRecognizer(CaptionedNumberRecognizer):
    ENTITY = "JP_RESIDENT_CODE"
    PATTERN = PATTERN
    CONTEXT = CONTEXT
    PATTERN_NAME = "resident_code_11_digits"
    DESCRIPTION = "11 digits with the resident record code context word"

    def captioned(self, text: str, start: int, end: int, number: str) -> str | None:
        near = super().captioned(text, start, end, number)
        # Domestic phone numbers start with 0; other 11-digit runs are the ones a far caption
        # may claim.
        if near is not None or digits_of(number).startswith("0"):
            return near
        around = normalise(text[max(0, start - WIDE_BEFORE) : end + WIDE_AFTER]).casefold()
        word = next((w for w in CONTEXT if w in around), None)
        return (
            None
            if word is None
            else f"11 digits (not a phone number) in a passage about the {word}"
        )
