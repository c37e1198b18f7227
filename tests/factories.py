"""Builders for test data shared across test packages: departments, outgoing mail, attachments."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlmodel import Session, select

from mailgate.directory import add_department, addresses_of
from mailgate.mail.compose import new_message_id
from mailgate.models import (
    Attachment,
    Blob,
    Counterpart,
    Department,
    Direction,
    Message,
    MessageState,
    Thread,
    utcnow,
)

DEFAULT_DOMAIN = "mail.example-city.lg.jp"
DEPARTMENT_NAMES = {"kosodate": "子育て支援課", "kankyo": "環境保全課", "toshi": "都市計画課"}


def make_department(
    session: Session,
    slug: str = "kosodate",
    addresses: Sequence[str] = ("kosodate@mail.example-city.lg.jp",),
    name: str | None = None,
) -> Department:
    return add_department(
        session,
        slug=slug,
        name=name or DEPARTMENT_NAMES.get(slug, slug),
        addresses=list(addresses),
        actor="test",
    )


def counterpart_for(session: Session, department: Department, address: str) -> Counterpart:
    address = address.strip().lower()
    existing = session.exec(
        select(Counterpart).where(
            Counterpart.department_id == department.id, Counterpart.address == address
        )
    ).first()
    if existing:
        return existing
    counterpart = Counterpart(department_id=department.id or 0, address=address)
    session.add(counterpart)
    session.flush()
    return counterpart


def _thread_for(
    session: Session,
    department: Department,
    counterpart: Counterpart,
    subject: str,
    in_reply_to: str,
) -> Thread:
    if in_reply_to:
        parent = session.exec(
            select(Message).where(
                Message.department_id == department.id, Message.message_id_header == in_reply_to
            )
        ).first()
        if parent is not None:
            thread = session.get(Thread, parent.thread_id)
            assert thread is not None
            return thread
    thread = Thread(
        department_id=department.id or 0,
        counterpart_id=counterpart.id or 0,
        subject=subject,
        subject_key=subject.strip(),
    )
    session.add(thread)
    session.flush()
    return thread


def make_outbound(
    session: Session,
    department: Department,
    *,
    to: str | Sequence[str],
    subject: str,
    body: str,
    cc: Sequence[str] = (),
    bcc: Sequence[str] = (),
    in_reply_to: str = "",
    references: Sequence[str] = (),
    html: str = "",
    mail_domain: str = DEFAULT_DOMAIN,
) -> Message:
    """A draft from the department's first address, filed under the first recipient's thread."""
    recipients = [to] if isinstance(to, str) else list(to)
    counterpart = counterpart_for(session, department, recipients[0])
    thread = _thread_for(session, department, counterpart, subject, in_reply_to)
    message_id = new_message_id(mail_domain)
    message = Message(
        department_id=department.id or 0,
        thread_id=thread.id or 0,
        counterpart_id=counterpart.id or 0,
        direction=Direction.OUTBOUND,
        state=MessageState.DRAFT,
        message_id_header=message_id,
        dedupe_key=message_id,
        in_reply_to=in_reply_to,
        references=list(references),
        subject=subject,
        from_address=addresses_of(session, department.id or 0)[0],
        from_name=department.name,
        to_addresses=recipients,
        cc_addresses=list(cc),
        bcc_addresses=list(bcc),
        text_body=body,
        html_body=html,
        created_at=utcnow(),
    )
    session.add(message)
    session.flush()
    return message


def add_attachment(
    session: Session, message: Message, *, filename: str, content_type: str, data: bytes
) -> Attachment:
    digest = hashlib.sha256(data).hexdigest()
    if session.get(Blob, digest) is None:
        session.add(Blob(sha256=digest, size=len(data), data=data))
        session.flush()
    attachment = Attachment(
        message_pk=message.id or 0,
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=digest,
    )
    session.add(attachment)
    session.flush()
    return attachment
