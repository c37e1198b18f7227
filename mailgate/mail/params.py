"""Parse MIME header parameters (Content-Type, Content-Disposition), including RFC 2231.

The value must already have had raw 8-bit bytes decoded (headers.decode_raw): a Shift_JIS
filename sent raw contains 0x5C ("\\") as the second byte of characters such as 表 and ソ, which
would otherwise be read as a quoting backslash.
"""

from __future__ import annotations

import re
from email.message import Message
from urllib.parse import unquote_to_bytes

from mailgate.mail.charsets import decode_text
from mailgate.mail.headers import decode_raw, decode_words, unfold

_SECTION = re.compile(r"^(?P<base>[^*]+)(?:\*(?P<index>\d+))?(?P<extended>\*)?$")


def split_header(value: str) -> tuple[str, list[tuple[str, str]]]:
    """Split 'main; a=1; b="x;y"' into ('main', [('a', '1'), ('b', 'x;y')]), quotes removed."""
    pieces: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    main = pieces[0].strip().lower()
    params: list[tuple[str, str]] = []
    for piece in pieces[1:]:
        name, sep, raw = piece.partition("=")
        if sep and name.strip():
            params.append((name.strip().lower(), _unquote(raw.strip())))
    return main, params


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        # Only \" and \\ are unescaped: MUAs write Windows paths (C:\x\y.txt) with bare backslashes.
        return raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return raw.strip('"')


def get_param(params: list[tuple[str, str]], wanted: str, warnings: list[str]) -> str | None:
    """The decoded value of one parameter, joining RFC 2231 sections; None if absent.

    Plain values may hold RFC 2047 encoded words (name="=?ISO-2022-JP?B?...?="), which is
    non-standard but what many Japanese mailers send, so they are decoded too.
    """
    sections: list[tuple[int, bool, str]] = []
    plain: str | None = None
    for name, value in params:
        match = _SECTION.match(name)
        if match is None or match.group("base") != wanted:
            continue
        if match.group("index") is None and match.group("extended") is None:
            plain = value if plain is None else plain
            continue
        index = int(match.group("index") or 0)
        sections.append((index, match.group("extended") is not None, value))
    if sections:
        return _join_sections(sorted(sections, key=lambda s: s[0]), warnings)
    if plain is None:
        return None
    return decode_words(plain, warnings)


def _join_sections(sections: list[tuple[int, bool, str]], warnings: list[str]) -> str:
    charset: str | None = None
    data = bytearray()
    for position, (_, extended, value) in enumerate(sections):
        if not extended:
            data += value.encode("utf-8", "replace")
            continue
        if position == 0 and value.count("'") >= 2:
            charset, _, value = value.split("'", 2)
        data += unquote_to_bytes(value)
    text, warning = decode_text(bytes(data), charset or None)
    if warning:
        warnings.append(warning)
    if not charset and "=?" in text:
        text = decode_words(text, warnings)
    return text


def raw_header(part: Message, name: str) -> str | None:
    """The first raw (compat32) value of a header, or None.

    raw_items() is used because Message.get() turns 8-bit values into Header objects.
    """
    wanted = name.lower()
    for key, value in part.raw_items():
        if key.lower() == wanted:
            return value if isinstance(value, str) else str(value)
    return None


def header_params(
    part: Message, name: str, warnings: list[str]
) -> tuple[str, list[tuple[str, str]]]:
    """The main value and parameters of a header such as Content-Disposition; ("", []) if absent."""
    value = raw_header(part, name)
    if value is None:
        return "", []
    return split_header(decode_raw(unfold(value), warnings))
