"""Approvals over a live server: the queue, the review page, no self-approval, approve, reject."""

from __future__ import annotations

import html
import re

from sqlmodel import col, select

from mailgate.directory import add_user
from mailgate.models import (
    Approval,
    AuditEvent,
    Delivery,
    Message,
    MessageState,
    Role,
)
from mailgate.passwords import hash_password
from mailgate.workflow import approvals
from tests.web.harness import (
    PASSWORD,
    LiveServer,
    World,
    csrf_of,
    post_form,
    post_reply,
    signed_in,
)
from tests.web.test_compose import edit_values, message, outbound, resident_thread

CLEAN = "お問い合わせありがとうございます。入園の申込みは来月1日から受け付けます。"
APPROVE_FORM = re.compile(r'action="/messages/\d+/approve"')


def submitted_reply(server: LiveServer, world: World, username: str, body: str = CLEAN) -> int:
    thread_id = resident_thread(server, world)
    client = signed_in(server, username)
    response = post_reply(client, thread_id, body)
    assert response.status_code == 303
    assert response.headers["location"] == f"/threads/{thread_id}?notice=submitted"
    draft = outbound(server, thread_id)[-1]
    assert draft.state == MessageState.PENDING_APPROVAL
    return draft.id or 0


def second_supervisor(server: LiveServer, world: World) -> str:
    with server.session() as session:
        add_user(
            session,
            username="kosodate-boss2",
            display_name="kosodate-boss2",
            role=Role.SUPERVISOR,
            department_slug=world.own.slug,
            password_hash=hash_password(PASSWORD),
            actor="test",
        )
        session.commit()
    return "kosodate-boss2"


def test_author_and_last_editor_cannot_approve_and_another_supervisor_can(
    server: LiveServer, world: World
) -> None:
    message_id = submitted_reply(server, world, world.own.staff)
    review = f"/messages/{message_id}/review"

    # The author (staff): may read the review page, no approve button, the POST is refused.
    author = signed_in(server, world.own.staff)
    page = author.get(review)
    assert page.status_code == 200 and CLEAN in page.text
    assert not APPROVE_FORM.search(page.text)
    token = csrf_of(page.text)
    assert (
        author.post(f"/messages/{message_id}/approve", data={"csrf_token": token}).status_code
        == 404
    )

    # The supervisor withdraws it, edits it and submits it: now the last editor.
    boss = signed_in(server, world.own.supervisor)
    withdrawn = post_form(boss, review, f"/messages/{message_id}/withdraw")
    assert withdrawn.status_code == 303
    assert message(server, message_id).state == MessageState.WITHDRAWN
    fixed = message(server, message_id)
    values = edit_values(fixed, "submit")
    values["body"] = CLEAN + "\nよろしくお願いいたします。"
    resubmitted = post_form(
        boss, f"/messages/{message_id}/edit", f"/messages/{message_id}/edit", **values
    )
    assert resubmitted.status_code == 303
    edited = message(server, message_id)
    assert edited.state == MessageState.PENDING_APPROVAL
    assert edited.last_editor_id == world.user_ids[world.own.supervisor]

    page = boss.get(review)
    assert page.status_code == 200
    assert not APPROVE_FORM.search(page.text)
    assert f'action="/messages/{message_id}/reject"' in page.text
    forged = boss.post(f"/messages/{message_id}/approve", data={"csrf_token": csrf_of(page.text)})
    assert forged.status_code == 403
    assert message(server, message_id).state == MessageState.PENDING_APPROVAL
    with server.session() as session:
        assert session.exec(select(Delivery)).all() == []
        assert session.exec(select(Approval).where(Approval.decision == "approved")).all() == []

    # The queue shows it to the supervisor, marked as not theirs to approve.
    queue = boss.get(f"/departments/{world.own.id}/approvals")
    assert queue.status_code == 200 and review in queue.text

    # Another supervisor approves: delivery queued with the hash of exactly this content.
    other = signed_in(server, second_supervisor(server, world))
    page = other.get(review)
    assert APPROVE_FORM.search(page.text)
    approved = other.post(
        f"/messages/{message_id}/approve", data={"csrf_token": csrf_of(page.text)}
    )
    assert approved.status_code == 303
    assert approved.headers["location"] == f"/departments/{world.own.id}/approvals?notice=approved"
    with server.session() as session:
        sent = session.get(Message, message_id)
        assert sent is not None and sent.state == MessageState.QUEUED
        [delivery] = session.exec(select(Delivery).where(Delivery.message_pk == message_id))
        assert delivery.state == "queued"
        assert delivery.approved_hash == approvals.current_hash(session, sent)
    after = other.get(approved.headers["location"])
    assert review not in after.text and 'role="status"' in after.text
    # Approving twice is not possible.
    again = other.post(f"/messages/{message_id}/approve", data={"csrf_token": csrf_of(page.text)})
    assert again.status_code == 409


