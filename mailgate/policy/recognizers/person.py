"""PERSON: personal names in Japanese and English mail, without the honorific.

Evidence, strongest first: a surname followed by a given name (Sudachi's
dictionary tags 姓 and 名), any name followed by an honorific (様, さん, 氏 …),
a katakana name before an honorific, GiNZA's NER, and for romanised names a
title (Mr./Ms.), "Dear", or a verb of contact around two capitalised words.
A lone surname with no honorific is reported with a low score: in ward mail
it is almost always the sender introducing themselves. Honorifics on common
nouns (お客様, 皆様, 保護者様, ご担当者様) and organisation words (町会,
自治会, センター) are not names (name_shapes.py). Romanised names are found by
romanised_name.py, the cells of a name column by table_columns.py; person_recognizers() gives
all three.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.tokens import Doc, Token

from mailgate.policy.recognizers.name_shapes import (
    BRIDGE,
    COMPANY_BEFORE,
    CONTACT_WORDS,
    EDGE,
    ENTITY,
    HIRAGANA_ONLY,
    HOME_NAME,
    HONORIFIC,
    HOUSING,
    KANA_ONLY,
    KANA_PLACE_AFTER,
    KANJI_ONLY,
    KATAKANA,
    KATAKANA_WORDS,
    NER_ONLY,
    NOT_NAME,
    OKURIGANA_WORD,
    ORG_AFTER,
    ORG_INSIDE,
    ORG_SUFFIX,
    PET_MAIL,
    PLACE_BEFORE,
    PLACE_END,
    PLACE_SURNAME_HONORIFIC,
    STRONG,
    TITLE_PREFIX,
    TITLE_SUFFIX,
    UNIT_HEAD,
    WEAK,
)
from mailgate.policy.recognizers.results import tagged_result
from mailgate.policy.recognizers.romanised_name import (
    ROMAN_NAME,
    RomanisedNameRecognizer,
    name_word,
)
from mailgate.policy.recognizers.table_columns import TableColumnRecognizer

# A child's given name alone, in kanji, before くん/ちゃん ("入園される陽翔くん"): those honorifics
# go with personal names; kinship words (赤ちゃん, お兄ちゃん, 坊ちゃん) are not names.
CHILD_NAME = re.compile(
    r"(?<![\u3400-\u9fff々〆ヶァ-ヴー])[\u3400-\u9fff々]{1,3}(?=(?:くん|ちゃん))"
)
NOT_CHILD_NAME = frozenset(
    [
        "赤",
        "兄",
        "姉",
        "坊",
        "嬢",
        "母",
        "父",
        "爺",
        "婆",
        "祖母",
        "祖父",
        "孫",
        "息子",
        "娘",
        "弟",
        "妹",
        "叔母",
        "伯母",
        "叔父",
        "伯父",
    ]
)
# GiNZA labels of natural places and routes: a person's name is not one of them.
NAMED_PLACES = frozenset(
    [
        "Mountain",
        "River",
        "Lake",
        "Sea",
        "Bay",
        "Island",
        "Park",
        "Tunnel",
        "Bridge",
        "Road",
        "Railroad",
        "Water_Route",
        "Canal",
        "Spa",
        "Station",
        "Port",
        "Airport",
        "Tumulus",
        "Amusement_Park",
    ]
)
# The end of a kanji name the NER left off, up to the honorific after it.
NAME_REST = re.compile(r"[\u3400-\u9fff々]{1,2}(?=(?:様|さま|さん|氏|殿|くん|君|ちゃん))")
KATAKANA_NAME = re.compile(
    r"[ァ-ヴ][ァ-ヴー]+(?:[ \u3000・=＝][ァ-ヴ][ァ-ヴー]*){0,3}(?=[ \u3000]?(?:様|さま|さん|氏|殿))"
)


# A word for a contact detail the NER read as a given name: "小田　携帯 090-…", "森 自宅".
CONTACT_TAIL = re.compile(rf"[ \u3000]+(?:{CONTACT_WORDS}|TEL|Tel)$")


def _name_kind(token: Token) -> str:
    tag = token.tag_
    if "人名-姓" in tag:
        return "sei"
    if "人名-名" in tag:
        return "mei"
    if "人名" in tag:
        return "general"
    return ""


def _trim_title(text: str, result: RecognizerResult) -> None:
    """Give back the first characters of a title the name swallowed (西田 誠教 + 育長)."""
    for glued in (1, 2):
        rest = text[result.start : result.end - glued].strip(" \u3000")
        if len(rest) >= 2 and TITLE_SUFFIX.match(text, result.end - glued):
            result.end -= glued
            return


def _trim_edges(text: str, result: RecognizerResult) -> None:
    """Leave punctuation and spaces at either end outside the name ("～\u3000上川" -> "上川")."""
    head = UNIT_HEAD.match(text, result.start, result.end)
    if head:
        result.start = head.end()  # "係　漆原": the unit ends the office, the name follows
    while result.start < result.end and text[result.start] in EDGE:
        result.start += 1
    while result.end > result.start and text[result.end - 1] in EDGE.replace("ー", ""):
        result.end -= 1
    if text[result.start : result.end].endswith("ほか"):
        result.end -= 2  # "夏堀ほか1名": and others
    contact = CONTACT_TAIL.search(text, result.start, result.end)
    if contact:
        result.end = contact.start()  # "小田　携帯 090-…": the word for the number that follows


def _extend_to_title(text: str, result: RecognizerResult) -> None:
    """Take back the end of a given name the NER left before a title (栂野 浩|二町長)."""
    if TITLE_SUFFIX.match(text, result.end):
        return  # the title starts right after the name (石橋 真弓|副市長)
    for glued in (1, 2):
        rest = text[result.end : result.end + glued]
        if KANJI_ONLY.fullmatch(rest) and TITLE_SUFFIX.match(text, result.end + glued):
            if (
                " " in text[result.start : result.end]
                or "\u3000" in text[result.start : result.end]
            ):
                result.end += glued
            return


def _inside_place(text: str, result: RecognizerResult, places: list[tuple[int, int]]) -> bool:
    """A dictionary name inside a mountain, river or road the NER found (白沢|岳登|山道 is
    白沢岳登山道): the name is part of the place's, unless an honorific makes it a person."""
    return (
        (result.recognition_metadata or {}).get("source") == "sudachi"
        and not _honorific_after(text, result.end)
        and any(start <= result.start and result.end <= end for start, end in places)
    )


