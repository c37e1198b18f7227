"""JP_MY_NUMBER: valid check digits in every written form; check-digit failures and longer numbers not."""

from __future__ import annotations

import pytest

from mailgate.policy.recognizers.my_number import MyNumberRecognizer, check_digit, is_valid
from tests.policy.recognizers import found, scores

recognizer = MyNumberRecognizer()

# Weights of the 11 digits read left to right (the official table read from the right: 2..7, 2..6).
WEIGHTS_LEFT_TO_RIGHT = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]


def with_check(first_eleven: str) -> str:
    """Append the official check digit, computed independently of the module under test."""
    remainder = (
        sum(int(d) * w for d, w in zip(first_eleven, WEIGHTS_LEFT_TO_RIGHT, strict=True)) % 11
    )
    return first_eleven + str(0 if remainder <= 1 else 11 - remainder)


def with_wrong_check(first_eleven: str) -> str:
    right = int(with_check(first_eleven)[-1])
    return first_eleven + str((right + 3) % 10)


VALID = with_check("73019248561")
VALID_B = with_check("40582716390")
INVALID = with_wrong_check("73019248561")
FULL_WIDTH = VALID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def grouped(number: str, sep: str) -> str:
    return sep.join((number[:4], number[4:8], number[8:]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"個人番号：{VALID}", VALID),
        (f"マイナンバー {grouped(VALID, ' ')} を確認しました", grouped(VALID, " ")),
        (f"個人番号（{grouped(VALID_B, '-')}）", grouped(VALID_B, "-")),
        (f"個人番号は{FULL_WIDTH}です", FULL_WIDTH),
        (f"番号 {grouped(FULL_WIDTH, '　')} の件", grouped(FULL_WIDTH, "　")),
        (f"番号 {grouped(VALID, '－')} の件", grouped(VALID, "－")),
        (f"Your My Number is {VALID}.", VALID),
        (f"{VALID}", VALID),  # no context: the check digit alone blocks
    ],
)
def test_valid_my_numbers_are_found(text: str, expected: str) -> None:
    assert found(recognizer, text, threshold=0.8) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        f"番号：{INVALID}",  # fails the check digit, and no My Number caption
        f"個人番号の確認書類と、予約番号 {INVALID}",  # the caption is not this number's
        f"マイナンバーカード {INVALID}",  # the card, not the number
        f"予約番号 {with_wrong_check('25531190482')} のご予約",
        f"法人番号（{VALID}7）",  # 13 digits: a corporate number
        f"法人番号（3{VALID}）",
        f"{grouped(VALID, '-')}-4",  # the group continues
        f"7 {grouped(VALID, ' ')}",
        f"ID A{VALID}",  # a code with a letter prefix
        "個人番号：7301 9248 561",  # 11 digits
    ],
)
def test_non_my_numbers_are_not_found(text: str) -> None:
    assert found(recognizer, text, threshold=0.0) == []


@pytest.mark.parametrize(
    "text",
    [
        f"個人番号：{INVALID}",
        f"マイナンバー：{grouped(INVALID, ' ')}",
        f"> 手続きに必要かもしれないので書いておきます。マイナンバー（{INVALID}）",
        f"My Number: {INVALID}",
    ],
)
def test_a_mistyped_number_right_after_its_caption_is_still_found(text: str) -> None:
    # A digit wrong means the check digit fails, but the other eleven are someone's number.
    [result] = recognizer.analyze(text, ["JP_MY_NUMBER"], None)
    assert result.score == pytest.approx(0.9)
    assert "mistyped" in result.analysis_explanation.textual_explanation


@pytest.mark.parametrize("caption", ["注文番号", "予約番号", "運転免許証 第", "Order no.", "Ref:"])
def test_valid_number_under_another_caption_scores_low(caption: str) -> None:
    assert scores(recognizer, f"{caption} {VALID}") == [pytest.approx(0.3)]


def test_context_raises_the_score_and_is_explained() -> None:
    [result] = recognizer.analyze(f"個人番号 {VALID}", ["JP_MY_NUMBER"], None)
    assert result.score == 1.0
    explanation = result.analysis_explanation
    assert explanation.recognizer == "MyNumberRecognizer"
    assert "個人番号" in explanation.textual_explanation
    assert "check digit" in explanation.textual_explanation
    assert scores(recognizer, VALID) == [pytest.approx(0.85)]


@pytest.mark.parametrize(
    "first_eleven", ["73019248561", "40582716390", "00000000000", "99999999999"]
)
def test_check_digit_matches_an_independent_computation(first_eleven: str) -> None:
    assert str(check_digit(first_eleven)) == with_check(first_eleven)[-1]
    assert is_valid(with_check(first_eleven))
    assert not is_valid(with_wrong_check(first_eleven))


def test_remainder_zero_or_one_gives_check_digit_zero() -> None:
    eleven = next(
        f"{n:011d}"
        for n in range(10**10, 10**10 + 1000)
        if sum(int(d) * w for d, w in zip(f"{n:011d}", WEIGHTS_LEFT_TO_RIGHT, strict=True)) % 11
        == 1
    )
    assert check_digit(eleven) == 0
