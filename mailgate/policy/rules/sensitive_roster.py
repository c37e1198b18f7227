"""A roster's column of conditions: a table whose header names its people and a condition
("学年,組,児童名,除去する食品"). Each filled cell under the condition discloses that row's
person's sensitive data whatever words it holds ("卵", "乳・小麦"), which no phrase list
of conditions can foresee (policies/dictionaries/sensitive_roster_columns.txt)."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from mailgate.policy.dictionaries import PhraseSet

DELIMITERS = (",", "\t")
# A cell that says there is nothing to say ("なし", "－") discloses nothing.
EMPTY_CELL = regex.compile(
    r"[\s\u3000\"]*(?:なし|無し|無|特になし|該当なし|[-－ー―]|none|n/?a)?[\s\u3000\"]*",
    regex.IGNORECASE,
)
PERSON = "person"


def _cells(line: str, start: int, delimiter: str) -> list[tuple[int, int]]:
    """Each cell's (start, end) in the text; a double-quoted cell may hold the delimiter."""
    cells, cell_start, quoted = [], start, False
    for offset, char in enumerate(line, start):
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            cells.append((cell_start, offset))
            cell_start = offset + 1
    cells.append((cell_start, start + len(line)))
    return cells


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in ' \u3000"\r':
        start += 1
    while end > start and text[end - 1] in ' \u3000"\r':
        end -= 1
    return start, end


class RosterColumns:
    def __init__(self, columns: dict[str, list[str]], *, timeout: float) -> None:
        self.person = PhraseSet(columns.get(PERSON, []), name="roster.person", timeout=timeout)
        self.categories = {
            key: PhraseSet(lines, name=f"roster.{key}", timeout=timeout)
            for key, lines in columns.items()
            if key != PERSON
        }

    def cells(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, category) of every filled cell under a condition column."""
        header: tuple[str, dict[int, str]] | None = None
        offset = 0
        for line in text.split("\n"):
            start, offset = offset, offset + len(line) + 1
            delimiter = next((d for d in DELIMITERS if d in line), None)
            if delimiter is None:
                header = None
                continue
            cells = _cells(line, start, delimiter)
            if header is not None and header[0] == delimiter:
                for column, category in header[1].items():
                    if column < len(cells):
                        cell = _trim(text, *cells[column])
                        if cell[1] > cell[0] and not EMPTY_CELL.fullmatch(text, *cell):
                            yield cell[0], cell[1], category
                continue
            header = self._header(text, cells, delimiter)

    def _header(
        self, text: str, cells: list[tuple[int, int]], delimiter: str
    ) -> tuple[str, dict[int, str]] | None:
        if not self.person:
            return None
        names, conditions = False, {}
        for column, (start, end) in enumerate(cells):
            caption = text[start:end]
            if len(caption.strip()) > 20:
                return None  # a sentence with commas, not a header
            if self.person.search(caption):
                names = True
                continue
            category = next((k for k, p in self.categories.items() if p.search(caption)), None)
            if category is not None:
                conditions[column] = category
        return (delimiter, conditions) if names and conditions else None
