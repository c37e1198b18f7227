"""Handling a thread: assign it to a member of its department, mark it done, reopen it.

Each change writes one audit event and recomputes the state the inbox shows
(mailgate.workflow.thread_state.refresh); the caller commits.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from mailgate import audit
from mailgate.models import Membership, Role, Thread, User
from mailgate.workflow import thread_state
from mailgate.workflow.errors import WorkflowError

HANDLER_ROLES = (Role.STAFF.value, Role.SUPERVISOR.value)


def handlers(session: Session, department_id: int) -> list[User]:
    """Who may handle the department's threads: its staff and supervisors (active accounts)."""
    users = session.exec(
        select(User)
        .join(Membership, col(Membership.user_id) == User.id)
        .where(
            Membership.department_id == department_id,
            col(Membership.role).in_(HANDLER_ROLES),
            col(User.is_active).is_(True),
        )
        .distinct()
    ).all()
    return sorted(users, key=lambda u: ((u.display_name or u.username).casefold(), u.id or 0))


def _record(session: Session, action: str, thread: Thread, actor: User, **details: object) -> None:
    audit.record(
        session,
        action,
        actor=actor.username,
        actor_id=actor.id,
        department_id=thread.department_id,
        object_type="thread",
        object_id=thread.id or "",
        details=dict(details),
    )


def assign(session: Session, thread: Thread, *, assignee: User | None, actor: User) -> Thread:
    """Give the thread to `assignee` (a staff member or supervisor of its department), or to no one."""
    if assignee is not None and assignee.id not in {
        u.id for u in handlers(session, thread.department_id)
    }:
        raise WorkflowError("the assignee is not a member of the department")
    previous = thread.assignee_id
    new = assignee.id if assignee is not None else None
    if previous == new:
        return thread
    thread.assignee_id = new
    session.add(thread)
    session.flush()
    thread_state.refresh(session, thread.id or 0)
    _record(
        session,
        "thread.assign",
        thread,
        actor,
        assignee_id=new,
        assignee=assignee.username if assignee is not None else "",
        previous_assignee_id=previous,
    )
    return thread


def mark_done(session: Session, thread: Thread, *, actor: User) -> Thread:
    if thread.status == "done":
        raise WorkflowError("the thread is already done")
    thread.status = "done"
    session.add(thread)
    session.flush()
    thread_state.refresh(session, thread.id or 0)
    _record(session, "thread.done", thread, actor)
    return thread


def reopen(session: Session, thread: Thread, *, actor: User) -> Thread:
    if thread.status != "done":
        raise WorkflowError("the thread is not marked done")
    thread.status = "open"
    session.add(thread)
    session.flush()
    state = thread_state.refresh(session, thread.id or 0)
    _record(session, "thread.reopen", thread, actor, state=state)
    return thread
