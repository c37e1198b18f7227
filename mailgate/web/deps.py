"""Request dependencies: the database transaction, the signed-in principal, CSRF, rendering.

Routes get a `Ctx` (session + principal + translator). Writes commit explicitly
inside the route before it answers, so nothing is acknowledged before it is on
disk; the dependency commits what is left (session touch) and rolls back on error.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from mailgate.config import Settings
from mailgate.models import Department
from mailgate.web import i18n, sessions
from mailgate.web.access import Principal, principal_for
from mailgate.workflow.policy_gate import PolicyGate

LOGIN_CSRF_COOKIE = "mailgate_login_csrf"


class LoginRequired(Exception):
    """No valid session on a page route: the handler redirects to the sign-in page."""


class ApiAuthRequired(Exception):
    """No valid token or session on an API route: 401."""


class CsrfFailed(Exception):
    """A form or API write without the right CSRF token or from another origin: 403."""


@dataclass
class Ctx:
    request: Request
    session: Session
    principal: Principal | None
    t: i18n.Translator

    @property
    def user(self) -> Any:
        assert self.principal is not None
        return self.principal.user

    @property
    def me(self) -> Principal:
        assert self.principal is not None
        return self.principal

    @property
    def settings(self) -> Settings:
        return self.request.app.state.settings  # type: ignore[no-any-return]

    @property
    def gate(self) -> PolicyGate:
        return self.request.app.state.gate  # type: ignore[no-any-return]

    def commit(self) -> None:
        self.session.commit()

    @property
    def client(self) -> str:
        return self.request.client.host if self.request.client else ""


def _open(request: Request) -> Session:
    return Session(request.app.state.engine, expire_on_commit=False)


def _cookie_session(request: Request, session: Session) -> Principal | None:
    cookies: sessions.SessionCookies = request.app.state.cookies
    raw = request.cookies.get(sessions.COOKIE_NAME)
    session_id = cookies.unsign(raw) if raw else None
    if not session_id:
        return None
    found = sessions.resume(session, request.app.state.settings.web, session_id)
    if found is None:
        return None
    user, web_session = found
    return principal_for(session, user, web_session)


def _translator(request: Request, principal: Principal | None) -> i18n.Translator:
    setting = principal.user.locale if principal else None
    return i18n.Translator(i18n.choose(setting, request.headers.get("accept-language")))


def _transaction(request: Request, principal_loader: Any) -> Iterator[Ctx]:
    session = _open(request)
    try:
        principal = principal_loader(request, session)
        ctx = Ctx(request, session, principal, _translator(request, principal))
        request.state.ctx = ctx
        yield ctx
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _page_principal(request: Request, session: Session) -> Principal:
    principal = _cookie_session(request, session)
    if principal is None:
        session.commit()  # an expired session row was deleted
        raise LoginRequired()
    return principal


def page(request: Request) -> Iterator[Ctx]:
    """A signed-in page: anonymous visitors are sent to the sign-in page."""
    yield from _transaction(request, _page_principal)


def anonymous(request: Request) -> Iterator[Ctx]:
    """A page that works signed out (the sign-in page); principal set if there is a session."""
    yield from _transaction(request, _cookie_session)


def _api_principal(request: Request, session: Session) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        user = sessions.token_user(session, token.strip())
        if user is None:
            raise ApiAuthRequired()
        return principal_for(session, user, None)
    principal = _cookie_session(request, session)
    if principal is None:
        raise ApiAuthRequired()
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        # A browser session calling the API must prove it is our page (header, not cookie).
        _check_origin(request)
        sent = request.headers.get("x-csrf-token", "")
        assert principal.session is not None
        if not hmac.compare_digest(sent, principal.session.csrf_token):
            raise CsrfFailed()
    return principal


def api(request: Request) -> Iterator[Ctx]:
    """An API call: Bearer token, or a browser session with the X-CSRF-Token header."""
    yield from _transaction(request, _api_principal)


def _check_origin(request: Request) -> None:
    """Refuse writes whose Origin (or Referer) names another site."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return  # non-browser clients send none; the token check still applies
    if urlsplit(origin).netloc != request.headers.get("host", ""):
        raise CsrfFailed()


async def _check_form(request: Request, expected: str) -> None:
    _check_origin(request)
    form = await request.form()
    sent = str(form.get("csrf_token", ""))
    if not expected or not hmac.compare_digest(sent, expected):
        raise CsrfFailed()


async def page_form(request: Request, ctx: Annotated[Ctx, Depends(page)]) -> Ctx:
    """A signed-in form post: it must carry the session's CSRF token."""
    assert ctx.principal is not None and ctx.principal.session is not None
    await _check_form(request, ctx.principal.session.csrf_token)
    return ctx


async def anonymous_form(request: Request, ctx: Annotated[Ctx, Depends(anonymous)]) -> Ctx:
    """The sign-in form: no session yet, so a double-submit cookie set with the form."""
    await _check_form(request, request.cookies.get(LOGIN_CSRF_COOKIE, ""))
    return ctx


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


# Route parameters: `def inbox(ctx: PageCtx, ...)`.
PageCtx = Annotated[Ctx, Depends(page)]
FormCtx = Annotated[Ctx, Depends(page_form)]
AnonymousCtx = Annotated[Ctx, Depends(anonymous)]
AnonymousFormCtx = Annotated[Ctx, Depends(anonymous_form)]
ApiCtx = Annotated[Ctx, Depends(api)]


def render(
    ctx: Ctx, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    templates = ctx.request.app.state.templates
    principal = ctx.principal
    departments: list[Department] = []
    if principal is not None:
        ids = principal.departments()
        if ids:
            from sqlmodel import col, select

            departments = list(
                ctx.session.exec(
                    select(Department)
                    .where(col(Department.id).in_(ids))
                    .order_by(col(Department.slug))
                )
            )
    values = {
        "_": ctx.t,
        "lang": ctx.t.lang,
        "me": principal,
        "csrf_token": principal.session.csrf_token
        if principal is not None and principal.session is not None
        else "",
        "my_departments": departments,
        **(context or {}),
    }
    return templates.TemplateResponse(ctx.request, template, values, status_code=status_code)  # type: ignore[no-any-return]
