"""Administration commands: API tokens, passwords, disabling, signature blocks, templates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import col, select

from mailgate.cli import cli
from mailgate.db import make_engine, session_scope
from mailgate.models import AuditEvent, Department, User
from mailgate.passwords import verify_password
from mailgate.web.sessions import token_user

PASSWORD = "correct horse battery"


@pytest.fixture
def run(db_url: str, tmp_path: Path):
    runner = CliRunner()
    env = {
        "MAILGATE_DATABASE_URL": db_url,
        "MAILGATE_DATA_DIR": str(tmp_path),
        "MAILGATE_CONFIG": "",
    }

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), env=env, input=input, catch_exceptions=False)

    assert invoke("db", "upgrade").exit_code == 0
    result = invoke(
        "dept", "add", "kosodate", "--name", "子育て支援課", "--address", "kosodate@example.lg.jp"
    )
    assert result.exit_code == 0, result.output
    result = invoke(
        "user",
        "add",
        "sato",
        "--role",
        "staff",
        "--department",
        "kosodate",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    return invoke


@pytest.fixture
def engine(db_url: str):
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _actions(engine) -> list[str]:
    with session_scope(engine) as session:
        return [e.action for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))]


def test_user_token_prints_a_working_bearer_token(run, engine) -> None:
    result = run("user", "token", "sato", "--name", "集計スクリプト")
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token.startswith("mgt_") and "\n" not in token
    with session_scope(engine) as session:
        user = token_user(session, token)
        assert user is not None and user.username == "sato"
        assert token_user(session, token + "x") is None
    assert run("user", "token", "sato").output.strip() != token  # a new one each time
    assert _actions(engine).count("token.create") == 2
    refused = run("user", "token", "nobody")
    assert refused.exit_code != 0 and "no user 'nobody'" in refused.output
    # Disabled: the token stops working and no new one is issued.
    assert run("user", "disable", "sato").exit_code == 0
    with session_scope(engine) as session:
        assert token_user(session, token) is None
    assert run("user", "token", "sato").exit_code != 0


def test_user_passwd_and_disable(run, engine) -> None:
    new = "a much longer passphrase"
    result = run("user", "passwd", "sato", "--password-stdin", input=new + "\n")
    assert result.exit_code == 0, result.output
    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.username == "sato")).one()
        assert verify_password(user.password_hash, new)
        assert not verify_password(user.password_hash, PASSWORD)
    short = run("user", "passwd", "sato", "--password-stdin", input="short\n")
    assert short.exit_code != 0 and "at least 12" in short.output
    result = run("user", "disable", "sato")
    assert result.exit_code == 0 and "disabled" in result.output
    with session_scope(engine) as session:
        assert not session.exec(select(User).where(User.username == "sato")).one().is_active
    assert run("user", "enable", "sato").exit_code == 0
    with session_scope(engine) as session:
        assert session.exec(select(User).where(User.username == "sato")).one().is_active
    actions = _actions(engine)
    assert {"user.password.reset", "user.disable", "user.enable"} <= set(actions)
    assert run("audit", "verify").output.startswith("audit chain intact: ")


def test_dept_signature_from_file_and_stdin(run, engine, tmp_path: Path) -> None:
    source = tmp_path / "signature.txt"
    source.write_text("子育て支援課\n電話 03-1234-5678\n", encoding="utf-8")
    result = run("dept", "signature", "kosodate", "--file", str(source))
    assert result.exit_code == 0, result.output
    with session_scope(engine) as session:
        department = session.exec(select(Department).where(Department.slug == "kosodate")).one()
        assert department.signature == "子育て支援課\n電話 03-1234-5678"
    assert run("dept", "signature", "kosodate").output == "子育て支援課\n電話 03-1234-5678\n"
    result = run("dept", "signature", "kosodate", "--file", "-", input="子育て支援課\n内線 210\n")
    assert result.exit_code == 0, result.output
    assert "内線 210" in run("dept", "signature", "kosodate").output
    assert _actions(engine).count("department.update") == 2
    assert run("dept", "signature", "nosuch", "--file", str(source)).exit_code != 0


def test_template_add_and_list(run, engine, tmp_path: Path) -> None:
    body = tmp_path / "body.txt"
    body.write_text(
        "お問い合わせありがとうございます。\n担当よりご連絡します。\n", encoding="utf-8"
    )
    result = run(
        "template",
        "add",
        "kosodate",
        "--name",
        "受付のお知らせ",
        "--subject",
        "お問い合わせを受け付けました",
        "--body-file",
        str(body),
    )
    assert result.exit_code == 0, result.output
    result = run(
        "template",
        "add",
        "kosodate",
        "--name",
        "入園案内",
        "--body-file",
        "-",
        input="入園は4月です。\n",
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(run("template", "list", "kosodate", "--json").output)
    assert [(t["name"], t["subject"]) for t in listed] == [
        ("入園案内", ""),
        ("受付のお知らせ", "お問い合わせを受け付けました"),
    ]
    assert listed[1]["body"].startswith("お問い合わせありがとうございます。")
    assert "受付のお知らせ" in run("template", "list", "kosodate").output
    with session_scope(engine) as session:
        events = session.exec(
            select(AuditEvent).where(col(AuditEvent.action).like("template.%"))
        ).all()
        assert [(e.actor, e.details["name"]) for e in events] == [
            ("cli", "受付のお知らせ"),
            ("cli", "入園案内"),
        ]
    missing = run("template", "add", "nosuch", "--name", "x", "--body-file", str(body))
    assert missing.exit_code != 0
