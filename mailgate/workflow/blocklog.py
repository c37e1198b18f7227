"""The security officers' log of blocked submissions, kept without copying personal data.

Per blocking finding the log keeps the rule, reason, entity type and position, a
short excerpt of the surrounding text with every finding and every digit masked,
and an HMAC of the matched text under the installation's secret (so an officer
can tell that the same number was blocked twice without ever seeing it). The
draft itself stays in the department's mailbox; reading it is an audited reveal.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from mailgate.models import BlockedEvent, Message
from mailgate.policy.findings import Finding, Verdict

EXCERPT_CONTEXT = 12  # characters either side of the finding
MASK = "＊"
# Detail keys that hold positions and counts, never matched text.
_SAFE_DETAIL = ("where", "category", "recipients", "limit", "counterparts", "message_ids")


def salted_hash(secret: str, text: str) -> str:
    normalised = unicodedata.normalize("NFKC", text).strip()
    digest = hmac.new(secret.encode(), normalised.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:32]


def masked_excerpt(text: str, finding: Finding, findings: list[Finding]) -> str:
    """The finding in its context, with all findings of the same location and all digits masked."""
    if finding.start is None or finding.end is None:
        return ""
    chars = list(text)
    for other in findings:
        if other.location == finding.location and other.start is not None and other.end is not None:
            for i in range(max(other.start, 0), min(other.end, len(chars))):
                if not chars[i].isspace():
                    chars[i] = MASK
    start = max(finding.start - EXCERPT_CONTEXT, 0)
    end = min(finding.end + EXCERPT_CONTEXT, len(chars))
    window = "".join(MASK if c.isdigit() else c for c in chars[start:end])
    window = window.replace("\r", " ").replace("\n", " ")
    return ("…" if start > 0 else "") + window + ("…" if end < len(chars) else "")


def _text_of(message: Message, location: str) -> str:
    if location == "body":
        return message.text_body
    if location == "subject":
        return message.subject
    return ""  # attachments and message-level findings: position only


def entry(
    message: Message, verdict: Verdict, *, secret: str, author_id: int | None
) -> BlockedEvent:
    blocking = [f for f in verdict.findings if f.blocking]
    findings = []
    for f in blocking:
        location, detail = f.location, {k: v for k, v in f.detail.items() if k in _SAFE_DETAIL}
        if location.startswith("attachment:"):
            # File names can carry personal data (山田太郎_住民票.pdf): keep only their hash.
            location = "attachment"
            detail["file_hash"] = salted_hash(secret, f.location.removeprefix("attachment:"))
        findings.append(
            {
                "rule": f.rule,
                "reason": f.reason.value if f.reason else None,
                "entity_type": f.entity_type,
                "location": location,
                "start": f.start,
                "end": f.end,
                "excerpt": masked_excerpt(_text_of(message, f.location), f, verdict.findings),
                "text_hash": salted_hash(secret, f.text) if f.text else "",
                "detail": detail,
            }
        )
    return BlockedEvent(
        department_id=message.department_id,
        message_pk=message.id or 0,
        author_id=author_id,
        reasons=[r.value for r in verdict.reasons],
        rules=sorted({f.rule for f in blocking}),
        entity_types=sorted({f.entity_type for f in blocking if f.entity_type}),
        findings=findings,
        policy_version=verdict.policy_version,
    )
