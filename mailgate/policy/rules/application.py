"""Accepting an application or notification, or communicating a decision on one, by e-mail.

Such mail is void (electronic procedures go through the e-application service
or Mynaportal) and may not be sent: 申請を受理しました, 届出を受け付けました,
交付決定, 不承認, 却下, "your application has been approved" … Guidance to
apply electronically, where a form is published, office hours and "書類が
届きました" match none of the phrases. A phrase followed by a negation
("受け付けておりません") or, in English, preceded by one ("cannot be accepted"),
decides nothing. Quoted lines are the resident's own words and never count.
Where no phrase matched, a learned second reading (decision_model.py) may still block a
body sentence that holds a decision cue and reads as accepting or deciding.
"""

from __future__ import annotations

from typing import ClassVar

import regex
from pydantic import Field, ValidationInfo, field_validator

from mailgate.policy.decision_model import DecisionModel
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
from mailgate.policy.rules.base import ModelFileConfig, Resources, RuleConfig
from mailgate.policy.sentence_model import open_sentences, written_sentences
from mailgate.policy.units import TextUnit
from mailgate.resources import data_dir

CLAUSE_END = regex.compile(r"[、，,。！？!?\n]|\.(?=\s|$)")
SENTENCE_START = regex.compile(r"[。！？!?\n]|\.(?=\s)", regex.REVERSE)
NEGATION_REACH = 12  # characters after the phrase in which a negation still applies
NEGATION_LOOKBACK = 60  # characters before an English phrase
# A condition states a rule for everyone, not a decision on someone's application:
# "月の途中から始めた場合も同額となります", "書類がそろえば受け付けます".
# When applications are taken, not that one was: "申込みは来月1日から受け付けます", "受付期間は…".
SCHEDULE = regex.compile(
    r"(?:から|より|まで|以降|までの間)[、,]?[ \u3000]*(?:受け付け|受付)|受付(?:期間|時間|開始|日)"
)
# The way a decision is to be reached, in the non-past: 「支給の可否は、転入後に申請いただいた
# 内容を審査して決まります」, 「結果は審査のうえ書面でお知らせします」.
PROCEDURE = regex.compile(
    r"(?:可否|かどうか|結果|採否|当否|金額)(?:は|について(?:は)?)[、,]?(?:(?!ました)[^。\n]){0,40}?"
    r"(?:決まります|決定します|決定いたします|判断します|判断いたします|お知らせします|"
    r"お知らせいたします|通知します|ご連絡します|ご連絡いたします)"
)
# Advice to apply (「…認定証の申請をお勧めします」) and where applications are taken
# (「2月1日から市の電子申請サービスで\n受け付けます」): guidance, whatever nouns they name.
ADVICE = regex.compile(
    r"(?:申請|手続き|届出|届け出|申込み?|申し込み)(?:を|の)?(?:お勧め|おすすめ|お薦め|ご検討|お願い)"
    r"|(?:電子申請|オンライン|窓口|郵送)[^。\n]{0,12}?(?:で|から|にて)[\n \u3000]*"
    r"(?:受け付け|受付)(?:ます|ております|いたします)"
)
# Another party's answer, reported (「事業者は、…返金することに同意しました」 after a mediation):
# not the office accepting or deciding anything.
ANOTHER_PARTY = regex.compile(
    r"[ \u3000]*(?:相手方の?)?(?:事業者|販売業者|業者|相手方|販売店|店舗|会社|家主|大家|管理会社|"
    r"貸主|売主|施工業者|工事業者)(?:側)?(?:は|が|から(?:は)?)[、,]?"
)
# A rule changed for everyone (「建築基準法の改正により、…審査の対象となり、審査期間は最長35日と
# なりました」): no one's application was decided.
RULE_CHANGE = regex.compile(
    r"(?:法|法律|条例|規則|制度|要綱|基準)(?:の)?(?:一部)?改正(?:により|に伴い|によって|で)|"
    r"\b(?:amendment|revision) (?:of|to) the\b"
)
# A trip's or an event's arrangements settled (「訪問団のホテルの部屋割りが決まりました」), when
# the sentence names no application: logistics, not a decision on a request.
ARRANGEMENT = regex.compile(
    r"(?:部屋割り|班分け|組分け|座席|席次|集合(?:場所|時間|時刻)|行程|時間割|配車|役割分担)(?:が|は|も)"
)
ANY_REQUEST = regex.compile(r"申し?込|申請|届出|届け出|ご依頼|ご要望")
EITHER_OR = regex.compile(r"「[^「」\n]{1,30}」(?:または|もしくは|か|、)「[^「」\n]{1,30}」")
CONDITION = regex.compile(
    r"場合|ときは|時は|であれば|でしたら|ましたら|たら[、,]|(?:れ|け|せ|て|め|え)ば[、,]?|\bif\b|\bwhen\b"
    # "as soon as it is decided" (「決まりしだいお知らせします」)
    r"|(?:り|し|ち|き|い)(?:しだい|次第)"
    # whoever meets a condition, as a group (「4回以上受講された方は…の発行対象となり」)
    r"|(?:た|る)方(?:は|も|には)"
)


class DecisionModelConfig(ModelFileConfig):
    """The learned reading of decisions (decision_model.py)."""

    file: str = Field(
        default_factory=lambda: str(data_dir("policies") / "models" / "decision_model.json")
    )
    # A body sentence with a decision cue the model scores at least this high blocks.
    flag_at: float = Field(default=0.8, ge=0.5, le=1.0)


