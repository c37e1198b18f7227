"""JP_RESIDENT_CODE: 11 digits with 住民票コード context."""

from __future__ import annotations

import pytest

from mailgate.policy.recognizers.resident_code import ResidentCodeRecognizer
from tests.policy.recognizers import found

recognizer = ResidentCodeRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("お尋ねの住民票コードは、52019837460です。", "52019837460"),
        ("住民票コード：５２０１９８３７４６０", "５２０１９８３７４６０"),
        ("住民票コード 5201 9837 460", "5201 9837 460"),
        ("your resident record code 52019837460", "52019837460"),
    ],
)
def test_resident_codes_are_found(text: str, expected: str) -> None:
    assert found(recognizer, text, threshold=0.8) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "52019837460",  # no context
        "携帯 09031782264",
        "住民票コード 520198374601",  # 12 digits
        "住民票コード 5201983746",  # 10 digits
        "住民票コードの通知は12月1日に発送します",
    ],
)
def test_non_resident_codes_are_not_found(text: str) -> None:
    assert found(recognizer, text, threshold=0.0) == []
