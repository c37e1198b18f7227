"""Sign-in: password check with back-off, server-side sessions behind signed cookies, API tokens.

The cookie holds a random 256-bit id signed with the installation's secret
(itsdangerous), so a forged or truncated cookie is refused before any lookup;
the database holds only the id's sha256. Signing in always creates a new id
(no session fixation); signing out and the idle/absolute timeouts delete it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, Signer
from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from mailgate import audit
from mailgate.config import WebSettings
from mailgate.models import ApiToken, LoginAttempt, User, WebSession, utcnow
from mailgate.passwords import verify_password

COOKIE_NAME = "mailgate_session"
TOKEN_PREFIX = "mgt_"
# Refresh last_seen at most this often, so reading pages does not write on every request.
TOUCH_EVERY = timedelta(seconds=60)
# A hash to verify against when the user does not exist, so timing does not reveal names.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$BCeurPZ1QNcYMDc9+Dhkeg$nBIJ/BqU2bJwAK3CXLHUUxpDURY2x6i9D+GH00hjZvo"


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class SessionCookies:
    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.signer = Signer(settings.resolved_secret_key(), salt="mailgate.session")

    def sign(self, session_id: str) -> str:
        return self.signer.sign(session_id).decode()

    def unsign(self, cookie: str) -> str | None:
        try:
            return self.signer.unsign(cookie).decode()
        except (BadSignature, UnicodeDecodeError):
            return None


@dataclass
class LoginResult:
    user: User | None
    session_id: str | None = None
    throttled: bool = False


def _recent_failures(session: Session, column: object, value: str, since: datetime) -> int:
    return int(
        session.exec(
            select(func.count()).where(column == value, col(LoginAttempt.at) >= since)  # type: ignore[arg-type]
        ).one()
    )


def throttled(session: Session, settings: WebSettings, username: str, client: str) -> bool:
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    by_user = _recent_failures(session, LoginAttempt.username, username, since)
    # A client gets more room than one name: several staff share an office NAT address.
    by_client = _recent_failures(session, LoginAttempt.client, client, since) if client else 0
    return by_user >= settings.login_max_failures or by_client >= settings.login_max_failures * 4


def login(
    session: Session, settings: WebSettings, *, username: str, password: str, client: str
) -> LoginResult:
    """Check the password; on success create a fresh session. The caller commits."""
    username = username.strip()[:100]
    if throttled(session, settings, username, client):
        audit.record(
            session,
            "login.throttled",
            actor=username or "-",
            object_type="user",
            details={"client": client},
        )
        return LoginResult(None, throttled=True)
    user = session.exec(select(User).where(User.username == username)).first()
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if not (user and user.is_active and ok):
        session.add(LoginAttempt(username=username, client=client))
        audit.record(
            session,
            "login.failed",
            actor=username or "-",
            object_type="user",
            object_id=user.id if user and user.id else "",
            details={"client": client},
        )
        return LoginResult(None)
    session_id = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id_hash=_sha(session_id), user_id=user.id or 0, csrf_token=secrets.token_urlsafe(32)
        )
    )
    # A success clears the name's failures, so a user who mistyped is not held back later.
    session.exec(delete(LoginAttempt).where(col(LoginAttempt.username) == username))  # type: ignore[call-overload]
    audit.record(
        session,
        "login",
        actor=user.username,
        actor_id=user.id,
        object_type="user",
        object_id=user.id or "",
        details={"client": client},
    )
    return LoginResult(user, session_id)


def resume(
    session: Session, settings: WebSettings, session_id: str
) -> tuple[User, WebSession] | None:
    """The signed-in user for a session id, or None if unknown, expired or the user is disabled."""
    row = session.get(WebSession, _sha(session_id))
    if row is None:
        return None
    now = utcnow()
    idle = timedelta(minutes=settings.session_idle_minutes)
    absolute = timedelta(hours=settings.session_absolute_hours)
    user = session.get(User, row.user_id)
    if (
        now - row.last_seen_at > idle
        or now - row.created_at > absolute
        or not user
        or not user.is_active
    ):
        session.delete(row)
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
    return user, row


def logout(session: Session, session_id: str) -> None:
    row = session.get(WebSession, _sha(session_id))
    if row is not None:
        audit.record(
            session,
            "logout",
            actor=str(row.user_id),
            actor_id=row.user_id,
            object_type="user",
            object_id=row.user_id,
        )
        session.delete(row)


def end_all_sessions(session: Session, user_id: int, keep: WebSession | None = None) -> None:
    """After a password change: every other browser signs in again."""
    query = delete(WebSession).where(col(WebSession.user_id) == user_id)
    if keep is not None:
        query = query.where(col(WebSession.id_hash) != keep.id_hash)
    session.exec(query)  # type: ignore[call-overload]


def create_token(session: Session, user: User, name: str = "", actor: str = "cli") -> str:
    """A new API token; only its hash is stored, so this is the one time it is seen."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id or 0, name=name[:100], token_hash=_sha(token)))
    audit.record(
        session,
        "token.create",
        actor=actor,
        object_type="user",
        object_id=user.id or "",
        details={"name": name[:100]},
    )
    return token


def token_user(session: Session, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.exec(
        select(ApiToken).where(ApiToken.token_hash == _sha(token), col(ApiToken.revoked).is_(False))
    ).first()
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        row.last_used_at = now
        session.add(row)
    return user
