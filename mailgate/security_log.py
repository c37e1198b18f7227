"""The security officers' queries over the blocked-message log (issue 4, item 8).

Read-only: the list with filters and keyset paging, the counts per day by
reason for the chart, and the CSV rows. Nothing here reads a draft's text; the
log rows (mailgate.workflow.blocklog) hold positions, masked excerpts and salted
hashes only. Days are calendar days in Japan (mailgate.localtime), where the users work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Text, and_, cast, or_
from sqlmodel import Session, col, select

from mailgate.localtime import day_start, format_local, local_date, today
from mailgate.models import AuditEvent, BlockedEvent, Department, User
from mailgate.policy.findings import Reason

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PAGE_SIZE = 50
CHART_DAYS = 30  # default chart range: the last 30 days
MAX_CHART_DAYS = 366
CSV_BATCH = 500

# English message ids; the Japanese words are in web/locale/ja/LC_MESSAGES/security.po.
REASON_LABELS: dict[str, str] = {
    Reason.PERSONAL_DATA.value: "Personal data",
    Reason.SENSITIVE_DATA.value: "Sensitive data",
    Reason.BULK_SEND.value: "Bulk sending",
    Reason.APPLICATION_OR_DISPOSITION.value: "Application or disposition",
    Reason.UNSCANNABLE_ATTACHMENT.value: "Unreadable attachment",
    Reason.POLICY_ERROR.value: "Policy error",
}
REASONS = list(REASON_LABELS)

# The entity types of mailgate.policy.recognizers and the rules (evaluate.THIRD_PARTY_BLOCKING,
# RECIPIENT_BLOCKING, LABELLED_TYPES and the message-level kinds). Unknown types show raw.
ENTITY_LABELS: dict[str, str] = {
    "JP_MY_NUMBER": "My Number",
    "PHONE_NUMBER": "Phone number",
    "POSTAL_ADDRESS": "Address",
    "PERSON": "Name",
    "JP_POSTAL_CODE": "Postal code",
    "DATE_OF_BIRTH": "Date of birth",
    "BANK_ACCOUNT": "Bank account number",
    "CREDIT_CARD": "Credit card number",
    "JP_PASSPORT": "Passport number",
    "JP_DRIVER_LICENSE": "Driving licence number",
    "JP_HEALTH_INSURANCE": "Health insurance card number",
    "JP_PENSION_NUMBER": "Basic pension number",
    "JP_RESIDENT_CODE": "Resident record code",
    "EMAIL_ADDRESS": "E-mail address",
    "SENSITIVE": "Special-care personal information",
    "APPLICATION_OR_DISPOSITION": "Application or disposition wording",
    "ATTACHMENT": "Attachment that cannot be checked",
    "PATTERN_TIMEOUT": "Check timed out",
    "RECIPIENTS": "Too many recipients",
    "NEWSLETTER": "Newsletter-style message",
    "NEAR_DUPLICATE": "Same text sent repeatedly",
}

Translate = Callable[..., str]


def reason_label(t: Translate, reason: str | None) -> str:
    if not reason:
        return ""
    label = REASON_LABELS.get(reason)
    return t(label) if label else reason


def entity_label(t: Translate, entity_type: str | None) -> str:
    if not entity_type:
        return ""
    label = ENTITY_LABELS.get(entity_type)
    return t(label) if label else entity_type


@dataclass
class Filters:
    department_id: int | None = None
    reason: str | None = None
    date_from: date | None = None  # Japan calendar days, both inclusive
    date_to: date | None = None

    def query(self) -> dict[str, str]:
        """The filters as query-string values (for links and the chart URL)."""
        values = {
            "department": str(self.department_id) if self.department_id else "",
            "reason": self.reason or "",
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in values.items() if v}


@dataclass
class Cursor:
    """Keyset position (at, id): the last row shown; the next page starts below it."""

    at: datetime
    id: int

    def encode(self) -> str:
        micros = (self.at - EPOCH) // timedelta(microseconds=1)
        return f"{micros}_{self.id}"

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        if not value:
            return None
        try:
            micros, _, ident = value.partition("_")
            return cls(EPOCH + timedelta(microseconds=int(micros)), int(ident))
        except (ValueError, OverflowError):
            return None


@dataclass
class EventRow:
    event: BlockedEvent
    department: str
    author: str

    @property
    def id(self) -> int:
        return self.event.id or 0


@dataclass
class Page:
    rows: list[EventRow]
    next_cursor: str | None


def _filtered(query: Any, filters: Filters) -> Any:
    if filters.department_id:
        query = query.where(BlockedEvent.department_id == filters.department_id)
    if filters.reason:
        if filters.reason not in REASON_LABELS:
            return query.where(col(BlockedEvent.id) < 0)  # an unknown reason matches nothing
        # `reasons` is a JSON list of fixed words: a quoted-word match works on both engines.
        query = query.where(cast(BlockedEvent.reasons, Text).like(f'%"{filters.reason}"%'))
    if filters.date_from:
        query = query.where(col(BlockedEvent.at) >= day_start(filters.date_from))
    if filters.date_to:
        query = query.where(col(BlockedEvent.at) < day_start(filters.date_to + timedelta(days=1)))
    return query


def _rows_query(filters: Filters) -> Any:
    query = (
        select(BlockedEvent, Department.name, User.display_name, User.username)
        .join(Department, col(Department.id) == BlockedEvent.department_id)
        .outerjoin(User, col(User.id) == BlockedEvent.author_id)
    )
    return _filtered(query, filters)


def _after(query: Any, before: Cursor | None) -> Any:
    if before is None:
        return query
    return query.where(
        or_(
            col(BlockedEvent.at) < before.at,
            and_(col(BlockedEvent.at) == before.at, col(BlockedEvent.id) < before.id),
        )
    )


def _row(
    event: BlockedEvent, department: str, display: str | None, username: str | None
) -> EventRow:
    author = display or username or ""
    if display and username and display != username:
        author = f"{display} ({username})"
    return EventRow(event, department, author)


def list_events(
    session: Session, filters: Filters, *, before: Cursor | None = None, limit: int = PAGE_SIZE
) -> Page:
    """Blocked events newest first, one page of them."""
    query = _after(_rows_query(filters), before)
    query = query.order_by(col(BlockedEvent.at).desc(), col(BlockedEvent.id).desc()).limit(
        limit + 1
    )
    results = session.exec(query).all()
    rows = [_row(*r) for r in results[:limit]]
    next_cursor = None
    if len(results) > limit and rows:
        last = rows[-1].event
        next_cursor = Cursor(last.at, last.id or 0).encode()
    return Page(rows, next_cursor)


def get_event(session: Session, event_id: int) -> EventRow | None:
    result = session.exec(
        select(BlockedEvent, Department.name, User.display_name, User.username)
        .join(Department, col(Department.id) == BlockedEvent.department_id)
        .outerjoin(User, col(User.id) == BlockedEvent.author_id)
        .where(BlockedEvent.id == event_id)
    ).first()
    return _row(*result) if result else None


def departments(session: Session) -> list[Department]:
    return list(session.exec(select(Department).order_by(col(Department.name))))


# --- counts per day, for the chart and its table -------------------------------------------


@dataclass
class DailyCounts:
    days: list[date]  # every day of the range, oldest first
    reasons: list[str]  # reasons with at least one block in the range, in the policy's order
    counts: dict[str, list[int]] = field(default_factory=dict)  # reason -> count per day
    totals: list[int] = field(default_factory=list)  # blocked messages per day

    def rows(self) -> list[tuple[date, list[int], int]]:
        """Days with at least one block: (day, count per reason, blocked messages)."""
        return [
            (day, [self.counts[r][i] for r in self.reasons], self.totals[i])
            for i, day in enumerate(self.days)
            if self.totals[i]
        ]


def chart_range(filters: Filters) -> tuple[date, date]:
    """The chart's days: the filter's range, else the last 30 days; at most a year."""
    end = filters.date_to or (
        filters.date_from + timedelta(days=CHART_DAYS - 1) if filters.date_from else today()
    )
    start = filters.date_from or end - timedelta(days=CHART_DAYS - 1)
    if start > end:
        start, end = end, start
    if (end - start).days >= MAX_CHART_DAYS:
        start = end - timedelta(days=MAX_CHART_DAYS - 1)
    return start, end


def daily_counts(session: Session, filters: Filters) -> DailyCounts:
    """Blocks per Japan day by reason. An event with two reasons counts under both."""
    start, end = chart_range(filters)
    ranged = Filters(filters.department_id, filters.reason, start, end)
    query = _filtered(select(BlockedEvent.at, BlockedEvent.reasons), ranged)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    index = {day: i for i, day in enumerate(days)}
    counts = {reason: [0] * len(days) for reason in REASONS}
    totals = [0] * len(days)
    for at, reasons in session.exec(query):
        i = index.get(local_date(at))
        if i is None:
            continue
        totals[i] += 1
        for reason in set(reasons or []):
            counts.setdefault(reason, [0] * len(days))[i] += 1
    present = [r for r in counts if any(counts[r])]
    return DailyCounts(days, present, {r: counts[r] for r in present}, totals)


# --- CSV -------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A spreadsheet-safe cell: text that a spreadsheet would run as a formula gets a '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


CSV_COLUMNS = (
    "Time",
    "Department",
    "Author",
    "Reasons",
    "Rules",
    "Entity types",
    "Finding count",
    "Masked excerpts",
    "Hashes",
    "Event",
)


def iter_events(session: Session, filters: Filters) -> Iterator[EventRow]:
    """Every matching event, newest first, fetched in keyset batches."""
    cursor: Cursor | None = None
    while True:
        page = list_events(session, filters, before=cursor, limit=CSV_BATCH)
        yield from page.rows
        if page.next_cursor is None:
            return
        cursor = Cursor.decode(page.next_cursor)


def csv_rows(session: Session, filters: Filters, t: Translate) -> Iterator[list[str]]:
    """The header and one row per event; excerpts are masked, hashes salted; no matched text."""
    yield [csv_cell(t(name)) for name in CSV_COLUMNS]
    for row in iter_events(session, filters):
        event = row.event
        findings = event.findings or []
        yield [
            csv_cell(value)
            for value in (
                format_local(event.at),
                row.department,
                row.author,
                "; ".join(reason_label(t, r) for r in event.reasons),
                "; ".join(event.rules),
                "; ".join(entity_label(t, e) for e in event.entity_types),
                len(findings),
                "\n".join(str(f.get("excerpt") or "") for f in findings),
                " ".join(str(f.get("text_hash") or "")[:12] for f in findings),
                event.id,
            )
        ]


# --- the audit trail page --------------------------------------------------------------------


@dataclass
class AuditPage:
    rows: list[tuple[AuditEvent, str]]  # event, department name ("" if none)
    next_cursor: int | None  # the last id shown; the next page has smaller ids


def _like_prefix(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_audit(
    session: Session,
    *,
    action: str = "",
    actor: str = "",
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> AuditPage:
    """Audit events newest first (by id: the chain's order), keyset on id.

    `action` matches exactly, or as a prefix when it ends with "." or "*" ("draft." -> draft.*).
    `actor` is a username or process role, matched exactly.
    """
    query = select(AuditEvent, Department.name).outerjoin(
        Department, col(Department.id) == AuditEvent.department_id
    )
    action = action.strip()
    if action.endswith("*"):
        action = action[:-1]
        query = query.where(col(AuditEvent.action).like(_like_prefix(action), escape="\\"))
    elif action.endswith("."):
        query = query.where(col(AuditEvent.action).like(_like_prefix(action), escape="\\"))
    elif action:
        query = query.where(AuditEvent.action == action)
    if actor.strip():
        query = query.where(AuditEvent.actor == actor.strip())
    if before_id is not None:
        query = query.where(col(AuditEvent.id) < before_id)
    results = session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit + 1)).all()
    rows = [(event, name or "") for event, name in results[:limit]]
    next_cursor = rows[-1][0].id if len(results) > limit and rows else None
    return AuditPage(rows, next_cursor)
