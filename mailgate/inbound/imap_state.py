"""Database side of the IMAP poller: checkpoints, health, and where an account's mail belongs.

All functions are synchronous (the poller calls them through asyncio.to_thread).
The checkpoint is written only after the messages up to it were accepted and
flagged, so a crash anywhere replays a little mail instead of losing any.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mailgate.config import ImapAccountSettings
from mailgate.db import session_scope
from mailgate.directory import addresses_of, normalise_address
from mailgate.models import Department, DepartmentAddress, ImapState, Reception, utcnow

log = logging.getLogger(__name__)


class TargetError(Exception):
    """The account names a department or address that does not exist (yet)."""


@dataclass(frozen=True)
class Target:
    department_id: int
    recipient: str


def resolve_target(engine: Engine, account: ImapAccountSettings) -> Target:
    """The department and recipient address every message of this account is accepted for."""
    with session_scope(engine) as session:
        if account.address:
            address = normalise_address(account.address)
            row = session.exec(
                select(DepartmentAddress).where(DepartmentAddress.address == address)
            ).first()
            if row is None:
                raise TargetError(f"no department has the address {address!r}")
            return Target(row.department_id, address)
        department = session.exec(
            select(Department).where(Department.slug == account.department)
        ).first()
        if department is None or department.id is None:
            raise TargetError(f"no department {account.department!r}")
        addresses = addresses_of(session, department.id)
        if not addresses:
            raise TargetError(f"department {account.department!r} has no address")
        return Target(department.id, addresses[0])


def _row(session: Session, account: str) -> ImapState:
    row = session.get(ImapState, account)
    if row is None:
        row = ImapState(account=account)
        session.add(row)
        try:
            session.flush()
        except IntegrityError:  # created concurrently: use theirs
            session.rollback()
            row = session.get(ImapState, account) or row
    return row


def checkpoint(engine: Engine, account: str, folder: str, uidvalidity: int) -> int:
    """The last UID ingested from this folder, or 0 when the stored one no longer applies."""
    with session_scope(engine) as session:
        row = _row(session, account)
        if row.folder == folder and row.uidvalidity == uidvalidity:
            return row.last_uid
        if row.uidvalidity is not None:
            # The server renumbered the folder (or it is another folder): start over; filing
            # drops the copies it has by Message-ID, and `already_received` skips identical bytes.
            log.warning(
                "imap account %s: folder %s UIDVALIDITY %s -> %s; resynchronising from the start",
                account,
                folder,
                row.uidvalidity if row.folder == folder else f"(folder was {row.folder})",
                uidvalidity,
            )
        row.folder, row.uidvalidity, row.last_uid = folder, uidvalidity, 0
        row.updated_at = utcnow()
        session.add(row)
        return 0


def advance(engine: Engine, account: str, uidvalidity: int, last_uid: int, count: int) -> None:
    with session_scope(engine) as session:
        row = _row(session, account)
        if row.uidvalidity != uidvalidity:
            return  # another resync started meanwhile: never mix numbering schemes
        row.last_uid = max(row.last_uid, last_uid)
        row.ingested += count
        row.status, row.last_error = "ok", ""
        row.last_ok_at = row.updated_at = utcnow()
        session.add(row)


def set_status(engine: Engine, account: str, status: str, error: str = "") -> None:
    with session_scope(engine) as session:
        row = _row(session, account)
        row.status = status
        if status != "stopped":  # a clean shutdown keeps the last error for the operator
            row.last_error = error[:1000]
        row.updated_at = utcnow()
        if status == "ok":
            row.last_ok_at = row.updated_at
        session.add(row)


def already_received(engine: Engine, department_id: int, digests: list[str]) -> set[str]:
    """Which of these raw messages this department has a reception of already (replays)."""
    if not digests:
        return set()
    with session_scope(engine) as session:
        rows = session.exec(
            select(Reception.raw_sha256).where(
                Reception.department_id == department_id, col(Reception.raw_sha256).in_(digests)
            )
        )
        return set(rows)


def health(engine: Engine, accounts: list[str]) -> dict[str, dict[str, Any]]:
    """Per configured account: state, last error, last success (no secrets, no mail content)."""
    with session_scope(engine) as session:
        rows = {
            r.account: r
            for r in session.exec(select(ImapState).where(col(ImapState.account).in_(accounts)))
        }
    report: dict[str, dict[str, Any]] = {}
    for name in accounts:
        row = rows.get(name)
        if row is None:
            report[name] = {"state": "starting", "last_error": "", "last_ok_at": None}
            continue
        report[name] = {
            "state": row.status,
            "last_error": row.last_error,
            "last_ok_at": row.last_ok_at.isoformat() if row.last_ok_at else None,
            "last_uid": row.last_uid,
            "ingested": row.ingested,
        }
    return report
