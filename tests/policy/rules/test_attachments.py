"""The attachments rule: unreadable attachments block with a clear reason; readable ones are scanned."""

from __future__ import annotations

import pytest

from mailgate.policy.extract.attachments import attachment_units
from mailgate.policy.findings import Reason
from mailgate.policy.mail import OutgoingAttachment, OutgoingMail
from mailgate.policy.rules.attachments import AttachmentsConfig, AttachmentsRule
from mailgate.policy.rules.base import Resources
from mailgate.policy.rules.sensitive_data import SensitiveDataConfig, SensitiveDataRule
from mailgate.resources import data_dir
from tests.policy.rules.test_extract import make_pdf, make_zip


@pytest.fixture(scope="module")
def rule() -> AttachmentsRule:
    return AttachmentsRule(AttachmentsConfig(), Resources(data_dir("policies")))


def mail_with(*attachments: OutgoingAttachment) -> OutgoingMail:
    return OutgoingMail(
        subject="資料送付", body="資料をお送りします。", attachments=list(attachments)
    )


def test_unreadable_attachments_block_with_reason(rule: AttachmentsRule) -> None:
    mail = mail_with(
        OutgoingAttachment("資料.zip", "application/zip", make_zip({"a.txt": "x"}, encrypted=True)),
        OutgoingAttachment("invoice.pdf.exe", "application/pdf", b"MZ" + b"\x00" * 30),
        OutgoingAttachment("ok.txt", "text/plain", "本文".encode()),
    )
    units, _ = attachment_units(mail, rule.config.limits)
    findings = rule.find(mail, units)
    assert [f.location for f in findings] == ["attachment:資料.zip", "attachment:invoice.pdf.exe"]
    assert all(
        f.reason is Reason.UNSCANNABLE_ATTACHMENT and f.rule == "attachments" for f in findings
    )
    assert "パスワード" in findings[0].explanation_ja
    assert findings[1].detail["kind"] == "executable"


def test_rule_works_without_prebuilt_units(rule: AttachmentsRule) -> None:
    mail = mail_with(OutgoingAttachment("scan.pdf", "application/pdf", make_pdf([""])))
    [finding] = rule.find(mail, [])
    assert finding.detail["kind"] == "no_text"


def test_readable_attachment_is_no_finding(rule: AttachmentsRule) -> None:
    mail = mail_with(OutgoingAttachment("a.pdf", "application/pdf", make_pdf(["Meeting at 10 am"])))
    units, findings = attachment_units(mail, rule.config.limits)
    assert findings == [] and rule.find(mail, units) == []


def test_configured_limits_apply(rule: AttachmentsRule) -> None:
    strict = AttachmentsRule(AttachmentsConfig(max_pages=1), Resources(data_dir("policies")))
    mail = mail_with(OutgoingAttachment("a.pdf", "application/pdf", make_pdf(["one", "two"])))
    assert rule.find(mail, []) == []
    [finding] = strict.find(mail, [])
    assert finding.detail["kind"] == "too_large"


def test_other_rules_scan_attachment_text_with_locations() -> None:
    text = "氏名,状況\n西田,療育手帳（B1）をお持ちである\n"
    mail = mail_with(OutgoingAttachment("名簿.csv", "text/csv", text=text))
    units, _ = attachment_units(mail)
    sensitive = SensitiveDataRule(SensitiveDataConfig(), Resources(data_dir("policies")))
    [finding] = sensitive.find(mail, units)
    assert finding.location == "attachment:名簿.csv"
    assert finding.detail["where"] == "row 2, column B"
    assert text[finding.start : finding.end].startswith("療育手帳")
