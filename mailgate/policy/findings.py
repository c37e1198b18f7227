"""What the engine reports: findings, each explaining itself, and the verdict."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Reason(StrEnum):
    """Why a message may not be sent; the order is the order reasons are reported in."""

    PERSONAL_DATA = "personal_data"
    SENSITIVE_DATA = "sensitive_data"
    BULK_SEND = "bulk_send"
    APPLICATION_OR_DISPOSITION = "application_or_disposition"
    UNSCANNABLE_ATTACHMENT = "unscannable_attachment"
    # A rule failed (bug, pattern timeout): the engine fails closed and blocks.
    POLICY_ERROR = "policy_error"


REASON_ORDER = list(Reason)


class Role(StrEnum):
    """Whose data a found item is (decides whether personal data blocks)."""

    RECIPIENT = "recipient"
    THIRD_PARTY = "third_party"
    STAFF = "staff"
    ORGANIZATION = "organization"
    UNKNOWN = "unknown"


@dataclass
class Finding:
    """One thing a rule found. Offsets are into the ORIGINAL text of `location`."""

    rule: str  # the rule's unique name, e.g. "personal_data", "bulk_send.recipients"
    reason: Reason | None  # None for a finding that does not block (e.g. an allowed e-mail address)
    entity_type: str  # JP_MY_NUMBER, PERSON, SENSITIVE, ... or "" for message-level findings
    location: str  # "body", "subject", "attachment:<filename>" or "message"
    start: int | None = None
    end: int | None = None
    score: float = 1.0
    text: str = ""  # the matched text: shown to the author, never logged
    role: Role = Role.UNKNOWN
    explanation_ja: str = ""
    explanation_en: str = ""
    # Where inside an attachment ("page 2", "row 3, column B") or related message ids for bulk.
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        return self.reason is not None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reason"] = self.reason.value if self.reason else None
        data["role"] = self.role.value
        data["blocking"] = self.blocking
        return data


@dataclass
class Verdict:
    verdict: str  # "allow" | "block"
    reasons: list[Reason]
    findings: list[Finding]
    policy_version: str
    masked_body: str = ""  # redaction suggestion (presidio-anonymizer)
    masked_subject: str = ""

    @property
    def blocked(self) -> bool:
        return self.verdict == "block"

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "reasons": [r.value for r in self.reasons],
            "policy_version": self.policy_version,
            "findings": [f.to_dict() for f in self.findings],
            "masked_body": self.masked_body,
            "masked_subject": self.masked_subject,
        }
