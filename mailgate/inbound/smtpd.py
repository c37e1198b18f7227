"""The aiosmtpd handler: refuse unknown recipients at RCPT, accept durably at DATA."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from sqlalchemy import Engine

from mailgate.db import session_scope
from mailgate.directory import address_map, normalise_address
from mailgate.inbound.accept import Acceptor, InboundEnvelope

log = logging.getLogger(__name__)


class AddressBook:
    """Department addresses, cached briefly so RCPT does not query the database every time.

    Departments are added by another process (the CLI), so the cache expires;
    an unknown address refreshes it at most once a second (a flood of bogus
    recipients must not turn into a flood of queries).
    """

    def __init__(self, engine: Engine, *, ttl: float = 5.0) -> None:
        self._engine = engine
        self._ttl = ttl
        self._map: dict[str, int] = {}
        self._loaded_at = float("-inf")
        self._lock = asyncio.Lock()

    async def _refresh(self) -> None:
        async with self._lock:

            def load() -> dict[str, int]:
                with session_scope(self._engine) as session:
                    return address_map(session)

            self._map = await asyncio.to_thread(load)
            self._loaded_at = time.monotonic()

    async def department_of(self, address: str) -> int | None:
        address = normalise_address(address)
        age = time.monotonic() - self._loaded_at
        if age > self._ttl or (address not in self._map and age > 1.0):
            await self._refresh()
        return self._map.get(address)


class InboundHandler:
    def __init__(self, acceptor: Acceptor, addresses: AddressBook) -> None:
        self._acceptor = acceptor
        self._addresses = addresses
        self.in_flight = 0  # DATA transactions being committed; shutdown waits for them
        self.draining = False  # set at shutdown: finish open transactions, start no new ones

    async def handle_MAIL(  # noqa: N802 (aiosmtpd hook name)
        self,
        server: SMTP,
        session: SmtpSession,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        if self.draining:
            return "421 4.3.2 Service shutting down, try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(  # noqa: N802 (aiosmtpd hook name)
        self,
        server: SMTP,
        session: SmtpSession,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        try:
            department = await self._addresses.department_of(address)
        except Exception:
            log.exception("address lookup failed")
            return "451 4.3.0 Temporary lookup failure, try again later"
        if department is None:
            return "550 5.1.1 Recipient address rejected: no such mailbox here"
        # Remember the department now so DATA need not look it up again.
        departments: dict[int, list[str]] = envelope.__dict__.setdefault("departments", {})
        departments.setdefault(department, []).append(normalise_address(address))
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        if isinstance(raw, str):  # only with decode_data=True, which we never set
            raw = raw.encode("utf-8", "surrogateescape")
        departments: dict[int, list[str]] = envelope.__dict__.get("departments", {})
        if not departments:
            return "554 5.5.1 No valid recipients"
        peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer or "")
        inbound = InboundEnvelope(
            raw=raw,
            mail_from=envelope.mail_from or "",
            departments=departments,
            source="smtp",
            peer=str(peer),
        )
        self.in_flight += 1
        try:
            ids = await self._acceptor.accept(inbound)
        except Exception:
            log.exception("accept failed; asking the client to retry")
            return "451 4.3.0 Temporary failure storing the message, try again later"
        finally:
            self.in_flight -= 1
        return f"250 2.0.0 OK queued as {inbound.sha256[:16]} ({len(ids)})"


class TrackedSMTP(SMTP):
    """An aiosmtpd session that registers itself, so shutdown can close idle ones."""

    # RFC 5321 allows 1000 octets a line, but residents' mailers (HTML generators
    # especially) send longer ones; refusing them would bounce real mail. 64 KiB
    # keeps memory bounded; longer lines still get a 500 and the session goes on.
    line_length_limit = 65536

    def __init__(self, *args: Any, registry: set[TrackedSMTP], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._registry = registry

    def connection_made(self, transport: Any) -> None:
        self._registry.add(self)
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        self._registry.discard(self)
        super().connection_lost(error)

    @property
    def in_transaction(self) -> bool:
        """Between MAIL FROM and the reply to DATA (or RSET)."""
        return self.envelope is not None and self.envelope.mail_from is not None
