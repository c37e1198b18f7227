"""Inbound SMTP ingest benchmark: mailgate (SQLite, PostgreSQL) against a bare aiosmtpd server.

What it measures
    Concurrent SMTP sessions (``--sessions``, default 20) send ``--messages`` mails (default
    2,000) of ``--size`` bytes (default 2,048, Japanese UTF-8 text), a new connection per mail
    like Postfix's smtp-source in FACTS.md (``--reuse`` keeps one connection per session). The
    same load is sent, one server after another, to:

    bare        aiosmtpd whose handler answers 250 and keeps nothing (the Python ceiling)
    sqlite      ``mailgate serve --role smtp`` on a fresh SQLite database (WAL, synchronous=FULL)
    postgresql  the same on a fresh PostgreSQL database (created here, dropped at the end)

    Every server runs in its own process and the load comes from ``--client-procs`` processes
    of raw asyncio streams, so the load generator neither shares the server's event loop nor
    pays aiosmtplib's per-call overhead. ``--rounds`` repeats the three, interleaved, so drift
    on a noisy machine hits every server alike; the summary is the median over rounds.

How to read it
    msgs/s   accepted mails (a 250 to DATA) / wall time from the first connect to the last QUIT
    p50/p99  latency of one mail: connect (or MAIL FROM with --reuse) to the 250 for DATA, in ms
    ratio    msgs/s / the bare server's msgs/s *in the same round* (median over rounds).
             The goal of issue 2 is ratio >= 0.50 for mailgate.
    stored   for mailgate: receptions committed during the load; must equal accepted, because
             mailgate answers 250 only after its commit.
    srv cpu  server process CPU over the load (1.00 = one core busy): the event loop
             (``loop``), the group-commit writer (``writer``) and other threads (``other``:
             the filer parsing after the 250, address lookups).
    cli cpu  all client processes together; box = the whole machine's busy share. If the bare
             server's ``srv cpu`` is well below 1.00 while ``box`` is near 100 %, the client is
             the bottleneck and the absolute rates are low.

Run from the repository root::

    .venv/bin/python bench/ingest.py --rounds 3
    .venv/bin/python bench/ingest.py --servers bare,sqlite --messages 200 --json
    .venv/bin/python bench/ingest.py --servers sqlite --profile /tmp/prof   # cProfile the server
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SERVERS = ("bare", "sqlite", "postgresql")
HOST = "127.0.0.1"
HOSTNAME = "mx.bench"  # set on every server: aiosmtpd calls getfqdn() per connection otherwise
RCPT = "bench@mail.example-city.lg.jp"
PG_ADMIN_URL = os.environ.get(
    "MAILGATE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Run inside each server process: give threads their Python names at the OS level
# (Python 3.11 does not), so /proc/<pid>/task/*/comm tells the event loop, the
# writer and the filer apart; time (and optionally cProfile) the loop, the writer and the filer.
_SERVER_BOOTSTRAP = """
import ctypes, os, sys, threading
_libc = ctypes.CDLL(None)
_inner = threading.Thread._bootstrap_inner
def _named(self):
    _libc.prctl(15, self.name[:15].encode(), 0, 0, 0)
    _inner(self)
threading.Thread._bootstrap_inner = _named
kind = sys.argv.pop(1)
profile = os.environ.get("BENCH_PROFILE_OUT")
if profile:
    import cProfile
if kind == "bare":
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_ingest", os.environ["BENCH_SCRIPT"])
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_ingest"] = bench
    spec.loader.exec_module(bench)
    target = lambda: bench.run_bare_server(int(sys.argv[1]))
else:
    from mailgate.cli import main as target
    stats_out = os.environ.get("BENCH_STATS_OUT")
