"""The one durable entry point for inbound mail, with group commit.

A source (the SMTP handler, the IMAP poller) awaits `Acceptor.accept()` and may
acknowledge the message (SMTP 250, IMAP flag) only after it returns: by then the
raw bytes and one reception row per department are committed (fsynced).
Concurrent accepts share one transaction, so one fsync covers a whole group;
a single writer thread does the commits because SQLite has one writer anyway
and hopping to a thread pool per message costs more than it saves (FACTS).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import Engine, insert
from sqlmodel import col

from mailgate import blobs
from mailgate.models import Reception, ReceptionState, utcnow

log = logging.getLogger(__name__)


@dataclass
class InboundEnvelope:
    raw: bytes
    mail_from: str
    # department id -> the recipient addresses of that department
    departments: dict[int, list[str]]
    source: str = "smtp"
    peer: str = ""
    sha256: str = field(default="", init=False)

    def __post_init__(self) -> None:
        self.sha256 = blobs.sha256_hex(self.raw)


@dataclass
class _Pending:
    envelope: InboundEnvelope
    future: asyncio.Future[list[int]]


class Acceptor:
    """Group-commits accepted messages; `accept` returns the new reception ids."""

    def __init__(self, engine: Engine, *, batch_limit: int = 64) -> None:
        self._engine = engine
        self._batch_limit = batch_limit
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mailgate-accept")
        self._writer: asyncio.Task[None] | None = None
        self._listeners: list[Callable[[list[int]], None]] = []
        self._last_commit = float("-inf")
        self.committed = 0

    def busy(self, quiet_seconds: float = 0.2) -> bool:
        """Ingest is under way (messages waiting, or a commit moments ago): others should yield."""
        return not self._queue.empty() or time.monotonic() - self._last_commit < quiet_seconds

    def on_commit(self, listener: Callable[[list[int]], None]) -> None:
        """Be told the reception ids of each committed group (the filer listens)."""
        self._listeners.append(listener)

    async def start(self) -> None:
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_loop(), name="mailgate-accept")

    async def close(self) -> None:
        """Commit everything already handed to us, then stop."""
        if self._writer is not None:
            await self._queue.join()
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
            self._writer = None
        self._executor.shutdown(wait=True)

    async def accept(self, envelope: InboundEnvelope) -> list[int]:
        if not envelope.departments:
            raise ValueError("an accepted message needs at least one department")
        if self._writer is None:
            raise RuntimeError("Acceptor.start() was not called")
        future: asyncio.Future[list[int]] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Pending(envelope, future))
        return await future

    async def _write_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            group = [await self._queue.get()]
            while len(group) < self._batch_limit and not self._queue.empty():
                group.append(self._queue.get_nowait())
            try:
                results = await loop.run_in_executor(self._executor, self._commit_group, group)
                for pending, outcome in zip(group, results, strict=True):
                    if isinstance(outcome, BaseException):
                        pending.future.set_exception(outcome)
                    else:
                        pending.future.set_result(outcome)
                self._last_commit = time.monotonic()
                committed = [i for r in results if not isinstance(r, BaseException) for i in r]
                self.committed += len(committed)
                for listener in self._listeners:
                    listener(committed)
            finally:
                for _ in group:
                    self._queue.task_done()

    def _commit_group(self, group: list[_Pending]) -> list[list[int] | BaseException]:
        try:
            return list(self._store(group))
        except Exception as exc:  # one bad message must not fail its neighbours
            log.warning(
                "group commit failed (%s); committing %d messages one by one",
                type(exc).__name__,
                len(group),
            )
            results: list[list[int] | BaseException] = []
            for pending in group:
                try:
                    results.extend(self._store([pending]))
                except Exception as single:
                    log.exception("accept failed for message sha256=%s", pending.envelope.sha256)
                    results.append(single)
            return results

    def _store(self, group: list[_Pending]) -> list[list[int]]:
        """One transaction, two multi-row statements for the whole group (the hot path)."""
        blob_rows: dict[str, dict[str, object]] = {}
        reception_rows: list[dict[str, object]] = []
        now = utcnow()
        for pending in group:
            env = pending.envelope
            blob_rows.setdefault(
                env.sha256, {"sha256": env.sha256, "size": len(env.raw), "data": env.raw}
            )
            for department_id, recipients in sorted(env.departments.items()):
                reception_rows.append(
                    {
                        "raw_sha256": env.sha256,
                        "department_id": department_id,
                        "source": env.source,
                        "envelope_from": env.mail_from[:320],
                        "recipients": recipients,
                        "peer": env.peer[:100],
                        "received_at": now,
                        "state": ReceptionState.ACCEPTED.value,
                        "attempts": 0,
                    }
                )
        with self._engine.begin() as connection:
            connection.execute(
                blobs.insert_ignoring_duplicates(connection.dialect.name), list(blob_rows.values())
            )
            ids = (
                connection.execute(
                    insert(Reception).returning(col(Reception.id), sort_by_parameter_order=True),
                    reception_rows,
                )
                .scalars()
                .all()
            )
        # Hand each message the ids of its own receptions, in order.
        result: list[list[int]] = []
        position = 0
        for pending in group:
            count = len(pending.envelope.departments)
            result.append([int(i) for i in ids[position : position + count] if i is not None])
            position += count
        return result
