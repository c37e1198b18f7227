"""Smoke test of bench/ingest.py: a tiny run must work end to end and report sane JSON.

No timing thresholds (this machine is shared and noisy); what is checked is that every
mail sent was accepted, that mailgate stored every mail it acknowledged, and that the
report has the structure docs/performance.md and scripts rely on.
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
MESSAGES = 40


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


def test_tiny_run_reports_every_server() -> None:
    servers = ["bare", "sqlite"] + (["postgresql"] if _postgres_reachable() else [])
    command = [
        sys.executable,
        "bench/ingest.py",
        "--servers",
        ",".join(servers),
        "--messages",
        str(MESSAGES),
        "--sessions",
        "4",
        "--warmup",
        "4",
        "--json",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)

    assert report["config"]["servers"] == servers
    assert report["config"]["messages"] == MESSAGES
    assert set(report["summary"]) == set(servers)
    assert len(report["rounds"]) == 1
    assert [m["server"] for m in report["rounds"][0]] == servers
    for m in report["rounds"][0]:
        assert m["sent"] == MESSAGES
        assert m["accepted"] == MESSAGES, m
        assert m["failed"] == 0
        assert m["msgs_per_s"] > 0
        assert 0 < m["p50_ms"] <= m["p99_ms"]
        assert set(m["server_cpu"]) == {"loop", "writer", "other"}
        if m["server"] == "bare":
            assert m["receptions"] is None
            assert m["ratio_to_bare"] == 1.0
        else:
            # mailgate answers 250 only after its commit: every acknowledged mail is stored.
            assert m["receptions"] == m["accepted"]
            assert m["ratio_to_bare"] > 0
            assert m["groups"] >= 1
    for kind, s in report["summary"].items():
        assert s["accepted"] == MESSAGES
        assert s["msgs_per_s"] > 0
        assert {"p50_ms", "p99_ms", "ratio_to_bare"} <= set(s)
        if kind != "bare":
            assert s["receptions"] == MESSAGES