def _common_noun_after_verb(doc: Doc, tokens: list[Token]) -> bool:
    """One common noun right after a verb's or auxiliary's attributive form (…とされる|砲台)."""
    if len(tokens) != 1 or "普通名詞" not in tokens[0].tag_ or tokens[0].i == 0:
        return False
    before = doc[tokens[0].i - 1]
    return before.tag_.split("-")[0] in ("動詞", "助動詞") and not before.whitespace_


def _honorific_after(text: str, end: int) -> bool:
    return HONORIFIC.match(text, end) is not None


class JapaneseNameRecognizer(EntityRecognizer):
    """Names from Sudachi's dictionary tags, katakana names with honorifics, and GiNZA's NER."""

    def __init__(self, supported_language: str = "ja") -> None:
        super().__init__(
            supported_entities=[ENTITY],
            supported_language=supported_language,
            name="JapaneseNameRecognizer",
        )

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None or ENTITY not in entities:
            return []
        doc: Doc = nlp_artifacts.tokens
        unknown = getattr(nlp_artifacts.nlp_engine, "is_unknown_word", lambda word: False)
        found = self._dictionary_names(text, doc) + self._katakana_names(text, doc, unknown)
        found += self._child_names(text)
        found += self._ner_names(text, doc, nlp_artifacts, unknown)
        for result in found:
            _trim_title(text, result)
            _trim_edges(text, result)
            _extend_to_title(text, result)
        places = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in NAMED_PLACES]
        return [
            r
            for r in found
            if r.end > r.start and self._plausible(text, r) and not _inside_place(text, r, places)
        ]

    def _dictionary_names(self, text: str, doc: Doc) -> list[RecognizerResult]:
        results, i = [], 0
        while i < len(doc):
            kind = _name_kind(doc[i])
            # A surname Sudachi reads as a place (菅原, 松本) counts when a given name follows.
            # So does one with an honorific right after it (宮城様, 福岡さん), if it opens a word.
            place_sei = "地名" in doc[i].tag_ and (
                (i + 1 < len(doc) and _name_kind(doc[i + 1]) == "mei")
                or (
                    KANJI_ONLY.fullmatch(doc[i].text) is not None
                    and not (doc[i].idx and KANJI_ONLY.match(text, doc[i].idx - 1))
                    and PLACE_SURNAME_HONORIFIC.match(text, doc[i].idx + len(doc[i].text))
                    is not None
                )
            )
            if not kind and not place_sei:
                i += 1
                continue
            kinds, j = [kind or "sei"], i + 1
            while j < len(doc):
                if (
                    doc[j].tag_ == "空白"
                    and doc[j].text in (" ", "\u3000")
                    and j + 1 < len(doc)
                    and _name_kind(doc[j + 1])
                ):
                    j += 1
                elif _name_kind(doc[j]) and len(kinds) < 4:
                    kinds.append(_name_kind(doc[j]))
                    j += 1
                else:
                    break
            start, end = doc[i].idx, doc[j - 1].idx + len(doc[j - 1].text)
            # A dictionary name glued to a following katakana word is part of it (マイナ|ポータル).
            if (
                kinds[0] == "general"
                and j < len(doc)
                and doc[j].idx == end
                and KATAKANA.match(doc[j].text)
            ):
                i = j
                continue
            full = len(kinds) >= 2 or (
                kinds[0] == "general"
                and end - start >= 3
                and KANJI_ONLY.fullmatch(text[start:end]) is not None
            )
            score = STRONG if full or _honorific_after(text, end) else WEAK
            results.append(tagged_result(self, ENTITY, start, end, score, "sudachi"))
            i = j
        return results

    def _child_names(self, text: str) -> list[RecognizerResult]:
        return [
            tagged_result(self, ENTITY, m.start(), m.end(), STRONG, "child")
            for m in CHILD_NAME.finditer(text)
            if m.group() not in NOT_CHILD_NAME
        ]

    def _katakana_names(
        self, text: str, doc: Doc, unknown: Callable[[str], bool]
    ) -> list[RecognizerResult]:
        # Katakana before an honorific is a name when it has several parts (オルガ・ペトロワ),
        # the dictionary knows a part as a name, or it is no word at all (ラジェンドラさん);
        # a common noun is a role (ヘルパーさん).
        results = []
        for match in KATAKANA_NAME.finditer(text):
            parts = re.split(r"[ \u3000・=＝]", match.group())
            tokens = [t for t in doc if match.start() <= t.idx < match.end()]
            if len(parts) >= 2 or any(_name_kind(t) for t in tokens) or unknown(match.group()):
                results.append(
                    tagged_result(self, ENTITY, match.start(), match.end(), STRONG, "katakana")
                )
        return results

    def _ner_names(
        self, text: str, doc: Doc, nlp_artifacts: NlpArtifacts, unknown: Callable[[str], bool]
    ) -> list[RecognizerResult]:
        results = []
        for ent in nlp_artifacts.entities:
            if ent.label_ != ENTITY:
                continue
            start, end = ent.start_char, ent.end_char
            title = TITLE_PREFIX.match(text, start, end)
            start = title.end() if title else start
            honorific = re.search(
                r"[ \u3000]?(様|さま|さん|氏|殿|くん|君|ちゃん)$", text[start:end]
            )
            end = start + honorific.start() if honorific else end
            rest = NAME_REST.match(text, end)
            if rest and KANJI_ONLY.match(text, end - 1) and not TITLE_SUFFIX.match(text, end):
                end = rest.end()  # the NER cut a given name before its honorific (陽|向さん)
            tokens = [t for t in doc if start <= t.idx < end and t.tag_ != "空白"]
            if (
                end <= start
                or not tokens
                or all("地名" in t.tag_ or "補助記号" in t.tag_ for t in tokens)
            ):
                continue
            name = text[start:end]
            if (
                KATAKANA_WORDS.fullmatch(name)
                and not _honorific_after(text, end)
                and all("人名" not in t.tag_ and not unknown(t.text) for t in tokens)
            ):
                # Words the dictionary knows and not as names (アップライトピアノ, プレイルーム);
                # a foreign name is unknown to it, tagged 人名, or in parts (ヴァン・ナム).
                continue
            if PLACE_END.search(name) and not _honorific_after(text, end):
                continue  # 三軒茶屋町 (…町会長): a place
            if name.isascii() and not (
                ROMAN_NAME.fullmatch(name) and all(name_word(word) for word in name.split())
            ):
                continue  # GiNZA on English text: "sent us", "Notification of Moving"
            # Confirmed by a full name in the dictionary or an honorific; a lone surname is
            # usually the sender introducing themselves.
            confirmed = sum(1 for t in tokens if _name_kind(t)) >= 2 or _honorific_after(text, end)
            if not confirmed and _common_noun_after_verb(doc, tokens):
                continue  # 「築かれたとされる砲台」: a thing described, not a person
            results.append(
                tagged_result(self, ENTITY, start, end, STRONG if confirmed else NER_ONLY, "ginza")
            )
        return results

    def _plausible(self, text: str, result: RecognizerResult) -> bool:
        name = text[result.start : result.end]
        if (
            re.search(r"\d", name)
            or NOT_NAME.search(name)
            or HOUSING.search(name)
            or len(name.strip()) < 2
            and not _honorific_after(text, result.end)
        ):
            return False
        bare = name.strip()
        if (
            BRIDGE.fullmatch(bare) or HOME_NAME.fullmatch(bare) or OKURIGANA_WORD.fullmatch(bare)
        ) and not _honorific_after(text, result.end):
            return False
        # Romanised names capitalise every word: "Ward last" (week) is not one.
        if name.isascii() and any(word[:1].islower() for word in name.split()):
            return False
        # Part of an organisation's or a place's name (港北区こども家庭支援課, 天満支店 普通).
        if (
            ORG_SUFFIX.match(text, result.end)
            or ORG_INSIDE.search(name)
            or PLACE_BEFORE.search(text, 0, result.start)
            or COMPANY_BEFORE.search(text, max(0, result.start - 6), result.start)
            or (KANA_ONLY.fullmatch(name) and KANA_PLACE_AFTER.match(text, result.end))
        ):
            return False
        # A kana word in quotes without an honorific is a nickname of a facility or a programme
        # (センター「ひびき」, 「すくすく」教室), not a person.
        if (
            KANA_ONLY.fullmatch(name)
            and text[result.start - 1 : result.start] in ("「", "『")
            and text[result.end : result.end + 1] in ("」", "』")
        ):
            return False
        if HIRAGANA_ONLY.fullmatch(name) and not _honorific_after(text, result.end):
            return False
        if (
            KATAKANA_WORDS.fullmatch(name)
            and not PLACE_SURNAME_HONORIFIC.match(text, result.end)
            and PET_MAIL.search(text)
        ):
            return False  # a pet's name ("マロンちゃんが亡くなられた"), in a mail about pets
        # A title in 『』, or in 「」 after の, is a work (松尾芭蕉の「更科紀行」), not a person.
        opening, closing = text[result.start - 1 : result.start], text[result.end : result.end + 1]
        if (opening, closing) == ("『", "』") or (
            (opening, closing) == ("「", "」") and text[result.start - 2 : result.start - 1] == "の"
        ):
            return False
        # A name glued to an organisation or facility word is part of that name (若林自治会,
        # 長谷川町子美術館, サザエさん展); a name with an honorific before one is still a person.
        org = ORG_AFTER.match(text, result.end)
        if org and (not _honorific_after(text, result.end) or org.group(1)[-1] in "展祭りつ号賞"):
            result.score = min(result.score, WEAK)
        return True


def person_recognizers(language: str) -> list[EntityRecognizer]:
    """Both name recognizers run for either language: mail mixes scripts."""
    return [
        JapaneseNameRecognizer(supported_language=language),
        RomanisedNameRecognizer(supported_language=language),
        TableColumnRecognizer(supported_language=language),
    ]
