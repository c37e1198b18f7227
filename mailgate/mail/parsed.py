"""The result of parsing an inbound message: plain data, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class ParsedAttachment:
    filename: str  # decoded, path components and control characters removed; "" if none
    content_type: str  # lower-case "type/subtype"
    data: bytes  # transfer encoding undone; the raw payload if that failed (with a warning)


@dataclass
class ParsedMessage:
    message_id: str = ""  # "<...>", whitespace removed; "" if absent
    in_reply_to: str = ""  # first msg-id in In-Reply-To
    references: list[str] = field(default_factory=list)  # in header order
    subject: str = ""
    from_address: str = ""  # lower-cased addr-spec
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    date: datetime | None = None  # timezone-aware UTC
    headers: list[tuple[str, str]] = field(default_factory=list)  # name as written, value decoded
    text: str = ""  # inline text/plain parts joined by "\n\n", or text derived from the HTML
    html: str = ""  # inline text/html parts, unsanitised
    attachments: list[ParsedAttachment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
