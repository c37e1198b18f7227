"""The IMAP poller: pull new mail from upstream mailboxes into the one durable accept path.

One task per configured account. Each cycle: SELECT the folder, compare its
UIDVALIDITY with the stored checkpoint (a change restarts from UID 1), UID
SEARCH for UIDs above the checkpoint, then per batch: FETCH, Acceptor.accept()
every message (the raw bytes are stored whatever they contain; filing parses
later), only then flag \\Seen or move upstream, only then advance the
checkpoint. A crash at any point replays part of a batch; replays are skipped
when the department already has a reception of the same bytes, and filing's
(department, Message-ID) dedupe catches the rest. Between cycles the session
IDLEs when the server can, or sleeps poll_seconds.

Connection problems reconnect with exponential backoff; refused credentials stop
only that account (state auth_failed in imap_state and /healthz) until restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import logging
import random
import ssl

import aioimaplib
from sqlalchemy import Engine

from mailgate import blobs
from mailgate.config import ImapAccountSettings, Settings
from mailgate.errors import ConfigError
from mailgate.inbound import imap_state
from mailgate.inbound.accept import Acceptor, InboundEnvelope
from mailgate.inbound.imap_client import AuthenticationFailed, ImapError, ImapSession

log = logging.getLogger(__name__)
# Errors after which reconnecting later may help.
RETRYABLE = (OSError, TimeoutError, ImapError, aioimaplib.AioImapException, EOFError)


def envelope_sender(raw: bytes) -> str:
    """Return-Path of the upstream delivery, if any: the closest thing to MAIL FROM we have."""
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
        value = str(headers.get("Return-Path", "") or "")
    except Exception:  # malformed headers: the raw bytes are kept anyway
        return ""
    return value.strip().strip("<>").strip()[:320]


def describe(exc: BaseException) -> str:
    """A log- and health-safe description: the error type and the server's words, no secrets."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate verification failed: {exc.verify_message or exc}"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:500]


