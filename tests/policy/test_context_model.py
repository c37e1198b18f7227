"""The learned second opinion: features, the model file, when it may overrule the rules,
the shipped model on real mail, and training it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailgate.cli import cli
from mailgate.policy.chain import check
from mailgate.policy.context_model import (
    ContextModel,
    ContextModelError,
    features,
    load_model,
    second_opinion,
    shape,
)
from mailgate.policy.findings import Finding, Reason, Role
from mailgate.policy.loader import Policy, PolicyError, default_policy_path, load_policy
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.rules.base import Resources
from mailgate.policy.training import train

SETS = Path(__file__).resolve().parents[1] / "fixtures" / "policy"


def test_shape_collapses_runs_of_one_script() -> None:
    assert shape("山田 太郎") == "K+_K+"
    assert shape("090-1234-5678") == "D+-D+-D+"
    assert shape("リ・メイリン") == "k・k+"


def test_features_see_both_sides_within_the_line_and_count_with_the_type() -> None:
    text = "案内\n医師会事務局（0279-42-6611）でもご案内しています。"
    start = text.index("0279")
    found = features(text, start, start + 12, "PHONE_NUMBER")
    assert found["L1=（"] == 1 and found["PHONE_NUMBER|L1=（"] == 1
    assert found["R2=）で"] == 1
    assert found["PHONE_NUMBER|pre=027"] == 1
    assert found["PHONE_NUMBER|p2=案内"] == 1  # the line above
    assert not any(k.startswith("L1=\n") or "案内\n" in k for k in found)  # lines do not mix


def _model(weights: dict[str, float], intercept: float = 0.0) -> ContextModel:
    return ContextModel(weights, intercept, ("PERSON", "PHONE_NUMBER"), {})


def _finding(text: str, value: str, kind: str, blocking: bool = True) -> Finding:
    start = text.index(value)
    return Finding(
        rule="personal_data",
        reason=Reason.PERSONAL_DATA if blocking else None,
        entity_type=kind,
        location="body",
        start=start,
        end=start + len(value),
        text=value,
        role=Role.THIRD_PARTY,
    )


def test_a_confident_no_unblocks_a_finding_and_says_why() -> None:
    text = "社務所（0896-72-2485）に直接ご相談ください。"
    model = _model({"R1=）": -6.0})
    assert model.probability(text, 4, 16, "PHONE_NUMBER") < 0.01
    [f] = second_opinion([_finding(text, "0896-72-2485", "PHONE_NUMBER")], text, model, 0.1)
    assert f.reason is None and f.role == Role.THIRD_PARTY
    assert "学習モデル" in f.explanation_ja and "learned model" in f.explanation_en
    assert f.detail["context_probability"] < 0.01


def test_the_model_never_blocks_and_leaves_what_it_does_not_judge() -> None:
    text = "口座番号 1234567 と 090-1111-2222 をお知らせします。"
    model = _model({"T": 8.0}, intercept=-20.0)  # says "not personal data" to everything
    allowed = _finding(text, "090-1111-2222", "PHONE_NUMBER", blocking=False)
    account = _finding(text, "1234567", "BANK_ACCOUNT")
    subject = Finding(**{**_finding(text, "090-1111-2222", "PHONE_NUMBER").__dict__})
    subject.location = "subject"
    settled = second_opinion([allowed, account, subject], text, model, 0.1)
    assert [f.blocking for f in settled] == [False, True, True]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("鵜殿様から直接お話しされる場合は", "鵜殿", "PERSON"),  # a name with an honorific
        ("　Mendoza さん　070-5549-3016", "070-5549-3016", "PHONE_NUMBER"),  # a roster row
        ("Thank you for coming with Mr. Ferreira yesterday.", "Ferreira", "PERSON"),
        ("担当弁護士：長崎県弁護士会　川口 昌平 弁護士", "川口 昌平", "PERSON"),  # a profession
        # a relative's own phone
        (
            "> 変更の連絡は妻の携帯（080-5172-3349）にお願いします。",
            "080-5172-3349",
            "PHONE_NUMBER",
        ),
    ],
)
def test_people_named_with_an_honorific_stay_with_the_rules(
    text: str, value: str, kind: str
) -> None:
    model = _model({}, intercept=-20.0)
    [f] = second_opinion([_finding(text, value, kind)], text, model, 0.1)
    assert f.blocking


def test_a_number_on_the_line_of_a_blocked_name_stays_with_the_rules() -> None:
    text = "6　葛西 結菜（保護者 葛西 真理）　090-7786-3014"
    model = _model({}, intercept=-20.0)
    name = _finding(text, "葛西 結菜", "PERSON")
    phone = _finding(text, "090-7786-3014", "PHONE_NUMBER")
    settled = second_opinion([name, phone], text, model, 0.1)
    assert settled[1].blocking  # the name itself is the model's to judge: no honorific


def test_a_mail_forwarded_inside_ours_stays_with_the_rules() -> None:
    text = (
        "保護者の方からのご意見を転送します。\n\n----- 転送メッセージ -----\n"
        "差出人：大西 真紀 <maki@example.jp>\n日中は 080-5124-7736 につながります。\n-----\n\n"
        "担当：桂川 090-1111-2222\n"
    )
    model = _model({}, intercept=-20.0)
    inside = [
        _finding(text, "大西 真紀", "PERSON"),
        _finding(text, "080-5124-7736", "PHONE_NUMBER"),
    ]
    after = _finding(text, "090-1111-2222", "PHONE_NUMBER")
    settled = second_opinion([*inside, after], text, model, 0.1)
    assert [f.blocking for f in settled] == [True, True, False]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read context model"),
        ("{not json", "not valid JSON"),
        ('{"format": "other"}', "not in the format"),
        ('{"format": "mailgate-context-model/1", "types": ["PERSON"]}', "incomplete"),
        (
            '{"format": "mailgate-context-model/1", "types": ["SENSITIVE"], "intercept": 0, "weights": {}}',
            "unknown types",
        ),
    ],
)
def test_a_bad_model_file_fails_the_policy_load_with_its_name(
    tmp_path: Path, shared_resources: Resources, content: str | None, message: str
) -> None:
    model = tmp_path / "model.json"
    if content is not None:
        model.write_text(content, encoding="utf-8")
    with pytest.raises(ContextModelError, match=message):
        load_model(model)
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[policy]\nname = "t"\nversion = "1"\n'
        '[rules.personal_data.context_model]\nfile = "model.json"\n',
        encoding="utf-8",
    )
    with pytest.raises(PolicyError, match=f"rules.personal_data: .*{message}"):
        load_policy(policy, shared_resources)


def test_veto_below_is_bounded(tmp_path: Path, shared_resources: Resources) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[policy]\nname = "t"\nversion = "1"\n'
        '[rules.personal_data.context_model]\nfile = ""\nveto_below = 0.9\n',
        encoding="utf-8",
    )
    with pytest.raises(PolicyError, match="context_model.veto_below"):
        load_policy(policy, shared_resources)


def _mail(body: str) -> OutgoingMail:
    return OutgoingMail(subject="ご案内", body=body, to=["resident@example.jp"])


# Written for this test (not from any corpus): the ward mayor named in her duty, whom an
# unconfigured office's rules take for a private person (she is in no allowlist).
MAYOR = """山本様

