"""JP_HEALTH_INSURANCE: 記号・番号 of an insurance card, or an insured person's number with context."""

from __future__ import annotations

import pytest

from mailgate.policy.recognizers.health_insurance import HealthInsuranceRecognizer
from tests.policy.recognizers import found

recognizer = HealthInsuranceRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("被保険者証 記号 4417 番号 23", ["4417", "23"]),
        ("記号：31052468 番号：7", ["31052468", "7"]),
        ("保険証（記号63 番号518204）", ["63", "518204"]),
        ("被保険者証（記号　７７ 番号　１０２９３）", ["７７", "１０２９３"]),
        ("記号 4417・番号 23・枝番 01", ["4417", "23", "01"]),
        ("国民健康保険の被保険者証（41-902713）", ["41-902713"]),
        ("被保険者番号：31052468", ["31052468"]),
        ("介護保険被保険者番号 0012345678", ["0012345678"]),
        ("保険証の番号 ３１０５２４６８", ["３１０５２４６８"]),
    ],
)
def test_insurance_numbers_are_found(text: str, expected: list[str]) -> None:
    assert found(recognizer, text, threshold=0.8) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31052468",  # eight digits without context
        "ゆうちょ銀行 記号 13570 番号 24681351",  # a bank account
        "国民健康保険課\n〒231-0017 横浜市",  # a department and its postal code
        "保険証は10-15日で届きます",
        "被保険者証 3105246",  # seven digits
    ],
)
def test_non_insurance_numbers_are_not_found(text: str) -> None:
    assert found(recognizer, text, threshold=0.0) == []


def test_captions_first_then_both_numbers() -> None:
    from mailgate.policy.recognizers.health_insurance import HealthInsuranceRecognizer

    text = "国民健康保険被保険者証の記号・番号（31・207785）を確認しました。"
    found = {
        text[r.start : r.end]
        for r in HealthInsuranceRecognizer().analyze(text, ["JP_HEALTH_INSURANCE"])
    }
    assert found == {"31", "207785"}


def test_a_number_belongs_to_the_caption_on_its_own_line() -> None:
    from mailgate.policy.recognizers.health_insurance import HealthInsuranceRecognizer
    from mailgate.policy.recognizers.pension import PensionNumberRecognizer as PensionRecognizer

    text = "被保険者番号：11223344\n基礎年金番号：５５０１－２２３３４４\n"
    insurance = [
        text[r.start : r.end]
        for r in HealthInsuranceRecognizer().analyze(text, ["JP_HEALTH_INSURANCE"])
    ]
    pension = [
        text[r.start : r.end] for r in PensionRecognizer().analyze(text, ["JP_PENSION_NUMBER"])
    ]
    assert insurance == ["11223344"]
    assert pension == ["５５０１－２２３３４４"]


def test_symbol_with_a_kanji_prefix() -> None:
    from mailgate.policy.recognizers.health_insurance import HealthInsuranceRecognizer

    for text, expected in (
        ("保険証の記号・番号 東3・55120 をご確認ください。", {"東3", "55120"}),
        ("被保険者証 記号 国保12 番号 3456", {"国保12", "3456"}),
        ("国民健康保険の記号・番号（楪国 12-40871）をご記入ください。", {"楪国 12", "40871"}),
        # a form's field quoted back
        ("被保険者証の記号・番号の欄が「21483・1093」となっており", {"21483", "1093"}),
    ):
        found = {
            text[r.start : r.end]
            for r in HealthInsuranceRecognizer().analyze(text, ["JP_HEALTH_INSURANCE"])
        }
        assert found == expected
