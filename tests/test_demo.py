"""`make demo` path: a fresh data directory gets departments, users and filed sample mail."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from mailgate.config import Settings
from mailgate.db import make_engine, session_scope
from mailgate.demo import DEMO_PASSWORD, MAIL, run_demo
from mailgate.models import Department, Membership, Message, User
from mailgate.passwords import verify_password


async def test_demo_seeds_through_the_real_listener_once(tmp_path: Path) -> None:
    settings = Settings.model_validate(
        {"data_dir": str(tmp_path), "smtp": {"port": 0}, "web": {"port": 0}}
    )
    engine = make_engine(settings.database_url)
    await run_demo(settings, engine, serve=False, handle_signals=False)
    await run_demo(
        settings, engine, serve=False, handle_signals=False
    )  # a restart seeds nothing twice
    with session_scope(engine) as session:
        messages = session.exec(select(Message)).all()
        users = session.exec(select(User)).all()
        departments = session.exec(select(Department)).all()
        roles = {m.role for m in session.exec(select(Membership))}
    assert (tmp_path / "mailgate.db").is_file()
    assert sorted(m.subject for m in messages) == sorted(subject for _, _, _, subject, _ in MAIL)
    assert all(m.raw_sha256 for m in messages)
    assert len(departments) == 2
    assert roles == {"staff", "supervisor", "security_officer", "admin"}
    assert all(verify_password(u.password_hash, DEMO_PASSWORD) for u in users)
    engine.dispose()
