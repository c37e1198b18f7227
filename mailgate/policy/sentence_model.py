"""What the two sentence models share (disclosure_model.py, decision_model.py).

Both read one body sentence at a time: a logistic regression over the sentence's character
1- to 3-grams, trained by `mailgate policy train` on labelled corpora, stored as JSON
(weights by n-gram, intercept, what it was trained on), scored as a sum of weights. Character
n-grams need no tokenizer and carry Japanese inflection (「受け付けました」「認められ」) well.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Self, TypeVar

from mailgate.policy.context_model import read_model_file
from mailgate.policy.dictionaries import unwrap

SENTENCE = re.compile(r"[^。！？\n]*[。！？\n]?")


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each non-blank sentence, ended by 。！？ or a line break."""
    for match in SENTENCE.finditer(text):
        if match.group().strip():
            yield match.start(), match.end()


def written_sentences(text: str) -> dict[int, tuple[int, int]]:
    """For each line a hard-wrapped sentence runs over, (start, end) of the whole sentence as its
    writer wrote it (the mailer's line breaks taken out); lines that hold whole sentences are
    left out. The models read line by line (what they were trained on); the filters that decide
    whether to ask them read the whole sentence: 「…精神障害者保健福祉手帳を」 / 「お持ちの方と、
    その介護者が…対象です。」 is a general rule, whichever line the model is asked about."""
    joined, origin = unwrap(text)
    whole = {}
    for match in SENTENCE.finditer(joined):
        a, b = match.span()
        if any(origin[i] != origin[i - 1] + 1 or text[origin[i]] == "\n" for i in range(a + 1, b)):
            bounds = (origin[a], origin[b - 1] + 1)
            line = bounds[0]
            while line < bounds[1]:
                whole[line] = bounds
                line = text.find("\n", line, bounds[1]) + 1 or bounds[1]
    return whole


def quoted(text: str, start: int) -> bool:
    """Whether the sentence starts on a line quoted from the resident's mail."""
    line_start = text.rfind("\n", 0, start) + 1
    return text[line_start:start].lstrip().startswith(">") or text[start:].lstrip().startswith(">")


def open_sentences(text: str, taken: Iterable[tuple[int, int]] = ()) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence a sentence model reads, and is trained on: not quoted from
    the resident (`>`) and not overlapping a span in `taken` (what the rules already flagged)."""
    spans = list(taken)
    for start, end in sentences(text):
        if not quoted(text, start) and not any(a < end and start < b for a, b in spans):
            yield start, end


def grams(sentence: str) -> set[str]:
    """The distinct character 1- to 3-grams of a sentence (spaces collapsed, lower case)."""
    text = " ".join(sentence.split()).lower()
    return {text[i : i + n] for n in (1, 2, 3) for i in range(len(text) - n + 1)}


class SentenceModelError(ValueError):
    """A model file that is missing, unreadable or not a model of its format, or a training
    file (labels, loose sentences) with a bad line."""


T = TypeVar("T")


def parsed_lines(path: str | Path, what: str, parse: Callable[[dict[str, Any]], T]) -> Iterator[T]:
    """Each non-blank JSON line of the file through `parse`; a bad one raises
    SentenceModelError naming the file and line."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield parse(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                raise SentenceModelError(f"{path}:{number}: not a {what}: {exc}") from exc


def read_sentences(path: str | Path, flag: str, what: str) -> list[tuple[str, bool]]:
    """Loose training sentences (a phrasebook): one {"text": "...", <flag>: true|false} a line."""

    def sentence(item: dict[str, Any]) -> tuple[str, bool]:
        if not isinstance(item[flag], bool):
            raise TypeError(f"{flag} must be true or false")
        return str(item["text"]), item[flag]

    return list(parsed_lines(path, what, sentence))


@dataclass(frozen=True)
class SentenceModel:
    FORMAT: ClassVar[str]
    WHAT: ClassVar[str]  # how errors name the file: "disclosure model"
    POSITIVE: ClassVar[str]  # what a positive sentence is, in the training record: "disclosing"

    weights: dict[str, float]
    intercept: float
    trained: dict[str, Any]

    def probability(self, sentence: str) -> float:
        z = self.intercept + sum(self.weights.get(g, 0.0) for g in grams(sentence))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        data = {
            "format": self.FORMAT,
            "intercept": self.intercept,
            "trained": self.trained,
            "weights": dict(sorted(self.weights.items())),
        }
        return json.dumps(data, ensure_ascii=False, indent=0)

    @classmethod
    def load(cls, path: str | Path) -> Self:
        data = read_model_file(path, cls.FORMAT, cls.WHAT, SentenceModelError)
        try:
            return cls(
                weights={str(k): float(v) for k, v in data["weights"].items()},
                intercept=float(data["intercept"]),
                trained=dict(data.get("trained", {})),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SentenceModelError(f"{cls.WHAT} {path} is incomplete: {exc}") from exc
