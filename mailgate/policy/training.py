"""Train the learned models (context_model.py, disclosure_model.py) from labelled corpora.

Each corpus (the format of shared/corpus/README.md) is judged by the policy, the
way its office would judge it when a deployment file is given; every body finding
of a type the model covers becomes one example, labelled "blocks" when it overlaps
a labelled blocking span of the same type (evaluate.blocking_labels). The rules'
own verdict on the finding is not a feature: the model must be a second view,
not a copy of the rules. The disclosure model needs no rules: its examples are the
unquoted body sentences, labelled by whether a SENSITIVE span touches them.
scikit-learn is needed here only (the `train` extra).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from mailgate.policy.chain import check
from mailgate.policy.context_model import MODEL_TYPES, ContextModel, features
from mailgate.policy.decision_model import DecisionModel, read_labels, read_sentences
from mailgate.policy.decision_model import labelled_sentences as decision_sentences
from mailgate.policy.disclosure_model import DisclosureModel, labelled_sentences
from mailgate.policy.disclosure_model import read_sentences as read_disclosures
from mailgate.policy.evaluate import (
    blocking_labels,
    corpus_mail,
    read_corpus,
    read_deployment,
)
from mailgate.policy.loader import default_policy_path, load_policy
from mailgate.policy.rules.base import Resources
from mailgate.policy.sentence_model import SentenceModel, grams

M = TypeVar("M", bound=SentenceModel)


def _fit(
    vectorizer: Any, inputs: list[Any], labels: list[bool], what: str, c: float, prune_below: float
) -> tuple[dict[str, float], float]:
    """Weights by feature name (small ones dropped) and intercept of a balanced logistic
    regression; ValueError unless both classes occur."""
    from sklearn.linear_model import LogisticRegression

    positives = sum(labels)
    if positives == 0 or positives == len(labels):
        raise ValueError(f"{len(labels)} {what}, {positives} positive: a model needs both kinds")
    matrix = vectorizer.fit_transform(inputs)
    # Balanced: the class that blocks is the minority in office mail, and a miss there leaks.
    classifier = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    classifier.fit(matrix, labels)
    weights = {
        name: round(float(w), 5)
        for name, w in zip(vectorizer.get_feature_names_out(), classifier.coef_[0], strict=True)
        if abs(w) >= prune_below
    }
    return weights, round(float(classifier.intercept_[0]), 5)


@dataclass
class Example:
    features: Counter[str]
    blocks: bool


def corpus_examples(
    records: Iterable[dict[str, Any]],
    deployment_file: str | Path | None,
    policy_file: str | Path | None,
    resources: Resources,
) -> Iterator[Example]:
    deployment = read_deployment(deployment_file) if deployment_file else None
    # Without the models: the examples are the rules' findings, and the models may not exist yet.
    policy = load_policy(
        policy_file,
        resources,
        allowlist=deployment.allowlist if deployment else None,
        rules={
            "personal_data": {"context_model": {"file": ""}},
            "sensitive_data": {"disclosure_model": {"file": ""}},
            "application": {"decision_model": {"file": ""}},
        },
    )
    for record in records:
        verdict = check(policy, corpus_mail(record, deployment))
        labels = blocking_labels(record)
        body = record.get("body", "")
        for f in verdict.findings:
            if (
                f.location != "body"
                or f.entity_type not in MODEL_TYPES
                or f.start is None
                or f.end is None
            ):
                continue
            blocks = any(
                s["type"] == f.entity_type and s["start"] < f.end and f.start < s["end"]
                for s in labels
            )
            yield Example(features(body, f.start, f.end, f.entity_type), blocks)


def train(
    corpora: list[tuple[str, str | None]],
    *,
    policy_file: str | Path | None = None,
    resources: Resources | None = None,
    c: float = 1.0,
    prune_below: float = 1e-3,
) -> ContextModel:
    """A model from (corpus, deployment or None) pairs; raises ValueError without both classes."""
    # One set of resources for all corpora: the NLP pipeline is loaded once.
    resources = resources or Resources(Path(policy_file or default_policy_path()).parent)
    examples: list[Example] = []
    mails = 0
    for corpus, deployment in corpora:
        records = list(read_corpus(corpus))
        mails += len(records)
        examples += corpus_examples(records, deployment, policy_file, resources)
    return fit_context(
        examples,
        corpora=[Path(c).name for c, _ in corpora],
        mails=mails,
        c=c,
        prune_below=prune_below,
    )


def fit_context(
    examples: list[Example],
    *,
    corpora: list[str],
    mails: int,
    c: float = 1.0,
    prune_below: float = 1e-3,
) -> ContextModel:
    """The context model from examples already drawn (corpus_examples); cross-validation
    (bench/policy_crossval.py) draws each set's examples once and fits many models."""
    from sklearn.feature_extraction import DictVectorizer

    labels = [e.blocks for e in examples]
    weights, intercept = _fit(
        DictVectorizer(), [dict(e.features) for e in examples], labels, "findings", c, prune_below
    )
    return ContextModel(
        weights=weights,
        intercept=intercept,
        types=MODEL_TYPES,
        trained={
            "date": date.today().isoformat(),
            "corpora": corpora,
            "mails": mails,
            "findings": len(examples),
            "blocking_findings": sum(labels),
            "c": c,
        },
    )


