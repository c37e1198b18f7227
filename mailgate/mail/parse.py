"""Parse inbound message bytes into a ParsedMessage; pure, and never raises.

compat32 is used because the default policy's header objects make parsing ~6x slower; headers,
charsets and transfer encodings are decoded by the neighbouring modules instead. Every oddity
found is kept as a short warning string so staff and operators can see why text may look wrong.
"""

from __future__ import annotations

import email
import functools
import re
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

from mailgate.mail.attachments import (
    embedded_message,
    part_filename,
    payload_bytes,
    stored_payload,
)
from mailgate.mail.charsets import decode_text
from mailgate.mail.fields import first_msg_id, msg_ids, parse_addresses, parse_date
from mailgate.mail.headers import decode_header_value, decode_raw
from mailgate.mail.htmltext import html_to_text
from mailgate.mail.params import header_params
from mailgate.mail.parsed import ParsedAttachment, ParsedMessage

__all__ = ["ParsedAttachment", "ParsedMessage", "html_to_text", "parse_message"]

MAX_DEPTH = 50  # multipart nesting beyond this is ignored: no real mail nests so deep
MAX_PARTS = 10_000  # bounds the work one message can cause
_BODY_TYPES = ("text/plain", "text/html")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse raw message bytes; malformed input yields warnings, never an exception."""
    warnings: list[str] = []
    try:
        return _parse(bytes(raw), warnings)
    except Exception as exc:  # noqa: BLE001 - a message must always be storable
        warnings.append(f"unparseable: {type(exc).__name__}")
        return _headers_only(raw, warnings)


def _parse(raw: bytes, warnings: list[str]) -> ParsedMessage:
    if not raw:
        warnings.append("empty-input")
    try:
        msg = email.message_from_bytes(raw, policy=compat32)
    except RecursionError:
        # The stdlib parser recurses once per nesting level; keep the headers at least.
        warnings.extend(["nesting-too-deep", "body-not-parsed"])
        return _headers_only(raw, warnings)
    parsed = ParsedMessage()
    _read_headers(parsed, msg, warnings)
    _read_body(parsed, msg, b"\r\n" in raw[:65536], warnings)
    parsed.warnings = _unique(warnings)
    return parsed


def _headers_only(raw: bytes | bytearray | memoryview, warnings: list[str]) -> ParsedMessage:
    parsed = ParsedMessage()
    try:
        msg = BytesParser(policy=compat32).parsebytes(bytes(raw), headersonly=True)
        _read_headers(parsed, msg, warnings)
    except Exception as exc:  # noqa: BLE001 - nothing more can be kept
        warnings.append(f"unparseable: {type(exc).__name__}")
    parsed.warnings = _unique(warnings)
    return parsed


def _read_headers(parsed: ParsedMessage, msg: Message, warnings: list[str]) -> None:
    raw_values: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        value = value if isinstance(value, str) else str(value)
        name = decode_raw(name, warnings).strip()
        raw_values.setdefault(name.lower(), []).append(value)
        parsed.headers.append((name, decode_header_value(value, warnings)))
    decoded = {}
    for name, value in reversed(parsed.headers):  # reversed: the first occurrence wins
        decoded[name.lower()] = value
    parsed.message_id = first_msg_id(decoded.get("message-id", ""))
    parsed.in_reply_to = first_msg_id(decoded.get("in-reply-to", ""))
    parsed.references = msg_ids(decoded.get("references", ""))
    parsed.subject = decoded.get("subject", "").strip()
    senders = parse_addresses(raw_values.get("from", [])[:1], warnings)
    if senders:
        parsed.from_name, parsed.from_address = senders[0]
    parsed.to = [addr for _, addr in parse_addresses(raw_values.get("to", []), warnings)]
    parsed.cc = [addr for _, addr in parse_addresses(raw_values.get("cc", []), warnings)]
    parsed.date = parse_date(decoded.get("date"), warnings)
    _add_defects(msg, warnings)


def _read_body(parsed: ParsedMessage, msg: Message, crlf: bool, warnings: list[str]) -> None:
    """Walk the MIME tree iteratively (depth-first, in order): bodies, attachments, defects.

    Parts are numbered in walk order from 1 (the message itself) for warnings such as
    "bad-base64: part 3".
    """
    texts: list[str] = []
    htmls: list[str] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    number = 0
    while stack:
        part, depth = stack.pop()
        number += 1
        if depth > MAX_DEPTH or number > MAX_PARTS:
            warnings.append("nesting-too-deep" if depth > MAX_DEPTH else "too-many-parts")
            continue
        if part is not msg:
            _add_defects(part, warnings)
        payload = stored_payload(part)
        if isinstance(payload, list) and part.get_content_maintype() == "message":
            filename, data = embedded_message(part, "\r\n" if crlf else "\n", warnings)
            parsed.attachments.append(ParsedAttachment(filename, part.get_content_type(), data))
        elif isinstance(payload, list):
            stack.extend((child, depth + 1) for child in reversed(payload))
        elif isinstance(payload, str):
            _read_leaf(parsed, part, number, texts, htmls, warnings)
    parsed.text = "\n\n".join(text for text in texts if text)
    parsed.html = "\n".join(html for html in htmls if html)
    if not parsed.text and parsed.html:
        parsed.text = html_to_text(parsed.html)


def _read_leaf(
    parsed: ParsedMessage,
    part: Message,
    number: int,
    texts: list[str],
    htmls: list[str],
    warnings: list[str],
) -> None:
    content_type = part.get_content_type()
    disposition, _ = header_params(part, "content-disposition", warnings)
    filename = part_filename(part, warnings)
    data = payload_bytes(part, number, warnings)
    if part.get_content_maintype() == "multipart":
        # A multipart whose boundary is missing or never found: its body is all we have.
        content_type = "text/plain"
    is_body = content_type in _BODY_TYPES and disposition != "attachment"
    if not is_body or (filename and disposition != "inline"):
        parsed.attachments.append(ParsedAttachment(filename, content_type, data))
        return
    _, params = header_params(part, "content-type", warnings)
    charset = next((value for name, value in params if name == "charset"), None)
    text, warning = decode_text(data, charset)
    if warning:
        warnings.append(warning)
    if "\x00" in text:
        warnings.append("nul-bytes-removed")
        text = text.replace("\x00", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    (texts if content_type == "text/plain" else htmls).append(text)


def _add_defects(part: Message, warnings: list[str]) -> None:
    warnings.extend(_defect_warning(type(defect).__name__) for defect in part.defects)


@functools.cache
def _defect_warning(class_name: str) -> str:
    """Warning for a defect class: CloseBoundaryNotFoundDefect -> close-boundary-not-found."""
    if class_name == "NoBoundaryInMultipartDefect":
        return "missing-boundary"
    return _CAMEL.sub("-", class_name.removesuffix("Defect") or class_name).lower()


def _unique(warnings: list[str]) -> list[str]:
    return list(dict.fromkeys(warnings))
