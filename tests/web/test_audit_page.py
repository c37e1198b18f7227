"""The audit trail page: chain status, tampering found, filters, paging, escaping, access."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlmodel import col, select

from mailgate import audit
from mailgate.models import AuditEvent
from tests.web.harness import LiveServer, World, signed_in


def _events(server: LiveServer) -> list[int]:
    with server.session() as session:
        return [e or 0 for e in session.exec(select(AuditEvent.id).order_by(col(AuditEvent.id)))]


def test_chain_intact_then_broken_at_the_tampered_event(server: LiveServer, world: World) -> None:
    officer = signed_in(server, world.officer)
    count = len(_events(server))
    page = officer.get("/audit", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "Chain intact" in page.text
    # Signing in added events; the status counts every event there is.
    count = len(_events(server))
    assert f"All {count} events" in officer.get("/audit", headers={"Accept-Language": "en"}).text
    assert "改ざんなし" in officer.get("/audit").text
    admin = signed_in(server, world.admin)
    assert "改ざんなし" in admin.get("/audit").text

    target = _events(server)[3]
    with server.engine.begin() as conn:
        conn.execute(
            text("""UPDATE audit_event SET details = '{"tampered": true}' WHERE id = :i"""),
            {"i": target},
        )
    broken = officer.get("/audit", headers={"Accept-Language": "en"})
    assert broken.status_code == 200
    status = broken.text.split('role="alert"')[1].split("</div>")[0]
    assert f"Chain broken at event {target}" in status
    assert "content does not match" in status
    assert (
        f"{target}番目" in officer.get("/audit").text
        or f"イベント {target}" in officer.get("/audit").text
    )
    assert "Chain intact" not in broken.text


def test_staff_and_supervisors_get_404(server: LiveServer, world: World) -> None:
    for username in (world.own.staff, world.own.supervisor, world.other.staff):
        assert signed_in(server, username).get("/audit").status_code == 404
    assert server.client().get("/audit").status_code == 303


def test_filters_paging_and_escaped_details(server: LiveServer, world: World) -> None:
    officer = signed_in(server, world.officer)
    with server.session() as session:
        for i in range(60):
            audit.record(session, "test.ping", actor="tester", details={"n": i, "html": "<b>x</b>"})
        audit.record(
            session,
            "message.reveal",
            actor="someone",
            details={"justification": "<script>alert(1)</script>"},
        )
        session.commit()
    page = officer.get("/audit").text
    # Newest first: the reveal heads the list.
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    assert "message.reveal" in first_row
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page

    reveal_only = officer.get("/audit?action=message.reveal").text
    assert (
        "<code>message.reveal</code>" in reveal_only and "<code>test.ping</code>" not in reveal_only
    )
    by_actor = officer.get("/audit?actor=tester").text
    assert "<code>test.ping</code>" in by_actor and "<code>message.reveal</code>" not in by_actor
    group = officer.get("/audit?action=test.").text
    assert "<code>test.ping</code>" in group and "<code>message.reveal</code>" not in group
    assert (
        "<code>login</code>" not in group
        and "<code>login</code>" in officer.get("/audit?action=login").text
    )

    # 60 pings: a page of 50, then 10 older ones behind the keyset link.
    assert by_actor.count("<code>test.ping</code>") == 50
    older = re.search(r'href="(/audit\?[^"]*before=\d+[^"]*)"', by_actor)
    assert older
    rest = officer.get(older.group(1).replace("&amp;", "&")).text
    assert rest.count("<code>test.ping</code>") == 10
    assert "&#34;n&#34;: 0" in rest or '"n": 0' in rest or "&quot;n&quot;: 0" in rest


def test_full_verification_is_recorded_and_the_page_checks_what_came_after(
    server: LiveServer, world: World
) -> None:
    officer = signed_in(server, world.officer)
    english = {"Accept-Language": "en"}
    assert "has not been verified yet" in officer.get("/audit", headers=english).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', officer.get("/audit").text)
    assert token
    assert officer.post("/audit/verify", data={}).status_code == 403
    response = officer.post("/audit/verify", data={"csrf_token": token.group(1)})
    assert response.status_code == 303
    page = officer.get("/audit", headers=english).text
    assert "Last full verification" in page and "intact." in page
    assert "since the last full verification are linked and unchanged" in page
    with server.session() as session:
        check = audit.last_full_check(session)
        assert check is not None and check.intact and check.actor == world.officer
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "audit.verify")).first()
    # An event changed after the check: the page's quick check starts after the checkpoint,
    # so only a new full verification finds it (documented); it then reports the break.
    assert check.through_id is not None
    with server.engine.begin() as conn:
        conn.execute(
            text("""UPDATE audit_event SET details = '{"tampered": true}' WHERE id = :i"""),
            {"i": check.through_id - 1},
        )
    assert "Chain intact" in officer.get("/audit", headers=english).text
    officer.post("/audit/verify", data={"csrf_token": token.group(1)})
    page = officer.get("/audit", headers=english).text
    assert f"found a break at event {check.through_id - 1}" in page
    # After a broken full check, every view verifies from the first event again.
    assert f"Chain broken at event {check.through_id - 1}" in page


def test_a_change_after_the_last_full_verification_shows_at_once(
    server: LiveServer, world: World
) -> None:
    officer = signed_in(server, world.officer)
    with server.session() as session:
        audit.verify_full(session, actor="test")
        session.commit()
    signed_in(server, world.admin)  # new events after the checkpoint
    last = _events(server)[-1]
    with server.engine.begin() as conn:
        conn.execute(
            text("""UPDATE audit_event SET details = '{"tampered": true}' WHERE id = :i"""),
            {"i": last},
        )
    page = officer.get("/audit", headers={"Accept-Language": "en"}).text
    assert f"Chain broken at event {last}" in page
