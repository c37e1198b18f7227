"""The whole web inbox in a real browser, over real sockets (issue 4, "How it is checked").

A resident's mail arrives over SMTP at a running mailgate (smtp + web + worker
in one Service), a staff member answers it in Chromium with a third party's My
Number, the draft is blocked with the number highlighted, the staff member
redacts and submits it, the supervisor who wrote a draft of their own cannot
approve that one (no button; a forged POST is refused), approves the staff
member's, the relay sink receives the reply with the right In-Reply-To and
without the number, and the resident's answer lands in the same thread. A user
of another department gets 404 in the browser and from the API; the security
officer sees the blocked event. Screenshots of each page go to
tests/artifacts/screenshots/.
"""

from __future__ import annotations

from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage

from playwright.sync_api import Page, expect
from sqlmodel import col, select

from mailgate.models import Approval, Direction, Message, MessageState, Thread, User
from mailgate.web.sessions import create_token
from tests.web import browser as fixtures
from tests.web.browser import Pages, Stack, csrf_on, shot, wait_for
from tests.web.harness import resident_mail

# Fixtures from tests/web/browser.py (bound here so pytest finds them for this module).
browser = fixtures.browser
pages = fixtures.pages
stack = fixtures.stack

RESIDENT = "taro.yamada@example.jp"
SUBJECT = "保育園の入園について"
QUESTION = "来年4月からの保育園入園について教えてください。"
# A valid My Number (the check digit fits), belonging to a third party.
MY_NUMBER = "123456789018"
ANSWER = "ご回答ありがとうございました。書類をそろえて窓口に伺います。"
OTHER_MAIL = [
    ("hanako.sato@example.jp", "佐藤 花子", "児童手当の申請について"),
    ("k.tanaka@example.net", "田中 健", "一時保育の予約"),
]


