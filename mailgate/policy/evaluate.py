"""Measure a policy on a labelled corpus (the format of shared/corpus/README.md).

Message level: verdict accuracy, per-reason precision/recall, false-block rate
on allowed mail. Span level, per entity type: the engine's blocking findings in
the body against the labelled spans that block under the labelling policy; a
found span is a hit when it overlaps a labelled blocking span of the same type.
"""

from __future__ import annotations

import json
import time
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailgate.policy.chain import check
from mailgate.policy.findings import Verdict
from mailgate.policy.loader import Policy
from mailgate.policy.mail import OutgoingAttachment, OutgoingMail

IDENTIFIERS = {
    "JP_MY_NUMBER",
    "BANK_ACCOUNT",
    "CREDIT_CARD",
    "JP_PASSPORT",
    "JP_DRIVER_LICENSE",
    "JP_HEALTH_INSURANCE",
    "JP_PENSION_NUMBER",
    "JP_RESIDENT_CODE",
}
THIRD_PARTY_BLOCKING = {
    "PERSON",
    "PHONE_NUMBER",
    "POSTAL_ADDRESS",
    "JP_POSTAL_CODE",
    "DATE_OF_BIRTH",
} | IDENTIFIERS
RECIPIENT_BLOCKING = IDENTIFIERS | {"DATE_OF_BIRTH", "POSTAL_ADDRESS", "JP_POSTAL_CODE"}
# The corpus's span vocabulary. Findings of other kinds (an application phrase, a
# newsletter marker) block too, but are not spans the corpus labels or scores.
LABELLED_TYPES = THIRD_PARTY_BLOCKING | {"SENSITIVE", "EMAIL_ADDRESS"}


