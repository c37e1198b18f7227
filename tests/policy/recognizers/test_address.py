"""POSTAL_ADDRESS: Japanese (also over two lines, without the postal code) and Western addresses."""

from __future__ import annotations

import pytest

from mailgate.policy.recognizers.address import JapaneseAddressRecognizer
from mailgate.policy.text import normalise

recognizer = JapaneseAddressRecognizer()


def addresses(text: str) -> list[str]:
    """Matched on the normalised text (as the analyzer does); sliced from the original."""
    results = recognizer.analyze(normalise(text), ["POSTAL_ADDRESS"], None)
    return [text[r.start : r.end] for r in sorted(results, key=lambda r: r.start) if r.score >= 0.5]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("住所は〒150-0001 東京都渋谷区神宮前3-12-8 です。", "東京都渋谷区神宮前3-12-8"),
        ("大阪府大阪市北区梅田1丁目2番3号までお越しください", "大阪府大阪市北区梅田1丁目2番3号"),
        ("横浜市中区山下町27番地にあります", "横浜市中区山下町27番地"),
        ("練馬区豊玉北六丁目12番1号", "練馬区豊玉北六丁目12番1号"),
        (
            "杉並区阿佐谷南1-15-1 メゾン阿佐谷305号室 です",
            "杉並区阿佐谷南1-15-1 メゾン阿佐谷305号室",
        ),
        (
            "中野区中野４－８－１　サンハイツ１０２",
            "中野区中野４－８－１　サンハイツ１０２",
        ),  # full width
        ("札幌市中央区北1条西2丁目1番地", "札幌市中央区北1条西2丁目1番地"),
        (
            "神奈川県川崎市麻生区上麻生2丁目\n5番7号 コーポ麻生201",
            "神奈川県川崎市麻生区上麻生2丁目\n5番7号 コーポ麻生201",
        ),
        (
            "ご住所：若林2-14-5 コーポ山田203号室",
            "若林2-14-5 コーポ山田203号室",
        ),  # captioned, no ward
        ("住所世田谷区代田2-3-4", "世田谷区代田2-3-4"),  # the caption is not part of it
        (
            "1234 Maple Street, Springfield, IL 62704, USA",
            "1234 Maple Street, Springfield, IL 62704, USA",
        ),
        (
            "1234 Maple Street\nApt 5B\nSpringfield, IL 62704",
            "1234 Maple Street\nApt 5B\nSpringfield, IL 62704",
        ),
        ("12 Baker Street, London NW1 6XE", "12 Baker Street, London NW1 6XE"),
        (
            "4-21-27 Setagaya, Setagaya-ku, Tokyo 154-8504",
            "4-21-27 Setagaya, Setagaya-ku, Tokyo 154-8504",
        ),
    ],
)
def test_addresses(text: str, expected: str) -> None:
    assert addresses(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "〒154-0017",  # a postal code alone is JP_POSTAL_CODE
        "世田谷区民会館 3階 第2集会室",
        "世田谷区役所 第2庁舎4階 第6会議室",
        "2025-01-18 午後2時30分",
        "予約番号 252247-070993",
        "区の施策について3-1の資料をご覧ください。",
        "We met at 10 Downing and talked.",
        "The counters are open on weekdays from 8:30 a.m. to 5:15 p.m.",
        "東町交番の電話番号は0547-33-0110です。",  # a phone after a town's name
    ],
)
def test_not_addresses(text: str) -> None:
    assert addresses(text) == []


# British and Commonwealth street names (Grove, Mews, Gardens …) with a UK postcode.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Her new address: 27 Birch Grove, Leeds LS6 2AB, United Kingdom\n",
            "27 Birch Grove, Leeds LS6 2AB, United Kingdom",
        ),
        ("Post it to 8 Kings Mews, Bristol BS1 4QT, UK.", "8 Kings Mews, Bristol BS1 4QT, UK"),
        ("He lives at 112 Rose Gardens, Dunedin", "112 Rose Gardens, Dunedin"),
    ],
)
def test_british_street_names(text: str, expected: str) -> None:
    assert addresses(text) == [expected]


def test_street_word_without_a_number_is_not_an_address() -> None:
    assert addresses("We walk up the Hill by the Green every morning.") == []


