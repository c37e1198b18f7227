"""The start page: where a user lands after signing in, by role."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from mailgate.web.access import rule
from mailgate.web.deps import PageCtx, render

router = APIRouter(include_in_schema=False)


@router.get("/")
@rule("signed_in")
def home(ctx: PageCtx) -> Response:
    departments = sorted(ctx.me.departments())
    if len(departments) == 1:
        return RedirectResponse(f"/departments/{departments[0]}/inbox", status_code=303)
    if not departments and ctx.me.is_officer:
        return RedirectResponse("/security/blocked", status_code=303)
    if not departments and ctx.me.is_admin:
        return RedirectResponse("/admin", status_code=303)
    return render(ctx, "home.html")
