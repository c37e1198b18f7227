"""Threading keys: the Message-IDs to look up and the normalised subject to match on."""

from __future__ import annotations

import re
import unicodedata

from mailgate.mail.parsed import ParsedMessage

# Reply and forward prefixes, after NFKC (which turns "：" into ":" and full-width letters into
# ASCII). "回覧:" (circulation) is deliberately absent: it starts a new topic, not a reply.
_PREFIX = re.compile(
    r"^\s*(?:re|fwd?|aw|返信|転送)\s*(?:\[\d+\]|\^\d+|\(\d+\))?\s*:\s*",
    re.IGNORECASE,
)


def normalise_subject(subject: str) -> str:
    """The subject without reply/forward prefixes, whitespace collapsed, case-folded."""
    text = unicodedata.normalize("NFKC", subject)
    while True:
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return " ".join(text.split()).casefold()


def lookup_ids(parsed: ParsedMessage) -> list[str]:
    """Message-IDs to look up, best first: In-Reply-To, then References newest first."""
    ids: list[str] = []
    for msg_id in [parsed.in_reply_to, *reversed(parsed.references)]:
        if msg_id and msg_id not in ids:
            ids.append(msg_id)
    return ids
