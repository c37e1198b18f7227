"""Compose and reply over a live server: drafts, the real policy gate, blocked drafts, templates."""

from __future__ import annotations

import json
import re

from markupsafe import escape
from sqlmodel import col, select

from mailgate.config import EXAMPLE_E_APPLICATION_URL as E_APPLICATION_URL
from mailgate.models import (
    AuditEvent,
    BlockedEvent,
    Message,
    MessageState,
    ReplyTemplate,
    Thread,
)
from tests.web.harness import (
    LiveServer,
    World,
    csrf_of,
    deliver,
    post_form,
    post_reply,
    resident_mail,
    resident_writes,
    signed_in,
)

MY_NUMBER = "123456789018"  # a valid check digit
LEAK = f"お問い合わせの件、鈴木一郎さんのマイナンバーは {MY_NUMBER} です。"


def resident_thread(server: LiveServer, world: World) -> int:
    return resident_writes(server, world.own).thread_id


def outbound(server: LiveServer, thread_id: int | None = None) -> list[Message]:
    with server.session() as session:
        query = select(Message).where(Message.direction == "outbound").order_by(col(Message.id))
        if thread_id is not None:
            query = query.where(Message.thread_id == thread_id)
        return list(session.exec(query))


def message(server: LiveServer, message_id: int) -> Message:
    with server.session() as session:
        found = session.get(Message, message_id)
        assert found is not None
        return found


def edit_values(found: Message, action: str) -> dict[str, str]:
    return {
        "to": ", ".join(found.to_addresses),
        "cc": ", ".join(found.cc_addresses),
        "subject": found.subject,
        "body": found.text_body,
        "action": action,
    }


def test_reply_with_a_my_number_is_blocked_highlighted_redacted_and_resubmitted(
    server: LiveServer, world: World
) -> None:
    thread_id = resident_thread(server, world)
    client = signed_in(server, world.own.staff)

    form = client.get(f"/threads/{thread_id}/reply")
    assert form.status_code == 200
    assert 'value="taro.yamada@example.jp"' in form.text
    assert "Re: 保育園の入園について" in form.text
    assert "&gt; 来年4月からの保育園入園について教えてください。" in form.text
    assert outbound(server) == []  # a GET creates nothing

    response = post_reply(client, thread_id, LEAK)
    assert response.status_code == 303
    [draft] = outbound(server, thread_id)
    assert response.headers["location"] == f"/messages/{draft.id}/edit"
    assert draft.state == MessageState.BLOCKED and draft.text_body == LEAK
    with server.session() as session:
        [event] = session.exec(select(BlockedEvent).where(BlockedEvent.message_pk == draft.id))
        assert "JP_MY_NUMBER" in event.entity_types
        assert MY_NUMBER not in json.dumps(event.model_dump(mode="json"), ensure_ascii=False)

    page = client.get(response.headers["location"])
    assert page.status_code == 200
    marks = re.findall(r'<mark class="finding" id="finding-(\d+)"[^>]*>([^<]*)</mark>', page.text)
    assert MY_NUMBER in [text for _, text in marks], marks
    number = next(n for n, text in marks if text == MY_NUMBER)
    finding = next(
        f for f in (draft.policy_report or {})["findings"] if f["entity_type"] == "JP_MY_NUMBER"
    )
    assert str(escape(finding["explanation_ja"])) in page.text
    assert f'<li id="finding-list-{number}">' in page.text
    english = client.get(response.headers["location"], headers={"Accept-Language": "en"})
    assert str(escape(finding["explanation_en"])) in english.text
    assert "My Number (individual number)" in english.text
    assert "/redact" in page.text

    redacted = post_form(client, f"/messages/{draft.id}/edit", f"/messages/{draft.id}/redact")
    assert redacted.status_code == 303
    assert redacted.headers["location"] == f"/messages/{draft.id}/edit?notice=redacted"
    fixed = message(server, draft.id or 0)
    assert MY_NUMBER not in fixed.text_body and fixed.state == MessageState.DRAFT
    assert fixed.text_body == (draft.policy_report or {})["masked_body"]
    page = client.get(redacted.headers["location"])
    assert "<mark" not in page.text and MY_NUMBER not in page.text

    submitted = post_form(
        client,
        f"/messages/{draft.id}/edit",
        f"/messages/{draft.id}/edit",
        **edit_values(fixed, "submit"),
    )
    assert submitted.status_code == 303, submitted.text
    assert submitted.headers["location"] == f"/threads/{thread_id}?notice=submitted"
    assert message(server, draft.id or 0).state == MessageState.PENDING_APPROVAL
    # A pending message is no longer editable: the edit page sends the author to the review.
    assert client.get(f"/messages/{draft.id}/edit").headers["location"] == (
        f"/messages/{draft.id}/review"
    )
    refused = post_form(
        client,
        f"/messages/{draft.id}/review",
        f"/messages/{draft.id}/edit",
        **edit_values(fixed, "save"),
    )
    assert refused.status_code == 409


