"""Decode header values to clean str: RFC 2047 encoded words, raw 8-bit bytes, raw ISO-2022-JP.

The compat32 parser hands header values over as str in which 8-bit bytes are surrogate escapes;
everything else (encoded words, charsets, unfolding) is done here, because the default policy's
header objects are several times slower and give up on the broken forms Japanese mail contains.
"""

from __future__ import annotations

import binascii
import re

from mailgate.mail.charsets import decode_text

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_SURROGATE = re.compile("[\udc80-\udcff]")
_JIS_ESCAPE = re.compile("\x1b[$(][@BDJ]")
# CR/LF and other controls in a decoded value would let an encoded word smuggle in header lines
# if the value is ever written back into a reply; tabs and line breaks become spaces.
_BREAKS = re.compile(r"[\t\r\n\x0b\x0c]+")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_B64_JUNK = re.compile(r"[^A-Za-z0-9+/]")


def unfold(value: str) -> str:
    """Join folded header lines (CRLF or LF followed by whitespace) and trim the ends."""
    return _FOLD.sub("", value).strip()


def decode_raw(value: str, warnings: list[str]) -> str:
    """Turn raw 8-bit bytes and raw ISO-2022-JP escapes in a header value into text.

    Encoded words pass through untouched: they are ASCII, which every guessed charset keeps.
    """
    has_8bit = _SURROGATE.search(value) is not None
    if not has_8bit and _JIS_ESCAPE.search(value) is None:
        return value
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value
    if has_8bit:
        warnings.append("raw-8bit-header")
    text, warning = decode_text(data, None)
    if warning:
        warnings.append(warning)
    return text


def decode_words(value: str, warnings: list[str]) -> str:
    """Decode RFC 2047 encoded words; adjacent words in one charset are decoded as one byte string.

    Joining the bytes first repairs the common case of a multibyte character (or an ISO-2022-JP
    escape sequence) split across two words. Whitespace between adjacent words is dropped.
    """
    if "=?" not in value:
        return value
    out: list[str] = []
    pending: list[bytes] = []
    pending_charset = ""
    pos = 0

    def flush() -> None:
        if pending:
            text, warning = decode_text(b"".join(pending), pending_charset)
            out.append(text)
            if warning:
                warnings.append(warning)
            pending.clear()

    for match in _ENCODED_WORD.finditer(value):
        between = value[pos : match.start()]
        if between and (not pending or between.strip()):
            flush()
            out.append(between)
        charset = match.group(1).split("*", 1)[0].lower()  # RFC 2231 language suffix
        if charset != pending_charset:
            flush()
            pending_charset = charset
        pending.append(_word_bytes(match.group(2), match.group(3), warnings))
        pos = match.end()
    flush()
    out.append(value[pos:])
    return "".join(out)


def _word_bytes(encoding: str, encoded: str, warnings: list[str]) -> bytes:
    if encoding in "qQ":
        return binascii.a2b_qp(encoded.encode("ascii", "replace"), header=True)
    cleaned = _B64_JUNK.sub("", encoded.split("=", 1)[0])
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
    padded = cleaned + "=" * (-len(cleaned) % 4)
    if padded != encoded:
        warnings.append("bad-encoded-word")
    try:
        return binascii.a2b_base64(padded.encode("ascii"))
    except (binascii.Error, ValueError):
        warnings.append("bad-encoded-word")
        return b""


def clean(value: str, warnings: list[str]) -> str:
    """Remove control characters from a decoded value; NUL bytes are reported."""
    if "\x00" in value:
        warnings.append("nul-bytes-removed")
    return _CONTROLS.sub("", _BREAKS.sub(" ", value))


def decode_header_value(value: str, warnings: list[str]) -> str:
    """Fully decode one header value as compat32 stores it, appending any warnings."""
    return clean(decode_words(decode_raw(unfold(value), warnings), warnings), warnings)
