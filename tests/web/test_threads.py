"""The thread view over a live server: messages in order, handling a thread, attachments."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from sqlmodel import Session, col, select

from mailgate.config import EXAMPLE_E_APPLICATION_URL
from mailgate.mail.application_notice import (
    application_reply_text,
    looks_like_application,
    phrase_set,
)
from mailgate.models import Attachment, AuditEvent, Message, Thread, User
from mailgate.resources import data_dir
from mailgate.web.routes.threads import content_disposition, safe_filename
from mailgate.workflow import drafts
from tests.web.harness import (
    LiveServer,
    World,
    csrf_of,
    deliver,
    resident_mail,
    resident_writes,
    signed_in,
)


def resident_thread(server: LiveServer, world: World, **fields: object) -> tuple[int, int]:
    """(thread id, message id) of a resident's mail to kosodate."""
    message = resident_writes(server, world.own, **fields)
    return message.thread_id, message.id or 0


def thread_row(server: LiveServer, thread_id: int) -> Thread:
    with server.session() as session:
        thread = session.get(Thread, thread_id)
        assert thread is not None
        return thread


def events(server: LiveServer, action: str) -> list[AuditEvent]:
    with server.session() as session:
        return list(
            session.exec(
                select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
            )
        )


def user(session: Session, username: str) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def post(client: httpx.Client, thread_id: int, action: str, **data: str) -> int:
    token = csrf_of(client.get(f"/threads/{thread_id}").text)
    response = client.post(f"/threads/{thread_id}/{action}", data={"csrf_token": token, **data})
    return response.status_code


def test_thread_shows_messages_in_order_and_the_view_is_audited(
    server: LiveServer, world: World
) -> None:
    thread_id, first = resident_thread(server, world)
    with server.session() as session:
        thread = session.get(Thread, thread_id)
        assert thread is not None
        draft = drafts.start_reply(
            session,
            thread=thread,
            author=user(session, world.own.staff),
            mail_domain="example.jp",
            body="返信の下書きです。",
        )
        session.commit()
        draft_id = draft.id
    with server.session() as session:
        header = session.get(Message, first)
        assert header is not None
        in_reply_to = header.message_id_header
    third = deliver(
        server.engine,
        world.own.id,
        resident_mail(
            to=world.own.address,
            subject="Re: 保育園の入園について",
            body="追加の質問です。",
            in_reply_to=in_reply_to,
        ),
        world.own.address,
    )
    client = signed_in(server, world.own.staff2)
    page = client.get(f"/threads/{thread_id}")
    assert page.status_code == 200
    order = [int(m) for m in re.findall(r'<article class="message \w+" id="m(\d+)"', page.text)]
    assert order == [first, draft_id, third]
    text = page.text
    assert "来年4月からの保育園入園について教えてください。" in text
    assert "山田 太郎" in text and "taro.yamada@example.jp" in text
    assert "返信の下書きです。" in text and "下書き" in text
    assert f'href="/messages/{draft_id}/edit"' in text  # a draft can be edited
    assert f'href="/threads/{thread_id}/reply"' in text
    assert f'href="/departments/{world.own.id}/counterparts/taro.yamada@example.jp"' in text
    views = events(server, "thread.view")
    assert len(views) == 1
    assert views[0].actor == world.own.staff2 and views[0].object_type == "thread"
    assert views[0].object_id == str(thread_id)
    assert views[0].details["messages"] == [first, draft_id, third]


def test_pending_reply_links_to_review_and_shows_the_approval(
    server: LiveServer, world: World
) -> None:
    from mailgate.workflow import approvals

    thread_id, _ = resident_thread(server, world)
    gate = server.app.state.gate
    with server.session() as session:
        thread = session.get(Thread, thread_id)
        assert thread is not None
        author = user(session, world.own.staff)
        pending = drafts.start_reply(
            session,
            thread=thread,
            author=author,
            mail_domain="example.jp",
            body="お問い合わせありがとうございます。入園の案内を市のウェブサイトに掲載しています。",
        )
        assert not drafts.submit(session, gate, pending, actor=author, secret="s").blocked
        approved = drafts.start_reply(
            session,
            thread=thread,
            author=author,
            mail_domain="example.jp",
            body="担当からご連絡いたします。",
        )
        assert not drafts.submit(session, gate, approved, actor=author, secret="s").blocked
        approvals.approve(
            session, approved, actor=user(session, world.own.supervisor), comment="了解です"
        )
        session.commit()
        pending_id, approved_id = pending.id, approved.id
    page = signed_in(server, world.own.staff).get(f"/threads/{thread_id}").text
    assert f'href="/messages/{pending_id}/review"' in page
    assert f'href="/messages/{approved_id}/edit"' not in page
    assert f'href="/messages/{pending_id}/edit"' not in page
    assert "承認待ち" in page and "承認済み（送信待ち）" in page
    assert "了解です" in page and world.own.supervisor in page
    assert "送信状況" in page  # the delivery row of the approved reply


