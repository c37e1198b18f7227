"""DATE_OF_BIRTH: a date in any Japanese or English form, reported only with birth context.

Meeting and event dates have the same shapes; what makes a date a birth date
is its caption (生年月日, 誕生日, born, DOB), a following 生まれ/生, or an age
(45歳) next to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from mailgate.policy.recognizers.numbers import (
    Candidate,
    IdentifierRecognizer,
    bounded,
    context_of,
    words,
)

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(?P<month_name>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"

# Era spans in Western years: the era's first year and its last year number.
ERAS = {
    "明治": (1868, 45),
    "大正": (1912, 15),
    "昭和": (1926, 64),
    "平成": (1989, 31),
    "令和": (2019, 99),
}
ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}

_KANJI = "[一二三四五六七八九十〇]"
KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}


def number(written: str) -> int:
    """A number written in ASCII digits or kanji numerals: "11", "十一", "五十二", "一九八九"."""
    if written.isascii():
        return int(written)
    tens, ten, ones = written.partition("十")
    if ten:
        if len(tens) > 1 or len(ones) > 1 or "十" in ones:
            return 0  # not a number ("十十"): 0 is no year, month or day
        return KANJI_DIGITS.get(tens, 1) * 10 + KANJI_DIGITS.get(ones, 0)
    value = 0
    for digit in written:
        value = value * 10 + KANJI_DIGITS[digit]
    return value


# (pattern name, compiled pattern); groups: era | year, month | month_name, day.
PATTERNS = [
    (
        "era_kanji",
        re.compile(
            r"(?P<era>明治|大正|昭和|平成|令和)\s*(?P<year>元|\d{1,2})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"
        ),
    ),
    (
        # Written in kanji numerals: "平成元年十一月三日", "昭和五十二年四月三日".
        "era_kanji_numerals",
        re.compile(
            rf"(?P<era>明治|大正|昭和|平成|令和)\s*(?P<year>元|{_KANJI}{{1,3}})\s*年\s*"
            rf"(?P<month>{_KANJI}{{1,2}})\s*月\s*(?P<day>{_KANJI}{{1,3}})\s*日"
        ),
    ),
    (
        # "一九八九年十一月三日", "二〇〇一年四月一日"
        "western_kanji_numerals",
        re.compile(
            r"(?P<year>[一二三四五六七八九〇]{4})\s*年\s*"
            rf"(?P<month>{_KANJI}{{1,2}})\s*月\s*(?P<day>{_KANJI}{{1,3}})\s*日"
        ),
    ),
    (
        "era_letter",
        re.compile(
            r"(?P<era>[MTSHR])\.?\s?(?P<year>\d{1,2})[./-](?P<month>\d{1,2})[./-](?P<day>\d{1,2})"
        ),
    ),
    (
        "western_kanji",
        re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日"),
    ),
    (
        "western_numeric",
        re.compile(r"(?P<year>\d{4})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"),
    ),
    (
        "day_month_year_numeric",
        re.compile(r"(?P<day>\d{1,2})(?P<sep>[/.])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})"),
    ),
    (
        "english_day_month_year",
        re.compile(
            rf"(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})",
            re.IGNORECASE,
        ),
    ),
    (
        "english_month_day_year",
        re.compile(
            rf"{_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})", re.IGNORECASE
        ),
    ),
]

CAPTIONS = words(
    "生年月日",
    "誕生日",
    "出生",
    "生まれ",
    "生年",
    "date of birth",
    "birth",
    "born",
    "dob",
    "d.o.b",
)
# Events named after birthdays are dated, but the date is the event's.
EVENTS = words("誕生日会", "誕生会", "birthday party")
# 生まれ / 生 right after the date: "（平成27年10月15日生まれ）", "昭和52年4月3日生", "…のお生まれ".
BIRTH_SUFFIX = re.compile(r"^[\s)）]*(?:のお?)?(生まれ|産まれ|生(?![^\s)）、,。]))|^[\s,)]*\(?born")
AGE = re.compile(r"\d{1,3}\s*[歳才]|\(\s*age\s*\d{1,3}|aged\s*\d{1,3}")
# A date an age is counted at is a reference date: "令和7年4月1日時点で満1歳以上", "4月1日現在で".
REFERENCE_DATE = re.compile(r"^\s*(?:の)?(?:時点|現在|において|付け?で|まで(?:に|の))")

# A date that opens or closes a range is a group's condition: "40歳から74歳の方（昭和26年4月1日
# から昭和61年3月31日までの間に生まれた方）".
RANGE_BOUND = re.compile(r"^\s*(?:から|～|〜|~|までの間|以降|以前)")

# A date with its weekday is a calendar day (an election, a meeting), not a birth date, even
# next to "誕生日" in the sentence before: "令和7年7月20日（日）執行予定の…選挙".
WEEKDAY_AFTER = re.compile(
    r"^\s*[（(]\s*(?:[日月火水木金土](?:曜日?)?|(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat)[a-z]*\.?)\s*[）)]"
    r"(?!\s*(?:のお?)?(?:生まれ|産まれ|生))",
    re.IGNORECASE,
)

SCORE_WITH_CONTEXT = 0.9


def western_year(match: re.Match[str]) -> int | None:
    """The Western year of a matched date, or None when the era year is out of range."""
    era = match.groupdict().get("era")
    if era is None:
        return number(match.group("year"))
    era = ERA_LETTERS.get(era.upper(), era)
    first_year, last = ERAS[era]
    year = 1 if match.group("year") == "元" else number(match.group("year"))
    return first_year + year - 1 if 1 <= year <= last else None


def is_plausible(match: re.Match[str]) -> bool:
    """A real calendar date that could be someone's birth date (not in the future)."""
    year = western_year(match)
    groups = match.groupdict()
    month = (
        MONTHS[groups["month_name"].casefold()]
        if groups.get("month_name")
        else number(groups["month"])
    )
    if year is None or not 1868 <= year <= date.today().year:
        return False
    try:
        return date(year, month, number(groups["day"])) <= date.today()
    except ValueError:
        return False


