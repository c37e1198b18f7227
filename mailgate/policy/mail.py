"""The engine's input: an outgoing mail as the author wrote it, plus facts looked up by the workflow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class OutgoingAttachment:
    filename: str
    content_type: str
    data: bytes = b""
    # Already-extracted text (the corpus gives text, not bytes); when set, data is not parsed.
    text: str | None = None


@dataclass
class PriorSend:
    """A recent outgoing message of the same department (for near-duplicate bulk detection)."""

    message_id: str  # our id for it, named in the finding
    counterpart: str  # recipient address
    sent_at: datetime
    signature: list[int]  # MinHash signature of its normalised body


@dataclass
class OutgoingMail:
    subject: str
    body: str
    sender: str = ""  # the department address
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    attachments: list[OutgoingAttachment] = field(default_factory=list)
    department: str = ""  # slug: selects the department's allowlist in the policy
    # The department's signature block as configured (its public phone, address, staff names).
    department_signature: str = ""
    # Display names known for the recipients (e.g. from the resident's own mail).
    recipient_names: list[str] = field(default_factory=list)
    lang: str = "ja"
    # Facts from history, looked up by the workflow so that rules stay pure.
    prior_sends: list[PriorSend] = field(default_factory=list)

    @property
    def recipients(self) -> list[str]:
        return [*self.to, *self.cc, *self.bcc]
