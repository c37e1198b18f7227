"""Decode bytes from Japanese and other charsets robustly, never raising.

Real Japanese mail declares charsets loosely: "Shift_JIS" text carries Windows (CP932) characters
such as ①, ㈱ and ～; "ISO-2022-JP" carries JIS X 0212/0213 extensions; and some senders declare
nothing, or a name no codec knows. Each declared name is therefore mapped to a chain of superset
codecs, and anything that still fails goes through a guessing chain. Every guess or replacement is
reported as a warning so staff can tell that the text may not be what the sender typed.
"""

from __future__ import annotations

import codecs
import re

# Declared name (lower-case) -> codecs tried in order; the first that decodes strictly wins.
_FAMILIES: dict[str, tuple[str, ...]] = {}
for _names, _chain in (
    (
        (
            "shift_jis",
            "shift-jis",
            "sjis",
            "x-sjis",
            "s-jis",
            "ms_kanji",
            "ms-kanji",
            "csshiftjis",
            "windows-31j",
            "cp932",
            "ms932",
            "x-ms-cp932",
            "ibm-943",
        ),
        ("cp932", "shift_jis_2004"),
    ),
    (
        ("shift_jisx0213", "shift_jis_2004", "shift_jis-2004"),
        ("shift_jis_2004", "cp932"),
    ),
    (
        (
            "iso-2022-jp",
            "iso2022-jp",
            "iso2022_jp",
            "csiso2022jp",
            "iso-2022-jp-1",
            "iso-2022-jp-2",
            "iso-2022-jp-3",
            "iso-2022-jp-2004",
            "iso-2022-jp-ms",
            "cp50220",
            "cp50221",
            "cp50222",
            "jis",
            "x-jis",
        ),
        ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_3", "iso2022_jp_2004"),
    ),
    (
        (
            "euc-jp",
            "euc_jp",
            "eucjp",
            "x-euc-jp",
            "x-euc",
            "cseucpkdfmtjapanese",
            "eucjp-ms",
            "euc-jis-2004",
            "euc-jisx0213",
            "cp51932",
        ),
        ("euc_jp", "euc_jis_2004"),
    ),
    (("utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8"), ("utf-8",)),
    (("us-ascii", "ascii", "ansi_x3.4-1968", "646"), ("ascii",)),
    # Supersets that mail clients use when they say the narrower name.
    (("gb2312", "gbk", "euc-cn", "x-gbk", "cp936"), ("gb18030",)),
    (("euc-kr", "ks_c_5601-1987", "ks_c_5601", "cp949"), ("cp949",)),
    (("big5", "x-big5", "big5-hkscs"), ("big5hkscs",)),
    (("iso-8859-1", "latin1", "latin-1", "l1"), ("cp1252", "latin-1")),
):
    for _name in _names:
        _FAMILIES[_name] = _chain

# Python codecs that are not charsets a sender can legitimately declare: they would interpret
# escape sequences or punycode in the body instead of decoding text.
_NOT_CHARSETS = {"unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined"}

_UNSAFE_LABEL = re.compile(r"[^\w.:+-]")
_HALFWIDTH_KANA = range(0xFF61, 0xFFA0)


