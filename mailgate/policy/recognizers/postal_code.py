"""JP_POSTAL_CODE: the 7-digit 郵便番号 written ddd-dddd, reported without the 〒 sign."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailgate.policy.recognizers.numbers import (
    REFERENCE_WORDS,
    Candidate,
    IdentifierRecognizer,
    bounded,
    context_of,
    with_context,
    words,
)

HYPHENATED = re.compile(r"\d{3}-\d{4}")
# Without the hyphen, seven digits are a postal code only right after 〒.
MARKED_PLAIN = re.compile(r"〒\s*(\d{7})")

CONTEXT = words("〒", "郵便番号", "郵便", "postal code", "post code", "postcode", "zip")
# A code followed by a prefecture, city or ward name starts an address.
ADDRESS_FOLLOWS = re.compile(
    r"^[\s,]*(\S{0,6}[都道府県市区町村郡]|tokyo|japan|[a-z]+-(ku|shi|cho|machi)\b)"
)
# In Western order the prefecture comes first: "Setagaya-ku, Tokyo 154-8504".
ADDRESS_PRECEDES = re.compile(r"(tokyo|osaka|kyoto|hokkaido|-ken|-fu|-to|japan)[,\s]*$")

# Product, order and form numbers share the 3-4 shape.
OTHER_NUMBERS = words("品番", "型番", "番号", "no.", *REFERENCE_WORDS)

SCORE_BARE = 0.55
SCORE_OTHER_CAPTION = 0.3
SCORE_ADDRESS_FOLLOWS = 0.8
SCORE_WITH_CONTEXT = 0.95


class PostalCodeRecognizer(IdentifierRecognizer):
    ENTITY = "JP_POSTAL_CODE"

    def candidates(self, text: str, norm: str) -> Iterator[Candidate]:
        for match in HYPHENATED.finditer(norm):
            start, end = match.span()
            if bounded(norm, start, end, letters=False):
                yield self._scored(text, start, end, "postal_code_hyphenated")
        for match in MARKED_PLAIN.finditer(norm):
            start, end = match.span(1)
            if bounded(norm, start, end, letters=False):
                yield self._scored(text, start, end, "postal_code_after_mark")

    def _scored(self, text: str, start: int, end: int, pattern_name: str) -> Candidate:
        window = context_of(text, start, end, before=16)
        word = window.find(CONTEXT, after=False)
        if word:
            score, why = SCORE_WITH_CONTEXT, with_context("a 3+4-digit postal code", word)
        elif ADDRESS_FOLLOWS.match(window.after) or ADDRESS_PRECEDES.search(window.before):
            score, why = SCORE_ADDRESS_FOLLOWS, "a 3+4-digit postal code next to an address"
        elif other := window.find(OTHER_NUMBERS, after=False):
            score, why = (
                SCORE_OTHER_CAPTION,
                f"the 3+4-digit shape of a postal code, but captioned {other}",
            )
        else:
            score, why = SCORE_BARE, "the 3+4-digit shape of a postal code"
        return Candidate(start, end, score, pattern_name, why)
