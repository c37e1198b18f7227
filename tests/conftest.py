"""Shared fixtures: a fresh, migrated database on SQLite and on PostgreSQL for each test.

PostgreSQL is this machine's server (127.0.0.1:5432, trust auth); each test
session creates its own database and drops it afterwards. Under CI=true an
unreachable PostgreSQL fails the run instead of skipping the PostgreSQL half.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

from mailgate.db import make_engine, upgrade
from mailgate.policy.loader import Policy, load_policy
from mailgate.policy.nlp.analyzer import Analyzer, build_analyzer
from mailgate.policy.rules.base import Resources
from mailgate.resources import data_dir

PG_ADMIN_URL = os.environ.get(
    "MAILGATE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pg_url_for(database: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{database}"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A migrated PostgreSQL database for this test session; yields its URL."""
    with _pg_scratch_database("mailgate_test") as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@contextmanager
def _pg_scratch_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards (fails under CI if unreachable)."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI and is unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    try:
        yield _pg_url_for(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database without any migration (for testing migrations on data)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'unmigrated.db'}"
        return
    with _pg_scratch_database("mailgate_mig") as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    # Fold the WAL into the main file so copying the one file copies everything.
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty, migrated database: every storage test runs on both engines."""
    if request.param == "sqlite":
        path = tmp_path / "mailgate.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database")
    _truncate_all(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """SQLite only, for tests about the embedded default."""
    path = tmp_path / "mailgate.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """GiNZA (~420 MiB, 2-4 s to load): built once per test session, only when asked for."""
    return build_analyzer()


@pytest.fixture(scope="session")
def shared_resources(analyzer: Analyzer) -> Resources:
    """Resources for the default policy's directory, with the session's analyzer in place."""
    shared = Resources(data_dir("policies"))
    shared.get("analyzer", lambda: analyzer)
    return shared


@pytest.fixture(scope="session")
def default_policy(shared_resources: Resources) -> Policy:
    return load_policy(resources=shared_resources)
