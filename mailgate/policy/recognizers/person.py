"""PERSON: personal names in Japanese and English mail, without the honorific.

Evidence, strongest first: a surname followed by a given name (Sudachi's
dictionary tags 姓 and 名), any name followed by an honorific (様, さん, 氏 …),
a katakana name before an honorific, GiNZA's NER, and for romanised names a
title (Mr./Ms.), "Dear", or a verb of contact around two capitalised words.
A lone surname with no honorific is reported with a low score: in ward mail
it is almost always the sender introducing themselves. Honorifics on common
nouns (お客様, 皆様, 保護者様, ご担当者様) and organisation words (町会,
自治会, センター) are not names.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.tokens import Doc, Token

ENTITY = "PERSON"
STRONG, NER_ONLY, WEAK = 0.85, 0.6, 0.3

HONORIFIC = re.compile(r"[ \u3000]?(様|さま|さん|氏|殿|くん|君|ちゃん|先生)")
# Words that take an honorific but name no one, and organisation words a name never ends in.
NOT_NAME = re.compile(
    r"(お客|皆|保護者|担当者|担当|ご家族|家族|お母|お父|ご両親|奥|ご主人|旦那|お子|お嬢|"
    r"ご本人|本人|各位|委員|会員|利用者|住民|区民|市民|関係者|事業者|御中|先方|相手方|ご遺族|"
    r"町会|自治会|商店街|協議会|委員会|課|係|部|室|区役所|役所|センター|会館|ホール|神社|寺|"
    r"株式会社|有限会社|法人|協会|組合|団体|学校|小学校|中学校|病院|地区|支所|事務所|出張所)$"
)
ORG_AFTER = re.compile(
    r"[ \u3000]?(町会|自治会|商店街|地区|区民|会館|センター|駅|通り|小学校|中学校|公園|神社|寺|"
    r"美術館|記念館|文学館|資料館|博物館|賞|像|邸|旧居|旧宅|橋|病院|医院|商店|記念|"
    r"集会所|集会場|公民館|団地|ハイツ|荘|コーポ|マンション|町内|自治区|地域|"
    r"(?:様|さま|さん|氏)?(?:展|祭|まつり|号|賞))"
)
# A candidate glued to an organisation word is part of that organisation's name, not a person
# (港北区こども|家庭支援課, 大阪みらい|信用金庫, 白石清掃|工場); a title (課長, 会長) is not one.
ORG_SUFFIX = re.compile(
    r"(?:課(?!長)|部(?!長)|局(?!長)|係(?!長)|室(?!長)|班(?!長)|工場|信用金庫|信用組合|金庫|銀行|"
    r"支店(?!長)|営業所|出張所|事務所|センター(?!長)|協会|協議会|組合|会(?![長員])|株式会社|"
    r"有限会社|合同会社|財団|法人|グループ|ホールディングス|商事|工業|建設|産業|工務店|"
    r"保育園|幼稚園|学園|学院|大学|高校|高等学校|図書館|公民館|体育館|市場|店(?!長))"
)
# Words a personal name never contains: places (港北区), bank details (天満支店 普通).
# and facilities (雲雀野市立中部小学校 校庭).
ORG_INSIDE = re.compile(
    r"(区|県|支店|普通|当座|銀行|金庫|[市町村都][ぁ-んァ-ヴー]|[市区町村都府県国私]立|"
    r"学校|校庭|公園|センター|会館|図書館|公民館|体育館|病院|診療所)"
)
# Hiragana alone is a word, not a name, unless an honorific follows (まいしゅう, かすみがはらe-申請).
HIRAGANA_ONLY = re.compile(r"[ぁ-ゖー \u3000]+")
# A place name in kana before 区/市/町/村 and a noun (しおみ区報, あさぎり市民): not a person.
KANA_ONLY = re.compile(r"[ぁ-んァ-ヴー]+")
KANA_PLACE_AFTER = re.compile(r"[区市町村]")
# A municipality directly before the candidate makes it a place name (福岡市赤坂, 北区滝野川).
PLACE_BEFORE = re.compile(r"[区市]$")
# An official's title written after the name; the dictionary may glue its first character to
# the given name (西田 誠教|育長), which then belongs to the title.
TITLE_SUFFIX = re.compile(
    r"副?(?:区長|市長|町長|村長|知事|議長)|教育長|館長|校長|園長|所長|署長|局長|部長|課長|係長|室長"
)
TITLE_PREFIX = re.compile(
    r"(区長|副区長|教育長|会長|副会長|部長|課長|係長|担当|委員長|理事長|班長)[ \u3000]*"
)
# Housing and building words: a candidate holding one is a building's name (石部グリーンハイツ).
HOUSING = re.compile(
    r"(ハイツ|コーポ|マンション|レジデンス|ハイム|メゾン|ヴィラ|パレス|グリーン|ガーデン|"
    r"団地|住宅|荘$|寮$)"
)
# Punctuation and spaces never open or close a name (～　上川, （山田).
EDGE = " \u3000～〜~・･、。，．,.（）()「」『』【】［］[]:：;；!！?？-－―ー/／"
KANJI_ONLY = re.compile(r"[\u3400-\u9fff々]+")
KATAKANA = re.compile(r"[ァ-ヴ]")
PLACE_END = re.compile(r"[町区市村都県]$")
ROMAN_NAME = re.compile(r"[A-Z][a-z'’\-]+(?: [A-Z][a-z'’\-]+){1,2}")
KATAKANA_NAME = re.compile(
    r"[ァ-ヴ][ァ-ヴー]+(?:[ \u3000・=＝][ァ-ヴ][ァ-ヴー]*){0,3}(?=[ \u3000]?(?:様|さま|さん|氏|殿))"
)


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
    while result.start < result.end and text[result.start] in EDGE:
        result.start += 1
    while result.end > result.start and text[result.end - 1] in EDGE.replace("ー", ""):
        result.end -= 1


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
        found += self._ner_names(text, doc, nlp_artifacts)
        for result in found:
            _trim_title(text, result)
            _trim_edges(text, result)
        return [r for r in found if r.end > r.start and self._plausible(text, r)]

    def _dictionary_names(self, text: str, doc: Doc) -> list[RecognizerResult]:
        results, i = [], 0
        while i < len(doc):
            kind = _name_kind(doc[i])
            # A surname Sudachi reads as a place (菅原, 松本) counts when a given name follows.
            place_sei = (
                "地名" in doc[i].tag_ and i + 1 < len(doc) and _name_kind(doc[i + 1]) == "mei"
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
            results.append(self._result(start, end, score, "sudachi"))
            i = j
        return results

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
                results.append(self._result(match.start(), match.end(), STRONG, "katakana"))
        return results

    def _ner_names(
        self, text: str, doc: Doc, nlp_artifacts: NlpArtifacts
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
            tokens = [t for t in doc if start <= t.idx < end and t.tag_ != "空白"]
            if end <= start or not tokens or all("地名" in t.tag_ for t in tokens):
                continue
            name = text[start:end]
            if PLACE_END.search(name) and not _honorific_after(text, end):
                continue  # 三軒茶屋町 (…町会長): a place
            if name.isascii() and not (
                ROMAN_NAME.fullmatch(name) and all(_name_word(word) for word in name.split())
            ):
                continue  # GiNZA on English text: "sent us", "Notification of Moving"
            # Confirmed by a full name in the dictionary or an honorific; a lone surname is
            # usually the sender introducing themselves.
            confirmed = sum(1 for t in tokens if _name_kind(t)) >= 2 or _honorific_after(text, end)
            results.append(self._result(start, end, STRONG if confirmed else NER_ONLY, "ginza"))
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
        # Part of an organisation's or a place's name (港北区こども家庭支援課, 天満支店 普通).
        if (
            ORG_SUFFIX.match(text, result.end)
            or ORG_INSIDE.search(name)
            or PLACE_BEFORE.search(text, 0, result.start)
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

    def _result(self, start: int, end: int, score: float, source: str) -> RecognizerResult:
        return RecognizerResult(
            ENTITY,
            start,
            end,
            score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                "source": source,
            },
        )


# Capitalised words that are not names: offices, places, time, form words.
_NOT_NAME_WORDS = (
    "The This That These Those We Our Your You Please Thank Thanks Regarding Dear Date Place Time "
    "City Ward Office Division Section Department Center Centre Hall Room Meeting Counter Grant "
    "Notification Moving Residents Resident International Affairs Exchange Community Development "
    "Japan Japanese English Tokyo Mynaportal Monday Tuesday Wednesday Thursday Friday "
    "Saturday Sunday January February March April May June July August September October November "
    "December Street Avenue Boulevard Road Tel Fax Email Language Application Certificate "
    "Public Library Museum Park School University College Hospital Clinic Station Bank Hotel "
    "Church Temple Shrine House Building Tower Plaza Garden Gardens Association Committee "
    "Council Club Company Corporation Inc Ltd Group Service Services Program Programme Project "
    "Festival Event Market Centre Health Welfare Tax Insurance Pension National Prefecture "
    # Administrative terms that come capitalised in titles of schemes, forms and offices.
    "Payment Payments Withdrawal Lump Sum Allowance Benefit Benefits Refund Fee Fees Form Forms "
    "Card Number Notice Guide Guidance Information Consultation Registration Residence Record "
    "Records Certificate Certificates Application Applications Procedure Procedures Request "
    "System Scheme Fund Subsidy Support Care Medical Examination Checkup Vaccination Prevention "
    "Nurse Nursing Officer Manager Director Chief Head Staff Team Unit Branch Desk Bureau Agency "
    "Ministry Government Municipal Prefectural Metropolitan Board Education Fire Water "
    "Waterworks Environment Environmental Sanitation Disaster Emergency Police Court Immigration "
    "Services Children Child Family Elderly Disability Employment Labor Labour Housing Waste "
    "Recycling Collection Cleaning Clean Tourism Tourist Culture Cultural Sports Citizen Citizens "
    "Civic Town Village County District Area Zone Region North South East West Central Chubu "
    "Annual General Special Basic Monthly Total Amount Deadline Period Schedule Contact Address "
    "Phone Mobile Online Portal Website Internet My"
)


def _name_word(word: str) -> bool:
    """A romanised given or family name: letters (with ' or a hyphen before a capital, as in
    Jean-Pierre), not an administrative word (Payment, Section) and not "Lump-sum"."""
    return (
        word not in RomanisedNameRecognizer.NOT_NAME_WORDS
        and re.fullmatch(r"[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)*", word) is not None
    )


class RomanisedNameRecognizer(EntityRecognizer):
    """Two or three capitalised words with a title, "Dear", or a verb of contact around them."""

    # Bounded by non-letters rather than \b: a Japanese honorific may follow (Maria Santosさん).
    CAPITALISED_RUN = re.compile(
        r"(?<![A-Za-z'’\-])[A-Z][a-z'’\-]+(?:[ ][A-Z][a-z'’\-]+)+(?![A-Za-z'’\-])"
    )
    TITLED = re.compile(
        r"\b(?:Mr|Ms|Mrs|Miss|Mx|Dr|Prof)\.?(?:/(?:Mr|Ms|Mrs|Miss|Mx)\.?)?[ ]+([A-Z][a-z'’\-]+(?:[ ][A-Z][a-z'’\-]+){0,2})"
    )
    BEFORE = re.compile(
        r"(?:\bDear|\bneighbou?r|\bcontact|\bcall|\bask|\bemail|\bwrite to|\bfriend|\bson|\bdaughter|"
        r"\bwife|\bhusband|\bmother|\bfather|\bresident|\bbrother|\bsister|\bby|\bwith|\bfrom|\bthat)[ ,:]+$",
        re.IGNORECASE,
    )
    AFTER = re.compile(
        r"^(?:[ \u3000]?(?:さん|様|さま|氏|殿)|'s\b|’s\b| can be reached| can be contacted| said| says| told| asked| lives| moved| is\b| was\b|"
        r" will\b| has\b| had\b| would\b| \(|,? (?:who|whose)\b| at \+?\d)"
    )

    NOT_NAME_WORDS = frozenset(_NOT_NAME_WORDS.split())

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entities=[ENTITY],
            supported_language=supported_language,
            name="RomanisedNameRecognizer",
        )

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if ENTITY not in entities:
            return []
        results = []
        for match in self.TITLED.finditer(text):
            results.append(self._result(match.start(1), match.end(1), STRONG))
        for start, end in self._candidates(text):
            line_start = text.rfind("\n", 0, start) + 1
            context = self.BEFORE.search(text[line_start:start]) or self.AFTER.match(text[end:])
            alone_on_line = (
                text[line_start:start].strip() == ""
                and text[end:].split("\n", 1)[0].strip(" ,") == ""
            )
            score = STRONG if context else (NER_ONLY if alone_on_line else WEAK)
            results.append(self._result(start, end, score))
        return results

    def _candidates(self, text: str) -> list[tuple[int, int]]:
        """Runs of two or three capitalised words, split at words that are not names ("Dear")."""
        spans = []
        for match in self.CAPITALISED_RUN.finditer(text):
            words = [(w.start(), w.end()) for w in re.finditer(r"\S+", match.group())]
            run: list[tuple[int, int]] = []
            for a, b in [*words, (-1, -1)]:
                if a >= 0 and _name_word(match.group()[a:b]) and len(run) < 3:
                    run.append((a, b))
                    continue
                if len(run) >= 2:
                    spans.append((match.start() + run[0][0], match.start() + run[-1][1]))
                run = [(a, b)] if a >= 0 and _name_word(match.group()[a:b]) else []
        return spans

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            ENTITY,
            start,
            end,
            score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


class TableColumnRecognizer(EntityRecognizer):
    """Cells under a name or address heading in CSV/TSV text (名簿 attachments)."""

    HEADINGS = {
        ENTITY: re.compile(
            r"^(?:氏名|お?名前|氏\s*名|フリガナ|ふりがな|代表者|(?:full ?)?name)$", re.IGNORECASE
        ),
        "POSTAL_ADDRESS": re.compile(r"^(?:ご?住所|現住所|所在地|address)$", re.IGNORECASE),
    }

    def __init__(self, supported_language: str = "ja") -> None:
        super().__init__(
            supported_entities=list(self.HEADINGS),
            supported_language=supported_language,
            name="TableColumnRecognizer",
        )

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        lines = text.split("\n")
        delimiter = "\t" if "\t" in lines[0] else ","
        header = [cell.strip().strip('"') for cell in lines[0].split(delimiter)]
        columns = {
            i: entity
            for i, cell in enumerate(header)
            for entity, heading in self.HEADINGS.items()
            if entity in entities and heading.match(cell)
        }
        if len(header) < 2 or not columns:
            return []
        results, offset = [], len(lines[0]) + 1
        for line in lines[1:]:
            cell_start = offset
            for i, cell in enumerate(line.split(delimiter)):
                value = cell.strip().strip('"')
                if i in columns and value and not value.isdigit():
                    start = cell_start + cell.index(value)
                    results.append(
                        RecognizerResult(
                            columns[i],
                            start,
                            start + len(value),
                            STRONG,
                            recognition_metadata={
                                RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                            },
                        )
                    )
                cell_start += len(cell) + 1
            offset += len(line) + 1
        return results


def person_recognizers(language: str) -> list[EntityRecognizer]:
    """Both name recognizers run for either language: mail mixes scripts."""
    return [
        JapaneseNameRecognizer(supported_language=language),
        RomanisedNameRecognizer(supported_language=language),
        TableColumnRecognizer(supported_language=language),
    ]
