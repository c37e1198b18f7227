"""`make demo`: a migrated SQLite database with demo departments, users and mail, then the service.

The sample resident mail is sent through mailgate's own SMTP listener, so the
demo exercises exactly the path real mail takes.
"""

from __future__ import annotations

import asyncio
from email.message import EmailMessage

import aiosmtplib
from sqlalchemy import Engine
from sqlmodel import select

from mailgate import directory
from mailgate.config import Settings
from mailgate.db import session_scope, upgrade
from mailgate.models import Department, Message, ReplyTemplate, Role, User
from mailgate.passwords import hash_password
from mailgate.serve import Service

DEMO_PASSWORD = "mailgate-demo"
DOMAIN = "mail.example-city.lg.jp"
DEPARTMENTS = [
    ("kosodate", "子育て支援課", f"kosodate@{DOMAIN}"),
    ("toshi", "都市計画課", f"toshi-keikaku@{DOMAIN}"),
]
# Public signature blocks: the policy treats these numbers and names as the office's own.
SIGNATURES = {
    "kosodate": "――――――――――\nみどり区 子育て支援部 子育て支援課\n〒100-0001 東京都みどり区中央1-1-1\n電話 03-1234-5678\n――――――――――",
    "toshi": "――――――――――\nみどり区 都市整備部 都市計画課\n〒100-0001 東京都みどり区中央1-1-1\n電話 03-1234-5690\n――――――――――",
}
TEMPLATES = [
    (
        "kosodate",
        "受付のお知らせ",
        "お問い合わせいただきありがとうございます。\n内容を確認のうえ、担当者から改めてご連絡いたします。",
    ),
]
USERS = [
    ("sato", "佐藤 花子", Role.STAFF, "kosodate"),
    ("suzuki", "鈴木 一郎", Role.SUPERVISOR, "kosodate"),
    ("tanaka", "田中 健", Role.STAFF, "toshi"),
    ("takahashi", "高橋 誠", Role.SUPERVISOR, "toshi"),
    ("security", "情報セキュリティ担当", Role.SECURITY_OFFICER, None),
    ("admin", "システム管理者", Role.ADMIN, None),
]
MAIL = [
    (
        "yamada.taro@example.jp",
        "山田 太郎",
        f"kosodate@{DOMAIN}",
        "児童館の開館時間について",
        "子育て支援課 御中\n\n来月の児童館の開館時間を教えていただけますか。\n\n山田",
    ),
    (
        "j.smith@example.com",
        "John Smith",
        f"kosodate@{DOMAIN}",
        "Childcare support after moving",
        "Hello,\n\nWe are moving to the ward next month. Which documents do we need for nursery school?\n\nJohn",
    ),
    (
        "hanako.ito@example.jp",
        "伊藤 花子",
        f"kosodate@{DOMAIN}",
        "児童手当の申請",
        "子育て支援課 御中\n\n児童手当の認定請求書を添付しますので、このメールで申請を受け付けてください。\n\n伊藤 花子",
    ),
    (
        "chounaikai@example.net",
        "緑町会 会長",
        f"toshi-keikaku@{DOMAIN}",
        "まちづくり協議会の次回日程",
        "都市計画課 ご担当者様\n\n次回の協議会の日程案をお送りください。\n\n緑町会",
    ),
]


def seed(engine: Engine) -> bool:
    """Create demo departments and users if missing; True if the database was empty."""
    with session_scope(engine) as session:
        if session.exec(select(Department)).first() is not None:
            return False
        for slug, name, address in DEPARTMENTS:
            department = directory.add_department(
                session, slug=slug, name=name, addresses=[address], actor="demo"
            )
            department.signature = SIGNATURES[slug]
            session.add(department)
            for template_slug, template_name, body in TEMPLATES:
                if template_slug == slug:
                    session.add(
                        ReplyTemplate(
                            department_id=department.id or 0, name=template_name, body=body
                        )
                    )
        password_hash = hash_password(DEMO_PASSWORD)
        for username, display_name, role, slug_of_user in USERS:
            directory.add_user(
                session,
                username=username,
                display_name=display_name,
                role=role,
                department_slug=slug_of_user,
                password_hash=password_hash,
                actor="demo",
            )
    return True


async def send_sample_mail(host: str, port: int) -> None:
    for sender, name, recipient, subject, body in MAIL:
        message = EmailMessage()
        message["From"] = f"{name} <{sender}>"
        message["To"] = recipient
        message["Subject"] = subject
        message.set_content(body)
        await aiosmtplib.send(message, hostname=host, port=port)


async def _until_filed(engine: Engine, count: int, timeout: float = 10.0) -> None:
    """Filing happens after the 250; wait for it so the summary below is true."""

    def filed() -> int:
        with session_scope(engine) as session:
            return len(session.exec(select(Message.id)).all())

    deadline = asyncio.get_running_loop().time() + timeout
    while await asyncio.to_thread(filed) < count and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.1)


async def run_demo(
    settings: Settings, engine: Engine, *, serve: bool = True, handle_signals: bool = True
) -> None:
    upgrade(engine)
    fresh = seed(engine)
    service = Service(settings, engine, handle_signals=handle_signals)
    runner = asyncio.create_task(service.run())
    await service.ready.wait()
    if fresh:
        await send_sample_mail(settings.smtp.host, service.smtp_port or settings.smtp.port)
        await _until_filed(engine, len(MAIL))
    with session_scope(engine) as session:
        users = session.exec(select(User.username)).all()
        messages = len(session.exec(select(Message.id)).all())
    print(f"mailgate demo is running (database {settings.database_url})")
    print(
        f"  SMTP : {settings.smtp.host}:{service.smtp_port}  (accepts mail for {', '.join(a for *_, a in DEPARTMENTS)})"
    )
    print(
        f"  Web  : http://{settings.web.host}:{service.web_port}/  (sign in as sato: staff, suzuki: supervisor)"
    )
    print(f"  Mail : {messages} messages stored; outgoing mail goes to {settings.outbox_path}/")
    print(f"  Logins (password {DEMO_PASSWORD}): {', '.join(users)}")
    print(
        f"  Try : swaks --server {settings.smtp.host}:{service.smtp_port} --to {DEPARTMENTS[0][2]} --from you@example.jp"
    )
    print("Stop with Ctrl-C.", flush=True)
    if not serve:
        service.stop.set()
    await runner
