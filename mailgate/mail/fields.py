"""Interpret the structured headers of an inbound message: addresses, message ids and the date."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime

from mailgate.mail.headers import clean, decode_raw, decode_words, unfold

_MSG_ID = re.compile(r"<([^<>]*)>")
_SPACE = re.compile(r"\s+")


def parse_addresses(values: list[str], warnings: list[str]) -> list[tuple[str, str]]:
    """(display name, lower-cased addr-spec) for every address in the raw header values.

    Raw 8-bit text is decoded before splitting (a raw Shift_JIS name can contain '\\' or '"'),
    but encoded words only after: a decoded display name may contain a comma.
    """
    if not values:
        return []
    prepared = [decode_raw(unfold(value), warnings) for value in values]
    found: list[tuple[str, str]] = []
    for name, addr in getaddresses(prepared):
        addr = _SPACE.sub("", clean(addr, warnings)).lower()
        if "@" not in addr:
            continue
        found.append((clean(decode_words(name, warnings), warnings).strip(), addr))
    return found


def first_msg_id(value: str) -> str:
    """The first "<id>" in a header value, whitespace removed; a bare id is wrapped in <>."""
    ids = msg_ids(value)
    return ids[0] if ids else ""


def msg_ids(value: str) -> list[str]:
    """Every "<id>" in a header value, in order.

    Some mailers omit the angle brackets; such ids are wrapped so they match the bracketed form
    other messages use when they refer to them.
    """
    found = [f"<{_SPACE.sub('', inner)}>" for inner in _MSG_ID.findall(value)]
    found = [msg_id for msg_id in found if msg_id != "<>"]
    if found or "<" in value:
        return found
    return [f"<{token}>" for token in value.split() if "@" in token]


def parse_date(value: str | None, warnings: list[str]) -> datetime | None:
    """The Date header as timezone-aware UTC; None with a warning if missing or unparseable."""
    if value is None or not value.strip():
        warnings.append("date-missing")
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed = None
    if parsed is None:
        warnings.append("date-unparseable")
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        warnings.append("date-unparseable")
        return None
