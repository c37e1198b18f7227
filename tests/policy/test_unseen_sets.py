"""The labelled sets kept in the repository must stay judged as they are now.

tests/fixtures/policy/ holds thirteen sets written from the labelling policy alone by authors who saw
neither the code nor the other sets (docs/performance.md, "Policy engine accuracy"). After the
tuning rounds the engine judges them all exactly; a rule change that breaks one of these
judgements fails here instead of going unnoticed. (What the
engine does on mail nobody has seen is measured by new sets, not by these.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mailgate.policy.evaluate import evaluate, read_corpus, read_deployment
from mailgate.policy.loader import Policy, load_policy
from mailgate.policy.rules.base import Resources

SETS = Path(__file__).resolve().parents[1] / "fixtures" / "policy"


@pytest.mark.parametrize(
    "name",
    [
        "heldout",
        "final",
        "unseen",
        "fresh",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
    ],
)
def test_the_kept_sets_are_judged_as_recorded(default_policy: Policy, name: str) -> None:
    report, predictions = evaluate(default_policy, read_corpus(SETS / f"{name}.jsonl"))
    expected = {r["id"]: r["expected"] for r in read_corpus(SETS / f"{name}.jsonl")}
    wrong = {
        p["id"]
        for p in predictions
        if (p["verdict"], p["reasons"])
        != (expected[p["id"]]["verdict"], expected[p["id"]]["reasons"])
    }
    assert wrong == set(), report.errors


@pytest.mark.parametrize("name", ["seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"])
def test_a_set_with_its_deployment_is_judged_as_recorded(
    shared_resources: Resources, name: str
) -> None:
    # From the seventh set on, each author also wrote the municipality's configuration
    # (departments, signatures, public numbers and names): the same mail judged the way a
    # configured office would.
    deployment = read_deployment(SETS / f"{name}-deployment.toml")
    policy = load_policy(resources=shared_resources, allowlist=deployment.allowlist)
    report, _ = evaluate(policy, read_corpus(SETS / f"{name}.jsonl"), deployment)
    assert report.errors == []
