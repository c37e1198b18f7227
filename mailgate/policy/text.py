"""Normalisation that keeps offsets: every character maps to exactly one character.

Matching runs on the normalised text and reports offsets that are valid in the
original, because the two strings have the same length. Full-width ASCII
becomes ASCII, the many hyphens, dashes and minus signs become "-", the
ideographic space becomes " ", full-width parentheses become ASCII ones, and the name
kanji 﨑 and 𠮷 become 崎 and 吉.
Characters that NFKC would expand (①, ㈱) are left as they are.
"""

from __future__ import annotations

import functools
import re

# Dash-like characters seen in Japanese mail: hyphen, non-breaking hyphen, figure
# dash, en/em dash, horizontal bar, minus, full-width hyphen-minus, small hyphen,
# box-drawing lines.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\ufe63\u2500\u2501"
# The prolonged sound mark is a vowel in katakana words (センター); it is a dash
# only between digits (090ー1955ー3091).
LONG_VOWEL = re.compile(r"(?<=[0-9])[\u30fc\uff70](?=[0-9])")


@functools.cache
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table[code] = chr(code - 0xFEE0)
    for char in DASHES:
        table[ord(char)] = "-"
    table[0x3000] = " "  # ideographic space
    table[0x00A0] = " "
    # Name kanji written with a character outside the main ideograph block (山﨑, 𠮷田): the
    # common form, so name patterns read them.
    table[0xFA11] = "崎"
    table[0x20BB7] = "吉"
    return table


def normalise(text: str) -> str:
    """Same length as `text`; offsets carry over unchanged."""
    normalised = LONG_VOWEL.sub("-", text.translate(_table()))
    assert len(normalised) == len(text)
    return normalised
