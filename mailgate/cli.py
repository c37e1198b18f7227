"""The `mailgate` command: configuration, database, directory, mail inspection, serving."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Coroutine
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Engine
from sqlmodel import col, select

from mailgate import audit, directory
from mailgate.config import EXAMPLE, Settings, load_settings
from mailgate.db import current_revision, make_engine, session_scope, upgrade
from mailgate.errors import MailgateError
from mailgate.models import Attachment, Department, Message, Role, Thread


class Context:
    def __init__(self, config_path: str | None) -> None:
        self.config_path = config_path
        self._settings: Settings | None = None
        self._engine: Engine | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config_path)
        return self._settings

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.settings.database_url, echo=self.settings.database.echo)
        return self._engine


pass_context = click.make_pass_decorator(Context)


def run_loop(main: Coroutine[Any, Any, None]) -> None:
    """Run the service on uvloop when available (measured faster for the SMTP path)."""
    try:
        import uvloop
    except ImportError:  # e.g. Windows: the standard loop works, only slower
        asyncio.run(main)
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main)


class _Group(click.Group):
    """Report mailgate's own errors (bad config, unknown department, ...) without a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MailgateError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group)
@click.option(
    "--config", "config_path", envvar="MAILGATE_CONFIG", type=click.Path(), help="mailgate.toml"
)
@click.option("-v", "--verbose", is_flag=True, help="Log at INFO level.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: bool) -> None:
    """mailgate: secure mail between departments and residents."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # aiosmtpd logs every SMTP command (residents' addresses) at INFO: never by default.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    ctx.obj = Context(config_path)


@cli.command()
@click.argument("path", default="mailgate.toml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: str, force: bool) -> None:
    """Write a commented example configuration."""
    target = Path(path)
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists (use --force to overwrite)")
    target.write_text(EXAMPLE, encoding="utf-8")
    click.echo(f"wrote {target}")


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@pass_context
def db_upgrade(ctx: Context) -> None:
    """Create or migrate the schema to the latest version."""
    upgrade(ctx.engine)
    click.echo(f"database at revision {current_revision(ctx.engine)}")


@cli.group()
def dept() -> None:
    """Departments and their addresses."""


@dept.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="Display name, e.g. 子育て支援課")
@click.option(
    "--address", "addresses", multiple=True, required=True, help="Address to receive mail at."
)
@pass_context
def dept_add(ctx: Context, slug: str, name: str, addresses: tuple[str, ...]) -> None:
    """Add a department with its dedicated address(es)."""
    with session_scope(ctx.engine) as session:
        directory.add_department(session, slug=slug, name=name, addresses=list(addresses))
    click.echo(f"added department {slug}")


@dept.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def dept_list(ctx: Context, as_json: bool) -> None:
    with session_scope(ctx.engine) as session:
        rows = directory.list_departments(session)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row.slug:<20} {row.name}  {', '.join(row.addresses)}")


@cli.group()
def user() -> None:
    """Users and their roles."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--department", "department_slug", help="Department slug (staff and supervisor roles)."
)
@click.option("--name", "display_name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read a password from standard input.")
@pass_context
def user_add(
    ctx: Context,
    username: str,
    role: str,
    department_slug: str | None,
    display_name: str,
    password_stdin: bool,
) -> None:
    """Add a user, or give an existing user another role."""
    from mailgate.passwords import hash_password

    password_hash = hash_password(sys.stdin.readline().rstrip("\n")) if password_stdin else None
    with session_scope(ctx.engine) as session:
        directory.add_user(
            session,
            username=username,
            display_name=display_name,
            role=Role(role),
            department_slug=department_slug,
            password_hash=password_hash,
        )
    click.echo(f"{username}: {role}" + (f" in {department_slug}" if department_slug else ""))


@user.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def user_list(ctx: Context, as_json: bool) -> None:
    with session_scope(ctx.engine) as session:
        rows = directory.list_users(session)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
        return
    for row in rows:
        roles = ", ".join(f"{role}@{dept}" if dept else role for role, dept in row.memberships)
        click.echo(f"{row.username:<20} {row.display_name:<20} {roles}")


@user.command("token")
@click.argument("username")
@click.option("--name", default="", help="What the token is for, e.g. the script using it.")
@pass_context
def user_token(ctx: Context, username: str, name: str) -> None:
    """Create an API token (shown only now; send it as `Authorization: Bearer ...`)."""
    from mailgate.web.sessions import create_token

    with session_scope(ctx.engine) as session:
        account = directory.get_user(session, username)
        if not account.is_active:
            raise click.ClickException(f"{username} is disabled")
        token = create_token(session, account, name=name, actor="cli")
    click.echo(token)


