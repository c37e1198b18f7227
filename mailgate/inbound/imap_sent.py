"""Copy each sent message into the department's upstream Sent folder (IMAP APPEND), best effort.

The delivery worker calls `SentCopier.notify` after it has recorded a message
as sent; the copy happens in the background so a slow IMAP server never holds
up delivery. A copy that still fails after a few attempts is logged and given
up: the message itself was delivered and stays in mailgate's history, so this
only affects what the department's ordinary mail client shows. Copies still
queued when the process stops are not made (documented in docs/imap.md).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy import Engine

from mailgate.config import ImapAccountSettings, Settings
from mailgate.db import session_scope
from mailgate.inbound import imap_state
from mailgate.inbound.imap import RETRYABLE, describe
from mailgate.inbound.imap_client import ImapSession
from mailgate.models import Message

log = logging.getLogger(__name__)
ATTEMPTS = 3


@dataclass(frozen=True)
class SentCopy:
    message_pk: int
    raw: bytes


class SentCopier:
    def __init__(self, settings: Settings, engine: Engine, *, retry_seconds: float = 5.0) -> None:
        self.engine = engine
        self.folder = settings.imap.sent_folder
        self.accounts = list(settings.imap.accounts)
        self.retry_seconds = retry_seconds
        self.queue: asyncio.Queue[SentCopy] = asyncio.Queue()
        self.copied = 0

    def notify(self, message_pk: int, raw: bytes) -> None:
        """Called by the delivery worker once a message is recorded as sent."""
        self.queue.put_nowait(SentCopy(message_pk, raw))

    def _account_for(self, message_pk: int) -> ImapAccountSettings | None:
        """The first account that pulls mail for the message's department."""
        with session_scope(self.engine) as session:
            message = session.get(Message, message_pk)
            department_id = message.department_id if message else None
        for account in self.accounts:
            try:
                target = imap_state.resolve_target(self.engine, account)
            except imap_state.TargetError:
                continue
            if target.department_id == department_id:
                return account
        return None

    async def copy(self, item: SentCopy) -> bool:
        account = await asyncio.to_thread(self._account_for, item.message_pk)
        if account is None:
            return False  # this department has no upstream mailbox
        for attempt in range(1, ATTEMPTS + 1):
            session = ImapSession(account, account.resolved_password())
            try:
                await session.connect()
                await session.append(item.raw, self.folder)
                self.copied += 1
                return True
            except RETRYABLE as exc:
                log.warning(
                    "imap account %s: copy of message %s to %s failed (attempt %d/%d): %s",
                    account.name,
                    item.message_pk,
                    self.folder,
                    attempt,
                    ATTEMPTS,
                    describe(exc),
                )
            finally:
                await session.close()
            await asyncio.sleep(self.retry_seconds * attempt)
        return False

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            getter = asyncio.ensure_future(self.queue.get())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if not getter.done():
                getter.cancel()
                break
            try:
                await self.copy(getter.result())
            except Exception as exc:  # e.g. an unreadable password file: log, keep going
                log.error("sent copy of message %s: %s", getter.result().message_pk, describe(exc))
        if self.queue.qsize():
            log.warning("stopping with %d sent copies not made", self.queue.qsize())