地域振興課の高橋です。
開会式では、区長 蔀 多恵子が挨拶を予定しています。
よろしくお願いいたします。
"""


def test_the_shipped_model_lets_an_official_in_her_duty_through(
    default_policy: Policy, shared_resources: Resources
) -> None:
    rules_only = load_policy(
        resources=shared_resources, rules={"personal_data": {"context_model": {"file": ""}}}
    )
    assert check(rules_only, _mail(MAYOR)).blocked
    verdict = check(default_policy, _mail(MAYOR))
    assert not verdict.blocked
    [mayor] = [f for f in verdict.findings if "多恵子" in f.text]
    assert mayor.detail["context_probability"] < 0.1


def test_the_shipped_model_keeps_a_neighbours_number_blocked(default_policy: Policy) -> None:
    body = MAYOR.replace(
        "開会式では、区長 蔀 多恵子が挨拶を予定しています。",
        "お隣にお住まいの方の携帯番号は 090-5521-3076 です。",
    )
    assert check(default_policy, _mail(body)).reasons == [Reason.PERSONAL_DATA]


def test_the_shipped_model_file_is_what_the_policy_names() -> None:
    model = load_model(default_policy_path().parent / "models" / "context_model.json")
    assert set(model.types) == {"PERSON", "PHONE_NUMBER", "POSTAL_ADDRESS", "JP_POSTAL_CODE"}
    assert model.trained["mails"] >= 800 and "dev.jsonl" in model.trained["corpora"]


def _small_corpus(tmp_path: Path) -> Path:
    lines = (SETS / "sixth.jsonl").read_text(encoding="utf-8").splitlines()[:12]
    corpus = tmp_path / "small.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return corpus


def test_training_learns_from_the_rules_findings_and_the_labels(
    tmp_path: Path, shared_resources: Resources
) -> None:
    model = train([(str(_small_corpus(tmp_path)), None)], resources=shared_resources)
    assert model.trained["mails"] == 12
    assert 0 < model.trained["blocking_findings"] < model.trained["findings"]
    again = load_model_from_json(model.to_json(), tmp_path)
    assert again.weights == model.weights and again.intercept == model.intercept


def load_model_from_json(text: str, tmp_path: Path) -> ContextModel:
    path = tmp_path / "m.json"
    path.write_text(text, encoding="utf-8")
    return load_model(path)


def test_training_needs_both_kinds_of_findings(tmp_path: Path, shared_resources: Resources) -> None:
    corpus = tmp_path / "one.jsonl"
    record = {
        "id": "X-1",
        "body": "ご案内です。",
        "spans": [],
        "expected": {"verdict": "allow", "reasons": []},
    }
    corpus.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs both kinds"):
        train([(str(corpus), None)], resources=shared_resources)


def test_policy_train_writes_models_the_policy_can_load(tmp_path: Path) -> None:
    out = tmp_path / "models"
    deployment = SETS / "seventh-deployment.toml"
    lines = (SETS / "seventh.jsonl").read_text(encoding="utf-8").splitlines()[:10]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["policy", "train", f"{corpus}:{deployment}", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "from 10 mails" in result.output
    assert load_model(out / "context_model.json").trained["corpora"] == ["c.jsonl"]
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[policy]\nname = "t"\nversion = "1"\n'
        '[rules.personal_data.context_model]\nfile = "models/context_model.json"\n'
        '[rules.sensitive_data.disclosure_model]\nfile = "models/disclosure_model.json"\n',
        encoding="utf-8",
    )
    assert len(load_policy(policy).rules) == 5
    missing = CliRunner().invoke(cli, ["policy", "train", "nope.jsonl", "--out", str(out)])
    assert missing.exit_code == 2 and "no such file: nope.jsonl" in missing.output
