"""The operator CLI against a real database (both engines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailgate import blobs
from mailgate.cli import cli
from mailgate.db import make_engine, session_scope
from mailgate.inbound.filing import file_reception
from mailgate.models import Reception


@pytest.fixture
def run(db_url: str, tmp_path: Path):
    runner = CliRunner()
    env = {
        "MAILGATE_DATABASE_URL": db_url,
        "MAILGATE_DATA_DIR": str(tmp_path),
        "MAILGATE_CONFIG": "",
    }

    def invoke(*args: str, input: str | None = None):
        result = runner.invoke(cli, list(args), env=env, input=input, catch_exceptions=False)
        return result

    return invoke


def test_directory_commands(run) -> None:
    assert run("db", "upgrade").exit_code == 0
    result = run(
        "dept",
        "add",
        "kosodate",
        "--name",
        "子育て支援課",
        "--address",
        "Kosodate@Mail.Example-City.lg.jp",
    )
    assert result.exit_code == 0, result.output
    listed = json.loads(run("dept", "list", "--json").output)
    assert listed == [
        {
            "id": listed[0]["id"],
            "slug": "kosodate",
            "name": "子育て支援課",
            "addresses": ["kosodate@mail.example-city.lg.jp"],
        }
    ]
    assert (
        run(
            "user",
            "add",
            "sato",
            "--role",
            "staff",
            "--department",
            "kosodate",
            "--password-stdin",
            input="correct horse battery\n",
        ).exit_code
        == 0
    )
    assert run("user", "add", "sec", "--role", "security_officer").exit_code == 0
    users = {u["username"]: u for u in json.loads(run("user", "list", "--json").output)}
    assert users["sato"]["memberships"] == [["staff", "kosodate"]]
    assert users["sec"]["memberships"] == [["security_officer", None]]
    refused = run("user", "add", "x", "--role", "staff")
    assert refused.exit_code != 0 and "needs a department" in refused.output
    assert run("audit", "verify").output.startswith("audit chain intact: ")


def test_mail_list_and_show(run, db_url: str) -> None:
    run(
        "dept",
        "add",
        "kosodate",
        "--name",
        "子育て支援課",
        "--address",
        "kosodate@mail.example-city.lg.jp",
    )
    raw = (
        "From: 山田 <yamada@example.jp>\r\nTo: kosodate@mail.example-city.lg.jp\r\n"
        "Subject: =?UTF-8?B?5L+d6IKy5ZyS?=\r\nMessage-ID: <cli-1@example.jp>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n入園の相談です。\r\n"
    ).encode()
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        digest = blobs.put(session, raw)
        reception = Reception(raw_sha256=digest, department_id=1, source="smtp", recipients=[])
        session.add(reception)
        session.flush()
        file_reception(session, reception)
    engine.dispose()
    listed = json.loads(run("mail", "list", "--department", "kosodate", "--json").output)
    assert [(m["subject"], m["from"], m["direction"], m["state"]) for m in listed] == [
        ("保育園", "yamada@example.jp", "inbound", "received")
    ]
    shown = run("mail", "show", str(listed[0]["id"])).output
    assert "入園の相談です。" in shown and "Subject: 保育園" in shown and "state=received" in shown
    assert run("mail", "show", "99999").exit_code != 0


def test_init_writes_a_loadable_example(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "mailgate.toml"
    assert runner.invoke(cli, ["init", str(target)]).exit_code == 0
    assert runner.invoke(cli, ["init", str(target)]).exit_code != 0  # no silent overwrite
    result = runner.invoke(
        cli,
        ["--config", str(target), "db", "upgrade"],
        env={"MAILGATE_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"},
    )
    assert result.exit_code == 0, result.output