class AccountPoller:
    def __init__(
        self,
        account: ImapAccountSettings,
        engine: Engine,
        acceptor: Acceptor,
        stop: asyncio.Event,
    ) -> None:
        self.account = account
        self.engine = engine
        self.acceptor = acceptor
        self.stop = stop
        self.state = "connecting"
        self.ingested = 0
        self._rng = random.Random()

    async def _status(self, state: str, error: str = "") -> None:
        self.state = state
        with contextlib.suppress(Exception):  # health is best effort; the log has it too
            await asyncio.to_thread(
                imap_state.set_status, self.engine, self.account.name, state, error
            )

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), seconds)

    async def run(self) -> None:
        """Poll until stop is set or the credentials are refused; never raises."""
        name, delay = self.account.name, self.account.reconnect_min_seconds
        while not self.stop.is_set():
            session: ImapSession | None = None
            try:
                target = await asyncio.to_thread(
                    imap_state.resolve_target, self.engine, self.account
                )
                session = ImapSession(self.account, self.account.resolved_password())
                await session.connect()
                await self._serve(session, target)
            except AuthenticationFailed as exc:
                log.error(
                    "imap account %s: authentication failed for user %r at %s:%s: %s. "
                    "The account is stopped until mailgate restarts; other accounts continue.",
                    name,
                    self.account.user,
                    self.account.host,
                    self.account.effective_port,
                    exc,
                )
                await self._status("auth_failed", f"authentication failed: {exc}")
                return
            except (ConfigError, imap_state.TargetError) as exc:
                log.error("imap account %s: %s; retrying later", name, exc)
                await self._status("error", str(exc))
                delay = self.account.reconnect_max_seconds
            except RETRYABLE as exc:
                if self.stop.is_set():
                    break
                if self.state == "ok":  # a good session ended: start the backoff afresh
                    delay = self.account.reconnect_min_seconds
                reason = describe(exc)
                log.warning("imap account %s: %s; reconnecting in %.1fs", name, reason, delay)
                await self._status("error", reason)
            except Exception as exc:  # a bug or the database: must not end the account silently
                # Type only: database errors can quote statement parameters (message bytes).
                log.error("imap account %s: unexpected %s; retrying", name, type(exc).__name__)
                await self._status("error", f"unexpected {type(exc).__name__}")
            else:
                delay = self.account.reconnect_min_seconds
            finally:
                if session is not None:
                    await session.close()
            if self.stop.is_set():
                break
            await self._sleep(delay * (0.8 + 0.4 * self._rng.random()))
            delay = min(delay * 2, self.account.reconnect_max_seconds)
        await self._status("stopped")

    async def _serve(self, session: ImapSession, target: imap_state.Target) -> None:
        """One connection's life: ingest, wait for more, repeat until stop."""
        account = self.account
        mailbox = await session.select(account.folder)
        last_uid = await asyncio.to_thread(
            imap_state.checkpoint, self.engine, account.name, account.folder, mailbox.uidvalidity
        )
        log.info(
            "imap account %s: %s selected (%d messages, resuming after UID %d)",
            account.name,
            account.folder,
            mailbox.exists,
            last_uid,
        )
        await self._status("ok")
        use_idle = account.idle and "IDLE" in session.capabilities
        while not self.stop.is_set():
            last_uid = await self._ingest_new(session, target, mailbox.uidvalidity, last_uid)
            if self.stop.is_set():
                break
            if use_idle:
                await session.idle(account.poll_seconds, self.stop)
            else:
                await self._sleep(account.poll_seconds)
                if not self.stop.is_set():
                    await session.command("NOOP")  # lets the server report new mail
            await self._status("ok")

    async def _ingest_new(
        self, session: ImapSession, target: imap_state.Target, uidvalidity: int, last_uid: int
    ) -> int:
        uids = await session.uids_after(last_uid)
        size = self.account.batch_size
        for start in range(0, len(uids), size):
            if self.stop.is_set():
                break
            batch = uids[start : start + size]
            messages = await session.fetch(batch)
            missing = set(batch) - {uid for uid, _ in messages}
            if missing and await session.existing(sorted(missing)):
                # Never step over a message the server still has: retry on a new connection.
                raise ImapError(f"FETCH returned no body for {len(missing)} existing messages")
            # Replays after a crash or a resync: bytes this department already has are skipped.
            digests = {uid: blobs.sha256_hex(raw) for uid, raw in messages}
            known = await asyncio.to_thread(
                imap_state.already_received,
                self.engine,
                target.department_id,
                list(digests.values()),
            )
            fresh = [(uid, raw) for uid, raw in messages if digests[uid] not in known]
            # Concurrent accepts share one group commit.
            await asyncio.gather(*(self._accept(uid, raw, target) for uid, raw in fresh))
            done = [uid for uid, _ in messages]
            if done and self.account.after_ingest == "seen":
                await session.mark_seen(done)
            elif done and self.account.after_ingest == "move":
                await session.move(done, self.account.move_to)
            last_uid = max(batch)
            await asyncio.to_thread(
                imap_state.advance,
                self.engine,
                self.account.name,
                uidvalidity,
                last_uid,
                len(fresh),
            )
            self.ingested += len(fresh)
            if fresh:
                log.info("imap account %s: accepted %d messages", self.account.name, len(fresh))
        return last_uid

    async def _accept(self, uid: int, raw: bytes, target: imap_state.Target) -> None:
        await self.acceptor.accept(
            InboundEnvelope(
                raw=raw,
                mail_from=envelope_sender(raw),
                departments={target.department_id: [target.recipient]},
                source="imap",
                peer=f"imap:{self.account.name}:{uid}"[:100],
            )
        )


class ImapPoller:
    """All configured accounts, each in its own task: one failing account never stops another."""

    def __init__(self, settings: Settings, engine: Engine, acceptor: Acceptor) -> None:
        self.stop = asyncio.Event()
        self.accounts = [
            AccountPoller(account, engine, acceptor, self.stop)
            for account in settings.imap.accounts
        ]

    async def run(self, stop: asyncio.Event) -> None:
        tasks = [
            asyncio.create_task(a.run(), name=f"mailgate-imap-{a.account.name}")
            for a in self.accounts
        ]
        await stop.wait()
        self.stop.set()  # each account finishes its batch (accept + flag + checkpoint) first
        await asyncio.gather(*tasks, return_exceptions=True)
