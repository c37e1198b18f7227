"""All tables; importing this package registers them on SQLModel.metadata."""

from mailgate.models.audit import AuditCheck, AuditEvent
from mailgate.models.base import utcnow
from mailgate.models.delivery import Delivery, DeliveryAttempt, DeliveryState
from mailgate.models.department import Department, DepartmentAddress
from mailgate.models.imap import ImapState
from mailgate.models.mail import (
    Attachment,
    Blob,
    Counterpart,
    Direction,
    Message,
    MessageState,
    Reception,
    ReceptionState,
    Thread,
)
from mailgate.models.policy import SentFingerprint
from mailgate.models.user import Membership, Role, User
from mailgate.models.web import ApiToken, LoginAttempt, WebSession
from mailgate.models.workflow import Approval, BlockedEvent, Decision, ReplyTemplate

__all__ = [
    "AuditCheck",
    "ApiToken",
    "Approval",
    "BlockedEvent",
    "Decision",
    "LoginAttempt",
    "ReplyTemplate",
    "WebSession",
    "Attachment",
    "AuditEvent",
    "Blob",
    "Counterpart",
    "Delivery",
    "DeliveryAttempt",
    "DeliveryState",
    "Department",
    "DepartmentAddress",
    "Direction",
    "ImapState",
    "Membership",
    "Message",
    "MessageState",
    "Reception",
    "ReceptionState",
    "Role",
    "SentFingerprint",
    "Thread",
    "User",
    "utcnow",
]
