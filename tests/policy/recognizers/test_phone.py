"""PHONE_NUMBER: Japanese numbers in their written forms and international numbers; look-alikes not."""

from __future__ import annotations

import pytest

from mailgate.policy.recognizers.phone import PhoneRecognizer
from tests.policy.recognizers import found, scores

recognizer = PhoneRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("電話 03-6812-4470 まで", "03-6812-4470"),
        ("連絡先：090-3178-2264", "090-3178-2264"),
        ("携帯 ０８０－４４２１－９０１７", "０８０－４４２１－９０１７"),
        ("ご連絡は070ー2291ー8843まで", "070ー2291ー8843"),  # prolonged sound mark as dash
        ("TEL 03‐6812‐4470", "03‐6812‐4470"),  # U+2010 hyphen
        ("TEL03-6812-4470", "03-6812-4470"),
        ("電話：03(6812)4470", "03(6812)4470"),
        ("電話：(03)6812-4470", "(03)6812-4470"),
        ("FAX（045(671)2233）", "045(671)2233"),
        ("0466-27-1190（代表）", "0466-27-1190"),
        ("090 3178 2264", "090 3178 2264"),
        ("IP電話 050-5538-0912", "050-5538-0912"),
        ("フリーダイヤル 0120-444-862", "0120-444-862"),
        ("0120-44-8620", "0120-44-8620"),
        ("0800-170-3321", "0800-170-3321"),
        ("電話 0368124470", "0368124470"),
        ("Tel: +81-3-6812-4470", "+81-3-6812-4470"),
        ("mobile +81 90 3178 2264", "+81 90 3178 2264"),
        ("call +1 (503) 555-0187", "+1 (503) 555-0187"),
        ("She can be reached at +1-415-555-0163.", "+1-415-555-0163"),
        ("London office +44 20 7946 0321", "+44 20 7946 0321"),
    ],
)
def test_phone_numbers_are_found(text: str, expected: str) -> None:
    assert found(recognizer, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01 に開催します",
        "2024/5/1（水）",
        "13:30-15:00",
        "〒154-0004",
        "〒060-0001 札幌市",
        "参加費 1,200円、定員 30名",
        "基礎年金番号 1234-567890",
        "法人番号 0123456789012",
        "302号室",
        "個人番号 0312 3456 7890",  # 12 digits
        "050-123-4567",  # IP phone numbers have 11 digits
        "090-1234-567",  # mobile numbers have 11 digits
        "03-1234-56789",
        "03-6812-4470-2",  # part of a longer number
        "予約番号 252247-070993",
        "世田谷区世田谷4-21-27",
        "12345-678-9012",
    ],
)
def test_look_alikes_are_not_found(text: str) -> None:
    assert found(recognizer, text, threshold=0.0) == []


def test_plain_digits_without_context_score_low() -> None:
    assert scores(recognizer, "0368124470") == [pytest.approx(0.4)]


def test_context_raises_the_score() -> None:
    assert scores(recognizer, "03-6812-4470") == [pytest.approx(0.75)]
    assert scores(recognizer, "電話：03-6812-4470") == [pytest.approx(0.95)]


def test_csv_column_header_is_context() -> None:
    text = "No,氏名,電話番号\n1,山川 次郎,0368124470\n"
    assert found(recognizer, text, threshold=0.8) == ["0368124470"]


def test_international_explanation_names_the_region() -> None:
    [result] = recognizer.analyze("+44 20 7946 0321", ["PHONE_NUMBER"], None)
    assert "GB" in result.analysis_explanation.textual_explanation
