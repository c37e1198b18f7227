"""The analyzer the personal-data rule calls: presidio with only our recognizers, on GiNZA."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

from mailgate.policy.nlp.engine import LANGUAGES, GinzaNlpEngine, NerRequest
from mailgate.policy.units import TextUnit

log = logging.getLogger(__name__)


class Analyzer:
    """Our presidio AnalyzerEngine plus the choice of where NER runs."""

    def __init__(self, engine: AnalyzerEngine, nlp_engine: GinzaNlpEngine) -> None:
        self.engine = engine
        self.nlp_engine = nlp_engine

    def analyze(
        self,
        unit: TextUnit,
        *,
        language: str = "ja",
        entities: list[str] | None = None,
        nlp_ranges: Sequence[tuple[int, int]] | None = None,
        score_threshold: float = 0.0,
    ) -> list[RecognizerResult]:
        """Findings in `unit` with offsets into its original text (normalisation keeps length)."""
        [results] = self.analyze_units(
            [unit],
            language=language,
            entities=entities,
            nlp_ranges=[nlp_ranges],
            score_threshold=score_threshold,
        )
        return results

    def analyze_units(
        self,
        units: Sequence[TextUnit],
        *,
        language: str = "ja",
        entities: list[str] | None = None,
        nlp_ranges: Sequence[Sequence[tuple[int, int]] | None] | None = None,
        score_threshold: float = 0.0,
    ) -> list[list[RecognizerResult]]:
        """`analyze` for each of `units` (a mail's subject, body, attachments), NER in one batch.

        The results are those of `analyze` unit by unit, only cheaper: GiNZA runs once for
        all the units' lines instead of once per unit.
        """
        requests = [
            NerRequest(
                unit.normalised,
                nlp_ranges[i] if nlp_ranges is not None else None,
                [unit.structure.signature] if unit.structure and unit.structure.signature else [],
            )
            for i, unit in enumerate(units)
        ]
        artifacts = self.nlp_engine.process_texts(requests, language)
        return [
            self.engine.analyze(
                request.text,
                language=language if language in LANGUAGES else "ja",
                entities=entities,
                nlp_artifacts=unit_artifacts,
                score_threshold=score_threshold,
            )
            for request, unit_artifacts in zip(requests, artifacts, strict=True)
        ]


def our_recognizers(languages: Sequence[str] = LANGUAGES) -> list[EntityRecognizer]:
    """Identifier recognizers, ours for names and addresses, and GiNZA's other entities."""
    from mailgate.policy.recognizers.address import address_recognizers
    from mailgate.policy.recognizers.person import person_recognizers

    recognizers: list[EntityRecognizer] = []
    try:
        from mailgate.policy.recognizers.identifiers import identifier_recognizers
    except (
        ImportError
    ):  # pragma: no cover - only while the identifier recognizers are being written
        log.warning("identifier recognizers are missing: identifiers will not be detected")
    else:
        recognizers += identifier_recognizers(languages=tuple(languages))
    for lang in languages:
        recognizers += person_recognizers(lang) + address_recognizers(lang)
        recognizers.append(
            SpacyRecognizer(
                supported_language=lang, supported_entities=["LOCATION", "ORGANIZATION"]
            )
        )
    return recognizers


@functools.cache
def _shared_nlp_engine() -> GinzaNlpEngine:
    engine = GinzaNlpEngine()
    engine.load()
    return engine


def build_analyzer() -> Analyzer:
    """The analyzer with only our recognizers; GiNZA is loaded once per process."""
    nlp_engine = _shared_nlp_engine()
    registry = RecognizerRegistry(supported_languages=list(LANGUAGES))
    for recognizer in our_recognizers():
        registry.add_recognizer(recognizer)
    engine = AnalyzerEngine(
        registry=registry, nlp_engine=nlp_engine, supported_languages=list(LANGUAGES)
    )
    return Analyzer(engine, nlp_engine)
