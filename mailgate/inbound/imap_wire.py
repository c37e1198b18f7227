"""IMAP wire details that need no connection: folder-name encoding, UID sets, FETCH parsing, TLS.

Kept apart from the session so they can be tested without a server.
"""

from __future__ import annotations

import base64
import re
import ssl
from collections.abc import Iterable, Sequence

import aioimaplib

from mailgate.config import ImapAccountSettings

_FETCH_START = re.compile(rb"^\d+ FETCH \(")
_UID = re.compile(rb"UID (\d+)")
# aioimaplib strips "* LIST " from untagged lines; accept both forms.
_LIST = re.compile(rb'^(?:LIST )?\(([^)]*)\) (?:NIL|"(?:[^"\\]|\\.)*") (.*)$')


def encode_mailbox(name: str) -> str:
    """A folder name as an IMAP quoted string in modified UTF-7 (RFC 3501 5.1.3): 送信済み works."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            data = base64.b64encode("".join(pending).encode("utf-16-be")).decode()
            out.append("&" + data.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return aioimaplib.quoted("".join(out))


def uid_set(uids: Iterable[int]) -> str:
    """1,2,3,5 -> "1:3,5" (keeps command lines short for big batches)."""
    ranges: list[list[int]] = []
    for uid in sorted(set(uids)):
        if ranges and uid == ranges[-1][1] + 1:
            ranges[-1][1] = uid
        else:
            ranges.append([uid, uid])
    return ",".join(f"{a}:{b}" if a != b else str(a) for a, b in ranges)


def tls_context(account: ImapAccountSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=account.ca_file or None)
    if not account.verify_certificate:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def decode_mailbox(name: str) -> str:
    """Modified UTF-7 back to text, for showing folder names to an operator."""
    out: list[str] = []
    rest = name
    while rest:
        before, amp, after = rest.partition("&")
        out.append(before)
        if not amp:
            break
        encoded, _, rest = after.partition("-")
        if not encoded:
            out.append("&")
            continue
        data = encoded.replace(",", "/")
        data += "=" * (-len(data) % 4)
        out.append(base64.b64decode(data).decode("utf-16-be", "replace"))
    return "".join(out)


def parse_fetch(lines: Sequence[bytes | bytearray]) -> dict[int, bytes]:
    """UID -> raw message from aioimaplib's FETCH lines; the literal arrives as a bytearray."""
    found: dict[int, bytes] = {}
    header = b""
    body: bytes | None = None

    def finish() -> None:
        match = _UID.search(header)
        if match and body is not None:
            found[int(match.group(1))] = body

    for line in lines:
        if isinstance(line, bytearray):  # the literal: the message itself, untouched
            body = bytes(line) if body is None else body
        elif _FETCH_START.match(line):
            finish()
            header, body = bytes(line), None
        else:  # the rest of the item after the literal, e.g. b")" or b" UID 7)"
            header += bytes(line)
    finish()
    return found


def parse_list(lines: Iterable[bytes]) -> list[str]:
    """Folder names from untagged LIST lines, decoded (literal names are not expected here)."""
    names = []
    for line in lines:
        match = _LIST.match(line)
        if match:
            raw = match.group(2).decode("utf-8", "replace")
            if raw.startswith('"') and raw.endswith('"'):
                raw = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            names.append(decode_mailbox(raw))
    return names