def test_new_message_drafts_save_validate_and_reopen(server: LiveServer, world: World) -> None:
    client = signed_in(server, world.own.staff)
    page = f"/departments/{world.own.id}/compose"
    assert client.get(page).status_code == 200

    bad = post_form(
        client, page, page, to="not an address", subject="お知らせ", body="本文", action="save"
    )
    assert bad.status_code == 400
    assert 'role="alert"' in bad.text and "本文" in bad.text  # the text is kept
    assert outbound(server) == []

    saved = post_form(
        client,
        page,
        page,
        to="hanako@example.jp, jiro@example.jp",
        cc="boss@example.jp",
        subject="健診のお知らせ",
        body="来月の健診日程をお知らせします。",
        action="save",
    )
    assert saved.status_code == 303
    [draft] = outbound(server)
    assert saved.headers["location"] == f"/messages/{draft.id}/edit?notice=saved"
    assert draft.state == MessageState.DRAFT and draft.department_id == world.own.id
    assert draft.to_addresses == ["hanako@example.jp", "jiro@example.jp"]
    assert draft.cc_addresses == ["boss@example.jp"]
    with server.session() as session:
        thread = session.get(Thread, draft.thread_id)
        assert thread is not None and thread.subject == "健診のお知らせ"
        created = session.exec(
            select(AuditEvent).where(
                AuditEvent.action == "draft.create", AuditEvent.object_id == str(draft.id)
            )
        ).all()
        assert len(created) == 1

    edit = client.get(saved.headers["location"])
    assert edit.status_code == 200 and "来月の健診日程をお知らせします。" in edit.text
    changed = post_form(
        client,
        saved.headers["location"],
        f"/messages/{draft.id}/edit",
        to="hanako@example.jp",
        cc="",
        subject="健診のお知らせ（訂正）",
        body="来月の健診日程を改めてお知らせします。",
        action="save",
    )
    assert changed.status_code == 303
    again = message(server, draft.id or 0)
    assert again.to_addresses == ["hanako@example.jp"] and again.subject.endswith("（訂正）")


def test_templates_are_kept_by_supervisors_and_used_by_staff(
    server: LiveServer, world: World
) -> None:
    thread_id = resident_thread(server, world)
    boss = signed_in(server, world.own.supervisor)
    staff = signed_in(server, world.own.staff)
    listing = f"/departments/{world.own.id}/templates"

    # Staff see the list but cannot add, change or delete.
    assert staff.get(listing).status_code == 200
    refused = post_form(staff, listing, listing, name="受付", body="受け付けました。")
    assert refused.status_code == 404

    created = post_form(
        boss, listing, listing, name="受付のお知らせ", subject="受付", body="受け付けました。<b>"
    )
    assert created.status_code == 303
    with server.session() as session:
        [template] = session.exec(select(ReplyTemplate))
    assert template.department_id == world.own.id and template.name == "受付のお知らせ"
    assert "受付のお知らせ" in staff.get(listing).text
    assert post_form(boss, listing, listing, name="  ", body="x").status_code == 400

    # Staff insert it: the select carries the text for JavaScript, the GET link works without.
    reply = staff.get(f"/threads/{thread_id}/reply")
    assert 'data-template-target="body"' in reply.text
    assert 'data-body="受け付けました。&lt;b&gt;"' in reply.text
    prefilled = staff.get(f"/threads/{thread_id}/reply?template={template.id}")
    body = re.search(r'<textarea id="body"[^>]*>(.*?)</textarea>', prefilled.text, re.S)
    assert body and body.group(1).startswith("受け付けました。&lt;b&gt;\n\n")
    assert "&gt; 来年4月" in body.group(1)
    application = staff.get(f"/threads/{thread_id}/reply?template=application")
    assert E_APPLICATION_URL in application.text and "電子申請" in application.text
    compose = staff.get(f"/departments/{world.own.id}/compose?template={template.id}")
    assert 'name="subject" value="受付"' in compose.text
    assert staff.get(f"/threads/{thread_id}/reply?template=999999").status_code == 404

    # Edit and delete: supervisors only.
    edit = f"/templates/{template.id}/edit"
    assert staff.get(edit).status_code == 404
    assert post_form(staff, listing, edit, name="x", body="y").status_code == 404
    assert boss.get(edit).status_code == 200
    updated = post_form(boss, edit, edit, name="受付（改）", subject="", body="受理しました。")
    assert updated.status_code == 303
    with server.session() as session:
        changed = session.get(ReplyTemplate, template.id)
        assert changed is not None and changed.body == "受理しました。"
    assert post_form(staff, listing, f"/templates/{template.id}/delete").status_code == 404
    assert post_form(boss, listing, f"/templates/{template.id}/delete").status_code == 303
    with server.session() as session:
        assert session.exec(select(ReplyTemplate)).all() == []
        actions = session.exec(
            select(AuditEvent.action).where(AuditEvent.object_type == "reply_template")
        ).all()
    assert actions == ["template.create", "template.update", "template.delete"]


