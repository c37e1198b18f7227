"""Audit events of what the signed-in user saw or did through the pages and the API.

Each event is written in the request's transaction, so it commits with what it
describes (or, for a view, before the page is answered).
"""

from __future__ import annotations

from typing import Any

from mailgate import audit
from mailgate.models import Message
from mailgate.web.deps import Ctx
from mailgate.workflow import message_audit


def record(
    ctx: Ctx,
    action: str,
    *,
    department_id: int | None,
    object_type: str,
    object_id: int | str,
    details: dict[str, Any] | None = None,
) -> None:
    """`action` by the signed-in user on one object."""
    audit.record(
        ctx.session,
        action,
        actor=ctx.user.username,
        actor_id=ctx.user.id,
        department_id=department_id,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )


def message_event(
    ctx: Ctx, action: str, message: Message, details: dict[str, Any] | None = None
) -> None:
    """`action` by the signed-in user on `message` (message.view, draft.redacted, ...)."""
    message_audit.record(ctx.session, action, message, actor=ctx.user, details=details)
