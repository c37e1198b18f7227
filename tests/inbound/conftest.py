"""A running SMTP role of mailgate on a random loopback port, over a fresh database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from mailgate.config import Settings
from mailgate.db import make_engine, session_scope
from mailgate.directory import add_department
from mailgate.models import Reception, ReceptionState
from mailgate.serve import Service

KOSODATE = "kosodate@mail.example-city.lg.jp"
TOSHI = "toshi@mail.example-city.lg.jp"
MAX_SIZE = 200_000


def make_settings(tmp_path: Path, db_url: str, **smtp: object) -> Settings:
    return Settings.model_validate(
        {
            "data_dir": str(tmp_path),
            "database": {"url": db_url},
            "smtp": {
                "host": "127.0.0.1",
                "port": 0,
                "hostname": "mx.test",
                "max_message_size": MAX_SIZE,
                **smtp,
            },
            "web": {"host": "127.0.0.1", "port": 0},
        }
    )


def seed_departments(engine: Engine) -> None:
    with session_scope(engine) as session:
        add_department(session, slug="kosodate", name="子育て支援課", addresses=[KOSODATE])
        add_department(session, slug="toshi", name="都市計画課", addresses=[TOSHI])


@pytest.fixture
async def smtp_service(db_url: str, tmp_path: Path) -> AsyncIterator[Service]:
    engine = make_engine(db_url)
    seed_departments(engine)
    service = Service(
        make_settings(tmp_path, db_url), engine, roles=("smtp", "worker"), handle_signals=False
    )
    task = asyncio.create_task(service.run())
    await asyncio.wait_for(service.ready.wait(), 30)
    yield service
    service.stop.set()
    await asyncio.wait_for(task, 60)
    engine.dispose()


def receptions(engine: Engine) -> list[Reception]:
    with session_scope(engine) as session:
        return list(session.exec(select(Reception).order_by(col(Reception.id))))


async def wait_filed(engine: Engine, count: int, timeout: float = 30.0) -> list[Reception]:
    """Wait (without blocking the service's event loop) until `count` receptions are filed."""
    deadline = time.monotonic() + timeout
    while True:
        rows = await asyncio.to_thread(receptions, engine)
        done = [r for r in rows if r.state != ReceptionState.ACCEPTED]
        if len(done) >= count:
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(
                f"only {len(done)} of {count} receptions filed: {[r.state for r in rows]}"
            )
        await asyncio.sleep(0.05)
