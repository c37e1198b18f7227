"""File one accepted reception: parse, de-duplicate, find counterpart and thread, store the message.

Runs after the 250, so it may be slow or fail without losing anything: the raw
bytes are already committed, and a reception that cannot be filed is
quarantined with its error for an operator, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mailgate import audit, blobs
from mailgate.mail.parse import ParsedMessage, parse_message
from mailgate.mail.threading import lookup_ids, normalise_subject
from mailgate.models import (
    Attachment,
    Counterpart,
    Direction,
    Message,
    MessageState,
    Reception,
    ReceptionState,
    Thread,
    utcnow,
)
from mailgate.workflow import thread_state

# Longest values that fit the columns; longer ones are cut, never refused.
_SHORT = 320
_LONG = 998


@dataclass
class FilingOutcome:
    reception_id: int
    state: ReceptionState
    message_id: int | None


def file_reception(
    session: Session,
    reception: Reception,
    raw: bytes | None = None,
    parsed: ParsedMessage | None = None,
) -> FilingOutcome:
    """File `reception` in the caller's transaction.

    The filer parses before opening its write transaction (on SQLite the write
    lock would otherwise be held for the whole parse) and passes `raw` and
    `parsed` in; without them they are read and parsed here.
    """
    if raw is None:
        raw = blobs.get(session, reception.raw_sha256)
        if raw is None:
            raise LookupError(f"raw bytes {reception.raw_sha256} missing")
    if parsed is None:
        parsed = parse_message(raw)
    dedupe_key = (parsed.message_id or f"sha256:{reception.raw_sha256}")[:_LONG]
    existing = session.exec(
        select(Message.id).where(
            Message.department_id == reception.department_id, Message.dedupe_key == dedupe_key
        )
    ).first()
    if existing is not None:
        return _finish(session, reception, ReceptionState.DUPLICATE, existing)

    counterpart = _counterpart(session, reception, parsed)
    thread = _thread(session, reception.department_id, counterpart, parsed)
    message = Message(
        department_id=reception.department_id,
        thread_id=thread.id or 0,
        counterpart_id=counterpart.id or 0,
        direction=Direction.INBOUND,
        state=MessageState.RECEIVED,
        message_id_header=parsed.message_id[:_LONG],
        dedupe_key=dedupe_key,
        in_reply_to=parsed.in_reply_to[:_LONG],
        references=parsed.references,
        subject=parsed.subject,
        from_address=parsed.from_address[:_SHORT],
        from_name=parsed.from_name[:200],
        to_addresses=parsed.to,
        cc_addresses=parsed.cc,
        date=parsed.date,
        headers=[[name, value] for name, value in parsed.headers],
        text_body=parsed.text,
        html_body=parsed.html,
        raw_sha256=reception.raw_sha256,
        size=len(raw),
        parse_warnings=parsed.warnings,
    )
    session.add(message)
    session.flush()
    for part in parsed.attachments:
        digest = blobs.put(session, part.data)
        session.add(
            Attachment(
                message_pk=message.id or 0,
                filename=part.filename[:500],
                content_type=part.content_type[:200],
                size=len(part.data),
                sha256=digest,
            )
        )
    now = utcnow()
    thread.last_message_at = counterpart.last_message_at = now
    thread.status = "open"  # a new message from the resident reopens a thread marked done
    session.add_all([thread, counterpart])
    session.flush()
    thread_state.refresh(session, thread.id or 0, latest=message)
    audit.record(
        session,
        "mail.received",
        actor=reception.source,
        department_id=reception.department_id,
        object_type="message",
        object_id=message.id or "",
        details={"reception": reception.id, "warnings": len(parsed.warnings)},
    )
    return _finish(session, reception, ReceptionState.FILED, message.id)


def _finish(
    session: Session, reception: Reception, state: ReceptionState, message_id: int | None
) -> FilingOutcome:
    reception.state = state
    reception.message_pk = message_id
    reception.lease_owner = None
    reception.lease_until = None
    session.add(reception)
    return FilingOutcome(reception.id or 0, state, message_id)


def _counterpart(session: Session, reception: Reception, parsed: ParsedMessage) -> Counterpart:
    address = (parsed.from_address or reception.envelope_from or "unknown").lower()[:_SHORT]
    query = select(Counterpart).where(
        Counterpart.department_id == reception.department_id, Counterpart.address == address
    )
    found = session.exec(query).first()
    if found is not None:
        if parsed.from_name and not found.display_name:
            found.display_name = parsed.from_name[:200]
        return found
    counterpart = Counterpart(
        department_id=reception.department_id, address=address, display_name=parsed.from_name[:200]
    )
    # Another filer may create the same counterpart concurrently: a savepoint
    # lets us fall back to theirs instead of failing the whole filing.
    try:
        with session.begin_nested():
            session.add(counterpart)
    except IntegrityError:
        return session.exec(query).one()
    return counterpart


def _thread(
    session: Session, department_id: int, counterpart: Counterpart, parsed: ParsedMessage
) -> Thread:
    ids = [i[:_LONG] for i in lookup_ids(parsed)]
    if ids:
        # dedupe_key is the Message-ID whenever there is one, and (department, dedupe_key) is
        # indexed: message_id_header is not, which scanned the department at a million messages.
        rows = session.exec(
            select(Message.dedupe_key, Message.thread_id).where(
                Message.department_id == department_id, col(Message.dedupe_key).in_(ids)
            )
        ).all()
        by_id = dict(rows)
        for message_id in ids:  # best candidate first
            if message_id in by_id:
                thread = session.get(Thread, by_id[message_id])
                if thread is not None:
                    return thread
    key = normalise_subject(parsed.subject)[:500]
    if key:
        thread = session.exec(
            select(Thread)
            .where(
                Thread.department_id == department_id,
                Thread.counterpart_id == counterpart.id,
                Thread.subject_key == key,
            )
            .order_by(col(Thread.last_message_at).desc())
            .limit(1)
        ).first()
        if thread is not None:
            return thread
    thread = Thread(
        department_id=department_id,
        counterpart_id=counterpart.id or 0,
        subject=parsed.subject,
        subject_key=key,
    )
    session.add(thread)
    session.flush()
    return thread
