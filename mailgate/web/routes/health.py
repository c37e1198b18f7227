"""Liveness for load balancers and `make demo`; per-account IMAP health."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from mailgate import __version__
from mailgate.inbound.imap_state import health as imap_health
from mailgate.web.access import rule

router = APIRouter(tags=["operations"])


@router.get("/healthz")
@rule("public")
async def healthz(request: Request) -> JSONResponse:
    """Liveness and database reachability, for load balancers and `make demo`; IMAP accounts."""
    engine = request.app.state.engine
    settings = request.app.state.settings

    def ping() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    try:
        await asyncio.to_thread(ping)
    except Exception as exc:
        return JSONResponse({"status": "error", "database": type(exc).__name__}, status_code=503)
    body: dict[str, Any] = {"status": "ok", "database": "ok", "version": __version__}
    accounts = [a.name for a in settings.imap.accounts]
    if accounts:
        # Per account, as the imap role (maybe another process) last recorded it. An
        # upstream mailbox problem does not make this instance unhealthy for a load balancer.
        body["imap"] = await asyncio.to_thread(imap_health, engine, accounts)
    return JSONResponse(body)
