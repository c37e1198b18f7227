"""Attachments that cannot be scanned block the mail (unscannable_attachment).

Readable attachments become TextUnits (extract.attachments.attachment_units) that every
other rule scans like the body. This rule reports the rest: encrypted PDF or
ZIP, any ZIP archive, executables, legacy or password-protected Office files,
images and unknown binary types, corrupt files and files over the limits.
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from pydantic import Field

from mailgate.policy.extract.attachments import extract
from mailgate.policy.extract.unscannable import ExtractLimits, Unscannable, unscannable_finding
from mailgate.policy.findings import Finding
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.rules.base import Resources, RuleConfig
from mailgate.policy.units import TextUnit


class AttachmentsConfig(RuleConfig):
    max_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    max_pages: int = Field(default=200, ge=1)
    max_cells: int = Field(default=200_000, ge=1)
    max_chars: int = Field(default=2_000_000, ge=1)
    max_uncompressed_bytes: int = Field(default=64 * 1024 * 1024, ge=1)

    @property
    def limits(self) -> ExtractLimits:
        """What the chain passes to extract.attachments.attachment_units."""
        return ExtractLimits(
            max_bytes=self.max_bytes,
            max_pages=self.max_pages,
            max_cells=self.max_cells,
            max_chars=self.max_chars,
            max_uncompressed_bytes=self.max_uncompressed_bytes,
        )


class AttachmentsRule:
    name: ClassVar[str] = "attachments"
    Config: ClassVar[type[RuleConfig]] = AttachmentsConfig

    def __init__(self, config: RuleConfig, resources: Resources) -> None:
        assert isinstance(config, AttachmentsConfig)
        self.config = config

    def find(self, mail: OutgoingMail, units: list[TextUnit]) -> list[Finding]:
        # An attachment with a unit was read in full; only the others need a reason, so a
        # readable PDF is not parsed twice. Two attachments of the same name share a
        # location, so those are always checked again.
        scanned = Counter(unit.location for unit in units)
        named = Counter(f"attachment:{a.filename}" for a in mail.attachments)
        findings = []
        for attachment in mail.attachments:
            location = f"attachment:{attachment.filename}"
            if scanned[location] and named[location] == 1:
                continue
            result = extract(attachment, self.config.limits)
            if isinstance(result, Unscannable):
                findings.append(unscannable_finding(attachment, result))
        return findings
