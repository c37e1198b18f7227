"""Policy engine benchmark: mailgate's policy check against stock presidio + GiNZA, same run.

What it measures
    Both engines go over the same corpus (default ``../shared/corpus/dev.jsonl`` beside the checkout, the format
    of ``shared/corpus/README.md``; ``--limit N`` keeps the first N), one message at a time in ONE
    process each, after an untimed warm-up of ``--warmup`` invented messages worded unlike the
    corpus, then ``--repeat`` timed passes:

    mailgate  ``load_policy()`` (policies/default.toml) then ``check(policy, corpus_mail(r))``
              per record, driven through ``mailgate.policy.evaluate.evaluate`` so the verdict
              accuracy and span recall come from the very calls that are timed.
    stock     presidio's documented Japanese set-up: ``AnalyzerEngine`` with
              ``NlpEngineProvider`` (spaCy, ``ja_ginza`` for ``ja``), ``supported_languages=
              ["ja"]`` and the default recognizers presidio loads for ``ja``, analysing
              ``subject + "\\n" + body`` with ``language="ja"`` (every message, whatever its
              ``lang``), default score threshold.

    Each engine runs in its own fresh child process (this script re-run with ``--child``); the
    parent collects one JSON document from each, so load time and memory are not polluted by
    the other engine. ``--rounds N`` alternates fresh mailgate and stock processes N times
    (drift on a shared machine then hits both alike); the summary is each engine's median round
    and the ratio is the median of the in-round ratios. Neither child may reach the network:
    ``socket`` connects and DNS look-ups are refused and counted (``network_attempts``, must be
    empty), and presidio's e-mail recognizer's tldextract is given an extractor without URLs or
    cache (``TLDExtract(suffix_list_urls=(), cache_dir=None)``), which uses the public-suffix
    snapshot bundled with tldextract, so the stock registry stays complete.

How to read it
    load s     fresh process until the engine has answered one tiny message: imports, model
               load, registry, and (mailgate) the analyzer its personal-data rule builds lazily
    RSS MiB    VmRSS from /proc/self/status after load minus VmRSS just before the engine's
               first import (``rss_run_mib``: the same after the timed passes)
    msgs/s     messages / wall time of the FIRST timed pass, where every message is new to the
               process. Later passes re-check the same messages; mailgate caches NER results
               per line, so they are much faster and are reported apart (``repeat_passes``,
               "re-checking" in the table); they are not the headline.
    p50/p95    latency of one message in the first pass, ms (mailgate: ``corpus_mail`` +
               ``check`` + evaluate's book-keeping for that record; stock: one ``analyze``)
    cpu ms     process CPU time per message in the first pass: less sensitive than wall time to
               other jobs on the machine
    ratio      mailgate msgs/s / stock msgs/s; the goal of issue 3 is >= 3.0
    accuracy   mailgate: verdict accuracy from ``evaluate`` (false-block rate on allowed mail
               beside it). stock: a naive verdict, "block when it finds any entity of a type
               that blocks under the labelling policy" (stock has no roles and no sensitive-
               data, bulk or application rules)
    recall     blocking body spans found / blocking body spans labelled (the labels
               ``evaluate.blocking_labels`` selects; a found span counts when it overlaps a
               label of the same type). ``recall*`` (``recall_mappable``) is the same over the
               types stock can name at all, with this mapping of stock types: PHONE_NUMBER,
               PERSON and CREDIT_CARD as themselves, LOCATION -> POSTAL_ADDRESS, DATE_TIME ->
               DATE_OF_BIRTH (EMAIL_ADDRESS maps to itself but never blocks)

Run from the repository root::

    .venv/bin/python bench/policy_speed.py --repeat 2 --rounds 3          # the table
    .venv/bin/python bench/policy_speed.py --repeat 2 --rounds 3 --json   # for machines
    .venv/bin/python bench/policy_speed.py --limit 5 --json      # smoke size
    .venv/bin/python bench/policy_speed.py --skip-stock --profile /tmp/mailgate.prof
    # then: python -m pstats /tmp/mailgate.prof  (cProfile of mailgate's first pass)
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# shared/ lies beside the checkout (as on the development machines and in CI).
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev.jsonl"
ENGINES = ("mailgate", "stock")
ROUND_KEYS = ("load_s", "rss_load_mib", "msgs_per_s", "p50_ms", "p95_ms", "cpu_ms_per_msg")
GINZA_CONFIGURATION = {
    "nlp_engine_name": "spacy",
    "models": [{"lang_code": "ja", "model_name": "ja_ginza"}],
}
# Stock presidio entity type -> the corpus's type it stands for (documented in the module doc).
STOCK_TYPE_MAPPING = {
    "PHONE_NUMBER": "PHONE_NUMBER",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "CREDIT_CARD": "CREDIT_CARD",
    "PERSON": "PERSON",
    "LOCATION": "POSTAL_ADDRESS",
    "DATE_TIME": "DATE_OF_BIRTH",
}
# Types that block under the corpus's labelling policy and that stock can name after the mapping.
MAPPABLE_BLOCKING = {"PHONE_NUMBER", "CREDIT_CARD", "PERSON", "POSTAL_ADDRESS", "DATE_OF_BIRTH"}
TINY_MAIL = {
    "id": "warm",
    "subject": "確認",
    "body": "よろしくお願いします。\n",
    "to": ["a@example.jp"],
}

# Warm-up text, invented here and worded unlike the corpus, so that a cache inside an engine
# holds none of the timed messages' lines when the clock starts.
WARMUP_BODIES = (
    "{n}番のご案内\n\n図書館の蔵書点検のため、来週は臨時休館となります。\n"
    "返却は正面入口脇の返却ポストをご利用ください。\n",
    "Dear resident {n},\n\nThe swimming pool reopens on Monday after maintenance.\n"
    "Opening hours are unchanged.\n",
    "担当の佐々木より{n}件目の連絡です。\n\n公園の清掃活動は雨天のため延期します。\n"
    "新しい日程は掲示板でお知らせします。\n",
)


def warmup_mails(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"warmup-{n}",
            "subject": f"お知らせ {n}",
            "body": WARMUP_BODIES[n % len(WARMUP_BODIES)].format(n=n),
            "to": ["warmup@example.jp"],
        }
        for n in range(count)
    ]


# --------------------------------------------------------------------------- child side


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("VmRSS not found in /proc/self/status")


class NetworkGuard:
    """Refuse and count every outgoing connection and DNS look-up in this process."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def install(self) -> None:
        guard = self

        def connect(sock: socket.socket, address: Any) -> None:
            if sock.family == socket.AF_UNIX:
                return original_connect(sock, address)
            guard.attempts.append(f"connect {address!r}")
            raise OSError("network access blocked by bench/policy_speed.py")

        def connect_ex(sock: socket.socket, address: Any) -> int:
            connect(sock, address)
            return 0

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            guard.attempts.append(f"getaddrinfo {host!r}")
            raise socket.gaierror("network access blocked by bench/policy_speed.py")

        original_connect = socket.socket.connect
        socket.socket.connect = connect  # type: ignore[method-assign,assignment]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
        socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile of `values` (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Passes:
    """Latencies, wall and CPU time of each timed pass over the corpus."""

    def __init__(self) -> None:
        self.latencies: list[list[float]] = []
        self.seconds: list[float] = []
        self.cpu: list[float] = []

    @contextlib.contextmanager
    def measure(self) -> Iterator[list[float]]:
        gc.collect()
        latencies: list[float] = []
        cpu, began = time.process_time(), time.perf_counter()
        yield latencies
        self.seconds.append(time.perf_counter() - began)
        self.cpu.append(time.process_time() - cpu)
        self.latencies.append(latencies)

    @staticmethod
    def _figures(latencies: list[float], seconds: float, cpu: float) -> dict[str, Any]:
        n = len(latencies)
        return {
            "timed_messages": n,
            "seconds": round(seconds, 3),
            "msgs_per_s": round(n / seconds, 2) if seconds else 0.0,
            "cpu_ms_per_msg": round(cpu * 1000 / n, 2) if n else 0.0,
            "p50_ms": round(percentile(latencies, 50) * 1000, 2),
            "p95_ms": round(percentile(latencies, 95) * 1000, 2),
            "max_ms": round(max(latencies, default=0.0) * 1000, 2),
        }

    def summary(self) -> dict[str, Any]:
        """The first pass is the headline (every message new to the process); later passes
        re-check the same messages, which an engine with a cache answers from it."""
        later = [x for lat in self.latencies[1:] for x in lat]
        return {
            **self._figures(self.latencies[0], self.seconds[0], self.cpu[0]),
            "pass_msgs_per_s": [
                round(len(lat) / s, 2) if s else 0.0
                for lat, s in zip(self.latencies, self.seconds, strict=True)
            ],
            "repeat_passes": (
                self._figures(later, sum(self.seconds[1:]), sum(self.cpu[1:])) if later else None
            ),
        }


def _timed(records: Iterable[dict[str, Any]], latencies: list[float]) -> Iterator[dict[str, Any]]:
    """Yield records; the time until the consumer asks for the next one is that record's latency."""
    for record in records:
        started = time.perf_counter()
        yield record
        latencies.append(time.perf_counter() - started)


def run_mailgate(
    records: list[dict[str, Any]], args: argparse.Namespace, rss_before: int
) -> dict[str, Any]:
    started = time.perf_counter()
    from mailgate.policy.chain import check
    from mailgate.policy.evaluate import corpus_mail, evaluate
    from mailgate.policy.loader import load_policy

    policy = load_policy(args.policy)
    check(policy, corpus_mail(TINY_MAIL))  # the personal-data rule builds its analyzer lazily
    load_s = time.perf_counter() - started
    rss_load = rss_kib()

    for mail in warmup_mails(args.warmup):
        check(policy, corpus_mail(mail))

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    passes = Passes()
    first_report = None
    verdicts: list[list[str]] = []
    for pass_no in range(args.repeat):
        with passes.measure() as latencies:
            if profiler and pass_no == 0:
                profiler.enable()
            report, predictions = evaluate(policy, _timed(records, latencies))
            if profiler and pass_no == 0:
                profiler.disable()
        verdicts.append([p["verdict"] for p in predictions])
        first_report = first_report or report
    if profiler:
        profiler.dump_stats(args.profile)
    assert first_report is not None
    summary = first_report.summary()
    entities = summary["entities"]
    expected = {k: v["expected"] for k, v in entities.items() if v["expected"]}
    found = {k: v["found"] for k, v in entities.items() if v["expected"]}
    return {
        "engine": "mailgate",
        "policy": policy.version,
        "rules": [rule.name for rule in policy.rules],
        "load_s": round(load_s, 3),
        "rss_load_mib": round((rss_load - rss_before) / 1024, 1),
        "rss_run_mib": round((rss_kib() - rss_before) / 1024, 1),
        **passes.summary(),
        "deterministic": all(v == verdicts[0] for v in verdicts),
        "quality": {
            "messages": summary["messages"],
            "verdict_accuracy": summary["verdict_accuracy"],
            "reasons_exact_accuracy": summary["reasons_exact_accuracy"],
            "false_block_rate": summary["false_block_rate"],
            **recall_block(expected, found),
            "false_positive_spans": sum(v["false_positives"] for v in entities.values()),
        },
    }


def recall_block(expected: dict[str, int], found: dict[str, int]) -> dict[str, Any]:
    """Overall, mappable-type and per-type recall from per-type counts."""

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    mappable = [k for k in expected if k in MAPPABLE_BLOCKING]
    return {
        "recall": ratio(sum(found.values()), sum(expected.values())),
        "recall_mappable": ratio(
            sum(found.get(k, 0) for k in mappable), sum(expected[k] for k in mappable)
        ),
        "spans_expected": sum(expected.values()),
        "spans_found": sum(found.values()),
        "per_type": {
            k: {"expected": n, "found": found.get(k, 0), "recall": ratio(found.get(k, 0), n)}
            for k, n in sorted(expected.items())
        },
    }


def run_stock(
    records: list[dict[str, Any]], args: argparse.Namespace, rss_before: int
) -> dict[str, Any]:
    started = time.perf_counter()
    # tldextract's module-level extractor would fetch the public suffix list on first use;
    # an extractor with no URLs and no cache uses the snapshot bundled with the package.
    import tldextract.tldextract as tldextract_module
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    tldextract_module.TLD_EXTRACTOR = tldextract_module.TLDExtract(
        suffix_list_urls=(), cache_dir=None
    )
    provider = NlpEngineProvider(nlp_configuration=GINZA_CONFIGURATION)
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["ja"])
    engine.analyze(TINY_MAIL["subject"] + "\n" + TINY_MAIL["body"], language="ja")
    load_s = time.perf_counter() - started
    rss_load = rss_kib()
    recognizers = sorted(r.name for r in engine.registry.get_recognizers("ja", all_fields=True))

    for mail in warmup_mails(args.warmup):
        engine.analyze(mail["subject"] + "\n" + mail["body"], language="ja")

    passes = Passes()
    results: list[list[Any]] = []
    errors = 0
    for pass_no in range(args.repeat):
        with passes.measure() as latencies:
            for record in records:
                text = record.get("subject", "") + "\n" + record.get("body", "")
                started = time.perf_counter()
                try:
                    found = engine.analyze(text, language="ja")
                except Exception:  # e.g. GiNZA's byte limit on a very long mail
                    found = []
                    errors += 1
                latencies.append(time.perf_counter() - started)
                if pass_no == 0:
                    results.append(found)

    # Quality from the first pass: map stock types, score against the same blocking labels.
    from mailgate.policy.evaluate import blocking_labels  # after timing: stock needs none of it

    expected: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    raw_types: Counter[str] = Counter()
    correct = allowed = false_blocks = fp_spans = 0
    for record, found in zip(records, results, strict=True):
        offset = len(record.get("subject", "")) + 1
        raw_types.update(r.entity_type for r in found)
        mapped = [
            (STOCK_TYPE_MAPPING[r.entity_type], r.start, r.end)
            for r in found
            if r.entity_type in STOCK_TYPE_MAPPING
        ]
        body_spans = [(t, s - offset, e - offset) for t, s, e in mapped if e > offset]
        labels = blocking_labels(record)
        for label in labels:
            expected[label["type"]] += 1
            hits[label["type"]] += any(
                t == label["type"] and s < label["end"] and label["start"] < e
                for t, s, e in body_spans
            )
        fp_spans += sum(
            1
            for t, s, e in body_spans
            if t in MAPPABLE_BLOCKING
            and not any(t == lb["type"] and s < lb["end"] and lb["start"] < e for lb in labels)
        )
        verdict = "block" if any(t in MAPPABLE_BLOCKING for t, _s, _e in mapped) else "allow"
        truth = record["expected"]["verdict"]
        correct += verdict == truth
        if truth == "allow":
            allowed += 1
            false_blocks += verdict == "block"
    return {
        "engine": "stock",
        "recognizers": recognizers,
        "load_s": round(load_s, 3),
        "rss_load_mib": round((rss_load - rss_before) / 1024, 1),
        "rss_run_mib": round((rss_kib() - rss_before) / 1024, 1),
        **passes.summary(),
        "errors": errors,
        "quality": {
            "messages": len(records),
            "naive_verdict_accuracy": round(correct / len(records), 4) if records else None,
            "false_block_rate": round(false_blocks / allowed, 4) if allowed else None,
            **recall_block(dict(expected), dict(hits)),
            "false_positive_spans": fp_spans,
            "raw_entity_types": dict(raw_types.most_common()),
            "type_mapping": STOCK_TYPE_MAPPING,
        },
    }