def test_assign_done_and_reopen(server: LiveServer, world: World) -> None:
    thread_id, _ = resident_thread(server, world)
    client = signed_in(server, world.own.staff)
    assert thread_row(server, thread_id).state == "new"

    assert post(client, thread_id, "assign", user_id="me") == 303
    thread = thread_row(server, thread_id)
    assert thread.assignee_id == world.user_ids[world.own.staff]
    assert thread.state == "in_progress"

    boss = world.user_ids[world.own.supervisor]
    assert post(client, thread_id, "assign", user_id=str(boss)) == 303
    assert thread_row(server, thread_id).assignee_id == boss
    page = client.get(f"/threads/{thread_id}?notice=assigned").text
    assert "担当者を変更しました" in page
    assert re.search(rf'<option value="{boss}" selected>', page)

    # Only members of the thread's department can be given it.
    outsider = world.user_ids[world.other.staff]
    assert post(client, thread_id, "assign", user_id=str(outsider)) == 409
    assert post(client, thread_id, "assign", user_id="not a number") == 409
    assert thread_row(server, thread_id).assignee_id == boss

    assert post(client, thread_id, "done") == 303
    thread = thread_row(server, thread_id)
    assert (thread.status, thread.state) == ("done", "done")
    assert post(client, thread_id, "done") == 409
    page = client.get(f"/threads/{thread_id}").text
    assert f'action="/threads/{thread_id}/reopen"' in page
    assert "完了" in page

    assert post(client, thread_id, "reopen") == 303
    thread = thread_row(server, thread_id)
    assert (thread.status, thread.state) == ("open", "in_progress")

    assert post(client, thread_id, "assign", user_id="none") == 303
    assert thread_row(server, thread_id).assignee_id is None
    assert thread_row(server, thread_id).state == "new"

    actions = [e.action for e in events(server, "thread.assign")]
    assert len(actions) == 3
    assert len(events(server, "thread.done")) == 1 and len(events(server, "thread.reopen")) == 1
    done = events(server, "thread.done")[0]
    assert done.actor == world.own.staff and done.department_id == world.own.id


def test_thread_actions_need_the_csrf_token(server: LiveServer, world: World) -> None:
    thread_id, _ = resident_thread(server, world)
    client = signed_in(server, world.own.staff)
    assert client.post(f"/threads/{thread_id}/done", data={}).status_code == 403
    assert client.post(f"/threads/{thread_id}/assign", data={"user_id": "me"}).status_code == 403
    assert thread_row(server, thread_id).status == "open"


def test_attachment_download_is_a_safe_attachment_and_audited(
    server: LiveServer, world: World
) -> None:
    html_payload = b"<html><script>alert(1)</script></html>"
    thread_id, message_id = resident_thread(
        server,
        world,
        attachments=[
            ("入園申込書 2025.pdf", "application/pdf", b"%PDF-1.4 test"),
            ("page.html", "text/html", html_payload),
        ],
    )
    with server.session() as session:
        found = list(
            session.exec(
                select(Attachment)
                .where(Attachment.message_pk == message_id)
                .order_by(col(Attachment.id))
            )
        )
    pdf, page_html = found
    client = signed_in(server, world.own.staff)
    thread = client.get(f"/threads/{thread_id}").text
    assert f'href="/attachments/{pdf.id}"' in thread and "入園申込書 2025.pdf" in thread

    response = client.get(f"/attachments/{pdf.id}")
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 test"
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["x-content-type-options"] == "nosniff"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert disposition.isascii()
    assert 'filename="' in disposition
    encoded = re.search(r"filename\*=UTF-8''(\S+)", disposition)
    assert encoded and unquote(encoded.group(1)) == "入園申込書 2025.pdf"

    # An HTML attachment is never rendered by the browser.
    response = client.get(f"/attachments/{page_html.id}")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"] == 'attachment; filename="page.html"'

    downloads = events(server, "attachment.download")
    assert [e.object_id for e in downloads] == [str(pdf.id), str(page_html.id)]
    assert downloads[0].actor == world.own.staff