if kind != "bare" and stats_out:
    # Time each group commit and each filing (monotonic clock: the bench keeps only those
    # inside its load window); written at exit.
    import atexit, json, time
    from mailgate.inbound import accept, filer
    groups, filings, thread_profiles = [], [], {}
    _commit, _file = accept.Acceptor._commit_group, filer.Filer.file_one
    def _profiler(role):
        # cProfile follows one thread only: one profiler per (role, thread), enabled
        # around each call, so the writer and the filer get their own profiles.
        if not profile:
            return None
        key = f"{role}-{threading.get_ident()}"
        return thread_profiles.setdefault(key, cProfile.Profile())
    def _timed_commit(self, group):
        prof = _profiler("writer")
        t = time.monotonic()
        try:
            return prof.runcall(_commit, self, group) if prof else _commit(self, group)
        finally:
            groups.append((t, len(group), time.monotonic() - t))
    def _timed_file(self, reception_id):
        prof = _profiler("filer")
        t = time.monotonic()
        try:
            return prof.runcall(_file, self, reception_id) if prof else _file(self, reception_id)
        finally:
            filings.append((t, time.monotonic() - t))
    accept.Acceptor._commit_group, filer.Filer.file_one = _timed_commit, _timed_file
    def _dump():
        with open(stats_out, "w") as out:
            json.dump({"groups": groups, "filings": filings}, out)
        for key, prof in thread_profiles.items():
            prof.dump_stats(f"{profile}.{key}")
    atexit.register(_dump)
if profile:
    prof = cProfile.Profile()
    try:
        prof.runcall(target)
    except SystemExit:
        pass
    finally:
        prof.dump_stats(profile)
else:
    target()
"""


# ---------------------------------------------------------------- the bare server


def run_bare_server(port: int) -> None:
    """aiosmtpd with a handler that answers 250 and keeps nothing, set up like mailgate's."""
    from aiosmtpd.smtp import SMTP

    class Discard:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            return "250 2.0.0 OK"

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        handler = Discard()
        server = await loop.create_server(
            lambda: SMTP(
                handler,
                hostname=HOSTNAME,
                data_size_limit=25 * 1024 * 1024,
                enable_SMTPUTF8=True,
                ident="bare ESMTP",
            ),
            host=HOST,
            port=port,
        )
        await stop.wait()
        server.close()

    asyncio.run(serve())


# ---------------------------------------------------------------- the load generator


