"""The audit trail page: chain status first, then the events newest first (issue 4, item 9).

The status verifies the events after the newest intact full check (audit_check):
a full walk costs ~38 µs per event, too slow for a page at a million events. A
full verification runs from the CLI (`mailgate audit verify`, daily from cron) or
the button here, and is recorded. The list is keyset-paged on the event id.
"""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from mailgate import audit, security_log
from mailgate.localtime import format_local
from mailgate.web.access import require, rule
from mailgate.web.deps import FormCtx, PageCtx, render

router = APIRouter(include_in_schema=False)

# audit.verify's reasons (English), translated for the page.
CHAIN_REASONS = {
    "previous-hash link does not match": "The link to the previous event does not match (an event was removed or inserted).",
    "content does not match its hash": "The event's content does not match its hash (the event was changed).",
}


@router.get("/audit")
@rule("auditor")
def audit_trail(ctx: PageCtx, action: str = "", actor: str = "", before: str = "") -> Response:
    require(ctx.me, "auditor")
    check, chain = audit.verify_since_last_check(ctx.session)
    before_id = int(before) if before.isdigit() else None
    page = security_log.list_audit(
        ctx.session, action=action[:64], actor=actor[:100], before_id=before_id
    )
    query = {k: v for k, v in (("action", action), ("actor", actor)) if v}
    return render(
        ctx,
        "audit/trail.html",
        {
            "chain": chain,
            "check": check,
            "check_at": format_local(check.at) if check else "",
            "since_check": check is not None and check.intact,
            "chain_reason": ctx.t(CHAIN_REASONS.get(chain.reason, chain.reason))
            if chain.reason
            else "",
            "page": page,
            "action": action,
            "actor": actor,
            "before": before_id,
            "query": query,
            "as_json": lambda value: json.dumps(
                value, ensure_ascii=False, sort_keys=True, default=str
            ),
        },
    )


@router.post("/audit/verify")
@rule("auditor")
def verify_now(ctx: FormCtx) -> Response:
    require(ctx.me, "auditor")
    report = audit.verify_full(ctx.session, actor=ctx.user.username)
    audit.record(
        ctx.session,
        "audit.verify",
        actor=ctx.user.username,
        actor_id=ctx.user.id,
        object_type="audit",
        details={"intact": report.intact, "events": report.events, "broken_at": report.broken_at},
    )
    ctx.commit()
    return RedirectResponse("/audit", status_code=303)
