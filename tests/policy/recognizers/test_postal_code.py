"""JP_POSTAL_CODE: ddd-dddd without the 〒 sign, scored by what surrounds it."""

from __future__ import annotations

import pytest

from mailgate.policy.recognizers.postal_code import PostalCodeRecognizer
from tests.policy.recognizers import found, scores

recognizer = PostalCodeRecognizer()


@pytest.mark.parametrize(
    ("text", "expected", "minimum"),
    [
        ("〒231-0017 横浜市中区港町1-1", "231-0017", 0.9),
        ("〒 231-0017", "231-0017", 0.9),
        ("〒２３１－００１７　横浜市", "２３１－００１７", 0.9),
        ("郵便番号：231-0017", "231-0017", 0.9),
        ("〒2310017 横浜市", "2310017", 0.9),
        ("ご住所 231-0017 神奈川県横浜市", "231-0017", 0.75),
        ("Naka-ku, Yokohama, Kanagawa 231-0017, Japan", "231-0017", 0.75),
        ("Postal code: 231-0017", "231-0017", 0.9),
        ("移転先は231-0017です", "231-0017", 0.5),  # the shape alone: medium
    ],
)
def test_postal_codes_are_found(text: str, expected: str, minimum: float) -> None:
    assert found(recognizer, text, threshold=minimum) == [expected]


def test_the_mark_is_not_part_of_the_span() -> None:
    [result] = recognizer.analyze("〒231-0017", ["JP_POSTAL_CODE"], None)
    assert (result.start, result.end) == (1, 9)


def test_bare_shape_scores_below_context() -> None:
    assert scores(recognizer, "231-0017") == [pytest.approx(0.55)]


@pytest.mark.parametrize("caption", ["品番", "注文番号", "受付番号：", "Order No."])
def test_other_captions_score_below_threshold(caption: str) -> None:
    assert scores(recognizer, f"{caption} 231-0017") == [pytest.approx(0.3)]


@pytest.mark.parametrize(
    "text",
    [
        "電話 045-671-2233",
        "03-6812-4470",
        "2024-05-01",
        "基礎年金番号 1234-567890",
        "231-00175",
        "1-231-0017",
        "231-0017-2",
        "2310017",  # seven plain digits without the mark
        "横浜市中区港町1-1-1",
    ],
)
def test_look_alikes_are_not_found(text: str) -> None:
    assert found(recognizer, text, threshold=0.0) == []