def make_message(n: int, size: int, tag: str) -> bytes:
    """A distinct mail of about `size` bytes: UTF-8 Japanese text, lines well under 998 bytes."""
    head = (
        f"From: resident{n % 97}@example.jp\r\nTo: {RCPT}\r\n"
        f"Subject: ベンチマーク {n}\r\nMessage-ID: <bench-{tag}-{n}@example.jp>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode()
    line = "いつもお世話になっております。保育園の入園手続きについてお伺いします。\r\n".encode()
    body = bytearray()
    while len(head) + len(body) + len(line) <= size:
        body += line
    body += b"x" * max(0, size - len(head) - len(body) - 2) + b"\r\n"
    return head + bytes(body)


class SmtpError(Exception):
    pass


async def _reply(reader: asyncio.StreamReader, expect: bytes) -> None:
    """Read a (possibly multi-line) reply; raise unless its code starts with `expect`."""
    while True:
        line = await reader.readline()
        if not line:
            raise SmtpError("connection closed")
        if line[3:4] != b"-":
            break
    if not line.startswith(expect):
        raise SmtpError(line.decode(errors="replace").strip())


async def _transaction(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes
) -> None:
    writer.write(b"MAIL FROM:<resident@example.jp>\r\n")
    await _reply(reader, b"250")
    writer.write(f"RCPT TO:<{RCPT}>\r\n".encode())
    await _reply(reader, b"250")
    writer.write(b"DATA\r\n")
    await _reply(reader, b"354")
    writer.write(data + b".\r\n")  # our bodies have no line starting with "."
    await _reply(reader, b"250")


async def _open(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection(HOST, port)
    await _reply(reader, b"220")
    writer.write(b"EHLO client.bench\r\n")
    await _reply(reader, b"250")
    return reader, writer


async def _quit(writer: asyncio.StreamWriter, reader: asyncio.StreamReader) -> None:
    with contextlib.suppress(Exception):
        writer.write(b"QUIT\r\n")
        await _reply(reader, b"221")
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()


async def _load(
    port: int, numbers: list[int], sessions: int, size: int, reuse: bool, tag: str
) -> tuple[list[float], int]:
    """Send the mails numbered `numbers` over `sessions` concurrent sessions."""
    todo = iter(numbers)
    latencies: list[float] = []
    failed = 0

    async def session() -> None:
        nonlocal failed
        conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        for n in todo:  # the shared iterator hands each mail to exactly one session
            data = make_message(n, size, tag)  # built before the clock starts
            start = time.perf_counter()
            try:
                if conn is None:
                    conn = await _open(port)
                await _transaction(*conn, data)
                latencies.append(time.perf_counter() - start)
            except (OSError, SmtpError):
                failed += 1
                if conn is not None:
                    conn[1].close()
                conn = None
                continue
            if not reuse:
                await _quit(conn[1], conn[0])
                conn = None
        if conn is not None:
            await _quit(conn[1], conn[0])

    await asyncio.gather(*(session() for _ in range(sessions)))
    return latencies, failed


def client_process(
    port: int,
    numbers: list[int],
    sessions: int,
    size: int,
    reuse: bool,
    tag: str,
    barrier: Any,
    results: Any,
) -> None:
    """One load process: wait for the others, send, report latencies and CPU time."""
    barrier.wait()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    began = time.monotonic()  # CLOCK_MONOTONIC is system-wide: comparable across processes
    latencies, failed = asyncio.run(_load(port, numbers, sessions, size, reuse, tag))
    ended = time.monotonic()
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime + after.ru_stime) - (usage.ru_utime + usage.ru_stime)
    results.put({"lat": latencies, "failed": failed, "began": began, "ended": ended, "cpu": cpu})


@dataclass
class LoadResult:
    sent: int
    accepted: int
    failed: int
    elapsed_s: float
    latencies: list[float]
    client_cpu_s: float
    began: float  # time.monotonic() of the first connect
    ended: float


def run_load(
    port: int, messages: int, sessions: int, size: int, reuse: bool, procs: int, tag: str
) -> LoadResult:
    procs = max(1, min(procs, sessions))
    ctx = mp.get_context("spawn")  # no inherited sockets, engines or threads
    barrier = ctx.Barrier(procs)
    queue = ctx.Queue()
    workers = []
    for i in range(procs):
        share = sessions // procs + (1 if i < sessions % procs else 0)
        numbers = list(range(i, messages, procs))
        worker = ctx.Process(
            target=client_process,
            args=(port, numbers, share, size, reuse, tag, barrier, queue),
        )
        worker.start()
        workers.append(worker)
    parts = [queue.get(timeout=900) for _ in workers]
    for worker in workers:
        worker.join()
    latencies = [x for part in parts for x in part["lat"]]
    return LoadResult(
        sent=messages,
        accepted=len(latencies),
        failed=sum(p["failed"] for p in parts),
        elapsed_s=max(p["ended"] for p in parts) - min(p["began"] for p in parts),
        latencies=latencies,
        client_cpu_s=sum(p["cpu"] for p in parts),
        began=min(p["began"] for p in parts),
        ended=max(p["ended"] for p in parts),
    )


# ---------------------------------------------------------------- CPU accounting


def _ticks(stat_path: Path) -> float:
    # comm (field 2) may contain spaces; the fields after ")" are fixed.
    fields = stat_path.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds of a process by thread group: loop (main thread), writer, other."""
    groups = {"loop": 0.0, "writer": 0.0, "other": 0.0}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            seconds = _ticks(task / "stat")
        except OSError:  # the thread ended meanwhile
            continue
        if task.name == str(pid):
            groups["loop"] += seconds
        elif name.startswith("mailgate-accept"):
            groups["writer"] += seconds
        else:
            groups["other"] += seconds
    return groups


def box_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


# ---------------------------------------------------------------- servers under test


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _wait_port(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"server exited with {process.returncode}: {err}") from None
            time.sleep(0.05)
    raise RuntimeError("server did not open its port within 60 s")


@contextlib.contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    """A fresh, migrated database with the bench department; yields its URL."""
    from sqlalchemy import create_engine, text

    from mailgate.db import make_engine, session_scope, upgrade
    from mailgate.directory import add_department

    admin = None
    name = ""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'mailgate.db'}"
    else:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        name = f"mailgate_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    try:
        engine = make_engine(url)
        upgrade(engine)
        with session_scope(engine) as session:
            add_department(session, slug="bench", name="Bench", addresses=[RCPT])
        engine.dispose()
        yield url
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def count_receptions(url: str) -> int:
    from sqlalchemy import func
    from sqlmodel import select

    from mailgate.db import make_engine, session_scope
    from mailgate.models import Reception

    engine = make_engine(url)
    with session_scope(engine) as session:
        count = session.exec(select(func.count()).select_from(Reception)).one()
    engine.dispose()
    return int(count)


@contextlib.contextmanager
def server_process(
    kind: str, port: int, workdir: Path, db_url: str | None, args: argparse.Namespace, tag: str
) -> Iterator[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILGATE_")}
    env["BENCH_SCRIPT"] = str(Path(__file__).resolve())
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
        env["BENCH_PROFILE_OUT"] = str(Path(args.profile, f"{kind}-{tag}.prof").resolve())
    if kind == "bare":
        command = [sys.executable, "-c", _SERVER_BOOTSTRAP, "bare", str(port)]
    else:
        assert db_url is not None
        env.update(
            MAILGATE_DATABASE_URL=db_url,
            MAILGATE_SMTP_PORT=str(port),
            MAILGATE_SMTP_HOSTNAME=HOSTNAME,
            MAILGATE_DATA_DIR=str(workdir),
        )
        if args.commit_batch:
            env["MAILGATE_SMTP_COMMIT_BATCH"] = str(args.commit_batch)
        env["BENCH_STATS_OUT"] = str(workdir / "server-stats.json")
        command = [sys.executable, "-c", _SERVER_BOOTSTRAP, "mailgate", "serve", "--role", "smtp"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=workdir
    )
    try:
        _wait_port(process, port)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---------------------------------------------------------------- one measurement


@dataclass
class Measurement:
    server: str
    round: int
    sent: int
    accepted: int
    failed: int
    elapsed_s: float
    msgs_per_s: float
    p50_ms: float
    p99_ms: float
    receptions: int | None  # mailgate only: receptions committed during the load
    server_cpu: dict[str, float] = field(default_factory=dict)  # cores busy, by thread group
    client_cpu: float = 0.0  # cores busy, all client processes
    box_busy: float = 0.0  # share of the whole machine busy, 0..1
    # mailgate only, inside the load window: group commits and filings as timed in the server
    groups: int | None = None
    mean_group: float | None = None  # mails per group commit
    commit_ms: float | None = None  # mean duration of one group commit
    writer_busy: float | None = None  # share of the window the writer spent committing
    filed: int | None = None  # receptions the filer handled meanwhile
    filing_ms: float | None = None  # mean duration of one filing
    ratio_to_bare: float | None = None


def server_stats(path: Path, began: float, ended: float) -> dict[str, Any]:
    """Group-commit and filing figures for the load window from the server's timings file."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    groups = [(n, d) for t, n, d in data["groups"] if began <= t <= ended]
    filings = [d for t, d in data["filings"] if began <= t <= ended]
    wall = max(ended - began, 1e-9)
    return {
        "groups": len(groups),
        "mean_group": round(sum(n for n, _ in groups) / len(groups), 1) if groups else 0.0,
        "commit_ms": round(statistics.mean(d for _, d in groups) * 1000, 2) if groups else 0.0,
        "writer_busy": round(sum(d for _, d in groups) / wall, 2),
        "filed": len(filings),
        "filing_ms": round(statistics.mean(filings) * 1000, 2) if filings else 0.0,
    }


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(kind: str, round_no: int, args: argparse.Namespace) -> Measurement:
    tag = f"{kind}-{round_no}-{uuid.uuid4().hex[:6]}"
    with tempfile.TemporaryDirectory(prefix=f"bench-{kind}-") as tmp:
        workdir = Path(tmp)
        with contextlib.ExitStack() as stack:
            db_url = None if kind == "bare" else stack.enter_context(database(kind, workdir))
            port = _free_port()
            server = stack.enter_context(server_process(kind, port, workdir, db_url, args, tag))
            if args.warmup:  # first connections pay for lazy imports and pool connects
                run_load(port, args.warmup, args.sessions, args.size, args.reuse, 1, "w" + tag)
            before = count_receptions(db_url) if db_url else 0
            cpu0, box0 = thread_cpu(server.pid), box_cpu()
            load = run_load(
                port,
                args.messages,
                args.sessions,
                args.size,
                args.reuse,
                args.client_procs,
                tag,
            )
            cpu1, box1 = thread_cpu(server.pid), box_cpu()
            stored = count_receptions(db_url) - before if db_url else None
        # The server has exited now and written its timings (mailgate only).
        stats = server_stats(workdir / "server-stats.json", load.began, load.ended)
    wall = load.elapsed_s
    return Measurement(
        **stats,
        server=kind,
        round=round_no,
        sent=load.sent,
        accepted=load.accepted,
        failed=load.failed,
        elapsed_s=round(wall, 3),
        msgs_per_s=round(load.accepted / wall, 1) if wall > 0 else 0.0,
        p50_ms=round(_percentile(load.latencies, 0.50) * 1000, 2),
        p99_ms=round(_percentile(load.latencies, 0.99) * 1000, 2),
        receptions=stored,
        server_cpu={k: round((cpu1[k] - cpu0[k]) / wall, 2) for k in cpu0},
        client_cpu=round(load.client_cpu_s / wall, 2),
        box_busy=round((box1[0] - box0[0]) / max(1, box1[1] - box0[1]), 2),
    )


# ---------------------------------------------------------------- report


def summarise(rounds: list[list[Measurement]], servers: list[str]) -> dict[str, dict[str, Any]]:
    """Medians over rounds; the ratio is taken within each round, then its median."""
    for measurements in rounds:
        bare = next((m for m in measurements if m.server == "bare"), None)
        for m in measurements:
            if bare is not None and bare.msgs_per_s > 0:
                m.ratio_to_bare = round(m.msgs_per_s / bare.msgs_per_s, 3)
    summary: dict[str, dict[str, Any]] = {}
    for kind in servers:
        ms = [m for r in rounds for m in r if m.server == kind]
        ratios = [m.ratio_to_bare for m in ms if m.ratio_to_bare is not None]
        stored = [m.receptions for m in ms if m.receptions is not None]
        summary[kind] = {
            "rounds": len(ms),
            "sent": sum(m.sent for m in ms),
            "accepted": sum(m.accepted for m in ms),
            "receptions": sum(stored) if stored else None,
            "msgs_per_s": round(statistics.median(m.msgs_per_s for m in ms), 1),
            "p50_ms": round(statistics.median(m.p50_ms for m in ms), 2),
            "p99_ms": round(statistics.median(m.p99_ms for m in ms), 2),
            "ratio_to_bare": round(statistics.median(ratios), 3) if ratios else None,
            "server_cpu": {
                k: round(statistics.median(m.server_cpu.get(k, 0.0) for m in ms), 2)
                for k in ("loop", "writer", "other")
            },
            "client_cpu": round(statistics.median(m.client_cpu for m in ms), 2),
            "box_busy": round(statistics.median(m.box_busy for m in ms), 2),
        }
        if kind != "bare":
            for name in ("mean_group", "commit_ms", "writer_busy", "filed", "filing_ms"):
                values = [getattr(m, name) for m in ms if getattr(m, name) is not None]
                summary[kind][name] = statistics.median(values) if values else None
    return summary


def format_table(summary: dict[str, dict[str, Any]]) -> str:
    header = (
        f"{'server':<11}{'accepted':>10}{'stored':>8}{'msgs/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'ratio':>7}   {'srv cpu loop/writer/other':<26}{'cli cpu':>8}{'box':>6}"
    )
    lines = [header, "-" * len(header)]
    for kind, s in summary.items():
        ratio = "" if s["ratio_to_bare"] is None else f"{s['ratio_to_bare']:.2f}"
        stored = "-" if s["receptions"] is None else str(s["receptions"])
        cpu = s["server_cpu"]
        lines.append(
            f"{kind:<11}{s['accepted']:>10}{stored:>8}{s['msgs_per_s']:>9.1f}{s['p50_ms']:>9.2f}"
            f"{s['p99_ms']:>9.2f}{ratio:>7}   "
            f"{cpu['loop']:.2f} / {cpu['writer']:.2f} / {cpu['other']:.2f}{'':<8}"
            f"{s['client_cpu']:>8.2f}{s['box_busy'] * 100:>5.0f}%"
        )
    inside = [(k, s) for k, s in summary.items() if s.get("mean_group") is not None]
    if inside:
        lines += ["", "inside mailgate during the load (medians):"]
        for kind, s in inside:
            lines.append(
                f"  {kind:<11} group commit: {s['mean_group']:.1f} mails, {s['commit_ms']:.2f} ms, "
                f"writer busy {s['writer_busy'] * 100:.0f}%;  filed {s['filed']:.0f} "
                f"at {s['filing_ms']:.2f} ms each"
            )
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", default=",".join(SERVERS), help="comma-separated subset")
    parser.add_argument("--sessions", type=int, default=20, help="concurrent SMTP sessions")
    parser.add_argument("--messages", type=int, default=2000, help="mails per server per round")
    parser.add_argument("--size", type=int, default=2048, help="bytes per mail")
    parser.add_argument("--reuse", action="store_true", help="keep one connection per session")
    parser.add_argument("--client-procs", type=int, default=2, help="load generator processes")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved repetitions")
    parser.add_argument("--warmup", type=int, default=None, help="unmeasured mails first")
    parser.add_argument(
        "--commit-batch", type=int, default=0, help="MAILGATE_SMTP_COMMIT_BATCH for mailgate"
    )
    parser.add_argument("--profile", metavar="DIR", help="cProfile each server's main thread")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    unknown = set(args.servers) - set(SERVERS)
    if unknown:
        parser.error(f"unknown server(s) {sorted(unknown)}; choose from {', '.join(SERVERS)}")
    if args.warmup is None:
        args.warmup = args.sessions
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    rounds: list[list[Measurement]] = []
    for round_no in range(1, args.rounds + 1):
        measurements = []
        for kind in args.servers:
            m = measure(kind, round_no, args)
            measurements.append(m)
            if not args.json:
                print(
                    f"round {round_no} {kind:<11} {m.msgs_per_s:8.1f} msgs/s  "
                    f"p50 {m.p50_ms:.1f} ms  p99 {m.p99_ms:.1f} ms  accepted {m.accepted}"
                    + ("" if m.receptions is None else f"  stored {m.receptions}"),
                    file=sys.stderr,
                    flush=True,
                )
        rounds.append(measurements)
    summary = summarise(rounds, args.servers)
    report = {
        "command": " ".join(["bench/ingest.py", *(sys.argv[1:] if argv is None else argv)]),
        "config": {
            k: getattr(args, k)
            for k in (
                "servers",
                "sessions",
                "messages",
                "size",
                "reuse",
                "client_procs",
                "rounds",
                "warmup",
                "commit_batch",
            )
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "summary": summary,
        "rounds": [[asdict(m) for m in r] for r in rounds],
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(
            f"\nmedians over {args.rounds} round(s); {args.messages} mails, "
            f"{args.sessions} sessions, {args.size} B, "
            f"{'reused connections' if args.reuse else 'a new connection per mail'}, "
            f"{args.client_procs} client processes\n"
        )
        print(format_table(summary))
    lost = [m for r in rounds for m in r if m.receptions is not None and m.receptions != m.accepted]
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
