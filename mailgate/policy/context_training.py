"""Train the context model (context_model.py) from labelled corpora.

Each corpus (the format of shared/corpus/README.md) is judged by the policy, the
way its office would judge it when a deployment file is given; every body finding
of a type the model covers becomes one example, labelled "blocks" when it overlaps
a labelled blocking span of the same type (evaluate.blocking_labels). The rules'
own verdict on the finding is not a feature: the model must be a second view,
not a copy of the rules. scikit-learn is needed here only (the `train` extra).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mailgate.policy.chain import check
from mailgate.policy.context_model import MODEL_TYPES, ContextModel, features
from mailgate.policy.evaluate import (
    blocking_labels,
    corpus_mail,
    read_corpus,
    read_deployment,
)
from mailgate.policy.loader import default_policy_path, load_policy
from mailgate.policy.rules.base import Resources


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
    # Without the model: the examples are the rules' findings, and the model may not exist yet.
    policy = load_policy(
        policy_file,
        resources,
        allowlist=deployment.allowlist if deployment else None,
        rules={"personal_data": {"context_model": {"file": ""}}},
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
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    # One set of resources for all corpora: the NLP pipeline is loaded once.
    resources = resources or Resources(Path(policy_file or default_policy_path()).parent)
    examples: list[Example] = []
    mails = 0
    for corpus, deployment in corpora:
        records = list(read_corpus(corpus))
        mails += len(records)
        examples += corpus_examples(records, deployment, policy_file, resources)
    positives = sum(e.blocks for e in examples)
    if positives == 0 or positives == len(examples):
        raise ValueError(
            f"{len(examples)} findings, {positives} blocking: a model needs both kinds"
        )
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([dict(e.features) for e in examples])
    # Balanced: blocking findings are the minority in office mail, and a miss there leaks.
    classifier = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    classifier.fit(matrix, [e.blocks for e in examples])
    weights = {
        name: round(float(w), 5)
        for name, w in zip(vectorizer.get_feature_names_out(), classifier.coef_[0], strict=True)
        if abs(w) >= prune_below
    }
    return ContextModel(
        weights=weights,
        intercept=round(float(classifier.intercept_[0]), 5),
        types=MODEL_TYPES,
        trained={
            "date": date.today().isoformat(),
            "corpora": [Path(c).name for c, _ in corpora],
            "mails": mails,
            "findings": len(examples),
            "blocking_findings": positives,
            "c": c,
        },
    )
