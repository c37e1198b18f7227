"""Load a policy file, validate it loudly, and build its rules.

A policy is versioned data: `[policy]` (name, version), one `[rules.<name>]`
table per rule (its name must be a registered rule; its keys are validated by
that rule's Config), and `[[examples]]` that `mailgate policy test` runs. A
value "@path" in a rule table reads a list of lines from a file beside the
policy (dictionaries). Anything wrong fails at load with the file and key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mailgate.errors import MailgateError
from mailgate.policy.dictionaries import load_phrases
from mailgate.policy.registry import rule_classes
from mailgate.policy.rules.base import Resources, Rule
from mailgate.resources import data_dir


class PolicyError(MailgateError):
    """The policy file is missing, unreadable or invalid."""


class PolicyMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    version: str
    description: str = ""


class Example(BaseModel):
    """A mail kept inside the policy with the verdict the policy must give it."""

    model_config = ConfigDict(extra="forbid")
    name: str
    subject: str = ""
    body: str
    to: list[str] = Field(default_factory=lambda: ["resident@example.jp"])
    cc: list[str] = Field(default_factory=list)
    bcc: list[str] = Field(default_factory=list)
    department_signature: str = ""
    expect: str = Field(pattern="^(allow|block)$")
    reasons: list[str] = Field(default_factory=list)


class PolicyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    policy: PolicyMeta
    rules: dict[str, dict[str, Any]]
    examples: list[Example] = Field(default_factory=list)


@dataclass
class Policy:
    meta: PolicyMeta
    path: Path
    rules: list[Rule]
    examples: list[Example]

    @property
    def version(self) -> str:
        return f"{self.meta.name}@{self.meta.version}"


def default_policy_path() -> Path:
    return data_dir("policies") / "default.toml"


def _expand(value: Any, base: Path, where: str) -> Any:
    """Replace "@file" strings with the file's phrases (recursively in lists and tables)."""
    if isinstance(value, str) and value.startswith("@"):
        path = (base / value[1:]).resolve()
        try:
            return load_phrases(path)
        except OSError as exc:
            raise PolicyError(
                f"{where}: cannot read dictionary {value[1:]}: {exc.strerror or exc}"
            ) from exc
    if isinstance(value, list):
        return [_expand(v, base, where) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v, base, f"{where}.{k}") for k, v in value.items()}
    return value


def _format(source: str, exc: ValidationError, prefix: str = "") -> str:
    lines = [f"{source}: invalid policy"]
    for err in exc.errors():
        where = ".".join(str(p) for p in (*([prefix] if prefix else []), *err["loc"]))
        message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        lines.append(f"  {where}: {message}")
    return "\n".join(lines)


def _merged(base: Any, extra: Any) -> Any:
    """`extra` laid over `base`: tables merge key by key, lists are extended."""
    if isinstance(base, dict) and isinstance(extra, dict):
        return {k: _merged(base.get(k), v) for k, v in extra.items()} | {
            k: v for k, v in base.items() if k not in extra
        }
    if isinstance(base, list) and isinstance(extra, list):
        return [*base, *extra]
    return extra


def load_policy(
    path: str | Path | None = None,
    resources: Resources | None = None,
    *,
    allowlist: dict[str, Any] | None = None,
    rules: dict[str, Any] | None = None,
) -> Policy:
    """Load and validate a policy; `allowlist` (a deployment's public data, the shape of
    `[rules.personal_data.allowlist]`) is added to the file's own lists, and `rules`
    (the shape of `[rules]`) is laid over the file's rule tables."""
    file = Path(path) if path else default_policy_path()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(f"{file}: cannot read policy: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{file}: not valid TOML: {exc}") from exc
    if allowlist:
        data = _merged(data, {"rules": {"personal_data": {"allowlist": allowlist}}})
    if rules:
        data = _merged(data, {"rules": rules})
    try:
        parsed = PolicyFile.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(_format(str(file), exc)) from exc
    registry = rule_classes()
    unknown = sorted(set(parsed.rules) - set(registry))
    if unknown:
        raise PolicyError(
            f"{file}: unknown rule(s) {', '.join(unknown)} (known: {', '.join(sorted(registry))})"
        )
    resources = resources or Resources(file.parent)
    built: list[Rule] = []
    for name, cls in registry.items():
        table = _expand(parsed.rules.get(name, {}), file.parent, f"rules.{name}")
        try:
            # Files a rule names (a model) are relative to the policy file.
            config = cls.Config.model_validate(table, context={"policy_dir": file.parent})
        except ValidationError as exc:
            raise PolicyError(_format(str(file), exc, f"rules.{name}")) from exc
        except ValueError as exc:  # e.g. a regex that does not compile, raised by a validator
            raise PolicyError(f"{file}: rules.{name}: {exc}") from exc
        if config.enabled:
            try:
                built.append(cls(config, resources))
            except ValueError as exc:  # e.g. a model file the rule cannot read
                raise PolicyError(f"{file}: rules.{name}: {exc}") from exc
    return Policy(meta=parsed.policy, path=file, rules=built, examples=parsed.examples)
