"""Smoke test of bench/policy_crossval.py: three kept sets, each judged by models trained on
the other two, must give a well-formed report whose columns agree with direct evaluation.

Accuracy figures are not asserted (they are what the script is for); what is checked is that
every fold ran, that each cell is consistent, and that the rules-only column equals the policy
judged without models.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mailgate.policy.evaluate import evaluate, read_corpus
from mailgate.policy.loader import load_policy
from mailgate.policy.rules.base import Resources

ROOT = Path(__file__).resolve().parents[2]
SETS = ROOT / "tests" / "fixtures" / "policy"
NAMES = ["heldout", "final", "unseen"]


@pytest.fixture(scope="module")
def report() -> dict:
    command = [sys.executable, "bench/policy_crossval.py", "--json"]
    for name in NAMES:
        command += ["--corpus", str(SETS / f"{name}.jsonl")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_set_is_a_fold(report: dict) -> None:
    assert [row["set"] for row in report["sets"]] == NAMES
    assert report["config"]["sets"] == 3
    assert report["total"]["messages"] == sum(
        len(list(read_corpus(SETS / f"{n}.jsonl"))) for n in NAMES
    )
    for row in report["sets"]:
        for column in ("rules", "held_out", "shipped"):
            cell = row[column]
            assert 0 <= cell["accuracy"] <= 1
            assert cell["errors"] == len(cell["wrong"])
            assert sorted(cell["judged"]) == cell["wrong"]
            assert cell["false_blocks"] <= cell["allowed"]


def test_rules_column_is_the_policy_without_models(
    report: dict, shared_resources: Resources
) -> None:
    policy = load_policy(
        resources=shared_resources,
        rules={
            "personal_data": {"context_model": {"file": ""}},
            "sensitive_data": {"disclosure_model": {"file": ""}},
            "application": {"decision_model": {"file": ""}},
        },
    )
    for row in report["sets"]:
        result, _ = evaluate(policy, read_corpus(SETS / f"{row['set']}.jsonl"))
        assert sorted(e["id"] for e in result.errors) == row["rules"]["wrong"]


def test_too_few_corpora_is_refused() -> None:
    result = subprocess.run(
        [sys.executable, "bench/policy_crossval.py", "--corpus", str(SETS / "final.jsonl")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "at least two corpora" in result.stderr