def child_main(args: argparse.Namespace) -> int:
    guard = NetworkGuard()
    guard.install()
    records = load_records(args.corpus, args.limit)
    gc.collect()
    rss_before = rss_kib()
    runner = run_mailgate if args.child == "mailgate" else run_stock
    result = runner(records, args, rss_before)
    result["network_attempts"] = guard.attempts
    result["versions"] = versions()
    Path(args.child_out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


def load_records(path: Path, limit: int | None) -> list[dict[str, Any]]:
    # Plain json here (not evaluate.read_corpus): the child reads the corpus before it
    # imports anything of the engine, so the memory baseline holds no engine code.
    records = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                records.append(json.loads(line))
                if limit is not None and len(records) >= limit:
                    break
    return records


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("presidio-analyzer", "spacy", "ginza", "ja-ginza", "sudachipy"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "-"
    return found


# --------------------------------------------------------------------------- parent side


def run_child(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="policy-speed-") as tmp:
        out = Path(tmp) / f"{engine}.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            engine,
            "--child-out",
            str(out),
            "--corpus",
            str(args.corpus),
            "--repeat",
            str(args.repeat),
            "--warmup",
            str(args.warmup),
        ]
        if args.limit is not None:
            command += ["--limit", str(args.limit)]
        if args.policy:
            command += ["--policy", str(args.policy)]
        if args.profile and engine == "mailgate":
            command += ["--profile", str(args.profile)]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TOKENIZERS_PARALLELISM": "false"}
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0 or not out.exists():
            raise RuntimeError(
                f"{engine} child failed (exit {result.returncode}):\n{result.stderr[-4000:]}"
            )
        return json.loads(out.read_text(encoding="utf-8"))


def fmt(value: float | None, spec: str = ".1f", suffix: str = "") -> str:
    return "–" if value is None else f"{value:{spec}}{suffix}"


def format_table(report: dict[str, Any]) -> str:
    engines = report["engines"]
    header = (
        f"{'engine':<10}{'load s':>8}{'RSS MiB':>9}{'msgs/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'cpu ms':>8}{'ratio':>7}{'accuracy':>10}{'recall':>8}{'recall*':>9}{'FB rate':>9}"
    )
    lines = [header, "-" * len(header)]
    for name, e in engines.items():
        q = e["quality"]
        accuracy = q.get("verdict_accuracy", q.get("naive_verdict_accuracy"))
        ratio = report["ratio"] if name == "mailgate" else (1.0 if report["ratio"] else None)
        lines.append(
            f"{name:<10}{e['load_s']:>8.2f}{e['rss_load_mib']:>9.0f}{e['msgs_per_s']:>9.1f}"
            f"{e['p50_ms']:>9.1f}{e['p95_ms']:>9.1f}{e['cpu_ms_per_msg']:>8.1f}{fmt(ratio, '.2f'):>7}"
            f"{fmt(accuracy and accuracy * 100, '.1f', '%'):>10}"
            f"{fmt(q['recall'] and q['recall'] * 100, '.1f', '%'):>8}"
            f"{fmt(q['recall_mappable'] and q['recall_mappable'] * 100, '.1f', '%'):>9}"
            f"{fmt(q['false_block_rate'] and q['false_block_rate'] * 100, '.1f', '%'):>9}"
        )
    lines += [
        "",
        "accuracy: mailgate = verdict accuracy (evaluate); stock = naive verdict (block on any",
        "          entity of a blocking type). recall = blocking body spans found / labelled;",
        "          recall* = the same over types stock can name (PHONE_NUMBER, PERSON, CREDIT_CARD,",
        "          POSTAL_ADDRESS<-LOCATION, DATE_OF_BIRTH<-DATE_TIME). FB rate = blocked allowed mail.",
    ]
    repeats = {n: e["repeat_passes"] for n, e in engines.items() if e.get("repeat_passes")}
    if repeats:
        lines += ["", "re-checking the same messages (passes 2..N; an engine's caches help here):"]
        lines += [
            f"  {n:<9}{r['msgs_per_s']:>8.1f} msgs/s  p50 {r['p50_ms']:.1f} ms  "
            f"p95 {r['p95_ms']:.1f} ms  cpu {r['cpu_ms_per_msg']:.1f} ms/msg"
            for n, r in repeats.items()
        ]
    types = sorted({t for e in engines.values() for t in e["quality"]["per_type"]})
    if types:
        lines += ["", f"{'span type':<22}{'labelled':>9}" + "".join(f"{n:>10}" for n in engines)]
        for t in types:
            per = [e["quality"]["per_type"].get(t) for e in engines.values()]
            n = next(p["expected"] for p in per if p)
            lines.append(f"{t:<22}{n:>9}" + "".join(f"{(p['found'] if p else 0):>10}" for p in per))
    for name, e in engines.items():
        if e.get("network_attempts"):
            lines.append(f"WARNING: {name} tried the network: {e['network_attempts'][:3]}")
    if "mailgate" in engines and not engines["mailgate"].get("deterministic", True):
        lines.append("WARNING: mailgate's verdicts differed between passes")
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSONL corpus")
    parser.add_argument("--limit", type=int, default=None, help="only the first N messages")
    parser.add_argument("--repeat", type=int, default=1, help="timed passes over the corpus")
    parser.add_argument("--warmup", type=int, default=5, help="untimed messages first")
    parser.add_argument(
        "--rounds", type=int, default=1, help="alternate fresh mailgate/stock processes N times"
    )
    parser.add_argument("--policy", type=Path, default=None, help="policy file (default policy)")
    parser.add_argument("--skip-stock", action="store_true", help="measure mailgate only")
    parser.add_argument("--profile", metavar="FILE", help="cProfile mailgate's timed passes")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.repeat, args.rounds, args.limit or 1) < 1 or args.warmup < 0:
        parser.error("--repeat, --rounds and --limit must be >= 1, --warmup >= 0")
    return args