# An area given only to 丁目, or under an area caption, is not anyone's address.
@pytest.mark.parametrize(
    "text",
    [
        "対象区域：西浜市本郷町一丁目・二丁目の一部",
        "断水の区域は西浜市本郷町三丁目です。",
        "工事エリア：西浜市北町2丁目",
        "汐見中央四丁目の集会所で行います。",
    ],
)
def test_areas_are_not_addresses(text: str) -> None:
    assert addresses(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ご住所：西浜市本郷町一丁目5番3号", "西浜市本郷町一丁目5番3号"),
        (
            "転居先は西浜市北町2丁目3-4 グランハイツ201号室です。",
            "西浜市北町2丁目3-4 グランハイツ201号室",
        ),
        ("西浜市北町2-3-4", "西浜市北町2-3-4"),
    ],
)
def test_real_addresses_kept(text: str, expected: str) -> None:
    assert addresses(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("・茅根 宗一さん（樺ノ木118番地）", "樺ノ木118番地"),  # a district and its lot
        ("お宅は奥杣128番地2で、県道から入ります。", "奥杣128番地2"),
        ("> I live at Hiruo 605-2, Unose-cho, Room 203.", "Hiruo 605-2, Unose-cho, Room 203"),
        ("〒789-2392 鵜ノ瀬町大字苫浜1120番地", "鵜ノ瀬町大字苫浜1120番地"),  # ノ in the town
        # a town, its 丁目 and a house number, without the city
        ("> 一人暮らしの宮崎さん（汐見中央四丁目5-8）は、", "汐見中央四丁目5-8"),
        ("お宅は本郷町一丁目5番3号です。", "本郷町一丁目5番3号"),
        ("> 場所は旭が丘3丁目8-21の前です。", "旭が丘3丁目8-21"),  # が in the town's name
    ],
)
def test_small_town_addresses(text: str, expected: str) -> None:
    assert expected in addresses(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "your new address (Björkvägen 12, 752 36 Uppsala, Sweden).",
            "Björkvägen 12, 752 36 Uppsala, Sweden",
        ),
        ("Hauptstraße 5, 10115 Berlin", "Hauptstraße 5, 10115 Berlin"),
        # a floor between the street and the postcode
        (
            "We have noted your forwarding address: Lindenstraße 42, 3rd floor, 50674 Köln, Germany",
            "Lindenstraße 42, 3rd floor, 50674 Köln, Germany",
        ),
    ],
)
def test_continental_addresses(text: str, expected: str) -> None:
    assert expected in addresses(text)


@pytest.mark.parametrize(
    "text", ["Please come to Room 12, 2026 Tokyo office.", "See Chapter 3, 1868 Meiji."]
)
def test_numbered_rooms_and_chapters_are_not_continental_addresses(text: str) -> None:
    assert addresses(text) == []


def test_an_address_abroad_without_a_street_word_ends_in_its_country() -> None:
    text = (
        "to this address after you leave:\n  Thon 4, Xa Hai Phong, Huyen Hai Hau,\n"
        "  Nam Dinh Province, Vietnam\nUnfortunately, …"
    )
    assert addresses(text) == ["Thon 4, Xa Hai Phong, Huyen Hai Hau,\n  Nam Dinh Province, Vietnam"]


@pytest.mark.parametrize(
    "text",
    [
        "We have offices in Hanoi, Ho Chi Minh City, Vietnam.",  # no number: places, not a home
        "In 2024, Maria moved from Lima, Peru.",  # a sentence, not capitalised parts
        "Shiomi-ku, Kitahama 456-0023, Japan",  # Japan: the romaji patterns decide
    ],
)
def test_places_and_sentences_ending_in_a_country_are_not_addresses_abroad(text: str) -> None:
    assert addresses(text) == []


def test_a_council_named_before_an_address_is_no_area_caption() -> None:
    text = "地域協議会の会議でお話しした、東山市北町4丁目2番6号の方の件です。"
    assert "東山市北町4丁目2番6号" in addresses(text)


def test_rare_name_kanji_keep_their_offsets() -> None:
    text = "山﨑 様、𠮷田 様"
    assert len(normalise(text)) == len(text)
    assert normalise(text) == "山崎 様、吉田 様"
