"""The RecognizerResult our recognizers return: the entity, its span and score, and the
metadata presidio expects (recognizer name and id), plus where the evidence came from."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, RecognizerResult


def tagged_result(
    recognizer: EntityRecognizer,
    entity: str,
    start: int,
    end: int,
    score: float,
    source: str | None = None,
) -> RecognizerResult:
    metadata = {
        RecognizerResult.RECOGNIZER_NAME_KEY: type(recognizer).__name__,
        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
    }
    if source is not None:
        metadata["source"] = source
    return RecognizerResult(entity, start, end, score, recognition_metadata=metadata)
