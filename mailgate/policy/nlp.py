"""The NLP side of detection: GiNZA behind presidio, run only where it can find something.

About 97% of stock presidio's time on Japanese mail is the GiNZA pipeline, and
within it the tok2vec and NER layers. So the engine (1) loads only what NER
needs (no dependency parser, morphologizer, bunsetu or compound splitting),
(2) tokenises the whole text with Sudachi, which is cheap and tags surnames,
given names and place names from its dictionary, and (3) runs tok2vec+NER only
on the lines that could hold a name (see `ner_lines`), never on
the department's signature block. GiNZA refuses input over 49,149 bytes, so
long text is tokenised and recognised in chunks and the offsets are shifted
back. NER results are cached per line digest (greetings and self-introductions
recur). The lines left go through tok2vec+NER as one batch (a mail's units
together with `Analyzer.analyze_units`), and NER decodes with `greedy_ner`,
spaCy's greedy loop run holding the GIL, 5x faster than spaCy's own with the
same entities. Nothing here touches the network: presidio's default
recognizers (and tldextract) are never loaded.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from mailgate.policy.units import TextUnit

log = logging.getLogger(__name__)

GINZA_MODEL = "ja_ginza"
LANGUAGES = ("ja", "en")
# Components NER does not read (it listens to tok2vec only); measured on the dev
# corpus: same PERSON recall and false positives with them excluded.
UNUSED_PIPES = ["parser", "morphologizer", "compound_splitter", "bunsetu_recognizer"]
# GiNZA (Sudachi) rejects more than 49,149 bytes; stay well below it.
MAX_CHUNK_BYTES = 40_000
CACHE_SIZE = 4096  # NER results of recently seen lines, by digest

# GiNZA's Extended Named Entity labels (CamelCase) -> presidio entity types.
# Postal_Address keeps its own type: the address recognizer refines it.
GINZA_ENTITY_MAPPING: dict[str, str] = {
    "Person": "PERSON",
    "Postal_Address": "POSTAL_ADDRESS",
    **{
        label: "LOCATION"
        for label in (
            "Province",
            "City",
            "County",
            "Country",
            "GPE_Other",
            "Domestic_Region",
            "Region_Other",
            "Location_Other",
            "Continental_Region",
        )
    },
    **{
        label: "ORGANIZATION"
        for label in (
            "Government",
            "Public_Institution",
            "Organization_Other",
            "Company",
            "Political_Organization_Other",
            "School",
            "International_Organization",
        )
    },
}

# NER runs on a line only if it is Japanese (GiNZA's NER on English text finds little but
# noise; romanised names have their own recognizer) and Sudachi's dictionary sees a proper
# noun in it, or it holds an honorific (a name Sudachi does not know).
JAPANESE_TEXT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]{2}")
HONORIFIC = re.compile(r"様|さま|さん|氏|殿|くん|ちゃん")
PROPER_NOUN_TAG = "固有名詞"


class NerRequest(NamedTuple):
    """One text for `GinzaNlpEngine.process_texts`: NER on `ner_ranges`, else on `ner_lines`."""

    text: str
    ner_ranges: Sequence[tuple[int, int]] | None = None
    skip: Sequence[tuple[int, int]] = ()


class GinzaNlpEngine(SpacyNlpEngine):
    """presidio's spaCy engine with a slimmed GiNZA, chunking and NER on chosen ranges only."""

    def __init__(self, nlp: Language | None = None) -> None:
        super().__init__(
            models=[{"lang_code": lang, "model_name": GINZA_MODEL} for lang in LANGUAGES],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=dict(GINZA_ENTITY_MAPPING),
                default_score=0.85,
            ),
        )
        self.cache_size = CACHE_SIZE
        self._cache: dict[bytes, tuple[tuple[int, int, str], ...]] = {}
        self._lock = threading.Lock()
        if nlp is not None:
            self._attach(nlp)

    def load(self) -> None:
        # Never spacy.cli.download (the parent's load does when a model is missing).
        self._attach(spacy.load(GINZA_MODEL, exclude=UNUSED_PIPES))

    def _attach(self, nlp: Language) -> None:
        self.nlp = {lang: nlp for lang in LANGUAGES}  # type: ignore[assignment]
        # spaCy's Japanese tokenizer re-splits every token in Sudachi's A and B modes for
        # doc.user_data["sub_tokens"], which only the excluded compound splitter and bunsetu
        # recognizer read: skipping it makes tokenising a third cheaper, tokens unchanged.
        if getattr(nlp.tokenizer, "need_subtokens", False):
            nlp.tokenizer.need_subtokens = False  # type: ignore[union-attr]
        labels = getattr(nlp.get_pipe("ner"), "labels", ()) if "ner" in nlp.pipe_names else ()
        self.ner_model_configuration.labels_to_ignore = [
            label for label in labels if label not in GINZA_ENTITY_MAPPING
        ]

    @property
    def pipeline(self) -> Language:
        assert self.nlp is not None, "call load() first"
        return self.nlp["ja"]

    def is_unknown_word(self, word: str) -> bool:
        """True when Sudachi's dictionary does not know `word` (e.g. a foreign name)."""
        morphemes = self.pipeline.tokenizer.tokenizer.tokenize(word)  # type: ignore[union-attr]
        return len(morphemes) == 1 and morphemes[0].is_oov()

    def tokenise(self, text: str) -> Doc:
        """Sudachi tokens (with POS tags) for the whole text, chunked under the byte limit."""
        docs = [self.pipeline.make_doc(text[a:b]) for a, b in chunks(text)]
        if len(docs) <= 1:
            return docs[0] if docs else self.pipeline.make_doc(text)
        for doc in docs:
            # Sudachi's sub-token data cannot be merged (spaCy would warn, quoting the text).
            doc.user_data.clear()
        return Doc.from_docs(docs, ensure_whitespace=False)

    def process_text(
        self,
        text: str,
        language: str,
        ner_ranges: Sequence[tuple[int, int]] | None = None,
        skip: Sequence[tuple[int, int]] = (),
    ) -> NlpArtifacts:
        """Tokenise all of `text`; run NER on `ner_ranges`, or on the lines `ner_lines` picks."""
        return self.process_texts([NerRequest(text, ner_ranges, tuple(skip))], language)[0]

    def process_texts(self, requests: Sequence[NerRequest], language: str) -> list[NlpArtifacts]:
        """`process_text` for several texts (a mail's units) with ONE tok2vec+NER batch.

        Each call of tok2vec costs ≈ 7.5 ms before its per-token cost (≈ 0.25 ms a token):
        its ten matrix products cost ≈ 0.75 ms each even for a three-token line. So a mail's
        subject, body and attachments are recognised together. Each piece is still its own
        Doc (tok2vec's window and NER's states never cross Docs), so its entities are the same
        as when it goes alone.
        """
        docs = [self.tokenise(r.text) for r in requests]
        pieces: list[list[tuple[int, int]]] = []
        for request, doc in zip(requests, docs, strict=True):
            ranges = (
                ner_lines(doc, request.skip) if request.ner_ranges is None else request.ner_ranges
            )
            text = request.text
            pieces.append([(a + ca, a + cb) for a, b in ranges for ca, cb in chunks(text[a:b])])
        found = self._entities(
            [r.text[a:b] for r, ps in zip(requests, pieces, strict=True) for a, b in ps]
        )
        artifacts = []
        first = 0
        for doc, doc_pieces in zip(docs, pieces, strict=True):
            spans: list[Span] = []
            mine = found[first : first + len(doc_pieces)]
            first += len(doc_pieces)
            for (offset, _), entities in zip(doc_pieces, mine, strict=True):
                for start, end, label in entities:
                    span = doc.char_span(
                        offset + start, offset + end, label, alignment_mode="expand"
                    )
                    if span is not None:
                        spans.append(span)
            doc.ents = filter_spans(spans)
            artifacts.append(self._doc_to_nlp_artifact(doc, language))
        return artifacts

    def _entities(self, texts: list[str]) -> list[tuple[tuple[int, int, str], ...]]:
        """NER entities of each text, from the cache where the same line was seen before.

        Greetings, self-introductions and venue lines recur across a
        department's mail. The cache is keyed by a digest, so it holds no text.
        The texts not in the cache go through tok2vec and NER as one batch, each
        distinct text once.
        """
        keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).digest() for t in texts]
        found: dict[bytes, tuple[tuple[int, int, str], ...]] = {}
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            entities = self._cache.get(key)
            if entities is not None:
                found[key] = entities
            else:
                missing.setdefault(key, text)
        if missing:
            ner_docs = self._recognise(list(missing.values()))
            for key, ner_doc in zip(missing, ner_docs, strict=True):
                entities = tuple((e.start_char, e.end_char, e.label_) for e in ner_doc.ents)
                found[key] = entities
                with self._lock:
                    if len(self._cache) >= self.cache_size > 0:
                        self._cache.pop(next(iter(self._cache)), None)  # oldest first
                    if self.cache_size > 0:
                        self._cache[key] = entities
        return [found[key] for key in keys]

    def _recognise(self, texts: list[str]) -> list[Doc]:
        """`nlp.pipe(texts)` (tok2vec, then NER) in one batch, NER by `greedy_ner`."""
        nlp = self.pipeline
        docs = [nlp.make_doc(text) for text in texts]
        for _, component in nlp.pipeline:
            if is_greedy_parser(component):
                component.set_annotations(docs, greedy_ner(component, docs))  # type: ignore[attr-defined]
            else:
                docs = list(component.pipe(docs, batch_size=nlp.batch_size))  # type: ignore[attr-defined]
        return docs

    def process_batch(self, texts: Iterable[str], language: str, **kwargs: object):  # type: ignore[override]
        items = list(texts)
        requests = [NerRequest(text) for text in items]
        yield from zip(items, self.process_texts(requests, language), strict=True)


