"""Compose outgoing mail: the content hash an approval binds to, and the MIME bytes that leave.

The hash covers exactly the fields a supervisor sees and approves (sender,
recipients, subject, bodies, reply headers, attachments by content hash), so
the delivery worker can refuse anything edited after approval. The MIME
message is rebuilt from those same fields at send time; it is deterministic
for a given message and Date (fixed boundaries), so a retry sends the same
bytes and the stored copy is exactly what the relay received.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from mailgate.models import Attachment, Message

# Lines of a 7bit part must stay within RFC 5322's recommended 78 characters.
MAX_LINE = 78


def _addresses(values: Iterable[str]) -> list[str]:
    return sorted(v.strip().lower() for v in values if v.strip())


def content_hash(message: Message, attachments: Sequence[Attachment]) -> str:
    """sha256 hex of the canonical JSON of everything an approval covers."""
    body = {
        "from": message.from_address.strip().lower(),
        "to": _addresses(message.to_addresses),
        "cc": _addresses(message.cc_addresses),
        "bcc": _addresses(message.bcc_addresses),
        "subject": message.subject,
        "text_body": message.text_body,
        "html_body": message.html_body,
        "in_reply_to": message.in_reply_to,
        "references": list(message.references),
        # Order of attachments is presentation, not content: sort so it cannot matter.
        "attachments": sorted([a.filename, a.content_type, a.sha256] for a in attachments),
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def new_message_id(mail_domain: str) -> str:
    """A fresh Message-ID in our mail domain, with angle brackets."""
    return make_msgid(domain=mail_domain)


def _bracketed(message_id: str) -> str:
    message_id = message_id.strip()
    if not message_id:
        return ""
    return message_id if message_id.startswith("<") else f"<{message_id}>"


def _transfer_encoding(text: str) -> str:
    """7bit when it is plain short-lined ASCII (readable in any client), else base64.

    base64 rather than quoted-printable: Japanese text grows by a third instead of
    tripling, and base64 never contains "=_", so our fixed boundaries cannot collide.
    """
    if text.isascii() and all(len(line) <= MAX_LINE for line in text.splitlines()):
        return "7bit"
    return "base64"


def _fix_boundaries(root: EmailMessage, seed: str) -> None:
    """Give every multipart a boundary derived from the message, so rebuilding is byte-stable."""
    parts = [root, *(p for p in root.walk() if p is not root)]
    multiparts = [p for p in parts if p.is_multipart()]
    for index, part in enumerate(multiparts):
        digest = hashlib.sha256(f"{seed}:{index}".encode()).hexdigest()[:32]
        part.set_boundary(f"=_mg_{digest}")  # type: ignore[no-untyped-call]
    for part in parts:
        if part is not root:
            # The library repeats MIME-Version on sub-parts; it belongs on the top only.
            del part["MIME-Version"]


def build_mime(
    message: Message,
    attachments: Sequence[Attachment],
    attachment_data: dict[str, bytes],
    *,
    from_address: str,
    from_name: str,
    date: datetime | None = None,
) -> bytes:
    """The message as it goes on the wire (CRLF line ends, ASCII headers).

    Date is `date`, else message.date, else now. Bcc recipients are envelope only.
    Raises ValueError (or an email.errors subclass) for an address it cannot encode.
    """
    if not message.message_id_header.strip():
        raise ValueError("outgoing message has no Message-ID")
    when = date or message.date or datetime.now(UTC)
    mime = EmailMessage(policy=policy.SMTP)
    mime["From"] = Address(display_name=from_name, addr_spec=from_address)
    if message.to_addresses:
        mime["To"] = [Address(addr_spec=a) for a in message.to_addresses]
    if message.cc_addresses:
        mime["Cc"] = [Address(addr_spec=a) for a in message.cc_addresses]
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(when.astimezone(UTC))
    mime["Message-ID"] = _bracketed(message.message_id_header)
    if message.in_reply_to:
        mime["In-Reply-To"] = _bracketed(message.in_reply_to)
    if message.references:
        mime["References"] = " ".join(_bracketed(r) for r in message.references)

    text = message.text_body
    mime.set_content(text, charset="utf-8", cte=_transfer_encoding(text))
    if message.html_body:
        html = message.html_body
        mime.add_alternative(html, subtype="html", charset="utf-8", cte=_transfer_encoding(html))
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        mime.add_attachment(
            attachment_data[attachment.sha256],
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename or None,
        )

    seed = f"{message.message_id_header}:{content_hash(message, attachments)}"
    if "=_mg_" not in message.text_body + message.html_body:
        _fix_boundaries(mime, seed)
    # Otherwise keep the library's random, collision-checked boundaries.
    return mime.as_bytes()