def read_corpus(path: str | Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


@dataclass
class Deployment:
    """What a deployment configures beside the policy file: each department's slug and
    signature (by its mailbox address, as in the directory) and the organisation's
    public data (merged into `[rules.personal_data.allowlist]`). See docs/policy.md."""

    departments: dict[str, tuple[str, str]] = field(default_factory=dict)  # address -> slug, sig
    allowlist: dict[str, Any] = field(default_factory=dict)


class DeploymentError(ValueError):
    pass


def read_deployment(path: str | Path) -> Deployment:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DeploymentError(f"{path}: {exc}") from exc
    unknown = sorted(set(data) - {"departments", "allowlist"})
    if unknown:
        raise DeploymentError(f"{path}: unknown table(s) {', '.join(unknown)}")
    departments = {}
    for slug, table in data.get("departments", {}).items():
        if not isinstance(table, dict) or not isinstance(table.get("address"), str):
            raise DeploymentError(f"{path}: departments.{slug} needs an address")
        departments[table["address"].lower()] = (slug, str(table.get("signature", "")).strip())
    return Deployment(departments, data.get("allowlist", {}))


def corpus_mail(record: dict[str, Any], deployment: Deployment | None = None) -> OutgoingMail:
    sender = record.get("from", "")
    slug, signature = (deployment.departments if deployment else {}).get(sender.lower(), ("", ""))
    return OutgoingMail(
        subject=record.get("subject", ""),
        body=record.get("body", ""),
        sender=sender,
        department=slug,
        department_signature=signature,
        to=list(record.get("to", [])),
        cc=list(record.get("cc", [])),
        bcc=list(record.get("bcc", [])),
        lang=record.get("lang", "ja"),
        attachments=[
            OutgoingAttachment(
                filename=a["filename"],
                content_type=a.get("content_type", "text/plain"),
                text=a["text"],
            )
            for a in record.get("attachments", [])
        ],
    )


def blocking_labels(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The labelled body spans that block under the corpus's labelling policy."""
    spans = []
    for span in record.get("spans", []):
        kind, role = span["type"], span.get("role", "")
        if (
            kind == "SENSITIVE"
            or (role == "third_party" and kind in THIRD_PARTY_BLOCKING)
            or (role == "recipient" and kind in RECIPIENT_BLOCKING)
        ):
            spans.append(span)
    return spans


def prediction(record: dict[str, Any], verdict: Verdict) -> dict[str, Any]:
    spans = [
        {"start": f.start, "end": f.end, "type": f.entity_type}
        for f in verdict.findings
        if f.blocking
        and f.location == "body"
        and f.start is not None
        and f.entity_type in LABELLED_TYPES
    ]
    return {
        "id": record["id"],
        "verdict": verdict.verdict,
        "reasons": [r.value for r in verdict.reasons],
        "spans": spans,
    }


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["type"] == b["type"] and a["start"] < b["end"] and b["start"] < a["end"]


@dataclass
class Report:
    messages: int = 0
    verdict_correct: int = 0
    reasons_exact: int = 0
    allowed: int = 0
    false_blocks: int = 0
    seconds: float = 0.0
    reason_counts: dict[str, Counter[str]] = field(default_factory=dict)  # reason -> tp/fp/fn
    span_counts: dict[str, Counter[str]] = field(
        default_factory=dict
    )  # type -> tp/fp/fn/found/expected
    errors: list[dict[str, Any]] = field(default_factory=list)  # wrongly judged messages

    def add(self, record: dict[str, Any], predicted: dict[str, Any]) -> None:
        expected = record["expected"]
        self.messages += 1
        self.verdict_correct += predicted["verdict"] == expected["verdict"]
        self.reasons_exact += predicted["reasons"] == expected["reasons"]
        if expected["verdict"] == "allow":
            self.allowed += 1
            self.false_blocks += predicted["verdict"] == "block"
        for reason in set(expected["reasons"]) | set(predicted["reasons"]):
            counts = self.reason_counts.setdefault(reason, Counter())
            outcome = (
                ("tp" if reason in predicted["reasons"] else "fn")
                if reason in expected["reasons"]
                else "fp"
            )
            counts[outcome] += 1
        labels = blocking_labels(record)
        for span in predicted["spans"]:
            counts = self.span_counts.setdefault(span["type"], Counter())
            counts["hit" if any(_overlaps(span, label) for label in labels) else "fp"] += 1
        for label in labels:
            counts = self.span_counts.setdefault(label["type"], Counter())
            counts["expected"] += 1
            counts["found"] += any(_overlaps(span, label) for span in predicted["spans"])
        if (
            predicted["verdict"] != expected["verdict"]
            or predicted["reasons"] != expected["reasons"]
        ):
            self.errors.append(
                {
                    "id": record["id"],
                    "expected": expected["reasons"],
                    "predicted": predicted["reasons"],
                }
            )

    def summary(self) -> dict[str, Any]:
        def ratio(a: float, b: float) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "messages": self.messages,
            "verdict_accuracy": ratio(self.verdict_correct, self.messages),
            "reasons_exact_accuracy": ratio(self.reasons_exact, self.messages),
            "false_block_rate": ratio(self.false_blocks, self.allowed),
            "messages_per_second": ratio(self.messages, self.seconds),
            "reasons": {
                reason: {
                    "precision": ratio(c["tp"], c["tp"] + c["fp"]),
                    "recall": ratio(c["tp"], c["tp"] + c["fn"]),
                    **{k: c[k] for k in ("tp", "fp", "fn")},
                }
                for reason, c in sorted(self.reason_counts.items())
            },
            "entities": {
                kind: {
                    "precision": ratio(c["hit"], c["hit"] + c["fp"]),
                    "recall": ratio(c["found"], c["expected"]),
                    "expected": c["expected"],
                    "found": c["found"],
                    "false_positives": c["fp"],
                }
                for kind, c in sorted(self.span_counts.items())
            },
            "errors": self.errors,
        }


def evaluate(
    policy: Policy, records: Iterable[dict[str, Any]], deployment: Deployment | None = None
) -> tuple[Report, list[dict[str, Any]]]:
    """Judge every record; with `deployment`, each mail carries its department's slug and
    signature as the workflow would add them (the policy must hold the deployment's allowlist)."""
    report, predictions = Report(), []
    for record in records:
        started = time.perf_counter()
        verdict = check(policy, corpus_mail(record, deployment))
        report.seconds += time.perf_counter() - started
        predicted = prediction(record, verdict)
        predictions.append(predicted)
        report.add(record, predicted)
    return report, predictions
