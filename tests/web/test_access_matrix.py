"""Route x role x department: every route of the app, walked from the router, for every role.

Objects (thread, message, attachment, ...) all belong to department kosodate.
Staff and supervisors of kosodate are "own"; those of kankyo are "other" and
must get 404 for every object of kosodate, exactly as for a missing one.
A route without a known rule, or with a path parameter this test cannot fill,
fails the test: a new route cannot slip in unchecked.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import httpx
from sqlmodel import select

from mailgate.directory import add_user
from mailgate.models import Attachment, Message, ReplyTemplate, Role
from mailgate.passwords import hash_password
from mailgate.web.access import DEPARTMENT_RULES, walk_routes
from mailgate.web.sessions import create_token
from mailgate.workflow import drafts
from tests.web.harness import LiveServer, World, csrf_of, deliver, resident_mail, signed_in

ROLES = (
    "anonymous",
    "own_staff",
    "own_supervisor",
    "other_staff",
    "other_supervisor",
    "officer",
    "admin",
)
ALLOWED = {
    "public": set(ROLES),
    "signed_in": set(ROLES) - {"anonymous"},
    "member": {"own_staff", "own_supervisor"},
    "supervisor": {"own_supervisor"},
    "officer": {"officer"},
    "auditor": {"officer", "admin"},
    "admin": {"admin"},
}
# Actions that would end the role's session or lock it out: run last / never with a token.
LAST = {"/logout"}


@dataclass
class Objects:
    values: dict[str, str]


def _username(world: World, role: str) -> str | None:
    return {
        "anonymous": None,
        "own_staff": world.own.staff,
        "own_supervisor": world.own.supervisor,
        "other_staff": world.other.staff,
        "other_supervisor": world.other.supervisor,
        "officer": world.officer,
        "admin": world.admin,
    }[role]


def _objects(server: LiveServer, world: World) -> Objects:
    """One object of each kind in kosodate, for the path parameters."""
    resident = "hanako.suzuki@example.jp"
    message_id = deliver(
        server.engine,
        world.own.id,
        resident_mail(
            to=world.own.address,
            sender=resident,
            attachments=[("申請書.txt", "text/plain", "添付".encode())],
        ),
        world.own.address,
    )
    gate = server.app.state.gate
    with server.session() as session:
        inbound = session.get(Message, message_id)
        assert inbound is not None
        attachment = session.exec(
            select(Attachment).where(Attachment.message_pk == message_id)
        ).one()
        author = session.exec(
            select(drafts.User).where(drafts.User.username == world.own.staff2)
        ).one()
        from mailgate.models import Thread

        thread = session.get(Thread, inbound.thread_id)
        assert thread is not None
        # A pending reply by staff2 (so the supervisor may approve) ...
        pending = drafts.start_reply(
            session, thread=thread, author=author, mail_domain="example.jp"
        )
        drafts.edit(
            session,
            pending,
            editor=author,
            data=drafts.DraftInput(
                to=[resident], subject="Re: 入園", body="お問い合わせありがとうございます。"
            ),
        )
        drafts.submit(session, gate, pending, actor=author, secret="s")
        # ... and a blocked one, for the security officer's event pages.
        blocked = drafts.start_reply(
            session, thread=thread, author=author, mail_domain="example.jp"
        )
        drafts.edit(
            session,
            blocked,
            editor=author,
            data=drafts.DraftInput(
                to=[resident],
                subject="Re: 入園",
                body="鈴木一郎さんのマイナンバーは 123456789018 です。",
            ),
        )
        drafts.submit(session, gate, blocked, actor=author, secret="s")
        from mailgate.models import BlockedEvent

        event = session.exec(select(BlockedEvent)).first()
        assert event is not None
        template = ReplyTemplate(department_id=world.own.id, name="受付", body="受け付けました。")
        session.add(template)
        spare = add_user(
            session,
            username="spare",
            role=Role.STAFF,
            department_slug=world.own.slug,
            password_hash=hash_password("spare password 123"),
            actor="test",
        )
        session.commit()
        return Objects(
            {
                "department_id": str(world.own.id),
                "thread_id": str(thread.id),
                "message_id": str(pending.id),
                "attachment_id": str(attachment.id),
                "template_id": str(template.id),
                "event_id": str(event.id),
                "user_id": str(spare.id),
                "address": quote(resident, safe=""),
            }
        )


def _routes(server: LiveServer) -> list[tuple[str, str, str]]:
    found = []
    for route in walk_routes(server.app.routes):
        rule = route.rule
        assert rule in ALLOWED, f"{route.path} has no known access rule ({rule})"
        for method in sorted(route.methods - {"HEAD"}):
            found.append((method, route.path, rule))
    return found


def _url(path: str, objects: Objects) -> str:
    for name in [p.strip("{}").split(":")[0] for p in path.split("/") if p.startswith("{")]:
        assert name in objects.values, f"{path}: no test object for path parameter {name!r}"
        path = path.replace("{" + name + "}", objects.values[name]).replace(
            "{" + name + ":path}", objects.values[name]
        )
    return path


def _client(server: LiveServer, world: World, role: str, api: bool) -> httpx.Client:
    username = _username(world, role)
    if username is None:
        return server.client()
    if api:
        with server.session() as session:
            user = session.exec(select(drafts.User).where(drafts.User.username == username)).one()
            token = create_token(session, user, "matrix")
            session.commit()
        client = server.client()
        client.headers["Authorization"] = f"Bearer {token}"
        return client
    return signed_in(server, username)


def _token(client: httpx.Client) -> str:
    return csrf_of(client.get("/account").text)


def test_every_route_answers_each_role_as_its_rule_says(server: LiveServer, world: World) -> None:
    objects = _objects(server, world)
    routes = _routes(server)
    assert any(rule in DEPARTMENT_RULES for _, _, rule in routes)
    failures = []
    for role in ROLES:
        page_client = _client(server, world, role, api=False)
        api_client = _client(server, world, role, api=True)
        csrf = _token(page_client) if role != "anonymous" else ""
        ordered = sorted(routes, key=lambda r: r[1] in LAST)
        for method, path, rule in ordered:
            if path == "/login" and method == "POST":
                continue  # signing in is covered by test_auth
            api = path.startswith("/api/")
            client = api_client if api else page_client
            url = _url(path, objects)
            if method == "GET":
                response = client.get(url)
            elif api:
                response = client.request(method, url, json={})
            else:
                response = client.request(method, url, data={"csrf_token": csrf})
            allowed = role in ALLOWED[rule]
            status = response.status_code
            if role == "anonymous" and rule != "public":
                ok = status == (401 if api else 303)
            elif allowed:
                ok = status not in (401, 403, 404)
            else:
                ok = status == 404
            if not ok:
                failures.append(f"{role:16} {method:6} {path} ({rule}): {status}")
    assert not failures, "\n".join(failures)
