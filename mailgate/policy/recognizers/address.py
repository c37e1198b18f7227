"""POSTAL_ADDRESS: Japanese addresses (also over two lines) and Western-style overseas ones.

A Japanese address needs a municipality (市区町村, optionally after the
prefecture) or an address caption (住所, 所在地) and then a block number in
one of the forms mail uses: 4丁目3番24号, 四丁目21番27号, 3丁目35番地8,
3-18-13; a building and room may follow (ハイツ三軒茶屋408号室). A line break
may fall after the town or after 丁目; the span then covers both lines. The
postal code before it is not part of the span (it is JP_POSTAL_CODE). Text is
matched in its normalised form (full-width digits and dashes folded), which
has the original's offsets. GiNZA's Postal_Address entities add addresses the
patterns miss, when they hold a block number.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from mailgate.policy.recognizers.results import tagged_result

ENTITY = "POSTAL_ADDRESS"

# Place names take ノ and ケ too (鵜ノ瀬町, 楢ケ丘).
_KANJI = r"[\u3400-\u9fff\uf900-\ufaff々〆ヶケノ]"
_TOWN = r"[\u3400-\u9fff\uf900-\ufaff々〆ヶぁ-んァ-ヶー]{1,8}?"
_NUM = r"[0-9一二三四五六七八九十]+"
_BREAK = r"(?:[ \u3000]*\n[ \u3000]*)?"  # an address may continue on the next line
_BLOCK = (
    rf"(?:(?:{_NUM}条[東西南北]?)?{_NUM}丁目{_BREAK}(?:{_NUM}番(?:地)?(?:の?{_NUM}号?)?|\d+(?:-\d+){{0,2}})?"
    rf"|{_NUM}番地?(?:の?{_NUM}号?)?"
    # (a house number never starts with 0: "東町交番の電話番号は0547-33-0110" is a phone)
    rf"|(?!0)\d+(?:-\d+){{1,3}}(?:号)?)"
)
_BUILDING = rf"(?:[ \u3000]?[ァ-ヶーA-Za-z・{_KANJI[1:-1]}]{{2,20}}?[ \u3000]?\d{{1,4}}(?:号室|号|階)?(?![\d-])|[ \u3000]?\d{{1,4}}号室)?"
_PREF = rf"(?:東京都|北海道|(?:京都|大阪)府|{_KANJI}{{2,3}}県)"
_MUNI = rf"(?:{_KANJI}{{1,5}}?(?:市|区|町|村|郡)){{1,2}}"

JAPANESE = re.compile(
    rf"{_PREF}?[ \u3000]?{_MUNI}[ \u3000]?(?:{_TOWN})?{_BREAK}{_BLOCK}{_BUILDING}"
)
CAPTIONED = re.compile(
    rf"(?:住所|所在地|居所|送付先|お届け先)[ \u3000]*[:は]?[ \u3000]*({_TOWN}{_BLOCK}{_BUILDING})"
)
# A town's district and its lot number, without the municipality ("奥杣341番地", "樺ノ木118番地"):
# how a small town writes its residents' addresses to each other.
DISTRICT_LOT = re.compile(rf"(?<!{_KANJI}){_KANJI}{{2,4}}?{_NUM}番地(?:の?{_NUM}号?)?")
# A town, its 丁目 and a house number, without the municipality ("汐見中央四丁目5-8"): the
# house number makes it a residence, not an area.
TOWN_CHOME = re.compile(
    # (a town name may hold が: 旭が丘, 希望が丘)
    rf"(?<!{_KANJI})(?:{_KANJI}{{1,3}}が{_KANJI}{{1,6}}?|{_KANJI}{{2,6}}?){_NUM}丁目"
    rf"(?:{_NUM}番地?(?:の?{_NUM}号?)?|\d+-\d+(?:-\d+)?)"
)
# Leading caption words the lazy municipality pattern can swallow (住所世田谷区… -> 所世田谷区…).
CAPTION_PREFIX = re.compile(r"^(?:現?住所|所|所在地|在地|居所|宛先|送付先|届け先|は|:)+")

_STREET = (
    r"(?:Street|St\.?|Avenue|Ave\.?|Boulevard|Blvd\.?|Road|Rd\.?|Drive|Dr\.?|Lane|Ln\.?|Way|Court|Ct\.?|"
    r"Place|Pl\.?|Terrace|Parkway|Pkwy\.?|Highway|Hwy\.?|Square|Sq\.?|Crescent|Close|Row|Strasse|Straße|"
    # British and Commonwealth street names: 14 Elm Grove, 3 Kings Mews, 8 Church Walk.
    r"Grove|Gardens|Mews|Walk|Rise|Hill|Green|Circus|Circle|Parade|Esplanade|Quay|Wharf|Alley|"
    r"Trail|Loop|Vale|View|Heights)"
)
_SEP = r"(?:,[ ]*|[ ]*\n[ ]*)"
_COUNTRY = (
    r"(?:U\.S\.A\.?|USA|U\.S\.|United States(?: of America)?|Canada|U\.K\.|UK|United Kingdom|England|Australia|"
    r"New Zealand|Germany|France|Ireland|Singapore|Philippines|India|Japan)"
)
WESTERN = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?(?:[ ]+[A-Z][A-Za-z.'\-]*){{1,4}}[ ]+{_STREET}(?![A-Za-z])"
    rf"(?:{_SEP}(?:Apt\.?|Apartment|Suite|Unit|Flat|#)[ ]*[\w\-]+)?"
    rf"(?:{_SEP}[A-Z][a-z][A-Za-z.'\-]*(?:[ ][A-Z][a-z][A-Za-z.'\-]*){{0,3}}){{0,2}}"
    rf"(?:{_SEP}?[ ]*(?:[A-Z]{{2}}[ ]+)?\d{{5}}(?:-\d{{4}})?|(?:{_SEP}|[ ])[A-Z]{{1,2}}\d[A-Z\d]?[ ]\d[A-Z]{{2}})?"
    rf"(?:{_SEP}{_COUNTRY}(?![A-Za-z]))?"
)
# Addresses abroad that name no street ("Thon 4, Xa Hai Phong, Huyen Hai Hau,\n Nam Dinh
# Province, Vietnam"): capitalised parts, one with a number, ending in a country. Japan is
# left out: Japanese addresses in romaji have their own pattern (ROMAJI).
_ABROAD = (
    r"(?:Vietnam|Viet Nam|China|(?:South )?Korea|Taiwan|Thailand|Indonesia|Nepal|Brazil|Peru|"
    r"Myanmar|Sri Lanka|Bangladesh|Mongolia|Malaysia|Cambodia|Laos|Pakistan|Uzbekistan|Spain|"
    r"Italy|Portugal|Netherlands|Belgium|Sweden|Norway|Denmark|Finland|Poland|Mexico|Argentina|"
    r"Chile|Colombia|Bolivia|Kenya|Nigeria|Ghana|Egypt|Turkey|Iran|Russia|Ukraine|"
    r"U\.S\.A\.?|USA|United States(?: of America)?|Canada|U\.K\.|UK|United Kingdom|England|"
    r"Australia|New Zealand|Germany|France|Ireland|Singapore|Philippines|India)"
)
_PART = r"[A-Z0-9][\w.'’\-]*(?:[ ](?:[A-Z0-9][\w.'’\-]*|de|del|da|do|la|van|von)){0,4}"
ABROAD = re.compile(
    rf"(?<![\w,])(?:{_PART}(?:,[ ]*\n?[ ]*|[ ]*\n[ ]*)){{2,6}}{_ABROAD}(?![A-Za-z])"
)
# Continental European addresses: street then number, postcode then town ("Björkvägen 12,
# 752 36 Uppsala, Sweden", "Hauptstraße 5, 10115 Berlin"); not "Room 12, 2026 …".
CONTINENTAL = re.compile(
    r"\b(?:[A-ZÀ-Þ][A-Za-zÀ-ÿ'’-]+[ ])?"
    r"(?!(?:Room|Floor|Chapter|Section|Page|No|Gate|Exit|Line|Platform|Bus|Route|Counter)\b)"
    r"[A-ZÀ-Þ][A-Za-zÀ-ÿ'’-]{2,}[ ]\d{1,4}[A-Za-z]?,[ ]*"
    # a floor or flat between the street and the postcode ("Lindenstraße 42, 3rd floor, 50674 Köln")
    r"(?:(?:\d{1,2}(?:st|nd|rd|th)[ ]floor|(?:Apt\.?|Apartment|Flat|Wohnung)[ ]*\w{1,6}),[ ]*)?"
    r"(?:\d{3}[ ]?\d{2}|\d{4,5}|\d{2}-\d{3})[ ]+[A-ZÀ-Þ][A-Za-zÀ-ÿ'’-]+(?:,[ ]*[A-Z][a-z]+)?"
)
# Japanese addresses written in romaji: 4-21-27 Setagaya, Setagaya-ku, Tokyo 154-8504, or the
# district first: Hiruo 605-2, Unose-cho, Room 203.
ROMAJI = re.compile(
    r"(?:\b\d+(?:-\d+){1,2}[ ]+[A-Z][a-z]+(?:-[a-z]+)?|\b[A-Z][a-z]+[ ]+\d+(?:-\d+){0,2})"
    r",[ ]*[A-Z][a-z]+-(?:ku|shi|cho|machi|mura|gun)\b(?:,[ ]*(?:Room|Apt\.?|Unit|#)[ ]*\w+)?"
    r"(?:,[ ]*[A-Z][a-z]+(?:-(?:to|fu|ken))?)?(?:[ ]+\d{3}-\d{4})?"
)
# An area, not a residence: a span that stops at 丁目 (no block or house number), or one
# under an area caption (対象区域：, 地区：) or followed by の一部 / 全域.
AREA_ONLY = re.compile(rf"{_NUM}丁目$")
AREA_CAPTION = re.compile(
    # The caption ends in ：/は before a list of areas so far, or stands right before the address
    # ("…地域協議会の…会議でお話しした、…" is not an area caption).
    r"(対象区域|区域|対象地区|地区|対象地域|地域|エリア|範囲|一部|全域|付近|周辺)[ \u3000]*"
    r"(?:[:：は][ \u3000]*(?:[^\n:：。]{0,30}[・、,][ \u3000]*)?)?$"
)
AREA_AFTER = re.compile(
    r"^[ \u3000]*(?:[・、][^\n。]{0,15})?(?:の一部|一部|全域|付近|周辺|一帯|地内)"
)
AREA_SCORE = 0.3
NER_BLOCK = re.compile(r"\d+丁目|\d+番|\d+-\d+")
POSTAL_PREFIX = re.compile(r"^(?:〒?[ \u3000]*\d{3}-\d{4}[ \u3000]*)")


class JapaneseAddressRecognizer(EntityRecognizer):
    """Japanese, romaji and Western postal addresses, plus GiNZA's Postal_Address entities."""

    def __init__(self, supported_language: str = "ja") -> None:
        super().__init__(
            supported_entities=[ENTITY],
            supported_language=supported_language,
            name="JapaneseAddressRecognizer",
        )

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if ENTITY not in entities:
            return []
        spans: list[tuple[int, int, float, str]] = []
        for match in JAPANESE.finditer(text):
            trimmed = CAPTION_PREFIX.match(match.group().lstrip(" \u3000"))
            start = match.start() + len(match.group()) - len(match.group().lstrip(" \u3000"))
            start += trimmed.end() if trimmed else 0
            score = 0.9 if re.match(_PREF, text[start:]) else 0.85
            spans.append((start, _rstrip(text, start, match.end()), score, "japanese"))
        for pattern in (DISTRICT_LOT, TOWN_CHOME):
            for match in pattern.finditer(text):
                spans.append((match.start(), _rstrip(text, match.start(), match.end()), 0.7, "lot"))
        for match in CAPTIONED.finditer(text):
            spans.append(
                (match.start(1), _rstrip(text, match.start(1), match.end(1)), 0.75, "captioned")
            )
        for pattern, source in (
            (WESTERN, "western"),
            (ROMAJI, "romaji"),
            (CONTINENTAL, "continental"),
        ):
            for match in pattern.finditer(text):
                spans.append(
                    (match.start(), _rstrip(text, match.start(), match.end()), 0.85, source)
                )
        for match in ABROAD.finditer(text):
            if re.search(r"\d", match.group()):
                spans.append(
                    (match.start(), _rstrip(text, match.start(), match.end()), 0.8, "abroad")
                )
        if nlp_artifacts is not None:
            spans += self._from_ner(text, nlp_artifacts)
        return [
            tagged_result(self, ENTITY, a, b, _area_score(text, a, b, score), source)
            for a, b, score, source in _without_overlaps(spans)
        ]

    def _from_ner(
        self, text: str, nlp_artifacts: NlpArtifacts
    ) -> list[tuple[int, int, float, str]]:
        spans = []
        for ent in nlp_artifacts.entities:
            if ent.label_ != ENTITY or not NER_BLOCK.search(ent.text):
                continue
            prefix = POSTAL_PREFIX.match(ent.text)
            start = ent.start_char + (prefix.end() if prefix else 0)
            if start < ent.end_char:
                spans.append((start, _rstrip(text, start, ent.end_char), 0.6, "ginza"))
        return spans


def _area_score(text: str, start: int, end: int, score: float) -> float:
    """An area named only to 丁目, or under an area caption, is not someone's address."""
    value = text[start:end]
    if not re.search(r"\d+(?:-\d+)|番|号", value) and AREA_ONLY.search(value):
        return min(score, AREA_SCORE)
    line_start = text.rfind("\n", 0, start) + 1
    if AREA_CAPTION.search(text, line_start, start) or AREA_AFTER.match(text, end):
        return min(score, AREA_SCORE)
    return score


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \u3000\n,、。":
        end -= 1
    return end


def _without_overlaps(
    spans: list[tuple[int, int, float, str]],
) -> list[tuple[int, int, float, str]]:
    # Keep the best-scored, then longest, span of each overlapping group.
    kept: list[tuple[int, int, float, str]] = []
    for span in sorted(spans, key=lambda s: (-s[2], -(s[1] - s[0]))):
        if span[1] > span[0] and all(span[1] <= k[0] or k[1] <= span[0] for k in kept):
            kept.append(span)
    return sorted(kept)


def address_recognizers(language: str) -> list[EntityRecognizer]:
    return [JapaneseAddressRecognizer(supported_language=language)]
