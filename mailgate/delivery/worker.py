"""The delivery worker: claims queued messages, checks them against their approval, and relays them.

Database work runs in threads (asyncio.to_thread) so the event loop only waits
on the relay. Each delivery goes: renew the lease, re-check the content hash,
build and store the exact bytes, send, record the outcome. Delivery is at least
once: if the process dies between the relay's 250 and the commit of "sent", the
lease expires and the message is sent again (same bytes, same Message-ID).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.errors
import hashlib
import logging
import os
import random
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mailgate.config import Settings
from mailgate.db import session_scope
from mailgate.delivery import queue
from mailgate.delivery.backoff import next_delay
from mailgate.delivery.relays import Relay
from mailgate.directory import addresses_of
from mailgate.errors import PermanentDeliveryError, TemporaryDeliveryError
from mailgate.mail.compose import build_mime, content_hash
from mailgate.models import Attachment, Blob, Department, Message, utcnow

log = logging.getLogger(__name__)

HASH_MISMATCH = "content changed after approval"
RETRIES_EXHAUSTED = "retries exhausted"


@dataclass(frozen=True)
class Outgoing:
    """A delivery ready to hand to the relay: checked, built and stored."""

    delivery_id: int
    message_pk: int
    queued_at: datetime
    attempts: int
    raw: bytes
    mail_from: str
    recipients: list[str]


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _envelope_recipients(message: Message) -> list[str]:
    seen: set[str] = set()
    recipients = []
    for address in [*message.to_addresses, *message.cc_addresses, *message.bcc_addresses]:
        if address.lower() not in seen:
            seen.add(address.lower())
            recipients.append(address)
    return recipients


class DeliveryWorker:
    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        relay: Relay,
        worker_id: str | None = None,
        *,
        batch_size: int | None = None,
        rng: random.Random | None = None,
        on_sent: Callable[[int, bytes], None] | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.relay = relay
        self.worker_id = worker_id or default_worker_id()
        # A few batches' worth of concurrency: enough to keep sends overlapping.
        self.batch_size = batch_size or settings.delivery.concurrency * 4
        self.rng = rng or random.Random()
        # Told (message pk, exact bytes) after a send is recorded, e.g. to copy it to IMAP Sent.
        self.on_sent = on_sent
        self._stop: asyncio.Event | None = None

    # -- loop ---------------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Claim one batch and deliver it; return how many deliveries were claimed."""
        claimed = await asyncio.to_thread(self._claim)
        gate = asyncio.Semaphore(self.settings.delivery.concurrency)

        async def one(delivery_id: int) -> None:
            async with gate:
                if self._stop is not None and self._stop.is_set():
                    return  # not started yet: release() hands it back
                try:
                    await self._deliver(delivery_id)
                except Exception as exc:
                    # Type only: driver errors can quote statement parameters (message bytes).
                    log.error("delivery %s: unexpected %s", delivery_id, type(exc).__name__)

        await asyncio.gather(*(one(i) for i in claimed))
        return len(claimed)

    async def run_until_idle(self) -> int:
        """Deliver until nothing is due (for `--once` runs and tests)."""
        total = 0
        while processed := await self.run_once():
            total += processed
        return total

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; then finish in-flight sends and release leases."""
        self._stop = stop
        try:
            while not stop.is_set():
                try:
                    processed = await self.run_once()
                except Exception as exc:  # e.g. the database is briefly unreachable
                    log.error("delivery worker %s: %s", self.worker_id, type(exc).__name__)
                    processed = 0
                if processed == 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.settings.delivery.poll_seconds)
        finally:
            released = await asyncio.to_thread(self._release)
            log.info("delivery worker %s stopped, released %d leases", self.worker_id, released)

    # -- one delivery -------------------------------------------------------------------------

    async def _deliver(self, delivery_id: int) -> None:
        outgoing = await asyncio.to_thread(self._prepare, delivery_id)
        if outgoing is None:
            return
        try:
            reply = await self.relay.send(outgoing.raw, outgoing.mail_from, outgoing.recipients)
        except TemporaryDeliveryError as exc:
            await asyncio.to_thread(self._record_temporary, outgoing, exc)
        except PermanentDeliveryError as exc:
            await asyncio.to_thread(self._record, queue.mark_failed, outgoing, str(exc), exc.code)
        except Exception as exc:  # a relay bug must not hold the lease and retry forever unseen
            log.exception(
                "delivery %s: unexpected %s from the relay", delivery_id, type(exc).__name__
            )
            temporary = TemporaryDeliveryError(f"unexpected error: {type(exc).__name__}")
            await asyncio.to_thread(self._record_temporary, outgoing, temporary)
        else:
            recorded = await asyncio.to_thread(self._record, queue.mark_sent, outgoing, reply, 250)
            if recorded and self.on_sent is not None:
                self.on_sent(outgoing.message_pk, outgoing.raw)

    def _claim(self) -> list[int]:
        with session_scope(self.engine) as session:
            rows = queue.claim(
                session,
                worker=self.worker_id,
                limit=self.batch_size,
                lease_seconds=self.settings.delivery.lease_seconds,
                now=utcnow(),
            )
            return [d.id for d in rows if d.id is not None]

    def _release(self) -> int:
        with session_scope(self.engine) as session:
            return queue.release(session, self.worker_id)

    def _prepare(self, delivery_id: int) -> Outgoing | None:
        """Renew the lease, re-check the hash, build and store the bytes, in one transaction."""
        now = utcnow()
        with session_scope(self.engine) as session:
            delivery = queue.renew(
                session,
                delivery_id,
                worker=self.worker_id,
                lease_seconds=self.settings.delivery.lease_seconds,
                now=now,
            )
            if delivery is None:
                return None  # another worker holds it now
            message = session.get(Message, delivery.message_pk)
            assert message is not None  # foreign key
            attachments = list(
                session.exec(
                    select(Attachment)
                    .where(Attachment.message_pk == message.id)
                    .order_by(col(Attachment.id))
                )
            )
            if content_hash(message, attachments) != delivery.approved_hash:
                log.warning("delivery %s: refused, %s", delivery_id, HASH_MISMATCH)
                queue.mark_failed(
                    session, delivery_id, worker=self.worker_id, response=HASH_MISMATCH
                )
                return None
            try:
                raw, sender = self._compose(session, message, attachments, now)
            except (ValueError, TypeError, LookupError, email.errors.MessageError) as exc:
                reason = f"cannot compose the message: {type(exc).__name__}: {exc}"
                queue.mark_failed(session, delivery_id, worker=self.worker_id, response=reason)
                return None
            self._store_copy(session, message, raw, now)
            return Outgoing(
                delivery_id=delivery_id,
                message_pk=delivery.message_pk,
                queued_at=delivery.queued_at,
                attempts=delivery.attempts,
                raw=raw,
                mail_from=sender,
                recipients=_envelope_recipients(message),
            )

    def _compose(
        self, session: Session, message: Message, attachments: list[Attachment], now: datetime
    ) -> tuple[bytes, str]:
        department = session.get(Department, message.department_id)
        addresses = addresses_of(session, message.department_id)
        if department is None or not addresses:
            raise ValueError("the department has no address to send from")
        # The approved From when it is one of the department's own addresses; never anything else.
        chosen = message.from_address.strip().lower()
        sender = chosen if chosen in addresses else addresses[0]
        data: dict[str, bytes] = {}
        for attachment in attachments:
            blob = session.get(Blob, attachment.sha256)
            if blob is None:
                raise LookupError(f"attachment {attachment.id} content is missing")
            data[attachment.sha256] = blob.data
        raw = build_mime(
            message,
            attachments,
            data,
            from_address=sender,
            from_name=department.name,
            date=message.date or now,
        )
        return raw, sender

    @staticmethod
    def _store_copy(session: Session, message: Message, raw: bytes, now: datetime) -> None:
        """Keep the exact bytes we are about to send, so history shows what left."""
        digest = hashlib.sha256(raw).hexdigest()
        if session.get(Blob, digest) is None:
            session.add(Blob(sha256=digest, size=len(raw), data=raw))
            session.flush()
        message.raw_sha256 = digest
        message.size = len(raw)
        # Fixing the Date makes every retry byte-identical to the first attempt.
        message.date = message.date or now
        session.add(message)
        session.flush()

    # -- outcomes -----------------------------------------------------------------------------

    def _record(
        self, mark: queue.Marker, outgoing: Outgoing, response: str, code: int | None
    ) -> bool:
        with session_scope(self.engine) as session:
            applied = mark(
                session,
                outgoing.delivery_id,
                worker=self.worker_id,
                response=response,
                relay=self.relay.name,
                code=code,
            )
        if not applied:
            log.warning(
                "delivery %s: lease lost before the result was recorded", outgoing.delivery_id
            )
        else:
            log.info("delivery %s: %s (%s)", outgoing.delivery_id, mark.__name__, code)
        return bool(applied)

    def _record_temporary(self, outgoing: Outgoing, exc: TemporaryDeliveryError) -> None:
        settings = self.settings.delivery
        now = utcnow()
        if now - outgoing.queued_at > timedelta(seconds=settings.give_up_after_seconds):
            reason = f"{RETRIES_EXHAUSTED}: {exc}"
            self._record(queue.mark_failed, outgoing, reason, exc.code)
            return
        delay = next_delay(
            outgoing.attempts + 1, settings.retry_base_seconds, settings.retry_max_seconds, self.rng
        )
        with session_scope(self.engine) as session:
            applied = queue.mark_deferred(
                session,
                outgoing.delivery_id,
                worker=self.worker_id,
                response=str(exc),
                relay=self.relay.name,
                delay=delay,
                code=exc.code,
                now=now,
            )
        if applied:
            log.info("delivery %s: deferred %.1fs (%s)", outgoing.delivery_id, delay, exc.code)
