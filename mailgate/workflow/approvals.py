"""Approval: a supervisor who neither wrote nor last edited a draft approves exactly what is sent.

Approving records the content hash of the message as stored (sender, recipients,
subject, bodies, reply headers, attachments) and queues delivery with that hash;
the delivery worker recomputes it and refuses anything that changed since.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from mailgate.delivery import queue
from mailgate.mail.compose import content_hash
from mailgate.models import Approval, Attachment, Decision, Message, MessageState, User, utcnow
from mailgate.policy import history
from mailgate.workflow import message_audit, states, thread_state
from mailgate.workflow.errors import SelfApprovalError, WorkflowError

MAX_COMMENT = 2000


def may_approve(message: Message, user: User) -> bool:
    """False for the author and the last editor, whatever their role."""
    return user.id not in (message.author_id, message.last_editor_id)


def current_hash(session: Session, message: Message) -> str:
    attachments = session.exec(
        select(Attachment).where(Attachment.message_pk == message.id).order_by(col(Attachment.id))
    ).all()
    return content_hash(message, attachments)


def _decide(
    session: Session, message: Message, *, actor: User, decision: Decision, comment: str
) -> Approval:
    if len(comment) > MAX_COMMENT:
        raise WorkflowError(f"the comment is longer than {MAX_COMMENT} characters")
    report = message.policy_report or {}
    approval = Approval(
        message_pk=message.id or 0,
        actor_id=actor.id or 0,
        decision=decision.value,
        comment=comment,
        content_hash=current_hash(session, message),
        policy_version=str(report.get("policy_version", "")),
        at=utcnow(),
    )
    session.add(approval)
    session.flush()
    return approval


def _hand_back(session: Session, message: Message, state: MessageState) -> None:
    """The message leaves the approval queue and goes back to its author."""
    message.state = state
    session.add(message)
    session.flush()
    thread_state.refresh(session, message.thread_id)


def approve(session: Session, message: Message, *, actor: User, comment: str = "") -> Approval:
    states.require(message, "approve")
    if not may_approve(message, actor):
        raise SelfApprovalError("the author or last editor of a message cannot approve it")
    if (message.policy_report or {}).get("verdict") != "allow":
        raise WorkflowError("the message has not passed the policy check")
    approval = _decide(session, message, actor=actor, decision=Decision.APPROVED, comment=comment)
    for address in message.to_addresses + message.cc_addresses + message.bcc_addresses:
        history.record_send(
            session,
            department_id=message.department_id,
            message_pk=message.id,
            counterpart=address,
            body=message.text_body,
        )
    message_audit.record(
        session,
        "message.approved",
        message,
        actor=actor,
        details={"approval": approval.id, "content_hash": approval.content_hash},
    )
    queue.enqueue(
        session,
        message,
        approved_hash=approval.content_hash,
        actor=actor.username,
        actor_id=actor.id,
    )
    return approval


def reject(session: Session, message: Message, *, actor: User, comment: str) -> Approval:
    states.require(message, "reject")
    if not comment.strip():
        raise WorkflowError("a rejection needs a comment for the author")
    approval = _decide(session, message, actor=actor, decision=Decision.REJECTED, comment=comment)
    _hand_back(session, message, MessageState.REJECTED)
    message_audit.record(
        session, "message.rejected", message, actor=actor, details={"approval": approval.id}
    )
    return approval


def withdraw(session: Session, message: Message, *, actor: User, comment: str = "") -> Approval:
    """Take a submitted draft back from the approval queue to edit it further."""
    states.require(message, "withdraw")
    approval = _decide(session, message, actor=actor, decision=Decision.WITHDRAWN, comment=comment)
    _hand_back(session, message, MessageState.WITHDRAWN)
    message_audit.record(session, "message.withdrawn", message, actor=actor)
    return approval
