"""The thread view, handling a thread (assign, done, reopen) and attachment downloads.

GET  /threads/{thread_id}                 all messages oldest first (audited: thread.view)
POST /threads/{thread_id}/assign          user_id=<id> | "me" | "" (nobody)
POST /threads/{thread_id}/done
POST /threads/{thread_id}/reopen
GET  /attachments/{attachment_id}         always a download (audited: attachment.download)

Inbound HTML is shown only as mailgate.mail.sanitize made it. A resident's mail
that looks like an application gets the banner of mailgate.mail.application_notice,
with a reply prefilled by `application_reply_text` (/threads/{id}/reply?template=application).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlmodel import col, select

from mailgate import blobs
from mailgate.errors import NotFound
from mailgate.mail.application_notice import (
    application_reply_text,
    looks_like_application,
)
from mailgate.mail.sanitize import sanitize_html
from mailgate.models import (
    Approval,
    Attachment,
    Counterpart,
    Delivery,
    Department,
    Message,
    MessageState,
    Thread,
    User,
)
from mailgate.policy.loader import PolicyError
from mailgate.web import access, audit_trail, views
from mailgate.web.access import rule
from mailgate.web.deps import Ctx, FormCtx, PageCtx, render
from mailgate.web.routes.inbox import common_words
from mailgate.workflow import threads as thread_work
from mailgate.workflow.errors import WorkflowError

router = APIRouter(include_in_schema=False)

__all__ = ["application_reply_text", "router", "safe_filename"]

EDITABLE = {MessageState.DRAFT, MessageState.BLOCKED, MessageState.REJECTED, MessageState.WITHDRAWN}
UserField = Annotated[str, Form(max_length=20)]


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def _policy_path(ctx: Ctx) -> Path | None:
    """Where the policy in use lives (its dictionaries may tune the application banner)."""
    try:
        return ctx.gate.policy.path
    except PolicyError:
        return None  # a broken policy file must not stop anyone reading mail


@router.get("/threads/{thread_id}")
@rule("member")
def thread_view(ctx: PageCtx, thread_id: int, notice: str = "") -> Response:
    thread = access.load_thread(ctx.session, ctx.me, thread_id)
    department = ctx.session.get(Department, thread.department_id)
    counterpart = ctx.session.get(Counterpart, thread.counterpart_id)
    assert department is not None and counterpart is not None  # foreign keys
    messages = list(
        ctx.session.exec(
            select(Message).where(Message.thread_id == thread.id).order_by(col(Message.id))
        )
    )
    ids = [m.id for m in messages]
    attachments: dict[int, list[Attachment]] = {}
    approvals: dict[int, list[Approval]] = {}
    deliveries: dict[int, Delivery] = {}
    if ids:
        for attachment in ctx.session.exec(
            select(Attachment)
            .where(col(Attachment.message_pk).in_(ids))
            .order_by(col(Attachment.id))
        ):
            attachments.setdefault(attachment.message_pk, []).append(attachment)
        for approval in ctx.session.exec(
            select(Approval).where(col(Approval.message_pk).in_(ids)).order_by(col(Approval.id))
        ):
            approvals.setdefault(approval.message_pk, []).append(approval)
        for delivery in ctx.session.exec(select(Delivery).where(col(Delivery.message_pk).in_(ids))):
            deliveries[delivery.message_pk] = delivery
    members = thread_work.handlers(ctx.session, thread.department_id)
    users = views.users_by_id(
        ctx.session,
        {m.author_id for m in messages}
        | {a.actor_id for found in approvals.values() for a in found}
        | {thread.assignee_id},
    )
    html: dict[int, Any] = {}
    for message in messages:
        if message.direction == "inbound" and message.html_body.strip():
            safe = sanitize_html(message.html_body)
            # The only Markup in the page: what the sanitiser produced.
            html[message.id or 0] = {"markup": Markup(safe.html), "result": safe}
    latest_inbound = next((m for m in reversed(messages) if m.direction == "inbound"), None)
    application = latest_inbound is not None and looks_like_application(
        latest_inbound.subject, latest_inbound.text_body, _policy_path(ctx)
    )
    audit_trail.record(
        ctx,
        "thread.view",
        department_id=thread.department_id,
        object_type="thread",
        object_id=thread.id or "",
        details={"messages": ids},
    )
    ctx.commit()
    return render(
        ctx,
        "threads/view.html",
        {
            "department": department,
            "thread": thread,
            "counterpart": counterpart,
            "messages": messages,
            "attachments": attachments,
            "approvals": approvals,
            "deliveries": deliveries,
            "users": users,
            "members": members,
            "html": html,
            "application": application,
            "editable": {s.value for s in EDITABLE},
            "notice": notice[:20],
            "size": _size,
            **common_words(ctx.t),
        },
    )


def _handled(ctx: Ctx, thread_id: int, notice: str, step: Callable[[Thread], object]) -> Response:
    """One step of handling the thread (mailgate.workflow.threads), committed; back to it."""
    thread = access.load_thread(ctx.session, ctx.me, thread_id)
    step(thread)
    ctx.commit()
    return RedirectResponse(f"/threads/{thread.id}?notice={notice}", status_code=303)


def _assignee(ctx: Ctx, user_id: str) -> User | None:
    """The user chosen in the form: "me", nobody ("" or "none"), or a user id."""
    if user_id == "me":
        return ctx.user  # type: ignore[no-any-return]
    if user_id in ("", "none"):
        return None
    try:
        assignee = ctx.session.get(User, int(user_id))
    except ValueError:
        assignee = None
    if assignee is None:
        raise WorkflowError("the assignee is not a member of the department")
    return assignee


@router.post("/threads/{thread_id}/assign")
@rule("member")
def assign(ctx: FormCtx, thread_id: int, user_id: UserField = "") -> Response:
    return _handled(
        ctx,
        thread_id,
        "assigned",
        lambda thread: thread_work.assign(
            ctx.session, thread, assignee=_assignee(ctx, user_id), actor=ctx.user
        ),
    )


@router.post("/threads/{thread_id}/done")
@rule("member")
def done(ctx: FormCtx, thread_id: int) -> Response:
    return _handled(
        ctx,
        thread_id,
        "done",
        lambda thread: thread_work.mark_done(ctx.session, thread, actor=ctx.user),
    )


@router.post("/threads/{thread_id}/reopen")
@rule("member")
def reopen(ctx: FormCtx, thread_id: int) -> Response:
    return _handled(
        ctx,
        thread_id,
        "reopened",
        lambda thread: thread_work.reopen(ctx.session, thread, actor=ctx.user),
    )


# ---------------------------------------------------------------------------
# Attachments

_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"\\/:*?<>|;]+")


def safe_filename(name: str, fallback: str = "attachment") -> tuple[str, str]:
    """(ASCII fallback, full name) for Content-Disposition; no paths, controls or quotes."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]  # a path: keep the last part only
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")  # controls, bidi
    name = _UNSAFE.sub("_", name).strip(" .")[:200] or fallback
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = re.sub(r"[^A-Za-z0-9._ ()+-]+", "_", ascii_stem).strip(" ._")
    if not re.search(r"[A-Za-z0-9]", ascii_stem):
        ascii_stem = fallback
    ascii_extension = re.sub(r"[^A-Za-z0-9]", "", extension)[:10]
    ascii_name = ascii_stem + (f".{ascii_extension}" if ascii_extension else "")
    return ascii_name, name


def content_disposition(name: str) -> str:
    ascii_name, full = safe_filename(name)
    value = f'attachment; filename="{ascii_name}"'
    if full != ascii_name:
        value += f"; filename*=UTF-8''{quote(full, safe='')}"
    return value


@router.get("/attachments/{attachment_id}")
@rule("member")
def download(ctx: PageCtx, attachment_id: int) -> Response:
    attachment, message = access.load_attachment(ctx.session, ctx.me, attachment_id)
    data = blobs.get(ctx.session, attachment.sha256)
    if data is None:
        raise NotFound("not found")
    audit_trail.record(
        ctx,
        "attachment.download",
        department_id=message.department_id,
        object_type="attachment",
        object_id=attachment.id or "",
        details={"message_id": message.id, "thread_id": message.thread_id, "size": len(data)},
    )
    ctx.commit()
    return Response(
        content=data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": content_disposition(attachment.filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )
