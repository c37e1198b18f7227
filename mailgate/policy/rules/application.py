"""Accepting an application or notification, or communicating a decision on one, by e-mail.

Such mail is void (electronic procedures go through the e-application service
or Mynaportal) and may not be sent: 申請を受理しました, 届出を受け付けました,
交付決定, 不承認, 却下, "your application has been approved" … Guidance to
apply electronically, where a form is published, office hours and "書類が
届きました" match none of the phrases. A phrase followed by a negation
("受け付けておりません") or, in English, preceded by one ("cannot be accepted"),
decides nothing. Quoted lines are the resident's own words and never count.
"""

from __future__ import annotations

from typing import ClassVar

import regex
from pydantic import Field, ValidationInfo, field_validator

from mailgate.policy.dictionaries import (
    PhraseSet,
    default_phrases,
    in_quote,
    scan_units,
    unwrap,
    validate_patterns,
)
from mailgate.policy.findings import Finding, Reason
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.rules.base import Resources, RuleConfig
from mailgate.policy.units import TextUnit

CLAUSE_END = regex.compile(r"[、，,。！？!?\n]|\.(?=\s|$)")
SENTENCE_START = regex.compile(r"[。！？!?\n]|\.(?=\s)", regex.REVERSE)
NEGATION_REACH = 12  # characters after the phrase in which a negation still applies
NEGATION_LOOKBACK = 60  # characters before an English phrase


class ApplicationConfig(RuleConfig):
    phrases: list[str] = Field(default_factory=lambda: default_phrases("application_phrases.txt"))
    negations: list[str] = Field(
        default_factory=lambda: default_phrases("application_negations.txt")
    )
    negations_before: list[str] = Field(
        default_factory=lambda: default_phrases("application_negations_before.txt")
    )
    # Named in the suggestion to the author.
    service_name_ja: str = "電子申請サービス（東京共同電子申請・届出サービス）またはマイナポータル"
    service_name_en: str = "the e-application service or Mynaportal"
    score: float = Field(default=0.9, ge=0.0, le=1.0)
    timeout_seconds: float = Field(default=0.5, gt=0.0)

    @field_validator("phrases", "negations", "negations_before")
    @classmethod
    def _compiles(cls, lines: list[str], info: ValidationInfo) -> list[str]:
        validate_patterns(lines, field=info.field_name or "patterns")
        return lines


class ApplicationRule:
    name: ClassVar[str] = "application"
    Config: ClassVar[type[RuleConfig]] = ApplicationConfig

    def __init__(self, config: RuleConfig, resources: Resources) -> None:
        assert isinstance(config, ApplicationConfig)
        self.config = config
        t = config.timeout_seconds
        self.phrases = PhraseSet(config.phrases, name="application.phrases", timeout=t)
        self.negations = PhraseSet(config.negations, name="application.negations", timeout=t)
        self.negations_before = PhraseSet(
            config.negations_before, name="application.negations_before", timeout=t
        )

    def find(self, mail: OutgoingMail, units: list[TextUnit]) -> list[Finding]:
        return scan_units(self.name, units, self._find_in)

    def _find_in(self, unit: TextUnit) -> list[Finding]:
        # Match on the text with hard-wrapped lines joined; report offsets in the original.
        text, origin = unwrap(unit.normalised)
        found = []
        for match in self.phrases.finditer(text):
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            if _quoted(unit, start, end) or self._negated(text, *match.span()):
                continue
            found.append(self._finding(unit, start, end))
        return found

    def _negated(self, text: str, start: int, end: int) -> bool:
        clause = CLAUSE_END.search(text, end)
        reach = min(clause.start() if clause else len(text), end + NEGATION_REACH)
        if self.negations.search(text, end, reach):
            return True
        boundary = SENTENCE_START.search(text, max(0, start - NEGATION_LOOKBACK), start)
        sentence_start = boundary.end() if boundary else max(0, start - NEGATION_LOOKBACK)
        # Only English phrases carry their negation before them ("cannot be accepted").
        if not text[start:end].isascii():
            return False
        return self.negations_before.search(text, sentence_start, start) is not None

    def _finding(self, unit: TextUnit, start: int, end: int) -> Finding:
        where = unit.locate(start) if unit.locate else ""
        return Finding(
            rule=self.name,
            reason=Reason.APPLICATION_OR_DISPOSITION,
            entity_type="APPLICATION_OR_DISPOSITION",
            location=unit.location,
            start=start,
            end=end,
            score=self.config.score,
            text=unit.text[start:end],
            explanation_ja=(
                "申請・届出の受理、または審査結果・処分の通知に当たる表現です"
                f"{'（' + where + '）' if where else ''}。メールでの受理・通知は無効で、送信できません。"
                f"この記述を削除し、{self.config.service_name_ja}での手続きをご案内するか、"
                "決定の通知は書面で行ってください。"
            ),
            explanation_en=(
                "This accepts an application or notification, or communicates a decision on one"
                f"{' (' + where + ')' if where else ''}. Acceptance or notice by e-mail is void and "
                f"may not be sent: delete it and guide the resident to {self.config.service_name_en}, "
                "or send the decision in writing."
            ),
            detail={"where": where} if where else {},
        )


def _quoted(unit: TextUnit, start: int, end: int) -> bool:
    """Quoted lines ("> ...") are the resident's own earlier mail, not our words."""
    if unit.structure is not None and unit.structure.in_quote(start, end):
        return True
    return in_quote(unit.text, start)
