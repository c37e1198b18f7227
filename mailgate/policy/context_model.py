"""A second opinion on personal-data findings, learned from labelled mail.

The role rules (roles.py) decide whose a name or number is from cues written by
hand. Each new office's mail brings cues nobody wrote down (a partner's number
after 「社務所（」, a colleague introduced as 「社協の樽見です」, a word GiNZA took
for a name), and those were most of the false blocks on mail the rules had never
seen. This model looks at the same finding from another side: the characters
around it, its line and its shape, weighed by a logistic regression trained on
labelled corpora (`mailgate policy train`). Where the rules block a contact or
place finding and the model is nearly sure it is not personal data
(probability below `veto_below`), the finding is kept and shown but does not
block. It never makes a finding block, and identifiers are not its business.

The model file is JSON (feature → weight), readable and diffable; scoring is a
dot product here, so running the policy needs no machine-learning package.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mailgate.policy.findings import Finding
from mailgate.policy.role_cues import titled
from mailgate.policy.structure import forwarded_parts

FORMAT = "mailgate-context-model/1"
# The finding types the model learns from: those whose role the rules infer from context.
MODEL_TYPES = ("PERSON", "PHONE_NUMBER", "POSTAL_ADDRESS", "JP_POSTAL_CODE")
# The ones it may unblock. Not addresses: a resident's address block at the end of a mail
# looks like a signature to the model, and an address is the costliest leak.
VETO_TYPES = ("PERSON", "PHONE_NUMBER")
ADDRESS_TYPES = ("POSTAL_ADDRESS", "JP_POSTAL_CODE")
# Characters of context on each side, within the line.
WINDOW = 12
SEPARATOR = re.compile(r"^\s*[-―ー=＝─━_*]{4,}")


class ContextModelError(ValueError):
    """The model file is missing, unreadable or not a model of this format."""


def _char_class(c: str) -> str:
    if "0" <= c <= "9" or "０" <= c <= "９":
        return "D"
    if "ぁ" <= c <= "ゖ":
        return "h"
    if "ァ" <= c <= "ヺ" or c == "ー":
        return "k"
    if "一" <= c <= "鿿" or c in "々〆ヶ":
        return "K"
    if c.isascii() and c.isalpha():
        return "L"
    if c.isspace():
        return "_"
    return c


def shape(value: str) -> str:
    """The value's script pattern with runs collapsed: 山田 太郎 → K+_K+, 090-1234 → D+-D+."""
    classes = "".join(_char_class(c) for c in value)
    return re.sub(r"(.)\1+", r"\1+", classes)


