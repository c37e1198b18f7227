"""The department inbox over a live server: listing, filters, keyset paging, Japanese search."""

from __future__ import annotations

import re
from html import unescape

import httpx
from sqlmodel import col, select

from mailgate.localtime import format_local
from mailgate.models import AuditEvent, Message, Thread
from tests.web.harness import (
    LiveServer,
    World,
    csrf_of,
    deliver,
    resident_mail,
    resident_writes,
    signed_in,
)

THREAD_LINK = re.compile(r'<a href="/threads/(\d+)">')


def mail_from(server: LiveServer, world: World, n: int, **fields: str) -> int:
    """Deliver one resident mail (a new thread per sender); returns the thread id."""
    fields.setdefault("sender", f"resident{n}@example.jp")
    fields.setdefault("name", f"住民 {n}")
    fields.setdefault("subject", f"問い合わせ {n}")
    return resident_writes(server, world.own, **fields).thread_id


def thread_ids(html: str) -> list[int]:
    return [int(i) for i in THREAD_LINK.findall(html)]


def older_link(html: str) -> str | None:
    match = re.search(r'<a href="([^"]+)" rel="next">', html)
    return unescape(match.group(1)) if match else None


def assign(client: httpx.Client, thread_id: int, user_id: str) -> None:
    token = csrf_of(client.get(f"/threads/{thread_id}").text)
    response = client.post(
        f"/threads/{thread_id}/assign", data={"csrf_token": token, "user_id": user_id}
    )
    assert response.status_code == 303, response.text


def test_inbox_lists_delivered_mail_newest_first_as_new(server: LiveServer, world: World) -> None:
    first = mail_from(server, world, 1, subject="ごみの収集日について")
    second = mail_from(server, world, 2, subject="保育園の入園について", name="山田 太郎")
    client = signed_in(server, world.own.staff)

    page = client.get(f"/departments/{world.own.id}/inbox")
    assert page.status_code == 200
    assert thread_ids(page.text) == [second, first]  # newest first
    text = page.text
    assert "保育園の入園について" in text and "ごみの収集日について" in text
    assert "山田 太郎" in text and "resident2@example.jp" in text
    assert text.count('class="state state-new"') == 2 and "新着" in text
    assert f'href="/departments/{world.own.id}/compose"' in text
    # The correspondent links to the history; times are shown in Japan time.
    assert f'href="/departments/{world.own.id}/counterparts/resident2@example.jp"' in text
    with server.session() as session:
        thread = session.get(Thread, second)
        assert thread is not None
        assert format_local(thread.last_message_at) in text
        assert thread.last_message_at.utcoffset() is not None


def test_filters_by_state_and_assignee(server: LiveServer, world: World) -> None:
    mine = mail_from(server, world, 1)
    colleagues = mail_from(server, world, 2)
    nobodys = mail_from(server, world, 3)
    client = signed_in(server, world.own.staff)
    assign(client, mine, "me")
    assign(client, colleagues, str(world.user_ids[world.own.staff2]))
    inbox = f"/departments/{world.own.id}/inbox"

    assert thread_ids(client.get(f"{inbox}?assignee=me").text) == [mine]
    assert thread_ids(client.get(f"{inbox}?assignee=none").text) == [nobodys]
    staff2 = world.user_ids[world.own.staff2]
    assert thread_ids(client.get(f"{inbox}?assignee={staff2}").text) == [colleagues]
    assert thread_ids(client.get(f"{inbox}?state=new").text) == [nobodys]
    assert thread_ids(client.get(f"{inbox}?state=in_progress").text) == [colleagues, mine]
    assert thread_ids(client.get(f"{inbox}?state=done").text) == []
    # Someone of another department is no filter value here: ignored, everything shown.
    other = world.user_ids[world.other.staff]
    assert len(thread_ids(client.get(f"{inbox}?assignee={other}").text)) == 3
    # The handler's name shows in the list.
    assert world.own.staff2 in client.get(f"{inbox}?state=in_progress").text


def test_keyset_paging_walks_every_thread_once(server: LiveServer, world: World) -> None:
    server.app.state.settings.web.page_size = 5
    created = [mail_from(server, world, n) for n in range(12)]
    client = signed_in(server, world.own.staff)
    seen: list[int] = []
    url: str | None = f"/departments/{world.own.id}/inbox"
    pages = 0
    while url:
        page = client.get(url)
        assert page.status_code == 200
        ids = thread_ids(page.text)
        assert len(ids) <= 5
        seen += ids
        pages += 1
        url = older_link(page.text)
        if url:
            assert "before=" in url
    assert pages == 3
    assert seen == sorted(created, reverse=True)
    # A cursor that makes no sense is the first page, not an error.
    assert client.get(f"/departments/{world.own.id}/inbox?before=garbage").status_code == 200


