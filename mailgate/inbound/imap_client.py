"""A small typed IMAP session over aioimaplib for the poller, the Sent copy and `mailgate imap test`.

aioimaplib leaves three gaps this module fills: it has no STARTTLS (we upgrade
the transport with loop.start_tls), a dropped connection leaves pending
commands waiting for their timeout (every call here also races a
"connection lost" event, so a restarted server is noticed at once), and FETCH
answers are raw lines (parsed here into (UID, bytes) with the literal untouched,
so the raw message is byte-identical to what the server holds).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import ssl
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

import aioimaplib

from mailgate.config import ImapAccountSettings
from mailgate.inbound.imap_wire import encode_mailbox, parse_fetch, tls_context, uid_set

T = TypeVar("T")
_NEWS = re.compile(rb"^\* \d+ (EXISTS|RECENT)")
# RFC 5530 codes that mean "these credentials will not work": stop instead of retrying.
_AUTH_CODES = (b"[AUTHENTICATIONFAILED]", b"[AUTHORIZATIONFAILED]", b"[EXPIRED]")


class ImapError(Exception):
    """The server refused a command or the session broke; the caller reconnects."""


class AuthenticationFailed(ImapError):
    """The credentials (or the login method) are refused: retrying will not help."""


class ConnectionLost(ImapError):
    pass


@dataclass(frozen=True)
class Mailbox:
    uidvalidity: int
    exists: int
    uidnext: int | None


def _text(response: Any) -> str:
    lines = [bytes(x) for x in response.lines if isinstance(x, bytes | bytearray)]
    return lines[-1].decode("utf-8", "replace")[:300] if lines else ""


class ImapSession:
    def __init__(self, account: ImapAccountSettings, password: str) -> None:
        self.account = account
        self._password = password
        self._lost = asyncio.Event()
        # Set when the server announced new mail; cleared when a UID SEARCH starts.
        self.news = asyncio.Event()
        self._client: aioimaplib.IMAP4 | None = None

    @property
    def _proto(self) -> Any:
        assert self._client is not None, "connect() first"
        return self._client.protocol

    @property
    def capabilities(self) -> set[str]:
        return {c.upper() for c in self._proto.capabilities}

    async def _guard(self, awaitable: Awaitable[T], timeout: float | None = -1.0) -> T:
        """Await a command, but give up when the connection drops or the timeout passes.

        timeout: seconds; -1 means the account's timeout; None means no limit here.
        """
        task = asyncio.ensure_future(awaitable)
        lost = asyncio.ensure_future(self._lost.wait())
        try:
            done, _ = await asyncio.wait(
                {task, lost},
                timeout=self.account.timeout if timeout == -1.0 else timeout,
                return_when=asyncio.FIRST_COMPLETED,
            )
        except BaseException:
            task.cancel()
            raise
        finally:
            lost.cancel()
        if task in done:
            return task.result()
        task.cancel()
        if lost in done:
            raise ConnectionLost("the server closed the connection")
        raise TimeoutError("the server did not answer in time")

    def _check(self, response: Any, what: str) -> Any:
        if response.result != "OK":
            raise ImapError(f"{what} refused: {response.result} {_text(response)}")
        return response

    async def connect(self) -> None:
        """Connect, negotiate TLS as configured, log in."""
        account = self.account
        context = tls_context(account) if account.tls != "none" else None
        self._client = aioimaplib.IMAP4(
            host=account.host,
            port=account.effective_port,
            timeout=account.timeout,
            conn_lost_cb=lambda _exc: self._lost.set(),
            ssl_context=context if account.tls == "implicit" else None,
        )
        self._watch_for_news()
        await self._guard(self._client.wait_hello_from_server())
        if account.tls == "starttls":
            assert context is not None
            await self._starttls(context)
        if "LOGINDISABLED" in self.capabilities:
            raise AuthenticationFailed(
                "the server refuses LOGIN on this connection (LOGINDISABLED): use tls"
            )
        response = await self._guard(
            self._proto.login(aioimaplib.quoted(account.user), self._password)
        )
        if response.result != "OK":
            text = _text(response)
            if response.result == "NO" and not text.startswith("[UNAVAILABLE]"):
                raise AuthenticationFailed(f"login as {account.user!r} refused: {text}")
            raise ImapError(f"login refused: {response.result} {text}")
        await self._guard(self._proto.capability())  # they may change after login

    def _watch_for_news(self) -> None:
        """Remember "* n EXISTS" whenever it arrives.

        aioimaplib drops untagged EXISTS that arrive between commands or during an
        unrelated one (e.g. a message delivered just before IDLE starts); without this the
        poller would only see such mail at the next poll_seconds.
        """
        proto = self._proto
        original = proto._untagged_response

        def spy(line: bytes) -> Any:
            if _NEWS.search(line):
                self.news.set()
            return original(line)

        proto._untagged_response = spy

    async def _starttls(self, context: ssl.SSLContext) -> None:
        if "STARTTLS" not in self.capabilities:
            raise ImapError("the server does not offer STARTTLS")
        command = aioimaplib.Command("STARTTLS", self._proto.new_tag(), loop=self._proto.loop)
        self._check(await self._guard(self._proto.execute(command)), "STARTTLS")
        loop = asyncio.get_running_loop()
        transport = await self._guard(
            loop.start_tls(
                self._proto.transport, self._proto, context, server_hostname=self.account.host
            )
        )
        self._proto.transport = transport
        await self._guard(self._proto.capability())  # RFC 3501: forget pre-TLS capabilities

    async def select(self, folder: str) -> Mailbox:
        response = self._check(
            await self._guard(self._proto.select(encode_mailbox(folder))), f"SELECT {folder!r}"
        )
        found: dict[str, int] = {}
        for line in response.lines:
            text = bytes(line)
            for key, pattern in (
                ("uidvalidity", rb"\[UIDVALIDITY (\d+)\]"),
                ("uidnext", rb"\[UIDNEXT (\d+)\]"),
                ("exists", rb"^(\d+) EXISTS"),
            ):
                if match := re.search(pattern, text):
                    found[key] = int(match.group(1))
        if "uidvalidity" not in found:
            raise ImapError(f"SELECT {folder!r}: the server sent no UIDVALIDITY")
        return Mailbox(found["uidvalidity"], found.get("exists", 0), found.get("uidnext"))

    async def _uid_search(self, uids: str) -> list[int]:
        response = self._check(
            await self._guard(self._proto.search("UID", uids, by_uid=True, charset=None)),
            "UID SEARCH",
        )
        found: set[int] = set()
        # aioimaplib strips "* SEARCH" from the untagged lines; the last line is the tagged text.
        for line in response.lines[:-1]:
            found.update(int(u) for u in bytes(line).split() if u.isdigit())
        return sorted(found)

    async def uids_after(self, last_uid: int) -> list[int]:
        self.news.clear()  # this search sees everything announced so far
        # "n:*" always matches the highest UID, even when it is below n.
        return [u for u in await self._uid_search(f"{last_uid + 1}:*") if u > last_uid]

    async def existing(self, uids: list[int]) -> list[int]:
        """Which of these UIDs the folder still holds."""
        return [u for u in await self._uid_search(uid_set(uids)) if u in set(uids)]

    async def fetch(self, uids: list[int]) -> list[tuple[int, bytes]]:
        """The raw bytes of these messages, in UID order; expunged ones are simply absent."""
        # aioimaplib's timeout restarts with every chunk received: a slow big message is not
        # cut off, a stalled one is.
        response = self._check(
            await self._guard(
                self._proto.fetch(
                    uid_set(uids), "(UID BODY.PEEK[])", by_uid=True, timeout=self.account.timeout
                ),
                timeout=None,
            ),
            "UID FETCH",
        )
        found = parse_fetch(response.lines)
        return sorted((uid, raw) for uid, raw in found.items() if uid in set(uids))

    async def mark_seen(self, uids: list[int]) -> None:
        self._check(
            await self._guard(
                self._proto.store(uid_set(uids), "+FLAGS.SILENT", r"(\Seen)", by_uid=True)
            ),
            "UID STORE",
        )

    async def move(self, uids: list[int], folder: str) -> None:
        target, which = encode_mailbox(folder), uid_set(uids)
        if "MOVE" in self.capabilities:
            self._check(await self._guard(self._proto.move(which, target, by_uid=True)), "MOVE")
            return
        # RFC 6851 fallback: copy, then delete only these UIDs (UIDPLUS) or all \Deleted.
        self._check(await self._guard(self._proto.copy(which, target, by_uid=True)), "COPY")
        await self._guard(self._proto.store(which, "+FLAGS.SILENT", r"(\Deleted)", by_uid=True))
        if "UIDPLUS" in self.capabilities:
            await self._guard(self._proto.expunge(which, by_uid=True))
        else:
            await self._guard(self._proto.expunge())

    async def append(self, raw: bytes, folder: str, flags: str = r"\Seen") -> None:
        response = await self._guard(
            self._proto.append(raw, encode_mailbox(folder), flags, timeout=self.account.timeout),
            timeout=None,
        )
        self._check(response, f"APPEND to {folder!r}")

    async def command(self, name: str, *args: str) -> list[bytes]:
        """LIST, STATUS, NOOP and similar: the untagged lines of the answer."""
        response = self._check(await self._guard(self._proto.simple_command(name, *args)), name)
        return [bytes(x) for x in response.lines[:-1]]

    async def idle(self, seconds: float, stop: asyncio.Event) -> None:
        """IDLE until the server reports a change, `seconds` pass, or `stop` is set."""
        if self.news.is_set():
            return  # mail arrived since the last search: look first
        proto = self._proto
        idling = asyncio.ensure_future(proto.idle())
        acked = asyncio.ensure_future(proto.wait_for_idle_response())
        try:
            await self._guard(asyncio.wait({idling, acked}, return_when=asyncio.FIRST_COMPLETED))
        finally:
            acked.cancel()
        if idling.done():  # answered without "+ idling": refused
            raise ImapError(f"IDLE refused: {_text(idling.result())}")
        waiters = [
            asyncio.ensure_future(proto.idle_queue.get()),
            asyncio.ensure_future(stop.wait()),
        ]
        try:
            await self._guard(
                asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED), timeout=seconds
            )
        except TimeoutError:
            pass  # nothing happened: leave IDLE and look anyway
        finally:
            for waiter in waiters:
                waiter.cancel()
        proto.idle_done()
        self._check(await self._guard(idling), "IDLE")
        while not proto.idle_queue.empty():
            proto.idle_queue.get_nowait()

    async def close(self) -> None:
        """LOGOUT politely if the connection still stands, then drop it."""
        if self._client is None:
            return
        proto = self._proto
        if not self._lost.is_set() and proto.state in ("AUTH", "SELECTED", "NONAUTH"):
            # Closing anyway; whoever closes has reported the reason already.
            with contextlib.suppress(Exception):
                await self._guard(proto.logout(), timeout=min(5.0, self.account.timeout))
        if proto.transport is not None:
            proto.transport.close()
        self._client = None
