"""JP_PENSION_NUMBER: the 基礎年金番号, 4 digits and 6 digits (1234-567890)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailgate.policy.recognizers.numbers import (
    REFERENCE_WORDS,
    Candidate,
    IdentifierRecognizer,
    bounded,
    context_of,
    joiners_of,
    with_context,
    words,
)

# 4+6 digits with a hyphen or space; ten plain digits only with the caption.
GROUPED = re.compile(r"\d{4}[- ]\d{6}")
PLAIN = re.compile(r"\d{10}")

CONTEXT = words("基礎年金番号", "年金番号", "年金手帳", "年金", "pension")
# Ten plain digits need the number's own caption, not just a pension office nearby.
CAPTIONS = words("基礎年金番号", "年金番号", "年金手帳", "pension number", "pension no")
OTHER_NUMBERS = words(*REFERENCE_WORDS)

# Letters and a hyphen right before the digits: part of a longer code, not a pension number.
CODE_BEFORE = re.compile(r"[A-Za-z]-$")
# A nationwide dial number in the 4-6 shape ("行政苦情110番　0570-090110"): a phone, unless the
# number's own caption calls it a pension number.
SERVICE_DIAL = re.compile(r"0(?:570|120|800|180|990)")
SCORE_SHAPE = 0.6  # the 4-6 grouping is distinctive of pension numbers
SCORE_WITH_CONTEXT = 0.95
SCORE_OTHER_CAPTION = 0.3


class PensionNumberRecognizer(IdentifierRecognizer):
    ENTITY = "JP_PENSION_NUMBER"

    def candidates(self, text: str, norm: str) -> Iterator[Candidate]:
        for pattern, grouped in ((GROUPED, True), (PLAIN, False)):
            for match in pattern.finditer(norm):
                start, end = match.span()
                if not bounded(norm, start, end, joiners=joiners_of(match.group())):
                    continue
                if CODE_BEFORE.search(norm, 0, start):
                    continue  # the tail of a policy or order code ("証券番号：JTA-2025-004417")
                window = context_of(text, start, end, before=30)
                if SERVICE_DIAL.match(norm, start) and not window.find(CAPTIONS):
                    continue
                if word := window.find(CONTEXT if grouped else CAPTIONS):
                    score = SCORE_WITH_CONTEXT
                    why = with_context("4+6 digits, the shape of a basic pension number", word)
                elif not grouped:
                    continue  # ten digits alone are a phone or an order number
                elif other := window.find(OTHER_NUMBERS, after=False):
                    score, why = SCORE_OTHER_CAPTION, f"4+6 digits, but captioned {other}"
                else:
                    score, why = SCORE_SHAPE, "4+6 digits, the shape of a basic pension number"
                pattern_name = "pension_4_6" if grouped else "pension_10_digits"
                yield Candidate(start, end, score, pattern_name, why)
