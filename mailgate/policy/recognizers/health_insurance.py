"""JP_HEALTH_INSURANCE: the 記号 and 番号 of a 被保険者証, or an 8-digit 被保険者番号.

Only the number parts are reported; the captions stay readable in a masked text.
"""

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

# A 記号 is digits, sometimes after a short kanji or kana prefix (緑12, 国保3, 楪国 12).
SYMBOL = r"(?:[\u3040-\u30ff\u4e00-\u9fff]{1,3}[ \u3000]?)?[\d\-]{1,10}"
# 記号 1234 番号 56 (枝番 01): the captions identify the card by themselves.
CAPTIONED = re.compile(
    r"記号\s*[:：]?\s*(?P<symbol>"
    + SYMBOL
    + r")\s*[、,・/]?\s*番号\s*[:：]?\s*(?P<number>\d{1,10})"
    r"(?:\s*[、,・/]?\s*枝番\s*[:：]?\s*(?P<branch>\d{1,2}))?"
)
# 記号・番号（28・104597）: both captions first, then the two numbers (also 「記号・番号の欄が
# 「21483・1093」」, a form's field quoted back).
CAPTIONS_FIRST = re.compile(
    r"記号\s*[・･/、と]\s*番号\s*(?:の?欄)?(?:は|が|[:：])?\s*[（(「『]?\s*(?P<symbol>"
    + SYMBOL
    + r")\s*[・･/\-]\s*(?P<number>\d{1,10})"
)
# 12-345678: the symbol-number pair written with a hyphen, or 8 (介護保険: 10) digits.
PAIR = re.compile(r"\d{1,8}-\d{1,8}")
NUMBER = re.compile(r"\d{10}|\d{8}")

CONTEXT = words(
    "被保険者証",
    "被保険者番号",
    "被保険者記号",
    "保険証",
    "資格確認書",
    "健康保険",
    "国民健康保険",
    "介護保険",
    "後期高齢者医療",
    "insurance card",
    "health insurance",
    "insured person",
)
# Bare numbers need a caption of the card itself: 健康保険 alone also names departments.
CARD = words(
    "被保険者証",
    "被保険者番号",
    "被保険者記号",
    "保険証",
    "資格確認書",
    "insurance card",
    "insured person",
)
# ゆうちょ accounts are also written 記号・番号.
BANK = words("ゆうちょ", "貯金", "振替", "口座")

MIN_PAIR_LENGTH = 7  # characters, hyphen included: the shortest pairs are like 12-3456
SCORE_CAPTIONED = 0.85
SCORE_CAPTIONED_WITH_CONTEXT = 0.95
SCORE_WITH_CONTEXT = 0.85


class HealthInsuranceRecognizer(IdentifierRecognizer):
    ENTITY = "JP_HEALTH_INSURANCE"

    def candidates(self, text: str, norm: str) -> Iterator[Candidate]:
        captioned: set[int] = set()  # positions inside 記号…番号 already reported
        for match in (*CAPTIONED.finditer(norm), *CAPTIONS_FIRST.finditer(norm)):
            window = context_of(text, match.start(), match.end(), before=30)
            word = window.find(CONTEXT)
            if word is None and window.find(BANK):
                continue
            score = SCORE_CAPTIONED_WITH_CONTEXT if word else SCORE_CAPTIONED
            captioned.update(range(*match.span()))
            for part in ("symbol", "number", "branch"):
                if part in match.groupdict() and match.group(part):
                    why = with_context(f"the {part} of an insurance card after its caption", word)
                    start, end = match.span(part)
                    yield Candidate(start, end, score, f"insurance_{part}", why)
        for pattern, pattern_name in (
            (PAIR, "insurance_symbol_number"),
            (NUMBER, "insured_person_number"),
        ):
            for match in pattern.finditer(norm):
                start, end = match.span()
                if start in captioned or not bounded(norm, start, end):
                    continue
                if len(match.group()) < MIN_PAIR_LENGTH:
                    continue  # "10-15日" is a range, not a card
                word = context_of(text, start, end, before=30).find(CARD, after=False)
                if word is None:
                    continue  # numbers of these shapes are everywhere
                why = f"{pattern_name.replace('_', ' ')} with the context word {word}"
                yield Candidate(start, end, SCORE_WITH_CONTEXT, pattern_name, why)
