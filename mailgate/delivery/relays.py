"""Where outgoing mail is handed over: an SMTP relay (aiosmtplib) or a file outbox.

A relay either returns the server's reply text (the message is accepted) or
raises TemporaryDeliveryError (try again later) or PermanentDeliveryError
(never retry) carrying the SMTP code and reply, so the worker never needs to
know which transport it talks to.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import uuid
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Protocol

import aiosmtplib

from mailgate.config import Settings
from mailgate.errors import PermanentDeliveryError, TemporaryDeliveryError


class Relay(Protocol):
    name: str

    async def send(self, raw: bytes, mail_from: str, recipients: list[str]) -> str:
        """Hand the message over; return the server's reply text."""
        ...


def _classify(code: int, text: str) -> Exception:
    reply = f"{code} {text}".strip()
    if 500 <= code <= 599:
        return PermanentDeliveryError(reply, code)
    return TemporaryDeliveryError(reply, code)


def _refused_all(exc: aiosmtplib.SMTPRecipientsRefused) -> Exception:
    # Retry when any recipient was refused only for now: it may accept later.
    codes = [r.code for r in exc.recipients]
    replies = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
    if codes and all(500 <= c <= 599 for c in codes):
        return PermanentDeliveryError(replies, codes[0])
    return TemporaryDeliveryError(replies, next((c for c in codes if c < 500), None))


class SmtpRelay:
    """One SMTP connection per message: simple, and a broken connection affects one message."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        starttls: bool = False,
        tls: bool = False,
        username: str = "",
        password: str = "",
        timeout: float = 30.0,
        validate_certs: bool = True,
        local_hostname: str | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.starttls, self.tls = starttls, tls
        self.username, self.password = username, password
        self.timeout = timeout
        self.validate_certs = validate_certs
        # Set explicitly: otherwise every EHLO calls socket.getfqdn().
        self.local_hostname = local_hostname or "localhost"
        self.name = f"smtp://{host}:{port}"

    def _client(self) -> aiosmtplib.SMTP:
        return aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            use_tls=self.tls,
            # False rather than None: never upgrade opportunistically to a certificate
            # we were not told to expect; STARTTLS is on exactly when configured.
            start_tls=self.starttls,
            validate_certs=self.validate_certs,
            timeout=self.timeout,
            username=self.username or None,
            password=self.password or None,
            local_hostname=self.local_hostname,
        )

    async def send(self, raw: bytes, mail_from: str, recipients: list[str]) -> str:
        client = self._client()
        try:
            refused, reply = await self._transact(client, raw, mail_from, recipients)
        except BaseException:
            client.close()
            raise
        # The relay has the message now: a failing QUIT must not turn this into a retry.
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            client.close()
        text = f"250 {reply}".strip()
        if refused:
            text += "; refused: " + "; ".join(
                f"{a}: {r.code} {r.message}" for a, r in refused.items()
            )
        return text

    async def _transact(
        self, client: aiosmtplib.SMTP, raw: bytes, mail_from: str, recipients: list[str]
    ) -> tuple[dict[str, aiosmtplib.SMTPResponse], str]:
        """Connect and run one mail transaction, translating failures to our two error types."""
        try:
            await client.connect()
            return await client.sendmail(mail_from, recipients, raw)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise _refused_all(exc) from exc
        except (
            aiosmtplib.SMTPAuthenticationError,
            aiosmtplib.SMTPConnectResponseError,
            aiosmtplib.SMTPHeloError,
        ) as exc:
            # The relay refuses us, not this message (wrong password, no service):
            # the operator fixes it and the message goes out then.
            reply = f"relay refused the session: {exc.code} {exc.message}"
            raise TemporaryDeliveryError(reply, exc.code) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise _classify(exc.code, exc.message) from exc
        except ValueError as exc:  # an address aiosmtplib cannot put in the envelope
            raise PermanentDeliveryError(f"invalid envelope address: {exc}") from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            # Refused or reset connections, timeouts, TLS failures, unsupported STARTTLS.
            raise TemporaryDeliveryError(f"{type(exc).__name__}: {exc}") from exc


_UNSAFE = re.compile(r"[^A-Za-z0-9._@+=-]")


def outbox_name(raw: bytes) -> str:
    """File name for a message: its Message-ID made filesystem-safe, else its content hash."""
    message_id = BytesHeaderParser().parsebytes(raw).get("Message-ID", "")
    stem = _UNSAFE.sub("_", str(message_id).strip().strip("<>"))[:200].lstrip(".")
    return f"{stem or hashlib.sha256(raw).hexdigest()}.eml"


class FileOutbox:
    """Writes each message to <path>/<Message-ID>.eml: the embedded default, no relay needed."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.name = f"outbox:{self.path}"

    async def send(self, raw: bytes, mail_from: str, recipients: list[str]) -> str:
        try:
            target = await asyncio.to_thread(self._write, raw)
        except OSError as exc:
            raise TemporaryDeliveryError(f"outbox write failed: {exc.strerror or exc}") from exc
        return f"250 written to {target.name}"

    def _write(self, raw: bytes) -> Path:
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.path / outbox_name(raw)
        temp = self.path / f".{target.name}.{uuid.uuid4().hex}.tmp"
        try:
            with open(temp, "wb") as handle:
                handle.write(raw)
                handle.flush()
                os.fsync(handle.fileno())
            # Same name on every retry: the rename replaces, it never duplicates.
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        directory = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(directory)  # make the rename itself durable
        finally:
            os.close(directory)
        return target


def relay_from_settings(settings: Settings) -> Relay:
    delivery = settings.delivery
    if delivery.mode == "outbox":
        return FileOutbox(settings.outbox_path)
    relay = delivery.relay
    return SmtpRelay(
        host=relay.host,
        port=relay.port,
        starttls=relay.starttls,
        tls=relay.tls,
        username=relay.username,
        password=relay.resolved_password(),
        timeout=relay.timeout,
        local_hostname=settings.mail_domain,
    )
