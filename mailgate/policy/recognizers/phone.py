"""PHONE_NUMBER: Japanese fixed, mobile, IP and toll-free numbers, and international (+) numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from mailgate.policy.recognizers.numbers import (
    Candidate,
    IdentifierRecognizer,
    bounded,
    context_of,
    digits_of,
    with_context,
    words,
)

# Domestic numbers as written in Japan (normalised text): 03-5432-1234,
# 090 1234 5678, 03(5432)1234, (03)5432-1234, 0120-123-456, 0354321234.
DOMESTIC = re.compile(
    r"""
      (?P<paren_area>\(0\d{1,4}\)\ ?\d{1,4}[-\ ]?\d{3,4})
    | (?P<paren_exchange>0\d{1,4}\(\d{1,4}\)\d{3,4})
    | (?P<grouped>0\d{1,4}(?P<sep>[-\ ])\d{1,4}(?P=sep)\d{3,4})
    | (?P<plain>0\d{9,10})
    """,
    re.VERBOSE,
)
GROUPS = re.compile(r"\d+")
# Where an international number starts; phonenumbers decides what it is.
INTERNATIONAL = re.compile(r"\+\d[\d ()\-.]{5,22}\d")

# 11-digit numbers: mobile (070/080/090), IP phone (050), M2M/pager (020/060), free dial 0800.
ELEVEN_DIGIT_PREFIXES = ("070", "080", "090", "050", "020", "060", "0800")
# Toll-free and navigation-dial numbers group as 0120-123-456 or 0120-12-3456.
SERVICE_PREFIXES = ("0120", "0570", "0990")

CONTEXT = words(
    "電話",
    "tel",
    "fax",
    "携帯",
    "ケータイ",
    "連絡先",
    "ご連絡",
    "ダイヤル",
    "内線",
    "phone",
    "mobile",
    "cell",
    "call",
    "reached",
    "contact",
)

SCORE_GROUPED = 0.75
SCORE_PLAIN = 0.4
SCORE_WITH_CONTEXT = 0.95
SCORE_PLAIN_WITH_CONTEXT = 0.85
SCORE_INTERNATIONAL_VALID = 0.75
SCORE_INTERNATIONAL_POSSIBLE = 0.5


def is_domestic(number: str, groups: list[str]) -> bool:
    """True when the digits and their grouping fit the Japanese numbering plan."""
    if len(number) == 11:
        if not number.startswith(ELEVEN_DIGIT_PREFIXES):
            return False
        return len(groups) == 1 or (len(groups[-1]) == 4 and len(groups[0]) in (3, 4))
    if len(number) != 10 or number[1] == "0" or number.startswith(ELEVEN_DIGIT_PREFIXES):
        return False
    if len(groups) == 1:
        return True
    if number.startswith(SERVICE_PREFIXES):
        return groups[0] in SERVICE_PREFIXES
    # Fixed lines: area code and exchange together are 6 digits, then 4 subscriber digits.
    return len(groups[-1]) == 4 and sum(len(group) for group in groups[:-1]) == 6


class PhoneRecognizer(IdentifierRecognizer):
    ENTITY = "PHONE_NUMBER"

    def candidates(self, text: str, norm: str) -> Iterator[Candidate]:
        yield from self._domestic(text, norm)
        if "+" in norm:
            yield from self._international(text, norm)

    def _domestic(self, text: str, norm: str) -> Iterator[Candidate]:
        for match in DOMESTIC.finditer(norm):
            start, end = match.span()
            if start > 0 and norm[start - 1] == "+":
                continue
            joiners = "- " if match.group("sep") == " " else "-"
            if not bounded(norm, start, end, letters=False, joiners=joiners):
                continue
            groups = GROUPS.findall(match.group())
            number = "".join(groups)
            if not is_domestic(number, groups):
                continue
            word = context_of(text, start, end).find(CONTEXT)
            kind = match.lastgroup or "plain"
            if kind == "plain":
                score = SCORE_PLAIN_WITH_CONTEXT if word else SCORE_PLAIN
                why = with_context(
                    f"{len(number)} digits fitting the Japanese numbering plan", word
                )
            else:
                score = SCORE_WITH_CONTEXT if word else SCORE_GROUPED
                why = with_context(
                    f"a Japanese phone number written {kind.replace('_', ' ')}", word
                )
            yield Candidate(start, end, score, f"jp_phone_{kind}", why, validation_result=True)

    def _international(self, text: str, norm: str) -> Iterator[Candidate]:
        for found in INTERNATIONAL.finditer(norm):
            if found.start() > 0 and norm[found.start() - 1] in "0123456789+":
                continue
            segment = norm[found.start() : found.end()]
            for match in PhoneNumberMatcher(segment, None, leniency=Leniency.POSSIBLE):
                if match.start != 0:
                    continue
                start, end = found.start(), found.start() + match.end
                valid = phonenumbers.is_valid_number(match.number)
                region = phonenumbers.region_code_for_number(match.number) or "unknown region"
                word = context_of(text, start, end).find(CONTEXT)
                if valid:
                    score = SCORE_WITH_CONTEXT if word else SCORE_INTERNATIONAL_VALID
                    why = f"a valid international number ({region}, {len(digits_of(match.raw_string))} digits)"
                else:
                    score = SCORE_INTERNATIONAL_POSSIBLE
                    why = "a possible international number the numbering plan does not confirm"
                yield Candidate(
                    start,
                    end,
                    score,
                    "international_phone",
                    with_context(why, word),
                    validation_result=valid,
                )
                break