def summarise(rounds: list[dict[str, dict[str, Any]]]) -> tuple[dict[str, Any], float | None]:
    """Per engine the child result of its median round (by msgs/s); the median in-round ratio."""
    engines: dict[str, Any] = {}
    for name in rounds[0]:
        ordered = sorted((r[name] for r in rounds), key=lambda e: e["msgs_per_s"])
        engines[name] = ordered[(len(ordered) - 1) // 2]
    ratios = [
        r["mailgate"]["msgs_per_s"] / r["stock"]["msgs_per_s"]
        for r in rounds
        if "stock" in r and r["stock"]["msgs_per_s"]
    ]
    return engines, round(statistics.median(ratios), 2) if ratios else None


def main(argv: list[str] | None = None) -> int:
    raw = sys.argv[1:] if argv is None else argv
    args = parse_args(raw)
    if args.child:
        return child_main(args)
    engines = ["mailgate"] + ([] if args.skip_stock else ["stock"])
    load_before = os.getloadavg()
    rounds: list[dict[str, dict[str, Any]]] = []
    for round_no in range(1, args.rounds + 1):
        results = {}
        for engine in engines:
            results[engine] = run_child(engine, args)
            if not args.json:
                r = results[engine]
                print(
                    f"round {round_no} {engine:<9} {r['msgs_per_s']:7.1f} msgs/s  "
                    f"p50 {r['p50_ms']:.1f} ms  p95 {r['p95_ms']:.1f} ms  "
                    f"cpu {r['cpu_ms_per_msg']:.1f} ms/msg  load {r['load_s']:.2f} s",
                    file=sys.stderr,
                    flush=True,
                )
        rounds.append(results)
    summary, ratio = summarise(rounds)
    cpu_ratio = (
        round(summary["stock"]["cpu_ms_per_msg"] / summary["mailgate"]["cpu_ms_per_msg"], 2)
        if "stock" in summary and summary["mailgate"]["cpu_ms_per_msg"]
        else None
    )
    report = {
        "command": " ".join(["bench/policy_speed.py", *raw]),
        "config": {
            "corpus": str(args.corpus),
            "limit": args.limit,
            "repeat": args.repeat,
            "rounds": args.rounds,
            "warmup": args.warmup,
            "policy": str(args.policy) if args.policy else "policies/default.toml",
            "engines": engines,
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg_before": [round(x, 2) for x in load_before],
            "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        },
        "engines": summary,
        "ratio": ratio,
        "cpu_ratio": cpu_ratio,
        "goal_3x_met": None if ratio is None else ratio >= 3.0,
        "rounds": [{name: {k: e[k] for k in ROUND_KEYS} for name, e in r.items()} for r in rounds],
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        n = summary["mailgate"]["timed_messages"]
        print(
            f"\n{n} messages x {args.repeat} pass(es) per engine and round after {args.warmup} "
            f"warm-up, {args.rounds} round(s), a fresh process per engine and round; "
            f"load average {load_before[0]:.2f} -> {report['machine']['loadavg_after'][0]:.2f}; "
            "speed columns are the first pass (every message new to the process)\n"
        )
        print(format_table(report))
        if ratio is not None:
            verdict = "met" if ratio >= 3.0 else "NOT met"
            print(
                f"\nthroughput ratio mailgate/stock = {ratio:.2f}x (goal >= 3x: {verdict}); "
                f"CPU time per message, stock/mailgate = {cpu_ratio:.2f}x"
            )
    failed = any(e.get("network_attempts") for r in rounds for e in r.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
