"""The personal_data rule: personal data of third parties, and the recipient's identifiers, block.

Every unit (subject, body, each attachment) is analysed once; each detected
span gets a role (mailgate.policy.roles) and becomes a finding. A finding
blocks when its type is in `block_entities` and its role is a third party's,
or the recipient's and the type is not one the recipient may receive (their
own name and phone number). Staff and the organisation's data, and e-mail
addresses, are reported without a reason so the author sees what was allowed
and why. Explanations are concrete, in Japanese and English.
"""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import RecognizerResult
from pydantic import BaseModel, ConfigDict, Field

from mailgate.policy.context_model import ContextModel, load_model, second_opinion
from mailgate.policy.dictionaries import default_phrases
from mailgate.policy.findings import Finding, Reason, Role
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.nlp.analyzer import Analyzer, build_analyzer
from mailgate.policy.recognizers.name_shapes import NER_ONLY
from mailgate.policy.roles import MailFacts, RoleResolver, same_person_roles
from mailgate.policy.rules.base import ModelFileConfig, Resources, RuleConfig
from mailgate.policy.structure import analyse
from mailgate.policy.units import TextUnit
from mailgate.resources import data_dir

IDENTIFIERS = [
    "JP_MY_NUMBER",
    "BANK_ACCOUNT",
    "CREDIT_CARD",
    "JP_PASSPORT",
    "JP_DRIVER_LICENSE",
    "JP_HEALTH_INSURANCE",
    "JP_PENSION_NUMBER",
    "JP_RESIDENT_CODE",
]
CONTACT_AND_PLACE = ["PERSON", "PHONE_NUMBER", "POSTAL_ADDRESS", "JP_POSTAL_CODE", "DATE_OF_BIRTH"]


class PublicData(BaseModel):
    """Public data that never blocks wherever it appears."""

    model_config = ConfigDict(extra="forbid")
    phones: list[str] = Field(default_factory=list)  # "03-5432-1111", or a prefix "03-5432-*"
    addresses: list[str] = Field(default_factory=list)
    postal_codes: list[str] = Field(default_factory=list)
    names: list[str] = Field(default_factory=list)  # staff and public figures


class AllowlistConfig(PublicData):
    """The organisation's own public data, plus each department's (by slug)."""

    departments: dict[str, PublicData] = Field(default_factory=dict)

    def for_department(self, slug: str) -> dict[str, list[str]]:
        """The organisation's lists merged with those of department `slug`."""
        merged = self.model_dump(exclude={"departments"})
        extra = self.departments.get(slug)
        if extra is not None:
            for key, values in extra.model_dump().items():
                merged[key] = [*merged[key], *values]
        return merged


class ContextModelConfig(ModelFileConfig):
    """The learned second opinion on names and numbers (context_model.py)."""

    file: str = Field(
        default_factory=lambda: str(data_dir("policies") / "models" / "context_model.json")
    )
    # A blocking name or phone number the model gives a lower probability does not block.
    veto_below: float = Field(default=0.1, ge=0.0, le=0.5)


class PersonalDataConfig(RuleConfig):
    block_entities: list[str] = Field(default_factory=lambda: CONTACT_AND_PLACE + IDENTIFIERS)
    recipient_may_receive: list[str] = Field(
        default_factory=lambda: ["PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS"]
    )
    always_allowed: list[str] = Field(default_factory=lambda: ["EMAIL_ADDRESS"])
    score_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    thresholds: dict[str, float] = Field(default_factory=dict)  # per entity type
    allowlist: AllowlistConfig = Field(default_factory=AllowlistConfig)
    # Public facilities: contact data after their name is theirs (literal words).
    facility_words: list[str] = Field(default_factory=lambda: default_phrases("facility_words.txt"))
    # Well-known historical persons: their names are not personal data (literal names).
    historical_persons: list[str] = Field(
        default_factory=lambda: default_phrases("historical_persons.txt")
    )
    # Wording that offers the office's own phone number (お電話で承ります, 受付, ご予約 …).
    office_contact_cues: list[str] = Field(
        default_factory=lambda: default_phrases("office_contact_cues.txt")
    )
    context_model: ContextModelConfig = Field(default_factory=ContextModelConfig)


