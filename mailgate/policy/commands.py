"""CLI commands of the policy engine: `mailgate check`, `mailgate policy test|eval|train`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from mailgate.mail.parse import parse_message
from mailgate.policy.findings import Finding, Verdict
from mailgate.policy.mail import OutgoingAttachment, OutgoingMail


class CheckError(click.ClickException):
    exit_code = 2  # 0 allow, 1 block, 2 error


def _load(policy_file: str | None, allowlist: dict[str, Any] | None = None) -> Any:
    from mailgate.policy.loader import PolicyError, load_policy

    try:
        return load_policy(policy_file, allowlist=allowlist)
    except PolicyError as exc:
        raise CheckError(str(exc)) from exc


def mail_from_eml(raw: bytes, signature: str = "") -> OutgoingMail:
    parsed = parse_message(raw)
    return OutgoingMail(
        subject=parsed.subject,
        body=parsed.text,
        sender=parsed.from_address,
        to=parsed.to,
        cc=parsed.cc,
        attachments=[
            OutgoingAttachment(a.filename, a.content_type, a.data) for a in parsed.attachments
        ],
        department_signature=signature,
    )


def _highlight(text: str, start: int, end: int, color: bool) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    before, match, after = text[line_start:start], text[start:end], text[end:line_end]
    marked = click.style(match, reverse=True, bold=True) if color else f"»{match}«"
    return f"{before[-40:]}{marked}{after[:40]}"


def render(verdict: Verdict, mail: OutgoingMail, *, color: bool, lang: str = "ja") -> str:
    head = "BLOCK" if verdict.blocked else "ALLOW"
    reasons = ", ".join(r.value for r in verdict.reasons) or "-"
    lines = [f"{head}  {reasons}   (policy {verdict.policy_version})"]
    texts = {"subject": mail.subject, "body": mail.body}
    for finding in verdict.findings:
        lines.extend(_render_finding(finding, texts, color, lang))
    return "\n".join(lines)


def _render_finding(finding: Finding, texts: dict[str, str], color: bool, lang: str) -> list[str]:
    status = finding.reason.value if finding.reason else "allowed"
    where = finding.location
    if finding.start is not None and finding.location in texts:
        text = texts[finding.location]
        line = text.count("\n", 0, finding.start) + 1
        where = f"{finding.location} line {line} [{finding.start}:{finding.end}]"
    elif finding.detail.get("location"):
        where = f"{finding.location} ({finding.detail['location']})"
    out = [
        f"  {'✗' if finding.blocking else '·'} {where}  {finding.entity_type or finding.rule}  {finding.role.value}  score {finding.score:.2f}  [{status}]"
    ]
    if finding.start is not None and finding.end is not None and finding.location in texts:
        out.append(
            f"      {_highlight(texts[finding.location], finding.start, finding.end, color)}"
        )
    explanation = finding.explanation_ja if lang == "ja" else finding.explanation_en
    if explanation and finding.blocking:
        out.append(f"      {explanation}")
    return out


@click.command("check")
@click.argument("message", type=click.Path(allow_dash=True, dir_okay=False))
@click.option(
    "--policy",
    "policy_file",
    envvar="MAILGATE_POLICY_FILE",
    help="Policy file (default: the packaged default.toml).",
)
@click.option(
    "--signature-file",
    type=click.Path(exists=True, dir_okay=False),
    help="The department's signature block.",
)
@click.option("--json", "as_json", is_flag=True)
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
def check_command(
    message: str, policy_file: str | None, signature_file: str | None, as_json: bool, lang: str
) -> None:
    """Check an outgoing MESSAGE (.eml, or - for stdin): exit 0 allow, 1 block, 2 error."""
    from mailgate.policy.chain import check

    try:
        raw = sys.stdin.buffer.read() if message == "-" else Path(message).read_bytes()
        signature = Path(signature_file).read_text(encoding="utf-8") if signature_file else ""
    except OSError as exc:
        raise CheckError(f"cannot read {message}: {exc.strerror or exc}") from exc
    policy = _load(policy_file)
    mail = mail_from_eml(raw, signature)
    verdict = check(policy, mail)
    if as_json:
        click.echo(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render(verdict, mail, color=sys.stdout.isatty(), lang=lang))
    sys.exit(1 if verdict.blocked else 0)


@click.group("policy")
def policy_group() -> None:
    """Test and evaluate the policy."""


@policy_group.command("test")
@click.argument("policy_file", required=False, type=click.Path(dir_okay=False))
def policy_test(policy_file: str | None) -> None:
    """Run the examples kept inside the policy file; exit 1 if any gives another verdict."""
    from mailgate.policy.chain import check

    policy = _load(policy_file)
    failures = 0
    for example in policy.examples:
        mail = OutgoingMail(
            subject=example.subject,
            body=example.body,
            to=example.to,
            cc=example.cc,
            bcc=example.bcc,
            department_signature=example.department_signature,
        )
        verdict = check(policy, mail)
        reasons = [r.value for r in verdict.reasons]
        ok = verdict.verdict == example.expect and (
            not example.reasons or reasons == example.reasons
        )
        failures += not ok
        click.echo(
            f"{'ok  ' if ok else 'FAIL'} {example.name}: {verdict.verdict} {reasons}"
            + ("" if ok else f" (expected {example.expect} {example.reasons})")
        )
    click.echo(f"{len(policy.examples) - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


@policy_group.command("eval")
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False))
@click.option("--policy", "policy_file", envvar="MAILGATE_POLICY_FILE")
@click.option(
    "--predictions", type=click.Path(dir_okay=False), help="Write one JSON line per message."
)
@click.option(
    "--deployment",
    type=click.Path(exists=True, dir_okay=False),
    help="A deployment's departments (mailbox, signature) and allowlist (docs/policy.md).",
)
@click.option("--json", "as_json", is_flag=True)
def policy_eval(
    corpus: str,
    policy_file: str | None,
    predictions: str | None,
    deployment: str | None,
    as_json: bool,
) -> None:
    """Run the policy over a labelled CORPUS.jsonl and report accuracy, recall and speed."""
    from mailgate.policy.evaluate import DeploymentError, evaluate, read_corpus, read_deployment

    try:
        setup = read_deployment(deployment) if deployment else None
    except DeploymentError as exc:
        raise CheckError(str(exc)) from exc
    policy = _load(policy_file, setup.allowlist if setup else None)
    report, predicted = evaluate(policy, read_corpus(corpus), setup)
    if predictions:
        with open(predictions, "w", encoding="utf-8") as out:
            for line in predicted:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    summary = report.summary()
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"messages {summary['messages']}  verdict accuracy {summary['verdict_accuracy']}  "
        f"exact reasons {summary['reasons_exact_accuracy']}  false-block rate {summary['false_block_rate']}  "
        f"{summary['messages_per_second']} msg/s"
    )
    for reason, row in summary["reasons"].items():
        click.echo(
            f"  reason {reason:<28} precision {row['precision']}  recall {row['recall']}  (tp {row['tp']} fp {row['fp']} fn {row['fn']})"
        )
    for kind, row in summary["entities"].items():
        click.echo(
            f"  entity {kind:<22} precision {row['precision']}  recall {row['recall']}  "
            f"({row['found']}/{row['expected']} found, {row['false_positives']} false positives)"
        )
    for error in summary["errors"]:
        click.echo(f"  wrong: {error['id']} expected {error['expected']} got {error['predicted']}")


@policy_group.command("train")
@click.argument("corpora", nargs=-1, required=True)
@click.option("--policy", "policy_file", envvar="MAILGATE_POLICY_FILE")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory for the model files (policies/models).",
)
@click.option(
    "--decisions",
    type=click.Path(exists=True, file_okay=False),
    help="Folder of decision passages, <corpus name>.jsonl each (tests/fixtures/policy/"
    "decisions); without it the decision model is not trained.",
)
@click.option(
    "--decision-sentences",
    "decision_sentences",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help='Extra labelled sentences for the decision model, {"text", "decides"} a line '
    "(tests/fixtures/policy/phrasebook/decisions.jsonl).",
)
@click.option(
    "--disclosure-sentences",
    "disclosure_sentences",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help='Extra labelled sentences for the disclosure model, {"text", "discloses"} a line '
    "(tests/fixtures/policy/phrasebook/disclosures.jsonl).",
)
@click.option("--c", "c", default=1.0, show_default=True, help="Inverse regularisation strength.")
def policy_train(
    corpora: tuple[str, ...],
    policy_file: str | None,
    out: str,
    decisions: str | None,
    decision_sentences: tuple[str, ...],
    disclosure_sentences: tuple[str, ...],
    c: float,
) -> None:
    """Train the learned models from labelled CORPUS.jsonl[:DEPLOYMENT.toml] files."""
    from mailgate.policy.evaluate import DeploymentError
    from mailgate.policy.sentence_model import SentenceModelError
    from mailgate.policy.training import train, train_decision, train_disclosure

    pairs: list[tuple[str, str | None]] = []
    for item in corpora:
        corpus, _, deployment = item.partition(":")
        for path in (corpus, deployment):
            if path and not Path(path).is_file():
                raise CheckError(f"no such file: {path}")
        pairs.append((corpus, deployment or None))
    paths = [corpus for corpus, _ in pairs]
    try:
        context = train(pairs, policy_file=policy_file, c=c)
        disclosure = train_disclosure(paths, sentences=disclosure_sentences, c=c)
        decision = (
            train_decision(paths, decisions, sentences=decision_sentences, c=c)
            if decisions
            else None
        )
    except ImportError as exc:  # scikit-learn is an extra: pip install 'mailgate[train]'
        raise CheckError(
            f"training needs scikit-learn (pip install 'mailgate[train]'): {exc}"
        ) from exc
    except (DeploymentError, SentenceModelError, ValueError) as exc:
        raise CheckError(str(exc)) from exc
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "context_model.json").write_text(context.to_json() + "\n", encoding="utf-8")
    (folder / "disclosure_model.json").write_text(disclosure.to_json() + "\n", encoding="utf-8")
    info, seen = context.trained, disclosure.trained
    click.echo(
        f"wrote {folder / 'context_model.json'}: {len(context.weights)} weights from "
        f"{info['mails']} mails, {info['findings']} findings ({info['blocking_findings']} blocking)"
    )
    click.echo(
        f"wrote {folder / 'disclosure_model.json'}: {len(disclosure.weights)} weights from "
        f"{seen['sentences']} sentences ({seen['disclosing_sentences']} disclosing)"
    )
    if decision is not None:
        (folder / "decision_model.json").write_text(decision.to_json() + "\n", encoding="utf-8")
        read = decision.trained
        click.echo(
            f"wrote {folder / 'decision_model.json'}: {len(decision.weights)} weights from "
            f"{read['sentences']} sentences ({read['deciding_sentences']} deciding)"
        )
