"""The security officers' blocked log: list, filters, detail, CSV and the audited reveal.

Blocked events are made the real way: a staff reply with a My Number goes through
drafts.submit and the real policy gate. The number must never appear in the log's
pages or its CSV; only the audited reveal shows the draft.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlmodel import col, select

from mailgate.localtime import local_date, today
from mailgate.models import AuditEvent, BlockedEvent, Message, MessageState, User
from mailgate.workflow import drafts
from tests.web.harness import (
    LiveServer,
    World,
    form_token,
    resident_writes,
    signed_in,
    submit_reply,
)

# A valid My Number (check digit 8), and the forms it could be shown in.
MY_NUMBER = "123456789018"
NUMBER_FORMS = (MY_NUMBER, "1234 5678 9018", "1234-5678-9018", "123456789")
BODY = "山田様\n\nご依頼の件、マイナンバーは " + MY_NUMBER + " と伺っております。\n\n子育て支援課"


def block_a_reply(
    server: LiveServer, world: World, dept: str = "kosodate", body: str = BODY
) -> int:
    """A resident writes in; staff reply with `body`; the real gate blocks it. Returns event id."""
    d = world.depts[dept]
    inbound = resident_writes(server, d)
    draft = submit_reply(server, inbound.thread_id, world.user_ids[d.staff], body)
    assert draft.state == MessageState.BLOCKED
    with server.session() as session:
        event = session.exec(select(BlockedEvent).where(BlockedEvent.message_pk == draft.id)).one()
        return event.id or 0


def assert_no_number(text: str) -> None:
    for form in NUMBER_FORMS:
        assert form not in text, f"{form!r} leaked"


def test_officer_sees_the_event_in_the_list_and_detail_without_the_number(
    server: LiveServer, world: World
) -> None:
    event_id = block_a_reply(server, world)
    officer = signed_in(server, world.officer)
    page = officer.get("/security/blocked")
    assert page.status_code == 200
    html = page.text
    assert f'href="/security/blocked/{event_id}"' in html
    assert "子育て支援課" in html and world.own.staff in html
    assert "個人情報" in html and "マイナンバー" in html
    assert 'src="/security/chart.svg' in html
    assert_no_number(html)

    detail = officer.get(f"/security/blocked/{event_id}")
    assert detail.status_code == 200
    with server.session() as session:
        event = session.get(BlockedEvent, event_id)
        assert event is not None
        finding = next(f for f in event.findings if f["entity_type"] == "JP_MY_NUMBER")
    assert "＊＊＊＊" in finding["excerpt"] and finding["excerpt"] in detail.text
    assert finding["text_hash"][:12] in detail.text
    assert finding["text_hash"] not in detail.text  # only the first 12 characters
    assert f"{finding['start']}–{finding['end']}" in detail.text
    assert "マイナンバー" in detail.text and "personal_data" in detail.text
    assert_no_number(detail.text)
    assert "ご依頼の件" not in detail.text  # the draft body stays in the mailbox
    assert f'action="/security/blocked/{event_id}/reveal"' in detail.text

    english = officer.get(f"/security/blocked/{event_id}", headers={"Accept-Language": "en"})
    assert "My Number" in english.text or "マイナンバー" in english.text


def test_filters_by_department_reason_and_date(server: LiveServer, world: World) -> None:
    own = block_a_reply(server, world, "kosodate")
    other = block_a_reply(
        server, world, "kankyo", body="ご依頼の件、個人番号 " + MY_NUMBER + " を確認しました。"
    )
    # The other department's block happened ten days ago.
    with server.session() as session:
        event = session.get(BlockedEvent, other)
        assert event is not None
        event.at = event.at - timedelta(days=10)
        session.add(event)
        session.commit()
        ten_days_ago = local_date(event.at)
    officer = signed_in(server, world.officer)

    def shown(query: str) -> set[int]:
        response = officer.get("/security/blocked" + query)
        assert response.status_code == 200
        return {e for e in (own, other) if f'href="/security/blocked/{e}"' in response.text}

    assert shown("") == {own, other}
    assert shown(f"?department={world.own.id}") == {own}
    assert shown(f"?department={world.other.id}") == {other}
    assert shown("?reason=personal_data") == {own, other}
    assert shown("?reason=bulk_send") == set()
    day = today()
    assert shown(f"?from={day.isoformat()}&to={day.isoformat()}") == {own}
    assert shown(f"?from={(day - timedelta(days=3)).isoformat()}") == {own}
    assert shown(f"?to={ten_days_ago.isoformat()}") == {other}
    assert shown(f"?from={ten_days_ago.isoformat()}&department={world.own.id}") == {own}
    # Nonsense filter values are named and ignored, never a crash.
    response = officer.get("/security/blocked?from=yesterday&reason=nope&department=x")
    assert response.status_code == 200 and 'role="alert"' in response.text


def test_keyset_paging(server: LiveServer, world: World) -> None:
    first = block_a_reply(server, world)
    with server.session() as session:
        template = session.get(BlockedEvent, first)
        assert template is not None
        # 55 more log rows (copies of the real one, one minute apart): two pages.
        for i in range(55):
            session.add(
                BlockedEvent(
                    at=template.at - timedelta(minutes=i + 1),
                    department_id=template.department_id,
                    message_pk=template.message_pk,
                    author_id=template.author_id,
                    reasons=template.reasons,
                    rules=template.rules,
                    entity_types=template.entity_types,
                    findings=template.findings,
                )
            )
        session.commit()
        ids = list(session.exec(select(BlockedEvent.id).order_by(col(BlockedEvent.at).desc())))
    officer = signed_in(server, world.officer)
    page1 = officer.get("/security/blocked").text
    assert f'href="/security/blocked/{ids[0]}"' in page1
    assert f'href="/security/blocked/{ids[49]}"' in page1
    assert f'href="/security/blocked/{ids[50]}"' not in page1
    older = re.search(r'href="(/security/blocked\?after=[^"]+)"', page1)
    assert older, "no link to older events"
    page2 = officer.get(older.group(1).replace("&amp;", "&")).text
    assert f'href="/security/blocked/{ids[50]}"' in page2
    assert f'href="/security/blocked/{ids[55]}"' in page2
    assert f'href="/security/blocked/{ids[49]}"' not in page2
    assert "?after=" not in page2.split('class="pager"')[1]


def test_csv_has_bom_no_number_and_no_formulas(server: LiveServer, world: World) -> None:
    event_id = block_a_reply(server, world)
    with server.session() as session:
        author = session.get(User, world.user_ids[world.own.staff])
        assert author is not None
        author.display_name = '=HYPERLINK("http://evil.example","x")'
        session.add(author)
        session.commit()
    officer = signed_in(server, world.officer)
    response = officer.get(f"/security/blocked.csv?department={world.own.id}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert_no_number(text)
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    header, row = rows
    assert header[0] == "日時" and len(row) == len(header)
    values = dict(zip(header, row, strict=True))
    assert values["課"] == "子育て支援課"
    assert values["作成者"].startswith("'=HYPERLINK")
    assert "個人情報" in values["理由"] and "マイナンバー" in values["検出された項目"]
    with server.session() as session:
        event = session.get(BlockedEvent, event_id)
        assert event is not None
        assert values["検出件数"] == str(len(event.findings))
        for finding in event.findings:
            if finding["excerpt"]:
                assert finding["excerpt"] in values["伏せ字の抜粋"]
            assert finding["text_hash"][:12] in values["ハッシュ"]
    # Another department's filter: the header only.
    other = officer.get(f"/security/blocked.csv?department={world.other.id}")
    assert len(list(csv.reader(io.StringIO(other.content.decode("utf-8-sig"))))) == 1


def test_reveal_needs_the_form_token_and_a_reason_and_is_audited(
    server: LiveServer, world: World
) -> None:
    event_id = block_a_reply(server, world)
    officer = signed_in(server, world.officer)
    url = f"/security/blocked/{event_id}/reveal"
    assert officer.get(url).status_code in (404, 405)  # no GET shows the draft

    def reveals() -> list[AuditEvent]:
        with server.session() as session:
            return list(
                session.exec(select(AuditEvent).where(AuditEvent.action == "message.reveal"))
            )

    refused = officer.post(url, data={"justification": "調査のため"})
    assert refused.status_code == 403
    token = form_token(officer, f"/security/blocked/{event_id}")
    blank = officer.post(url, data={"csrf_token": token, "justification": "   "})
    assert blank.status_code == 400 and 'role="alert"' in blank.text
    assert_no_number(blank.text)
    assert reveals() == []

    # The author fixes the draft meanwhile: the reveal shows the draft as it is now.
    with server.session() as session:
        event = session.get(BlockedEvent, event_id)
        assert event is not None
        message = session.get(Message, event.message_pk)
        editor = session.get(User, world.user_ids[world.own.staff])
        assert message is not None and editor is not None
        drafts.edit(
            session,
            message,
            editor=editor,
            data=drafts.DraftInput(
                to=message.to_addresses,
                subject=message.subject,
                body=BODY + "\n<script>alert(1)</script>",
            ),
        )
        session.commit()
    shown = officer.post(
        url, data={"csrf_token": token, "justification": "苦情対応の調査のため（件番号 42）"}
    )
    assert shown.status_code == 200
    assert MY_NUMBER in shown.text and "ご依頼の件" in shown.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown.text
    assert "<script>alert(1)" not in shown.text
    assert "taro.yamada@example.jp" in shown.text
    [audited] = reveals()
    assert audited.actor == world.officer and audited.actor_id == world.user_ids[world.officer]
    assert audited.details == {
        "blocked_event": event_id,
        "justification": "苦情対応の調査のため（件番号 42）",
    }
    assert audited.object_type == "message" and audited.department_id == world.own.id


def test_only_security_officers_reach_the_log(server: LiveServer, world: World) -> None:
    event_id = block_a_reply(server, world)
    paths = (
        "/security/blocked",
        "/security/blocked.csv",
        "/security/chart.svg",
        f"/security/blocked/{event_id}",
    )
    for username in (world.own.staff, world.own.supervisor, world.other.supervisor, world.admin):
        client = signed_in(server, username)
        for path in paths:
            assert client.get(path).status_code == 404, (username, path)
        token = form_token(client)
        response = client.post(
            f"/security/blocked/{event_id}/reveal",
            data={"csrf_token": token, "justification": "見たい"},
        )
        assert response.status_code == 404, username
        assert MY_NUMBER not in response.text
    anonymous = server.client()
    assert anonymous.get("/security/blocked").status_code == 303
    officer = signed_in(server, world.officer)
    assert officer.get("/security/blocked/999999").status_code == 404
