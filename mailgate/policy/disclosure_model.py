"""A learned reading of sensitive disclosures: the sentences the phrase lists miss.

The sensitive_data rule blocks a category term (認知症, 人工透析, 生活保護 …) when a
disclosure cue from its dictionaries ties it to someone. Staff keep finding new ways to
say it (「糖尿病予備群に該当されました」「週3回の人工透析で通っておられる件」「夫からの暴力に
ついて続けてご相談いただいている件」), and those were most of the sensitive data missed on
new mail. This model reads the whole sentence instead: a logistic regression over its
character n-grams, trained on the labelled SENSITIVE spans of our corpora
(`mailgate policy train`). A body sentence that holds a category term, that the rules did
not already flag, that is not quoted from the resident (`>`) and does not read as a
general statement or a condition ("…の方は", "世帯が", "一般的な", "…の場合", "2級以上"), blocks when the model gives it at least
`flag_at`. Like context_model.py, the file is JSON and scoring is a sum of weights.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mailgate.policy.context_model import read_model_file

FORMAT = "mailgate-disclosure-model/1"
SENTENCE = re.compile(r"[^。！？\n]*[。！？\n]?")
# About a group, a condition, a service or in general, not about someone: "お持ちの方などが
# 対象", "お持ちの保護者様は", "受給している世帯は", "2級以上で、所得の要件を満たす場合",
# "…に関するご相談は…で承ります", "鈴木さんは生活保護の担当で".
GENERAL = re.compile(
    r"(?:方|世帯|人|者)(?:様|さま)?(?:は|が|など|を|へ|も)|一般的|対象(?:です|となります)|場合|以上|以下|未満|要件|条件"
    r"|に関する|承ります|担当(?:で|です|と|を|し|の(?:者|職員))"
)


class DisclosureModelError(ValueError):
    """The model file is missing, unreadable or not a model of this format."""


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each non-blank sentence, ended by 。！？ or a line break."""
    for match in SENTENCE.finditer(text):
        if match.group().strip():
            yield match.start(), match.end()


def quoted(text: str, start: int) -> bool:
    """Whether the sentence starts on a line quoted from the resident's mail."""
    line_start = text.rfind("\n", 0, start) + 1
    return text[line_start:start].lstrip().startswith(">") or text[start:].lstrip().startswith(">")


def grams(sentence: str) -> set[str]:
    """The distinct character 1- to 3-grams of a sentence (spaces collapsed, lower case)."""
    text = " ".join(sentence.split()).lower()
    return {text[i : i + n] for n in (1, 2, 3) for i in range(len(text) - n + 1)}


@dataclass(frozen=True)
class DisclosureModel:
    weights: dict[str, float]
    intercept: float
    trained: dict[str, Any]

    def probability(self, sentence: str) -> float:
        z = self.intercept + sum(self.weights.get(g, 0.0) for g in grams(sentence))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "intercept": self.intercept,
            "trained": self.trained,
            "weights": dict(sorted(self.weights.items())),
        }
        return json.dumps(data, ensure_ascii=False, indent=0)


def load_model(path: str | Path) -> DisclosureModel:
    data = read_model_file(path, FORMAT, "disclosure model", DisclosureModelError)
    try:
        return DisclosureModel(
            weights={str(k): float(v) for k, v in data["weights"].items()},
            intercept=float(data["intercept"]),
            trained=dict(data.get("trained", {})),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DisclosureModelError(f"disclosure model {path} is incomplete: {exc}") from exc


def labelled_sentences(record: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """Training examples from one labelled mail: each unquoted body sentence, and whether a
    SENSITIVE span touches it."""
    body = record.get("body", "")
    spans = [s for s in record.get("spans", []) if s["type"] == "SENSITIVE"]
    for start, end in sentences(body):
        if quoted(body, start):
            continue
        yield body[start:end], any(s["start"] < end and start < s["end"] for s in spans)
