"""DATE_OF_BIRTH: dates in every form, but only with birth context; meeting dates are not birth dates."""

from __future__ import annotations

import pytest

from mailgate.policy.recognizers.birth_date import BirthDateRecognizer
from tests.policy.recognizers import found

recognizer = BirthDateRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("生年月日：平成元年5月3日", "平成元年5月3日"),
        ("長男 陽斗（令和2年1月6日生まれ）", "令和2年1月6日"),
        ("生年月日 昭和５２年４月３日", "昭和５２年４月３日"),
        ("大正元年8月1日生", "大正元年8月1日"),
        ("西暦1978年11月5日生まれの方", "1978年11月5日"),
        ("生年月日: 1978/11/05", "1978/11/05"),
        ("1978-11-05 生まれ", "1978-11-05"),
        ("誕生日は２００１年３月１４日です", "２００１年３月１４日"),
        ("1978年11月5日（45歳）", "1978年11月5日"),
        ("S52.4.3生", "S52.4.3"),
        ("He was born on 5 November 1978 in Osaka.", "5 November 1978"),
        ("Date of birth: November 5, 1978", "November 5, 1978"),
        ("DOB: Nov. 5, 1978", "Nov. 5, 1978"),
        ("Born 14 Feb 1990", "14 Feb 1990"),
        ("氏名,生年月日,学年\n森 陽菜,2015/04/12,4年\n", "2015/04/12"),
        # In kanji numerals, as some residents write them.
        ("私は生年月日が平成元年十一月三日で、", "平成元年十一月三日"),
        ("昭和五十二年四月三十日生まれ", "昭和五十二年四月三十日"),
        ("誕生日は一九八九年十二月二十五日です", "一九八九年十二月二十五日"),
        ("宮本様は昭和25年8月19日のお生まれで、", "昭和25年8月19日"),
    ],
)
def test_birth_dates_are_found(text: str, expected: str) -> None:
    assert found(recognizer, text, threshold=0.8) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "令和6年11月1日（金）に部会を開催します",
        "2025/01/18（土） 午後2時30分から",
        "日時：2025年5月18日(日)　15時～17時",
        "Date: Wednesday, June 4, 2025",
        "The documents arrived on Tuesday, September 3, 2024.",
        "生涯学習センターで2024年5月1日に講座を開きます",
        "お誕生日会は2024年12月24日に開きます",
        "生年月日：平成32年1月1日",  # 平成 ended in its 31st year
        "生年月日：1978年2月30日",  # no such day
        "生年月日：平成三十二年一月一日",  # in kanji numerals too
        "生年月日：昭和十十年一月一日",  # not a number
        "生年月日：2099年1月1日",  # in the future
        "回,日付\n第1回,2024/12/23\n",
        # The date an age is counted at, not anyone's birth date.
        "一時保育は、令和7年4月1日時点で満1歳以上のお子さまが対象です",
        "2025年4月1日現在で65歳以上の方",
        # The bounds of a birth-date range are a group's condition.
        "40歳から74歳の方（昭和26年4月1日から昭和61年3月31日までの間に生まれた方）が対象です",
        # A day with its weekday is a calendar day, even after 誕生日 in the sentence before.
        "満18歳の誕生日を迎える方にあります。\n令和7年7月20日（日）執行予定の市長選挙では",
    ],
)
def test_dates_without_birth_context_are_not_found(text: str) -> None:
    assert found(recognizer, text, threshold=0.0) == []


def test_explanation_names_the_birth_context() -> None:
    [result] = recognizer.analyze("生年月日：平成元年5月3日", ["DATE_OF_BIRTH"], None)
    assert "生年月日" in result.analysis_explanation.textual_explanation
