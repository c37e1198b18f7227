"""Findings shown in place: a text plus the policy's findings as safe HTML with <mark>s.

Every segment of the text goes through markupsafe.escape, and so does every
attribute value, so the result may be rendered with |safe even though the text
is a draft written by a user (or quotes a resident's mail). Offsets are into
the ORIGINAL text the policy checked; a finding whose offsets no longer fit the
text (it was edited since) is listed but not marked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape


@dataclass
class ShownFinding:
    """A finding as the pages show it: numbered, with the explanation in the UI language."""

    number: int
    rule: str
    reason: str | None
    entity_type: str
    location: str
    start: int | None
    end: int | None
    text: str
    explanation: str
    blocking: bool
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return f"finding-{self.number}"

    @property
    def attachment(self) -> str:
        return self.location.partition(":")[2] if self.location.startswith("attachment:") else ""


def _get(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def shown_findings(
    findings: Iterable[Any], lang: str = "ja", *, blocking: bool | None = True
) -> list[ShownFinding]:
    """Number findings (Finding objects or Verdict.to_dict() dicts) 1, 2, ... in report order.

    blocking=True keeps only the findings that block, False only the others, None all.
    """
    shown: list[ShownFinding] = []
    for item in findings:
        reason = _get(item, "reason")
        reason_value = getattr(reason, "value", reason)
        is_blocking = bool(_get(item, "blocking", reason_value is not None))
        if blocking is not None and is_blocking != blocking:
            continue
        explanation_ja = str(_get(item, "explanation_ja", "") or "")
        explanation_en = str(_get(item, "explanation_en", "") or "")
        explanation = (
            explanation_en or explanation_ja if lang == "en" else explanation_ja or explanation_en
        )
        start, end = _get(item, "start"), _get(item, "end")
        shown.append(
            ShownFinding(
                number=len(shown) + 1,
                rule=str(_get(item, "rule", "") or ""),
                reason=str(reason_value) if reason_value is not None else None,
                entity_type=str(_get(item, "entity_type", "") or ""),
                location=str(_get(item, "location", "") or ""),
                start=start if isinstance(start, int) else None,
                end=end if isinstance(end, int) else None,
                text=str(_get(item, "text", "") or ""),
                explanation=explanation,
                blocking=is_blocking,
                detail=dict(_get(item, "detail", {}) or {}),
            )
        )
    return shown


def _spans(text: str, findings: Sequence[ShownFinding], location: str) -> list[ShownFinding]:
    """The findings of `location` that fit the text, in order, without overlaps."""
    candidates = sorted(
        (
            f
            for f in findings
            if f.location == location
            and f.start is not None
            and f.end is not None
            and 0 <= f.start < f.end <= len(text)
            and (not f.text or text[f.start : f.end] == f.text)
        ),
        key=lambda f: (f.start or 0, -(f.end or 0)),
    )
    spans: list[ShownFinding] = []
    last_end = 0
    for finding in candidates:
        assert finding.start is not None and finding.end is not None
        if finding.start < last_end:
            continue  # overlaps a finding already marked: listed, not marked twice
        spans.append(finding)
        last_end = finding.end
    return spans


def highlight(text: str, findings: Sequence[ShownFinding], location: str = "body") -> Markup:
    """Escaped `text` with each finding of `location` wrapped in <mark class="finding">."""
    parts: list[str] = []
    position = 0
    for finding in _spans(text, findings, location):
        assert finding.start is not None and finding.end is not None
        parts.append(escape(text[position : finding.start]))
        title = f"{finding.number}. {finding.explanation}" if finding.explanation else ""
        parts.append(
            Markup(
                '<mark class="finding" id="{id}" data-n="{n}" title="{title}">{body}</mark>'
            ).format(
                id=finding.anchor,
                n=finding.number,
                title=title,
                body=text[finding.start : finding.end],
            )
        )
        position = finding.end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def marked(text: str, findings: Sequence[ShownFinding], location: str = "body") -> list[int]:
    """The numbers of the findings that highlight() marks in place (for the list's links)."""
    return [f.number for f in _spans(text, findings, location)]
