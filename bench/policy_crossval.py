"""Leave-one-set-out estimate of what the learned models do on mail they never saw.

Why
    Every labelled set in the repository is also training data for the three learned models
    (policies/models, `make models`), so judging a set with the shipped models flatters them:
    they have seen its sentences. New sets written by outside authors are the real test, but
    come three at a time. This script gives a steadier reading from every set at once: for each
    set, the models are trained on ALL THE OTHER sets and that set is judged with them, next to
    the same set judged by the rules alone and by the shipped models. The rules were written
    while reading every set, so all three columns still flatter the rules; the difference
    between "rules" and "held out" is the honest part: what the models add on unseen mail.

What it runs
    corpora    ``../shared/corpus/dev.jsonl`` (if present) and every ``tests/fixtures/policy/*.jsonl``
               with its ``-deployment.toml`` (the set ``make models`` trains on), or ``--corpus``
               given one or more times (``CORPUS.jsonl[:DEPLOYMENT.toml]``)
    examples   each set's context-model examples (the rules' body findings, which needs one
               policy pass per set), disclosure examples (its sentences) and decision examples
               (its sentences, with the passages of ``tests/fixtures/policy/decisions/<set>.jsonl``)
               are drawn once; the phrasebooks (``--decision-sentences`` and
               ``--disclosure-sentences``, default ``tests/fixtures/policy/phrasebook/
               decisions.jsonl`` and ``disclosures.jsonl``) belong to no set and are in every
               fold's training, as in ``make models``
    folds      per set: fit the three models on the other sets' examples
               (``training.fit_context``, ``fit_sentences``, same C as
               ``make models``), write them to a temporary folder, and judge the set three ways:
               ``rules`` (models off), ``held_out`` (the fold's models), ``shipped``
               (policies/models). ``--veto-below``, ``--flag-at``, ``--flag-without-term-at``
               and ``--decide-at`` override the policy's thresholds in the held-out and
               shipped columns.

How to read it
    per set    verdict accuracy and false blocks (allowed mail blocked) in each column, and the
               ids judged wrongly (``--json``: with the expected and the judged reasons)
    total      the same over all sets; ``held_out - rules`` is what the models are worth on
               unseen mail; ``shipped - held_out`` is how much the shipped figures flatter them

Run from the repository root (≈5 minutes on this 2-core machine for 33 sets)::

    .venv/bin/python bench/policy_crossval.py
    .venv/bin/python bench/policy_crossval.py --json > bench/results/policy_crossval-DATE.json
    .venv/bin/python bench/policy_crossval.py --flag-at 0.9 --veto-below 0.05
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mailgate.policy.decision_model import DecisionModel  # noqa: E402
from mailgate.policy.decision_model import read_sentences as read_decisions  # noqa: E402
from mailgate.policy.disclosure_model import DisclosureModel  # noqa: E402
from mailgate.policy.disclosure_model import read_sentences as read_disclosures  # noqa: E402
from mailgate.policy.evaluate import evaluate, read_corpus, read_deployment  # noqa: E402
from mailgate.policy.loader import default_policy_path, load_policy  # noqa: E402
from mailgate.policy.rules.base import Resources  # noqa: E402
from mailgate.policy.training import (  # noqa: E402
    corpus_examples,
    decision_examples,
    disclosure_examples,
    fit_context,
    fit_sentences,
    labels_for,
)

FIXTURES = ROOT / "tests" / "fixtures" / "policy"
DEV = ROOT.parent / "shared" / "corpus" / "dev.jsonl"
DECISIONS = FIXTURES / "decisions"
PHRASEBOOKS = {
    "decision_sentences": FIXTURES / "phrasebook" / "decisions.jsonl",
    "disclosure_sentences": FIXTURES / "phrasebook" / "disclosures.jsonl",
}
MODELS_OFF = {
    "personal_data": {"context_model": {"file": ""}},
    "sensitive_data": {"disclosure_model": {"file": ""}},
    "application": {"decision_model": {"file": ""}},
}


def default_corpora() -> list[tuple[Path, Path | None]]:
    found: list[tuple[Path, Path | None]] = [(DEV, None)] if DEV.is_file() else []
    for corpus in sorted(FIXTURES.glob("*.jsonl")):
        deployment = corpus.with_name(corpus.stem + "-deployment.toml")
        found.append((corpus, deployment if deployment.is_file() else None))
    return found


def parse_corpus(item: str) -> tuple[Path, Path | None]:
    corpus, _, deployment = item.partition(":")
    return Path(corpus), Path(deployment) if deployment else None


def judge(
    records: list[dict[str, Any]],
    deployment_file: Path | None,
    resources: Resources,
    rules: dict[str, Any] | None,
) -> dict[str, Any]:
    deployment = read_deployment(deployment_file) if deployment_file else None
    policy = load_policy(
        resources=resources,
        allowlist=deployment.allowlist if deployment else None,
        rules=rules,
    )
    report, _ = evaluate(policy, records, deployment)
    expected = {r["id"]: r["expected"]["verdict"] for r in records}
    wrong = sorted(e["id"] for e in report.errors)
    return {
        "judged": {
            e["id"]: {"expected": e["expected"], "got": e["predicted"]} for e in report.errors
        },
        "accuracy": round(1 - len(wrong) / len(records), 4),
        "errors": len(wrong),
        "false_blocks": sum(1 for i in wrong if expected[i] == "allow"),
        "allowed": sum(1 for v in expected.values() if v == "allow"),
        "wrong": wrong,
    }


def thresholds(args: argparse.Namespace) -> dict[str, Any]:
    rules: dict[str, Any] = {}
    if args.veto_below is not None:
        rules["personal_data"] = {"context_model": {"veto_below": args.veto_below}}
    disclosure: dict[str, float] = {}
    if args.flag_at is not None:
        disclosure["flag_at"] = args.flag_at
    if args.flag_without_term_at is not None:
        disclosure["flag_without_term_at"] = args.flag_without_term_at
    if disclosure:
        rules["sensitive_data"] = {"disclosure_model": disclosure}
    if args.decide_at is not None:
        rules["application"] = {"decision_model": {"flag_at": args.decide_at}}
    return rules


def with_files(rules: dict[str, Any], files: dict[tuple[str, str], Path]) -> dict[str, Any]:
    merged = json.loads(json.dumps(rules))
    for (rule, model), path in files.items():
        merged.setdefault(rule, {}).setdefault(model, {})["file"] = str(path)
    return merged


def run(args: argparse.Namespace) -> dict[str, Any]:
    corpora = [parse_corpus(c) for c in args.corpus] if args.corpus else default_corpora()
    if len(corpora) < 2:
        raise SystemExit("cross-validation needs at least two corpora")
    started = time.perf_counter()
    resources = Resources(default_policy_path().parent)
    sets = []
    for corpus, deployment in corpora:
        records = list(read_corpus(corpus))
        sets.append(
            {
                "name": corpus.stem,
                "corpus": corpus,
                "deployment": deployment,
                "records": records,
                "context": list(corpus_examples(records, deployment, None, resources)),
                "disclosure": disclosure_examples(records),
                "decision": decision_examples(records, labels_for(corpus, DECISIONS)),
            }
        )
    # Loose sentences belong to no set: every fold trains on them (as make models does).
    phrasebook = [p for path in args.decision_sentences for p in read_decisions(path)]
    disclosures = [p for path in args.disclosure_sentences for p in read_disclosures(path)]
    overrides = thresholds(args)
    rows = []
    with tempfile.TemporaryDirectory(prefix="mailgate-crossval-") as tmp:
        files = {
            ("personal_data", "context_model"): Path(tmp, "context.json"),
            ("sensitive_data", "disclosure_model"): Path(tmp, "disclosure.json"),
            ("application", "decision_model"): Path(tmp, "decision.json"),
        }
        for held in sets:
            others = [s for s in sets if s is not held]
            names = [s["name"] for s in others]
            mails = sum(len(s["records"]) for s in others)
            context = fit_context(
                [e for s in others for e in s["context"]], corpora=names, mails=mails, c=args.c
            )
            disclosure, decision = (
                fit_sentences(
                    kind,
                    [e for s in others for e in s[key]] + extra,
                    corpora=names,
                    mails=mails,
                    c=args.c,
                )
                for kind, key, extra in (
                    (DisclosureModel, "disclosure", disclosures),
                    (DecisionModel, "decision", phrasebook),
                )
            )
            for key, model in zip(files, (context, disclosure, decision), strict=True):
                files[key].write_text(model.to_json(), encoding="utf-8")
            row = {"set": held["name"], "messages": len(held["records"])}
            for column, rules in (
                ("rules", MODELS_OFF),
                ("held_out", with_files(overrides, files)),
                ("shipped", overrides or None),
            ):
                row[column] = judge(held["records"], held["deployment"], resources, rules)
            rows.append(row)
            if not args.json:
                print(line(row), flush=True)
    totals = {"messages": sum(r["messages"] for r in rows)}
    for column in ("rules", "held_out", "shipped"):
        errors = sum(r[column]["errors"] for r in rows)
        false_blocks = sum(r[column]["false_blocks"] for r in rows)
        allowed = sum(r[column]["allowed"] for r in rows)
        totals[column] = {
            "accuracy": round(1 - errors / totals["messages"], 4),
            "errors": errors,
            "false_block_rate": round(false_blocks / allowed, 4) if allowed else None,
            "sets_at_goal": sum(
                1
                for r in rows
                if r[column]["accuracy"] >= 0.97
                and r[column]["false_blocks"] <= 0.03 * r[column]["allowed"]
            ),
        }
    return {
        "config": {
            "c": args.c,
            "veto_below": args.veto_below,
            "flag_at": args.flag_at,
            "flag_without_term_at": args.flag_without_term_at,
            "decide_at": args.decide_at,
            "decision_sentences": len(phrasebook),
            "disclosure_sentences": len(disclosures),
            "sets": len(rows),
        },
        "sets": rows,
        "total": totals,
        "seconds": round(time.perf_counter() - started, 1),
    }


def line(row: dict[str, Any]) -> str:
    cells = "  ".join(
        f"{column} {row[column]['accuracy']:.2f} ({row[column]['false_blocks']} fb)"
        for column in ("rules", "held_out", "shipped")
    )
    return f"{row['set']:<14} {cells}  held-out wrong: {' '.join(row['held_out']['wrong'])}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", help="CORPUS.jsonl[:DEPLOYMENT.toml]")
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation (as train)")
    parser.add_argument("--veto-below", type=float, help="context_model.veto_below override")
    parser.add_argument("--flag-at", type=float, help="disclosure_model.flag_at override")
    parser.add_argument(
        "--flag-without-term-at",
        type=float,
        help="disclosure_model.flag_without_term_at override (1.0: off)",
    )
    parser.add_argument("--decide-at", type=float, help="decision_model.flag_at override")
    parser.add_argument(
        "--decision-sentences",
        action="append",
        default=None,
        help="loose decision sentences for every fold (default: the phrasebook; '' for none)",
    )
    parser.add_argument(
        "--disclosure-sentences",
        action="append",
        default=None,
        help="loose disclosure sentences for every fold (default: the phrasebook; '' for none)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = parser.parse_args()
    for option, default in PHRASEBOOKS.items():
        if getattr(args, option) is None:
            setattr(args, option, [str(default)] if default.is_file() else [])
        setattr(args, option, [path for path in getattr(args, option) if path])
    result = run(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    print(f"\n{result['total']['messages']} messages in {result['config']['sets']} sets")
    for column in ("rules", "held_out", "shipped"):
        t = result["total"][column]
        print(
            f"  {column:<9} accuracy {t['accuracy']:.4f}  errors {t['errors']}  "
            f"false-block rate {t['false_block_rate']}  sets at goal {t['sets_at_goal']}"
        )
    print(f"  ({result['seconds']} s)")


if __name__ == "__main__":
    main()
