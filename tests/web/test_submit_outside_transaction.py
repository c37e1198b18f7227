"""Submit runs the policy check outside any transaction, and records it only for what it checked.

The check takes 0.1-0.5 s (seconds while the analyzer loads); on SQLite a transaction
holds the one write lock that SMTP reception needs, so the check must not run inside one.
The gate here is the real one with the real policy; it only does a second thing while the
verdict is computed, as another user or the mail listener would.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlmodel import select

from mailgate.db import make_engine, session_scope
from mailgate.models import Message, MessageState, Thread, User
from mailgate.policy.findings import Verdict
from mailgate.policy.mail import OutgoingMail
from mailgate.workflow import drafts
from mailgate.workflow.errors import DraftChangedError
from mailgate.workflow.policy_gate import PolicyGate
from tests.web.harness import (
    LiveServer,
    World,
    build_world,
    deliver,
    post_reply,
    resident_mail,
    signed_in,
    web_settings,
)


class MeanwhileGate(PolicyGate):
    """The real gate; `meanwhile` runs while the policy computes its verdict."""

    def __init__(self, real: PolicyGate, meanwhile: Callable[[], None]) -> None:
        super().__init__(real.policy)
        self.meanwhile = meanwhile

    def verdict(self, mail: OutgoingMail) -> Verdict:
        self.meanwhile()
        return super().verdict(mail)


def _draft(engine: Engine, world: World, body: str) -> tuple[int, int]:
    dept = world.own
    deliver(engine, dept.id, resident_mail(to=dept.address), dept.address)
    with session_scope(engine) as session:
        thread = session.exec(select(Thread).where(Thread.department_id == dept.id)).one()
        author = session.exec(select(User).where(User.username == dept.staff)).one()
        draft = drafts.start_reply(
            session, thread=thread, author=author, mail_domain="example.jp", body=body
        )
        return draft.id or 0, author.id or 0


def _submit(engine: Engine, gate: PolicyGate, draft_id: int, author_id: int) -> Verdict:
    with session_scope(engine) as session:
        draft = session.get(Message, draft_id)
        author = session.get(User, author_id)
        assert draft is not None and author is not None
        return drafts.submit(session, gate, draft, actor=author, secret="s")


def _impatient(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA busy_timeout = 200")


def test_others_can_write_while_the_policy_checks(
    engine: Engine, db_url: str, gate: PolicyGate
) -> None:
    world = build_world(engine)
    draft_id, author_id = _draft(engine, world, "公園は午前9時から利用できます。")
    written: list[int] = []

    def resident_mail_arrives() -> None:
        # Another connection files a mail; on SQLite it would wait for the write lock (and
        # give up after a short timeout) if the submit still held a transaction.
        other = make_engine(db_url)
        if other.dialect.name == "sqlite":
            event.listen(other, "connect", _impatient)
        try:
            written.append(
                deliver(
                    other,
                    world.own.id,
                    resident_mail(to=world.own.address, subject="別件", body="別の質問です。"),
                    world.own.address,
                )
            )
        finally:
            other.dispose()

    verdict = _submit(engine, MeanwhileGate(gate, resident_mail_arrives), draft_id, author_id)
    assert not verdict.blocked
    assert len(written) == 1
    with session_scope(engine) as session:
        draft = session.get(Message, draft_id)
        assert draft is not None and draft.state == MessageState.PENDING_APPROVAL
        assert session.get(Message, written[0]) is not None


def test_a_draft_edited_during_its_check_is_not_passed(engine: Engine, gate: PolicyGate) -> None:
    world = build_world(engine)
    draft_id, author_id = _draft(engine, world, "公園は午前9時から利用できます。")

    def colleague_edits() -> None:
        with session_scope(engine) as session:
            draft = session.get(Message, draft_id)
            editor = session.exec(select(User).where(User.username == world.own.staff2)).one()
            assert draft is not None
            drafts.edit(
                session,
                draft,
                editor=editor,
                data=drafts.DraftInput(
                    draft.to_addresses, [], draft.subject, "マイナンバーは123456789018です。"
                ),
            )

    with pytest.raises(DraftChangedError):
        _submit(engine, MeanwhileGate(gate, colleague_edits), draft_id, author_id)
    with session_scope(engine) as session:
        draft = session.get(Message, draft_id)
        assert draft is not None
        # The colleague's text is kept, unchecked: still a draft, never pending approval.
        assert draft.state == MessageState.DRAFT and "123456789018" in draft.text_body
        assert draft.policy_report is None


def test_the_form_says_so_when_the_draft_changed_during_its_check(
    tmp_path: Path, db_url: str, engine: Engine, gate: PolicyGate
) -> None:
    world = build_world(engine)
    deliver(engine, world.own.id, resident_mail(to=world.own.address), world.own.address)
    with session_scope(engine) as session:
        thread = session.exec(select(Thread).where(Thread.department_id == world.own.id)).one()
        thread_id = thread.id or 0

    def colleague_edits() -> None:
        with session_scope(engine) as session:
            draft = session.exec(select(Message).where(Message.direction == "outbound")).one()
            editor = session.exec(select(User).where(User.username == world.own.staff2)).one()
            drafts.edit(
                session,
                draft,
                editor=editor,
                data=drafts.DraftInput(draft.to_addresses, [], draft.subject, "書き直しました。"),
            )

    live = LiveServer(
        web_settings(tmp_path, db_url), engine, MeanwhileGate(gate, colleague_edits)
    ).start()
    try:
        client = signed_in(live, world.own.staff)
        response = post_reply(client, thread_id, "公園は午前9時から利用できます。")
        assert response.status_code == 303
        assert response.headers["location"].endswith("/edit?notice=changed")
        page = client.get(response.headers["location"])
        assert "確認中に下書きが変更されました" in page.text
        assert "書き直しました。" in page.text
    finally:
        live.stop()
    with session_scope(engine) as session:
        draft = session.exec(select(Message).where(Message.direction == "outbound")).one()
        assert draft.state == MessageState.DRAFT and draft.policy_report is None
