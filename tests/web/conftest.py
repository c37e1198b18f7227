"""Web fixtures: a live server per test on both databases, with the world of harness.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mailgate.policy.loader import Policy
from mailgate.workflow.policy_gate import PolicyGate
from tests.web.harness import LiveServer, World, build_world, web_settings


@pytest.fixture(scope="session")
def gate(default_policy: Policy) -> PolicyGate:
    """The real default policy with the session's analyzer (loaded once)."""
    return PolicyGate(default_policy)


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


@pytest.fixture
def server(
    tmp_path: Path, db_url: str, engine: Engine, world: World, gate: PolicyGate
) -> Iterator[LiveServer]:
    live = LiveServer(web_settings(tmp_path, db_url), engine, gate).start()
    yield live
    live.stop()
