"""The pieces of text a rule looks at: subject, body, each attachment's extracted text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mailgate.policy.structure import Structure
from mailgate.policy.text import normalise


@dataclass
class TextUnit:
    location: str  # "subject", "body" or "attachment:<filename>"
    text: str
    normalised: str = ""
    structure: Structure | None = None  # body only: salutation, quoted lines, signature
    # For attachments: offset -> human location ("page 2", "row 3, column B").
    locate: Callable[[int], str] | None = None
    detail: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.normalised:
            self.normalised = normalise(self.text)

    @property
    def is_body(self) -> bool:
        return self.location == "body"