def _parse(raw: bytes) -> EmailMessage:
    parsed = message_from_bytes(raw, policy=email_policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _text_of(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def _reload_until(page: Page, selector: str, *, timeout: float = 20.0, what: str) -> None:
    """Reload until selector is on the page: work done behind the page (filing, sending)."""

    def present() -> bool:
        page.reload()
        return page.locator(selector).count() > 0

    wait_for(present, timeout=timeout, what=what)


def _outbound(stack: Stack, author: str) -> Message | None:
    with stack.session() as session:
        return session.exec(
            select(Message)
            .where(
                Message.direction == Direction.OUTBOUND,
                Message.author_id == stack.world.user_ids[author],
            )
            .order_by(col(Message.id).desc())
        ).first()


def _message(stack: Stack, message_id: int) -> Message:
    with stack.session() as session:
        message = session.get(Message, message_id)
        assert message is not None
        return message


def test_resident_mail_is_answered_blocked_fixed_approved_sent_and_answered(
    stack: Stack, pages: Pages
) -> None:
    world = stack.world
    own = world.own

    # 1. A resident's mail arrives over SMTP (after two others, so the inbox is not trivial).
    for sender, name, subject in OTHER_MAIL:
        other_mail = resident_mail(to=own.address, sender=sender, name=name, subject=subject)
        stack.send_mail(other_mail, sender=sender, recipients=[own.address])
    incoming = resident_mail(to=own.address, sender=RESIDENT, subject=SUBJECT)
    resident_message_id = _parse(incoming)["Message-ID"]
    stack.send_mail(incoming, sender=RESIDENT, recipients=[own.address])

    # 2. The staff member signs in and finds it in the department's inbox.
    staff = pages()
    staff.goto("/login")
    expect(staff.locator("input[name=username]")).to_be_visible()
    shot(staff, "login")
    fixtures.sign_in(staff, own.staff)
    assert staff.url.endswith(f"/departments/{own.id}/inbox"), staff.url

    def filed_thread() -> int | None:
        """The worker files mail shortly after the 250: the thread id once all three are in."""
        with stack.session() as session:
            threads = session.exec(select(Thread).where(Thread.department_id == own.id)).all()
            ours = [t.id for t in threads if t.subject == SUBJECT]
            return ours[0] if len(threads) == 1 + len(OTHER_MAIL) and ours else None

    thread_id = wait_for(filed_thread, what="the residents' mail to be filed")
    thread_link = f"a[href='/threads/{thread_id}']"
    _reload_until(staff, thread_link, what="the thread in the inbox")
    expect(staff.locator(thread_link).first).to_contain_text(SUBJECT)
    shot(staff, "inbox")

    # 3. ... opens the thread and starts a reply.
    staff.locator(thread_link).first.click()
    staff.wait_for_url(f"**/threads/{thread_id}")
    expect(staff.locator("main")).to_contain_text(QUESTION)
    shot(staff, "thread")
    staff.locator(f"a[href='/threads/{thread_id}/reply']").first.click()
    staff.wait_for_url(f"**/threads/{thread_id}/reply")
    body = staff.locator("textarea[name=body]")
    quoted = body.input_value()
    assert QUESTION in quoted  # the resident's text is quoted below the reply
    body.fill(
        "山田 太郎 様\n\nお問い合わせありがとうございます。\n"
        f"鈴木一郎さんのマイナンバーは {MY_NUMBER} です。\n"
        "入園申込書は4月1日までにご提出ください。\n\n" + quoted
    )

    # 4. Submitting runs the policy check: blocked, the number highlighted in place.
    staff.locator("button[name=action][value=submit]").click()
    staff.wait_for_url("**/messages/*/edit")
    draft = _outbound(stack, own.staff)
    assert draft is not None and draft.state == MessageState.BLOCKED
    assert staff.url.endswith(f"/messages/{draft.id}/edit")
    finding = staff.locator("mark.finding").filter(has_text=MY_NUMBER)
    expect(finding).to_have_count(1)
    expect(finding).to_be_visible()
    shot(staff, "blocked-draft")

    # 5. One click applies the redaction suggestion; then the draft goes for approval.
    staff.locator(f"form[action='/messages/{draft.id}/redact'] button").click()
    staff.wait_for_url(f"**/messages/{draft.id}/edit?notice=redacted")
    fixed = staff.locator("textarea[name=body]").input_value()
    assert MY_NUMBER not in fixed and "入園申込書" in fixed
    staff.locator("button[name=action][value=submit]").click()
    staff.wait_for_url(f"**/threads/{thread_id}?notice=submitted")
    assert _message(stack, draft.id or 0).state == MessageState.PENDING_APPROVAL

    # 6. The supervisor writes a reply too: they cannot approve their own draft.
    boss = pages(own.supervisor)
    boss.goto(f"/threads/{thread_id}/reply")
    boss.locator("textarea[name=body]").fill(
        "山田 太郎 様\n\n担当より改めてご連絡いたします。\n\n子育て支援課"
    )
    boss.locator("button[name=action][value=submit]").click()
    boss.wait_for_url(f"**/threads/{thread_id}?notice=submitted")
    own_draft = _outbound(stack, own.supervisor)
    assert own_draft is not None and own_draft.state == MessageState.PENDING_APPROVAL
    boss.goto(f"/messages/{own_draft.id}/review")
    expect(boss.locator("main")).to_contain_text("担当より改めてご連絡いたします")
    expect(boss.locator(f"form[action='/messages/{own_draft.id}/approve']")).to_have_count(0)
    shot(boss, "approval-own-draft")
    forged = boss.request.post(
        f"/messages/{own_draft.id}/approve",
        form={"csrf_token": csrf_on(boss), "comment": "自分で承認"},
        max_redirects=0,
    )
    assert forged.status == 403, forged.status
    assert _message(stack, own_draft.id or 0).state == MessageState.PENDING_APPROVAL
    with stack.session() as session:
        assert not session.exec(select(Approval).where(Approval.message_pk == own_draft.id)).first()

    # 7. ... and approves the staff member's reply from the queue.
    boss.goto(f"/departments/{own.id}/approvals")
    review_link = boss.locator(f"a[href='/messages/{draft.id}/review']")
    expect(review_link.first).to_be_visible()
    shot(boss, "approval-queue")
    review_link.first.click()
    boss.wait_for_url(f"**/messages/{draft.id}/review")
    expect(boss.locator("main")).to_contain_text("入園申込書")
    expect(boss.locator("main")).not_to_contain_text(MY_NUMBER)
    shot(boss, "approval")
    boss.locator(f"form[action='/messages/{draft.id}/approve'] button[type=submit]").click()
    boss.wait_for_url(f"**/departments/{own.id}/approvals?notice=approved")

    # The relay sink receives exactly that reply, threaded to the resident's mail.
    (sent,) = wait_for(lambda: stack.sink.received, what="the reply at the relay")
    mail = _parse(sent.data)
    assert sent.rcpt_tos == [RESIDENT]
    assert mail["In-Reply-To"] == resident_message_id
    assert resident_message_id in str(mail["References"])
    text = _text_of(mail)
    assert "入園申込書" in text and MY_NUMBER not in text
    assert MY_NUMBER not in sent.data.decode("ascii", "replace")
    wait_for(
        lambda: _message(stack, draft.id or 0).state == MessageState.SENT,
        what="the reply to be marked sent",
    )

    # 8. The resident answers; the answer lands in the same thread.
    answer = resident_mail(
        to=own.address,
        sender=RESIDENT,
        subject=f"Re: {SUBJECT}",
        body=f"子育て支援課 御中\n\n{ANSWER}\n\n山田 太郎",
        in_reply_to=sent.message_id,
    )
    answer_message_id = _parse(answer)["Message-ID"]
    stack.send_mail(answer, sender=RESIDENT, recipients=[own.address])

    def answer_filed() -> Message | None:
        with stack.session() as session:
            return session.exec(
                select(Message).where(Message.message_id_header == answer_message_id)
            ).first()

    filed = wait_for(answer_filed, what="the resident's answer to be filed")
    assert filed.thread_id == thread_id
    staff.goto(f"/threads/{thread_id}")
    expect(staff.locator(f"article#m{filed.id}")).to_contain_text(ANSWER)
    reply = staff.locator(f"article#m{draft.id}")
    expect(reply).to_contain_text("入園申込書")
    expect(reply.locator(".state-sent").first).to_be_visible()  # the thread shows it was sent
    shot(staff, "thread-answered")

    # 9. Another department's staff: 404 in the browser and from the API.
    stranger = pages(world.other.staff)
    response = stranger.goto(f"/threads/{thread_id}")
    assert response is not None and response.status == 404
    expect(stranger.locator("main")).not_to_contain_text(SUBJECT)
    with stack.session() as session:
        tokens = {
            name: create_token(session, session.get(User, world.user_ids[name]), actor="test")  # type: ignore[arg-type]
            for name in (own.staff, world.other.staff)
        }
        session.commit()
    with stack.api(tokens[world.other.staff]) as api:
        assert api.get(f"/api/v1/threads/{thread_id}").status_code == 404
    with stack.api(tokens[own.staff]) as api:  # the same request works for the department
        mine = api.get(f"/api/v1/threads/{thread_id}")
        assert mine.status_code == 200 and mine.json()["subject"] == SUBJECT

    # 10. The security officer sees the blocked event, without the number itself.
    officer = pages(world.officer)
    officer.goto("/security/blocked")
    log = officer.locator("table.blocked tbody tr")
    expect(log).to_have_count(1)
    expect(log.first).to_contain_text("子育て支援課")
    expect(officer.locator("main")).not_to_contain_text(MY_NUMBER)
    shot(officer, "security-log", full_page=True)
    officer.goto("/audit")
    expect(officer.locator(".chain-status")).to_contain_text("改ざんなし")
    expect(officer.locator("table.audit")).to_contain_text("draft.blocked")
    expect(officer.locator("table.audit")).to_contain_text("message.approve_refused")
    shot(officer, "audit")

    # No page broke its Content-Security-Policy or threw a script error on the way.
    assert pages.problems == []