def features(text: str, start: int, end: int, entity_type: str) -> Counter[str]:
    """What the model sees of one finding: context n-grams, line position and value shape.

    Every feature is counted once alone and once with the entity type, so a cue can
    weigh the same for all types or differently for names and numbers.
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end]
    left = text[line_start:start][-WINDOW:]
    right = text[end:line_end][:WINDOW]
    previous = ""
    if line_start > 0:
        previous = text[text.rfind("\n", 0, line_start - 1) + 1 : line_start - 1]
    value = text[start:end]
    lines = text.split("\n")
    index = text.count("\n", 0, start)

    found: Counter[str] = Counter()

    def add(name: str) -> None:
        found[name] += 1
        found[f"{entity_type}|{name}"] += 1

    add("T")
    for n in (1, 2, 3):
        add(f"L{n}={left[-n:]}")
        add(f"R{n}={right[:n]}")
    for i in range(len(left) - 1):
        add("l2=" + left[i : i + 2])
    for i in range(len(right) - 1):
        add("r2=" + right[i : i + 2])
    for i in range(len(previous) - 1):
        found[f"{entity_type}|p2={previous[i : i + 2]}"] += 1
    add("S=" + shape(value))
    add(f"len={min(len(value), 12)}")
    if entity_type == "PHONE_NUMBER":
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value))
        add("pre=" + digits[:3])
        add("pre2=" + digits[:2])
    add(f"pos={min(4, int(5 * index / max(len(lines), 1)))}")
    add(f"fromend={min(len(lines) - 1 - index, 8)}")
    add(f"quote={line.lstrip().startswith('>')}")
    add(f"lineonly={line.strip() == value.strip()}")
    add(f"rep={min(text.count(value), 3)}")
    add(f"sep_above={any(SEPARATOR.match(earlier) for earlier in lines[:index])}")
    return found


@dataclass(frozen=True)
class ContextModel:
    weights: dict[str, float]
    intercept: float
    types: tuple[str, ...]
    trained: dict[str, Any]

    def probability(self, text: str, start: int, end: int, entity_type: str) -> float:
        """How likely the finding is personal data that blocks, by its context alone."""
        found = features(text, start, end, entity_type)
        z = self.intercept + sum(self.weights.get(f, 0.0) * n for f, n in found.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "types": list(self.types),
            "intercept": self.intercept,
            "trained": self.trained,
            "weights": dict(sorted(self.weights.items())),
        }
        return json.dumps(data, ensure_ascii=False, indent=0)


def read_model_file(
    path: str | Path, fmt: str, what: str, error: type[ValueError]
) -> dict[str, Any]:
    """The JSON of a model file in format `fmt`, or `error` naming the file and the problem."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise error(f"{what} {path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise error(f"{what} {path} is not in the format {fmt}")
    return data


def load_model(path: str | Path) -> ContextModel:
    data = read_model_file(path, FORMAT, "context model", ContextModelError)
    try:
        model = ContextModel(
            weights={str(k): float(v) for k, v in data["weights"].items()},
            intercept=float(data["intercept"]),
            types=tuple(data["types"]),
            trained=dict(data.get("trained", {})),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ContextModelError(f"context model {path} is incomplete: {exc}") from exc
    unknown = set(model.types) - set(MODEL_TYPES)
    if unknown:
        raise ContextModelError(f"context model {path} names unknown types {sorted(unknown)}")
    return model


# A person on the line of a number: "Mendoza さん 070-…" (皆様 is everyone, no one).
# An honorific, or a person described (「ご親戚の方には、…携帯電話（080-…）へ」), or a
# relative's own phone (「変更の連絡は妻の携帯（080-…）にお願いします」).
PERSON_ON_LINE = re.compile(
    r"(?<!皆)(?:様|さま|さん|くん|ちゃん|氏)|(?:った|いる|した|親戚|親族|家族|知人|友人|近所|関係者|相手)の?方(?:の|は|が|に|へ|から)"
    r"|(?:妻|夫|主人|家内|嫁|婿|母|父|祖母|祖父|息子|娘|兄|姉|弟|妹|家族|親戚|知人|友人)の"
    r"(?:携帯|電話|自宅|連絡先)"
)
PARAGRAPH_BREAK = re.compile(r"\n[ \t\u3000]*\n")


def second_opinion(
    findings: list[Finding], text: str, model: ContextModel, veto_below: float
) -> list[Finding]:
    """The body findings the rules block but the model is nearly sure are not personal data
    stay in the list (the author sees them) without a reason.

    Only names and phone numbers, and these cases stay with the rules: a name with an
    honorific (様, さん … after it, Mr./Ms. … before it); a number on a line where the rules block a name or someone is named with an
    honorific (a roster row, "大宅さん 052-…"); anything in a paragraph where the rules block
    an address or postal code (a person's contact record is not split).
    """
    blocked = [f for f in findings if f.blocking and f.location == "body" and f.start is not None]
    person_lines = {_line(text, f) for f in blocked if f.entity_type == "PERSON"}
    address_paragraphs = {_paragraph(text, f) for f in blocked if f.entity_type in ADDRESS_TYPES}
    forwards = forwarded_parts(text)
    settled = []
    for f in findings:
        if (
            f.blocking
            and f.location == "body"
            and f.entity_type in VETO_TYPES
            and f.entity_type in model.types
            and f.start is not None
            and f.end is not None
            and _paragraph(text, f) not in address_paragraphs
            and not _rules_decide(f, text, person_lines, forwards)
        ):
            p = model.probability(text, f.start, f.end, f.entity_type)
            if p < veto_below:
                f = _allowed(f, p)
        settled.append(f)
    return settled


def _line(text: str, f: Finding) -> int:
    return text.count("\n", 0, f.start)


def _paragraph(text: str, f: Finding) -> int:
    # Paragraphs are separated by a blank line; the number of blank-line breaks before it.
    return len(PARAGRAPH_BREAK.findall(text, 0, f.start or 0))


def _rules_decide(
    f: Finding, text: str, person_lines: set[int], forwards: list[tuple[int, int]]
) -> bool:
    assert f.start is not None and f.end is not None
    if any(a <= f.start < b for a, b in forwards):
        # Someone else's mail forwarded in ours: the model saw few, and read their names and
        # numbers as the resident's own words quoted back.
        return True
    if f.entity_type == "PERSON":
        # A titled name is certainly a person; whether the addressee or someone else is the
        # rules' question (they know the salutation), and the model, which mostly saw
        # honorifics on addressees, must not answer it.
        return titled(text, f.start, f.end)
    line_start = text.rfind("\n", 0, f.start) + 1
    line_end = text.find("\n", f.end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return _line(text, f) in person_lines or bool(PERSON_ON_LINE.search(line))


def _allowed(f: Finding, p: float) -> Finding:
    value = f.text.replace("\n", " ")
    return replace(
        f,
        reason=None,
        explanation_ja=(
            f"「{value}」は、前後の書き方（署名、案内先、職員や施設の紹介など）から、"
            f"個人の情報ではなく公開の連絡先や職務上の情報と判断しました（学習モデル、確率 {p:.2f}）。"
            "個人の情報であれば削除してください。"
        ),
        explanation_en=(
            f"“{value}” reads, from its context (a signature, a contact to refer to, "
            "a colleague or facility introduced), as public or official data rather than "
            f"personal data (learned model, probability {p:.2f}): allowed. "
            "Remove it if it is someone's personal data."
        ),
        detail={**f.detail, "context_probability": round(p, 3)},
    )
