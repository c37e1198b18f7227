"""Background filing of accepted receptions, safe with several processes on one database.

The acceptor tells the filer which receptions it just committed (the fast path);
a periodic sweep also picks up receptions left behind by a crash or by another
process. A reception is claimed with a conditional UPDATE and a lease, so two
filers never file the same one, and a filer that dies releases it by expiry.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from datetime import timedelta

from sqlalchemy import Engine, or_, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import col, select

from mailgate import audit
from mailgate.db import session_scope
from mailgate.inbound.filing import FilingOutcome, file_reception
from mailgate.models import Reception, ReceptionState, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
# Filing takes milliseconds; the lease only matters when a filer dies, and then
# a short one gets the reception filed soon after a restart. Expiring while a
# slow filer still works is safe: (department, dedupe_key) is unique.


class Filer:
    def __init__(
        self, engine: Engine, *, lease_seconds: float = 30.0, sweep_seconds: float = 5.0
    ) -> None:
        self._engine = engine
        self._lease = timedelta(seconds=lease_seconds)
        self._sweep_seconds = sweep_seconds
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
                await asyncio.to_thread(self.file_one, reception_id)
        finally:
            sweeper.cancel()
            await asyncio.gather(sweeper, return_exceptions=True)

    async def _sweep_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.to_thread(self.sweep)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._sweep_seconds)

    def sweep(self, limit: int = 500) -> int:
        """File every reception still waiting (after a crash, or from another process)."""
        done = 0
        while True:
            with session_scope(self._engine) as session:
                ids = list(
                    session.exec(
                        select(Reception.id)
                        .where(Reception.state == ReceptionState.ACCEPTED)
                        .order_by(col(Reception.id))
                        .limit(limit)
                    )
                )
            progressed = sum(1 for rid in ids if rid is not None and self.file_one(rid) is not None)
            done += progressed
            if len(ids) < limit or progressed == 0:
                return done

    def _claim(self, reception_id: int) -> bool:
        now = utcnow()
        with session_scope(self._engine) as session:
            result = session.execute(
                update(Reception)
                .where(
                    col(Reception.id) == reception_id,
                    col(Reception.state) == ReceptionState.ACCEPTED,
                    or_(col(Reception.lease_until).is_(None), col(Reception.lease_until) < now),
                )
                .values(
                    lease_owner=self.worker,
                    lease_until=now + self._lease,
                    attempts=Reception.attempts + 1,
                )
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def file_one(self, reception_id: int) -> FilingOutcome | None:
        """Claim and file one reception; None if someone else has it or it is done."""
        if not self._claim(reception_id):
            return None
        for attempt in (1, 2):
            try:
                with session_scope(self._engine) as session:
                    reception = session.get(Reception, reception_id)
                    if reception is None or reception.lease_owner != self.worker:
                        return None
                    outcome = file_reception(session, reception)
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
        log.exception("filing reception %s failed; quarantined", reception_id, exc_info=exc)
        with session_scope(self._engine) as session:
            reception = session.get(Reception, reception_id)
            if reception is None:
                return None
            if reception.attempts < MAX_ATTEMPTS and isinstance(exc, OperationalError):
                reception.lease_until = None  # let a later sweep retry a transient failure
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
