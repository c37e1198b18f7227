"""JP_DRIVER_LICENSE: the 12-digit 運転免許証番号, reported only with licence context.

Twelve digits alone are far more often an order or reservation number; the
licence caption is what identifies them.
"""

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

PATTERN = re.compile(r"\d{4}[ -]?\d{4}[ -]?\d{4}")

CONTEXT = words(
    "運転免許",
    "免許証",
    "免許番号",
    "免許",
    "driver's licence",
    "driver's license",
    "drivers licence",
    "drivers license",
    "driving licence",
    "driving license",
    "driver license",
    "licence no",
    "license no",
    "license number",
    "licence number",
)

SCORE_WITH_CONTEXT = 0.9


class DriverLicenseRecognizer(IdentifierRecognizer):
    ENTITY = "JP_DRIVER_LICENSE"

    def candidates(self, text: str, norm: str) -> Iterator[Candidate]:
        for match in PATTERN.finditer(norm):
            start, end = match.span()
            if not bounded(norm, start, end, joiners=joiners_of(match.group())):
                continue
            word = context_of(text, start, end, before=30).find(CONTEXT)
            if word is None:
                continue
            why = f"12 digits with the driver's licence context word {word}"
            yield Candidate(start, end, SCORE_WITH_CONTEXT, "licence_12_digits", why)
