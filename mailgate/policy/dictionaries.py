"""Phrase lists as policy data: reading dictionary files and matching their patterns safely.

A dictionary is a UTF-8 file under policies/dictionaries/ with one phrase or
regular expression per line; blank lines and lines starting with "#" are
ignored. The security team edits these files, so every pattern is validated at
load (a bad one names its file and line) and every match runs under a timeout:
a pattern that takes too long raises PatternTimeout, which rules turn into a
blocking finding (fail closed) instead of letting the mail through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import regex

from mailgate.policy.findings import Finding, Reason
from mailgate.policy.units import TextUnit
from mailgate.resources import data_dir

# Per match call. Dictionary patterns are short; anything slower than this is a
# catastrophic-backtracking pattern and must not hold up the mail queue.
DEFAULT_TIMEOUT_SECONDS = 0.5


class PatternTimeout(Exception):
    """A dictionary pattern exceeded its time budget on some text."""

    def __init__(self, name: str) -> None:
        super().__init__(f"pattern set {name!r} timed out")
        self.name = name


def load_phrases(path: str | Path) -> list[str]:
    """The phrases of a dictionary file: stripped, without blank lines and # comments."""
    text = Path(path).read_text(encoding="utf-8-sig")  # tolerate a BOM from Windows editors
    phrases = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            phrases.append(stripped)
    return phrases


def default_phrases(filename: str) -> list[str]:
    """A dictionary shipped with the ward's default policy (policies/dictionaries/<filename>)."""
    return load_phrases(data_dir("policies") / "dictionaries" / filename)


def validate_patterns(lines: Iterable[str], *, field: str, ignore_case: bool = True) -> None:
    """Raise ValueError naming the first line that does not compile (used by Config validators)."""
    flags = regex.IGNORECASE if ignore_case else 0
    for number, line in enumerate(lines, start=1):
        try:
            regex.compile(line, flags | regex.V0)
        except regex.error as exc:
            raise ValueError(
                f"{field}: entry {number} ({line!r}) is not a valid pattern: {exc}"
            ) from exc


class PhraseSet:
    """One dictionary compiled as a single alternation (one scan per text, not one per line)."""

    def __init__(
        self,
        lines: Iterable[str],
        *,
        name: str,
        ignore_case: bool = True,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        lines = list(lines)
        validate_patterns(lines, field=name, ignore_case=ignore_case)
        self.name = name
        self.timeout = timeout
        flags = (regex.IGNORECASE if ignore_case else 0) | regex.V0
        # An empty list matches nothing (a policy may switch a category off).
        self._pattern = (
            regex.compile("|".join(f"(?:{line})" for line in lines), flags) if lines else None
        )

    def __bool__(self) -> bool:
        return self._pattern is not None

    def finditer(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> list[regex.Match[str]]:
        if self._pattern is None:
            return []
        end = len(text) if endpos is None else endpos
        try:
            return list(self._pattern.finditer(text, pos, end, timeout=self.timeout))
        except TimeoutError as exc:
            raise PatternTimeout(self.name) from exc

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> regex.Match[str] | None:
        if self._pattern is None:
            return None
        end = len(text) if endpos is None else endpos
        try:
            return self._pattern.search(text, pos, end, timeout=self.timeout)
        except TimeoutError as exc:
            raise PatternTimeout(self.name) from exc


def timeout_finding(rule: str, location: str, error: PatternTimeout) -> Finding:
    """What a rule reports when one of its patterns timed out: the mail is blocked to be safe."""
    return Finding(
        rule=rule,
        reason=Reason.POLICY_ERROR,
        entity_type="PATTERN_TIMEOUT",
        location=location,
        score=1.0,
        explanation_ja=(
            f"ポリシーのパターン（{error.name}）の照合が時間内に終わらなかったため、"
            "安全のため送信を止めました。情報セキュリティ担当に連絡してください。"
        ),
        explanation_en=(
            f"A policy pattern ({error.name}) timed out, so the mail is blocked to be safe. "
            "Contact the information security officer."
        ),
        detail={"pattern_set": error.name},
    )


def scan_units(
    rule: str, units: Iterable[TextUnit], scan: Callable[[TextUnit], list[Finding]]
) -> list[Finding]:
    """Run `scan` on every unit; a unit whose patterns time out yields a blocking finding."""
    findings: list[Finding] = []
    for unit in units:
        try:
            findings.extend(scan(unit))
        except PatternTimeout as error:
            findings.append(timeout_finding(rule, unit.location, error))
    return findings


def in_quote(text: str, start: int) -> bool:
    """Whether the line holding `start` is a quoted line ("> ..."): the resident's own words."""
    line_start = text.rfind("\n", 0, start) + 1
    line = text[line_start : line_start + 8].lstrip(" \t\u3000")
    return line[:1] in (">", "＞", "|", "｜")


# A line this long that ends without sentence punctuation was most likely wrapped by the
# mailer (Japanese mail is often hard-wrapped at 35-40 characters), so phrases may run on.
WRAPPED_LINE_MIN = 20
_LINE_END_PUNCTUATION = "。．.！？!?」』）)：:"
_LINE_START_MARKERS = ("・", "※", "■", "□", "◆", "◇", "●", "○", "-", "*", ">", "＞", "|", "｜")


def unwrap(text: str) -> tuple[str, list[int]]:
    """Join hard-wrapped lines so phrases can match across them.

    Returns the joined text and, for each of its characters (plus one past the
    end), the offset in `text`; callers map spans back with `origin[start]`
    and `origin[end - 1] + 1`. Between two ASCII words the newline becomes a
    space; in Japanese it is dropped.
    """
    lines = text.split("\n")
    joined: list[str] = []
    origin: list[int] = []
    offset = 0
    for index, line in enumerate(lines):
        joined.append(line)
        origin.extend(range(offset, offset + len(line)))
        offset += len(line)
        if index == len(lines) - 1:
            break
        following = lines[index + 1].lstrip(" \t\u3000")
        stripped = line.rstrip(" \t\u3000")
        wrapped = (
            len(stripped) >= WRAPPED_LINE_MIN
            and stripped[-1] not in _LINE_END_PUNCTUATION
            and following != ""
            and not following.startswith(_LINE_START_MARKERS)
            and not line.lstrip(" \t\u3000").startswith((">", "＞", "|", "｜"))
        )
        if not wrapped:
            joined.append("\n")
            origin.append(offset)
        elif stripped[-1].isascii() and following[0].isascii():
            joined.append(" ")
            origin.append(offset)
        offset += 1  # the newline itself
    origin.append(len(text))
    return "".join(joined), origin
