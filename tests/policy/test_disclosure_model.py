"""The learned reading of sensitive disclosures: sentences, the model file, where the rule
consults it, the shipped model on real mail, and training it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailgate.cli import cli
from mailgate.policy.chain import check
from mailgate.policy.disclosure_model import (
    GENERAL as GENERAL_MARKERS,
)
from mailgate.policy.disclosure_model import (
    DisclosureModel,
    DisclosureModelError,
    grams,
    labelled_sentences,
    load_model,
    quoted,
    read_sentences,
    sentences,
)
from mailgate.policy.loader import Policy, PolicyError, load_policy
from mailgate.policy.mail import OutgoingAttachment, OutgoingMail
from mailgate.policy.rules.base import Resources
from mailgate.policy.rules.sensitive_config import SensitiveDataConfig
from mailgate.policy.rules.sensitive_data import SensitiveDataRule
from mailgate.policy.training import train_disclosure
from mailgate.policy.units import TextUnit

SETS = Path(__file__).resolve().parents[1] / "fixtures" / "policy"
PHRASEBOOK = SETS / "phrasebook" / "disclosures.jsonl"


def test_sentences_end_at_a_full_stop_or_a_line_break() -> None:
    text = "一文目です。二文目！\n\n> 引用です。\n最後"
    parts = [text[s:e] for s, e in sentences(text)]
    assert parts == ["一文目です。", "二文目！", "> 引用です。", "最後"]
    starts = [s for s, _ in sentences(text)]
    assert [quoted(text, s) for s in starts] == [False, False, True, False]


def test_grams_are_distinct_lower_case_and_ignore_spacing() -> None:
    assert grams("Ab  c") == grams("ab c") == {"a", "b", " ", "c", "ab", "b ", " c", "ab ", "b c"}


def test_labelled_sentences_skip_quotes_and_mark_the_disclosing_one() -> None:
    body = "> 母が入院しました。\n母様の入院の件、承知しました。\n日程をお知らせします。"
    start = body.index("入院の件")
    record = {"body": body, "spans": [{"start": start, "end": start + 3, "type": "SENSITIVE"}]}
    assert list(labelled_sentences(record)) == [
        ("母様の入院の件、承知しました。", True),
        ("日程をお知らせします。", False),
    ]


def _rule(
    resources: Resources,
    weights: dict[str, float],
    flag_at: float = 0.8,
    without_term_at: float = 1.0,
) -> SensitiveDataRule:
    rule = SensitiveDataRule(SensitiveDataConfig(disclosure_model={"file": ""}), resources)
    rule.model = DisclosureModel(weights, 0.0, {})
    rule.config.disclosure_model.flag_at = flag_at
    rule.config.disclosure_model.flag_without_term_at = without_term_at
    return rule


def _sensitive(rule: SensitiveDataRule, body: str, location: str = "body") -> list[str]:
    unit = TextUnit(location, body)
    return [f.text for f in rule.find(OutgoingMail(subject="", body=body), [unit])]


def test_the_model_flags_a_sentence_with_a_term_the_cues_missed(resources: Resources) -> None:
    rule = _rule(resources, {"有効期": 5.0})
    [finding] = rule.find(
        OutgoingMail(subject="", body="x"),
        [TextUnit("body", "お持ちの身体障害者手帳の有効期限が来月で切れます。")],
    )
    assert finding.text == "身体障害者手帳" and finding.detail["category"] == "disability"
    assert finding.detail["learned_probability"] > 0.99
    assert "学習モデル" in finding.explanation_ja and "learned model" in finding.explanation_en


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("有効期限のお知らせです。", "no category term"),
        ("身体障害者手帳をお持ちの方は有効期限をご確認ください。", "a general statement"),
        ("> 身体障害者手帳の有効期限が来月で切れます。", "the resident's quoted words"),
        (
            "市バスでは、身体障害者手帳・療育手帳の有効期限内であれば\n"
            "お持ちの方と、その介護者（1名）が運賃の半額割引の対象です。",
            "a general rule the mailer wrapped: general on both lines",
        ),
    ],
)
def test_the_model_is_not_asked(resources: Resources, body: str, why: str) -> None:
    assert _sensitive(_rule(resources, {"有効期": 5.0}), body) == [], why


def test_the_model_reads_only_the_body(resources: Resources) -> None:
    body = "お持ちの身体障害者手帳の有効期限が来月で切れます。"
    assert _sensitive(_rule(resources, {"有効期": 5.0}), body, "attachment:a.txt") == []


def test_below_flag_at_nothing_is_added(resources: Resources) -> None:
    body = "お持ちの身体障害者手帳の有効期限が来月で切れます。"
    assert _sensitive(_rule(resources, {"有効期": 0.5}), body) == []


def test_a_sentence_without_a_term_is_flagged_only_when_all_but_certain(
    resources: Resources,
) -> None:
    body = "山本様\n\nお母様は、夜もほとんど眠れない日が続いているそうです。\n"
    # weight 8: p = 0.9997; weight 3: p = 0.953
    certain = _rule(resources, {"眠れな": 8.0}, without_term_at=0.99)
    [finding] = certain.find(OutgoingMail(subject="", body=body), [TextUnit("body", body)])
    assert finding.text == "お母様は、夜もほとんど眠れない日が続いているそうです。"
    assert finding.detail["category"] == "unnamed"
    assert "病歴・障害・受給・被害など" in finding.explanation_ja
    assert "health, disability, welfare or victim status" in finding.explanation_en
    assert _sensitive(_rule(resources, {"眠れな": 3.0}, without_term_at=0.99), body) == []


@pytest.mark.parametrize(
    "body",
    [
        "夜眠れないなどの症状がある方は、保健センターにご相談ください。",  # general
        "> 母は夜もほとんど眠れない日が続いています。",  # the resident's words
    ],
)
def test_a_sentence_without_a_term_is_not_asked_when_general_or_quoted(
    resources: Resources, body: str
) -> None:
    assert _sensitive(_rule(resources, {"眠れな": 8.0}, without_term_at=0.99), body) == []


def test_one_switches_the_reading_without_a_term_off(resources: Resources) -> None:
    # weight 50 saturates the probability at exactly 1.0: "off" must still mean off.
    body = "お母様は、夜もほとんど眠れない日が続いているそうです。"
    assert _sensitive(_rule(resources, {"眠れな": 50.0}, without_term_at=1.0), body) == []
    with pytest.raises(ValueError, match="flag_without_term_at"):
        SensitiveDataConfig(disclosure_model={"file": "", "flag_without_term_at": 0.3})


def test_a_sentence_the_rules_flagged_is_not_flagged_twice(resources: Resources) -> None:
    body = "唐沢様の身体障害者手帳（2級）の有効期限が来月で切れます。"
    assert len(_sensitive(_rule(resources, {"有効期": 5.0}), body)) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read disclosure model"),
        ("[]", "not in the format"),
        ('{"format": "mailgate-disclosure-model/1"}', "incomplete"),
    ],
)
def test_a_bad_model_file_fails_the_policy_load(
    tmp_path: Path, shared_resources: Resources, content: str | None, message: str
) -> None:
    model = tmp_path / "d.json"
    if content is not None:
        model.write_text(content, encoding="utf-8")
    with pytest.raises(DisclosureModelError, match=message):
        load_model(model)
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[policy]\nname = "t"\nversion = "1"\n'
        '[rules.sensitive_data.disclosure_model]\nfile = "d.json"\n',
        encoding="utf-8",
    )
    with pytest.raises(PolicyError, match=f"rules.sensitive_data: .*{message}"):
        load_policy(policy, shared_resources)


def test_flag_at_is_bounded() -> None:
    with pytest.raises(ValueError, match="flag_at"):
        SensitiveDataConfig(disclosure_model={"file": "", "flag_at": 0.2})


def _mail(body: str) -> OutgoingMail:
    return OutgoingMail(subject="ご案内", body=body, to=["resident@example.jp"])


# Written for this test, not from any corpus.
EXPIRY = (
    "山本様\n\n福祉課の高橋です。\nお持ちの身体障害者手帳の有効期限が、来月末で切れる予定です。\n"
)
GENERAL = "山本様\n\n保健センターの高橋です。\n人工透析を受けている方は、通院のための交通費の助成が受けられます。\n"


def test_the_shipped_model_blocks_a_disclosure_the_cues_miss(
    default_policy: Policy, shared_resources: Resources
) -> None:
    rules_only = load_policy(
        resources=shared_resources, rules={"sensitive_data": {"disclosure_model": {"file": ""}}}
    )
    assert not check(rules_only, _mail(EXPIRY)).blocked
    verdict = check(default_policy, _mail(EXPIRY))
    assert [r.value for r in verdict.reasons] == ["sensitive_data"]


# Everyday words with no category term (written for this test).
UNLISTED = (
    "山本様\n\n地域包括支援センターの高橋です。\n"
    "息子さんは春から学校に行けておらず、部屋から出てこない日が続いているとのことです。\n"
)


def test_the_shipped_model_blocks_a_disclosure_with_no_listed_term(
    default_policy: Policy, shared_resources: Resources
) -> None:
    off = load_policy(
        resources=shared_resources,
        rules={"sensitive_data": {"disclosure_model": {"flag_without_term_at": 1.0}}},
    )
    assert not check(off, _mail(UNLISTED)).blocked
    verdict = check(default_policy, _mail(UNLISTED))
    assert [r.value for r in verdict.reasons] == ["sensitive_data"]
    [finding] = [f for f in verdict.findings if f.rule == "sensitive_data"]
    assert finding.detail["category"] == "unnamed" and finding.text.startswith("息子さんは")


def test_the_shipped_model_leaves_a_general_statement(default_policy: Policy) -> None:
    assert not check(default_policy, _mail(GENERAL)).blocked


def test_attachments_stay_with_the_rules(default_policy: Policy) -> None:
    mail = _mail("山本様\n\n資料を添付します。\n")
    mail.attachments = [OutgoingAttachment("memo.txt", "text/plain", EXPIRY.encode())]
    assert not check(default_policy, mail).blocked


def test_training_reads_the_labelled_sentences(tmp_path: Path) -> None:
    model = train_disclosure([str(SETS / "twelfth.jsonl")])
    assert model.trained["mails"] == 50
    assert 0 < model.trained["disclosing_sentences"] < model.trained["sentences"]
    path = tmp_path / "d.json"
    path.write_text(model.to_json(), encoding="utf-8")
    assert load_model(path).weights == model.weights


def test_training_needs_a_disclosure(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    record = {
        "id": "X",
        "body": "ご案内です。",
        "spans": [],
        "expected": {"verdict": "allow", "reasons": []},
    }
    corpus.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs both kinds"):
        train_disclosure([str(corpus)])


def test_phrasebook_sentences_are_added_to_the_corpus_sentences(tmp_path: Path) -> None:
    corpus = str(SETS / "twelfth.jsonl")
    plain = train_disclosure([corpus])
    with_book = train_disclosure([corpus], sentences=[PHRASEBOOK])
    book = read_sentences(PHRASEBOOK)
    assert with_book.trained["sentences"] == plain.trained["sentences"] + len(book)
    assert with_book.trained["disclosing_sentences"] == plain.trained["disclosing_sentences"] + sum(
        flag for _, flag in book
    )
    out = tmp_path / "models"
    result = CliRunner().invoke(
        cli,
        ["policy", "train", corpus, "--disclosure-sentences", str(PHRASEBOOK), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert DisclosureModel.load(out / "disclosure_model.json").weights == with_book.weights
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["policy", "train", corpus, "--disclosure-sentences", str(bad), "--out", str(out)]
    )
    assert result.exit_code != 0 and "bad.jsonl:1" in result.output


@pytest.mark.parametrize(
    ("clause", "general"),
    [
        ("受給している方が対象です", True),
        ("お持ちの世帯は", True),
        ("相手方が住民票の写しを取れないように", False),  # the other party, someone
        ("ご主人が酔うと", False),
        ("配偶者が転居先を", False),
        ("ご本人は", False),
    ],
)
def test_general_markers_are_not_a_named_person(clause: str, general: bool) -> None:
    assert bool(GENERAL_MARKERS.search(clause)) is general
