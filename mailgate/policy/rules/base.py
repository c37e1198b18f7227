"""The contract every rule implements, and the shared resources a rule may use."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from mailgate.policy.findings import Finding
from mailgate.policy.mail import OutgoingMail
from mailgate.policy.units import TextUnit


class RuleConfig(BaseModel):
    """Base of every rule's configuration section ([rules.<name>] in the policy file)."""

    model_config = ConfigDict(extra="forbid")
    enabled: bool = True


class ModelFileConfig(BaseModel):
    """A learned model a rule consults; `file` = "" switches it off.

    A file named in the policy is relative to the policy file (the loader passes its folder
    as validation context); a subclass's default is the model shipped with mailgate.
    """

    model_config = ConfigDict(extra="forbid")
    file: str = ""

    @field_validator("file")
    @classmethod
    def _beside_the_policy(cls, value: str, info: ValidationInfo) -> str:
        base = (info.context or {}).get("policy_dir")
        return str(Path(base) / value) if value and base is not None else value


class Resources:
    """Expensive things built once per process and shared by rules (e.g. the analyzer)."""

    def __init__(self, policy_dir: Path) -> None:
        self.policy_dir = policy_dir
        self._cache: dict[str, Any] = {}

    def get(self, key: str, build: Any) -> Any:
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]


class Rule(Protocol):
    name: ClassVar[str]  # unique; the policy file refers to the rule by it
    Config: ClassVar[type[RuleConfig]]

    def __init__(self, config: RuleConfig, resources: Resources) -> None: ...

    def find(self, mail: OutgoingMail, units: list[TextUnit]) -> list[Finding]:
        """Everything this rule finds; blocking findings carry a reason."""
        ...
