"""The phrasebooks: loose labelled sentences the two sentence models are also trained on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mailgate.policy import decision_model, disclosure_model
from mailgate.policy.sentence_model import SentenceModelError

BOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "policy" / "phrasebook"
Reader = Callable[[str | Path], list[tuple[str, bool]]]
KINDS = [
    (decision_model.read_sentences, BOOKS / "decisions.jsonl", "decides", "decision"),
    (disclosure_model.read_sentences, BOOKS / "disclosures.jsonl", "discloses", "disclosure"),
]


@pytest.mark.parametrize(("read", "book", "flag", "what"), KINDS)
def test_each_phrasebook_holds_both_kinds_once_each(
    read: Reader, book: Path, flag: str, what: str
) -> None:
    sentences = read(book)
    texts = [text for text, _ in sentences]
    assert len(texts) == len(set(texts)) >= 600
    assert 0.4 < sum(positive for _, positive in sentences) / len(sentences) < 0.6


@pytest.mark.parametrize(("read", "book", "flag", "what"), KINDS)
@pytest.mark.parametrize(
    ("line", "why"),
    [('{"text": "x"}', "{flag}"), ('{"text": "x", "{flag}": 1}', "true or false")] + [("{", "")],
)
def test_a_bad_line_names_the_file_and_line(
    tmp_path: Path, read: Reader, book: Path, flag: str, what: str, line: str, why: str
) -> None:
    path = tmp_path / "p.jsonl"
    good = f'{{"text": "受理しました。", "{flag}": true}}'
    path.write_text(good + "\n" + line.replace("{flag}", flag) + "\n", encoding="utf-8")
    message = f"p.jsonl:2: not a {what} sentence.*{why.replace('{flag}', flag)}"
    with pytest.raises(SentenceModelError, match=message):
        read(path)
