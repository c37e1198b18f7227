"""JP_PASSPORT: a 旅券番号, two capital letters and seven digits."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailgate.policy.recognizers.numbers import (
    Candidate,
    IdentifierRecognizer,
    bounded,
    context_of,
    with_context,
    words,
)

PATTERN = re.compile(r"[A-Z]{2}\d{7}")

CONTEXT = words("旅券", "パスポート", "passport", "pass no", "travel document")

CONTEXT_BEFORE = 120  # characters before the number searched for the caption
SCORE_SHAPE = 0.45  # product and form codes share the shape
SCORE_WITH_CONTEXT = 0.95


class PassportRecognizer(IdentifierRecognizer):
    ENTITY = "JP_PASSPORT"

    def candidates(self, text: str, norm: str) -> Iterator[Candidate]:
        for match in PATTERN.finditer(norm):
            start, end = match.span()
            if not bounded(norm, start, end):
                continue
            # English puts the caption further away ("the passport presented … was No. TK…"),
            # up to the sentence before ("…do not send passport details by e-mail. We have noted
            # the number you wrote in your message (TR…)").
            word = context_of(text, start, end, before=CONTEXT_BEFORE).find(CONTEXT)
            score = SCORE_WITH_CONTEXT if word else SCORE_SHAPE
            why = with_context(
                "two capital letters and seven digits, the shape of a passport number", word
            )
            yield Candidate(start, end, score, "passport_2_letters_7_digits", why)
