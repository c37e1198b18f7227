"""JP_RESIDENT_CODE: the 11-digit 住民票コード, reported only with its caption."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailgate.policy.recognizers.numbers import (
    Candidate,
    IdentifierRecognizer,
    bounded,
    context_of,
    joiners_of,
    words,
)

# 11 digits, plain or grouped 4-4-3 (mobile numbers are also 11 digits: context decides).
PATTERN = re.compile(r"\d{4}[ -]?\d{4}[ -]?\d{3}|\d{11}")

CONTEXT = words(
    "住民票コード", "住民票番号", "resident record code", "juminhyo code", "resident code"
)

SCORE_WITH_CONTEXT = 0.9


class ResidentCodeRecognizer(IdentifierRecognizer):
    ENTITY = "JP_RESIDENT_CODE"

    def candidates(self, text: str, norm: str) -> Iterator[Candidate]:
        for match in PATTERN.finditer(norm):
            start, end = match.span()
            if not bounded(norm, start, end, joiners=joiners_of(match.group())):
                continue
            word = context_of(text, start, end, before=30).find(CONTEXT)
            if word is None:
                continue
            why = f"11 digits with the resident record code context word {word}"
            yield Candidate(start, end, SCORE_WITH_CONTEXT, "resident_code_11_digits", why)
