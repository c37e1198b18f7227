"""A learned reading of applications accepted or decided: the sentences the phrase lists miss.

The application rule blocks the phrases of its dictionary (申請を受理しました, 交付決定 …).
Staff say "yes" or "no" to an application in many more ways (「本日付けで受け付けました」
「請求を受理し、…」「返金を決定しました」「奨学生として採用されました」「ご期待に沿うことが
できない結果となりました」), and on new mail those were the largest share of wrong verdicts.
This model reads the whole sentence: a SentenceModel (sentence_model.py) trained on the
sentences our labelled corpora mark as accepting or deciding (tests/fixtures/policy/decisions/,
one file per corpus: body offsets of those passages). A body sentence the phrases did not flag,
not quoted from the resident, that holds one of the policy's decision cues
(application_decision_cues.txt: 受け付け, 決定, 採用, …の結果 …) and no negation after it,
blocks when the model gives it at least `flag_at`. The cue keeps the model to sentences that
could be decisions at all; the model tells 「受け付けました」 from 「受付時間は…」.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mailgate.policy import sentence_model
from mailgate.policy.sentence_model import (
    SentenceModel,
    SentenceModelError,
    open_sentences,
    parsed_lines,
)

DECISION_REASON = "application_or_disposition"


DecisionModelError = SentenceModelError  # also for a decision label file that cannot be read


class DecisionModel(SentenceModel):
    """Loaded with DecisionModel.load(path); written by training.fit_sentences."""

    FORMAT = "mailgate-decision-model/1"
    WHAT = "decision model"
    POSITIVE = "deciding"


def read_labels(path: str | Path) -> dict[str, list[tuple[int, int]]]:
    """A corpus's decision passages: message id -> body (start, end) offsets.

    One JSON object a line: {"id": "A-0001", "spans": [[start, end], ...]}."""
    return dict(parsed_lines(path, "decision label", _label))


def read_sentences(path: str | Path) -> list[tuple[str, bool]]:
    """The decision phrasebook: one {"text": "...", "decides": true|false} a line."""
    return sentence_model.read_sentences(path, "decides", "decision sentence")


def _label(item: dict[str, Any]) -> tuple[str, list[tuple[int, int]]]:
    return str(item["id"]), [(int(s), int(e)) for s, e in item["spans"]]


def labelled_sentences(
    record: dict[str, Any], passages: list[tuple[int, int]] | None
) -> Iterator[tuple[str, bool]]:
    """Training examples from one labelled mail: each unquoted body sentence, and whether a
    decision passage touches it. A mail that decides but has no passages marked says nothing
    about which sentence decides, so it gives no examples."""
    decides = DECISION_REASON in record.get("expected", {}).get("reasons", [])
    if decides and not passages:
        return
    body = record.get("body", "")
    for start, end in open_sentences(body):
        yield body[start:end], any(s < end and start < e for s, e in passages or ())
