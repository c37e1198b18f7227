"""Drafts: start a reply or a new message, edit it, submit it to the policy gate, withdraw it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from mailgate.directory import addresses_of, normalise_address
from mailgate.localtime import format_local
from mailgate.mail.compose import new_message_id
from mailgate.mail.threading import normalise_subject
from mailgate.models import (
    Counterpart,
    Department,
    Direction,
    Message,
    MessageState,
    Thread,
    User,
    utcnow,
)
from mailgate.policy.findings import Verdict
from mailgate.workflow import blocklog, message_audit, states, thread_state
from mailgate.workflow.approvals import current_hash
from mailgate.workflow.errors import DraftChangedError, WorkflowError
from mailgate.workflow.policy_gate import PolicyGate

MAX_RECIPIENTS = 100
MAX_BODY_CHARS = 200_000


@dataclass
class DraftInput:
    to: Sequence[str]
    cc: Sequence[str] = ()
    subject: str = ""
    body: str = ""


def _clean_addresses(values: Sequence[str]) -> list[str]:
    cleaned = []
    for value in values:
        for part in value.replace(";", ",").split(","):
            address = normalise_address(part)
            if not address:
                continue
            local, _, domain = address.partition("@")
            if not local or "." not in domain or any(c.isspace() or c in '<>"()' for c in address):
                raise WorkflowError(f"not an e-mail address: {part.strip()!r}")
            if address not in cleaned:
                cleaned.append(address)
    return cleaned


def _validate(data: DraftInput) -> tuple[list[str], list[str]]:
    to, cc = _clean_addresses(data.to), _clean_addresses(data.cc)
    if not to:
        raise WorkflowError("a message needs at least one recipient")
    if len(to) + len(cc) > MAX_RECIPIENTS:
        raise WorkflowError(f"at most {MAX_RECIPIENTS} recipients")
    if len(data.body) > MAX_BODY_CHARS:
        raise WorkflowError(f"the body is longer than {MAX_BODY_CHARS} characters")
    if "\n" in data.subject or "\r" in data.subject:
        raise WorkflowError("the subject must be one line")
    return to, cc


def sender_address(session: Session, department_id: int) -> str:
    addresses = addresses_of(session, department_id)
    if not addresses:
        raise WorkflowError("the department has no address to send from")
    return addresses[0]


def _counterpart(session: Session, department_id: int, address: str) -> Counterpart:
    found = session.exec(
        select(Counterpart).where(
            Counterpart.department_id == department_id, Counterpart.address == address
        )
    ).first()
    if found:
        return found
    counterpart = Counterpart(department_id=department_id, address=address)
    session.add(counterpart)
    session.flush()
    return counterpart


def quote(message: Message) -> str:
    """The resident's text quoted below a reply, in the form Japanese mail clients use."""
    stamp = format_local(message.date or message.created_at)  # Japan time, as the resident sent it
    who = (
        f"{message.from_name} <{message.from_address}>"
        if message.from_name
        else message.from_address
    )
    lines = [f"> {line}" if line else ">" for line in message.text_body.splitlines()]
    return "\n".join([f"{stamp} {who}:", *lines])


def _create_draft(
    session: Session,
    *,
    thread: Thread,
    counterpart: Counterpart,
    author: User,
    mail_domain: str,
    to: list[str],
    cc: list[str],
    subject: str,
    body: str,
    reply: bool,
    in_reply_to: str = "",
    references: list[str] | None = None,
) -> Message:
    """The outbound draft in `thread`, sent from the department's first address; audited."""
    message = Message(
        department_id=thread.department_id,
        thread_id=thread.id or 0,
        counterpart_id=counterpart.id or 0,
        direction=Direction.OUTBOUND,
        state=MessageState.DRAFT,
        message_id_header=new_message_id(mail_domain),
        dedupe_key="",
        in_reply_to=in_reply_to,
        references=references or [],
        subject=subject,
        from_address=sender_address(session, thread.department_id),
        to_addresses=to,
        cc_addresses=cc,
        text_body=body,
        author_id=author.id,
        last_editor_id=author.id,
    )
    message.dedupe_key = message.message_id_header
    session.add(message)
    session.flush()
    thread_state.refresh(session, thread.id or 0)
    message_audit.record(
        session,
        "draft.create",
        message,
        actor=author,
        details={"thread_id": thread.id, "reply": reply},
    )
    return message


