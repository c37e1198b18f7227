"""One module per area of the inbox; each exposes `router`. Order matters only for docs."""

from mailgate.web.routes import (
    admin,
    api,
    approvals,
    audit_log,
    auth,
    compose,
    health,
    home,
    inbox,
    security,
    threads,
)

ROUTERS = [
    health.router,
    auth.router,
    home.router,
    inbox.router,
    threads.router,
    compose.router,
    approvals.router,
    security.router,
    audit_log.router,
    admin.router,
    api.router,
]
