"""The JSON API over a real socket: tokens, the reply -> block -> fix -> approve path, scoping."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from sqlmodel import select

from mailgate.directory import add_user
from mailgate.models import AuditEvent, Delivery, Message, Role, User
from mailgate.passwords import hash_password
from mailgate.web.sessions import create_token
from mailgate.workflow import approvals
from tests.web.harness import LiveServer, World, deliver, form_token, resident_mail, signed_in

RESIDENT = "taro.yamada@example.jp"
MY_NUMBER = "123456789018"  # valid check digit (tests/policy/recognizers/test_my_number.py)
LEAKY = f"鈴木一郎さんのマイナンバーは {MY_NUMBER} です。"
CLEAN = "お問い合わせありがとうございます。"


def api(server: LiveServer, username: str) -> httpx.Client:
    with server.session() as session:
        user = session.exec(select(User).where(User.username == username)).one()
        token = create_token(session, user, "test")
        session.commit()
    client = server.client()
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def incoming(server: LiveServer, world: World, **kwargs: Any) -> tuple[int, int]:
    """A resident's mail filed in kosodate: (thread id, message id)."""
    message_id = deliver(
        server.engine,
        world.own.id,
        resident_mail(to=world.own.address, **kwargs),
        world.own.address,
    )
    with server.session() as session:
        message = session.get(Message, message_id)
        assert message is not None
        return message.thread_id, message_id


def second_supervisor(server: LiveServer, world: World) -> str:
    with server.session() as session:
        add_user(
            session,
            username="kosodate-boss2",
            role=Role.SUPERVISOR,
            department_slug=world.own.slug,
            password_hash=hash_password("another password 123"),
            actor="test",
        )
        session.commit()
    return "kosodate-boss2"


def message_body(to: str = RESIDENT, body: str = CLEAN) -> dict[str, object]:
    return {"to": [to], "cc": [], "subject": "Re: 保育園の入園について", "body": body}


