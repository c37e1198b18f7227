"""Bulk simultaneous sending (大量一斉送信): too many recipients, newsletters, the same text to many.

Three findings, each independent: (a) more recipients (To+Cc+Bcc) than the
policy allows; (b) newsletter or mass-announcement wording (メールマガジン,
配信停止, 一斉送信 …) in the subject or our own lines of the body; (c) nearly
the same body already sent by the department to so many counterparts within
the window that this one makes more than K. The history for (c) arrives in
OutgoingMail.prior_sends (looked up by the workflow), so the rule stays pure.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator

from mailgate.policy import fingerprint
from mailgate.policy.dictionaries import (
    PhraseSet,
    default_phrases,
    in_quote,
    scan_units,
    validate_patterns,
)
from mailgate.policy.findings import Finding, Reason
from mailgate.policy.mail import OutgoingMail, PriorSend
from mailgate.policy.rules.base import Resources, RuleConfig
from mailgate.policy.units import TextUnit

# A prior send stamped slightly in the future (clock skew between machines) still counts.
CLOCK_SKEW = timedelta(minutes=5)


# A newsletter word followed by a denial of it, in the same sentence: no newsletter is sent;
# or offered as something the reader may subscribe to (「（メールマガジン）もございます」): this
# mail is a reply, not the newsletter.
NOT_OFFERED = re.compile(
    r"[^。\n]{0,12}?(?:行って(?:おり|い)ません|(?:発行|配信)(?:して|は)(?:おり|い)ません|"
    r"(?:は|では)(?:ございません|ありません)|(?:も|が)(?:ございます|あります))"
)


class BulkSendConfig(RuleConfig):
    max_recipients: int = Field(default=10, ge=1)
    newsletter_markers: list[str] = Field(
        default_factory=lambda: default_phrases("bulk_markers.txt")
    )
    near_duplicate_max_counterparts: int = Field(default=5, ge=1)
    near_duplicate_window_hours: float = Field(default=24.0, gt=0)
    near_duplicate_threshold: float = Field(default=0.8, gt=0.0, le=1.0)
    # Very short bodies ("承知しました。") are the same by nature, not announcements.
    near_duplicate_min_chars: int = Field(default=40, ge=0)
    timeout_seconds: float = Field(default=0.5, gt=0.0)

    @field_validator("newsletter_markers")
    @classmethod
    def _compiles(cls, lines: list[str], info: ValidationInfo) -> list[str]:
        validate_patterns(lines, field=info.field_name or "patterns")
        return lines

    @property
    def window(self) -> timedelta:
        """What the workflow passes to history.recent_sends."""
        return timedelta(hours=self.near_duplicate_window_hours)


class BulkSendRule:
    name: ClassVar[str] = "bulk_send"
    Config: ClassVar[type[RuleConfig]] = BulkSendConfig

    def __init__(self, config: RuleConfig, resources: Resources) -> None:
        assert isinstance(config, BulkSendConfig)
        self.config = config
        self.markers = PhraseSet(
            config.newsletter_markers,
            name="bulk_send.newsletter_markers",
            timeout=config.timeout_seconds,
        )

    def find(self, mail: OutgoingMail, units: list[TextUnit]) -> list[Finding]:
        # A flyer attached to one reply is not itself a mass mailing: subject and body only.
        own_text = [unit for unit in units if unit.location in ("subject", "body")]
        findings = self._recipients(mail)
        findings.extend(scan_units(self.name, own_text, self._markers))
        findings.extend(self._near_duplicates(mail))
        return findings

    def _recipients(self, mail: OutgoingMail) -> list[Finding]:
        count = len(mail.to) + len(mail.cc) + len(mail.bcc)
        limit = self.config.max_recipients
        if count <= limit:
            return []
        return [
            Finding(
                rule=self.name,
                reason=Reason.BULK_SEND,
                entity_type="RECIPIENTS",
                location="message",
                detail={"recipients": count, "limit": limit},
                explanation_ja=(
                    f"宛先（To・Cc・Bcc の合計）が{count}件あり、上限の{limit}件を超えています。"
                    "メールでの一斉送信はできません。宛先を絞るか、区ホームページ等でお知らせしてください。"
                ),
                explanation_en=(
                    f"The mail has {count} recipients (To, Cc and Bcc together), more than the limit of "
                    f"{limit}. Mass mailing is not allowed: reduce the recipients or publish the notice "
                    "on the ward's website instead."
                ),
            )
        ]

    def _markers(self, unit: TextUnit) -> list[Finding]:
        found = []
        for match in self.markers.finditer(unit.normalised):
            start, end = match.span()
            quoted = unit.structure.in_quote(start, end) if unit.structure else False
            if quoted or in_quote(unit.text, start):
                continue  # the resident's own words
            if NOT_OFFERED.match(unit.normalised, end):
                continue  # "メールマガジンの配信は行っておりません": saying there is none
            found.append(
                Finding(
                    rule=self.name,
                    reason=Reason.BULK_SEND,
                    entity_type="NEWSLETTER",
                    location=unit.location,
                    start=start,
                    end=end,
                    score=0.9,
                    text=unit.text[start:end],
                    explanation_ja=(
                        "メールマガジンや一斉配信の文面です。個人とのメールでは配信できません。"
                        "お知らせは区ホームページ等に掲載し、この表現を削除してください。"
                    ),
                    explanation_en=(
                        "This is newsletter or mass-announcement wording, which may not be sent "
                        "through resident mail. Publish the notice on the website and remove it."
                    ),
                )
            )
        return found

    def _near_duplicates(self, mail: OutgoingMail) -> list[Finding]:
        text = fingerprint.comparable_text(mail.body)
        if len(text) < self.config.near_duplicate_min_chars or not mail.prior_sends:
            return []
        mine = fingerprint.signature_of_text(text)
        now = datetime.now(UTC)
        earlier = [
            prior
            for prior in mail.prior_sends
            if _within(prior, now, self.config.window)
            and fingerprint.similarity(mine, prior.signature)
            >= self.config.near_duplicate_threshold
        ]
        counterparts = {p.counterpart.strip().lower() for p in earlier}
        counterparts |= {r.strip().lower() for r in mail.recipients}
        limit = self.config.near_duplicate_max_counterparts
        if not earlier or len(counterparts) <= limit:
            return []
        ids = list(dict.fromkeys(p.message_id for p in sorted(earlier, key=lambda p: p.sent_at)))
        hours = f"{self.config.near_duplicate_window_hours:g}"
        return [
            Finding(
                rule=self.name,
                reason=Reason.BULK_SEND,
                entity_type="NEAR_DUPLICATE",
                location="message",
                score=0.9,
                detail={"message_ids": ids, "counterparts": len(counterparts), "limit": limit},
                explanation_ja=(
                    f"ほぼ同じ本文が過去{hours}時間に{len(counterparts)}件の相手に送られています"
                    f"（上限{limit}件、これまでのメール：{', '.join(ids)}）。同じ文面の個別送信は"
                    "一斉送信と同じ扱いです。区ホームページ等でお知らせしてください。"
                ),
                explanation_en=(
                    f"Nearly the same text has gone to {len(counterparts)} counterparts within "
                    f"{hours} hours (limit {limit}; earlier messages: {', '.join(ids)}). Sending the "
                    "same text one by one counts as a mass mailing: publish it on the website instead."
                ),
            )
        ]


def _within(prior: PriorSend, now: datetime, window: timedelta) -> bool:
    sent = prior.sent_at if prior.sent_at.tzinfo else prior.sent_at.replace(tzinfo=UTC)
    return now - window <= sent <= now + CLOCK_SKEW
