"""The NLP engine: only our recognizers, GiNZA's labels mapped, chunking that keeps offsets."""

from __future__ import annotations

import pytest

from mailgate.policy.nlp import MAX_CHUNK_BYTES, Analyzer, chunks, ner_lines
from mailgate.policy.structure import analyse
from mailgate.policy.units import TextUnit

GINZA_LIMIT = 49_149


def test_registry_holds_only_our_recognizers(analyzer: Analyzer) -> None:
    modules = {type(r).__module__ for r in analyzer.engine.registry.recognizers}
    # presidio's own recognizers (and their network-fetching e-mail validation) are not loaded,
    # except the SpacyRecognizer that reads GiNZA's entities.
    foreign = {m for m in modules if not m.startswith("mailgate.")}
    assert foreign <= {
        "presidio_analyzer.predefined_recognizers.nlp_engine_recognizers.spacy_recognizer"
    }
    entities = set(analyzer.engine.get_supported_entities("ja"))
    assert {"PERSON", "POSTAL_ADDRESS", "LOCATION"} <= entities


def test_ginza_labels_are_mapped(analyzer: Analyzer) -> None:
    artifacts = analyzer.nlp_engine.process_text("山田太郎さんは東京都に住んでいます。", "ja")
    labels = {e.label_ for e in artifacts.entities}
    assert "PERSON" in labels and "LOCATION" in labels


def test_unused_pipes_are_not_loaded(analyzer: Analyzer) -> None:
    pipes = analyzer.nlp_engine.pipeline.pipe_names
    assert "ner" in pipes and "parser" not in pipes and "bunsetu_recognizer" not in pipes


@pytest.mark.parametrize("size", [10, 20_000, 120_000])
def test_chunks_cover_the_text_under_the_limit(size: int) -> None:
    text = ("区民センターで会議を開きます。\n" * size)[: size * 5]
    pieces = chunks(text)
    assert "".join(text[a:b] for a, b in pieces) == text
    assert all(len(text[a:b].encode()) <= MAX_CHUNK_BYTES for a, b in pieces)


def test_one_enormous_line_is_split() -> None:
    text = "あ" * 60_000  # 180,000 bytes, no line break
    pieces = chunks(text)
    assert "".join(text[a:b] for a, b in pieces) == text
    assert all(len(text[a:b].encode()) <= MAX_CHUNK_BYTES for a, b in pieces)


def test_long_text_keeps_offsets(analyzer: Analyzer) -> None:
    filler = "本日は区民センターで防災訓練を実施しました。参加者は大変熱心でした。\n" * 1_200
    text = filler + "新しい班長は木下健二様です。\n" + filler + "前任は野口 真理子様でした。\n"
    assert len(text.encode()) > 2 * GINZA_LIMIT
    results = analyzer.analyze(TextUnit("attachment:report.txt", text), entities=["PERSON"])
    found = {text[r.start : r.end] for r in results if r.score >= 0.5}
    assert found == {"木下健二", "野口 真理子"}


def test_ner_skips_signature_and_lines_without_proper_nouns(analyzer: Analyzer) -> None:
    body = "田中 花子 様\n\nいつもお世話になっております。\n本日はよろしくお願いします。\n\n-----\n地域振興課 佐藤 明\n"
    doc = analyzer.nlp_engine.tokenise(body)
    structure = analyse(body)
    ranges = ner_lines(doc, [structure.signature] if structure.signature else [])
    assert [body[a:b] for a, b in ranges] == ["田中 花子 様"]


def test_english_lines_are_not_sent_to_ner(analyzer: Analyzer) -> None:
    doc = analyzer.nlp_engine.tokenise("Dear Ms. Clark,\nThank you for your e-mail.\n")
    assert ner_lines(doc) == []
