"""EMAIL_ADDRESS: e-mail addresses, found offline (presidio's own recognizer downloads a suffix list).

Addresses are the one item mail may carry, so policy allows them; they are
still found so that masking and explanations can name them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailgate.policy.recognizers.numbers import Candidate, IdentifierRecognizer

# Local part of the common unquoted form; a domain of dot-separated labels
# ending in an alphabetic top-level domain.
PATTERN = re.compile(
    r"(?<![A-Za-z0-9._%+\-])"
    r"[A-Za-z0-9](?:[A-Za-z0-9._%+\-]*[A-Za-z0-9_%+\-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
    r"(?![A-Za-z0-9\-])"
)

SCORE = 1.0


class EmailRecognizer(IdentifierRecognizer):
    ENTITY = "EMAIL_ADDRESS"

    def candidates(self, text: str, norm: str) -> Iterator[Candidate]:
        if "@" not in norm:
            return
        for match in PATTERN.finditer(norm):
            yield Candidate(
                match.start(),
                match.end(),
                SCORE,
                "email_address",
                "an e-mail address (local part @ domain)",
            )
