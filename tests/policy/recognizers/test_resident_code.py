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
    ("text", "expected"),
    [
        (
            "> 住民票コードを書くように言われました。\n> 以前届いた通知には 48205917364 と"
            "書いてあったと思うのですが、この番号で合っていますか。",
            "48205917364",
        ),
        (
            "お知らせいただいた番号（38471920563）は、遠藤様の現在の住民票コードと一致しています。",
            "38471920563",
        ),
    ],
)
def test_a_code_a_line_from_its_caption_is_found(text: str, expected: str) -> None:
    assert found(recognizer, text, threshold=0.8) == [expected]


def test_a_phone_number_in_a_passage_about_the_code_is_not_one() -> None:
    text = (
        "住民票コードの通知票の再発行については、窓口で本人確認書類をご提示のうえ"
        "お申し出ください。担当の携帯 09031782264 でも承ります。"
    )
    assert found(recognizer, text, threshold=0.0) == []


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