@pytest.mark.parametrize(
    ("name", "ascii_name", "full"),
    [
        ("report.pdf", "report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd", "passwd"),
        ("C:\\Users\\x\\evil.exe", "evil.exe", "evil.exe"),
        ('a"b;c\r\nContent-Type: text/html.txt', "a_b_c_Content-Type_ text_html.txt", None),
        ("申請書.pdf", "attachment.pdf", "申請書.pdf"),
        ("\u202egnp.exe", "gnp.exe", "gnp.exe"),
        ("", "attachment", "attachment"),
        ("...", "attachment", "attachment"),
    ],
)
def test_safe_filename(name: str, ascii_name: str, full: str | None) -> None:
    got_ascii, got_full = safe_filename(name)
    assert got_ascii.isascii()
    assert not re.search(r'[\x00-\x1f\x7f"\\/;]', got_ascii + got_full)
    assert "\u202e" not in got_full
    if full is not None:
        assert (got_ascii, got_full) == (ascii_name, full)
    header = content_disposition(name)
    assert header.isascii() and "\r" not in header and "\n" not in header


def test_another_departments_thread_and_attachment_are_not_found(
    server: LiveServer, world: World
) -> None:
    thread_id, message_id = resident_thread(
        server, world, attachments=[("申請書.txt", "text/plain", "秘密".encode())]
    )
    with server.session() as session:
        attachment = session.exec(
            select(Attachment).where(Attachment.message_pk == message_id)
        ).one()
    outsider = signed_in(server, world.other.staff)
    token = csrf_of(outsider.get("/account").text)
    assert outsider.get(f"/threads/{thread_id}").status_code == 404
    assert outsider.get(f"/attachments/{attachment.id}").status_code == 404
    for action, data in (("assign", {"user_id": "me"}), ("done", {}), ("reopen", {})):
        response = outsider.post(
            f"/threads/{thread_id}/{action}", data={"csrf_token": token, **data}
        )
        assert response.status_code == 404, action
    # The same answer as for something that does not exist at all.
    assert outsider.get("/threads/999999").status_code == 404
    assert outsider.get("/attachments/999999").status_code == 404
    thread = thread_row(server, thread_id)
    assert thread.assignee_id is None and thread.status == "open"
    assert events(server, "thread.view") == [] and events(server, "attachment.download") == []


def test_mail_that_looks_like_an_application_shows_the_banner(
    server: LiveServer, world: World
) -> None:
    application, _ = resident_thread(
        server,
        world,
        sender="applicant@example.jp",
        subject="児童手当の申請",
        body="児童手当を申請します。申請書を添付しますので、受理をお願いします。",
    )
    question, _ = resident_thread(server, world)
    client = signed_in(server, world.own.staff)
    page = client.get(f"/threads/{application}").text
    assert "申請・届出の可能性があります" in page
    assert f'href="/threads/{application}/reply?template=application"' in page
    plain = client.get(f"/threads/{question}").text
    assert "申請・届出の可能性があります" not in plain
    assert "template=application" not in plain


def test_application_detection_and_reply_text(server: LiveServer) -> None:
    assert looks_like_application("転入届", "来月転入しますので転入届を提出します。")
    assert looks_like_application("入園", "保育園の入園を申し込みたいです。")
    assert looks_like_application("Application", "I would like to apply for the nursery school.")
    assert not looks_like_application("質問", "申請方法を教えてください。")
    assert not looks_like_application("Re: 申請", "> 申請します\nありがとうございました。")
    assert not looks_like_application("ごみ", "粗大ごみの出し方を教えてください。")
    for lang in ("ja", "en"):
        text = application_reply_text(lang, EXAMPLE_E_APPLICATION_URL)
        assert EXAMPLE_E_APPLICATION_URL in text
    assert "無効" in application_reply_text("ja", EXAMPLE_E_APPLICATION_URL)
    # The ready reply guides to the e-application service: the policy lets it pass.
    from mailgate.policy.chain import check
    from mailgate.policy.mail import OutgoingMail

    for lang in ("ja", "en"):
        verdict = check(
            server.app.state.gate.policy,
            OutgoingMail(
                subject="Re: 児童手当の申請",
                body=application_reply_text(lang, EXAMPLE_E_APPLICATION_URL),
                sender="kosodate@example.jp",
                to=["applicant@example.jp"],
            ),
        )
        assert not verdict.blocked, (lang, verdict.to_dict())


def test_the_policy_can_supply_its_own_inbound_phrases(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("", encoding="utf-8")
    (tmp_path / "dictionaries").mkdir()
    (tmp_path / "dictionaries" / "application_inbound.txt").write_text(
        "# the security team's own list\n粗大ごみ(?:を)?出します\n", encoding="utf-8"
    )
    body = "明日、粗大ごみを出します。"
    assert not looks_like_application("連絡", body)
    assert looks_like_application("連絡", body, policy)
    assert not looks_like_application("転入届", "転入届を提出します。", policy)
    # Without a list of its own, the banner uses the file shipped with the default policy.
    shipped = data_dir("policies")
    assert phrase_set() is phrase_set(shipped / "default.toml")
    assert (shipped / "dictionaries" / "application_inbound.txt").is_file()
