"""Which outbound states allow which actions: the transition table, in one place."""

from __future__ import annotations

from mailgate.models import Message, MessageState
from mailgate.workflow.errors import WorkflowError

S = MessageState
EDITABLE = {S.DRAFT, S.BLOCKED, S.REJECTED, S.WITHDRAWN}
TRANSITIONS: dict[str, set[MessageState]] = {
    "edit": EDITABLE,
    "submit": EDITABLE,
    "approve": {S.PENDING_APPROVAL},
    "reject": {S.PENDING_APPROVAL},
    "withdraw": {S.PENDING_APPROVAL},
}


def require(message: Message, action: str) -> None:
    if message.direction != "outbound":
        raise WorkflowError(f"message {message.id} is not an outgoing draft")
    if message.state not in TRANSITIONS[action]:
        raise WorkflowError(f"cannot {action} message {message.id}: it is {message.state}")


def allowed(message: Message, action: str) -> bool:
    return message.direction == "outbound" and message.state in TRANSITIONS[action]
