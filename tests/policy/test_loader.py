"""Policy files fail loudly at load: unknown rules or keys, bad values, missing dictionaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailgate.policy.loader import PolicyError, default_policy_path, load_policy
from mailgate.policy.rules.base import Resources

HEAD = '[policy]\nname = "t"\nversion = "1"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_policy_loads_with_every_rule(shared_resources: Resources) -> None:
    policy = load_policy(default_policy_path(), shared_resources)
    assert policy.version.startswith("ward-default@")
    assert {rule.name for rule in policy.rules} == {
        "personal_data",
        "sensitive_data",
        "bulk_send",
        "application",
        "attachments",
    }
    assert len(policy.examples) >= 8


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEAD + "[rules.no_such_rule]\n", "unknown rule(s) no_such_rule"),
        (
            HEAD + "[rules.bulk_send]\nmax_recipients_typo = 3\n",
            "rules.bulk_send.max_recipients_typo: unknown key",
        ),
        (HEAD + '[rules.bulk_send]\nmax_recipients = "many"\n', "rules.bulk_send.max_recipients"),
        ('[policy]\nname = "t"\n', "policy.version"),
        (
            HEAD
            + "[rules.sensitive_data]\nenabled = true\n[[examples]]\nname='x'\nbody='y'\nexpect='maybe'\n",
            "examples.0.expect",
        ),
        ("not toml = = =", "not valid TOML"),
    ],
)
def test_mistakes_fail_at_load(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(PolicyError) as error:
        load_policy(write(tmp_path, text))
    assert message in str(error.value)


def test_missing_dictionary_file_is_named(tmp_path: Path) -> None:
    text = HEAD + '[rules.bulk_send]\nnewsletter_markers = "@dictionaries/nope.txt"\n'
    with pytest.raises(PolicyError, match="cannot read dictionary dictionaries/nope.txt"):
        load_policy(write(tmp_path, text))


def test_dictionary_reference_reads_lines(tmp_path: Path) -> None:
    (tmp_path / "dictionaries").mkdir()
    (tmp_path / "dictionaries" / "markers.txt").write_text(
        "# comment\n号外\n\nお得な情報\n", encoding="utf-8"
    )
    policy = load_policy(
        write(
            tmp_path, HEAD + '[rules.bulk_send]\nnewsletter_markers = "@dictionaries/markers.txt"\n'
        )
    )
    bulk = next(rule for rule in policy.rules if rule.name == "bulk_send")
    assert bulk.config.newsletter_markers == ["号外", "お得な情報"]  # type: ignore[attr-defined]


def test_unreadable_policy_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy"):
        load_policy(tmp_path / "missing.toml")


def test_a_deployments_allowlist_is_added_to_the_files_own(tmp_path: Path) -> None:
    text = (
        HEAD
        + '[rules.personal_data.allowlist]\nphones = ["03-1111-2222"]\n'
        + '[rules.personal_data.allowlist.departments.zeimu]\nnames = ["今村 優"]\n'
    )
    policy = load_policy(
        write(tmp_path, text),
        allowlist={
            "phones": ["0267-41-*"],
            "departments": {"zeimu": {"phones": ["0267-41-2211"]}, "kosodate": {"names": ["森"]}},
        },
    )
    rule = next(rule for rule in policy.rules if rule.name == "personal_data")
    lists = rule.config.allowlist  # type: ignore[attr-defined]
    assert lists.phones == ["03-1111-2222", "0267-41-*"]
    assert lists.for_department("zeimu")["names"] == ["今村 優"]
    assert lists.for_department("zeimu")["phones"] == ["03-1111-2222", "0267-41-*", "0267-41-2211"]
    assert lists.for_department("kosodate")["names"] == ["森"]


def test_a_deployments_allowlist_is_validated_like_the_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="rules.personal_data.allowlist.phone: unknown key"):
        load_policy(write(tmp_path, HEAD), allowlist={"phone": ["03-1111-2222"]})
