"""The NLP engine: only our recognizers, GiNZA's labels mapped, chunking that keeps offsets."""

from __future__ import annotations

import pytest

from mailgate.policy.nlp.analyzer import Analyzer
from mailgate.policy.nlp.engine import GINZA_ENTITY_MAPPING, NerRequest
from mailgate.policy.nlp.greedy_ner import greedy_ner, is_greedy_parser
from mailgate.policy.nlp.ranges import MAX_CHUNK_BYTES, chunks, ner_lines
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


# Mail-like texts for the NER equivalence tests: names, places, several lines, English, empty.
NER_TEXTS = [
    "山田太郎様\n\nいつもお世話になっております。\n佐藤花子さんの件でご連絡いたしました。",
    "世田谷区太子堂5-5-7の木下健二様より、渋谷区役所へ申請がありました。",
    "田中 花子 様",
    "本日は区民センターで防災訓練を実施しました。",
    "Dear Ms. Clark, thank you for your e-mail.",
    "",
    "株式会社ミナト商事の野口 真理子様と、横浜市の鈴木一郎さんが参加します。\n会場は品川区立図書館です。",
]


def _ner_output(doc) -> list[tuple[str, str]]:  # noqa: ANN001
    return [(t.ent_iob_, t.ent_type_) for t in doc]


@pytest.fixture
def no_ner_cache(analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every NER result computed afresh (the session's cache would answer for both sides)."""
    monkeypatch.setattr(analyzer.nlp_engine, "cache_size", 0)
    monkeypatch.setattr(analyzer.nlp_engine, "_cache", {})


def test_greedy_ner_matches_spacy(analyzer: Analyzer) -> None:
    nlp = analyzer.nlp_engine.pipeline
    ner = nlp.get_pipe("ner")
    assert is_greedy_parser(ner) and not is_greedy_parser(nlp.get_pipe("tok2vec"))
    expected = list(nlp.pipe(NER_TEXTS))  # spaCy's own greedy_parse
    docs = list(nlp.get_pipe("tok2vec").pipe(nlp.make_doc(t) for t in NER_TEXTS))
    ner.set_annotations(docs, greedy_ner(ner, docs))
    assert [_ner_output(d) for d in docs] == [_ner_output(d) for d in expected]
    assert any(d.ents for d in docs)
    empty = [nlp.make_doc("")]
    assert greedy_ner(ner, empty)[0].is_final()


def test_engine_entities_are_spacys(analyzer: Analyzer, no_ner_cache: None) -> None:
    nlp = analyzer.nlp_engine.pipeline
    expected = [
        tuple((e.start_char, e.end_char, e.label_) for e in d.ents) for d in nlp.pipe(NER_TEXTS)
    ]
    assert analyzer.nlp_engine._entities(NER_TEXTS) == expected
    # The same text twice in one batch: recognised once, answered twice.
    assert analyzer.nlp_engine._entities(NER_TEXTS[:2] * 2) == expected[:2] * 2


def _entities_of(artifacts) -> list[tuple[int, int, str]]:  # noqa: ANN001
    return [(e.start_char, e.end_char, e.label_) for e in artifacts.entities]


def test_batched_and_unbatched_give_the_same_entities(
    analyzer: Analyzer, no_ner_cache: None
) -> None:
    engine = analyzer.nlp_engine
    one_by_one = [_entities_of(engine.process_text(t, "ja")) for t in NER_TEXTS]
    together = [
        _entities_of(a) for a in engine.process_texts([NerRequest(t) for t in NER_TEXTS], "ja")
    ]
    assert together == one_by_one
    assert sum(map(len, together)) >= 5


def test_offsets_in_a_multi_line_unit(analyzer: Analyzer, no_ner_cache: None) -> None:
    body = (
        "田中 花子 様\n\nいつもお世話になっております。\n"
        "本日は区民センターで防災訓練を実施しました。\n"
        "講師は消防署の木下健二さんでした。\n次回は横浜市で行います。\n"
    )
    artifacts = analyzer.nlp_engine.process_text(body, "ja")
    persons = {body[e.start_char : e.end_char] for e in artifacts.entities if e.label_ == "PERSON"}
    assert persons == {"田中 花子", "木下健二"}
    # Each entity is where NER finds it in its run of lines, shifted by the run's offset.
    engine = analyzer.nlp_engine
    ranges = ner_lines(engine.tokenise(body))
    assert len(ranges) >= 2
    for e in artifacts.entities:
        [(a, b)] = [(a, b) for a, b in ranges if a <= e.start_char < b]
        found = {
            (a + start, a + end, GINZA_ENTITY_MAPPING.get(label))
            for start, end, label in engine._entities([body[a:b]])[0]
        }
        assert (e.start_char, e.end_char, e.label_) in found


def test_batch_with_text_over_ginzas_limit(analyzer: Analyzer, no_ner_cache: None) -> None:
    filler = "本日は区民センターで防災訓練を実施しました。参加者は大変熱心でした。\n" * 1_200
    long = filler + "新しい班長は木下健二様です。\n" + filler + "前任は野口 真理子様でした。\n"
    assert len(long.encode()) > 2 * GINZA_LIMIT
    short = "山田太郎様\nご連絡ありがとうございます。"
    together = analyzer.nlp_engine.process_texts([NerRequest(short), NerRequest(long)], "ja")
    names = [
        {text[e.start_char : e.end_char] for e in a.entities if e.label_ == "PERSON"}
        for text, a in zip([short, long], together, strict=True)
    ]
    assert names == [{"山田太郎"}, {"木下健二", "野口 真理子"}]
    assert [_entities_of(a) for a in together] == [
        _entities_of(analyzer.nlp_engine.process_text(t, "ja")) for t in (short, long)
    ]


def test_analyze_units_is_analyze_per_unit(analyzer: Analyzer, no_ner_cache: None) -> None:
    units = [
        TextUnit("subject", "木下健二様の申請について"),
        TextUnit("body", NER_TEXTS[0], structure=analyse(NER_TEXTS[0])),
        TextUnit("attachment:memo.txt", NER_TEXTS[6]),
    ]

    def key(results) -> list[tuple[str, int, int, float]]:  # noqa: ANN001
        return [(r.entity_type, r.start, r.end, r.score) for r in results]

    per_unit = [key(analyzer.analyze(u)) for u in units]
    assert [key(r) for r in analyzer.analyze_units(units)] == per_unit
    assert all(per_unit)


def test_sub_tokens_are_not_computed(analyzer: Analyzer) -> None:
    # Only the excluded compound splitter and bunsetu recognizer read them.
    doc = analyzer.nlp_engine.tokenise("東京都世田谷区の区民センター")
    assert "sub_tokens" not in doc.user_data
