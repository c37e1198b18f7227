"""Smoke test of bench/inbox_scale.py: a tiny run must work end to end and report every page.

Two tiny sizes (so the ratio code runs too) on SQLite and, when reachable, PostgreSQL, with
the real web app started per database. No timing thresholds (this machine is shared and
noisy); what is checked is that the databases were filled as planned, that every page has
figures at every size on every engine, measured over HTTP or (while a route is missing) by
its query function with the reason given, and that the report has the structure
docs/performance.md relies on. Databases are dropped at the end.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.conftest import IN_CI, PG_ADMIN_URL

ROOT = Path(__file__).resolve().parents[2]
SIZES = (200, 400)
REQUESTS = 3
PAGES = {
    "inbox",
    "inbox_deep",
    "thread",
    "counterpart",
    "search3",
    "search3_rare",
    "search3_elsewhere",
    "search2",
    "search2_rare",
}


def _postgres_reachable() -> bool:
    engine = create_engine(PG_ADMIN_URL)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except OperationalError:
        if IN_CI:
            pytest.fail("PostgreSQL is required under CI and is unreachable")
        return False
    finally:
        engine.dispose()


def _leftover_databases() -> set[str]:
    engine = create_engine(PG_ADMIN_URL)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE 'inbox_scale_%'")
            )
            return {r[0] for r in rows}
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, list[str], set[str]]:
    engines = ["sqlite"] + (["postgresql"] if _postgres_reachable() else [])
    before = _leftover_databases() if "postgresql" in engines else set()
    out = tmp_path_factory.mktemp("inbox-scale") / "report.json"
    command = [
        sys.executable,
        "bench/inbox_scale.py",
        "--sizes",
        ",".join(str(s) for s in SIZES),
        "--engines",
        ",".join(engines),
        "--requests",
        str(REQUESTS),
        "--warmup",
        "1",
        "--out",
        str(out),
        "--json",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert json.loads(out.read_text(encoding="utf-8")) == report
    after = _leftover_databases() if "postgresql" in engines else set()
    return report, engines, after - before


def test_config_and_machine(run: tuple[dict, list[str], set[str]]) -> None:
    report, engines, _ = run
    assert report["config"]["sizes"] == list(SIZES)
    assert report["config"]["engines"] == engines
    assert set(report["config"]["pages"]) == PAGES
    assert report["config"]["requests"] == REQUESTS
    assert report["machine"]["cpus"] >= 1
    assert report["command"].startswith("bench/inbox_scale.py")


def test_databases_filled_as_planned_and_dropped(run: tuple[dict, list[str], set[str]]) -> None:
    report, engines, leftover = run
    assert set(report["databases"]) == set(engines)
    for kind in engines:
        for size in SIZES:
            load = report["databases"][kind][str(size)]
            assert load["messages"] == size
            assert 0 < load["threads"] <= size  # threads of 1-6 messages
            assert load["counterparts"] == pytest.approx(size / 10, abs=20)
            assert load["messages_per_s"] > 0
            assert load["approvals"] > 0
            assert load["bytes"] > 0
            department = report["department"][f"{kind}/{size:,}"]
            assert 0 < department["threads"] <= department["messages"] < size
    assert leftover == set(), f"databases left behind: {leftover}"


def test_every_page_has_figures_at_every_size(run: tuple[dict, list[str], set[str]]) -> None:
    report, engines, _ = run
    assert set(report["results"]) == set(engines)
    for kind in engines:
        assert set(report["results"][kind]) == PAGES
        for page, by_size in report["results"][kind].items():
            assert set(by_size) == {str(s) for s in SIZES}, (kind, page)
            for entry in by_size.values():
                assert entry["via"] in ("http", "function")
                assert entry["n"] == REQUESTS
                assert 0 < entry["p50_ms"] <= entry["p95_ms"]
                assert entry["function"]["n"] == REQUESTS
                assert entry["function"]["p50_ms"] > 0
                assert entry["error_count"] == 0, entry["errors"]
                if entry["via"] == "http":
                    assert entry["http"]["p50_ms"] == entry["p50_ms"]
                else:  # a page not (yet) served says why it was measured by function
                    assert entry["http"] is None
                    assert entry["not_over_http"]
            # The first inbox page always shows threads; so does the thread page.
            if page in ("inbox", "thread", "counterpart"):
                assert all(e["rows_shown_mean"] > 0 for e in by_size.values()), (kind, page)


def test_ratios_and_goal(run: tuple[dict, list[str], set[str]]) -> None:
    report, engines, _ = run
    for kind in engines:
        assert set(report["ratios"][kind]) == PAGES
        for ratio in report["ratios"][kind].values():
            assert ratio["p50"] > 0 and ratio["p95"] > 0
            assert ratio["goal_met"] == (ratio["p50"] <= 2.0)
    assert isinstance(report["goal_met"], bool)
