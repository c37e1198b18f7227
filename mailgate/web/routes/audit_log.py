"""The audit trail page: chain status first, then the events newest first (issue 4, item 9).

The status comes from audit.verify, which walks the whole chain on every view
(linear in the number of events); the list is keyset-paged on the event id.
"""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import Response

from mailgate import audit, security_log
from mailgate.web.access import require, rule
from mailgate.web.deps import PageCtx, render

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
    chain = audit.verify(ctx.session)
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
            "chain_reason": ctx.t(CHAIN_REASONS.get(chain.reason, chain.reason))
            if chain.reason
            else "",
            "page": page,
            "action": action,
            "actor": actor,
            "before": before_id,
            "query": query,
            "local_time": security_log.local_time,
            "as_json": lambda value: json.dumps(
                value, ensure_ascii=False, sort_keys=True, default=str
            ),
        },
    )
