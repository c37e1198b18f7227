"""The department inbox and the counterpart history (issue 4 items 3 and 5).

GET /departments/{department_id}/inbox
    threads newest first; filters state=, assignee=me|none|<user id>; q= searches the
    department's mail (substring search that works for Japanese); keyset pagination
    with before=<cursor> (threads) or before=<message id> (search results).
GET /departments/{department_id}/counterparts/{address}
    function 4: every message in and out between the department and one address,
    newest first, with states and the supervisors' decisions; before=<message id>.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from mailgate.errors import NotFound
from mailgate.mailbox.history import counterpart_history
from mailgate.mailbox.inbox import Cursor, list_threads
from mailgate.mailbox.search import MAX_QUERY, search
from mailgate.web import access, audit_trail
from mailgate.web.access import rule
from mailgate.web.deps import Ctx, PageCtx, render
from mailgate.web.i18n import Translator
from mailgate.workflow import thread_state
from mailgate.workflow.threads import handlers

router = APIRouter(include_in_schema=False)


def thread_state_words(t: Translator) -> dict[str, str]:
    return {
        "new": t("New"),
        "in_progress": t("In progress"),
        "waiting": t("Awaiting approval"),
        "sent": t("Reply sent"),
        "blocked": t("Stopped by check"),
        "failed": t("Sending failed"),
        "done": t("Done"),
    }


def message_state_words(t: Translator) -> dict[str, str]:
    return {
        "received": t("Received"),
        "draft": t("Draft"),
        "blocked": t("Stopped by check"),
        "pending_approval": t("Awaiting approval"),
        "rejected": t("Returned by supervisor"),
        "withdrawn": t("Withdrawn"),
        "queued": t("Approved, waiting to send"),
        "deferred": t("Sending delayed"),
        "sent": t("Reply sent"),
        "failed": t("Sending failed"),
    }


def decision_words(t: Translator) -> dict[str, str]:
    return {
        "approved": t("Approved"),
        "rejected": t("Returned"),
        "withdrawn": t("Withdrawn by author"),
    }


def direction_words(t: Translator) -> dict[str, str]:
    return {"inbound": t("Received"), "outbound": t("Our reply")}


def common_words(t: Translator) -> dict[str, Any]:
    return {
        "thread_state_words": thread_state_words(t),
        "message_state_words": message_state_words(t),
        "decision_words": decision_words(t),
        "direction_words": direction_words(t),
        "quote_address": lambda address: quote(address, safe="@"),
    }


def _int(value: str) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


def _url(path: str, **params: str) -> str:
    kept = {k: v for k, v in params.items() if v}
    return f"{path}?{urlencode(kept)}" if kept else path


@router.get("/departments/{department_id}/inbox")
@rule("member")
def inbox(
    ctx: PageCtx,
    department_id: int,
    state: str = "",
    assignee: str = "",
    q: str = "",
    before: str = "",
) -> Response:
    department = access.load_department(ctx.session, ctx.me, department_id)
    size = ctx.settings.web.page_size
    path = f"/departments/{department_id}/inbox"
    state = state if state in thread_state.STATES else ""
    members = handlers(ctx.session, department_id)
    member_ids = {u.id for u in members}
    assignee_id: int | None = None
    unassigned = False
    if assignee == "me":
        assignee_id = ctx.me.id
    elif assignee == "none":
        unassigned = True
    elif assignee:
        assignee_id = _int(assignee)
        if assignee_id not in member_ids:
            assignee, assignee_id = "", None
    query = " ".join(q.split())[:MAX_QUERY]
    context: dict[str, Any] = {
        "department": department,
        "state": state,
        "assignee": assignee,
        "q": query,
        "members": members,
        "states": thread_state.STATES,
        "rows": [],
        "hits": [],
        "older": "",
        "first_page": _url(path, state=state, assignee=assignee, q=query) if before else "",
        **common_words(ctx.t),
    }
    if query:
        before_id = _int(before) if before else None
        hits = search(
            ctx.session,
            department_id=department_id,
            query=query,
            before_id=before_id,
            limit=size,
        )
        context["hits"] = hits
        if len(hits) == size:
            context["older"] = _url(path, q=query, before=str(hits[-1].message_id))
        if hits:
            # Snippets show mail content: who searched and what they saw is on the record.
            audit_trail.record(
                ctx,
                "mailbox.search",
                department_id=department_id,
                object_type="department",
                object_id=department_id,
                details={"messages": [h.message_id for h in hits], "query_chars": len(query)},
            )
            ctx.commit()
    else:
        cursor = Cursor.decode(before) if before else None
        page = list_threads(
            ctx.session,
            department_id=department_id,
            state=state or None,
            assignee_id=assignee_id,
            unassigned=unassigned,
            before=cursor,
            limit=size,
        )
        context["rows"] = page.rows
        if page.next_cursor:
            context["older"] = _url(path, state=state, assignee=assignee, before=page.next_cursor)
    return render(ctx, "inbox/index.html", context)


def _history_page(ctx: Ctx, department_id: int, address: str, before: str) -> Response:
    department = access.load_department(ctx.session, ctx.me, department_id)
    before_id = _int(before) if before else None
    history = counterpart_history(
        ctx.session,
        department_id=department_id,
        address=address,
        before_id=before_id,
        limit=ctx.settings.web.page_size,
    )
    if history.counterpart is None:
        raise NotFound("not found")
    counterpart = history.counterpart
    if history.entries:
        audit_trail.record(
            ctx,
            "counterpart.history",
            department_id=department_id,
            object_type="counterpart",
            object_id=counterpart.id or "",
            details={"messages": [e.message_id for e in history.entries]},
        )
        ctx.commit()
    path = f"/departments/{department_id}/counterparts/{quote(counterpart.address, safe='@')}"
    return render(
        ctx,
        "inbox/counterpart.html",
        {
            "department": department,
            "counterpart": counterpart,
            "entries": history.entries,
            "older": _url(path, before=str(history.next_before)) if history.next_before else "",
            "first_page": path if before else "",
            **common_words(ctx.t),
        },
    )


@router.get("/departments/{department_id}/counterparts/{address:path}")
@rule("member")
def counterpart(ctx: PageCtx, department_id: int, address: str, before: str = "") -> Response:
    return _history_page(ctx, department_id, address, before)