def disclosure_examples(records: Iterable[dict[str, Any]]) -> list[tuple[str, bool]]:
    """(sentence, discloses) for every unquoted body sentence of the records."""
    return [pair for record in records for pair in labelled_sentences(record)]


def decision_examples(
    records: Iterable[dict[str, Any]], labels: dict[str, list[tuple[int, int]]]
) -> list[tuple[str, bool]]:
    """(sentence, decides) for the unquoted body sentences of the records (decision_model.py)."""
    return [
        pair for record in records for pair in decision_sentences(record, labels.get(record["id"]))
    ]


def labels_for(corpus: str | Path, decisions: str | Path) -> dict[str, list[tuple[int, int]]]:
    """The decision passages of a corpus: decisions/<corpus name>.jsonl, or none."""
    path = Path(decisions) / Path(corpus).name
    return read_labels(path) if path.is_file() else {}


def train_disclosure(
    corpora: list[str],
    *,
    sentences: Sequence[str | Path] = (),
    c: float = 1.0,
    prune_below: float = 1e-3,
) -> DisclosureModel:
    """A disclosure model from labelled corpora plus loose labelled sentences
    (disclosure_model.read_sentences) from `sentences` files; raises ValueError without
    both classes."""
    return _train_sentences(
        DisclosureModel,
        corpora,
        lambda _, records: disclosure_examples(records),
        c,
        prune_below,
        extra=[pair for path in sentences for pair in read_disclosures(path)],
    )


def train_decision(
    corpora: list[str],
    decisions: str | Path,
    *,
    sentences: Sequence[str | Path] = (),
    c: float = 1.0,
    prune_below: float = 1e-3,
) -> DecisionModel:
    """A decision model from labelled corpora and their passages in the folder `decisions`,
    plus loose labelled sentences (decision_model.read_sentences) from `sentences` files."""
    return _train_sentences(
        DecisionModel,
        corpora,
        lambda corpus, records: decision_examples(records, labels_for(corpus, decisions)),
        c,
        prune_below,
        extra=[pair for path in sentences for pair in read_sentences(path)],
    )


def _train_sentences(
    kind: type[M],
    corpora: list[str],
    examples_of: Callable[[str, list[dict[str, Any]]], list[tuple[str, bool]]],
    c: float,
    prune_below: float,
    extra: list[tuple[str, bool]] | None = None,
) -> M:
    examples: list[tuple[str, bool]] = list(extra or [])
    mails = 0
    for corpus in corpora:
        records = list(read_corpus(corpus))
        mails += len(records)
        examples += examples_of(corpus, records)
    corpus_names = [Path(corpus).name for corpus in corpora]
    return fit_sentences(
        kind, examples, corpora=corpus_names, mails=mails, c=c, prune_below=prune_below
    )


def fit_sentences(
    kind: type[M],
    examples: list[tuple[str, bool]],
    *,
    corpora: list[str],
    mails: int,
    c: float = 1.0,
    prune_below: float = 1e-3,
) -> M:
    """A sentence model of `kind` from (sentence, positive) examples (disclosure_examples,
    decision_examples); cross-validation (bench/policy_crossval.py) draws them once per set."""
    from sklearn.feature_extraction.text import CountVectorizer

    texts = [text for text, _ in examples]
    labels = [flag for _, flag in examples]
    # n-grams seen in one sentence only are names and numbers, not wording.
    vectorizer = CountVectorizer(analyzer=lambda s: sorted(grams(s)), binary=True, min_df=2)
    weights, intercept = _fit(vectorizer, texts, labels, "sentences", c, prune_below)
    return kind(
        weights=weights,
        intercept=intercept,
        trained={
            "date": date.today().isoformat(),
            "corpora": corpora,
            "mails": mails,
            "sentences": len(labels),
            f"{kind.POSITIVE}_sentences": sum(labels),
            "c": c,
        },
    )
