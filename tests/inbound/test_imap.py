"""IMAP ingestion against a real Dovecot: once-only ingest, restarts, outages, UIDVALIDITY, TLS, Sent.

Storage-facing tests run on SQLite and PostgreSQL (db_url). Pollers run in the
test's event loop with short timeouts and backoff so the whole file stays fast.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func
from sqlmodel import col, select

from mailgate import blobs
from mailgate.cli import cli
from mailgate.config import ImapAccountSettings, Settings
from mailgate.db import session_scope
from mailgate.delivery.queue import enqueue
from mailgate.inbound import imap_state
from mailgate.inbound.accept import Acceptor
from mailgate.inbound.filer import Filer
from mailgate.inbound.imap import AccountPoller
from mailgate.inbound.imap_wire import (
    decode_mailbox,
    encode_mailbox,
    parse_fetch,
    parse_list,
    uid_set,
)
from mailgate.mail.compose import content_hash
from mailgate.models import Blob, Department, ImapState, Message, Reception
from mailgate.serve import Service
from mailgate.web.app import create_app
from tests.conftest import IN_CI
from tests.factories import make_outbound
from tests.inbound.conftest import KOSODATE, TOSHI, make_settings, seed_departments
from tests.inbound.dovecot import DOVECOT, Dovecot


def _need_dovecot() -> None:
    if not Path(DOVECOT).exists():
        message = f"Dovecot is not installed ({DOVECOT}); .ci/run installs dovecot-imapd"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    _need_dovecot()
    server = Dovecot()
    server.add_user("kosodate", "secret-k")
    server.add_user("toshi", "secret-t")
    server.start()
    yield server
    server.close()


@pytest.fixture
def dovecot_tls() -> Iterator[Dovecot]:
    _need_dovecot()
    server = Dovecot(tls=True)
    server.add_user("kosodate", "secret-k")
    server.start()
    yield server
    server.close()


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed_departments(engine)
    return engine


def account(server: Dovecot, user: str = "kosodate", **overrides: Any) -> ImapAccountSettings:
    values: dict[str, Any] = {
        "name": f"{user}-inbox",
        "department": user,
        "host": "127.0.0.1",
        "port": server.port,
        "tls": "none",
        "user": user,
        "password": server.users[user],
        "timeout": 5,
        "poll_seconds": 5,
        "reconnect_min_seconds": 0.1,
        "reconnect_max_seconds": 0.5,
        **overrides,
    }
    return ImapAccountSettings.model_validate(values)


def mail(n: int, *, subject: str = "", body: str = "", charset: str = "utf-8") -> bytes:
    message = EmailMessage()
    message["From"] = f"resident{n}@example.jp"
    message["To"] = KOSODATE
    message["Subject"] = subject or f"問い合わせ {n}"
    message["Message-ID"] = f"<imap-{n}@example.jp>"
    message.set_content(body or f"本文 {n}", charset=charset)
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def iso2022jp_mail() -> bytes:
    """Hand-built, as Japanese mail clients send it: 7-bit ISO-2022-JP, RFC 2047 subject."""
    return (
        b"From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.jp>\r\n"
        b"To: " + KOSODATE.encode() + b"\r\n"
        b"Subject: =?ISO-2022-JP?B?GyRCO2o1XiRLJEQkJCRGGyhC?=\r\n"
        b"Message-ID: <jis-1@example.jp>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: text/plain; charset="ISO-2022-JP"\r\n'
        b"Content-Transfer-Encoding: 7bit\r\n\r\n"
        + "保育園の申請について教えてください。\r\n".encode("iso-2022-jp")
    )


@asynccontextmanager
async def polling(
    engine: Engine, *accounts: ImapAccountSettings
) -> AsyncIterator[list[AccountPoller]]:
    acceptor = Acceptor(engine)
    await acceptor.start()
    stop = asyncio.Event()
    pollers = [AccountPoller(a, engine, acceptor, stop) for a in accounts]
    tasks = [asyncio.create_task(p.run()) for p in pollers]
    try:
        yield pollers
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 30)
        await acceptor.close()


async def until(predicate: Callable[[], Any], what: str, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = await asyncio.to_thread(predicate)
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def count(engine: Engine, model: Any) -> int:
    with session_scope(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def filed_message_ids(engine: Engine, *, sweep: bool = True) -> list[str]:
    if sweep:  # file now instead of running a worker
        Filer(engine).sweep()
    with session_scope(engine) as session:
        return sorted(session.exec(select(Message.message_id_header)))


def state(engine: Engine, name: str = "kosodate-inbox") -> ImapState | None:
    with session_scope(engine) as session:
        return session.get(ImapState, name)


# -- ingest ------------------------------------------------------------------------------------


async def test_each_message_once_byte_identical_then_idle_and_seen(
    dovecot: Dovecot, seeded: Engine
) -> None:
    jis = iso2022jp_mail()
    broken = b"this is not\r\na mail at all \xff\xfe\r\n"
    await asyncio.to_thread(dovecot.append, "kosodate", [mail(1), jis, broken, mail(2)])
    async with polling(seeded, account(dovecot, after_ingest="seen", batch_size=3)) as (poller,):
        await until(lambda: count(seeded, Reception) == 4, "4 receptions")
        # IDLE: a message arriving now comes through without waiting for poll_seconds.
        started = time.monotonic()
        await asyncio.to_thread(dovecot.append, "kosodate", [mail(3)])
        await until(lambda: count(seeded, Reception) == 5, "the pushed message")
        assert time.monotonic() - started < 4
        assert poller.state == "ok"
    with session_scope(seeded) as session:
        blob = session.get(Blob, blobs.sha256_hex(jis))
        receptions = list(session.exec(select(Reception)))
    assert blob is not None and blob.data == jis  # byte-identical, ISO-2022-JP untouched
    assert {r.source for r in receptions} == {"imap"}
    assert all(r.recipients == [KOSODATE] for r in receptions)
    ids = await asyncio.to_thread(filed_message_ids, seeded)
    assert ids.count("<jis-1@example.jp>") == 1 and len(ids) == 5  # the broken one: sha256 key
    with session_scope(seeded) as session:
        subject = session.exec(
            select(Message.subject).where(Message.message_id_header == "<jis-1@example.jp>")
        ).one()
    assert subject == "至急について"
    client = dovecot.client("kosodate")
    client.select("INBOX")
    assert client.uid("SEARCH", "UNSEEN")[1] == [b""]  # flagged \Seen after accept
    client.logout()
    assert (row := state(seeded)) is not None and row.last_uid == 5 and row.status == "stopped"


async def test_restart_mid_batch_no_duplicates_no_gaps(
    dovecot: Dovecot, seeded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = 60
    await asyncio.to_thread(dovecot.append, "kosodate", [mail(n) for n in range(total)])
    # First run: "crash" after the third batch was accepted but before its checkpoint.
    real_advance, calls = imap_state.advance, []

    class Crash(BaseException):
        """Stands in for the process dying here (nothing in the poller may catch it)."""

    def crash_on_third(*args: Any) -> None:
        calls.append(args)
        if len(calls) == 3:
            raise Crash
        real_advance(*args)

    monkeypatch.setattr(imap_state, "advance", crash_on_third)
    acceptor = Acceptor(seeded)
    await acceptor.start()
    poller = AccountPoller(account(dovecot, batch_size=7), seeded, acceptor, asyncio.Event())
    with pytest.raises(Crash):
        await poller.run()
    await acceptor.close()
    assert count(seeded, Reception) == 21 and (row := state(seeded)) and row.last_uid == 14
    monkeypatch.setattr(imap_state, "advance", real_advance)
    # Second run, a fresh process: replays batch 3 without duplicating it, then the rest.
    async with polling(seeded, account(dovecot, batch_size=7)):
        await until(lambda: (s := state(seeded)) is not None and s.last_uid == total, "all")
    assert count(seeded, Reception) == total  # replays of identical bytes are skipped
    ids = await asyncio.to_thread(filed_message_ids, seeded)
    assert ids == sorted(f"<imap-{n}@example.jp>" for n in range(total))


async def test_dovecot_restart_is_survived(dovecot: Dovecot, seeded: Engine) -> None:
    await asyncio.to_thread(dovecot.append, "kosodate", [mail(1)])
    async with polling(seeded, account(dovecot)) as (poller,):
        await until(lambda: count(seeded, Reception) == 1, "first message")
        await asyncio.to_thread(dovecot.stop)
        await until(lambda: poller.state == "error", "the poller to notice")
        await asyncio.to_thread(dovecot.start)
        await asyncio.to_thread(dovecot.append, "kosodate", [mail(2)])
        await until(lambda: count(seeded, Reception) == 2, "mail after the restart")
        assert poller.state == "ok"
    assert await asyncio.to_thread(filed_message_ids, seeded) == [
        "<imap-1@example.jp>",
        "<imap-2@example.jp>",
    ]


async def test_uidvalidity_change_resyncs_without_duplicates(
    dovecot: Dovecot, seeded: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    await asyncio.to_thread(dovecot.append, "kosodate", [mail(n) for n in range(3)])
    async with polling(seeded, account(dovecot)):
        await until(lambda: count(seeded, Reception) == 3, "first sync")
        # The UID is recorded after accept() has returned, so a moment after the receptions.
        await until(lambda: (s := state(seeded)) is not None and s.last_uid == 3, "last UID")
        before = state(seeded)
        assert before is not None and before.last_uid == 3
        # Dovecot drops the session ("state is inconsistent"); the poller reconnects.
        await asyncio.to_thread(
            dovecot.doveadm,
            "mailbox",
            "update",
            "--uid-validity",
            "4242",
            "-u",
            "kosodate",
            "INBOX",
        )
        await asyncio.to_thread(dovecot.append, "kosodate", [mail(3)])
        await until(lambda: count(seeded, Reception) == 4, "the new message")
        await until(lambda: (s := state(seeded)) is not None and s.uidvalidity == 4242, "resync")
    assert "UIDVALIDITY" in caplog.text
    assert count(seeded, Reception) == 4  # the three old ones were not accepted again
    assert len(await asyncio.to_thread(filed_message_ids, seeded)) == 4


async def test_resync_of_a_recreated_folder_files_nothing_twice(
    dovecot: Dovecot, seeded: Engine
) -> None:
    """Folder deleted and recreated with the same mail, rewritten: Message-ID dedupe catches it."""
    folder = "問い合わせ"  # a Japanese folder name travels as modified UTF-7
    dovecot.doveadm("mailbox", "create", "-u", "kosodate", folder)
    first = [mail(n) for n in range(2)]
    await asyncio.to_thread(dovecot.append_via_doveadm, "kosodate", first, folder)
    async with polling(seeded, account(dovecot, folder=folder)):
        await until(lambda: count(seeded, Reception) == 2, "first sync")
    before = state(seeded)
    dovecot.doveadm("mailbox", "delete", "-u", "kosodate", folder)
    dovecot.doveadm("mailbox", "create", "-u", "kosodate", folder)
    rewritten = [b"X-Restored: yes\r\n" + raw for raw in first]  # new bytes, same Message-IDs
    await asyncio.to_thread(dovecot.append_via_doveadm, "kosodate", rewritten, folder)
    async with polling(seeded, account(dovecot, folder=folder)):
        await until(lambda: count(seeded, Reception) == 4, "resync")
    after = state(seeded)
    assert before is not None and after is not None and before.uidvalidity != after.uidvalidity
    ids = await asyncio.to_thread(filed_message_ids, seeded)
    assert ids == ["<imap-0@example.jp>", "<imap-1@example.jp>"]


async def test_move_after_ingest(dovecot: Dovecot, seeded: Engine) -> None:
    client = dovecot.client("kosodate")
    client.create("Archive")
    client.logout()
    await asyncio.to_thread(dovecot.append, "kosodate", [mail(1), mail(2)])
    async with polling(seeded, account(dovecot, after_ingest="move", move_to="Archive")):
        await until(lambda: count(seeded, Reception) == 2, "ingest")
        client = dovecot.client("kosodate")
        await until(lambda: client.select("INBOX")[1] == [b"0"], "INBOX emptied")
        assert client.select("Archive")[1] == [b"2"]
        client.logout()


async def test_polling_without_idle(dovecot: Dovecot, seeded: Engine) -> None:
    async with polling(seeded, account(dovecot, idle=False, poll_seconds=0.3)) as (poller,):
        await until(lambda: (s := state(seeded)) is not None and s.status == "ok", "connected")
        await asyncio.to_thread(dovecot.append, "kosodate", [mail(1)])
        await until(lambda: count(seeded, Reception) == 1, "the polled message", 5)
        assert poller.state == "ok"


def test_wire_helpers() -> None:
    assert uid_set([7, 1, 2, 3, 5, 8]) == "1:3,5,7:8"
    assert encode_mailbox("送信済み") == '"&kAFP4W4IMH8-"'
    assert encode_mailbox('A&B "x"') == '"A&-B \\"x\\""'
    assert decode_mailbox("&kAFP4W4IMH8-") == "送信済み" and decode_mailbox("A&-B") == "A&B"
    # aioimaplib hands over the literal as a bytearray; UID may come before or after it, and
    # unsolicited FETCH FLAGS lines (another client) carry no body.
    lines: list[bytes | bytearray] = [
        b"1 FETCH (UID 10 BODY[] {5}",
        bytearray(b"ab\r\nc"),
        b")",
        b"2 FETCH (FLAGS (\\Seen))",
        b"3 FETCH (BODY[] {3}",
        bytearray(b"xyz"),
        b" UID 12)",
        b"Fetch completed.",
    ]
    assert parse_fetch(lines) == {10: b"ab\r\nc", 12: b"xyz"}
    assert parse_list([b'(\\HasNoChildren) "." INBOX', b'() "." "&kAFP4W4IMH8-"']) == [
        "INBOX",
        "送信済み",
    ]


# -- failures ------------------------------------------------------------------------------------


async def test_wrong_password_stops_only_that_account(
    dovecot: Dovecot, seeded: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good = account(dovecot)
    bad = account(dovecot, "toshi", password="not-the-password")
    await asyncio.to_thread(dovecot.append, "kosodate", [mail(1)])
    with caplog.at_level(logging.INFO):
        async with polling(seeded, good, bad) as (ok, refused):
            await until(lambda: refused.state == "auth_failed", "auth failure")
            await until(lambda: count(seeded, Reception) == 1, "the other account")
            # Not over IMAP: Dovecot now delays logins from 127.0.0.1 (its auth penalty).
            await asyncio.to_thread(dovecot.append_via_doveadm, "kosodate", [mail(2)], "INBOX")
            await until(lambda: count(seeded, Reception) == 2, "more for the other account", 4)
            assert ok.state == "ok"
            settings = make_settings(tmp_path, "sqlite://")
            settings.imap.accounts = [good, bad]
            transport = httpx.ASGITransport(app=create_app(settings, seeded))
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as web:
                health = (await web.get("/healthz")).json()
    assert health["status"] == "ok"
    assert health["imap"]["kosodate-inbox"]["state"] == "ok"
    assert health["imap"]["toshi-inbox"]["state"] == "auth_failed"
    assert "authentication failed" in health["imap"]["toshi-inbox"]["last_error"]
    assert "authentication failed for user 'toshi'" in caplog.text
    assert "not-the-password" not in caplog.text + str(health)
    assert "secret-k" not in caplog.text


async def test_tls_with_the_test_ca_works_and_an_unknown_ca_is_refused(
    dovecot_tls: Dovecot, seeded: Engine
) -> None:
    await asyncio.to_thread(dovecot_tls.append, "kosodate", [mail(1)])
    implicit = account(
        dovecot_tls, port=dovecot_tls.tls_port, tls="implicit", ca_file=str(dovecot_tls.ca_file)
    )
    starttls = account(
        dovecot_tls, name="starttls", tls="starttls", ca_file=str(dovecot_tls.ca_file)
    )
    unknown = account(dovecot_tls, name="unknown-ca", port=dovecot_tls.tls_port, tls="implicit")
    async with polling(seeded, implicit, starttls, unknown) as (ok, ok_too, refused):
        await until(lambda: refused.state == "error", "certificate failure")
        await until(lambda: ok.ingested + ok_too.ingested >= 1, "mail over TLS")
        await until(lambda: ok.state == ok_too.state == "ok", "both TLS modes")
    refusal = state(seeded, "unknown-ca")
    assert refusal is not None and "certificate verification failed" in refusal.last_error
    # Both TLS accounts read the same mailbox here: filed once all the same.
    assert await asyncio.to_thread(filed_message_ids, seeded) == ["<imap-1@example.jp>"]


def test_config_validation(tmp_path: Path) -> None:
    from mailgate.config import load_settings
    from mailgate.errors import ConfigError

    def load(text: str, environ: dict[str, str] | None = None) -> Settings:
        path = tmp_path / "m.toml"
        path.write_text(text, encoding="utf-8")
        return load_settings(path, environ=environ or {})

    base = '[[imap.accounts]]\nname = "a"\nhost = "h"\nuser = "u"\n'
    for extra, message in [
        ("", "exactly one of department"),
        ('department = "k"\naddress = "k@x.jp"\n', "exactly one of department"),
        ('department = "k"\nafter_ingest = "move"\n', "needs move_to"),
        ('department = "k"\npassword = "p"\npassword_file = "f"\n', "only one of password"),
        ('department = "k"\ntls = "ssl"\n', "imap.accounts.0.tls"),
    ]:
        with pytest.raises(ConfigError, match=message):
            load(base + extra)
    with pytest.raises(ConfigError, match="appears twice"):
        load(base + 'department = "k"\n' + base + 'department = "k"\n')
    settings = load(
        base + 'department = "k"\npassword_env = "MAILGATE_IMAP_A_PASSWORD"\n',
        {"MAILGATE_IMAP_A_PASSWORD": "s3cret", "MAILGATE_IMAP_SENT_COPY": "true"},
    )
    chosen = settings.imap.accounts[0]
    assert settings.imap.sent_copy and chosen.effective_port == 993
    assert "s3cret" not in repr(load(base + 'department = "k"\npassword = "s3cret"\n'))
    production = (
        'environment = "production"\n' + base + 'department = "k"\ntls = "none"\npassword = "p"\n'
    )
    with pytest.raises(ConfigError) as error:
        load(production)
    assert "without TLS" in str(error.value) and "password is inline" in str(error.value)


# -- CLI, serve, Sent copy --------------------------------------------------------------------------


def test_imap_test_command(dovecot: Dovecot, tmp_path: Path) -> None:
    dovecot.append("kosodate", [mail(1), mail(2)])
    config = tmp_path / "mailgate.toml"
    lines = [
        "[[imap.accounts]]",
        'name = "kosodate-inbox"',
        'department = "kosodate"',
        'host = "127.0.0.1"',
        f"port = {dovecot.port}",
        'tls = "none"',
        'user = "kosodate"',
        'password_file = "' + str(tmp_path / "pw") + '"',
    ]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "pw").write_text("secret-k\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "imap", "test", "kosodate-inbox"])
    assert result.exit_code == 0, result.output
    assert "folder INBOX: 2 messages" in result.output and "IDLE=yes" in result.output
    (tmp_path / "pw").write_text("wrong\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "imap", "test", "kosodate-inbox"])
    assert result.exit_code == 1 and "FAILED: authentication" in result.output
    assert "wrong" not in result.output.replace("FAILED", "")
    result = CliRunner().invoke(cli, ["--config", str(config), "imap", "test", "nope"])
    assert result.exit_code != 0 and "kosodate-inbox" in result.output
    config.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "serve", "--role", "imap"])
    assert result.exit_code != 0 and "no [[imap.accounts]]" in result.output


async def test_serve_runs_imap_and_copies_sent_mail(
    dovecot: Dovecot, db_url: str, seeded: Engine, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, db_url)
    settings.imap.accounts = [account(dovecot), account(dovecot, "toshi")]
    settings.imap.sent_copy = True
    settings.delivery.poll_seconds = 0.1
    client = dovecot.client("kosodate")
    client.create("Sent")
    client.logout()
    await asyncio.to_thread(dovecot.append, "kosodate", [mail(1)])
    service = Service(settings, seeded, roles=("imap", "worker"), handle_signals=False)
    task = asyncio.create_task(service.run())
    await asyncio.wait_for(service.ready.wait(), 30)
    try:
        await until(
            lambda: filed_message_ids(seeded, sweep=False) == ["<imap-1@example.jp>"], "filing"
        )
        with session_scope(seeded) as session:
            department = session.exec(select(Department).where(Department.slug == "kosodate")).one()
            reply = make_outbound(
                session,
                department,
                to="resident1@example.jp",
                subject="Re: 問い合わせ",
                body="回答です。",
            )
            enqueue(session, reply, approved_hash=content_hash(reply, []), actor="test")
            reply_id = reply.id

        def sent_copy() -> bytes | None:
            imap = dovecot.client("kosodate")
            try:
                imap.select("Sent")
                _, data = imap.uid("FETCH", "1:*", "(BODY.PEEK[])")
                return data[0][1] if data and isinstance(data[0], tuple) else None
            finally:
                imap.logout()

        copied = await until(sent_copy, "the Sent copy")
        with session_scope(seeded) as session:
            message = session.get(Message, reply_id)
            assert message is not None and message.raw_sha256
            assert copied == session.get(Blob, message.raw_sha256).data  # type: ignore[union-attr]
    finally:
        service.stop.set()
        await asyncio.wait_for(task, 30)
    with session_scope(seeded) as session:
        sources = set(session.exec(select(Reception.source)))
        toshi = session.exec(
            select(col(ImapState.status)).where(ImapState.account == "toshi-inbox")
        ).one()
    assert sources == {"imap"} and toshi == "stopped"
    assert TOSHI  # the second account polled an empty mailbox without trouble
