"""`mailgate imap test ACCOUNT`: the first thing an operator runs after configuring a mailbox.

Connects exactly as the poller would (same TLS and certificate settings),
authenticates, lists the folders and counts the messages in the configured
folder. It changes nothing upstream and never prints the password.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mailgate.config import ImapAccountSettings
from mailgate.errors import ConfigError
from mailgate.inbound.imap import RETRYABLE, describe
from mailgate.inbound.imap_client import AuthenticationFailed, ImapSession
from mailgate.inbound.imap_wire import encode_mailbox, parse_list


async def check_account(account: ImapAccountSettings, echo: Callable[[str], None]) -> bool:
    """Print what works and what does not; True when the account is ready to poll."""
    echo(
        f"account {account.name}: {account.host}:{account.effective_port} tls={account.tls}"
        f" verify_certificate={str(account.verify_certificate).lower()} user={account.user}"
    )
    try:
        password = account.resolved_password()
    except ConfigError as exc:
        echo(f"FAILED: {exc}")
        return False
    session = ImapSession(account, password)
    try:
        await session.connect()
        echo("connected and authenticated")
        capabilities = session.capabilities
        echo(
            "server supports: "
            + ", ".join(f"{c}={'yes' if c in capabilities else 'no'}" for c in ("IDLE", "MOVE"))
        )
        folders = parse_list(await session.command("LIST", '""', '"*"'))
        echo("folders: " + ", ".join(folders))
        lines = await session.command(
            "STATUS", encode_mailbox(account.folder), "(MESSAGES UNSEEN UIDVALIDITY UIDNEXT)"
        )
        counts = {
            key.decode(): int(value)
            for line in lines
            for key, value in re.findall(rb"(MESSAGES|UNSEEN|UIDVALIDITY|UIDNEXT) (\d+)", line)
        }
        echo(
            f"folder {account.folder}: {counts.get('MESSAGES', '?')} messages"
            f" ({counts.get('UNSEEN', '?')} unseen), UIDVALIDITY {counts.get('UIDVALIDITY', '?')}"
        )
        ok = True
        if account.after_ingest == "move" and account.move_to not in folders:
            echo(f"WARNING: move_to folder {account.move_to!r} does not exist on the server")
            ok = False
        if not account.idle or "IDLE" not in capabilities:
            echo(f"polling every {account.poll_seconds:g}s (no IDLE)")
        return ok
    except AuthenticationFailed as exc:
        echo(f"FAILED: authentication: {exc}")
        return False
    except RETRYABLE as exc:
        echo(f"FAILED: {describe(exc)}")
        return False
    finally:
        await session.close()
