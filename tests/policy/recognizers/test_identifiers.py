"""The recognizer set: one per entity and language, served by presidio's registry, fast, self-explaining."""

from __future__ import annotations

import time

from presidio_analyzer import RecognizerRegistry

from mailgate.policy.recognizers.identifiers import ENTITY_RECOGNIZERS, identifier_recognizers
from mailgate.policy.recognizers.numbers import IdentifierRecognizer
from tests.policy.recognizers.test_my_number import with_check

MAIL = (
    "森 花子 様\n\n"
    "いつもお世話になっております。\n"
    "個人番号（{my_number}）、電話 090-3178-2264、〒231-0017 横浜市中区港町1-1。\n"
    "生年月日：昭和52年4月3日、旅券番号 TS4081729、口座番号 4028816。\n"
    "会議は2025年5月18日(日) 15時から、予約番号 252247-070993 です。\n"
) * 10


def japanese_recognizers() -> list[IdentifierRecognizer]:
    recognizers = identifier_recognizers(("ja",))
    assert all(isinstance(r, IdentifierRecognizer) for r in recognizers)
    return [r for r in recognizers if isinstance(r, IdentifierRecognizer)]


def test_one_recognizer_per_entity_and_language() -> None:
    recognizers = identifier_recognizers(("ja", "en"))
    assert len(recognizers) == 2 * len(ENTITY_RECOGNIZERS)
    for language in ("ja", "en"):
        entities = {
            entity
            for recognizer in recognizers
            if recognizer.supported_language == language
            for entity in recognizer.supported_entities
        }
        assert entities == set(ENTITY_RECOGNIZERS)


def test_registry_serves_them_for_each_language() -> None:
    registry = RecognizerRegistry(supported_languages=["ja", "en"])
    for recognizer in identifier_recognizers():
        registry.add_recognizer(recognizer)
    for language in ("ja", "en"):
        served = registry.get_recognizers(
            language=language, entities=["JP_MY_NUMBER", "PHONE_NUMBER"]
        )
        assert {type(r).__name__ for r in served} == {"MyNumberRecognizer", "PhoneRecognizer"}


def test_every_result_explains_itself_without_nlp_artifacts() -> None:
    text = MAIL.format(my_number=with_check("40582716390"))
    results = [r for rec in japanese_recognizers() for r in rec.analyze(text, [], None)]
    assert {r.entity_type for r in results} >= {
        "JP_MY_NUMBER",
        "PHONE_NUMBER",
        "JP_POSTAL_CODE",
        "DATE_OF_BIRTH",
        "JP_PASSPORT",
        "BANK_ACCOUNT",
    }
    for result in results:
        explanation = result.analysis_explanation
        assert (
            explanation.recognizer and explanation.pattern_name and explanation.textual_explanation
        )
        assert 0.0 <= result.score <= 1.0


def test_all_recognizers_are_fast_on_a_long_mail() -> None:
    recognizers = japanese_recognizers()
    text = MAIL.format(my_number=with_check("40582716390"))[:2000]
    for recognizer in recognizers:  # warm up
        recognizer.analyze(text, [], None)
    runs = 20
    started = time.perf_counter()
    for n in range(runs):
        varied = text.replace("森", "林" if n % 2 else "森")  # defeat the normalisation cache
        for recognizer in recognizers:
            recognizer.analyze(varied, [], None)
    per_mail = (time.perf_counter() - started) / runs
    assert per_mail < 0.02  # generous for slow CI; measured well under 5 ms
