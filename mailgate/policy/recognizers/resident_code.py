"""JP_RESIDENT_CODE: the 11-digit 住民票コード, reported only with its caption."""

from __future__ import annotations

import re

from mailgate.policy.recognizers.numbers import CaptionedNumberRecognizer, words

# 11 digits, plain or grouped 4-4-3 (mobile numbers are also 11 digits: context decides).
PATTERN = re.compile(r"\d{4}[ -]?\d{4}[ -]?\d{3}|\d{11}")

CONTEXT = words(
    "住民票コード", "住民票番号", "resident record code", "juminhyo code", "resident code"
)


class ResidentCodeRecognizer(CaptionedNumberRecognizer):
    ENTITY = "JP_RESIDENT_CODE"
    PATTERN = PATTERN
    CONTEXT = CONTEXT
    PATTERN_NAME = "resident_code_11_digits"
    DESCRIPTION = "11 digits with the resident record code context word"
