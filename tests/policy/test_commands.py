"""`mailgate check`, `mailgate policy test` and `mailgate policy eval` as an operator uses them."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

from click.testing import CliRunner

from mailgate.cli import cli
from mailgate.policy.loader import default_policy_path, load_policy


def eml(body: str, subject: str = "ご案内", to: str = "kawaguchi@example.jp") -> bytes:
    message = EmailMessage()
    message["From"] = "kumin@mail.example-city.lg.jp"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message.as_bytes()


ALLOWED = "川口 様\n\n窓口の受付時間は平日の午前8時30分から午後5時15分までです。\n"
BLOCKED = "川口 様\n\nご提出の個人番号（1234 5678 9018）に誤りがありました。\n"


def run(*args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=input, env={"MAILGATE_CONFIG": ""})


def test_check_exit_status_and_highlight(tmp_path: Path) -> None:
    allowed, blocked = tmp_path / "ok.eml", tmp_path / "ng.eml"
    allowed.write_bytes(eml(ALLOWED))
    blocked.write_bytes(eml(BLOCKED))
    assert run("check", str(allowed)).exit_code == 0
    result = run("check", str(blocked))
    assert result.exit_code == 1
    assert result.output.startswith("BLOCK  personal_data")
    assert "»1234 5678 9018«" in result.output and "JP_MY_NUMBER" in result.output


def test_check_json_from_stdin() -> None:
    result = run("check", "-", "--json", input=eml(BLOCKED))
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["verdict"] == "block" and report["reasons"] == ["personal_data"]
    finding = next(f for f in report["findings"] if f["entity_type"] == "JP_MY_NUMBER")
    assert BLOCKED[finding["start"] : finding["end"]] == "1234 5678 9018"
    assert finding["explanation_ja"] and finding["explanation_en"]
    assert "［個人番号］" in report["masked_body"] and "1234 5678 9018" not in report["masked_body"]


def test_check_errors_exit_2(tmp_path: Path) -> None:
    assert run("check", str(tmp_path / "missing.eml")).exit_code == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[policy]\nname='x'\n", encoding="utf-8")
    message = tmp_path / "m.eml"
    message.write_bytes(eml(ALLOWED))
    result = run("check", str(message), "--policy", str(bad))
    assert result.exit_code == 2 and "policy.version" in result.output


def test_policy_test_passes_for_the_default_and_fails_on_a_wrong_example(tmp_path: Path) -> None:
    assert run("policy", "test").exit_code == 0
    text = default_policy_path().read_text(encoding="utf-8")
    wrong = text.replace('name = "accepting an application by e-mail blocks"', 'name = "wrong"', 1)
    wrong = wrong.replace('reasons = ["application_or_disposition"]', 'reasons = ["bulk_send"]', 1)
    path = (
        default_policy_path().parent / ".test-wrong-policy.toml"
    )  # beside it: dictionaries resolve
    try:
        path.write_text(wrong, encoding="utf-8")
        result = run("policy", "test", str(path))
    finally:
        path.unlink()
    assert result.exit_code == 1
    examples = len(load_policy().examples)
    assert "FAIL wrong" in result.output
    assert f"{examples - 1} passed, 1 failed" in result.output


def test_policy_eval_reports_and_writes_predictions(tmp_path: Path) -> None:
    body = "川口 様\n\n北町会の会長は坂口 美和子様、連絡先は090-1234-5678です。\n"
    records = [
        {
            "id": "T-1",
            "lang": "ja",
            "from": "x@mail.example-city.lg.jp",
            "to": ["a@example.jp"],
            "cc": [],
            "bcc": [],
            "subject": "会長の連絡先",
            "body": body,
            "spans": [
                {
                    "start": body.index("坂口"),
                    "end": body.index("坂口") + 6,
                    "type": "PERSON",
                    "role": "third_party",
                },
                {
                    "start": body.index("090"),
                    "end": body.index("090") + 13,
                    "type": "PHONE_NUMBER",
                    "role": "third_party",
                },
            ],
            "expected": {"verdict": "block", "reasons": ["personal_data"]},
        },
        {
            "id": "T-2",
            "lang": "ja",
            "from": "x@mail.example-city.lg.jp",
            "to": ["a@example.jp"],
            "cc": [],
            "bcc": [],
            "subject": "時間",
            "body": ALLOWED,
            "spans": [],
            "expected": {"verdict": "allow", "reasons": []},
        },
    ]
    corpus, predictions = tmp_path / "c.jsonl", tmp_path / "p.jsonl"
    corpus.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8"
    )
    result = run("policy", "eval", str(corpus), "--predictions", str(predictions), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["verdict_accuracy"] == 1.0 and summary["false_block_rate"] == 0.0
    assert summary["entities"]["PERSON"]["recall"] == 1.0
    lines = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in lines] == ["T-1", "T-2"]
    assert {s["type"] for s in lines[0]["spans"]} == {"PERSON", "PHONE_NUMBER"}
    assert lines[1] == {"id": "T-2", "verdict": "allow", "reasons": [], "spans": []}


def test_policy_eval_with_a_deployments_departments_and_allowlist(tmp_path: Path) -> None:
    # A colleague named without a title and the office's number offered in the body: a third
    # party's data to an engine that knows nothing of the office; the office's own once the
    # deployment lists its staff (by department) and its number block.
    body = (
        "川口 様\n\n当日は保坂 恵美と一緒に伺います。\n"
        "前日に0267-41-2215から確認のお電話を差し上げます。\n\n年末の窓口のご案内でした。\n"
    )
    record = {
        "id": "T-1",
        "lang": "ja",
        "from": "Kumin@mail.example-city.lg.jp",
        "to": ["a@example.jp"],
        "subject": "訪問",
        "body": body,
        "spans": [],
        "expected": {"verdict": "allow", "reasons": []},
    }
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    deployment = tmp_path / "deployment.toml"
    deployment.write_text(
        '[departments.kumin]\naddress = "kumin@mail.example-city.lg.jp"\n'
        'signature = """\n区民課\\n電話 0267-41-2200\n"""\n'
        '[allowlist]\nphones = ["0267-41-*"]\n'
        '[allowlist.departments.kumin]\nnames = ["保坂 恵美"]\n',
        encoding="utf-8",
    )
    # The rules alone: the context model may read "保坂 恵美と一緒に伺います" as a colleague by
    # itself, and this test is about what the deployment tells the rules.
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[policy]\nname = "t"\nversion = "1"\n[rules.personal_data.context_model]\nfile = ""\n',
        encoding="utf-8",
    )
    bare = json.loads(run("policy", "eval", str(corpus), "--policy", str(rules), "--json").output)
    assert bare["false_block_rate"] == 1.0
    result = run(
        "policy",
        "eval",
        str(corpus),
        "--policy",
        str(rules),
        "--deployment",
        str(deployment),
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["false_block_rate"] == 0.0


def test_policy_eval_names_a_bad_deployment_file(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("", encoding="utf-8")
    deployment = tmp_path / "deployment.toml"
    deployment.write_text('[departments.kumin]\nsignature = "x"\n', encoding="utf-8")
    result = run("policy", "eval", str(corpus), "--deployment", str(deployment))
    assert result.exit_code == 2
    assert "departments.kumin needs an address" in result.output
    deployment.write_text('[allowlist]\nphone = ["03"]\n', encoding="utf-8")
    result = run("policy", "eval", str(corpus), "--deployment", str(deployment))
    assert result.exit_code == 2 and "allowlist.phone: unknown key" in result.output
