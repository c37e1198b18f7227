"""Tests of the identifier recognizers; `found` runs one recognizer and returns what it reports."""

from __future__ import annotations

from mailgate.policy.recognizers.numbers import IdentifierRecognizer

# The policy threshold the lead is expected to set; pattern-only matches sit below it.
THRESHOLD = 0.5


def found(recognizer: IdentifierRecognizer, text: str, threshold: float = THRESHOLD) -> list[str]:
    """The texts of the results at or above `threshold`, in text order."""
    results = recognizer.analyze(text, [recognizer.supported_entities[0]], None)
    return [
        text[r.start : r.end]
        for r in sorted(results, key=lambda r: r.start)
        if r.score >= threshold
    ]


def scores(recognizer: IdentifierRecognizer, text: str) -> list[float]:
    """The scores of all results, in text order."""
    results = recognizer.analyze(text, [recognizer.supported_entities[0]], None)
    return [r.score for r in sorted(results, key=lambda r: r.start)]