def is_greedy_parser(component: object) -> bool:
    """True for spaCy's transition-based NER (or parser) decoding greedily, as GiNZA's does."""
    return (
        hasattr(component, "transition_states")
        and hasattr(component, "moves")
        and getattr(component, "cfg", {}).get("beam_width", 1) == 1
    )


def greedy_ner(ner: Any, docs: list[Doc]) -> list[Any]:
    """The final states of spaCy's greedy decoding of `docs`: `ner.predict(docs)`, 5x faster.

    spaCy 3.8's `greedy_parse` runs its decoding loop without the GIL, but every
    validity check of every one of NER's 758 moves (ENE has 189 labels) in every
    step takes the GIL back and releases it again (`StateC.B`, as compiled):
    ≈ 0.3 ms a token, 90 % of it in pthread mutexes. This is the same loop
    written with spaCy's own pieces, run while holding the GIL, so taking it is
    a counter increment: `ner.model.predict` gives the step model,
    `predict(states)` the scores of a step (the same precomputed features,
    bias, maxout and output layer as the C loop, through the same BLIS calls) and
    `transition_states` applies the best valid move of each state with the
    C loop's own `c_transition_batch`. The entities (and every token's IOB tag)
    are those of `ner.predict`; tests/policy/test_nlp.py compares them.
    """
    batch = ner.moves.init_batch(docs)
    if not any(len(doc) for doc in docs):
        return batch
    model = ner.model.predict(docs)
    states = [state for state in batch if not state.is_final()]
    while states:
        states = ner.transition_states(states, model.predict(states))
    model.clear_memory()
    return batch


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
