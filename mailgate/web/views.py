"""View models: rows of the database turned into what the pages and the API show.

The API's schemas (mailgate.web.schemas) are filled here, with a fixed number of
queries however many messages there are, so the routes stay thin. A finding's
matched text goes only to members of the message's department.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from mailgate import security_log
from mailgate.mailbox.history import History
from mailgate.models import (
    Approval,
    Attachment,
    Counterpart,
    Department,
    DepartmentAddress,
    Message,
    Thread,
    User,
)
from mailgate.web.access import Principal
from mailgate.web.schemas import (
    AttachmentOut,
    BlockedEventOut,
    BlockedPage,
    DecisionOut,
    DepartmentOut,
    HistoryDecisionOut,
    HistoryEntryOut,
    HistoryOut,
    MessageOut,
    ThreadOut,
    ThreadSummary,
    blocked_finding_out,
    finding_out,
)

# --- lookups shared by pages and the API ------------------------------------------------------


def users_by_id(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    """The users with these ids (None and unknown ids are skipped)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {u.id or 0: u for u in session.exec(select(User).where(col(User.id).in_(wanted)))}


def usernames(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    return {i: u.username for i, u in users_by_id(session, ids).items()}


def attachments_of(session: Session, message: Message) -> list[Attachment]:
    return list(
        session.exec(
            select(Attachment)
            .where(Attachment.message_pk == message.id)
            .order_by(col(Attachment.id))
        )
    )


# --- the API's view models --------------------------------------------------------------------


def departments_out(session: Session, departments: Sequence[Department]) -> list[DepartmentOut]:
    addresses: dict[int, list[str]] = {}
    if departments:
        for a in session.exec(
            select(DepartmentAddress)
            .where(col(DepartmentAddress.department_id).in_([d.id for d in departments]))
            .order_by(col(DepartmentAddress.id))
        ):
            addresses.setdefault(a.department_id, []).append(a.address)
    return [
        DepartmentOut(
            id=d.id or 0, slug=d.slug, name=d.name, addresses=addresses.get(d.id or 0, [])
        )
        for d in departments
    ]


def messages_out(
    session: Session, principal: Principal, messages: Sequence[Message]
) -> list[MessageOut]:
    """View models for messages of one department, with three queries for all of them."""
    ids = [m.id for m in messages]
    attachments: dict[int, list[AttachmentOut]] = {}
    decisions: dict[int, list[Approval]] = {}
    if ids:
        for a in session.exec(
            select(Attachment)
            .where(col(Attachment.message_pk).in_(ids))
            .order_by(col(Attachment.id))
        ):
            attachments.setdefault(a.message_pk, []).append(
                AttachmentOut(
                    id=a.id or 0, filename=a.filename, content_type=a.content_type, size=a.size
                )
            )
        for d in session.exec(
            select(Approval).where(col(Approval.message_pk).in_(ids)).order_by(col(Approval.id))
        ):
            decisions.setdefault(d.message_pk, []).append(d)
    user_ids: set[int | None] = {m.author_id for m in messages} | {
        m.last_editor_id for m in messages
    }
    user_ids |= {d.actor_id for ds in decisions.values() for d in ds}
    names = usernames(session, user_ids)
    result = []
    for m in messages:
        report = m.policy_report or {}
        # Members of the department may see the draft, so also what the policy found in it.
        with_text = principal.allows("member", m.department_id)
        result.append(
            MessageOut(
                id=m.id or 0,
                thread_id=m.thread_id,
                department_id=m.department_id,
                direction=m.direction,
                state=m.state,
                from_=m.from_address,
                to=list(m.to_addresses),
                cc=list(m.cc_addresses),
                subject=m.subject,
                body=m.text_body,
                created_at=m.created_at,
                submitted_at=m.submitted_at,
                author=names.get(m.author_id or 0),
                last_editor=names.get(m.last_editor_id or 0),
                verdict=report.get("verdict"),
                reasons=list(report.get("reasons") or []),
                policy_version=report.get("policy_version"),
                findings=[
                    finding_out(f, with_text=with_text) for f in report.get("findings") or []
                ],
                suggested_subject=(report.get("masked_subject") or None) if with_text else None,
                suggested_body=(report.get("masked_body") or None) if with_text else None,
                attachments=attachments.get(m.id or 0, []),
                decisions=[
                    DecisionOut(
                        decision=d.decision,
                        by=names.get(d.actor_id, ""),
                        at=d.at,
                        comment=d.comment,
                        content_hash=d.content_hash,
                    )
                    for d in decisions.get(m.id or 0, [])
                ],
            )
        )
    return result


def message_out(session: Session, principal: Principal, message: Message) -> MessageOut:
    return messages_out(session, principal, [message])[0]


def thread_out(session: Session, principal: Principal, thread: Thread) -> ThreadOut:
    messages = session.exec(
        select(Message).where(Message.thread_id == thread.id).order_by(col(Message.id))
    ).all()
    counterpart = session.get(Counterpart, thread.counterpart_id)
    return ThreadOut(
        id=thread.id or 0,
        department_id=thread.department_id,
        subject=thread.subject,
        state=thread.state,
        status=thread.status,
        counterpart=counterpart.address if counterpart else "",
        counterpart_name=counterpart.display_name if counterpart else "",
        assignee=usernames(session, {thread.assignee_id}).get(thread.assignee_id or 0),
        created_at=thread.created_at,
        last_message_at=thread.last_message_at,
        messages=messages_out(session, principal, messages),
    )


def thread_summaries(session: Session, thread_ids: list[int]) -> list[ThreadSummary]:
    """Inbox rows for the given threads (search results), in the order given."""
    if not thread_ids:
        return []
    rows = session.exec(
        select(Thread, Counterpart.address, Counterpart.display_name, User.display_name)
        .join(Counterpart, col(Counterpart.id) == Thread.counterpart_id)
        .outerjoin(User, col(User.id) == Thread.assignee_id)
        .where(col(Thread.id).in_(thread_ids))
    ).all()
    by_id = {
        t.id: ThreadSummary(
            id=t.id or 0,
            subject=t.subject,
            state=t.state,
            counterpart=address,
            counterpart_name=name or "",
            assignee=assignee or "",
            assignee_id=t.assignee_id,
            last_message_at=t.last_message_at,
        )
        for t, address, name, assignee in rows
    }
    return [by_id[i] for i in thread_ids if i in by_id]


def history_out(found: History) -> HistoryOut:
    assert found.counterpart is not None
    return HistoryOut(
        address=found.counterpart.address,
        display_name=found.counterpart.display_name,
        entries=[
            HistoryEntryOut(
                **{k: v for k, v in vars(e).items() if k != "decisions"},
                decisions=[HistoryDecisionOut(**d) for d in e.decisions],
            )
            for e in found.entries
        ],
        next_before=found.next_before,
    )


def blocked_page_out(page: security_log.Page) -> BlockedPage:
    return BlockedPage(
        events=[
            BlockedEventOut(
                id=row.id,
                at=row.event.at,
                department_id=row.event.department_id,
                department=row.department,
                message_id=row.event.message_pk,
                author=row.author,
                reasons=list(row.event.reasons),
                rules=list(row.event.rules),
                entity_types=list(row.event.entity_types),
                findings=[blocked_finding_out(f) for f in row.event.findings or []],
                policy_version=row.event.policy_version,
            )
            for row in page.rows
        ],
        next_before=page.next_cursor,
    )
