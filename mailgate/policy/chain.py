"""Run every rule over an outgoing mail and decide: the one place a verdict is made.

Rules only find. The chain runs all of them (so the author sees every problem
at once, not one per submit), turns blocking findings into ordered reasons,
and fails closed: a rule that raises blocks the mail with a policy_error
finding instead of letting it through.
"""

from __future__ import annotations

import logging

from mailgate.policy import structure
from mailgate.policy.extract.attachments import attachment_units
from mailgate.policy.findings import REASON_ORDER, Finding, Reason, Verdict
from mailgate.policy.loader import Policy
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.masking import mask
from mailgate.policy.rules.attachments import AttachmentsRule
from mailgate.policy.units import TextUnit

log = logging.getLogger(__name__)


def text_units(policy: Policy, mail: OutgoingMail) -> tuple[list[TextUnit], list[Finding]]:
    """Subject, body (with its structure) and attachment texts.

    Attachments are extracted once, within the attachments rule's limits, and
    every rule scans their text. Unreadable attachments are that rule's to
    report; if a policy disables it, the chain reports them itself, because an
    attachment nobody could read must never pass unseen.
    """
    units = [
        TextUnit("subject", mail.subject),
        TextUnit("body", mail.body, structure=structure.analyse(mail.body)),
    ]
    rule = next((r for r in policy.rules if isinstance(r, AttachmentsRule)), None)
    attachment_texts, unscannable = attachment_units(mail, rule.config.limits if rule else None)
    return units + attachment_texts, [] if rule else unscannable


def check(policy: Policy, mail: OutgoingMail) -> Verdict:
    units, findings = text_units(policy, mail)
    for rule in policy.rules:
        try:
            findings.extend(rule.find(mail, units))
        except Exception as exc:
            # Never log the mail; the rule name and error type are enough to debug.
            log.exception("rule %s failed (%s); blocking to be safe", rule.name, type(exc).__name__)
            findings.append(
                Finding(
                    rule=rule.name,
                    reason=Reason.POLICY_ERROR,
                    entity_type="",
                    location="message",
                    explanation_ja=f"ポリシーの規則「{rule.name}」の実行に失敗したため、安全のため送信を止めました。管理者に連絡してください。",
                    explanation_en=f"The policy rule '{rule.name}' failed, so the mail is blocked to be safe. Contact the administrator.",
                )
            )
    reasons = sorted({f.reason for f in findings if f.reason is not None}, key=REASON_ORDER.index)
    return Verdict(
        verdict="block" if reasons else "allow",
        reasons=reasons,
        findings=sorted(findings, key=_position),
        policy_version=policy.version,
        masked_body=mask(mail.body, findings, "body"),
        masked_subject=mask(mail.subject, findings, "subject"),
    )


def _position(finding: Finding) -> tuple[int, str, int]:
    order = {"subject": 0, "body": 1, "message": 3}
    return (order.get(finding.location, 2), finding.location, finding.start or 0)
