"""BANK_ACCOUNT: a 7-digit account number with account context, or a ゆうちょ 記号-番号 pair.

The span is the account number only, never the bank or branch name.
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
from mailgate.policy.text import normalise

ACCOUNT = re.compile(r"\d{7}")
# ゆうちょ銀行: a 5-digit 記号 starting with 1 and a 番号 of up to 8 digits. Alone the
# shape is weak (a money range "10000-20000" has it); ゆうちょ context makes it an account.
YUCHO_PAIR = re.compile(r"1\d{4}-\d{1,8}")
# 振替口座: 記号 (5 digits starting with 0), 加入者区分 (1 digit), 番号 (up to 6 digits).
YUCHO_TRANSFER = re.compile(r"0\d{4}-\d-\d{1,6}")
YUCHO_CAPTIONED = re.compile(r"記号\s*[:：]?\s*(1\d{4})\s*[、,・/]?\s*番号\s*[:：]?\s*(\d{1,8})")

ACCOUNT_CAPTIONS = words(
    "口座番号", "口座", "account number", "account no", "acct", "a/c", "bank account"
)
ACCOUNT_TYPES = words("普通", "当座", "貯蓄", "預金", "支店", "savings", "checking", "branch")
YUCHO = words("ゆうちょ", "郵便貯金", "貯金", "振替", "通帳", "口座", "japan post bank", "yucho")

SCORE_CAPTIONED = 0.9
SCORE_ACCOUNT_TYPE = 0.8
SCORE_YUCHO_PAIR = 0.4
SCORE_YUCHO_WITH_CONTEXT = 0.95


class BankAccountRecognizer(IdentifierRecognizer):
    ENTITY = "BANK_ACCOUNT"

    def candidates(self, text: str, norm: str) -> Iterator[Candidate]:
        yield from self._accounts(text, norm)
        yield from self._yucho(text, norm)

    def _accounts(self, text: str, norm: str) -> Iterator[Candidate]:
        for match in ACCOUNT.finditer(norm):
            start, end = match.span()
            if not bounded(norm, start, end):
                continue
            window = context_of(text, start, end, before=30, after=0)
            if word := window.find(ACCOUNT_CAPTIONS):
                score = SCORE_CAPTIONED
            elif word := window.find(ACCOUNT_TYPES):
                score = SCORE_ACCOUNT_TYPE
            else:
                continue  # seven digits alone are anything
            yield Candidate(
                start,
                end,
                score,
                "account_7_digits",
                with_context("a 7-digit account number", word),
            )

    def _yucho(self, text: str, norm: str) -> Iterator[Candidate]:
        for match in YUCHO_PAIR.finditer(norm):
            start, end = match.span()
            if not bounded(norm, start, end):
                continue
            word = context_of(text, start, end, before=30).find(YUCHO) or _bank_above(text, start)
            score = SCORE_YUCHO_WITH_CONTEXT if word else SCORE_YUCHO_PAIR
            why = with_context(
                "a ゆうちょ 記号-番号 pair (5 digits starting with 1, then the number)", word
            )
            yield Candidate(start, end, score, "yucho_pair", why)
        for match in YUCHO_TRANSFER.finditer(norm):
            start, end = match.span()
            if not bounded(norm, start, end):
                continue
            if word := context_of(text, start, end, before=30).find(YUCHO):
                why = with_context("a ゆうちょ 振替口座 number (記号-区分-番号)", word)
                yield Candidate(start, end, SCORE_YUCHO_WITH_CONTEXT, "yucho_transfer", why)
        for match in YUCHO_CAPTIONED.finditer(norm):
            start, end = match.start(1), match.end(2)
            # 記号・番号 also caption a health insurance card; only ゆうちょ context makes it an account.
            if word := context_of(text, match.start(), end, before=30).find(YUCHO):
                why = with_context("a ゆうちょ 記号 and 番号", word)
                yield Candidate(start, end, SCORE_YUCHO_WITH_CONTEXT, "yucho_captioned", why)


def _bank_above(text: str, start: int) -> str | None:
    """ゆうちょ named on one of the two lines above, in a captioned block
    ("金融機関：ゆうちょ銀行" / "記号・番号：14160-23456781"), where context_of stops at the
    number's own caption."""
    line_start = text.rfind("\n", 0, start) + 1
    above_start = line_start
    for _ in range(2):
        if above_start == 0:
            break
        above_start = text.rfind("\n", 0, above_start - 1) + 1
    above = normalise(text[above_start:line_start]).casefold()
    return next((w for w in ("ゆうちょ", "japan post bank", "yucho") if w in above), None)
