"""Supervisors' approvals: the department's queue, the review page, approve, reject, withdraw.

The author and the last editor of a message never see an approve button, and the
server refuses them anyway (approvals.may_approve / SelfApprovalError). Approval
binds the content hash of exactly what is sent and queues delivery.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from sqlmodel import col, select

from mailgate.models import (
    Approval,
    Delivery,
    Department,
    Direction,
    Message,
    MessageState,
    Thread,
)
from mailgate.web import access, audit_trail, views
from mailgate.web.access import rule
from mailgate.web.deps import Ctx, FormCtx, PageCtx, render
from mailgate.web.highlight import shown_findings
from mailgate.web.routes.compose import error_text, words
from mailgate.workflow import approvals, states
from mailgate.workflow.errors import SelfApprovalError, WorkflowError

router = APIRouter(include_in_schema=False)

Comment = Annotated[str, Form(max_length=approvals.MAX_COMMENT * 2)]


@router.get("/departments/{department_id}/approvals")
@rule("supervisor")
def queue(ctx: PageCtx, department_id: int, notice: str = "") -> Response:
    department = access.load_department(ctx.session, ctx.me, department_id, "supervisor")
    pending = list(
        ctx.session.exec(
            select(Message)
            .where(
                Message.department_id == department_id,
                Message.state == MessageState.PENDING_APPROVAL,
            )
            .order_by(col(Message.submitted_at), col(Message.id))
            .limit(500)
        )
    )
    users = views.users_by_id(
        ctx.session, {m.author_id for m in pending} | {m.last_editor_id for m in pending}
    )
    return render(
        ctx,
        "approvals/queue.html",
        {
            "department": department,
            "pending": pending,
            "users": users,
            "may_approve": {m.id: approvals.may_approve(m, ctx.user) for m in pending},
            "notice": notice[:20],
            **words(ctx.t),
        },
    )


def _review_page(
    ctx: Ctx, message: Message, *, error: str = "", comment: str = "", status: int = 200
) -> Response:
    department = ctx.session.get(Department, message.department_id)
    thread = ctx.session.get(Thread, message.thread_id)
    assert department is not None and thread is not None
    report = message.policy_report or {}
    decisions = list(
        ctx.session.exec(
            select(Approval).where(Approval.message_pk == message.id).order_by(col(Approval.id))
        )
    )
    users = views.users_by_id(
        ctx.session, {message.author_id, message.last_editor_id} | {a.actor_id for a in decisions}
    )
    delivery = ctx.session.exec(select(Delivery).where(Delivery.message_pk == message.id)).first()
    pending = message.state == MessageState.PENDING_APPROVAL
    supervisor = ctx.me.has_supervisor(message.department_id)
    context: dict[str, Any] = {
        "message": message,
        "department": department,
        "thread": thread,
        "report": report,
        "notes": shown_findings(report.get("findings", []), ctx.t.lang, blocking=None),
        "decisions": decisions,
        "users": users,
        "attachments": views.attachments_of(ctx.session, message),
        "delivery": delivery,
        "pending": pending,
        "is_supervisor": supervisor,
        "self_made": not approvals.may_approve(message, ctx.user),
        "can_approve": pending and supervisor and approvals.may_approve(message, ctx.user),
        "can_reject": pending and supervisor,
        "can_withdraw": pending,
        "error": error,
        "comment": comment,
        **words(ctx.t),
    }
    return render(ctx, "approvals/review.html", context, status_code=status)


@router.get("/messages/{message_id}/review")
@rule("member")
def review(ctx: PageCtx, message_id: int) -> Response:
    message = access.load_message(ctx.session, ctx.me, message_id)
    if message.direction != Direction.OUTBOUND:
        return RedirectResponse(f"/threads/{message.thread_id}", status_code=303)
    audit_trail.message_event(ctx, "message.view", message, {"page": "review"})
    ctx.commit()
    return _review_page(ctx, message)


def _refused(ctx: Ctx, message: Message) -> Response:
    return render(ctx, "approvals/refused.html", {"message": message}, status_code=403)


def _to_queue(message: Message, notice: str) -> RedirectResponse:
    return RedirectResponse(
        f"/departments/{message.department_id}/approvals?notice={notice}", status_code=303
    )


@router.post("/messages/{message_id}/approve")
@rule("supervisor")
def approve(ctx: FormCtx, message_id: int, comment: Comment = "") -> Response:
    message = access.load_message(ctx.session, ctx.me, message_id, "supervisor")
    try:
        approvals.approve(ctx.session, message, actor=ctx.user, comment=comment.strip())
    except SelfApprovalError:
        ctx.session.rollback()
        message = access.load_message(ctx.session, ctx.me, message_id, "supervisor")
        audit_trail.message_event(
            ctx, "message.approve_refused", message, {"reason": "self_approval"}
        )
        ctx.commit()
        return _refused(ctx, message)
    ctx.commit()
    return _to_queue(message, "approved")


@router.post("/messages/{message_id}/reject")
@rule("supervisor")
def reject(ctx: FormCtx, message_id: int, comment: Comment = "") -> Response:
    message = access.load_message(ctx.session, ctx.me, message_id, "supervisor")
    states.require(message, "reject")
    try:
        approvals.reject(ctx.session, message, actor=ctx.user, comment=comment.strip())
    except WorkflowError as exc:
        ctx.session.rollback()
        message = access.load_message(ctx.session, ctx.me, message_id, "supervisor")
        return _review_page(ctx, message, error=error_text(ctx.t, exc), comment=comment, status=400)
    ctx.commit()
    return _to_queue(message, "rejected")


@router.post("/messages/{message_id}/withdraw")
@rule("member")
def withdraw(ctx: FormCtx, message_id: int) -> Response:
    message = access.load_message(ctx.session, ctx.me, message_id)
    approvals.withdraw(ctx.session, message, actor=ctx.user)
    ctx.commit()
    return RedirectResponse(f"/messages/{message.id}/edit?notice=withdrawn", status_code=303)
