"""Extract what a MIME leaf part carries: decoded payload, safe filename, embedded messages."""

from __future__ import annotations

import binascii
import io
import re
from email.errors import MessageError
from email.generator import BytesGenerator
from email.message import Message
from email.policy import compat32

from mailgate.mail.headers import clean, decode_header_value
from mailgate.mail.params import get_param, header_params, raw_header

_WHITESPACE = bytes(range(0, 33))
_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/=]")
_PADDING = re.compile(rb"=+")
_MAX_FILENAME = 200


def part_filename(part: Message, warnings: list[str]) -> str:
    """The part's filename: Content-Disposition filename, else Content-Type name; "" if none."""
    _, disposition = header_params(part, "content-disposition", warnings)
    name = get_param(disposition, "filename", warnings)
    if not name:
        _, content_type = header_params(part, "content-type", warnings)
        name = get_param(content_type, "name", warnings)
    return safe_filename(name or "", warnings)


def safe_filename(name: str, warnings: list[str]) -> str:
    """Strip directories and control characters so the name is safe to display and save."""
    name = clean(name, warnings)
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name in (".", ".."):
        return ""
    if len(name) > _MAX_FILENAME:
        stem, dot, suffix = name.rpartition(".")
        keep = dot + suffix if dot and len(suffix) <= 16 else ""
        name = name[: _MAX_FILENAME - len(keep)] + keep
    return name


def stored_payload(part: Message) -> object:
    """The payload as the parser stored it: a list of parts, or str with 8-bit surrogate escapes.

    Message.get_payload() is avoided: compat32 decodes an 8-bit payload with the declared
    charset and errors="replace" (losing the bytes), and raises on odd charset parameters.
    """
    return getattr(part, "_payload", None)


def payload_bytes(part: Message, number: int, warnings: list[str]) -> bytes:
    """The part's payload with its Content-Transfer-Encoding undone."""
    payload = stored_payload(part)
    if not isinstance(payload, str):
        return b""
    data = payload.encode("ascii", "surrogateescape")
    encoding = (raw_header(part, "content-transfer-encoding") or "").strip().lower()
    if encoding == "base64":
        decoded, ok = decode_base64(data)
        if not ok:
            warnings.append(f"bad-base64: part {number}")
        return decoded
    if encoding == "quoted-printable":
        return binascii.a2b_qp(data)
    if encoding in ("x-uuencode", "uuencode", "x-uue", "uue"):
        # Old Japanese mailers still send uuencode; the stdlib decoder handles its variants.
        uudecoded: object = part.get_payload(decode=True)
        return uudecoded if isinstance(uudecoded, bytes) else data
    if encoding not in ("", "7bit", "8bit", "binary"):
        warnings.append(f"unknown-transfer-encoding: part {number}")
    return data


def decode_base64(data: bytes) -> tuple[bytes, bool]:
    """Decode base64, keeping whatever decodes; (bytes, False) if the input was damaged.

    Damage seen in the wild: stray characters, missing padding, a truncated last group and
    several separately padded chunks concatenated. Undecodable input is returned raw.
    """
    compact = data.translate(None, _WHITESPACE)
    try:
        return binascii.a2b_base64(compact, strict_mode=True), True
    except (binascii.Error, ValueError):
        pass
    out = bytearray()
    for chunk in _PADDING.split(_NOT_BASE64.sub(b"", compact)):
        if len(chunk) % 4 == 1:
            chunk = chunk[:-1]
        try:
            out += binascii.a2b_base64(chunk + b"=" * (-len(chunk) % 4))
        except (binascii.Error, ValueError):
            continue
    if not out and compact:
        return data, False
    return bytes(out), False


def embedded_message(part: Message, linesep: str, warnings: list[str]) -> tuple[str, bytes]:
    """(filename, bytes) for a message/* part, named after the embedded subject.

    The stdlib parser keeps no raw bytes for sub-messages, so the message is serialised again;
    the bytes can differ from the original in line endings and header folding.
    """
    filename = part_filename(part, warnings)
    children = stored_payload(part)
    if not isinstance(children, list):
        return filename, b""
    if not filename and part.get_content_subtype() in ("rfc822", "global") and children:
        subject = decode_header_value(raw_header(children[0], "subject") or "", warnings)
        subject = subject.replace("/", "_").replace("\\", "_").strip()
        filename = safe_filename(f"{subject or 'message'}.eml", warnings)
    policy = compat32.clone(linesep=linesep, max_line_length=None)
    out = io.BytesIO()
    try:
        for child in children:
            BytesGenerator(out, mangle_from_=False, policy=policy).flatten(child)
    except (RecursionError, LookupError, ValueError, TypeError, MessageError):
        warnings.append("embedded-message-unserialisable")
    return filename, out.getvalue()
