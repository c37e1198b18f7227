"""Sign in, sign out, and the user's own account (password, language)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from mailgate import audit
from mailgate.passwords import hash_password, verify_password
from mailgate.web import i18n, sessions
from mailgate.web.access import rule
from mailgate.web.deps import (
    LOGIN_CSRF_COOKIE,
    AnonymousCtx,
    AnonymousFormCtx,
    Ctx,
    FormCtx,
    PageCtx,
    new_login_csrf,
    render,
)

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only paths on this site: never //host or a scheme (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(ctx: Ctx, next_url: str, error: str = "", status: int = 200) -> Response:
    token = new_login_csrf()
    response = render(
        ctx,
        "auth/login.html",
        {"login_csrf": token, "next": next_url, "error": error},
        status_code=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=ctx.settings.web.secure_cookies,
        path="/login",
    )
    return response


@router.get("/login")
@rule("public")
def login_form(ctx: AnonymousCtx, next: str = "/") -> Response:
    if ctx.principal is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(ctx, safe_next(next))


@router.post("/login")
@rule("public")
def login(
    ctx: AnonymousFormCtx,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    settings = ctx.settings.web
    result = sessions.login(
        ctx.session, settings, username=username, password=password, client=ctx.client
    )
    ctx.commit()  # the failure counts too: back-off must hold across requests
    if result.throttled:
        return _login_page(
            ctx,
            safe_next(next),
            ctx.t("Too many failed sign-ins. Wait a few minutes and try again."),
            status=429,
        )
    if result.user is None or result.session_id is None:
        return _login_page(
            ctx, safe_next(next), ctx.t("The user name or password is wrong."), status=401
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        sessions.COOKIE_NAME,
        ctx.request.app.state.cookies.sign(result.session_id),
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
        max_age=int(settings.session_absolute_hours * 3600),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
@rule("signed_in")
def logout(ctx: FormCtx) -> Response:
    raw = ctx.request.cookies.get(sessions.COOKIE_NAME, "")
    session_id = ctx.request.app.state.cookies.unsign(raw)
    if session_id:
        sessions.logout(ctx.session, session_id)
    ctx.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(sessions.COOKIE_NAME, path="/")
    return response


@router.get("/account")
@rule("signed_in")
def account(ctx: PageCtx, saved: str = "") -> Response:
    return render(ctx, "auth/account.html", {"saved": saved, "error": ""})


@router.post("/account/password")
@rule("signed_in")
def change_password(
    ctx: FormCtx,
    current: Annotated[str, Form(max_length=1000)] = "",
    new: Annotated[str, Form(max_length=1000)] = "",
    confirm: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    user = ctx.user
    error = ""
    if not verify_password(user.password_hash, current):
        error = ctx.t("The current password is wrong.")
    elif new != confirm:
        error = ctx.t("The new passwords do not match.")
    elif len(new) < 12:
        error = ctx.t("The new password needs at least 12 characters.")
    if error:
        return render(ctx, "auth/account.html", {"saved": "", "error": error}, status_code=400)
    user.password_hash = hash_password(new)
    ctx.session.add(user)
    sessions.end_all_sessions(ctx.session, user.id, keep=ctx.me.session)
    audit.record(
        ctx.session,
        "user.password",
        actor=user.username,
        actor_id=user.id,
        object_type="user",
        object_id=user.id,
    )
    ctx.commit()
    return RedirectResponse("/account?saved=password", status_code=303)


@router.post("/account/language")
@rule("signed_in")
def change_language(ctx: FormCtx, locale: Annotated[str, Form(max_length=10)] = "auto") -> Response:
    user = ctx.user
    user.locale = locale if locale in (*i18n.LANGUAGES, "auto") else "auto"
    ctx.session.add(user)
    audit.record(
        ctx.session,
        "user.language",
        actor=user.username,
        actor_id=user.id,
        object_type="user",
        object_id=user.id,
        details={"locale": user.locale},
    )
    ctx.commit()
    return RedirectResponse("/account?saved=language", status_code=303)
