"""The learned reading of decisions: labels, where the application rule consults the model,
the shipped model on mail the phrase lists miss, and training it (also from the CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailgate.cli import cli
from mailgate.policy.chain import check
from mailgate.policy.decision_model import (
    DecisionModel,
    DecisionModelError,
    labelled_sentences,
    read_labels,
    read_sentences,
)
from mailgate.policy.loader import Policy, PolicyError, load_policy
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.rules.application import ApplicationConfig, ApplicationRule
from mailgate.policy.rules.base import Resources
from mailgate.policy.training import train_decision
from mailgate.policy.units import TextUnit

SETS = Path(__file__).resolve().parents[1] / "fixtures" / "policy"
DECISIONS = SETS / "decisions"
PHRASEBOOK = SETS / "phrasebook" / "decisions.jsonl"


def test_every_kept_set_has_its_decision_passages() -> None:
    # Each passage lies inside its mail's body, and every mail that decides has one.
    for corpus in SETS.glob("*.jsonl"):
        labels = read_labels(DECISIONS / corpus.name)
        records = {
            r["id"]: r
            for r in map(json.loads, corpus.read_text(encoding="utf-8").splitlines())
            if r
        }
        deciding = {
            i
            for i, r in records.items()
            if "application_or_disposition" in r["expected"]["reasons"]
        }
        assert set(labels) == deciding, corpus.name
        for mail_id, spans in labels.items():
            body = records[mail_id]["body"]
            assert all(0 <= s < e <= len(body) for s, e in spans), mail_id


def test_labels_mark_the_deciding_sentence_and_skip_unmarked_decisions() -> None:
    body = "> 申請しました。\n申請書を受け付けました。\n日程をお知らせします。"
    record = {"body": body, "expected": {"reasons": ["application_or_disposition"]}}
    start = body.index("受け付け")
    assert list(labelled_sentences(record, [(start, start + 4)])) == [
        ("申請書を受け付けました。", True),
        ("日程をお知らせします。", False),
    ]
    assert list(labelled_sentences(record, None)) == []  # which sentence decides is unknown
    allowed = {"body": body, "expected": {"reasons": []}}
    assert [flag for _, flag in labelled_sentences(allowed, None)] == [False, False]


def test_a_bad_label_line_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "A", "spans": [[1, 2]]}\n{"id": "B"}\n', encoding="utf-8")
    with pytest.raises(DecisionModelError, match="x.jsonl:2"):
        read_labels(path)


def _rule(resources: Resources, weights: dict[str, float]) -> ApplicationRule:
    rule = ApplicationRule(ApplicationConfig(decision_model={"file": ""}), resources)
    rule.model = DecisionModel(weights, 0.0, {})
    return rule


def _found(rule: ApplicationRule, body: str, location: str = "body") -> list[str]:
    return [
        f.text for f in rule.find(OutgoingMail(subject="", body=body), [TextUnit(location, body)])
    ]


def test_the_model_flags_a_decision_no_phrase_matched(resources: Resources) -> None:
    rule = _rule(resources, {"付けで": 5.0})
    body = "佐藤様\n\n書類を確認し、本日付けで受け付けました。\nよろしくお願いします。"
    [finding] = rule.find(OutgoingMail(subject="", body=body), [TextUnit("body", body)])
    assert finding.text == "書類を確認し、本日付けで受け付けました。"
    assert body[finding.start : finding.end] == finding.text
    assert finding.reason is not None and finding.reason.value == "application_or_disposition"
    assert finding.detail["learned_probability"] > 0.99
    assert "学習モデル" in finding.explanation_ja and "learned model" in finding.explanation_en


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("本日付けでご案内します。", "no decision cue"),
        ("本日付けでは受け付けておりません。", "the cue is negated"),
        ("本日付けで不備はありません。", "the only cue is negated"),
        ("> 本日付けで受け付けました。", "the resident's quoted words"),
        ("本日付けで届いた場合も、同額となります。", "a condition, not a decision"),
        ("書類がそろえば、本日付けで受け付けます。", "a condition, not a decision"),
        ("本日付けの申込みは来月1日から受け付けます。", "when applications are taken"),
        ("本日付けで認定証の申請をお勧めします。", "advice to apply"),
        ("本日付けで決まりしだいお知らせします。", "as soon as it is decided"),
        (
            "・4月からの定期利用の申込みは、本日付けで市の電子申請サービスで\n　受け付けます。",
            "where applications are taken",
        ),
        (
            "支給の可否は、本日付けで申請いただいた内容を審査して決まります。",
            "how it will be decided",
        ),
        (
            "お知らせのとおり本日付けで生活保護を受給されているのであれば、\n"
            "その月以降の保険料は本日付けで免除の対象となります。",
            "a condition the mailer wrapped onto the line above",
        ),
    ],
)
def test_the_model_is_not_asked(resources: Resources, body: str, why: str) -> None:
    assert _found(_rule(resources, {"付けで": 5.0}), body) == [], why


def test_one_negated_cue_does_not_hide_another(resources: Resources) -> None:
    body = "本日付けで、不備はありませんでしたので受け付けました。"
    assert _found(_rule(resources, {"付けで": 5.0}), body) == [body]


def test_only_the_body_and_only_above_flag_at(resources: Resources) -> None:
    body = "本日付けで受け付けました。"
    assert _found(_rule(resources, {"付けで": 5.0}), body, "attachment:a.txt") == []
    assert _found(_rule(resources, {"付けで": 0.5}), body) == []


def test_a_sentence_a_phrase_matched_is_not_flagged_twice(resources: Resources) -> None:
    body = "申請を受理しました。"
    assert _found(_rule(resources, {"受理": 5.0}), body) == ["申請を受理しました"]


def test_a_bad_model_file_fails_the_policy_load(
    tmp_path: Path, shared_resources: Resources
) -> None:
    (tmp_path / "m.json").write_text('{"format": "mailgate-disclosure-model/1"}', encoding="utf-8")
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[policy]\nname = "t"\nversion = "1"\n[rules.application.decision_model]\nfile = "m.json"\n',
        encoding="utf-8",
    )
    with pytest.raises(PolicyError, match="rules.application: decision model .* not in the format"):
        load_policy(policy, shared_resources)
    with pytest.raises(ValueError, match="flag_at"):
        ApplicationConfig(decision_model={"file": "", "flag_at": 0.3})


def _mail(body: str) -> OutgoingMail:
    return OutgoingMail(subject="ご連絡", body=body, to=["resident@example.jp"])


# Written for this test, not from any corpus.
ACCEPTED = "山田様\n\n税務課の森です。\n申告書の内容を確認し、本日付けで受け付けました。\n"
DECIDED = "山田様\n\n学校教育課の森です。\n選考委員会での審議を経て、奨学生として採用されましたのでお知らせします。\n"
# Decided in words the cues learnt later: taken in, covered, judged.
TAKEN_IN = "山田様\n\n消防団事務局の森です。\n先日ご提出いただいた入団届は、内容を確認し、確かにお受けいたしました。\n"
COVERED = "山田様\n\n教育委員会の森です。\n書類を確認しましたところ、今年度も修学支援金の対象となりましたので、寮費の一部を支援します。\n"
JUDGED = "山田様\n\n総務課の森です。\n調査の結果、お住まいの被害の程度は「半壊」にあたるとの判定になりました。\n"


@pytest.mark.parametrize("body", [ACCEPTED, DECIDED, TAKEN_IN, COVERED, JUDGED])
def test_the_shipped_model_blocks_decisions_the_phrases_miss(
    default_policy: Policy, shared_resources: Resources, body: str
) -> None:
    rules_only = load_policy(
        resources=shared_resources, rules={"application": {"decision_model": {"file": ""}}}
    )
    assert not check(rules_only, _mail(body)).blocked
    assert [r.value for r in check(default_policy, _mail(body)).reasons] == [
        "application_or_disposition"
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "申告の受付は、平日の午前9時から午後5時までです。",
        "65歳以上の方は、この助成の対象となります。",
        "判定の内容にご納得いただけない場合は、再調査をお申し出いただけます。",
    ],
)
def test_the_shipped_model_leaves_hours_conditions_and_procedures(
    default_policy: Policy, sentence: str
) -> None:
    assert not check(default_policy, _mail(f"山田様\n\n税務課の森です。\n{sentence}\n")).blocked


def test_training_and_the_cli_write_a_model_the_policy_loads(tmp_path: Path) -> None:
    model = train_decision([str(SETS / "twelfth.jsonl")], DECISIONS)
    assert model.trained["mails"] == 50
    assert 0 < model.trained["deciding_sentences"] < model.trained["sentences"]
    out = tmp_path / "models"
    result = CliRunner().invoke(
        cli,
        ["policy", "train", str(SETS / "twelfth.jsonl"), "--decisions", str(DECISIONS)]
        + ["--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "decision_model.json" in result.output and "deciding" in result.output
    assert DecisionModel.load(out / "decision_model.json").weights == model.weights
    # Loose sentences are added to the corpus's own.
    with_book = train_decision([str(SETS / "twelfth.jsonl")], DECISIONS, sentences=[PHRASEBOOK])
    extra = len(read_sentences(PHRASEBOOK))
    assert with_book.trained["sentences"] == model.trained["sentences"] + extra
    result = CliRunner().invoke(
        cli,
        ["policy", "train", str(SETS / "twelfth.jsonl"), "--decisions", str(DECISIONS)]
        + ["--decision-sentences", str(PHRASEBOOK), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert DecisionModel.load(out / "decision_model.json").weights == with_book.weights
    with pytest.raises(ValueError, match="needs both kinds"):
        train_decision([str(SETS / "twelfth.jsonl")], tmp_path)  # no passages: no positives
