"""The state a thread shows in the inbox, derived from its latest messages and stored for filtering.

new          the resident wrote and nobody has taken the thread or drafted a reply
in_progress  assigned, or a reply is being written (draft, rejected, withdrawn)
waiting      a reply waits for a supervisor's approval
blocked      the latest reply was blocked by the policy
sent         the latest reply is queued, deferred or sent and the resident has not answered
failed       the latest reply could not be delivered
done         marked done by staff (a new inbound message reopens it)
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from mailgate.models import Message, MessageState, Thread

STATES = ("new", "in_progress", "waiting", "blocked", "sent", "failed", "done")
_FROM_OUTBOUND = {
    MessageState.DRAFT: "in_progress",
    MessageState.REJECTED: "in_progress",
    MessageState.WITHDRAWN: "in_progress",
    MessageState.BLOCKED: "blocked",
    MessageState.PENDING_APPROVAL: "waiting",
    MessageState.QUEUED: "sent",
    MessageState.DEFERRED: "sent",
    MessageState.SENT: "sent",
    MessageState.FAILED: "failed",
}


def derive(thread: Thread, latest: Message | None, has_outbound: bool) -> str:
    if thread.status == "done":
        return "done"
    if latest is None or latest.direction == "inbound":
        return "in_progress" if thread.assignee_id or has_outbound else "new"
    return _FROM_OUTBOUND.get(MessageState(latest.state), "in_progress")


def refresh(session: Session, thread_id: int, latest: Message | None = None) -> str:
    """Recompute and store the thread's state; returns it. The caller commits.

    `latest`: the thread's newest message when the caller has just stored it (filing),
    which saves reading it back on the ingest path.
    """
    thread = session.get(Thread, thread_id)
    if thread is None:
        return ""
    if latest is None:
        latest = session.exec(
            select(Message).where(Message.thread_id == thread_id).order_by(col(Message.id).desc())
        ).first()
    has_outbound = latest is not None and (
        latest.direction == "outbound"
        or session.exec(
            select(Message.id).where(
                Message.thread_id == thread_id, Message.direction == "outbound"
            )
        ).first()
        is not None
    )
    state = derive(thread, latest, has_outbound)
    if thread.state != state:
        thread.state = state
        session.add(thread)
    return state
