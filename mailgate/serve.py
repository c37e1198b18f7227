"""Run the SMTP listener, web app and worker in one process, or any one of them.

Roles: smtp accepts mail durably; worker files accepted mail and delivers
approved mail; web serves the inbox.

Production runs each role as its own process (scaled out against one
PostgreSQL); the embedded default runs them all together. SIGTERM shuts down
gracefully: stop listening, let SMTP transactions that are committing finish,
stop the worker after its in-flight sends and release its claims.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field

import uvicorn
from sqlalchemy import Engine

from mailgate.config import Settings
from mailgate.db import session_scope
from mailgate.directory import ensure_departments
from mailgate.inbound.accept import Acceptor
from mailgate.inbound.filer import Filer
from mailgate.inbound.smtpd import AddressBook, InboundHandler, TrackedSMTP

log = logging.getLogger(__name__)
ROLES = ("smtp", "web", "worker")
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
        if "smtp" in self.roles:
            task, acceptor = await self._start_smtp()
            tasks.append(task)
        if "worker" in self.roles:
            tasks.append(await self._start_worker(acceptor))
        if "web" in self.roles:
            tasks.append(await self._start_web())
        self.ready.set()
        await self.stop.wait()
        log.info("shutting down")
        for task in tasks:
            await task  # each role finishes its own graceful shutdown; SMTP drains first
        log.info("stopped")

    async def _start_smtp(self) -> tuple[asyncio.Task[None], Acceptor]:
        smtp = self.settings.smtp
        acceptor = Acceptor(self.engine, batch_limit=smtp.commit_batch)
        await acceptor.start()
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
            await acceptor.close()

        return asyncio.create_task(lifecycle(), name="mailgate-smtp"), acceptor

    async def _start_worker(self, acceptor: Acceptor | None) -> asyncio.Task[None]:
        """Background work: filing accepted mail and delivering approved mail."""
        from mailgate.delivery.relays import relay_from_settings
        from mailgate.delivery.worker import DeliveryWorker

        filer = Filer(self.engine, busy=acceptor.busy if acceptor else None)
        if acceptor is not None:
            acceptor.on_commit(filer.notify)  # same process: file without waiting for a sweep
        delivery = DeliveryWorker(
            self.engine, self.settings, relay_from_settings(self.settings), None
        )

        async def lifecycle() -> None:
            await asyncio.gather(filer.run(self.stop), delivery.run(self.stop))

        return asyncio.create_task(lifecycle(), name="mailgate-worker")

    async def _start_web(self) -> asyncio.Task[None]:
        from mailgate.web.app import create_app

        web = self.settings.web
        config = uvicorn.Config(
            create_app(self.settings, self.engine),
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