def test_reject_needs_a_comment_and_the_author_sees_it(server: LiveServer, world: World) -> None:
    message_id = submitted_reply(server, world, world.own.staff)
    review = f"/messages/{message_id}/review"
    boss = signed_in(server, world.own.supervisor)
    assert APPROVE_FORM.search(boss.get(review).text)

    empty = post_form(boss, review, f"/messages/{message_id}/reject", comment="  ")
    assert empty.status_code == 400 and 'role="alert"' in empty.text
    assert message(server, message_id).state == MessageState.PENDING_APPROVAL

    comment = "申込み開始日は<b>来月15日</b>です。修正してください。"
    rejected = post_form(boss, review, f"/messages/{message_id}/reject", comment=comment)
    assert rejected.status_code == 303
    assert message(server, message_id).state == MessageState.REJECTED

    author = signed_in(server, world.own.staff)
    page = author.get(f"/messages/{message_id}/edit")
    assert page.status_code == 200
    assert "申込み開始日は&lt;b&gt;来月15日&lt;/b&gt;です。修正してください。" in page.text
    assert "<b>来月15日</b>" not in page.text


def test_queue_is_oldest_first_and_viewing_a_message_is_audited(
    server: LiveServer, world: World
) -> None:
    first = submitted_reply(server, world, world.own.staff)
    second = submitted_reply(server, world, world.own.staff2, body=CLEAN + "（2件目）")
    boss = signed_in(server, world.own.supervisor)
    queue = boss.get(f"/departments/{world.own.id}/approvals")
    assert queue.status_code == 200
    assert queue.text.index(f"/messages/{first}/review") < queue.text.index(
        f"/messages/{second}/review"
    )
    assert "taro.yamada@example.jp" in queue.text and world.own.staff2 in queue.text
    # Staff have no queue.
    staff = signed_in(server, world.own.staff)
    assert staff.get(f"/departments/{world.own.id}/approvals").status_code == 404

    page = boss.get(f"/messages/{second}/review")
    version = (message(server, second).policy_report or {})["policy_version"]
    assert version and html.escape(version) in page.text
    assert CLEAN + "（2件目）" in page.text and "taro.yamada@example.jp" in page.text
    with server.session() as session:
        views = session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "message.view", AuditEvent.object_id == str(second))
            .order_by(col(AuditEvent.id))
        ).all()
    assert [v.actor for v in views] == [world.own.supervisor]


def test_another_department_gets_404_for_every_approval_url(
    server: LiveServer, world: World
) -> None:
    message_id = submitted_reply(server, world, world.own.staff)
    for username in (world.other.staff, world.other.supervisor):
        other = signed_in(server, username)
        token = csrf_of(other.get("/account").text)
        assert other.get(f"/departments/{world.own.id}/approvals").status_code == 404
        assert other.get(f"/messages/{message_id}/review").status_code == 404
        for action in ("approve", "reject", "withdraw"):
            response = other.post(
                f"/messages/{message_id}/{action}",
                data={"csrf_token": token, "comment": "ok"},
            )
            assert response.status_code == 404, (username, action)
    assert message(server, message_id).state == MessageState.PENDING_APPROVAL
    # Without the CSRF token even the right supervisor is refused.
    boss = signed_in(server, world.own.supervisor)
    assert boss.post(f"/messages/{message_id}/approve", data={}).status_code == 403
    assert message(server, message_id).state == MessageState.PENDING_APPROVAL