def test_reply_blocked_fixed_submitted_and_approved_by_another_supervisor(
    server: LiveServer, world: World
) -> None:
    thread_id, inbound_id = incoming(server, world)
    boss = api(server, world.own.supervisor)

    # The supervisor writes the reply, with a My Number in it: blocked, the number shown to them.
    response = boss.post(f"/api/v1/threads/{thread_id}/replies", json=message_body(body=LEAKY))
    assert response.status_code == 201, response.text
    draft = response.json()
    assert draft["state"] == "blocked" and draft["verdict"] == "block"
    found = [f for f in draft["findings"] if f["entity_type"] == "JP_MY_NUMBER"]
    assert found and found[0]["blocking"] and found[0]["reason"] == "personal_data"
    assert found[0]["text"] == MY_NUMBER and found[0]["location"] == "body"
    assert LEAKY[found[0]["start"] : found[0]["end"]] == MY_NUMBER
    assert found[0]["explanation_ja"] and found[0]["explanation_en"]
    assert draft["from"] == world.own.address and draft["to"] == [RESIDENT]
    assert draft["author"] == world.own.supervisor and draft["thread_id"] == thread_id
    message_id = draft["id"]

    # The officer sees the event, without the number; staff do not see the log at all.
    officer = api(server, world.officer)
    log = officer.get("/api/v1/security/blocked", params={"department_id": world.own.id})
    assert log.status_code == 200, log.text
    [event] = log.json()["events"]
    assert event["message_id"] == message_id and "JP_MY_NUMBER" in event["entity_types"]
    assert event["reasons"] == ["personal_data"] and event["findings"][0]["text_hash"]
    assert MY_NUMBER not in log.text and "text" not in event["findings"][0]
    assert (
        officer.get("/api/v1/security/blocked", params={"reason": "bulk_send"}).json()["events"]
        == []
    )
    assert officer.get(
        "/api/v1/security/blocked", params={"department_id": world.other.id}
    ).json() == {"events": [], "next_before": None}
    assert officer.get("/api/v1/security/blocked", params={"reason": "nonsense"}).status_code == 422
    assert api(server, world.own.staff).get("/api/v1/security/blocked").status_code == 404

    # A pending message cannot be edited; the blocked one can, and becomes a draft again.
    fixed = boss.put(f"/api/v1/messages/{message_id}", json=message_body())
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["state"] == "draft" and fixed.json()["body"] == CLEAN
    submitted = boss.post(f"/api/v1/messages/{message_id}/submit")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["state"] == "pending_approval"
    assert not [f for f in submitted.json()["findings"] if f["blocking"]]
    assert boss.put(f"/api/v1/messages/{message_id}", json=message_body()).status_code == 409

    # The author may not approve their own reply: 403, and nothing changes.
    refused = boss.post(f"/api/v1/messages/{message_id}/approve", json={"comment": "ok"})
    assert refused.status_code == 403
    assert "cannot approve" in refused.json()["detail"]
    again = boss.get(f"/api/v1/messages/{message_id}").json()
    assert again["state"] == "pending_approval" and again["decisions"] == []
    with server.session() as session:
        assert (
            session.exec(select(Delivery).where(Delivery.message_pk == message_id)).first() is None
        )

    # Staff are not supervisors: the approve route does not exist for them.
    staff = api(server, world.own.staff)
    assert staff.post(f"/api/v1/messages/{message_id}/approve", json={}).status_code == 404

    # Another supervisor approves: queued, with the hash of exactly this content.
    boss2 = api(server, second_supervisor(server, world))
    approved = boss2.post(
        f"/api/v1/messages/{message_id}/approve", json={"comment": "確認しました"}
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "queued"
    [decision] = approved.json()["decisions"]
    assert decision["decision"] == "approved" and decision["by"] == "kosodate-boss2"
    with server.session() as session:
        delivery = session.exec(select(Delivery).where(Delivery.message_pk == message_id)).one()
        stored = session.get(Message, message_id)
        assert stored is not None
        assert delivery.approved_hash == approvals.current_hash(session, stored)
        assert delivery.approved_hash == decision["content_hash"]
    assert boss2.post(f"/api/v1/messages/{message_id}/approve", json={}).status_code == 409

    # The thread shows both messages in order and the reading is audited.
    shown = staff.get(f"/api/v1/threads/{thread_id}")
    assert shown.status_code == 200, shown.text
    assert [m["id"] for m in shown.json()["messages"]] == [inbound_id, message_id]
    assert shown.json()["messages"][0]["direction"] == "inbound"
    assert shown.json()["state"] == "sent" and shown.json()["counterpart"] == RESIDENT
    with server.session() as session:
        views = session.exec(
            select(AuditEvent).where(
                AuditEvent.action == "thread.view", AuditEvent.object_id == str(thread_id)
            )
        ).all()
        assert [v.actor for v in views] == [world.own.staff]

    # The counterpart's history: both messages, newest first, with the approver.
    history = staff.get(
        f"/api/v1/departments/{world.own.id}/counterparts/{quote(RESIDENT, safe='')}/history"
    )
    assert history.status_code == 200, history.text
    entries = history.json()["entries"]
    assert [e["message_id"] for e in entries] == [message_id, inbound_id]
    assert entries[0]["decisions"][0]["by"] == "kosodate-boss2"
    assert entries[0]["state"] == "queued" and entries[1]["direction"] == "inbound"
    unknown = f"/api/v1/departments/{world.own.id}/counterparts/nobody%40example.jp/history"
    assert staff.get(unknown).status_code == 404


def test_new_message_reject_resubmit_and_withdraw(server: LiveServer, world: World) -> None:
    staff = api(server, world.own.staff)
    boss = api(server, world.own.supervisor)
    created = staff.post(
        f"/api/v1/departments/{world.own.id}/messages",
        json={"to": ["hanako@example.jp"], "subject": "健診のご案内", "body": CLEAN},
    )
    assert created.status_code == 201, created.text
    message = created.json()
    assert message["state"] == "pending_approval" and message["cc"] == []
    message_id = message["id"]

    assert boss.post(f"/api/v1/messages/{message_id}/reject", json={}).status_code == 422
    rejected = boss.post(
        f"/api/v1/messages/{message_id}/reject", json={"comment": "日時を追記してください"}
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["state"] == "rejected"
    assert rejected.json()["decisions"][0]["comment"] == "日時を追記してください"
    assert (
        boss.post(f"/api/v1/messages/{message_id}/reject", json={"comment": "x"}).status_code == 409
    )

    edited = staff.put(
        f"/api/v1/messages/{message_id}",
        json={"to": ["hanako@example.jp"], "subject": "健診のご案内", "body": CLEAN + "\n以上"},
    )
    assert edited.status_code == 200 and edited.json()["state"] == "draft"
    assert staff.post(f"/api/v1/messages/{message_id}/submit").json()["state"] == "pending_approval"
    withdrawn = staff.post(f"/api/v1/messages/{message_id}/withdraw")
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["state"] == "withdrawn"
    assert boss.post(f"/api/v1/messages/{message_id}/approve").status_code == 409
    assert staff.post(f"/api/v1/messages/{message_id}/withdraw").status_code == 409

    # Invalid input: 422 from the schema, 409 from the workflow's address check.
    bad = staff.put(f"/api/v1/messages/{message_id}", json={"to": [], "subject": "", "body": ""})
    assert bad.status_code == 422
    not_an_address = staff.put(
        f"/api/v1/messages/{message_id}", json={"to": ["no address"], "subject": "", "body": ""}
    )
    assert not_an_address.status_code == 409
    assert "not an e-mail address" in not_an_address.json()["detail"]


def test_listing_paging_search_and_departments(server: LiveServer, world: World) -> None:
    first, _ = incoming(server, world, subject="保育園の入園について")
    second, _ = incoming(
        server, world, sender="hanako@example.jp", subject="ごみの収集日", body="収集日を教えて"
    )
    staff = api(server, world.own.staff)

    mine = staff.get("/api/v1/departments").json()
    assert [d["slug"] for d in mine] == [world.own.slug]
    assert mine[0]["addresses"] == [world.own.address] and mine[0]["id"] == world.own.id
    everyone = api(server, world.officer).get("/api/v1/departments").json()
    assert {d["slug"] for d in everyone} == {world.own.slug, world.other.slug}

    url = f"/api/v1/departments/{world.own.id}/threads"
    page = staff.get(url, params={"limit": 1}).json()
    assert [t["id"] for t in page["threads"]] == [second] and page["next_before"]
    rest = staff.get(url, params={"limit": 1, "before": page["next_before"]}).json()
    assert [t["id"] for t in rest["threads"]] == [first] and rest["next_before"] is None
    assert rest["threads"][0]["counterpart"] == RESIDENT and rest["threads"][0]["state"] == "new"
    assert staff.get(url, params={"state": "new"}).json()["threads"][0]["state"] == "new"
    assert staff.get(url, params={"state": "sent"}).json()["threads"] == []
    assert staff.get(url, params={"state": "bogus"}).status_code == 422
    assert staff.get(url, params={"before": "garbage"}).status_code == 422

    found = staff.get(url, params={"q": "保育"}).json()  # two characters: Japanese works
    assert [t["id"] for t in found["threads"]] == [first]
    assert found["hits"][0]["thread_id"] == first and "保育" in found["hits"][0]["subject"]
    assert staff.get(url, params={"q": "収集日"}).json()["threads"][0]["id"] == second
    assert staff.get(url, params={"q": "保育", "state": "sent"}).json() == {
        "threads": [],
        "hits": [],
        "next_before": None,
    }


def test_other_departments_get_404_and_credentials_are_required(
    server: LiveServer, world: World
) -> None:
    thread_id, inbound_id = incoming(server, world)
    outsider = api(server, world.other.staff)
    outsider_boss = api(server, world.other.supervisor)
    own = world.own.id
    history = f"/api/v1/departments/{own}/counterparts/{quote(RESIDENT, safe='')}/history"
    gets = [
        f"/api/v1/departments/{own}/threads",
        f"/api/v1/threads/{thread_id}",
        f"/api/v1/messages/{inbound_id}",
        history,
    ]
    for url in gets:
        assert outsider.get(url).status_code == 404, url
        assert outsider.get(url.replace(str(inbound_id), "999999")).status_code == 404
    writes = [
        ("POST", f"/api/v1/threads/{thread_id}/replies", message_body()),
        ("POST", f"/api/v1/departments/{own}/messages", message_body()),
        ("PUT", f"/api/v1/messages/{inbound_id}", message_body()),
        ("POST", f"/api/v1/messages/{inbound_id}/submit", None),
        ("POST", f"/api/v1/messages/{inbound_id}/approve", {}),
        ("POST", f"/api/v1/messages/{inbound_id}/reject", {"comment": "x"}),
        ("POST", f"/api/v1/messages/{inbound_id}/withdraw", {}),
    ]
    for method, url, body in writes:
        for client in (outsider, outsider_boss):
            assert client.request(method, url, json=body).status_code == 404, (method, url)
    # Access is decided before the body is read: an invalid body still answers 404, not 422.
    for method, url, _ in writes:
        assert outsider.request(method, url, json={"to": "x"}).status_code == 404, (method, url)
    assert outsider.get(gets[0], params={"state": "bogus"}).status_code == 404
    with server.session() as session:
        assert session.exec(select(Message).where(Message.direction == "outbound")).first() is None
    # An inbound message is not a draft: 409 for its own department.
    own_staff = api(server, world.own.staff)
    assert own_staff.put(f"/api/v1/messages/{inbound_id}", json=message_body()).status_code == 409

    anonymous = server.client()
    assert anonymous.get("/api/v1/departments").status_code == 401
    assert (
        anonymous.post(f"/api/v1/threads/{thread_id}/replies", json=message_body()).status_code
        == 401
    )
    anonymous.headers["Authorization"] = "Bearer mgt_not-a-real-token"
    response = anonymous.get("/api/v1/departments")
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


def test_browser_session_needs_the_csrf_header_for_writes(server: LiveServer, world: World) -> None:
    thread_id, _ = incoming(server, world)
    browser = signed_in(server, world.own.staff)
    assert browser.get("/api/v1/departments").status_code == 200
    url = f"/api/v1/threads/{thread_id}/replies"
    assert browser.post(url, json=message_body()).status_code == 403
    assert (
        browser.post(url, json=message_body(), headers={"X-CSRF-Token": "forged"}).status_code
        == 403
    )
    token = form_token(browser)
    response = browser.post(url, json=message_body(), headers={"X-CSRF-Token": token})
    assert response.status_code == 201, response.text
    assert response.json()["state"] == "pending_approval"


def test_openapi_documents_every_endpoint(server: LiveServer) -> None:
    schema = server.client().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    expected = {
        ("get", "/api/v1/departments"),
        ("get", "/api/v1/departments/{department_id}/threads"),
        ("get", "/api/v1/threads/{thread_id}"),
        ("post", "/api/v1/threads/{thread_id}/replies"),
        ("post", "/api/v1/departments/{department_id}/messages"),
        ("get", "/api/v1/messages/{message_id}"),
        ("put", "/api/v1/messages/{message_id}"),
        ("post", "/api/v1/messages/{message_id}/submit"),
        ("post", "/api/v1/messages/{message_id}/approve"),
        ("post", "/api/v1/messages/{message_id}/reject"),
        ("post", "/api/v1/messages/{message_id}/withdraw"),
        ("get", "/api/v1/departments/{department_id}/counterparts/{address}/history"),
        ("get", "/api/v1/security/blocked"),
    }
    documented = {(m, p) for p, ops in paths.items() for m in ops if p.startswith("/api/v1")}
    assert expected <= documented
    for method, path in expected:
        operation = paths[path][method]
        assert operation["summary"] and operation["description"], (method, path)
        success = operation["responses"].get("200") or operation["responses"]["201"]
        assert "$ref" in str(success["content"]), (method, path)
    # Only the API is in the schema, not the HTML pages.
    assert not [p for p in paths if p.startswith("/login")]
    message = schema.json()["components"]["schemas"]["MessageOut"]["properties"]
    assert {"id", "state", "findings", "from", "to", "cc", "subject", "body"} <= set(message)
