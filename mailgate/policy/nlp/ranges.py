"""Which ranges of a text GiNZA is given: chunks under its byte limit, and lines worth NER."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from spacy.tokens import Doc

# GiNZA (Sudachi) rejects more than 49,149 bytes; stay well below it.
MAX_CHUNK_BYTES = 40_000

# NER runs on a line only if it is Japanese (GiNZA's NER on English text finds little but
# noise; romanised names have their own recognizer) and Sudachi's dictionary sees a proper
# noun in it, or it holds an honorific (a name Sudachi does not know).
JAPANESE_TEXT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]{2}")
HONORIFIC = re.compile(r"様|さま|さん|氏|殿|くん|ちゃん")
PROPER_NOUN_TAG = "固有名詞"


def chunks(text: str, limit: int = MAX_CHUNK_BYTES) -> list[tuple[int, int]]:
    """Split [0, len(text)) into pieces under `limit` UTF-8 bytes, at line ends when possible."""
    if len(text.encode("utf-8")) <= limit:
        return [(0, len(text))] if text else []
    pieces: list[tuple[int, int]] = []
    start = size = 0
    for match in re.finditer(r"[^\n]*\n|[^\n]+$", text):
        line_bytes = len(match.group().encode("utf-8"))
        if size + line_bytes > limit and size:
            pieces.append((start, match.start()))
            start, size = match.start(), 0
        if line_bytes > limit:  # one enormous line: split it by characters
            for a, b in _split_long(text, match.start(), match.end(), limit):
                pieces.append((a, b))
            start, size = match.end(), 0
            continue
        size += line_bytes
    if start < len(text):
        pieces.append((start, len(text)))
    return pieces


def _split_long(text: str, start: int, end: int, limit: int) -> Iterable[tuple[int, int]]:
    # Worst case 4 bytes per character; prefer to cut after a sentence end.
    step = limit // 4
    while start < end:
        stop = min(end, start + step)
        cut = max(text.rfind(mark, start, stop) for mark in "。．.!?！？ ")
        stop = cut + 1 if stop < end and cut > start else stop
        yield start, stop
        start = stop


def ner_lines(doc: Doc, skip: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Runs of adjacent lines worth NER, outside `skip` (the signature block).

    On ward mail this leaves about a fifth of the text (greetings, dates,
    procedures hold no proper noun); adjacent kept lines stay together so NER
    keeps its context across the line break.
    """
    text = doc.text
    proper = {text.count("\n", 0, token.idx) for token in doc if PROPER_NOUN_TAG in token.tag_}
    ranges: list[tuple[int, int]] = []
    offset = 0
    for number, line in enumerate(text.split("\n")):
        start, end = offset, offset + len(line)
        offset = end + 1
        if any(a <= start < b for a, b in skip) or not JAPANESE_TEXT.search(line):
            continue
        if number not in proper and not HONORIFIC.search(line):
            continue
        if ranges and ranges[-1][1] + 1 == start:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    return ranges