def start_reply(
    session: Session, *, thread: Thread, author: User, mail_domain: str, body: str | None = None
) -> Message:
    """A draft answering the thread's latest inbound message, with its text quoted."""
    original = session.exec(
        select(Message)
        .where(Message.thread_id == thread.id, Message.direction == Direction.INBOUND)
        .order_by(col(Message.id).desc())
    ).first()
    counterpart = session.get(Counterpart, thread.counterpart_id)
    assert counterpart is not None  # foreign key
    subject = thread.subject
    references: list[str] = []
    in_reply_to = ""
    if original is not None:
        subject = original.subject
        in_reply_to = original.message_id_header
        references = [*original.references, original.message_id_header][-20:]
        references = [r for r in references if r]
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    text = body if body is not None else ("\n\n" + quote(original) if original else "")
    return _create_draft(
        session,
        thread=thread,
        counterpart=counterpart,
        author=author,
        mail_domain=mail_domain,
        to=[counterpart.address],
        cc=[],
        subject=subject,
        body=text,
        reply=True,
        in_reply_to=in_reply_to,
        references=references,
    )


def start_new(
    session: Session, *, department: Department, author: User, data: DraftInput, mail_domain: str
) -> Message:
    """A new conversation: a thread for the first recipient, and the draft in it."""
    to, cc = _validate(data)
    counterpart = _counterpart(session, department.id or 0, to[0])
    now = utcnow()
    thread = Thread(
        department_id=department.id or 0,
        counterpart_id=counterpart.id or 0,
        subject=data.subject,
        subject_key=normalise_subject(data.subject)[:500],
        assignee_id=author.id,
        created_at=now,
        last_message_at=now,
    )
    session.add(thread)
    session.flush()
    return _create_draft(
        session,
        thread=thread,
        counterpart=counterpart,
        author=author,
        mail_domain=mail_domain,
        to=to,
        cc=cc,
        subject=data.subject,
        body=data.body,
        reply=False,
    )


def edit(session: Session, message: Message, *, editor: User, data: DraftInput) -> Message:
    """Change a draft (also a blocked, rejected or withdrawn one); it becomes a draft again."""
    states.require(message, "edit")
    to, cc = _validate(data)
    message.to_addresses, message.cc_addresses = to, cc
    message.subject = data.subject
    message.text_body = data.body
    message.last_editor_id = editor.id
    message.state = MessageState.DRAFT
    session.add(message)
    session.flush()
    thread_state.refresh(session, message.thread_id)
    message_audit.record(session, "draft.edit", message, actor=editor)
    return message


def submit(
    session: Session, gate: PolicyGate, message: Message, *, actor: User, secret: str
) -> Verdict:
    """Run the policy. Blocked: stays with the author, logged for the officers. Else: pending.

    Commits what the session holds first: the check takes 0.1-0.5 s (seconds while the
    analyzer loads) and runs outside any transaction, so that the database, on SQLite its
    one write lock that SMTP reception also needs, is not held meanwhile. The verdict is
    then recorded only if the draft is still what was checked.
    """
    states.require(message, "submit")
    _validate(
        DraftInput(message.to_addresses, message.cc_addresses, message.subject, message.text_body)
    )
    mail = gate.outgoing_mail(session, message)
    checked = current_hash(session, message)
    session.commit()
    verdict = gate.verdict(mail)
    # Locked (PostgreSQL) so that two submits of one draft cannot both record a verdict.
    session.refresh(message, with_for_update=True)
    if not states.allowed(message, "submit") or current_hash(session, message) != checked:
        raise DraftChangedError("the draft changed while it was being checked; submit it again")
    message.policy_report = verdict.to_dict()
    message.submitted_at = utcnow()
    if verdict.blocked:
        message.state = MessageState.BLOCKED
        event = blocklog.entry(message, verdict, secret=secret, author_id=actor.id)
        session.add(event)
        session.flush()
        message_audit.record(
            session,
            "draft.blocked",
            message,
            actor=actor,
            details={
                "blocked_event": event.id,
                "reasons": event.reasons,
                "entity_types": event.entity_types,
                "policy_version": verdict.policy_version,
            },
        )
    else:
        message.state = MessageState.PENDING_APPROVAL
        message_audit.record(
            session,
            "draft.submitted",
            message,
            actor=actor,
            details={"policy_version": verdict.policy_version},
        )
    session.add(message)
    session.flush()
    thread_state.refresh(session, message.thread_id)
    return verdict
