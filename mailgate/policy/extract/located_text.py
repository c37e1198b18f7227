"""Extracted text with the location of each piece ("line 3", "row 2, column B", "page 1")."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass
class Extracted:
    text: str
    marks: list[tuple[int, str]] = field(default_factory=list)  # (offset, label), ascending

    def locate(self, offset: int) -> str:
        index = bisect.bisect_right([m[0] for m in self.marks], offset) - 1
        return self.marks[index][1] if index >= 0 else ""


class TextBuilder:
    """Appends pieces of text and remembers where each labelled piece starts."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.marks: list[tuple[int, str]] = []
        self.size = 0

    def add(self, text: str, label: str, end: str = "\n") -> None:
        self.marks.append((self.size, label))
        self.parts.append(text + end)
        self.size += len(text) + len(end)

    def done(self) -> Extracted:
        return Extracted("".join(self.parts), self.marks)


def column_name(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (spreadsheet column names, as staff know them)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def text_marks(text: str) -> Extracted:
    marks, offset = [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        marks.append((offset, f"line {number}"))
        offset += len(line) + 1
    return Extracted(text, marks)


def csv_marks(text: str, delimiter: str = ",") -> Extracted:
    """Row/column of every cell, found by walking the text (csv.reader gives no offsets)."""
    marks: list[tuple[int, str]] = []
    row, col, quoted, cell_start = 1, 0, False, True
    for offset, char in enumerate(text):
        if cell_start:
            marks.append((offset, f"row {row}, column {column_name(col)}"))
            cell_start = False
        if char == '"':
            quoted = not quoted
        elif not quoted and char == delimiter:
            col, cell_start = col + 1, True
        elif not quoted and char == "\n":
            row, col, cell_start = row + 1, 0, True
    return Extracted(text, marks)
