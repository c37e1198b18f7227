"""JP_PASSPORT: two capital letters and seven digits, strong with passport context."""

from __future__ import annotations

import pytest

from mailgate.policy.recognizers.passport import PassportRecognizer
from tests.policy.recognizers import found, scores

recognizer = PassportRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("旅券番号：TS4081729", "TS4081729"),
        ("旅券（番号：ＴＳ４０８１７２９）の写し", "ＴＳ４０８１７２９"),
        ("パスポート番号 MK5520183", "MK5520183"),
        ("a copy of your passport (no. RE2267140)", "RE2267140"),
        ("Passport No.: TZ9031846", "TZ9031846"),
    ],
)
def test_passport_numbers_with_context_are_found(text: str, expected: str) -> None:
    assert found(recognizer, text, threshold=0.9) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "旅券番号：ts4081729",  # lower case
        "旅券番号：TS408172",  # six digits
        "旅券番号：TS40817291",  # eight digits
        "旅券番号：ATS4081729",  # three letters
        "品番 TS4081729",  # the shape alone is weak
    ],
)
def test_non_passports_are_not_found(text: str) -> None:
    assert found(recognizer, text) == []


def test_shape_alone_scores_below_threshold() -> None:
    assert scores(recognizer, "TS4081729") == [pytest.approx(0.45)]


def test_english_caption_further_away_in_the_sentence() -> None:
    from mailgate.policy.recognizers.passport import PassportRecognizer

    text = "For our files, the passport you showed at the desk last Friday was No. XR4820193."
    (result,) = PassportRecognizer().analyze(text, ["JP_PASSPORT"])
    assert text[result.start : result.end] == "XR4820193" and result.score >= 0.9


def test_english_caption_in_the_sentence_before() -> None:
    text = (
        "However, please do not send passport details by e-mail.\n"
        "We have noted the number you wrote in your message (TR4820915), but we cannot use it."
    )
    assert found(recognizer, text, threshold=0.9) == ["TR4820915"]
