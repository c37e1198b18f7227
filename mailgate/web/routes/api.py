"""The JSON API under /api/v1 (issue 4, item 11), documented at /api/v1/openapi.json.

Callers authenticate with `Authorization: Bearer <token>` (`mailgate user token USER`)
or, from our own pages, with the browser session plus the `X-CSRF-Token` header
(mailgate.web.deps.api). Access is decided exactly as for the pages, by
mailgate.web.access: an object of another department answers 404 like a missing
one. Writes go through mailgate.workflow and are committed before the answer.
Errors: 401 no or bad credentials, 403 self-approval or CSRF, 404 not found or not
yours, 409 not possible in the message's state, 422 invalid input.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlmodel import col, select

from mailgate import security_log
from mailgate.errors import NotFound
from mailgate.mailbox import history, inbox, search
from mailgate.models import (
    Department,
    Message,
    Thread,
)
from mailgate.web import audit_trail, views
from mailgate.web.access import load_department, load_message, load_thread, require, rule
from mailgate.web.deps import ApiCtx, Ctx
from mailgate.web.schemas import (
    BlockedPage,
    DecisionIn,
    DepartmentOut,
    HistoryOut,
    MessageIn,
    MessageOut,
    SearchHitOut,
    ThreadOut,
    ThreadPage,
    ThreadSummary,
)
from mailgate.workflow import approvals, drafts, thread_state
from mailgate.workflow.errors import SelfApprovalError

router = APIRouter(prefix="/api/v1", tags=["api"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No token or session, or a bad one"},
    404: {"description": "Not found, or not in one of your departments"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"description": "A browser session without the X-CSRF-Token header"},
    409: {"description": "Not possible in the message's current state, or invalid recipients"},
}
Limit = Annotated[int, Query(ge=1, le=200, description="At most this many rows")]


# Access is checked in dependencies: FastAPI solves them before it validates the request body,
# so a caller outside the department gets 404 (as for a missing object), never a 422 that
# would tell them the object exists.
def _member_department(ctx: ApiCtx, department_id: int) -> Department:
    return load_department(ctx.session, ctx.me, department_id)


def _member_thread(ctx: ApiCtx, thread_id: int) -> Thread:
    return load_thread(ctx.session, ctx.me, thread_id)


def _member_message(ctx: ApiCtx, message_id: int) -> Message:
    return load_message(ctx.session, ctx.me, message_id)


def _supervised_message(ctx: ApiCtx, message_id: int) -> Message:
    return load_message(ctx.session, ctx.me, message_id, "supervisor")


def _officer(ctx: ApiCtx) -> None:
    require(ctx.me, "officer")


MemberDepartment = Annotated[Department, Depends(_member_department)]
MemberThread = Annotated[Thread, Depends(_member_thread)]
MemberMessage = Annotated[Message, Depends(_member_message)]
SupervisedMessage = Annotated[Message, Depends(_supervised_message)]


# --- shared steps ------------------------------------------------------------------------------


def _viewed(ctx: Ctx, action: str, *, department_id: int, object_type: str, object_id: int) -> None:
    audit_trail.record(
        ctx,
        action,
        department_id=department_id,
        object_type=object_type,
        object_id=object_id,
        details={"via": "api"},
    )


def _saved(ctx: Ctx, message: Message) -> MessageOut:
    """Commit the change, then answer with the message as it now is."""
    ctx.commit()
    return views.message_out(ctx.session, ctx.me, message)


def _draft_input(body: MessageIn) -> drafts.DraftInput:
    return drafts.DraftInput(to=body.to, cc=body.cc, subject=body.subject, body=body.body)


def _submit(ctx: Ctx, message: Message) -> MessageOut:
    drafts.submit(
        ctx.session, ctx.gate, message, actor=ctx.user, secret=ctx.request.app.state.secret
    )
    return _saved(ctx, message)


# --- departments and threads -------------------------------------------------------------------


@router.get(
    "/departments",
    response_model=list[DepartmentOut],
    summary="Your departments",
    description="The departments you are staff or supervisor of; security officers and "
    "administrators see all departments.",
    responses={401: ERRORS[401]},
)
@rule("signed_in")
def list_departments(ctx: ApiCtx) -> list[DepartmentOut]:
    query = select(Department).order_by(col(Department.slug))
    if not (ctx.me.is_officer or ctx.me.is_admin):
        query = query.where(col(Department.id).in_(ctx.me.departments()))
    return views.departments_out(ctx.session, list(ctx.session.exec(query)))


@router.get(
    "/departments/{department_id}/threads",
    response_model=ThreadPage,
    summary="A department's threads",
    description="Threads newest first, one page at a time (pass `next_before` back as "
    "`before`). `state` filters by the thread's state. With `q`, a substring search of the "
    "department's mail (works for Japanese): `hits` lists the matching messages and "
    "`threads` the threads they are in (with `state`, only threads in that state); `before` is "
    "then the last hit's message id.",
    responses=ERRORS,
)
@rule("member")
def list_threads(
    ctx: ApiCtx,
    department: MemberDepartment,
    state: Annotated[str | None, Query(pattern="^(" + "|".join(thread_state.STATES) + ")$")] = None,
    q: Annotated[str | None, Query(max_length=search.MAX_QUERY)] = None,
    before: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = 50,
) -> ThreadPage:
    if q and q.strip():
        before_id = _int_cursor(before)
        hits = search.search(
            ctx.session,
            department_id=department.id or 0,
            query=q,
            before_id=before_id,
            limit=limit,
        )
        summaries = views.thread_summaries(
            ctx.session, list(dict.fromkeys(h.thread_id for h in hits))
        )
        if state:
            summaries = [t for t in summaries if t.state == state]
        shown = {t.id for t in summaries}
        return ThreadPage(
            threads=summaries,
            hits=[SearchHitOut(**vars(h)) for h in hits if h.thread_id in shown],
            next_before=str(hits[-1].message_id) if len(hits) == limit else None,
        )
    cursor = None
    if before:
        cursor = inbox.Cursor.decode(before)
        if cursor is None:
            raise HTTPException(422, "before: not a cursor from next_before")
    page = inbox.list_threads(
        ctx.session, department_id=department.id or 0, state=state, before=cursor, limit=limit
    )
    return ThreadPage(
        threads=[ThreadSummary(**vars(r)) for r in page.rows],
        next_before=page.next_cursor,
    )


def _int_cursor(before: str | None) -> int | None:
    if not before:
        return None
    try:
        return int(before)
    except ValueError:
        raise HTTPException(422, "before: not a cursor from next_before") from None


@router.get(
    "/threads/{thread_id}",
    response_model=ThreadOut,
    summary="A thread with all its messages",
    description="Every message of the thread in order, with policy findings of outgoing "
    "drafts. Reading a thread is recorded in the audit trail.",
    responses=ERRORS,
)
@rule("member")
def get_thread(ctx: ApiCtx, found: MemberThread) -> ThreadOut:
    _viewed(
        ctx,
        "thread.view",
        department_id=found.department_id,
        object_type="thread",
        object_id=found.id or 0,
    )
    ctx.commit()
    return views.thread_out(ctx.session, ctx.me, found)


# --- writing and submitting ---------------------------------------------------------------------


@router.post(
    "/threads/{thread_id}/replies",
    status_code=201,
    response_model=MessageOut,
    summary="Reply to a thread and submit the reply",
    description="Creates a reply draft in the thread with the given recipients, subject and "
    "body, and submits it to the policy check. The answer is the message: `state` is "
    "`blocked` (see `findings`; fix it with PUT and submit again) or `pending_approval` "
    "(a supervisor who did not write it must approve it).",
    responses=WRITE_ERRORS,
)
@rule("member")
def create_reply(ctx: ApiCtx, found: MemberThread, body: MessageIn) -> MessageOut:
    message = drafts.start_reply(
        ctx.session, thread=found, author=ctx.user, mail_domain=ctx.settings.mail_domain
    )
    drafts.edit(ctx.session, message, editor=ctx.user, data=_draft_input(body))
    return _submit(ctx, message)


@router.post(
    "/departments/{department_id}/messages",
    status_code=201,
    response_model=MessageOut,
    summary="Write a new message and submit it",
    description="Starts a new thread with the first recipient and submits the message to the "
    "policy check; the answer is as for a reply (`blocked` or `pending_approval`).",
    responses=WRITE_ERRORS,
)
@rule("member")
def new_message(ctx: ApiCtx, department: MemberDepartment, body: MessageIn) -> MessageOut:
    message = drafts.start_new(
        ctx.session,
        department=department,
        author=ctx.user,
        data=_draft_input(body),
        mail_domain=ctx.settings.mail_domain,
    )
    return _submit(ctx, message)


@router.get(
    "/messages/{message_id}",
    response_model=MessageOut,
    summary="One message",
    description="A message with its policy findings and decisions. Reading it is recorded in "
    "the audit trail.",
    responses=ERRORS,
)
@rule("member")
def get_message(ctx: ApiCtx, found: MemberMessage) -> MessageOut:
    _viewed(
        ctx,
        "message.view",
        department_id=found.department_id,
        object_type="message",
        object_id=found.id or 0,
    )
    ctx.commit()
    return views.message_out(ctx.session, ctx.me, found)


@router.put(
    "/messages/{message_id}",
    response_model=MessageOut,
    summary="Edit a draft",
    description="Replace the recipients, subject and body of a draft, or of a blocked, "
    "rejected or withdrawn message; it becomes a draft again (submit it to send it). "
    "409 for any other state.",
    responses=WRITE_ERRORS,
)
@rule("member")
def edit_message(ctx: ApiCtx, found: MemberMessage, body: MessageIn) -> MessageOut:
    drafts.edit(ctx.session, found, editor=ctx.user, data=_draft_input(body))
    return _saved(ctx, found)


@router.post(
    "/messages/{message_id}/submit",
    response_model=MessageOut,
    summary="Submit a draft to the policy check",
    description="`state` becomes `blocked` (see `findings`) or `pending_approval`.",
    responses=WRITE_ERRORS,
)
@rule("member")
def submit_message(ctx: ApiCtx, found: MemberMessage) -> MessageOut:
    return _submit(ctx, found)


# --- decisions ----------------------------------------------------------------------------------


@router.post(
    "/messages/{message_id}/approve",
    response_model=MessageOut,
    summary="Approve a message waiting for approval",
    description="Supervisors of the department only. Records the hash of exactly what is sent "
    "and queues delivery (`state` becomes `queued`). The author and the last editor can never "
    "approve (403).",
    responses={
        **WRITE_ERRORS,
        403: {"description": "You wrote or last edited the message, or a missing CSRF header"},
    },
)
@rule("supervisor")
def approve_message(
    ctx: ApiCtx, found: SupervisedMessage, body: DecisionIn | None = None
) -> MessageOut:
    try:
        approvals.approve(
            ctx.session, found, actor=ctx.user, comment=(body or DecisionIn()).comment
        )
    except SelfApprovalError:
        raise HTTPException(
            403, "The author or last editor of a message cannot approve it; ask another supervisor."
        ) from None
    return _saved(ctx, found)


@router.post(
    "/messages/{message_id}/reject",
    response_model=MessageOut,
    summary="Reject a message waiting for approval",
    description="Supervisors of the department only; the comment (required) tells the author "
    "what to change. `state` becomes `rejected`; the author can edit and submit again.",
    responses={**WRITE_ERRORS, 422: {"description": "No comment"}},
)
@rule("supervisor")
def reject_message(ctx: ApiCtx, found: SupervisedMessage, body: DecisionIn) -> MessageOut:
    if not body.comment.strip():
        raise HTTPException(422, "comment: a rejection needs a comment for the author")
    approvals.reject(ctx.session, found, actor=ctx.user, comment=body.comment)
    return _saved(ctx, found)


@router.post(
    "/messages/{message_id}/withdraw",
    response_model=MessageOut,
    summary="Withdraw a message from the approval queue",
    description="Takes a message waiting for approval back (`state` becomes `withdrawn`) so it "
    "can be edited further.",
    responses=WRITE_ERRORS,
)
@rule("member")
def withdraw_message(
    ctx: ApiCtx, found: MemberMessage, body: DecisionIn | None = None
) -> MessageOut:
    approvals.withdraw(ctx.session, found, actor=ctx.user, comment=(body or DecisionIn()).comment)
    return _saved(ctx, found)


# --- counterpart history and the blocked log ---------------------------------------------------


@router.get(
    "/departments/{department_id}/counterparts/{address}/history",
    response_model=HistoryOut,
    summary="Everything exchanged with one address",
    description="Every message in and out between the department and the address, newest "
    "first, with states and who approved, rejected or withdrew it. Page with `before` "
    "(the `next_before` of the previous page).",
    responses=ERRORS,
)
@rule("member")
def counterpart_history(
    ctx: ApiCtx,
    department: MemberDepartment,
    address: str,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Limit = 100,
) -> HistoryOut:
    found = history.counterpart_history(
        ctx.session,
        department_id=department.id or 0,
        address=address,
        before_id=before,
        limit=limit,
    )
    if found.counterpart is None:
        raise NotFound("not found")
    _viewed(
        ctx,
        "history.view",
        department_id=department.id or 0,
        object_type="counterpart",
        object_id=found.counterpart.id or 0,
    )
    ctx.commit()
    return views.history_out(found)


@router.get(
    "/security/blocked",
    response_model=BlockedPage,
    summary="The blocked-message log",
    description="Security officers only. Blocked submissions across departments, newest first, "
    "without personal data: rule, reason, entity type, position, a masked excerpt and a "
    "salted hash of the matched text. Filters: department, reason, and `since`/`until` "
    "(calendar days in Asia/Tokyo, both inclusive). Page with `before`.",
    responses=ERRORS,
)
@rule("officer")
def blocked_log(
    ctx: ApiCtx,
    _: Annotated[None, Depends(_officer)],
    department_id: int | None = None,
    reason: Annotated[
        str | None, Query(pattern="^(" + "|".join(security_log.REASONS) + ")$")
    ] = None,
    since: date | None = None,
    until: date | None = None,
    before: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = 50,
) -> BlockedPage:
    cursor = security_log.Cursor.decode(before)
    if before and cursor is None:
        raise HTTPException(422, "before: not a cursor from next_before")
    filters = security_log.Filters(department_id, reason, since, until)
    page = security_log.list_events(ctx.session, filters, before=cursor, limit=limit)
    return views.blocked_page_out(page)