def test_japanese_substring_search_of_three_and_two_characters(
    server: LiveServer, world: World
) -> None:
    hit = mail_from(
        server,
        world,
        1,
        subject="入園の相談",
        body="来年4月から近くの保育園に入れたいと考えています。",
    )
    mail_from(server, world, 2, subject="粗大ごみ", body="粗大ごみの出し方を教えてください。")
    client = signed_in(server, world.own.staff)
    inbox = f"/departments/{world.own.id}/inbox"
    for query in ("保育園", "保育"):
        page = client.get(inbox, params={"q": query})
        assert page.status_code == 200
        assert thread_ids(page.text) == [], "search lists messages, not the thread table"
        links = re.findall(r'href="/threads/(\d+)#m\d+"', page.text)
        assert links == [str(hit)], query
        assert "近くの保育園に入れたい" in page.text  # the snippet
        assert "粗大ごみ" not in page.text.split("<table", 1)[1]
    assert "該当するメールはありません" in client.get(inbox, params={"q": "住民票"}).text
    with server.session() as session:
        searches = session.exec(
            select(AuditEvent).where(AuditEvent.action == "mailbox.search")
        ).all()
        assert len(searches) == 2 and searches[0].actor == world.own.staff


def test_search_stays_inside_the_department(server: LiveServer, world: World) -> None:
    deliver(
        server.engine,
        world.other.id,
        resident_mail(to=world.other.address, body="保育園の件で環境保全課に連絡します。"),
        world.other.address,
    )
    client = signed_in(server, world.own.staff)
    page = client.get(f"/departments/{world.own.id}/inbox", params={"q": "保育園"})
    assert "環境保全課に連絡" not in page.text
    # The other department's inbox itself is not there at all.
    assert client.get(f"/departments/{world.other.id}/inbox").status_code == 404
    assert client.get(f"/departments/{world.other.id}/inbox?q=保育園").status_code == 404


def test_counterpart_history_lists_messages_in_and_out_with_decisions(
    server: LiveServer, world: World
) -> None:
    from mailgate.models import User
    from mailgate.workflow import approvals, drafts

    thread_id = mail_from(server, world, 1, sender="hanako@example.jp", subject="公園の利用")
    second = mail_from(
        server, world, 2, sender="hanako@example.jp", subject="別件：図書館", body="別の質問です。"
    )
    mail_from(server, world, 3, sender="someone.else@example.jp")
    gate = server.app.state.gate
    with server.session() as session:
        thread = session.get(Thread, thread_id)
        author = session.exec(select(User).where(User.username == world.own.staff)).one()
        boss = session.exec(select(User).where(User.username == world.own.supervisor)).one()
        assert thread is not None
        reply = drafts.start_reply(
            session,
            thread=thread,
            author=author,
            mail_domain="example.jp",
            body="ご連絡ありがとうございます。公園は午前9時から利用できます。",
        )
        verdict = drafts.submit(session, gate, reply, actor=author, secret="s")
        assert not verdict.blocked, verdict.to_dict()
        approvals.approve(session, reply, actor=boss, comment="問題ありません")
        session.commit()
        reply_id = reply.id

    client = signed_in(server, world.own.staff2)
    page = client.get(f"/departments/{world.own.id}/counterparts/hanako%40example.jp")
    assert page.status_code == 200, page.text
    text = page.text
    rows = re.findall(r'href="/threads/(\d+)#m(\d+)"', text)
    # Newest first: the reply, the second mail, the first mail; nothing of someone else.
    with server.session() as session:
        ids = [
            m.id
            for m in session.exec(
                select(Message)
                .where(col(Message.from_address).in_(["hanako@example.jp"]))
                .order_by(col(Message.id).desc())
            )
        ]
    assert [int(m) for _, m in rows] == [reply_id, *ids]
    assert {int(t) for t, _ in rows} == {thread_id, second}
    assert "当課からの返信" in text and "受信" in text
    assert "承認" in text and world.own.supervisor in text and "問題ありません" in text
    assert world.own.staff in text  # the author
    assert "someone.else" not in text
    # An address the department never wrote with is not there.
    assert (
        client.get(f"/departments/{world.own.id}/counterparts/nobody%40example.jp").status_code
        == 404
    )


def test_counterpart_history_pages_with_before(server: LiveServer, world: World) -> None:
    server.app.state.settings.web.page_size = 5
    for n in range(7):
        mail_from(server, world, n, sender="many@example.jp", subject=f"件名{n}")
    client = signed_in(server, world.own.staff)
    first = client.get(f"/departments/{world.own.id}/counterparts/many@example.jp")
    assert first.status_code == 200
    ids = re.findall(r'#m(\d+)"', first.text)
    assert len(ids) == 5
    older = older_link(first.text)
    assert older and f"before={ids[-1]}" in older
    rest = re.findall(r'#m(\d+)"', client.get(older).text)
    assert len(rest) == 2 and max(int(i) for i in rest) < min(int(i) for i in ids)


def test_another_departments_history_is_not_found(server: LiveServer, world: World) -> None:
    mail_from(server, world, 1, sender="hanako@example.jp")
    outsider = signed_in(server, world.other.staff)
    assert (
        outsider.get(f"/departments/{world.own.id}/counterparts/hanako%40example.jp").status_code
        == 404
    )
    # Their own department never wrote with this address either.
    assert (
        outsider.get(f"/departments/{world.other.id}/counterparts/hanako%40example.jp").status_code
        == 404
    )
