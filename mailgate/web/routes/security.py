"""Security officers: the blocked-message log, its CSV and chart, and the audited reveal.

The log pages show what a reviewer needs without personal data (rule, entity
type, position, masked excerpt, salted hash); the queries are in
mailgate.security_log. Reading a draft is an explicit POST with a written
justification, audited as "message.reveal" and committed before the draft is
shown in that same answer: no GET URL ever shows a draft to an officer.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import col, select

from mailgate import audit, localtime, security_log
from mailgate.errors import NotFound
from mailgate.models import Attachment, Message
from mailgate.security_log import Filters
from mailgate.web import chart
from mailgate.web.access import require, rule
from mailgate.web.deps import Ctx, FormCtx, PageCtx, render

router = APIRouter(include_in_schema=False)

MAX_JUSTIFICATION = 2000
STATE_LABELS = {
    "draft": "Draft",
    "blocked": "Blocked",
    "pending_approval": "Waiting for approval",
    "rejected": "Rejected",
    "withdrawn": "Withdrawn",
    "queued": "Approved, sending",
    "deferred": "Sending delayed",
    "sent": "Sent",
    "failed": "Sending failed",
}
REASON_COLOURS = {
    "personal_data": "#d92d20",
    "sensitive_data": "#7a5af8",
    "bulk_send": "#f79009",
    "application_or_disposition": "#1570ef",
    "unscannable_attachment": "#475467",
    "policy_error": "#101828",
}


def _filters(request: Request) -> tuple[Filters, list[str]]:
    """The filters from the query string; values that do not parse are dropped and named."""
    q = request.query_params
    problems: list[str] = []
    department_id = None
    raw_department = q.get("department", "").strip()
    if raw_department:
        if raw_department.isdigit():
            department_id = int(raw_department)
        else:
            problems.append("department")
    reason = q.get("reason", "").strip() or None
    if reason and reason not in security_log.REASON_LABELS:
        problems.append("reason")
        reason = None
    dates = {}
    for name in ("from", "to"):
        raw = q.get(name, "").strip()
        dates[name] = localtime.parse_date(raw)
        if raw and dates[name] is None:
            problems.append(name)
    return Filters(department_id, reason, dates["from"], dates["to"]), problems


def _event_row(ctx: Ctx, event_id: int) -> security_log.EventRow:
    require(ctx.me, "officer")
    row = security_log.get_event(ctx.session, event_id)
    if row is None:
        raise NotFound("not found")
    return row


def _chart_svg(ctx: Ctx, filters: Filters) -> tuple[str, security_log.DailyCounts]:
    counts = security_log.daily_counts(ctx.session, filters)
    start, end = counts.days[0], counts.days[-1]
    series = [
        chart.Series(r, security_log.reason_label(ctx.t, r), counts.counts[r])
        for r in counts.reasons
    ]
    total = sum(counts.totals)
    svg = chart.bar_chart(
        days=counts.days,
        series=series,
        title=ctx.t("Blocked messages per day by reason"),
        desc=ctx.t(
            "%(start)s to %(end)s: %(n)s blocked messages. The table below the chart has the same numbers.",
            start=start.isoformat(),
            end=end.isoformat(),
            n=total,
        ),
        empty_text=ctx.t("No blocked messages in this period"),
        colours=REASON_COLOURS,
    )
    return svg, counts


@router.get("/security/blocked")
@rule("officer")
def blocked_log(ctx: PageCtx, request: Request, after: str = "") -> Response:
    require(ctx.me, "officer")
    filters, problems = _filters(request)
    page = security_log.list_events(ctx.session, filters, before=security_log.Cursor.decode(after))
    counts = security_log.daily_counts(ctx.session, filters)
    return render(
        ctx,
        "security/blocked.html",
        {
            "filters": filters,
            "query": filters.query(),
            "problems": problems,
            "page": page,
            "after": after,
            "departments": security_log.departments(ctx.session),
            "reasons": security_log.REASONS,
            "reason_label": lambda r: security_log.reason_label(ctx.t, r),
            "entity_label": lambda e: security_log.entity_label(ctx.t, e),
            "counts": counts,
        },
    )


@router.get("/security/blocked.csv")
@rule("officer")
def blocked_csv(ctx: PageCtx, request: Request) -> Response:
    require(ctx.me, "officer")
    filters, _ = _filters(request)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel in Japan then reads UTF-8
    writer = csv.writer(buffer, lineterminator="\r\n")
    rows = 0
    for values in security_log.csv_rows(ctx.session, filters, ctx.t):
        writer.writerow(values)
        rows += 1
    audit.record(
        ctx.session,
        "security.export",
        actor=ctx.user.username,
        actor_id=ctx.user.id,
        object_type="blocked_log",
        details={"filters": filters.query(), "events": rows - 1},
    )
    ctx.commit()
    stamp = localtime.today().strftime("%Y%m%d")
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="blocked-log-{stamp}.csv"'},
    )


@router.get("/security/chart.svg")
@rule("officer")
def blocked_chart(ctx: PageCtx, request: Request) -> Response:
    require(ctx.me, "officer")
    filters, _ = _filters(request)
    svg, _ = _chart_svg(ctx, filters)
    return Response(svg, media_type="image/svg+xml; charset=utf-8")


def _detail(ctx: Ctx, row: security_log.EventRow, error: str = "", status: int = 200) -> Response:
    event = row.event
    return render(
        ctx,
        "security/event.html",
        {
            "row": row,
            "event": event,
            "findings": event.findings or [],
            "reason_label": lambda r: security_log.reason_label(ctx.t, r),
            "entity_label": lambda e: security_log.entity_label(ctx.t, e),
            "error": error,
            "max_justification": MAX_JUSTIFICATION,
        },
        status_code=status,
    )


@router.get("/security/blocked/{event_id}")
@rule("officer")
def blocked_event(ctx: PageCtx, event_id: int) -> Response:
    return _detail(ctx, _event_row(ctx, event_id))


@router.post("/security/blocked/{event_id}/reveal")
@rule("officer")
def reveal(ctx: FormCtx, event_id: int, justification: Annotated[str, Form()] = "") -> Response:
    """Audited first, committed, then the draft as it is now in the department's mailbox."""
    row = _event_row(ctx, event_id)
    reason = " ".join(justification.split())
    if not reason:
        return _detail(ctx, row, ctx.t("Write why you need to read this draft."), status=400)
    if len(reason) > MAX_JUSTIFICATION:
        return _detail(
            ctx,
            row,
            ctx.t("The justification is too long (at most %(n)s characters).", n=MAX_JUSTIFICATION),
            status=400,
        )
    event = row.event
    message = ctx.session.get(Message, event.message_pk)
    if message is None:
        raise NotFound("not found")
    audit.record(
        ctx.session,
        "message.reveal",
        actor=ctx.user.username,
        actor_id=ctx.user.id,
        department_id=event.department_id,
        object_type="message",
        object_id=message.id or "",
        details={"blocked_event": event.id, "justification": reason},
    )
    ctx.commit()  # the reveal is on disk before anything of the draft is sent
    attachments = ctx.session.exec(
        select(Attachment).where(Attachment.message_pk == message.id).order_by(col(Attachment.id))
    ).all()
    return render(
        ctx,
        "security/reveal.html",
        {
            "row": row,
            "event": event,
            "message": message,
            "attachments": attachments,
            "justification": reason,
            "state_label": lambda s: ctx.t(STATE_LABELS[s]) if s in STATE_LABELS else s,
        },
    )
