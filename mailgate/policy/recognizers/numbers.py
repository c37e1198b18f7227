"""Shared machinery of the identifier recognizers: boundaries, context windows, the base class.

Every recognizer matches its patterns on the normalised text (full-width
digits and letters, dash variants and ideographic spaces folded, same length
as the original) and reads context from a window of the text around the
match: up to `before` characters before it on the same or the previous line,
up to `after` characters after it on the same line, and, in CSV-like text,
the header of the column the match sits in.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import ClassVar, cast

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from mailgate.policy.text import normalise

DIGITS = frozenset("0123456789")
HEADER_SEARCH_LINES = 30  # a table's header is near the top of its text
ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

# Captions of numbers that are not personal identifiers: an order or booking
# number that happens to pass a check digit must not be reported as one.
REFERENCE_WORDS = (
    "注文",
    "予約",
    "受付番号",
    "受付No",
    "問合せ番号",
    "問い合わせ番号",
    "お問合せ番号",
    "管理番号",
    "整理番号",
    "お客様番号",
    "伝票番号",
    "申込番号",
    "請求番号",
    "法人番号",
    "会員番号",
    "order",
    "reservation",
    "booking",
    "reference",
    "ref.",
    "ref:",
    "ref no",
    "invoice",
    "tracking",
    "ticket",
)


@functools.lru_cache(maxsize=8)
def normalised(text: str) -> str:
    """`normalise(text)`, computed once per text for all the recognizers run on it."""
    return normalise(text)


def digits_of(text: str) -> str:
    return "".join(char for char in text if char in DIGITS)


def words(*items: str) -> tuple[str, ...]:
    """Context words in the form windows are compared in (normalised, case-folded)."""
    return tuple(normalise(item).casefold() for item in items)


def bounded(norm: str, start: int, end: int, *, letters: bool = True, joiners: str = "-") -> bool:
    """True when no digit touches norm[start:end], directly or across one joiner.

    "1234-5678-9012" inside "1234-5678-9012-3" or a 12-digit run inside a
    13-digit corporate number is part of a longer number, not an identifier.
    With `letters`, an ASCII letter touching the run also disqualifies it
    ("A123456789012" is a code, not a My Number).
    """
    if start > 0:
        prev = norm[start - 1]
        if prev in DIGITS or (letters and prev in ASCII_LETTERS):
            return False
        if prev in joiners and start > 1 and norm[start - 2] in DIGITS:
            return False
    if end < len(norm):
        nxt = norm[end]
        if nxt in DIGITS or (letters and nxt in ASCII_LETTERS):
            return False
        if nxt in joiners and end + 1 < len(norm) and norm[end + 1] in DIGITS:
            return False
    return True


def joiners_of(matched: str) -> str:
    """Separators that would continue a number grouped like `matched`."""
    return " -" if " " in matched else "-"


@dataclass(frozen=True)
class Context:
    """The text around a match, normalised and case-folded, in which context words are looked for."""

    before: str
    after: str
    header: str = ""

    def find(
        self, vocabulary: Iterable[str], *, before: bool = True, after: bool = True
    ) -> str | None:
        """The first word of `vocabulary` (built with `words`) present in the window, if any."""
        for word in vocabulary:
            if (
                (before and word in self.before)
                or (after and word in self.after)
                or (word in self.header)
            ):
                return word
        return None


def context_of(text: str, start: int, end: int, *, before: int = 25, after: int = 10) -> Context:
    """The window around text[start:end]: same or previous line before it, same line after it."""
    line_start = text.rfind("\n", 0, start) + 1
    prev_line_start = text.rfind("\n", 0, max(line_start - 1, 0)) + 1 if line_start else 0
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    # A number captioned on its own line ("基礎年金番号：…") belongs to that caption,
    # not to the one of the line above ("被保険者番号：…").
    if ":" in normalise(text[line_start:start]):
        prev_line_start = line_start
    left = text[max(start - before, prev_line_start) : start]
    right = text[end : min(end + after, line_end)]
    return Context(
        before=normalise(left).casefold(),
        after=normalise(right).casefold(),
        header=column_header(text, start).casefold(),
    )


def column_header(text: str, start: int) -> str:
    """The header cell of the column holding `start`, when the text is CSV or TSV.

    A number in a table ("No,氏名,生年月日,電話番号") has its caption in the
    header line, far from the number itself.
    """
    norm = normalised(text)
    line_start = norm.rfind("\n", 0, start) + 1
    line_end = norm.find("\n", start)
    line = norm[line_start : line_end if line_end >= 0 else len(norm)]
    for delimiter in (",", "\t"):
        count = line.count(delimiter)
        if count < 2:
            continue
        header = _header(norm, delimiter, count)
        if header is None or header[0] >= line_start:
            return ""
        return header[1][norm.count(delimiter, line_start, start)]
    return ""


@functools.lru_cache(maxsize=64)
def _header(norm: str, delimiter: str, count: int) -> tuple[int, list[str]] | None:
    """Offset and cells of the table's header among the first lines of `norm`.

    A header has as many delimiters as the row, short cells and no digits
    (prose with commas has long cells, data rows have digits). Cached: every
    number in a long table asks for the same header.
    """
    offset = 0
    for _ in range(HEADER_SEARCH_LINES):
        end = norm.find("\n", offset)
        if end < 0:
            end = len(norm)
        cells = norm[offset:end].split(delimiter)
        if (
            len(cells) == count + 1
            and not DIGITS.intersection(norm[offset:end])
            and all(len(cell) <= 20 for cell in cells)
        ):
            return offset, cells
        if end == len(norm):
            break
        offset = end + 1
    return None


@dataclass(frozen=True)
class Candidate:
    """One span a recognizer reports, with the reasons it gives."""

    start: int
    end: int
    score: float
    pattern_name: str
    explanation: str
    validation_result: bool | None = None


class IdentifierRecognizer(EntityRecognizer):
    """Base of the regex-and-validation recognizers: no NLP artifacts, own context check.

    Subclasses set ENTITY and implement `candidates`. The results are marked
    as already context-enhanced so that presidio's lemma-based enhancer does
    not raise the score a second time.
    """

    ENTITY: ClassVar[str]

    def __init__(self, supported_language: str = "ja") -> None:
        super().__init__(
            supported_entities=[self.ENTITY],
            name=type(self).__name__,
            supported_language=supported_language,
        )

    def load(self) -> None:
        """Patterns are compiled at import; nothing to load."""

    def analyze(
        self,
        text: str,
        entities: list[str] | None = None,
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        return [self._result(c) for c in self.candidates(text, normalised(text))]

    def candidates(self, text: str, norm: str) -> Iterator[Candidate]:
        """The spans of `text` this recognizer reports; `norm` is its normalised form."""
        raise NotImplementedError

    def _result(self, candidate: Candidate) -> RecognizerResult:
        name = type(self).__name__
        explanation = AnalysisExplanation(
            recognizer=name,
            original_score=candidate.score,
            pattern_name=candidate.pattern_name,
            # None: no checksum applies (presidio's annotation says bool but means optional).
            validation_result=cast(bool, candidate.validation_result),
            textual_explanation=candidate.explanation,
        )
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=candidate.start,
            end=candidate.end,
            score=candidate.score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
            },
        )


def with_context(explanation: str, word: str | None) -> str:
    """Explanation text naming the context word that raised the score."""
    return f"{explanation} and the context word {word}" if word else explanation


class CaptionedNumberRecognizer(IdentifierRecognizer):
    """A number whose shape is common, reported only when its caption is near it.

    Subclasses set PATTERN, CONTEXT, SCORE, PATTERN_NAME and DESCRIPTION (what
    the number is, for the explanation).
    """

    PATTERN: ClassVar[re.Pattern[str]]
    CONTEXT: ClassVar[tuple[str, ...]]
    SCORE: ClassVar[float] = 0.9
    PATTERN_NAME: ClassVar[str]
    DESCRIPTION: ClassVar[str]  # the explanation: "<DESCRIPTION> <caption found>"

    def candidates(self, text: str, norm: str) -> Iterator[Candidate]:
        for match in self.PATTERN.finditer(norm):
            start, end = match.span()
            if not bounded(norm, start, end, joiners=joiners_of(match.group())):
                continue
            why = self.captioned(text, start, end, match.group())
            if why is not None:
                yield Candidate(start, end, self.SCORE, self.PATTERN_NAME, why)

    def captioned(self, text: str, start: int, end: int, number: str) -> str | None:
        """The explanation when a caption claims the number at text[start:end], else None."""
        word = context_of(text, start, end, before=30).find(self.CONTEXT)
        return None if word is None else f"{self.DESCRIPTION} {word}"
