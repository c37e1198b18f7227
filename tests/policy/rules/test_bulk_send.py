"""Bulk sends: recipient limit, newsletter wording, and the same text to many counterparts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mailgate.policy import fingerprint, structure
from mailgate.policy.findings import Reason
from mailgate.policy.mail import OutgoingMail, PriorSend
from mailgate.policy.rules.base import Resources
from mailgate.policy.rules.bulk_send import BulkSendConfig, BulkSendRule
from mailgate.policy.units import TextUnit
from mailgate.resources import data_dir

NOTICE = (
    "{name} 様\n\nいつもお世話になっております。公園緑地課の森です。\n"
    "来月第2土曜日に、西公園の花壇の植え替え作業を行います。\n"
    "作業は午前10時から正午までを予定しており、雨天の場合は翌週に延期します。\n"
    "ご協力をお願いいたします。\n\n――――――――\n公園緑地課 森\n"
)
OTHER = (
    "{name} 様\n\nお問い合わせの件、担当者に確認いたしました。\n"
    "集会室の鍵は管理事務所でお受け取りください。返却は当日中にお願いします。\n"
)
NAMES = ["青木", "石田", "上田", "江口", "大川", "加納", "菊池"]


@pytest.fixture(scope="module")
def rule() -> BulkSendRule:
    return BulkSendRule(BulkSendConfig(), Resources(data_dir("policies")))


def run(rule: BulkSendRule, mail: OutgoingMail) -> list:
    units = [
        TextUnit("subject", mail.subject),
        TextUnit("body", mail.body, structure=structure.analyse(mail.body)),
    ]
    return rule.find(mail, units)


def addresses(count: int) -> list[str]:
    return [f"resident{i}@example.jp" for i in range(count)]


@pytest.mark.parametrize(
    ("to", "cc", "bcc", "blocked"),
    [
        (addresses(10), [], [], False),
        (addresses(11), [], [], True),
        (addresses(4), addresses(3), addresses(3), False),
        (addresses(4), addresses(3), addresses(4), True),
        (addresses(5), [], [], False),  # a committee of five is fine
    ],
)
def test_recipient_limit(rule: BulkSendRule, to: list, cc: list, bcc: list, blocked: bool) -> None:
    findings = run(
        rule, OutgoingMail(subject="会議", body="会議を開催します。", to=to, cc=cc, bcc=bcc)
    )
    assert bool(findings) is blocked
    if blocked:
        [finding] = findings
        assert finding.reason is Reason.BULK_SEND
        assert finding.entity_type == "RECIPIENTS"
        assert finding.location == "message"
        assert finding.detail["recipients"] == len(to) + len(cc) + len(bcc)


@pytest.mark.parametrize(
    "text",
    [
        "※今後の配信停止は、登録ページから手続きしてください。",
        "このメルマガは毎月1日にお届けします。",
        "区民活動メールマガジン 第12号",
        "本メールは登録者の皆様に一斉送信しています。",
        "To unsubscribe from this newsletter, reply with STOP.",
        "本メールは、市内全47自治会の会長様へ、同一の内容で個別にお送りしています。",
        "このメールは、受講生の皆様お一人おひとりに、同じ内容でお送りしています。",
    ],
)
def test_newsletter_markers_block_with_spans(rule: BulkSendRule, text: str) -> None:
    body = f"お知らせ\n{text}\n"
    findings = run(rule, OutgoingMail(subject="", body=body, to=["a@example.jp"]))
    assert findings
    for finding in findings:
        assert finding.entity_type == "NEWSLETTER"
        assert body[finding.start : finding.end] == finding.text


@pytest.mark.parametrize(
    ("text", "blocked"),
    [
        ("恐れ入りますが、当課ではメールマガジンの配信は行っておりません。", False),
        ("このお知らせはメルマガではありません。", False),
        ("この一斉メールには返信できません。", True),  # the mass mail itself says so
        # a newsletter named as where to look, not this mail
        ("Use a number you find on the city website or in the city newsletter.", False),
        ('The city newsletter "Koho Takanohara" is published in Japanese only.', False),
        ('This is the city newsletter "Takanohara Monthly", issue 12.', True),
        # the same text copied to one colleague is no mass mailing
        ("同じ内容を担当の佐藤にもお送りしています。", False),
        # a newsletter offered for the reader to subscribe to: this mail is a reply
        ("市のスポーツ情報をまとめた「スポーツ便り」（メールマガジン）もございます。", False),
    ],
)
def test_a_newsletter_denied_is_not_one(rule: BulkSendRule, text: str, blocked: bool) -> None:
    body = f"井手 様\n\n{text}\n"
    findings = run(rule, OutgoingMail(subject="", body=body, to=["a@example.jp"]))
    assert bool(findings) == blocked


def test_newsletter_wording_in_quoted_resident_text_is_ignored(rule: BulkSendRule) -> None:
    body = "小林 様\n\n> メールマガジンの配信停止をお願いします。\n手続きが完了しました。\n"
    assert run(rule, OutgoingMail(subject="", body=body, to=["a@example.jp"])) == []


def prior(name: str, index: int, hours_ago: float, template: str = NOTICE) -> PriorSend:
    return PriorSend(
        message_id=f"m{index}",
        counterpart=f"r{index}@example.jp",
        sent_at=datetime.now(UTC) - timedelta(hours=hours_ago),
        signature=fingerprint.signature(template.format(name=name)),
    )


def test_sixth_near_identical_mail_blocks_naming_earlier_ones(rule: BulkSendRule) -> None:
    priors = [prior(NAMES[i], i, hours_ago=5 - i) for i in range(5)]
    mail = OutgoingMail(
        subject="作業のお知らせ", body=NOTICE.format(name=NAMES[5]), to=["r5@example.jp"],
        prior_sends=priors,
    )  # fmt: skip
    [finding] = run(rule, mail)
    assert finding.entity_type == "NEAR_DUPLICATE"
    assert finding.reason is Reason.BULK_SEND
    assert finding.detail["message_ids"] == ["m0", "m1", "m2", "m3", "m4"]
    assert "m0" in finding.explanation_ja and "m4" in finding.explanation_en


def test_fifth_counterpart_is_still_allowed(rule: BulkSendRule) -> None:
    priors = [prior(NAMES[i], i, hours_ago=1) for i in range(4)]
    mail = OutgoingMail(
        subject="", body=NOTICE.format(name="菊池"), to=["r9@example.jp"], prior_sends=priors
    )
    assert run(rule, mail) == []


def test_same_counterparts_again_do_not_count_twice(rule: BulkSendRule) -> None:
    priors = [prior(NAMES[i % 3], i % 3, hours_ago=1) for i in range(8)]
    mail = OutgoingMail(
        subject="", body=NOTICE.format(name="菊池"), to=["r0@example.jp"], prior_sends=priors
    )
    assert run(rule, mail) == []


def test_outside_the_window_is_allowed(rule: BulkSendRule) -> None:
    priors = [prior(NAMES[i], i, hours_ago=25 + i) for i in range(5)]
    mail = OutgoingMail(
        subject="", body=NOTICE.format(name="菊池"), to=["r9@example.jp"], prior_sends=priors
    )
    assert run(rule, mail) == []


def test_different_text_is_allowed(rule: BulkSendRule) -> None:
    priors = [prior(NAMES[i], i, hours_ago=1, template=OTHER) for i in range(6)]
    mail = OutgoingMail(
        subject="", body=NOTICE.format(name="菊池"), to=["r9@example.jp"], prior_sends=priors
    )
    assert run(rule, mail) == []


def test_salutation_and_spacing_do_not_hide_a_copy() -> None:
    first = fingerprint.signature(NOTICE.format(name="青木"))
    second = fingerprint.signature(
        NOTICE.format(name="石田").replace("\n", "\n\n").replace("。", "。 ")
    )
    assert fingerprint.similarity(first, second) >= 0.8
    assert fingerprint.similarity(first, fingerprint.signature(OTHER.format(name="青木"))) < 0.3


def test_signature_is_stable_across_processes() -> None:
    # Stored signatures must stay comparable after a restart: no per-process hash seeds.
    signature = fingerprint.signature("同じ本文です。" * 5)
    assert len(signature) == fingerprint.NUM_PERM
    assert signature == fingerprint.signature("同じ本文です。" * 5)
    assert signature[:3] == _EXPECTED_PREFIX


_EXPECTED_PREFIX = [429926881, 960164426, 212568082]  # computed once; must never change
