"""The JSON API's input and view models, kept apart from the tables (mailgate.models).

View models carry only what a caller may see: a finding's matched `text` is filled
in for members of the message's department (the author's colleagues, who may see
the draft anyway) and left out everywhere else; the blocked log never has it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mailgate.workflow.approvals import MAX_COMMENT
from mailgate.workflow.drafts import MAX_BODY_CHARS, MAX_RECIPIENTS

Address = str  # checked and normalised by mailgate.workflow.drafts (invalid -> 409)


# --- input ------------------------------------------------------------------------------------


class MessageIn(BaseModel):
    """A reply or new message: recipients, subject and plain-text body."""

    model_config = ConfigDict(extra="forbid")

    to: list[Address] = Field(
        min_length=1, max_length=MAX_RECIPIENTS, examples=[["taro@example.jp"]]
    )
    cc: list[Address] = Field(default_factory=list, max_length=MAX_RECIPIENTS)
    subject: str = Field(max_length=998, examples=["Re: 保育園の入園について"])
    body: str = Field(max_length=MAX_BODY_CHARS, examples=["お問い合わせありがとうございます。"])


class DecisionIn(BaseModel):
    """A supervisor's (or, for withdraw, the author's) comment on a decision."""

    model_config = ConfigDict(extra="forbid")

    comment: str = Field(default="", max_length=MAX_COMMENT)


# --- departments and threads -------------------------------------------------------------------


class DepartmentOut(BaseModel):
    id: int
    slug: str
    name: str
    addresses: list[str]


class ThreadSummary(BaseModel):
    id: int
    subject: str
    state: str = Field(description="new, in_progress, waiting, blocked, sent, failed or done")
    counterpart: str = Field(description="The resident's address")
    counterpart_name: str
    assignee: str
    assignee_id: int | None
    last_message_at: datetime


class SearchHitOut(BaseModel):
    message_id: int
    thread_id: int
    subject: str
    from_address: str
    direction: str
    state: str
    created_at: datetime
    snippet: str


class ThreadPage(BaseModel):
    """One page of a department's threads, newest first; with `q`, the search hits too."""

    threads: list[ThreadSummary]
    hits: list[SearchHitOut] = Field(
        default_factory=list, description="With `q`: the matching messages, newest first"
    )
    next_before: str | None = Field(
        description="Pass as `before` for the next page; null on the last page"
    )


# --- messages ----------------------------------------------------------------------------------


class FindingOut(BaseModel):
    rule: str
    reason: str | None = Field(description="Why it blocks; null for a finding that does not block")
    blocking: bool
    entity_type: str
    location: str = Field(description='"body", "subject", "attachment:<name>" or "message"')
    start: int | None
    end: int | None
    explanation_ja: str
    explanation_en: str
    text: str | None = Field(
        default=None,
        description="The matched text; only for members of the message's department",
    )


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int


class DecisionOut(BaseModel):
    decision: str = Field(description="approved, rejected or withdrawn")
    by: str
    at: datetime
    comment: str
    content_hash: str


class MessageOut(BaseModel):
    id: int
    thread_id: int
    department_id: int
    direction: str = Field(description="inbound or outbound")
    state: str = Field(
        description="received, draft, blocked, pending_approval, rejected, withdrawn, "
        "queued, deferred, sent or failed"
    )
    from_: str = Field(serialization_alias="from", description="The sender's address")
    to: list[str]
    cc: list[str]
    subject: str
    body: str
    created_at: datetime
    submitted_at: datetime | None
    author: str | None = Field(description="User name of the author of an outgoing message")
    last_editor: str | None
    verdict: str | None = Field(description="allow or block, after a submit; else null")
    reasons: list[str]
    policy_version: str | None
    findings: list[FindingOut]
    suggested_subject: str | None = Field(
        default=None, description="The subject with every finding masked (after a block)"
    )
    suggested_body: str | None = Field(
        default=None, description="The body with every finding masked (after a block)"
    )
    attachments: list[AttachmentOut]
    decisions: list[DecisionOut]


class ThreadOut(BaseModel):
    id: int
    department_id: int
    subject: str
    state: str
    status: str
    counterpart: str
    counterpart_name: str
    assignee: str | None
    created_at: datetime
    last_message_at: datetime
    messages: list[MessageOut]


# --- counterpart history -----------------------------------------------------------------------


class HistoryDecisionOut(BaseModel):
    decision: str
    by: str
    at: str
    comment: str


class HistoryEntryOut(BaseModel):
    message_id: int
    thread_id: int
    direction: str
    state: str
    subject: str
    from_address: str
    to_addresses: list[str]
    created_at: datetime
    author: str
    decisions: list[HistoryDecisionOut]


class HistoryOut(BaseModel):
    address: str
    display_name: str
    entries: list[HistoryEntryOut]
    next_before: int | None


# --- the security officers' blocked log ---------------------------------------------------------


class BlockedFindingOut(BaseModel):
    """A blocking finding as the log keeps it: position, masked excerpt, salted hash; no text."""

    rule: str
    reason: str | None
    entity_type: str | None
    location: str
    start: int | None
    end: int | None
    excerpt: str = Field(description="The context with every finding and every digit masked")
    text_hash: str = Field(description="Salted hash of the matched text, to recognise repeats")


class BlockedEventOut(BaseModel):
    id: int
    at: datetime
    department_id: int
    department: str
    message_id: int
    author: str
    reasons: list[str]
    rules: list[str]
    entity_types: list[str]
    findings: list[BlockedFindingOut]
    policy_version: str


class BlockedPage(BaseModel):
    events: list[BlockedEventOut]
    next_before: str | None


def finding_out(data: dict[str, Any], *, with_text: bool) -> FindingOut:
    return FindingOut(
        rule=str(data.get("rule", "")),
        reason=data.get("reason"),
        blocking=bool(data.get("blocking", data.get("reason") is not None)),
        entity_type=str(data.get("entity_type") or ""),
        location=str(data.get("location") or ""),
        start=data.get("start"),
        end=data.get("end"),
        explanation_ja=str(data.get("explanation_ja") or ""),
        explanation_en=str(data.get("explanation_en") or ""),
        text=str(data.get("text") or "") if with_text else None,
    )


def blocked_finding_out(data: dict[str, Any]) -> BlockedFindingOut:
    return BlockedFindingOut(
        rule=str(data.get("rule", "")),
        reason=data.get("reason"),
        entity_type=data.get("entity_type"),
        location=str(data.get("location") or ""),
        start=data.get("start"),
        end=data.get("end"),
        excerpt=str(data.get("excerpt") or ""),
        text_hash=str(data.get("text_hash") or ""),
    )