class PersonalDataRule:
    name: ClassVar[str] = "personal_data"
    description: ClassVar[str] = "Personal data of third parties and the recipient's identifiers"
    Config: ClassVar[type[RuleConfig]] = PersonalDataConfig

    def __init__(self, config: RuleConfig, resources: Resources) -> None:
        assert isinstance(config, PersonalDataConfig)
        self.config = config
        self.resources = resources
        self.roles = RoleResolver(
            config.allowlist.for_department,
            facility_words=config.facility_words,
            historical_persons=config.historical_persons,
            office_contact_cues=config.office_contact_cues,
        )
        model = config.context_model.file
        self.model: ContextModel | None = (
            load_model(resources.policy_dir / model) if model else None  # absolute from the loader
        )
        self.entities = sorted(
            set(config.block_entities)
            | set(config.always_allowed)
            | set(config.recipient_may_receive)
        )

    @property
    def analyzer(self) -> Analyzer:
        analyzer: Analyzer = self.resources.get("analyzer", build_analyzer)
        return analyzer

    def find(self, mail: OutgoingMail, units: list[TextUnit]) -> list[Finding]:
        for unit in units:
            if unit.is_body and unit.structure is None:
                unit.structure = analyse(unit.text)
        body = next((unit for unit in units if unit.is_body), None)
        facts = self.roles.facts(mail, body)
        findings: list[Finding] = []
        for unit in units:
            findings += self._find_in(unit, mail, facts)
        if self.model is not None and body is not None:
            findings = second_opinion(
                findings, body.text, self.model, self.config.context_model.veto_below
            )
        # After the model, which may have settled a body name as public: the subject's copy
        # follows it.
        return self._names_as_in_body(units, findings)

    def _names_as_in_body(self, units: list[TextUnit], findings: list[Finding]) -> list[Finding]:
        """A name in the subject or an attachment keeps the role the body explains ("伊能忠敬
        測量の道…" with 伊能忠敬 a historical person in the body, the sending official's name,
        a programme attached that names the body's historical figure)."""
        # A body name the context model let through reads as public (organisation).
        known = {
            _compact(f.text): f.role if f.role != Role.THIRD_PARTY else Role.ORGANIZATION
            for f in findings
            if f.location == "body"
            and f.entity_type == "PERSON"
            and (f.role in (Role.STAFF, Role.ORGANIZATION, Role.RECIPIENT) or not f.blocking)
        }
        others = {u.location: u for u in units if not u.is_body}
        body = next((u for u in units if u.is_body), None)
        body_persons = [
            (f.start, f.end)
            for f in findings
            if f.location == "body"
            and f.entity_type == "PERSON"
            and f.start is not None
            and f.end is not None
        ]
        settled = []
        for f in findings:
            compact = _compact(f.text)
            if (
                f.location == "subject"
                and f.entity_type == "PERSON"
                and f.role == Role.THIRD_PARTY
                and f.score <= NER_ONLY
                and body is not None
                and _only_unnamed_in(body.text, f.text, body_persons)
            ):
                # The NER's guess on a bare subject line ("赤城野川クリーン作戦の段取り"): the body
                # writes the same words with more context and found no person in them.
                continue
            role = known.get(compact) or next(
                # glued to a word in the subject: 「矢代篤三郎関係資料」
                (r for name, r in known.items() if len(name) >= 3 and compact.startswith(name)),
                None,
            )
            unit = others.get(f.location)
            if (
                unit is not None
                and f.entity_type == "PERSON"
                and f.role == Role.THIRD_PARTY
                and role is not None
                and f.start is not None
                and f.end is not None
            ):
                f = self._finding(unit, "PERSON", f.start, f.end, role, f.score)
            settled.append(f)
        return settled

    def _find_in(self, unit: TextUnit, mail: OutgoingMail, facts: MailFacts) -> list[Finding]:
        floor = min([self.config.score_threshold, *self.config.thresholds.values()])
        results = self.analyzer.analyze(
            unit, language=mail.lang, entities=self.entities, score_threshold=floor
        )
        results = [
            r
            for r in results
            if r.score >= self.config.thresholds.get(r.entity_type, self.config.score_threshold)
        ]
        results = _drop_contained_numbers(_best_of_overlapping(results))
        # A name inside an address or a number is part of it (三軒茶屋 in an address).
        others = [r for r in results if r.entity_type != "PERSON"]
        persons = [
            r
            for r in results
            if r.entity_type == "PERSON"
            and not any(o.start < r.end and r.start < o.end for o in others)
        ]
        historical = set()
        for r in persons:
            # A historical name glued to the next word ("伊能忠敬ゆかり", "伊能忠敬 測量"): only
            # the name counts, and it is the organisation's (a public figure).
            part = self.roles.historical_part(unit.text[r.start : r.end])
            if part is not None:
                r.start, r.end = r.start + part[0], r.start + part[1]
                historical.add(id(r))
        # Where the names are, for names that read as a place before another ("笹生の瓜生さん").
        spans = [(r.start, r.end, Role.THIRD_PARTY) for r in persons]
        person_roles = [
            (
                r.start,
                r.end,
                Role.ORGANIZATION
                if id(r) in historical
                else self.roles.role(unit, "PERSON", r.start, r.end, facts, spans),
            )
            for r in persons
        ]  # type: ignore[arg-type]
        person_roles = same_person_roles(unit.text, person_roles)
        findings = [
            self._finding(unit, "PERSON", start, end, role, r.score)
            for (start, end, role), r in zip(person_roles, persons, strict=True)
        ]
        for r in others:
            role = self.roles.role(unit, r.entity_type, r.start, r.end, facts, person_roles)  # type: ignore[arg-type]
            findings.append(self._finding(unit, r.entity_type, r.start, r.end, role, r.score))
        return sorted(findings, key=lambda f: (f.start or 0, f.end or 0))

    def blocks(self, entity_type: str, role: Role) -> bool:
        if (
            entity_type in self.config.always_allowed
            or entity_type not in self.config.block_entities
        ):
            return False
        if role == Role.RECIPIENT:
            return entity_type not in self.config.recipient_may_receive
        return role in (Role.THIRD_PARTY, Role.UNKNOWN)

    def _finding(
        self, unit: TextUnit, entity_type: str, start: int, end: int, role: Role, score: float
    ) -> Finding:
        blocking = self.blocks(entity_type, role)
        value = unit.text[start:end]
        ja, en = explain(entity_type, role, value, unit.location, blocking)
        detail = {"where": unit.locate(start)} if unit.locate else {}
        return Finding(
            rule=self.name,
            reason=Reason.PERSONAL_DATA if blocking else None,
            entity_type=entity_type,
            location=unit.location,
            start=start,
            end=end,
            score=round(score, 2),
            text=value,
            role=role,
            explanation_ja=ja,
            explanation_en=en,
            detail=detail,
        )


