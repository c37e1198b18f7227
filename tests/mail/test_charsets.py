"""decode_text: declared charsets mapped to supersets, guessing, and warnings for every guess."""

from __future__ import annotations

import random

import pytest

from mailgate.mail.charsets import decode_text

WINDOWS_JIS = b"\x1b$B" + bytes((0x2D, 0x21, 0x2D, 0x6A)) + b"\x1b(B"  # ①㈱ as Outlook writes them


@pytest.mark.parametrize(
    ("data", "declared", "text", "warning"),
    [
        # Shift_JIS family: always CP932, so NEC/IBM extensions and ～ decode.
        ("①㈱～髙".encode("cp932"), "Shift_JIS", "①㈱～髙", None),
        ("①㈱～".encode("cp932"), "sjis", "①㈱～", None),
        ("①㈱～".encode("cp932"), "x-sjis", "①㈱～", None),
        ("①㈱～".encode("cp932"), "MS_Kanji", "①㈱～", None),
        ("①㈱～".encode("cp932"), "windows-31j", "①㈱～", None),
        ("①㈱～".encode("cp932"), '"shift_jis"', "①㈱～", None),
        # ISO-2022-JP family: plain, JIS X 0212, half-width kana, and the Windows extensions.
        ("住民票の写し".encode("iso2022_jp"), "ISO-2022-JP", "住民票の写し", None),
        ("丂".encode("iso2022_jp_2"), "iso-2022-jp", "丂", None),
        ("ﾊﾝｶｸ".encode("iso2022_jp_ext"), "iso-2022-jp", "ﾊﾝｶｸ", None),
        (WINDOWS_JIS, "iso-2022-jp", "①㈱", None),
        # EUC-JP, with the JIS X 0213 superset for characters plain EUC-JP lacks.
        ("ごみの収集日".encode("euc_jp"), "EUC-JP", "ごみの収集日", None),
        ("剝𠀋".encode("euc_jis_2004"), "euc-jp", "剝𠀋", None),
        ("こんにちは😀".encode(), "UTF8", "こんにちは😀", None),
        (b"\x93quoted\x94", "iso-8859-1", "\u201cquoted\u201d", None),
        ("简体".encode("gb18030"), "gb2312", "简体", None),
        # Wrong, unknown or missing labels: guessed, with a warning naming the guess.
        ("市民".encode(), "us-ascii", "市民", "charset-fallback: us-ascii -> utf-8"),
        (
            "児童手当".encode("cp932"),
            "x-unknown-jp",
            "児童手当",
            "charset-fallback: x-unknown-jp -> cp932",
        ),
        ("納付".encode("cp932"), "iso-2022-jp", "納付", "charset-fallback: iso-2022-jp -> cp932"),
        (
            "あいうえお市民課".encode("euc_jp"),
            None,
            "あいうえお市民課",
            "charset-fallback: none -> euc_jp",
        ),
        ("ｱｲｳ半角".encode("cp932"), None, "ｱｲｳ半角", "charset-fallback: none -> cp932"),
        ("道路".encode("iso2022_jp"), None, "道路", "charset-fallback: none -> iso2022_jp"),
        (b"caf\xe9", None, "café", "charset-fallback: none -> latin-1"),
        (b"\x1b$B\x81", None, "\x1b$B\ufffd", "charset-replaced: none -> utf-8"),
        # Plain ASCII needs no charset, and codecs that are not charsets are never applied.
        (b"plain", None, "plain", None),
        (b"plain", "no-such-charset", "plain", None),
        (b"\\u3042", "unicode_escape", "\\u3042", None),
        (b"44GC", "base64", "44GC", None),
        (b"", None, "", None),
        (b"+MEIwRA-", "utf-7", "\u3042\u3044", None),
        (b"+2AA-", "utf-7", "+2AA-", "charset-fallback: utf-7 -> utf-8"),  # lone surrogate
        ("市".encode(), "bad\r\nname", "市", "charset-fallback: bad??name -> utf-8"),
    ],
)
def test_decode_text(data: bytes, declared: str | None, text: str, warning: str | None) -> None:
    assert decode_text(data, declared) == (text, warning)


def test_decode_text_never_raises() -> None:
    rng = random.Random(3)
    names = [None, "", "utf-8", "shift_jis", "iso-2022-jp", "euc-jp", "x-bogus", "utf-16", "\x00"]
    for _ in range(500):
        data = rng.randbytes(rng.randint(0, 64))
        if rng.random() < 0.3:
            data = b"\x1b$B" + data
        text, _ = decode_text(data, rng.choice(names))
        assert isinstance(text, str)
