"""The organisation's own public data: from the policy's allowlist and the department's signature."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from mailgate.policy.role_cues import NAME_IN_TEXT, PHONE_IN_TEXT, POSTAL_IN_TEXT
from mailgate.policy.text import normalise

POSTAL_PART = re.compile(r"[,、]?〒?(?<!\d)\d{3}-\d{4}(?!\d)[,、]?")
COUNTRY_SUFFIX = re.compile(r"[,、]?japan$")


@dataclass
class Allowlist:
    """The organisation's own public data, from the policy (and the department's signature)."""

    phones: set[str] = field(default_factory=set)  # digits only; "0354321*" is a prefix
    addresses: set[str] = field(default_factory=set)  # whitespace removed
    postal_codes: set[str] = field(default_factory=set)  # digits only
    names: set[str] = field(default_factory=set)  # whitespace removed

    @classmethod
    def from_config(cls, config: Mapping[str, Iterable[str]] | None) -> Allowlist:
        config = config or {}
        return cls(
            phones={
                digits_only(p) + ("*" if p.endswith("*") else "") for p in config.get("phones", [])
            },
            addresses={compact_text(a) for a in config.get("addresses", [])},
            postal_codes={digits_only(p) for p in config.get("postal_codes", [])},
            names={compact_text(n) for n in config.get("names", [])},
        )

    def add_signature(self, signature: str) -> None:
        text = normalise(signature)
        self.phones |= {digits_only(m.group()) for m in PHONE_IN_TEXT.finditer(text)}
        self.postal_codes |= {digits_only(m.group()) for m in POSTAL_IN_TEXT.finditer(text)}
        self.addresses.add(compact_text(text))  # an address matches when it occurs in the signature
        self.names |= {compact_text(m.group()) for m in NAME_IN_TEXT.finditer(text)}

    def has_phone(self, value: str) -> bool:
        digits = digits_only(value)
        return any(
            digits.startswith(p[:-1]) if p.endswith("*") else digits == p for p in self.phones if p
        )

    def has_address(self, value: str) -> bool:
        compact = compact_text(value)
        if self._listed(compact):
            return True
        # Written with its postal code ("1-1-1 Chuo, Nanamori-shi, Miyagi 981-3791, Japan",
        # "〒981-3791 七森市…"): the office's when the code and the rest both are.
        code = POSTAL_PART.search(compact)
        if code is None or digits_only(code.group()) not in self.postal_codes:
            return False
        rest = COUNTRY_SUFFIX.sub("", compact[: code.start()] + compact[code.end() :])
        return self._listed(rest.strip(",、"))

    def _listed(self, compact: str) -> bool:
        return bool(compact) and any(
            compact == a or (len(compact) >= 6 and compact in a) for a in self.addresses
        )

    def has_name(self, value: str) -> bool:
        compact = compact_text(value)
        return any(
            compact == n or (len(compact) >= 2 and n.startswith(compact)) for n in self.names
        )


def digits_only(value: str) -> str:
    return re.sub(r"\D", "", normalise(value))


def compact_text(value: str) -> str:
    return re.sub(r"\s+", "", normalise(value)).lower()