def birth_context(text: str, start: int, end: int) -> str | None:
    """What marks the date as a birth date, if anything."""
    window = context_of(text, start, end, before=25, after=10)
    if WEEKDAY_AFTER.match(window.after):
        return None
    if (word := window.find(CAPTIONS, after=False)) and not window.find(EVENTS, after=False):
        return word
    if suffix := BIRTH_SUFFIX.search(window.after):
        return suffix.group().strip(" )）,(")
    # An age right next to the date: "1978年11月5日（45歳）", "45歳（1978年11月5日）".
    if REFERENCE_DATE.match(window.after) or RANGE_BOUND.match(window.after):
        return None
    if age := AGE.search(window.after) or AGE.search(window.before[-12:]):
        return age.group()
    return None


class BirthDateRecognizer(IdentifierRecognizer):
    ENTITY = "DATE_OF_BIRTH"

    def candidates(self, text: str, norm: str) -> Iterator[Candidate]:
        # All forms' matches in text order, the longest first where two start together,
        # so that each date is read once, in its most complete form.
        matches = sorted(
            ((match, name) for name, pattern in PATTERNS for match in pattern.finditer(norm)),
            key=lambda item: (item[0].start(), -item[0].end()),
        )
        reported_until = 0
        for match, pattern_name in matches:
            start, end = match.span()
            if start < reported_until:
                continue
            if not bounded(norm, start, end, joiners="-/.") or not is_plausible(match):
                continue
            word = birth_context(text, start, end)
            if word is None:
                continue  # a meeting or event date
            reported_until = end
            why = f"a date ({pattern_name.replace('_', ' ')}) with the birth context {word}"
            yield Candidate(
                start, end, SCORE_WITH_CONTEXT, pattern_name, why, validation_result=True
            )
