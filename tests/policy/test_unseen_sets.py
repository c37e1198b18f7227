"""The labelled sets kept in the repository must stay judged as they are now.

tests/fixtures/policy/ holds one hundred and twenty-five sets written from the labelling policy alone
by authors who saw neither the code nor the other sets (docs/performance.md, "Policy engine
accuracy"). After the tuning rounds the engine judges the first thirteen exactly; from the
fourteenth on, the mails it still judges wrongly are listed below (KNOWN_WRONG). A change that
breaks a judgement, or fixes a listed one, fails here instead of going unnoticed. (What the
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


# Still judged wrongly with the deployment (after the 2026-11-27 rounds and the models retrained
# on all sets up to the hundred-twenty-fifth): a child named by given name only in English,
# officers of residents' bodies whose titles read like officials', disclosures worded like
# procedure (就労継続支援), a historical person only in an attachment, …
KNOWN_WRONG = {
    "fourteenth": {"N14-0046"},
    "sixteenth": {"N15-0025", "N15-0032", "N15-0046"},
    "seventeenth": {"N16-0043"},
    "eighteenth": {"R18-0036"},
    "nineteenth": {"R19-0020"},
    "twentieth": {"R20-0005"},
    "twentyfirst": {"Q21-0044"},
    "twentyfourth": {"P24-0010", "P24-0023"},
    "twentyeighth": {"M28-0010"},
    "twentyninth": {"M29-0004", "M29-0039"},
    "thirtyfirst": {"K31-0027"},
    "thirtythird": {"J33-0020"},
    "thirtyfourth": {"H34-0016"},
    "thirtyfifth": {"G35-0037"},
    "thirtyeighth": {"D38-0040"},
    "thirtyninth": {"C39-0004", "C39-0035"},
    "fortyfirst": {"A41-0011"},
    "fiftysecond": {"Z52-0046"},
    "fiftyfourth": {"Z54-0004", "Z54-0010"},
    "fiftyfifth": {"Z55-0028"},
    "sixtythird": {"Z63-0029"},
    # a committee chair named with 様 in a mail to the committee ("委員長である…理事長 高橋 光男
    # 様"): the author calls him an official in his duties; the same wording names residents'
    # chairs, who are third parties, so it stays a third party here
    "hundredfourth": {"Z104-0029"},
    # the town's trial houses listed under their own names (「のの川の家」 and its 所在地) are not
    # read as public: a private vacant house is listed the same way
    "hundredsixteenth": {"Z116-0002", "Z116-0022"},
}


# Every set that came with its municipality's deployment file (the seventh on).
DEPLOYED = sorted(p.name.removesuffix("-deployment.toml") for p in SETS.glob("*-deployment.toml"))


def test_every_set_with_known_errors_is_judged() -> None:
    assert len(DEPLOYED) >= 26 and set(KNOWN_WRONG) <= set(DEPLOYED)


@pytest.mark.parametrize("name", DEPLOYED)
def test_a_set_with_its_deployment_is_judged_as_recorded(
    shared_resources: Resources, name: str
) -> None:
    # From the seventh set on, each author also wrote the municipality's configuration
    # (departments, signatures, public numbers and names): the same mail judged the way a
    # configured office would.
    deployment = read_deployment(SETS / f"{name}-deployment.toml")
    policy = load_policy(resources=shared_resources, allowlist=deployment.allowlist)
    report, _ = evaluate(policy, read_corpus(SETS / f"{name}.jsonl"), deployment)
    assert {e["id"] for e in report.errors} == KNOWN_WRONG.get(name, set()), report.errors
