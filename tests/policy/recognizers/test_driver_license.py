"""JP_DRIVER_LICENSE: 12 digits, reported only with driver's licence context."""

from __future__ import annotations

import pytest

from mailgate.policy.recognizers.driver_license import DriverLicenseRecognizer
from tests.policy.recognizers import found

recognizer = DriverLicenseRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("運転免許証（第452107738121号）の写し", "452107738121"),
        ("免許証番号：４５２１ ０７７３ ８１２１", "４５２１ ０７７３ ８１２１"),
        ("運転免許証 第４５２１　０７７３　８１２１号", "４５２１　０７７３　８１２１"),
        ("免許番号 4521-0773-8121", "4521-0773-8121"),
        ("your driver's license number 452107738121", "452107738121"),
        ("同封の運転経歴証明書の写しで、番号（616805123341）を確認しました", "616805123341"),
    ],
)
def test_licence_numbers_are_found(text: str, expected: str) -> None:
    assert found(recognizer, text, threshold=0.8) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "予約番号 452107738121",  # no licence context
        "452107738121",
        "運転免許証 第45210773812号",  # 11 digits
        "運転免許証 第4521077381213号",  # 13 digits
    ],
)
def test_non_licences_are_not_found(text: str) -> None:
    assert found(recognizer, text, threshold=0.0) == []