def decode_text(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """Decode data as declared (via superset codecs) or by guessing; return (text, warning)."""
    label = _clean_name(declared)
    chain = _chain_for(label) if label else ()
    for codec in chain:
        text = _try(data, codec, verify=label not in _FAMILIES)
        if text is not None:
            return text, None
    if chain == _FAMILIES["iso-2022-jp"]:
        text = jis_as_cp932(data)
        if text is not None:
            return text, None
    if not chain and b"\x1b" not in data and _try(data, "ascii") is not None:
        # Plain 7-bit text needs no charset, whatever name (or none) was declared.
        return data.decode("ascii"), None
    text, used = guess(data)
    shown = _UNSAFE_LABEL.sub("?", label[:40]) or "none"  # the label comes from the sender
    if used is None:
        return text, f"charset-replaced: {shown} -> utf-8"
    return text, f"charset-fallback: {shown} -> {used}"


def guess(data: bytes) -> tuple[str, str | None]:
    """Guess the charset of undeclared bytes; return (text, codec), codec None if replaced."""
    has_escape = b"\x1b$" in data or b"\x1b(" in data
    if has_escape:
        # 7-bit ISO-2022-JP is also valid UTF-8 (as ASCII garbage), so it must be tried first.
        for codec in _FAMILIES["iso-2022-jp"]:
            text = _try(data, codec)
            if text is not None:
                return text, codec
    text = _try(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    japanese = _best_japanese(data)
    if japanese is not None:
        return japanese
    if not has_escape:
        return data.decode("latin-1"), "latin-1"
    return data.decode("utf-8", errors="replace"), None


def _best_japanese(data: bytes) -> tuple[str, str] | None:
    """Decode as CP932 or EUC-JP; when both succeed, prefer the one with fewer half-width kana.

    EUC-JP hiragana and kanji bytes are often valid CP932 half-width katakana, which real mail
    hardly ever contains, so a CP932 reading full of them is almost surely EUC-JP.
    """
    sjis = _try(data, "cp932")
    euc = _try(data, "euc_jp")
    if sjis is not None and euc is not None:
        return (euc, "euc_jp") if _kana_count(euc) < _kana_count(sjis) else (sjis, "cp932")
    if sjis is not None:
        return sjis, "cp932"
    if euc is not None:
        return euc, "euc_jp"
    return None


def _kana_count(text: str) -> int:
    return sum(1 for ch in text if ord(ch) in _HALFWIDTH_KANA)


def _clean_name(declared: str | None) -> str:
    if not declared:
        return ""
    return declared.strip().strip("\"'").strip().lower()


def _chain_for(label: str) -> tuple[str, ...]:
    """Codecs to try for a declared name; () when the name is unknown or not a text charset."""
    if label in _FAMILIES:
        return _FAMILIES[label]
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError, TypeError):
        return ()
    if info.name.replace("-", "_") in _NOT_CHARSETS or not getattr(info, "_is_text_encoding", True):
        return ()
    return (info.name,)


def jis_as_cp932(data: bytes) -> str | None:
    """Decode ISO-2022-JP the way Windows writes it (CP50220/CP50221), or None.

    Outlook puts NEC and IBM extension characters (①, ㈱, Ⅲ) in the ESC $ B set, which no
    Python iso2022 codec accepts; mapping JIS rows to Shift_JIS arithmetically and decoding as
    CP932 reads them as the sender meant. ESC ( I half-width katakana is handled too.
    """
    out = bytearray()
    mode = b"B"  # B: ASCII/Roman, K: two-byte kanji, I: half-width katakana
    i, size = 0, len(data)
    while i < size:
        if data[i] == 0x1B:
            seq = data[i + 1 : i + 3]
            if seq in (b"$B", b"$@"):
                mode = b"K"
            elif seq in (b"(B", b"(J", b"(H"):
                mode = b"B"
            elif seq == b"(I":
                mode = b"I"
            else:
                return None
            i += 3
            continue
        byte = data[i]
        if byte >= 0x80:
            return None
        if mode == b"K" and 0x21 <= byte <= 0x7E and i + 1 < size:
            out += _jis_pair_to_sjis(byte, data[i + 1])
            i += 2
            continue
        out.append(byte + 0x80 if mode == b"I" and 0x21 <= byte <= 0x5F else byte)
        i += 1
    return _try(bytes(out), "cp932")


def _jis_pair_to_sjis(j1: int, j2: int) -> bytes:
    # Two JIS rows share one Shift_JIS lead byte: odd rows take trail bytes 0x40-0x9E (skipping
    # 0x7F), even rows 0x9F-0xFC.
    s1 = (j1 + 1) // 2 + (0x70 if j1 <= 0x5E else 0xB0)
    s2 = j2 + (0x20 if j2 >= 0x60 else 0x1F) if j1 % 2 else j2 + 0x7E
    return bytes((s1, s2 & 0xFF))


def _try(data: bytes, codec: str, verify: bool = False) -> str | None:
    try:
        text = data.decode(codec)
        if verify:
            # Rarer codecs (UTF-7) can yield lone surrogates, which databases and UTF-8 reject.
            text.encode("utf-8")
        return text
    except (UnicodeError, LookupError, ValueError, TypeError):
        return None
