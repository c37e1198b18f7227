"""Run the SMTP listener, web app and worker in one process, or any one of them.

Roles: smtp accepts mail durably; imap pulls mail from upstream mailboxes
into the same accept path; worker files accepted mail and delivers approved
mail; web serves the inbox. The imap role only runs when imap.accounts are
configured (in the all-roles default it is skipped otherwise).

Production runs each role as its own process (scaled out against one
PostgreSQL); the embedded default runs them all together. SIGTERM shuts down
gracefully: stop listening, let SMTP transactions that are committing finish,
let each IMAP account finish its batch (accept, flag, checkpoint), stop the
worker after its in-flight sends and release its claims.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import uvicorn
from sqlalchemy import Engine

from mailgate.config import Settings
from mailgate.db import session_scope
from mailgate.directory import ensure_departments
from mailgate.inbound.accept import Acceptor
from mailgate.inbound.filer import Filer
from mailgate.inbound.smtpd import AddressBook, InboundHandler, TrackedSMTP

if TYPE_CHECKING:
    from mailgate.inbound.imap import ImapPoller
    from mailgate.workflow.policy_gate import PolicyGate

log = logging.getLogger(__name__)
ROLES = ("smtp", "web", "worker", "imap")
SMTP_DRAIN_SECONDS = 30.0


class _QuietServer(uvicorn.Server):
    """uvicorn without its own signal handlers: this module owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class Service:
    settings: Settings
    engine: Engine
    roles: tuple[str, ...] = ROLES
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    smtp_port: int | None = None
    web_port: int | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    # Off in tests, which run the service inside pytest's own process.
    handle_signals: bool = True
    imap: ImapPoller | None = None
    # The web role's policy gate; None loads the default policy on the first submit.
    gate: PolicyGate | None = None

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        if self.handle_signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.add_signal_handler(sig, self.stop.set)
        with session_scope(self.engine) as session:
            ensure_departments(
                session, [(d.slug, d.name, d.addresses) for d in self.settings.departments]
            )
        tasks: list[asyncio.Task[None]] = []
        acceptor = None
        imap = "imap" in self.roles and bool(self.settings.imap.accounts)
        if "smtp" in self.roles or imap:
            # One acceptor (one writer thread, shared group commits) for every source.
            acceptor = Acceptor(self.engine, batch_limit=self.settings.smtp.commit_batch)
            await acceptor.start()
        if "smtp" in self.roles:
            assert acceptor is not None
            tasks.append(await self._start_smtp(acceptor))
        if imap:
            assert acceptor is not None
            tasks.append(self._start_imap(acceptor))
        if "worker" in self.roles:
            tasks.append(await self._start_worker(acceptor))
        if "web" in self.roles:
            tasks.append(await self._start_web())
        self.ready.set()
        await self.stop.wait()
        log.info("shutting down")
        for task in tasks:
            await task  # each role finishes its own graceful shutdown; SMTP drains first
        if acceptor is not None:
            await acceptor.close()  # after every source: commits whatever they handed over
        log.info("stopped")

    async def _start_smtp(self, acceptor: Acceptor) -> asyncio.Task[None]:
        smtp = self.settings.smtp
        handler = InboundHandler(acceptor, AddressBook(self.engine))
        sessions: set[TrackedSMTP] = set()
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: TrackedSMTP(
                handler,
                registry=sessions,
                hostname=smtp.hostname,
                data_size_limit=smtp.max_message_size,
                enable_SMTPUTF8=True,
                ident="mailgate ESMTP",
            ),
            host=smtp.host,
            port=smtp.port,
        )
        self.smtp_port = server.sockets[0].getsockname()[1]
        log.info("SMTP listening on %s:%s", smtp.host, self.smtp_port)

        async def lifecycle() -> None:
            await self.stop.wait()
            handler.draining = True  # new MAIL commands get 421
            server.close()  # no new connections
            deadline = loop.time() + SMTP_DRAIN_SECONDS
            while loop.time() < deadline and (
                handler.in_flight or any(s.in_transaction for s in sessions)
            ):
                await asyncio.sleep(0.05)
            for session in list(sessions):
                if session.transport is not None:
                    session.transport.close()  # clients without a 250 will retry

        return asyncio.create_task(lifecycle(), name="mailgate-smtp")

    def _start_imap(self, acceptor: Acceptor) -> asyncio.Task[None]:
        from mailgate.inbound.imap import ImapPoller

        self.imap = ImapPoller(self.settings, self.engine, acceptor)
        log.info("IMAP polling %d accounts", len(self.imap.accounts))
        return asyncio.create_task(self.imap.run(self.stop), name="mailgate-imap")

    async def _start_worker(self, acceptor: Acceptor | None) -> asyncio.Task[None]:
        """Background work: filing accepted mail and delivering approved mail."""
        from mailgate.delivery.relays import relay_from_settings
        from mailgate.delivery.worker import DeliveryWorker

        filer = Filer(self.engine, busy=acceptor.busy if acceptor else None)
        if acceptor is not None:
            acceptor.on_commit(filer.notify)  # same process: file without waiting for a sweep
        copier = None
        if self.settings.imap.sent_copy and self.settings.imap.accounts:
            from mailgate.inbound.imap_sent import SentCopier

            copier = SentCopier(self.settings, self.engine)
        delivery = DeliveryWorker(
            self.engine,
            self.settings,
            relay_from_settings(self.settings),
            None,
            on_sent=copier.notify if copier else None,
        )

        async def lifecycle() -> None:
            jobs = [filer.run(self.stop), delivery.run(self.stop)]
            await asyncio.gather(*jobs, *([copier.run(self.stop)] if copier else []))

        return asyncio.create_task(lifecycle(), name="mailgate-worker")

    async def _start_web(self) -> asyncio.Task[None]:
        from mailgate.web.app import create_app

        web = self.settings.web
        config = uvicorn.Config(
            create_app(self.settings, self.engine, self.gate),
            host=web.host,
            port=web.port,
            log_level="warning",
            lifespan="on",
            server_header=False,
        )
        server = _QuietServer(config)
        serving = asyncio.create_task(server.serve(), name="mailgate-web-serve")
        while not server.started and not serving.done():
            await asyncio.sleep(0.02)
        if serving.done():
            await serving  # re-raise the bind error
        self.web_port = server.servers[0].sockets[0].getsockname()[1]
        log.info("web listening on http://%s:%s", web.host, self.web_port)

        async def lifecycle() -> None:
            await self.stop.wait()
            server.should_exit = True
            await serving

        return asyncio.create_task(lifecycle(), name="mailgate-web")