def _only_unnamed_in(text: str, words: str, persons: list[tuple[int, int]]) -> bool:
    """`words` occur in `text`, and no person was found over any of the occurrences."""
    found = [m.span() for m in re.finditer(re.escape(words), text)] if len(words) >= 2 else []
    return bool(found) and not any(
        s < end and start < e for s, e in found for start, end in persons
    )


def _compact(value: str) -> str:
    return "".join(value.split())


def _best_of_overlapping(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Per entity type, the best-scored (then longest) of overlapping spans (NER and dictionary)."""
    kept: list[RecognizerResult] = []
    for result in sorted(results, key=lambda r: (-r.score, r.start - r.end)):
        if not any(
            k.entity_type == result.entity_type and k.start < result.end and result.start < k.end
            for k in kept
        ):
            kept.append(result)
    return sorted(kept, key=lambda r: r.start)


NUMBERS = {"PHONE_NUMBER", "JP_POSTAL_CODE", *IDENTIFIERS}


def _drop_contained_numbers(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """Drop a number found inside a longer number of another kind.

    "555-0143" has a postal code's shape, but inside "+1 (503) 555-0143" it is
    part of the phone number: the longer match explains the digits.
    """

    def inside(small: RecognizerResult, big: RecognizerResult) -> bool:
        return (
            big.entity_type != small.entity_type
            and big.start <= small.start
            and small.end <= big.end
            and big.end - big.start > small.end - small.start
        )

    numbers = [r for r in results if r.entity_type in NUMBERS]
    return [
        r
        for r in results
        if r.entity_type not in NUMBERS or not any(inside(r, other) for other in numbers)
    ]


# Explanations: one template per entity type and role (what blocks), plus the allowed cases.
LABELS: dict[str, tuple[str, str]] = {
    "PERSON": ("氏名", "name"),
    "PHONE_NUMBER": ("電話番号", "phone number"),
    "POSTAL_ADDRESS": ("住所", "address"),
    "JP_POSTAL_CODE": ("郵便番号", "postal code"),
    "DATE_OF_BIRTH": ("生年月日", "date of birth"),
    "EMAIL_ADDRESS": ("メールアドレス", "e-mail address"),
    "JP_MY_NUMBER": ("個人番号（マイナンバー）", "My Number (individual number)"),
    "BANK_ACCOUNT": ("口座番号", "bank account number"),
    "CREDIT_CARD": ("クレジットカード番号", "credit card number"),
    "JP_PASSPORT": ("旅券番号", "passport number"),
    "JP_DRIVER_LICENSE": ("運転免許証番号", "driver's licence number"),
    "JP_HEALTH_INSURANCE": ("被保険者証の記号・番号", "health insurance number"),
    "JP_PENSION_NUMBER": ("基礎年金番号", "basic pension number"),
    "JP_RESIDENT_CODE": ("住民票コード", "resident record code"),
}
BLOCKING: dict[tuple[str, str], tuple[str, str]] = {
    ("PERSON", "third"): (
        "第三者の氏名（{v}）が{w}に含まれています。氏名を削除するか、ご本人から直接連絡していただくようにしてください。",
        "{W} names a third party ({v}). Remove the name or ask the person to contact the resident directly.",
    ),
    ("PHONE_NUMBER", "third"): (
        "第三者の電話番号（{v}）が{w}に含まれています。ご本人の同意なく連絡先を伝えず、番号を削除してください。",
        "{W} gives a third party's phone number ({v}). Remove it: contact details are not passed on without consent.",
    ),
    ("POSTAL_ADDRESS", "third"): (
        "第三者の住所（{v}）が{w}に含まれています。住所を削除してください。",
        "{W} gives a third party's address ({v}). Remove the address.",
    ),
    ("POSTAL_ADDRESS", "recipient"): (
        "受信者ご本人の住所（{v}）が{w}に含まれています。住所はメールに記載せず、郵送や窓口でご確認ください。",
        "{W} contains the recipient's own address ({v}). Addresses are not sent by e-mail; confirm it by post or at the counter.",
    ),
    ("JP_POSTAL_CODE", "third"): (
        "第三者の住所の郵便番号（{v}）が{w}に含まれています。削除してください。",
        "{W} gives the postal code of a third party's address ({v}). Remove it.",
    ),
    ("JP_POSTAL_CODE", "recipient"): (
        "受信者ご本人の郵便番号（{v}）が{w}に含まれています。住所と同様にメールには記載しないでください。",
        "{W} contains the recipient's own postal code ({v}). Like the address, it is not sent by e-mail.",
    ),
    ("DATE_OF_BIRTH", "third"): (
        "第三者の生年月日（{v}）が{w}に含まれています。削除してください。",
        "{W} gives a third party's date of birth ({v}). Remove it.",
    ),
    ("DATE_OF_BIRTH", "recipient"): (
        "受信者ご本人の生年月日（{v}）が{w}に含まれています。ご本人のものでもメールには記載しないでください。",
        "{W} contains the recipient's own date of birth ({v}). It is not sent by e-mail, even to the person.",
    ),
    ("IDENTIFIER", "third"): (
        "第三者の{l}（{v}）が{w}に含まれています。番号を削除してください。",
        "{W} contains a third party's {l} ({v}). Remove the number.",
    ),
    ("IDENTIFIER", "recipient"): (
        "{l}（{v}）が{w}に含まれています。受信者ご本人のものでもメールでは送れません。番号を削除してください。",
        "{W} contains a {l} ({v}). It may not be sent by e-mail, even to its owner; remove the number.",
    ),
}
ALLOWED: dict[str, tuple[str, str]] = {
    "recipient": (
        "受信者ご本人の{l}（{v}）です。送信できます。",
        "The recipient's own {l} ({v}): allowed.",
    ),
    "staff": (
        "職務上記載された職員の{l}（{v}）です。送信できます。",
        "A staff member's {l} in their duties ({v}): allowed.",
    ),
    "organization": (
        "区または公共施設の公開情報（{v}）です。送信できます。",
        "Published data of the ward or a public facility ({v}): allowed.",
    ),
    "email": ("メールアドレス（{v}）は送信できます。", "E-mail addresses may be sent ({v})."),
}


def explain(
    entity_type: str, role: Role, value: str, location: str, blocking: bool
) -> tuple[str, str]:
    """The Japanese and English explanation of one finding."""
    label_ja, label_en = LABELS.get(entity_type, (entity_type, entity_type))
    where_ja, where_en = _where(location)
    shown = _masked(value) if entity_type in IDENTIFIERS else value.replace("\n", " ")
    values = {"v": shown, "w": where_ja, "W": where_en, "l": label_ja}
    if blocking:
        kind = "recipient" if role == Role.RECIPIENT else "third"
        key = ("IDENTIFIER" if entity_type in IDENTIFIERS else entity_type, kind)
        ja, en = BLOCKING.get(key, BLOCKING[("IDENTIFIER", kind)])
    elif entity_type == "EMAIL_ADDRESS":
        ja, en = ALLOWED["email"]
    else:
        ja, en = ALLOWED.get(role.value, ALLOWED["organization"])
    return ja.format(**values), en.format(**{**values, "l": label_en})


def _where(location: str) -> tuple[str, str]:
    if location.startswith("attachment:"):
        name = location.split(":", 1)[1]
        return f"添付ファイル「{name}」", f"The attachment {name}"
    return ("件名", "The subject") if location == "subject" else ("本文", "The body")


def _masked(value: str) -> str:
    # Identifiers are shown with all but their last four characters hidden.
    visible = 4 if len(value) > 6 else 0
    return "*" * (len(value) - visible) + value[len(value) - visible :]
