"""The FastAPI application factory."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

from mailgate import __version__
from mailgate.config import Settings


def create_app(settings: Settings, engine: Engine) -> FastAPI:
    app = FastAPI(title="mailgate", version=__version__, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.engine = engine

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> JSONResponse:
        """Liveness and database reachability, for load balancers and `make demo`."""

        def ping() -> None:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        try:
            await asyncio.to_thread(ping)
        except Exception as exc:
            return JSONResponse(
                {"status": "error", "database": type(exc).__name__}, status_code=503
            )
        return JSONResponse({"status": "ok", "database": "ok", "version": __version__})

    return app