@user.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@pass_context
def user_passwd(ctx: Context, username: str, password_stdin: bool) -> None:
    """Set a user's password (at least 12 characters); their sessions end."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    with session_scope(ctx.engine) as session:
        account = directory.get_user(session, username)
        directory.set_password(session, account, password, actor="cli")
    click.echo(f"{username}: password set")


@user.command("disable")
@click.argument("username")
@pass_context
def user_disable(ctx: Context, username: str) -> None:
    """Stop a user from signing in (sessions end, API tokens stop working)."""
    with session_scope(ctx.engine) as session:
        account = directory.get_user(session, username)
        directory.set_active(session, account, False, actor="cli")
    click.echo(f"{username}: disabled")


@user.command("enable")
@click.argument("username")
@pass_context
def user_enable(ctx: Context, username: str) -> None:
    """Let a disabled user sign in again."""
    with session_scope(ctx.engine) as session:
        account = directory.get_user(session, username)
        directory.set_active(session, account, True, actor="cli")
    click.echo(f"{username}: enabled")


@dept.command("signature")
@click.argument("slug")
@click.option(
    "--file",
    "source",
    type=click.File("r", encoding="utf-8"),
    help="Read the signature block from this file ('-' for standard input).",
)
@pass_context
def dept_signature(ctx: Context, slug: str, source: Any) -> None:
    """Set the department's public signature block (without --file: print it)."""
    with session_scope(ctx.engine) as session:
        department = directory.get_department(session, slug)
        if source is None:
            click.echo(department.signature)
            return
        changed = directory.set_signature(session, department, source.read(), actor="cli")
    click.echo(f"{slug}: signature {'saved' if changed else 'unchanged'}")


@cli.group()
def template() -> None:
    """Reply templates of a department."""


@template.command("add")
@click.argument("slug")
@click.option("--name", required=True, help="Template name shown to staff.")
@click.option("--subject", default="", help="Subject line (empty: keep the reply's).")
@click.option(
    "--body-file",
    required=True,
    type=click.File("r", encoding="utf-8"),
    help="File with the body text ('-' for standard input).",
)
@pass_context
def template_add(ctx: Context, slug: str, name: str, subject: str, body_file: Any) -> None:
    """Add a reply template to a department."""
    from mailgate.models import User
    from mailgate.workflow import reply_templates

    body = body_file.read()
    # Not a stored account: names the operator in the audit trail ("cli").
    operator = User(username="cli")
    with session_scope(ctx.engine) as session:
        department = directory.get_department(session, slug)
        added = reply_templates.create(
            session,
            department_id=department.id or 0,
            actor=operator,
            name=name,
            subject=subject,
            body=body,
        )
        template_id = added.id
    click.echo(f"{slug}: template {template_id} added")


