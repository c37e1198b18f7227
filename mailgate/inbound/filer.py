"""Background filing of accepted receptions, safe with several processes on one database.

Filing is the worker role's job: the SMTP role only accepts, so a burst of
mail is acknowledged at the speed of a durable commit, and filing catches up
after. When both roles share a process, the acceptor tells the filer which
receptions it committed (the fast path) and the filer yields while ingest is
busy. A periodic sweep picks up receptions from other processes or left by a
crash; it claims them in batches with a lease, so several workers do not all
parse the same mail. Each filing parses outside any transaction and commits
once, re-checking inside the write transaction that nobody filed it meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, or_, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import col, select

from mailgate import audit, blobs
from mailgate.db import session_scope
from mailgate.inbound.filing import FilingOutcome, file_reception
from mailgate.mail.parse import parse_message
from mailgate.models import Reception, ReceptionState, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
# Under sustained ingest the filer still files one reception this often, so
# filing is delayed by a burst but never starved by it.
MAX_YIELD_SECONDS = 2.0


@dataclass
class _Loaded:
    reception_id: int
    raw: bytes


class Filer:
    def __init__(
        self,
        engine: Engine,
        *,
        lease_seconds: float = 30.0,
        sweep_seconds: float = 1.0,
        busy: Callable[[], bool] | None = None,
    ) -> None:
        self._engine = engine
        self._lease = timedelta(seconds=lease_seconds)
        self._sweep_seconds = sweep_seconds
        self._busy = busy or (lambda: False)
        self._pending: asyncio.Queue[int] = asyncio.Queue()
        self.worker = f"filer-{socket.gethostname()}-{os.getpid()}"
        self.filed = 0

    def notify(self, reception_ids: list[int]) -> None:
        for reception_id in reception_ids:
            self._pending.put_nowait(reception_id)

    async def run(self, stop: asyncio.Event) -> None:
        sweeper = asyncio.create_task(self._sweep_loop(stop))
        try:
            while not stop.is_set():
                try:
                    reception_id = await asyncio.wait_for(self._pending.get(), timeout=0.5)
                except TimeoutError:
                    continue
                await self._yield_to_ingest(stop)
                await asyncio.to_thread(self.file_one, reception_id)
        finally:
            sweeper.cancel()
            await asyncio.gather(sweeper, return_exceptions=True)

    async def _yield_to_ingest(self, stop: asyncio.Event) -> None:
        waited = 0.0
        while self._busy() and waited < MAX_YIELD_SECONDS and not stop.is_set():
            await asyncio.sleep(0.05)
            waited += 0.05

    async def _sweep_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self._yield_to_ingest(stop)
            await asyncio.to_thread(self.sweep)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._sweep_seconds)

    def sweep(self, batch: int = 200) -> int:
        """File every reception still waiting (after a crash, or from another process)."""
        done = 0
        while ids := self._claim_batch(batch):
            done += sum(1 for reception_id in ids if self.file_one(reception_id) is not None)
        return done

    def _claim_batch(self, limit: int) -> list[int]:
        """Lease a batch of unclaimed receptions in one commit."""
        now = utcnow()
        free = or_(col(Reception.lease_until).is_(None), col(Reception.lease_until) < now)
        with session_scope(self._engine) as session:
            query = (
                select(Reception.id)
                .where(col(Reception.state) == ReceptionState.ACCEPTED, free)
                .order_by(col(Reception.id))
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            ids = [i for i in session.exec(query) if i is not None]
            if ids:
                session.execute(
                    update(Reception)
                    .where(col(Reception.id).in_(ids))
                    .values(lease_owner=self.worker, lease_until=now + self._lease)
                )
        return ids

    def _load(self, reception_id: int) -> _Loaded | None:
        now = utcnow()
        with session_scope(self._engine) as session:
            reception = session.get(Reception, reception_id)
            if reception is None or reception.state != ReceptionState.ACCEPTED:
                return None
            if (
                reception.lease_owner not in (None, self.worker)
                and reception.lease_until
                and reception.lease_until > now
            ):
                return None  # another worker's sweep has it
            raw = blobs.get(session, reception.raw_sha256)
        if raw is None:
            raise LookupError(f"raw bytes of reception {reception_id} missing")
        return _Loaded(reception_id, raw)

    def file_one(self, reception_id: int) -> FilingOutcome | None:
        """File one reception; None if it is already filed or another worker has it."""
        try:
            loaded = self._load(reception_id)
            if loaded is None:
                return None
            parsed = parse_message(loaded.raw)  # outside any transaction: parsing can be slow
        except Exception as exc:
            return self._quarantine(reception_id, exc)
        for attempt in (1, 2):
            try:
                with session_scope(self._engine) as session:
                    reception = session.get(Reception, reception_id, with_for_update=True)
                    if reception is None or reception.state != ReceptionState.ACCEPTED:
                        return None  # filed by someone else while we parsed
                    outcome = file_reception(session, reception, loaded.raw, parsed)
                self.filed += 1
                return outcome
            except (IntegrityError, OperationalError) as exc:
                # A concurrent filer stored the same Message-ID, or the database
                # hiccupped: the second try sees the committed state.
                if attempt == 2:
                    return self._quarantine(reception_id, exc)
            except Exception as exc:
                return self._quarantine(reception_id, exc)
        return None

    def _quarantine(self, reception_id: int, exc: BaseException) -> FilingOutcome | None:
        log.exception("filing reception %s failed", reception_id, exc_info=exc)
        with session_scope(self._engine) as session:
            reception = session.get(Reception, reception_id)
            if reception is None or reception.state != ReceptionState.ACCEPTED:
                return None
            reception.attempts += 1
            if reception.attempts < MAX_ATTEMPTS and isinstance(exc, OperationalError):
                reception.lease_owner = reception.lease_until = None  # a later sweep retries
                session.add(reception)
                return None
            reception.state = ReceptionState.QUARANTINED
            reception.error = f"{type(exc).__name__}: {exc}"[:2000]
            reception.lease_owner = reception.lease_until = None
            session.add(reception)
            audit.record(
                session,
                "mail.quarantined",
                actor="filer",
                department_id=reception.department_id,
                object_type="reception",
                object_id=reception_id,
                details={"error": type(exc).__name__},
            )
        return FilingOutcome(reception_id, ReceptionState.QUARANTINED, None)
