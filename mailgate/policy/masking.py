"""The redaction suggestion: the text with each blocking finding replaced by its label."""

from __future__ import annotations

import functools

from presidio_analyzer import RecognizerResult
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from mailgate.policy.findings import Finding

# What replaces each kind of finding, in the author's language (Japanese first).
LABELS = {
    "PERSON": "［氏名］",
    "PHONE_NUMBER": "［電話番号］",
    "POSTAL_ADDRESS": "［住所］",
    "JP_POSTAL_CODE": "［郵便番号］",
    "DATE_OF_BIRTH": "［生年月日］",
    "JP_MY_NUMBER": "［個人番号］",
    "BANK_ACCOUNT": "［口座番号］",
    "CREDIT_CARD": "［カード番号］",
    "JP_PASSPORT": "［旅券番号］",
    "JP_DRIVER_LICENSE": "［免許証番号］",
    "JP_HEALTH_INSURANCE": "［保険証番号］",
    "JP_PENSION_NUMBER": "［年金番号］",
    "JP_RESIDENT_CODE": "［住民票コード］",
    "SENSITIVE": "［要配慮個人情報］",
}


@functools.cache
def _engine() -> AnonymizerEngine:
    return AnonymizerEngine()


def mask(text: str, findings: list[Finding], location: str) -> str:
    """`text` with the blocking, maskable findings at `location` replaced by labels."""
    results = [
        RecognizerResult(f.entity_type, f.start, f.end, f.score)
        for f in findings
        if f.blocking
        and f.location == location
        and f.start is not None
        and f.end is not None
        and f.entity_type in LABELS
    ]
    if not results:
        return text
    operators = {t: OperatorConfig("replace", {"new_value": label}) for t, label in LABELS.items()}
    return _engine().anonymize(text=text, analyzer_results=results, operators=operators).text  # type: ignore[arg-type]
