"""Every page a user can reach by clicking, in a real browser, for each role.

Starting at "/", each user follows every same-site link the pages show them
(breadth first, a few pages per URL shape) and every page must: answer 200,
run without a script error or a Content-Security-Policy violation (inline
script or style attribute — only a browser sees those), and keep the
conventions' accessible markup (one h1, headings without skipped levels, a
label for every form field, alt text on images, scope on table headers). One
screenshot per URL shape goes to tests/artifacts/screenshots/tour-*.png.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from sqlmodel import select

from mailgate.db import session_scope
from mailgate.models import Thread, User
from mailgate.workflow import drafts
from tests.web import browser as fixtures
from tests.web.browser import Pages, Stack, shot
from tests.web.harness import SECRET, deliver, resident_mail

browser = fixtures.browser
pages = fixtures.pages
stack = fixtures.stack


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """SQLite only: this test is about pages in the browser; the flow test covers both databases."""
    return sqlite_url


# Pages per URL shape (digits replaced): enough to see lists, details and a next page.
PER_SHAPE = 2
MAX_PAGES = 80

# Markup problems, found by the browser on the rendered page (returns a list of strings).
A11Y_PROBLEMS = """() => {
  const problems = [];
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(`${h1} h1 elements`);
  let last = 0;
  for (const h of document.querySelectorAll("main h1, main h2, main h3, main h4, main h5, main h6")) {
    const level = Number(h.tagName[1]);
    if (last && level > last + 1) problems.push(`heading ${h.tagName} after h${last}: ${h.textContent.trim()}`);
    last = level;
  }
  const fields = document.querySelectorAll(
    "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]), select, textarea");
  for (const f of fields) {
    const named = (f.labels && f.labels.length) || f.getAttribute("aria-label") || f.getAttribute("aria-labelledby");
    if (!named) problems.push(`field without a label: ${f.outerHTML.slice(0, 120)}`);
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problems.push(`image without alt: ${img.outerHTML.slice(0, 120)}`);
  }
  for (const th of document.querySelectorAll("thead th")) {
    if (!th.hasAttribute("scope")) problems.push(`th without scope: ${th.textContent.trim().slice(0, 40)}`);
  }
  return problems;
}"""


def _seed(stack: Stack) -> None:
    """Something on every page: mail in both departments, a blocked and a pending draft."""
    world = stack.world
    own, other = world.own, world.other
    deliver(
        stack.engine,
        own.id,
        resident_mail(
            to=own.address,
            html="<p>来年4月からの<b>保育園入園</b>について教えてください。</p>",
            attachments=[("申込書.pdf", "application/pdf", b"%PDF-1.4 test")],
        ),
        own.address,
    )
    deliver(
        stack.engine,
        own.id,
        resident_mail(
            to=own.address, sender="hanako@example.jp", name="佐藤 花子", subject="児童手当の申請"
        ),
        own.address,
    )
    deliver(
        stack.engine, other.id, resident_mail(to=other.address, subject="ごみの分別"), other.address
    )
    gate = stack.service.gate
    assert gate is not None
    with session_scope(stack.engine) as session:
        threads = session.exec(select(Thread).where(Thread.department_id == own.id)).all()
        for thread, author, body in (
            (threads[0], own.staff, "鈴木一郎さんのマイナンバーは 123456789018 です。"),
            (threads[1], own.staff2, "児童手当の申請書をお送りください。"),
        ):
            user = session.get(User, world.user_ids[author])
            assert user is not None
            message = drafts.start_reply(
                session, thread=thread, author=user, mail_domain=stack.service.settings.mail_domain
            )
            drafts.edit(
                session,
                message,
                editor=user,
                data=drafts.DraftInput(to=message.to_addresses, subject=message.subject, body=body),
            )
            drafts.submit(session, gate, message, actor=user, secret=SECRET)


def _shape(url: str) -> str:
    """The URL with ids, addresses and query values left out: /threads/N, /counterparts/A?q."""
    parts = urlsplit(url)
    path = re.sub(r"/counterparts/[^/]+", "/counterparts/A", parts.path)
    query = "&".join(sorted(k.split("=")[0] for k in parts.query.split("&") if k))
    return re.sub(r"\d+", "N", path) + (f"?{query}" if query else "")


def _links(page: Page, origin: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href]:not([download])", "links => links.map(a => a.href)"
    )
    found = []
    for href in hrefs:
        url, _ = urldefrag(href)
        if not url.startswith(origin + "/"):
            continue
        path = urlsplit(url).path
        if (
            path.endswith((".csv", ".svg"))
            or "/attachments/" in path
            or path.startswith("/static/")
        ):
            continue  # downloads, not pages
        found.append(url)
    return found


def _tour(page: Page, origin: str, role: str) -> tuple[list[str], list[str]]:
    """Visit every page reachable from "/"; return (visited URLs, problems)."""
    seen: set[str] = set()
    per_shape: dict[str, int] = {}
    shot_shapes: set[str] = set()
    queue = deque([origin + "/"])
    visited: list[str] = []
    problems: list[str] = []
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        shape = _shape(url)
        if url in seen or per_shape.get(shape, 0) >= PER_SHAPE:
            continue
        seen.add(url)
        per_shape[shape] = per_shape.get(shape, 0) + 1
        try:
            response = page.goto(url)
        except PlaywrightError as exc:  # a link that turns out to be a download
            if "Download is starting" in str(exc):
                continue
            raise
        assert response is not None
        visited.append(url)
        if response.status != 200:
            problems.append(f"{url}: HTTP {response.status}")
            continue
        problems.extend(f"{page.url}: {p}" for p in page.evaluate(A11Y_PROBLEMS))
        landed = _shape(page.url)  # after redirects ("/" lands on a department's inbox)
        if landed not in shot_shapes:
            shot_shapes.add(landed)
            name = re.sub(r"[^a-z0-9]+", "-", landed.lower()).strip("-") or "home"
            shot(page, f"tour-{role}-{name}")
        queue.extend(u for u in _links(page, origin) if u not in seen)
    return visited, problems


@pytest.mark.parametrize("who", ["staff", "supervisor", "officer", "admin"])
def test_every_linked_page_renders_cleanly(stack: Stack, pages: Pages, who: str) -> None:
    _seed(stack)
    world = stack.world
    username = {
        "staff": world.own.staff,
        "supervisor": world.own.supervisor,
        "officer": world.officer,
        "admin": world.admin,
    }[who]
    page = pages(username)
    visited, problems = _tour(page, stack.url, who)
    assert len(visited) > 1, visited  # the start page links somewhere
    assert problems == [], "\n".join(problems)
    assert pages.problems == [], "\n".join(pages.problems)
