"""Workflow errors: the web layer turns them into 409/403 answers with this text."""

from mailgate.errors import MailgateError


class WorkflowError(MailgateError):
    """The action is not possible in the message's current state (e.g. approving a draft)."""


class SelfApprovalError(WorkflowError):
    """The author or last editor of a draft tried to approve it."""


class DraftChangedError(WorkflowError):
    """The draft was edited or decided on while its policy check ran: submit it again."""
