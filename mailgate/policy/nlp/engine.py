"""The GiNZA engine presidio runs: a slimmed pipeline, NER on chosen ranges, batched, cached.

presidio's spaCy engine, changed where its cost is: only the components NER
needs are loaded, Sudachi tokenises all the text (in chunks under GiNZA's byte
limit), and tok2vec+NER run once per mail on the ranges `ranges.ner_lines`
picks, with recently seen lines answered from a cache.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import spacy
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from mailgate.policy.nlp.greedy_ner import greedy_ner, is_greedy_parser
from mailgate.policy.nlp.ranges import chunks, ner_lines

GINZA_MODEL = "ja_ginza"
LANGUAGES = ("ja", "en")
# Components NER does not read (it listens to tok2vec only); measured on the dev
# corpus: same PERSON recall and false positives with them excluded.
UNUSED_PIPES = ["parser", "morphologizer", "compound_splitter", "bunsetu_recognizer"]
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