@template.command("list")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def template_list(ctx: Context, slug: str, as_json: bool) -> None:
    """A department's reply templates."""
    from mailgate.workflow.reply_templates import list_templates

    with session_scope(ctx.engine) as session:
        department = directory.get_department(session, slug)
        rows = [
            {"id": t.id, "name": t.name, "subject": t.subject, "body": t.body}
            for t in list_templates(session, department.id or 0)
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']:>5} {row['name']:<30} {row['subject']}")


@cli.group()
def mail() -> None:
    """Inspect stored mail (for operators)."""


def _message_summary(message: Message, slug: str) -> dict[str, Any]:
    return {
        "id": message.id,
        "department": slug,
        "thread": message.thread_id,
        "direction": message.direction,
        "state": message.state,
        "from": message.from_address,
        "to": message.to_addresses,
        "subject": message.subject,
        "date": (message.date or message.created_at).isoformat(),
        "warnings": message.parse_warnings,
    }


@mail.command("list")
@click.option("--department", "department_slug", help="Only this department.")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def mail_list(ctx: Context, department_slug: str | None, limit: int, as_json: bool) -> None:
    """The newest messages, newest first."""
    with session_scope(ctx.engine) as session:
        slugs = {d.id: d.slug for d in session.exec(select(Department))}
        query = select(Message).order_by(col(Message.id).desc()).limit(limit)
        if department_slug:
            query = query.where(
                Message.department_id == directory.get_department(session, department_slug).id
            )
        rows = [_message_summary(m, slugs[m.department_id]) for m in session.exec(query)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(
            f"{r['id']:>7} {r['department']:<12} {r['direction']:<8} {r['state']:<16} {r['from']:<30} {r['subject']}"
        )


@mail.command("show")
@click.argument("message_id", type=int)
@pass_context
def mail_show(ctx: Context, message_id: int) -> None:
    """Headers, decoded text, state and thread of one message."""
    with session_scope(ctx.engine) as session:
        message = session.get(Message, message_id)
        if message is None:
            raise click.ClickException(f"no message {message_id}")
        department = session.get(Department, message.department_id)
        thread = session.get(Thread, message.thread_id)
        siblings = session.exec(
            select(Message.id, Message.direction, Message.state, Message.subject)
            .where(Message.thread_id == message.thread_id)
            .order_by(col(Message.id))
        ).all()
        attachments = session.exec(
            select(Attachment).where(Attachment.message_pk == message.id)
        ).all()
    click.echo(
        f"message {message.id}  {message.direction}  state={message.state}  department={department.slug if department else '?'}"
    )
    click.echo(f"thread {message.thread_id}: {thread.subject if thread else ''}")
    for sibling in siblings:
        marker = "*" if sibling[0] == message.id else " "
        click.echo(f"  {marker} {sibling[0]:>7} {sibling[1]:<8} {sibling[2]:<16} {sibling[3]}")
    click.echo("")
    for name, value in message.headers:
        click.echo(f"{name}: {value}")
    if message.parse_warnings:
        click.echo(f"\nparse warnings: {', '.join(message.parse_warnings)}")
    for attachment in attachments:
        click.echo(
            f"attachment: {attachment.filename} ({attachment.content_type}, {attachment.size} bytes)"
        )
    click.echo("")
    click.echo(message.text_body)


@cli.group("audit")
def audit_group() -> None:
    """The audit trail."""


@audit_group.command("verify")
@pass_context
def audit_verify(ctx: Context) -> None:
    """Check that the whole hash chain of audit events is intact (and record the check)."""
    with session_scope(ctx.engine) as session:
        report = audit.verify_full(session, actor="cli")
    if report.intact:
        click.echo(f"audit chain intact: {report.events} events")
        return
    click.echo(f"audit chain BROKEN at event {report.broken_at}: {report.reason}", err=True)
    sys.exit(1)


@cli.command()
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(["smtp", "web", "worker", "imap", "all"]),
    default=["all"],
)
@pass_context
def serve(ctx: Context, roles: tuple[str, ...]) -> None:
    """Run the service (all roles by default; repeat --role to pick)."""
    from mailgate.serve import ROLES, Service

    settings = ctx.settings
    if "imap" in roles and not settings.imap.accounts:
        raise click.ClickException("--role imap: no [[imap.accounts]] are configured")
    if current_revision(ctx.engine) is None:
        raise click.ClickException(
            "the database has no schema yet: run `mailgate db upgrade` first"
        )
    chosen = ROLES if "all" in roles else tuple(roles)
    run_loop(Service(settings, ctx.engine, chosen).run())


@cli.command()
@click.option("--no-serve", is_flag=True, help="Only create and seed the database.")
@pass_context
def demo(ctx: Context, no_serve: bool) -> None:
    """Create the embedded database with demo departments, users and mail, then serve."""
    from mailgate.demo import run_demo

    run_loop(run_demo(ctx.settings, ctx.engine, serve=not no_serve))


@cli.group("imap")
def imap_group() -> None:
    """Upstream IMAP mailboxes (docs/imap.md)."""


@imap_group.command("test")
@click.argument("account")
@pass_context
def imap_test(ctx: Context, account: str) -> None:
    """Connect, authenticate, list the folders and count the configured folder's messages."""
    from mailgate.inbound.imap_check import check_account

    settings = ctx.settings
    chosen = next((a for a in settings.imap.accounts if a.name == account), None)
    if chosen is None:
        known = ", ".join(a.name for a in settings.imap.accounts) or "none configured"
        raise click.ClickException(f"no imap account {account!r} (known: {known})")
    ok = asyncio.run(check_account(chosen, click.echo))
    if not ok:
        sys.exit(1)


def _add_policy_commands() -> None:
    from mailgate.policy.commands import check_command, policy_group

    cli.add_command(check_command)
    cli.add_command(policy_group)


_add_policy_commands()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
