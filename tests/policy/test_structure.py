"""Salutation, signature and quoted lines of Japanese and English ward mail."""

from __future__ import annotations

import pytest

from mailgate.policy.structure import analyse

SIGNATURE = "\n-----\n地域振興課　振興係　佐藤 明\nTEL 03-1234-5678\n"


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("田中 花子 様\n\nいつもお世話になっております。\n", "田中 花子"),
        ("田中花子様、\nお世話になっております。\n", "田中花子"),
        ("株式会社川辺商店\n川辺 一郎 様\n\n本文です。\n", "川辺 一郎"),
        ("Dear Ms. Clark,\n\nThank you.\n", "Clark"),
        ("Dear Van An Nguyen,\n\nThank you.\n", "Van An Nguyen"),
        ("町会長　各位\n\n本文です。\n", "町会長"),
    ],
)
def test_salutation_name(body: str, name: str) -> None:
    structure = analyse(body)
    assert structure.salutation is not None
    assert structure.salutation_name == name
    assert structure.in_salutation(body.index(name), body.index(name) + len(name))


def test_organisation_line_belongs_to_salutation() -> None:
    body = "株式会社川辺商店\n川辺 一郎 様\n\n本文です。\n"
    assert analyse(body).in_salutation(0, len("株式会社川辺商店"))


def test_no_salutation_in_plain_text() -> None:
    assert analyse("本日の会議は中止です。\n以上です。\n").salutation is None


@pytest.mark.parametrize(
    "body",
    [
        "田中様\n\n本文です。\n本文です。\n" + SIGNATURE,
        "田中様\n\n本文です。\n本文です。\n\n＝＝＝＝＝＝\n地域振興課\n電話 03-1234-5678\n＝＝＝＝＝＝\n",
        "Dear Ms. Clark,\n\nThank you.\nSee you soon.\n\n--\nTaro Sato\nTel: +81-3-1234-5678\n",
        # No rule line: a closing contact paragraph.
        "田中様\n\n本文です。\n本文です。\n\n地域振興課 振興係\n担当：佐藤\nTEL 03-1234-5678\n",
    ],
)
def test_signature_found(body: str) -> None:
    structure = analyse(body)
    phone = body.rindex("03-1234-5678") if "03-1234-5678" in body else body.rindex("+81")
    assert structure.in_signature(phone, phone + 12)
    assert not structure.in_signature(
        body.index("本文") if "本文" in body else body.index("Thank"), 3
    )


def test_framed_signature_starts_at_the_opening_rule() -> None:
    body = "田中様\n\n本文です。\n本文です。\n\n＝＝＝＝＝＝\n地域振興課\n＝＝＝＝＝＝\n"
    structure = analyse(body)
    assert structure.signature is not None
    assert body[structure.signature[0] :].startswith("＝＝＝＝＝＝\n地域振興課")


def test_closing_paragraph_that_addresses_someone_is_not_a_signature() -> None:
    body = "田中様\n\n本文です。\n本文です。\n\n新しい班長は山本様です。\n電話 090-1234-5678（山本様の携帯）\n"
    assert analyse(body).signature is None


def test_quoted_lines() -> None:
    body = (
        "田中様\n\n> 私の電話番号は090-1111-2222です。\n＞よろしく\nご連絡ありがとうございます。\n"
    )
    structure = analyse(body)
    assert structure.in_quote(body.index("090"), body.index("090") + 13)
    assert structure.in_quote(body.index("＞"), body.index("＞") + 5)
    assert not structure.in_quote(body.index("ご連絡"), body.index("ご連絡") + 3)
