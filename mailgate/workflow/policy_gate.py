"""The one call from the workflow into the policy engine: stored draft in, verdict out.

The gate turns a stored message into the engine's OutgoingMail, adding the
facts the rules must not look up themselves: the department's signature, the
names the resident signed with, and the department's recent sends (for the
bulk rule). The policy, with its ~420 MiB analyzer, is loaded once per process.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from mailgate import blobs
from mailgate.models import Attachment, Counterpart, Department, Message
from mailgate.policy import history
from mailgate.policy.chain import check
from mailgate.policy.findings import Verdict
from mailgate.policy.loader import Policy, load_policy
from mailgate.policy.mail import OutgoingAttachment, OutgoingMail
from mailgate.policy.rules.bulk_send import BulkSendRule


class PolicyGate:
    def __init__(self, policy: Policy | None = None, path: str | Path | None = None) -> None:
        self._policy = policy
        self._path = path
        self._lock = threading.Lock()

    @property
    def policy(self) -> Policy:
        if self._policy is None:
            with self._lock:
                if self._policy is None:
                    self._policy = load_policy(self._path)
        return self._policy

    def history_window(self) -> timedelta:
        rule = next((r for r in self.policy.rules if isinstance(r, BulkSendRule)), None)
        return rule.config.window if rule else timedelta(hours=24)

    def outgoing_mail(self, session: Session, message: Message) -> OutgoingMail:
        department = session.get(Department, message.department_id)
        assert department is not None  # foreign key
        counterpart = session.get(Counterpart, message.counterpart_id)
        names = session.exec(
            select(Message.from_name)
            .where(Message.thread_id == message.thread_id, Message.direction == "inbound")
            .distinct()
        ).all()
        recipient_names = sorted(
            {n for n in [*names, counterpart.display_name if counterpart else ""] if n}
        )
        attachments = session.exec(
            select(Attachment)
            .where(Attachment.message_pk == message.id)
            .order_by(col(Attachment.id))
        ).all()
        return OutgoingMail(
            subject=message.subject,
            body=message.text_body,
            sender=message.from_address,
            to=list(message.to_addresses),
            cc=list(message.cc_addresses),
            bcc=list(message.bcc_addresses),
            attachments=[
                OutgoingAttachment(
                    filename=a.filename,
                    content_type=a.content_type,
                    data=blobs.get(session, a.sha256) or b"",
                )
                for a in attachments
            ],
            department=department.slug,
            department_signature=department.signature,
            recipient_names=recipient_names,
            prior_sends=history.recent_sends(
                session, department_id=message.department_id, window=self.history_window()
            ),
        )

    def verdict(self, mail: OutgoingMail) -> Verdict:
        """The policy's verdict; needs no database (callers run it outside transactions)."""
        return check(self.policy, mail)