def test_another_department_gets_404_for_every_compose_url(
    server: LiveServer, world: World
) -> None:
    thread_id = resident_thread(server, world)
    author = signed_in(server, world.own.staff)
    saved = post_reply(author, thread_id, LEAK, subject="Re: 入園")
    assert saved.status_code == 303
    [draft] = outbound(server)
    with server.session() as session:
        template = ReplyTemplate(department_id=world.own.id, name="t", body="b")
        session.add(template)
        session.commit()
    for username in (world.other.staff, world.other.supervisor):
        other = signed_in(server, username)
        token = csrf_of(other.get("/account").text)
        gets = [
            f"/threads/{thread_id}/reply",
            f"/departments/{world.own.id}/compose",
            f"/messages/{draft.id}/edit",
            f"/departments/{world.own.id}/templates",
            f"/templates/{template.id}/edit",
        ]
        for url in gets:
            assert other.get(url).status_code == 404, (username, url)
        posts = [
            f"/threads/{thread_id}/reply",
            f"/departments/{world.own.id}/compose",
            f"/messages/{draft.id}/edit",
            f"/messages/{draft.id}/redact",
            f"/departments/{world.own.id}/templates",
            f"/templates/{template.id}/edit",
            f"/templates/{template.id}/delete",
        ]
        for url in posts:
            data = {"csrf_token": token, "to": "a@example.jp", "name": "n", "body": "b"}
            assert other.post(url, data=data).status_code == 404, (username, url)
        # Their own department's template id does not open kosodate's thread either.
        assert other.get(f"/threads/{thread_id}/reply?template={template.id}").status_code == 404
    assert message(server, draft.id or 0).text_body == LEAK
    with server.session() as session:
        assert session.get(ReplyTemplate, template.id) is not None


def test_forms_without_the_csrf_token_are_refused(server: LiveServer, world: World) -> None:
    thread_id = resident_thread(server, world)
    client = signed_in(server, world.own.staff)
    data = {"to": "taro.yamada@example.jp", "subject": "Re", "body": "x", "action": "save"}
    assert client.post(f"/threads/{thread_id}/reply", data=data).status_code == 403
    assert client.post(f"/departments/{world.own.id}/compose", data=data).status_code == 403
    forged = {**data, "csrf_token": "forged"}
    assert client.post(f"/threads/{thread_id}/reply", data=forged).status_code == 403
    assert outbound(server) == []


def test_hostile_subjects_and_bodies_are_escaped_on_every_compose_page(
    server: LiveServer, world: World
) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    message_id = deliver(
        server.engine,
        world.own.id,
        resident_mail(to=world.own.address, subject=f"相談 {hostile}", body=f"本文 {hostile}"),
        world.own.address,
    )
    thread_id = message(server, message_id).thread_id
    client = signed_in(server, world.own.staff)
    reply = client.get(f"/threads/{thread_id}/reply")
    assert reply.status_code == 200
    assert "<script>alert" not in reply.text and "<img src=x" not in reply.text
    assert "&lt;script&gt;alert" in reply.text
    response = post_form(
        client,
        f"/threads/{thread_id}/reply",
        f"/threads/{thread_id}/reply",
        to="taro.yamada@example.jp",
        subject=f"Re: {hostile}",
        body=f"{hostile} {MY_NUMBER}",
        action="submit",
    )
    assert response.status_code == 303
    for page in (response.headers["location"], f"/messages/{outbound(server)[0].id}/review"):
        text = client.get(page).text
        assert "<script>alert" not in text and "<img src=x" not in text, page
