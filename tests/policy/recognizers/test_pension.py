"""JP_PENSION_NUMBER: 4+6 digits, strong with 基礎年金番号 context."""

from __future__ import annotations

import pytest

from mailgate.policy.recognizers.pension import PensionNumberRecognizer
from tests.policy.recognizers import found, scores

recognizer = PensionNumberRecognizer()


@pytest.mark.parametrize(
    ("text", "expected", "minimum"),
    [
        ("基礎年金番号（4071-338152）", "4071-338152", 0.9),
        ("基礎年金番号：４０７１－３３８１５２", "４０７１－３３８１５２", 0.9),
        ("年金手帳の番号 4071 338152", "4071 338152", 0.9),
        ("基礎年金番号 4071338152", "4071338152", 0.9),
        ("pension number 4071-338152", "4071-338152", 0.9),
        ("番号は4071-338152です", "4071-338152", 0.5),  # the 4-6 shape alone
    ],
)
def test_pension_numbers_are_found(text: str, expected: str, minimum: float) -> None:
    assert found(recognizer, text, threshold=minimum) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "4071338152",  # ten plain digits alone
        "年金事務所 0453381520",  # a phone number near a pension office
        "基礎年金番号 40713-38152",
        "基礎年金番号 4071-3381524",
        "予約番号 252247-070993",
        "03-4071-338152",
        "引受保険会社の証券番号：JTA-2025-004417",  # the tail of a policy code
        "行政苦情110番　0570-090110（平日 8:30～17:15）",  # a nationwide dial number
    ],
)
def test_non_pension_numbers_are_not_found(text: str) -> None:
    assert found(recognizer, text, threshold=0.0) == []


def test_reference_caption_scores_low() -> None:
    assert scores(recognizer, "注文番号 4071-338152") == [pytest.approx(0.3)]
    assert scores(recognizer, "4071-338152") == [pytest.approx(0.6)]
