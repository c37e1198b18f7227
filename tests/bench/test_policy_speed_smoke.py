"""Smoke test of bench/policy_speed.py: a 5-message run of both engines must report sane JSON.

No timing thresholds (this machine is shared and noisy); what is checked is that both child
processes ran, that neither tried the network, and that the report has the structure
docs/performance.md and scripts rely on. The stock path is included: it costs a few seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mailgate.policy.evaluate import read_corpus

ROOT = Path(__file__).resolve().parents[2]
# The repository's own labelled set: the smoke run must not depend on files outside it.
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "policy" / "heldout.jsonl"
LIMIT = 5
TIMING_KEYS = {"msgs_per_s", "p50_ms", "p95_ms", "cpu_ms_per_msg", "timed_messages"}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if CORPUS.exists():
        corpus = CORPUS
    else:  # outside the shared workspace: a tiny corpus of our own in the same format
        corpus = tmp_path_factory.mktemp("corpus") / "tiny.jsonl"
        body = "山田 様\n\n区民課の森です。\n書類を受け取りました。\n"
        record = {
            "lang": "ja",
            "from": "kumin@mail.example-city.lg.jp",
            "to": ["yamada@example.jp"],
            "subject": "書類について",
            "body": body,
            "spans": [],
            "expected": {"verdict": "allow", "reasons": []},
        }
        corpus.write_text(
            "".join(
                json.dumps({**record, "id": f"T-{i}"}, ensure_ascii=False) + "\n"
                for i in range(LIMIT)
            ),
            encoding="utf-8",
        )
    command = [
        sys.executable,
        "bench/policy_speed.py",
        "--corpus",
        str(corpus),
        "--limit",
        str(LIMIT),
        "--warmup",
        "2",
        "--repeat",
        "2",
        "--json",
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    data["_corpus"] = corpus
    return data


def test_config_and_ratio(report: dict) -> None:
    assert report["config"]["limit"] == LIMIT
    assert report["config"]["repeat"] == 2
    assert report["config"]["engines"] == ["mailgate", "stock"]
    assert set(report["engines"]) == {"mailgate", "stock"}
    assert report["ratio"] > 0
    assert isinstance(report["goal_3x_met"], bool)
    assert len(report["rounds"]) == 1
    assert report["machine"]["cpus"] >= 1


def test_each_engine_reports_speed_memory_and_quality(report: dict) -> None:
    messages = len(list(read_corpus(report["_corpus"])))
    for name, engine in report["engines"].items():
        assert engine["engine"] == name
        assert set(engine) >= TIMING_KEYS
        assert engine["timed_messages"] == min(LIMIT, messages)
        assert engine["msgs_per_s"] > 0
        assert 0 < engine["p50_ms"] <= engine["p95_ms"]
        assert len(engine["pass_msgs_per_s"]) == 2
        assert set(engine["repeat_passes"]) >= TIMING_KEYS
        assert engine["load_s"] > 0
        assert engine["rss_load_mib"] > 0
        assert engine["network_attempts"] == []
        quality = engine["quality"]
        assert quality["messages"] == min(LIMIT, messages)
        assert {"recall", "recall_mappable", "false_block_rate", "per_type"} <= set(quality)
    mailgate, stock = report["engines"]["mailgate"], report["engines"]["stock"]
    assert 0 <= mailgate["quality"]["verdict_accuracy"] <= 1
    assert mailgate["deterministic"] is True
    assert 0 <= stock["quality"]["naive_verdict_accuracy"] <= 1
    assert stock["errors"] == 0
    assert stock["quality"]["type_mapping"]["LOCATION"] == "POSTAL_ADDRESS"
    # The stock registry is presidio's default for ja, e-mail recognizer included (kept offline).
    assert "EmailRecognizer" in stock["recognizers"]
