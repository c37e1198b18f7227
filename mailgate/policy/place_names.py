"""Place names the NER reads as persons: the municipality and districts the mail itself names.

GiNZA tags parts of a town's name as a person now and then (雲|雀野東|線, 笹生 of 笹生1190番地).
The mail says which names are places: "X市", "…県X町", "X1190番地", "X地区", and "Xの「屋号」";
a name equal to one of those, or cut out of one, is that place — unless an honorific follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mailgate.policy.findings import Role

# A municipality the mail names ("長野県雲雀野市本町", "雲雀野市 こども未来部"): its name
# without 市/区/町/村, after any prefecture (cut off by PREFECTURE). The name must start a word
# and 市/区 end one (not 市長: "小島 和子副市長"); 町/村 end so many surnames (野々村 聡, 中村)
# that they count only before 役場/民/立 (not 町内会) or after a prefecture or 郡.
_PLACE_CHARS = r"[\u4e00-\u9fff々ヶァ-ヺー]"
MUNICIPALITY = re.compile(
    rf"(?<!{_PLACE_CHARS})({_PLACE_CHARS}{{2,7}}?)"
    r"(?:(?:市|区)(?=役所|役場|民|立|内|の|は|で|が|に|へ|と|も|や|本町|国民|保健|教育|消防|水道|"
    r"[\s、。，,）)」』・]|$)|(?:町|村)(?=役場|役所|民|立))"
)
TOWN_AFTER_PREFECTURE = re.compile(rf"[県府郡]({_PLACE_CHARS}{{2,5}}?)(?:町|村)")
PREFECTURE = re.compile(r"^.*?(?:県|府|北海道|東京都)")

# Districts of the town the mail names by their use ("笹生1190番地", "奥杣地区", "笹生温泉"):
# a bare name equal to one, with no honorific, is that place.
DISTRICT = re.compile(
    r"(?<![\u4e00-\u9fff々ヶァ-ヺー])([\u4e00-\u9fff々ヶァ-ヺー]{2,4}?)"
    r"(?=(?:・[\u4e00-\u9fff々ヶァ-ヺー]{1,4})*(?:[0-9０-９]+番地|地区|支所|集落|温泉|地域|分団|区長|"
    r"公民館|小学校|中学校|駅))"
)


def municipalities(text: str) -> tuple[str, ...]:
    """The names of the municipalities `text` mentions, longest first."""
    names = {PREFECTURE.sub("", m.group(1)) for m in MUNICIPALITY.finditer(text)}
    names |= {
        m.group(1)
        for m in TOWN_AFTER_PREFECTURE.finditer(text)
        if not any(kind in m.group(1) for kind in "市区郡")
    }
    return tuple(sorted((n for n in names if len(n) >= 2), key=len, reverse=True))


def district_names(text: str) -> frozenset[str]:
    """The districts `text` names as places (笹生 of 笹生1190番地, 奥杣地区)."""
    return frozenset(m.group(1) for m in DISTRICT.finditer(text))


def cut_from_place(text: str, start: int, end: int, places: Iterable[str]) -> bool:
    """A NER span that starts or ends inside a municipality's name as written in the text, or
    holds that name with 市/区 (a name that merely equals a place name is still a name)."""
    for place in places:
        at = text.find(place, max(0, start - len(place)), end + len(place))
        while at != -1 and at < end:
            stop = at + len(place)
            if at < start < stop or at < end < stop:
                return True
            if start <= at and stop < end and text[stop] in "市区":
                return True
            at = text.find(place, at + 1, end + len(place))
    return False


def place_before_a_name(text: str, end: int, persons: list[tuple[int, int, Role]]) -> bool:
    """A bare name followed by の and a quoted house name or another person's name is where
    they live ("笹生の「油屋」", "笹生の瓜生 スミさん"), not a person: nobody is written
    "山田の鈴木さん"."""
    if text[end : end + 1] != "の":
        return False
    return text[end + 1 : end + 2] in ("「", "『") or any(
        p_start == end + 1 for p_start, _, _ in persons
    )