class ApplicationConfig(RuleConfig):
    phrases: list[str] = Field(default_factory=lambda: default_phrases("application_phrases.txt"))
    negations: list[str] = Field(
        default_factory=lambda: default_phrases("application_negations.txt")
    )
    negations_before: list[str] = Field(
        default_factory=lambda: default_phrases("application_negations_before.txt")
    )
    decision_cues: list[str] = Field(
        default_factory=lambda: default_phrases("application_decision_cues.txt")
    )
    decision_model: DecisionModelConfig = Field(default_factory=DecisionModelConfig)
    # Named in the suggestion to the author.
    service_name_ja: str = "電子申請サービス（東京共同電子申請・届出サービス）またはマイナポータル"
    service_name_en: str = "the e-application service or Mynaportal"
    score: float = Field(default=0.9, ge=0.0, le=1.0)
    timeout_seconds: float = Field(default=0.5, gt=0.0)

    @field_validator("phrases", "negations", "negations_before", "decision_cues")
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
        self.cues = PhraseSet(config.decision_cues, name="application.decision_cues", timeout=t)
        model = config.decision_model.file
        self.model: DecisionModel | None = (
            DecisionModel.load(resources.policy_dir / model) if model else None  # absolute path
        )

    def find(self, mail: OutgoingMail, units: list[TextUnit]) -> list[Finding]:
        return scan_units(self.name, units, self._find_in)

    def _find_in(self, unit: TextUnit) -> list[Finding]:
        # Match on the text with hard-wrapped lines joined; report offsets in the original.
        text, origin = unwrap(unit.normalised)
        found = []
        for match in self.phrases.finditer(text):
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            if (
                _quoted(unit, start, end)
                or self._negated(text, *match.span())
                or _either_or(text, *match.span())
            ):
                continue
            found.append(self._finding(unit, start, end))
        if self.model is not None and unit.is_body:
            found += self._learned(unit, self.model, found)
        return found

    def _learned(self, unit: TextUnit, model: DecisionModel, found: list[Finding]) -> list[Finding]:
        """Sentences the model reads as accepting or deciding, where no phrase matched."""
        text = unit.text
        learned = []
        written = written_sentences(text)
        for start, end in open_sentences(text, [(f.start or 0, f.end or 0) for f in found]):
            # The filters read the sentence from where the writer began it, before the mailer
            # wrapped it: 「…受給されているのであれば、」 / 「その月以降の保険料は…対象となります。」
            whole = written.get(start, (start, end))[0]
            if (
                _quoted(unit, start, end)
                or CONDITION.search(text, whole, end)
                or SCHEDULE.search(text, whole, end)
                or PROCEDURE.search(text, whole, end)
                or ADVICE.search(text, whole, end)
                or ANOTHER_PARTY.match(text, whole, end)
                or RULE_CHANGE.search(text, whole, end)
                or (
                    ARRANGEMENT.search(text, whole, end)
                    and not ANY_REQUEST.search(text, whole, end)
                )
            ):
                continue
            # 「不備はありませんでしたので、受け付けました」: one negated cue is not the sentence.
            cues = self.cues.finditer(text, start, end)
            if all(self._negated(text, *cue.span()) for cue in cues):
                continue
            p = model.probability(text[start:end])
            if p >= self.config.decision_model.flag_at:
                first = start + len(text[start:end]) - len(text[start:end].lstrip())
                last = start + len(text[start:end].rstrip())
                learned.append(self._finding(unit, first, last, learned=p))
        return learned

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

    def _finding(
        self, unit: TextUnit, start: int, end: int, learned: float | None = None
    ) -> Finding:
        where = unit.locate(start) if unit.locate else ""
        how_ja = how_en = ""
        if learned is not None:
            how_ja = f"（文全体から判断しました。学習モデル、確率 {learned:.2f}）"
            how_en = f" (judged from the whole sentence; learned model, probability {learned:.2f})"
        return Finding(
            rule=self.name,
            reason=Reason.APPLICATION_OR_DISPOSITION,
            entity_type="APPLICATION_OR_DISPOSITION",
            location=unit.location,
            start=start,
            end=end,
            score=self.config.score if learned is None else round(learned, 3),
            text=unit.text[start:end],
            explanation_ja=(
                "申請・届出の受理、または審査結果・処分の通知に当たる表現です"
                f"{'（' + where + '）' if where else ''}{how_ja}。メールでの受理・通知は無効で、送信できません。"
                f"この記述を削除し、{self.config.service_name_ja}での手続きをご案内するか、"
                "決定の通知は書面で行ってください。"
            ),
            explanation_en=(
                "This accepts an application or notification, or communicates a decision on one"
                f"{' (' + where + ')' if where else ''}{how_en}. Acceptance or notice by e-mail is void and "
                f"may not be sent: delete it and guide the resident to {self.config.service_name_en}, "
                "or send the decision in writing."
            ),
            detail={
                **({"where": where} if where else {}),
                **({"learned_probability": round(learned, 3)} if learned is not None else {}),
            },
        )


def _either_or(text: str, start: int, end: int) -> bool:
    """A phrase inside one of two named outcomes (「…承認通知書」または「却下通知書」): what the
    reader may receive, not what was decided."""
    return any(
        m.start() <= start and end <= m.end()
        for m in EITHER_OR.finditer(text, max(0, start - 40), min(len(text), end + 40))
    )


def _quoted(unit: TextUnit, start: int, end: int) -> bool:
    """Quoted lines ("> ...") are the resident's own earlier mail, not our words."""
    if unit.structure is not None and unit.structure.in_quote(start, end):
        return True
    return in_quote(unit.text, start)
