"""Browser tests' fixtures: Debian's Chromium under Playwright, and a whole mailgate on real sockets.

- `browser` (module): one headless Chromium per test module, launched from
  /usr/bin/chromium (never a downloaded browser). Playwright's sync API runs in
  the test's own thread, so browser tests are plain `def` tests.
- `pages` (per test): `pages()` opens a fresh browser context (own cookies,
  1280x800, Japanese) and returns its page; `pages(username)` also signs in
  through the login form. Every context is closed after the test.
- `stack` (per test): a relay sink (aiosmtpd, tests/delivery/conftest.py) and a
  mailgate Service with the smtp, web and worker roles in one event loop in a
  background thread — exactly what `mailgate serve` runs — over the test
  database, with the world of harness.build_world and the session's policy gate.
  Mail comes in over SMTP to `stack.service.smtp_port`, the inbox answers on
  `stack.url`, and approved mail leaves through the relay to `stack.sink`.

Screenshots go to tests/artifacts/screenshots/. With MAILGATE_TEST_DOCS_IMAGES=1
the ones named in DOCS_IMAGES are also copied to docs/images/ (off by default,
so an ordinary test run never changes tracked files).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiosmtplib
import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    sync_playwright,
)
from sqlalchemy import Engine
from sqlmodel import Session

from mailgate.config import Settings
from mailgate.serve import Service
from mailgate.workflow.policy_gate import PolicyGate
from tests.conftest import IN_CI
from tests.delivery.conftest import RelaySink
from tests.web.harness import DOMAIN, PASSWORD, SECRET, World, build_world

CHROMIUM = os.environ.get("MAILGATE_TEST_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
DOCS_IMAGES = ROOT / "docs" / "images"
# Screenshot name -> file name in docs/images (copied only on request, see the module doc).
DOCS_PICKS = {
    "login": "login.png",
    "inbox": "inbox.png",
    "thread-answered": "thread.png",
    "blocked-draft": "blocked-draft.png",
    "approval": "approval.png",
    "security-log": "security-log.png",
}
VIEWPORT = {"width": 1280, "height": 800}
# Playwright's default wait for any single step (a page load, a selector).
STEP_TIMEOUT_MS = 15_000

T = TypeVar("T")


def wait_for(
    predicate: Callable[[], T | None], *, timeout: float = 20.0, what: str = "condition"
) -> T:
    """Poll until predicate() returns something truthy; return it or fail saying what never came."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module (about a second to launch).

    Not per session: while Playwright's sync API is alive it leaves its event loop
    marked as running in the test thread, so every asyncio test that ran after it
    in the same pytest process would fail ("Runner.run() cannot be called from a
    running event loop"). Closing it at the end of the module clears that.
    """
    if not Path(CHROMIUM).exists():
        message = f"Chromium not installed at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        # --no-sandbox: the test machines run as root, where Chromium's sandbox refuses to start.
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


@dataclass
class Pages:
    """Opens one browser context per user of a test; `base` is the inbox URL."""

    browser: Browser
    base: str = ""
    contexts: list[BrowserContext] = field(default_factory=list)
    # Console errors and uncaught exceptions of every page (CSP violations show up here).
    problems: list[str] = field(default_factory=list)
    # Texts of the confirmation dialogs that were accepted.
    dialogs: list[str] = field(default_factory=list)

    def __call__(self, username: str | None = None) -> Page:
        context = self.browser.new_context(
            base_url=self.base or None,
            viewport=VIEWPORT,  # type: ignore[arg-type]
            locale="ja-JP",
            timezone_id="Asia/Tokyo",
        )
        context.set_default_timeout(STEP_TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        # Buttons with data-confirm ask window.confirm (web/static/mailgate.js); a user says yes.
        page.on("dialog", lambda dialog: self._confirm(dialog))
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        if username is not None:
            sign_in(page, username)
        return page

    def _confirm(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.accept()

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        # A 404/403 the test asks for is logged as "Failed to load resource"; anything else
        # (a CSP violation from an inline script or style, a script error) is a problem.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"{page.url}: {message.text}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Browser) -> Iterator[Pages]:
    opened = Pages(browser)
    yield opened
    opened.close()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form and wait for the page it leads to."""
    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form[action='/login'] button[type=submit]").click()
    assert "/login" not in page.url, f"{username} could not sign in: {page.url}"


def shot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save what the user sees (the 1280x800 viewport, or the whole page) as NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    target = DOCS_PICKS.get(name)
    if target and os.environ.get("MAILGATE_TEST_DOCS_IMAGES") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_IMAGES / target)
    return path


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_on(page: Page) -> str:
    """The CSRF token of the page currently shown (as a forging script in that session would read it)."""
    match = _CSRF.search(page.content())
    assert match, f"no CSRF token on {page.url}"
    return match.group(1)


# --- the whole service -------------------------------------------------------------------------


@dataclass
class Stack:
    service: Service
    engine: Engine
    world: World
    sink: RelaySink
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.service.web_port}"

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def api(self, token: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    def send_mail(self, raw: bytes, *, sender: str, recipients: list[str]) -> None:
        """A resident's mail server hands the message over SMTP (aiosmtplib, its own loop)."""
        errors: list[BaseException] = []

        def client() -> None:
            try:
                refused, _reply = asyncio.run(
                    aiosmtplib.send(
                        raw,
                        sender=sender,
                        recipients=recipients,
                        hostname="127.0.0.1",
                        port=self.service.smtp_port,
                        timeout=30,
                    )
                )
                assert not refused, refused
            except BaseException as exc:  # handed to the test's thread below
                errors.append(exc)

        worker = threading.Thread(target=client)
        worker.start()
        worker.join(60)
        if errors:
            raise errors[0]
        assert not worker.is_alive(), "SMTP client hung"

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.service.stop.set)
        self.thread.join(60)


def stack_settings(tmp_path: Path, db_url: str, relay_port: int) -> Settings:
    return Settings.model_validate(
        {
            "data_dir": str(tmp_path),
            "mail_domain": DOMAIN,
            "database": {"url": db_url},
            "smtp": {"host": "127.0.0.1", "port": 0, "hostname": "mx.test"},
            "web": {"host": "127.0.0.1", "port": 0, "secret_key": SECRET},
            "delivery": {
                "mode": "relay",
                "relay": {"host": "127.0.0.1", "port": relay_port, "timeout": 5},
                "poll_seconds": 0.1,
            },
        }
    )


def start_stack(
    settings: Settings, engine: Engine, world: World, sink: RelaySink, gate: PolicyGate
) -> Stack:
    service = Service(
        settings, engine, roles=("smtp", "web", "worker"), handle_signals=False, gate=gate
    )
    box: dict[str, Any] = {}

    async def main() -> None:
        box["loop"] = asyncio.get_running_loop()
        await service.run()

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:  # reported by the waiting test below
            box["error"] = exc

    thread = threading.Thread(target=run, name="mailgate-service", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not service.ready.is_set():
        if "error" in box:
            raise RuntimeError("mailgate did not start") from box["error"]
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("mailgate did not start in time")
        time.sleep(0.02)
    return Stack(service, engine, world, sink, box["loop"], thread)


@pytest.fixture
def stack(
    tmp_path: Path, db_url: str, engine: Engine, gate: PolicyGate, pages: Pages
) -> Iterator[Stack]:
    sink = RelaySink()
    sink.start()
    world = build_world(engine)
    running = start_stack(stack_settings(tmp_path, db_url, sink.port), engine, world, sink, gate)
    pages.base = running.url
    yield running
    running.stop()
    sink.stop()
