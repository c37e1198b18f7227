"""The audit event of one step in a message's life, written in the step's own transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from mailgate import audit
from mailgate.models import AuditEvent, Message, User


def record(
    session: Session,
    action: str,
    message: Message,
    *,
    actor: User,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """`actor` did `action` to `message` (draft.create, message.approved, ...)."""
    return audit.record(
        session,
        action,
        actor=actor.username,
        actor_id=actor.id,
        department_id=message.department_id,
        object_type="message",
        object_id=message.id or "",
        details=details,
    )
