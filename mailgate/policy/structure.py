"""Where the parts of a Japanese (or English) administrative mail are: salutation, quotes, signature.

Roles depend on position: a name in the salutation is the recipient's, names
and numbers in the signature block are the department's, and quoted lines
(">") are the resident's own words, not ours.

The salutation is the addressee line at the top ("山田 太郎 様", "Dear Ms
Clark,"), together with an organisation line just above it ("有限会社経堂屋").
The signature starts at the last rule line ("-----", "＝＝＝", "--") in the
lower part of the mail; without a rule line, a final paragraph that reads like
a department's contact block (課, 担当, TEL, 〒 …) is the signature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

QUOTE = re.compile(r"^[ \t\u3000]*[>＞|｜]", re.MULTILINE)
# A line made of repeated rule characters opens the signature block.
SEPARATOR = re.compile(r"^[ \t\u3000]*([-―─━＝=_＿~～*＊・.。]{2,}|--)\s*$")
HONORIFIC_END = re.compile(r"(様|さま|さん|殿|御中|各位|先生)[ \t\u3000]*[、,:：]?[ \t\u3000]*$")
ENGLISH_SALUTATION = re.compile(r"^\s*(Dear|Hello|Hi|To)\b[^\n]*$", re.IGNORECASE)
# The addressee's name: what precedes the honorific, or follows "Dear (Mr./Ms.)".
SALUTATION_NAME = re.compile(
    r"^[ \t\u3000]*(?:(?:Dear|Hello|Hi|To)[ \t]+(?:(?:Mr|Ms|Mrs|Miss|Mx|Dr)\.?/?)*[ \t]*)?"
    r"(?P<name>.+?)[ \t\u3000]*(?:様|さま|さん|殿|御中|各位|先生|,|:|$)",
    re.IGNORECASE,
)
# A department's contact block (used when there is no rule line) names the unit and a way to
# reach it, in short lines, and addresses no one.
SIGNATURE_UNIT = re.compile(r"(課|係|部|室|区役所|支所|出張所|センター|Division|Section|Office)")
SIGNATURE_CONTACT = re.compile(r"(TEL|Tel|FAX|Fax|電話|〒|E-?mail|メール)")
NOT_SIGNATURE = re.compile(r"(様|さん|です|ます|。)")
MAX_SALUTATION_LINES = 2
MAX_SIGNATURE_LINES = 10


@dataclass
class Structure:
    salutation: tuple[int, int] | None = None  # offsets of the salutation line(s)
    signature: tuple[int, int] | None = None  # from the separator to the end
    quoted: list[tuple[int, int]] = field(default_factory=list)  # quoted lines
    salutation_name: str = ""  # the addressee's name as written, without the honorific

    def in_salutation(self, start: int, end: int) -> bool:
        return (
            self.salutation is not None
            and self.salutation[0] <= start
            and end <= self.salutation[1]
        )

    def in_signature(self, start: int, end: int) -> bool:
        return self.signature is not None and self.signature[0] <= start

    def in_quote(self, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.quoted)


def _lines(text: str) -> list[tuple[int, int, str]]:
    lines, offset = [], 0
    for line in text.split("\n"):
        lines.append((offset, offset + len(line), line))
        offset += len(line) + 1
    return lines


def _salutation(lines: list[tuple[int, int, str]]) -> tuple[tuple[int, int], str] | None:
    content = [line for line in lines[:6] if line[2].strip()][:3]
    for index, (a, b, line) in enumerate(content):
        if HONORIFIC_END.search(line) or ENGLISH_SALUTATION.match(line):
            # An organisation or committee line directly above belongs to the address.
            first = content[max(0, index - MAX_SALUTATION_LINES + 1)][0] if index else a
            match = SALUTATION_NAME.match(line)
            name = match.group("name").strip(" \t\u3000") if match else ""
            return (first, b), name
    return None


def _signature(body: str, lines: list[tuple[int, int, str]]) -> tuple[int, int] | None:
    first_content = next((a for a, _b, line in lines if line.strip()), 0)
    for a, b, line in reversed(lines):
        after = body[b:].strip()
        # A closing rule line (the block is framed: ＝＝＝ … ＝＝＝) has nothing after it; a
        # rule line at the top of a long text (a newsletter's title frame) opens no signature.
        short = after.count("\n") < MAX_SIGNATURE_LINES or a > len(body) // 3
        if SEPARATOR.match(line) and a > first_content and after and short:
            return a, len(body)
    # No rule line: a last paragraph of contact lines.
    paragraph: list[tuple[int, int, str]] = []
    for entry in reversed(lines):
        if not entry[2].strip():
            if paragraph:
                break
            continue
        paragraph.insert(0, entry)
    block = "\n".join(line for _a, _b, line in paragraph)
    if (
        paragraph
        and len(paragraph) <= MAX_SIGNATURE_LINES
        and paragraph[0][0] > len(body) // 3
        and all(len(line.strip()) <= 60 for _a, _b, line in paragraph)
        and SIGNATURE_UNIT.search(block)
        and SIGNATURE_CONTACT.search(block)
        and not NOT_SIGNATURE.search(block)
    ):
        return paragraph[0][0], len(body)
    return None


def analyse(body: str) -> Structure:
    lines = _lines(body)
    structure = Structure(quoted=[(a, b) for a, b, line in lines if QUOTE.match(line)])
    salutation = _salutation(lines)
    if salutation:
        structure.salutation, structure.salutation_name = salutation
    structure.signature = _signature(body, lines)
    return structure
