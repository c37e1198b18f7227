"""A live web inbox for tests: the real app under uvicorn on a free port, plus a small world.

World: two departments (kosodate, kankyo), each with a staff member, a second
staff member and a supervisor; a security officer; an administrator. Every
password is PASSWORD. Tests talk to the server over a real socket with httpx.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session

from mailgate import blobs
from mailgate.config import Settings
from mailgate.db import session_scope
from mailgate.directory import add_department, add_user
from mailgate.inbound.filing import file_reception
from mailgate.models import Message, Reception, Role, Thread, User, utcnow
from mailgate.passwords import hash_password
from mailgate.web.app import create_app
from mailgate.workflow import drafts
from mailgate.workflow.policy_gate import PolicyGate

PASSWORD = "correct horse battery staple"
SECRET = "test-secret-key-for-web-tests"
DOMAIN = "mail.example-city.lg.jp"


@dataclass
class Dept:
    id: int
    slug: str
    address: str
    staff: str
    staff2: str
    supervisor: str


@dataclass
class World:
    depts: dict[str, Dept] = field(default_factory=dict)
    officer: str = "officer"
    admin: str = "admin"
    user_ids: dict[str, int] = field(default_factory=dict)

    @property
    def own(self) -> Dept:
        return self.depts["kosodate"]

    @property
    def other(self) -> Dept:
        return self.depts["kankyo"]


def build_world(engine: Engine) -> World:
    world = World()
    password_hash = hash_password(PASSWORD)
    with session_scope(engine) as session:
        for slug, name in (("kosodate", "子育て支援課"), ("kankyo", "環境保全課")):
            address = f"{slug}@{DOMAIN}"
            department = add_department(
                session, slug=slug, name=name, addresses=[address], actor="test"
            )
            department.signature = f"{name}\\n電話 03-1234-5678"
            dept = Dept(
                department.id or 0,
                slug,
                address,
                f"{slug}-staff",
                f"{slug}-staff2",
                f"{slug}-boss",
            )
            for username, role in (
                (dept.staff, Role.STAFF),
                (dept.staff2, Role.STAFF),
                (dept.supervisor, Role.SUPERVISOR),
            ):
                user = add_user(
                    session,
                    username=username,
                    display_name=username,
                    role=role,
                    department_slug=slug,
                    password_hash=password_hash,
                    actor="test",
                )
                world.user_ids[username] = user.id or 0
            world.depts[slug] = dept
        for username, role in ((world.officer, Role.SECURITY_OFFICER), (world.admin, Role.ADMIN)):
            user = add_user(
                session,
                username=username,
                display_name=username,
                role=role,
                password_hash=password_hash,
                actor="test",
            )
            world.user_ids[username] = user.id or 0
    return world


def resident_mail(
    *,
    to: str,
    sender: str = "taro.yamada@example.jp",
    name: str = "山田 太郎",
    subject: str = "保育園の入園について",
    body: str = "子育て支援課 御中\n\n来年4月からの保育園入園について教えてください。\n\n山田 太郎",
    html: str | None = None,
    in_reply_to: str = "",
    attachments: list[tuple[str, str, bytes]] | None = None,
) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"{name} <{sender}>"
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(utcnow())
    mail["Message-ID"] = make_msgid(domain="example.jp")
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    mail.set_content(body)
    if html is not None:
        mail.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments or []:
        maintype, _, subtype = content_type.partition("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return mail.as_bytes()


def deliver(engine: Engine, department_id: int, raw: bytes, recipient: str) -> int:
    """What happens after the SMTP 250: the reception committed, then filed. Returns message id."""
    with session_scope(engine) as session:
        digest = blobs.put(session, raw)
        reception = Reception(
            raw_sha256=digest,
            department_id=department_id,
            source="smtp",
            envelope_from="taro.yamada@example.jp",
            recipients=[recipient],
        )
        session.add(reception)
        session.flush()
        outcome = file_reception(session, reception, raw)
    assert outcome.message_id is not None, outcome
    return outcome.message_id


class LiveServer:
    def __init__(self, settings: Settings, engine: Engine, gate: PolicyGate) -> None:
        self.app = create_app(settings, engine, gate)
        self.engine = engine
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.run(self.server.serve())

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("web server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=60)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)


def web_settings(tmp_path: Path, db_url: str) -> Settings:
    settings = Settings(data_dir=str(tmp_path), mail_domain=DOMAIN)
    settings.database.url = db_url
    settings.web.secret_key = SECRET
    return settings


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    page = client.get("/login")
    assert page.status_code == 200, page.text
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_of(page.text),
            "next": "/",
        },
    )
    return response


def signed_in(server: LiveServer, username: str) -> httpx.Client:
    client = server.client()
    response = login(client, username)
    assert response.status_code == 303, response.text
    return client


def form_token(client: httpx.Client, path: str = "/account") -> str:
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return csrf_of(page.text)


# --- shared steps of the web tests -----------------------------------------------------------


def resident_writes(server: LiveServer, dept: Dept, **fields: Any) -> Message:
    """A resident's mail to `dept` (resident_mail's fields), filed as after SMTP 250."""
    message_id = deliver(
        server.engine, dept.id, resident_mail(to=dept.address, **fields), dept.address
    )
    with server.session() as session:
        message = session.get(Message, message_id)
        assert message is not None
        return message


def post_form(client: httpx.Client, page: str, url: str, **data: str) -> httpx.Response:
    """Post like the browser: the CSRF token from a page, then the form to `url`."""
    token = csrf_of(client.get(page).text)
    return client.post(url, data={"csrf_token": token, **data})


def post_reply(
    client: httpx.Client,
    thread_id: int,
    body: str,
    *,
    subject: str = "Re: 保育園の入園について",
    action: str = "submit",
) -> httpx.Response:
    """Reply to the resident (taro.yamada@example.jp) with the thread's reply form."""
    reply = f"/threads/{thread_id}/reply"
    return post_form(
        client, reply, reply, to="taro.yamada@example.jp", subject=subject, body=body, action=action
    )


def submit_reply(server: LiveServer, thread_id: int, author_id: int, body: str) -> Message:
    """A reply with `body` written and submitted through the workflow to the real gate."""
    with server.session() as session:
        thread = session.get(Thread, thread_id)
        author = session.get(User, author_id)
        assert thread is not None and author is not None
        draft = drafts.start_reply(
            session, thread=thread, author=author, mail_domain="example.jp", body=body
        )
        drafts.submit(
            session, server.app.state.gate, draft, actor=author, secret=server.app.state.secret
        )
        session.commit()
        return draft
