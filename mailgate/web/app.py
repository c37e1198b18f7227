"""The FastAPI application factory: pages, the JSON API, security headers, error answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from mailgate import __version__
from mailgate.config import Settings
from mailgate.errors import NotFound
from mailgate.localtime import format_local
from mailgate.resources import data_dir
from mailgate.web import i18n
from mailgate.web.access import walk_routes
from mailgate.web.deps import ApiAuthRequired, CsrfFailed, LoginRequired
from mailgate.web.routes import ROUTERS
from mailgate.web.security_headers import SecurityHeaders
from mailgate.web.sessions import SessionCookies
from mailgate.workflow.errors import WorkflowError
from mailgate.workflow.policy_gate import PolicyGate

API_PREFIX = "/api/v1"


def create_app(settings: Settings, engine: Engine, gate: PolicyGate | None = None) -> FastAPI:
    app = FastAPI(
        title="mailgate",
        version=__version__,
        description="Department mailboxes for residents' mail, with a policy gate and approvals.",
        docs_url=None,
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.gate = gate or PolicyGate()
    app.state.cookies = SessionCookies(settings.web)
    app.state.secret = settings.web.resolved_secret_key()
    web = data_dir("web")
    templates = Jinja2Templates(directory=str(web / "templates"))
    templates.env.globals["version"] = __version__
    templates.env.filters["localtime"] = format_local  # {{ message.created_at|localtime }}
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(web / "static")), name="static")
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(SecurityHeaders)
    _install_error_handlers(app)
    _check_rules(app)
    return app


def _check_rules(app: FastAPI) -> None:
    """Refuse to start with a route that has no access rule (mailgate.web.access)."""
    missing = [r.path for r in walk_routes(app.routes) if r.rule is None]
    if missing:
        raise RuntimeError(f"routes without an access rule: {', '.join(missing)}")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _translator(request: Request) -> i18n.Translator:
    ctx = getattr(request.state, "ctx", None)
    if ctx is not None:
        return ctx.t  # type: ignore[no-any-return]
    return i18n.Translator(i18n.choose(None, request.headers.get("accept-language")))


def _error_page(request: Request, status: int, title: str, detail: str = "") -> Response:
    if _is_api(request):
        return JSONResponse({"detail": detail or title}, status_code=status)
    t = _translator(request)
    templates: Jinja2Templates = request.app.state.templates
    context: dict[str, Any] = {
        "_": t,
        "lang": t.lang,
        "me": None,
        "csrf_token": "",
        "my_departments": [],
        "status": status,
        "title": t(title),
        "detail": detail,
    }
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error_page(request, 404, "Not found")

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        return response

    @app.exception_handler(ApiAuthRequired)
    async def api_auth(request: Request, exc: ApiAuthRequired) -> Response:
        return JSONResponse(
            {"detail": "authentication required"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return _error_page(
            request,
            403,
            "The form has expired or did not come from this site. Reload the page and try again.",
            "csrf",
        )

    @app.exception_handler(WorkflowError)
    async def workflow_error(request: Request, exc: WorkflowError) -> Response:
        return _error_page(request, 409, "This action is not possible now", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        return _error_page(request, 400, "The request was not understood")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _error_page(request, 404, "Not found")
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return HTMLResponse(str(exc.detail), status_code=exc.status_code)
