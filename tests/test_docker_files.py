"""docker/ and docs/operations.md stay true to the code, without building or running an image.

CI cannot reach Docker Hub, so the image is never built here; these checks catch what
would otherwise only show up on a deployment: a misspelt MAILGATE_* name (mailgate refuses
to start on one), a command or role that does not exist, a compose dependency that lets the
roles start before the schema, an entry point that skips or repeats migrations.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import click
import pytest

from mailgate.cli import cli
from mailgate.config import (
    ENV_RESERVED,
    ENV_RESERVED_PREFIXES,
    Settings,
    SmtpSettings,
    WebSettings,
    _env_names,
    load_settings,
)
from mailgate.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
DOCKER = ROOT / "docker"
DOCKERFILE = DOCKER / "Dockerfile"
COMPOSE = DOCKER / "compose.yaml"
ENTRYPOINT = DOCKER / "entrypoint.sh"
ROLES = ("smtp", "web", "worker")
MAILGATE_SERVICES = ("migrate", *ROLES)
# The entry point's own switch; it unsets it before mailgate starts.
ENTRYPOINT_VARIABLES = {"MAILGATE_SKIP_MIGRATE"}


# --- a YAML subset reader ------------------------------------------------------------------
# PyYAML is not a dependency of mailgate and the CI venv does not have it, so compose.yaml is
# read by this small reader of the subset it uses (block mappings and sequences, JSON-style
# flow sequences and quoted strings, anchors, aliases and << merges). Anything else is an
# error, never a guess; where PyYAML is installed, a test holds the two readers equal.


def _strip_comment(line: str) -> str:
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[:index].rstrip()
    return line.rstrip()


def _scalar(text: str) -> Any:
    if text.startswith(("[", '"')):
        return json.loads(text)
    if text.startswith(("'", "{", "|", ">", "!", "&", "*", "%", "@", "`")):
        raise ValueError(f"outside the supported YAML subset: {text!r}")
    if text in ("true", "false"):
        return text == "true"
    if text in ("null", "~"):
        return None
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    return text


class _SubsetYaml:
    def __init__(self, source: str) -> None:
        self.lines: list[tuple[int, str, int]] = []
        for number, raw in enumerate(source.splitlines(), 1):
            if "\t" in raw[: len(raw) - len(raw.lstrip())]:
                raise ValueError(f"line {number}: tab in indentation")
            text = _strip_comment(raw)
            if text.strip():
                self.lines.append((len(text) - len(text.lstrip()), text.strip(), number))
        self.anchors: dict[str, Any] = {}
        self.pos = 0

    def load(self) -> Any:
        value = self._block(0)
        if self.pos != len(self.lines):
            raise ValueError(f"line {self.lines[self.pos][2]}: unexpected indentation")
        return value

    def _block(self, indent: int) -> Any:
        if self.lines[self.pos][1].startswith("- "):
            return self._sequence(indent)
        return self._mapping(indent)

    def _sequence(self, indent: int) -> list[Any]:
        items = []
        while self.pos < len(self.lines):
            column, text, number = self.lines[self.pos]
            if column < indent:
                break
            if column > indent or not text.startswith("- "):
                raise ValueError(f"line {number}: expected a sequence item")
            item = text[2:].strip()
            if re.match(r"[^\"\[]*:( |$)", item):
                raise ValueError(f"line {number}: mappings in sequences are not supported")
            items.append(_scalar(item))
            self.pos += 1
        return items

    def _mapping(self, indent: int) -> dict[str, Any]:
        explicit: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        while self.pos < len(self.lines):
            column, text, number = self.lines[self.pos]
            if column < indent:
                break
            match = re.fullmatch(r"([A-Za-z0-9_.<-]+):(?: (.*))?", text)
            if column > indent or match is None:
                raise ValueError(f"line {number}: expected `key: value` at column {indent}")
            key, rest = match[1], (match[2] or "").strip()
            self.pos += 1
            anchor = None
            if rest.startswith("&"):
                anchor, _, rest = rest[1:].partition(" ")
            if rest.startswith("*"):
                value = self.anchors[rest[1:]]
            elif rest:
                value = _scalar(rest)
            elif self.pos < len(self.lines) and self.lines[self.pos][0] > column:
                value = self._block(self.lines[self.pos][0])
            else:
                value = None
            if anchor:
                self.anchors[anchor] = value
            if key == "<<":
                merged.update(value)
            elif key in explicit:
                raise ValueError(f"line {number}: duplicate key {key!r}")
            else:
                explicit[key] = value
        return {**merged, **explicit}


def load_yaml(path: Path) -> Any:
    return _SubsetYaml(path.read_text(encoding="utf-8")).load()


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_yaml(COMPOSE)


def test_subset_reader_agrees_with_pyyaml() -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML not installed; the subset reader stands")
    assert load_yaml(COMPOSE) == yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_subset_reader_refuses_what_it_does_not_understand() -> None:
    for source in ("a:\n  - b: c\n", "a: {b: c}\n", "a: 1\n a2: 2\n", "a: 1\na: 2\n"):
        with pytest.raises(ValueError):
            _SubsetYaml(source).load()


# --- compose.yaml ---------------------------------------------------------------------------


def _interpolated(value: str) -> str:
    # What compose does with ${VAR:?message} once docker/.env provides the variable.
    return re.sub(r"\$\{[A-Z_]+(?::?[-?][^}]*)?\}", "secret", value)


def test_compose_services_and_roles(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", *MAILGATE_SERVICES}
    postgres = services["postgres"]
    assert postgres["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])

    migrate = services["migrate"]
    assert migrate["command"] == ["mailgate", "db", "upgrade"]
    assert migrate["restart"] == "no"  # a one-shot job must not loop
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}

    for role in ROLES:
        service = services[role]
        assert service["command"] == ["mailgate", "serve", "--role", role]
        assert service["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }, role
    assert services["smtp"]["ports"] == [f"{SmtpSettings().port}:{SmtpSettings().port}"]
    assert services["web"]["ports"] == [f"{WebSettings().port}:{WebSettings().port}"]
    assert services["worker"]["deploy"]["replicas"] >= 2
    # The image's health check probes the web endpoint; the other roles must not inherit it.
    assert "healthcheck" not in services["web"]
    assert services["worker"]["healthcheck"] == {"disable": True}
    assert str(SmtpSettings().port) in " ".join(services["smtp"]["healthcheck"]["test"])


def test_compose_mailgate_services_share_image_environment_and_volume(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    first = services[MAILGATE_SERVICES[0]]
    for name in MAILGATE_SERVICES:
        service = services[name]
        assert service["image"] == first["image"]
        assert service["environment"] == first["environment"], name
        assert "mailgate-data:/var/lib/mailgate" in service["volumes"]
        # Graceful shutdown drains SMTP for up to 30 s; docker's default 10 s would cut it.
        assert int(service["stop_grace_period"].rstrip("s")) >= 45, name
    assert (DOCKER / first["build"]["context"]).resolve() == ROOT  # relative to compose.yaml
    assert first["build"]["dockerfile"] == "docker/Dockerfile"
    assert set(compose["volumes"]) >= {"pgdata", "mailgate-data"}


def test_compose_environment_is_a_valid_configuration(compose: dict[str, Any]) -> None:
    environment = {
        k: _interpolated(str(v)) for k, v in compose["services"]["web"]["environment"].items()
    }
    settings = load_settings(environ=environment)  # unknown names and bad values raise
    assert settings.database_url.startswith("postgresql://")
    assert settings.database_url.endswith("@postgres:5432/mailgate")
    postgres_env = compose["services"]["postgres"]["environment"]
    user, db = postgres_env["POSTGRES_USER"], postgres_env["POSTGRES_DB"]
    assert settings.database_url.startswith(f"postgresql://{user}:")
    assert settings.database_url.endswith(f"/{db}")
    assert settings.delivery.mode == "relay"
    assert not (settings.delivery.relay.starttls and settings.delivery.relay.tls)


def test_compose_relay_password_comes_from_a_secret(compose: dict[str, Any]) -> None:
    environment = compose["services"]["worker"]["environment"]
    assert "MAILGATE_DELIVERY_RELAY_PASSWORD" not in environment
    path = environment["MAILGATE_DELIVERY_RELAY_PASSWORD_FILE"]
    secret = path.removeprefix("/run/secrets/")
    assert path == f"/run/secrets/{secret}"
    assert secret in compose["services"]["worker"]["secrets"]
    assert "file" in compose["secrets"][secret]


# --- Dockerfile and entry point -------------------------------------------------------------


def _instructions(stage: str | None = None) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    result, current = [], None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, arguments = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            current = arguments.split()[-1]
        if stage is None or current == stage:
            result.append((keyword, arguments.strip()))
    return result


def _one(keyword: str, stage: str | None = None) -> str:
    found = [a for k, a in _instructions(stage) if k == keyword]
    assert len(found) == 1, f"{keyword}: {found}"
    return found[0]


def _dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, arguments in _instructions("runtime"):
        if keyword == "ENV":
            env.update(pair.split("=", 1) for pair in arguments.split())
    return env


def test_dockerfile_runtime_stage() -> None:
    stages = [a.split()[0] for k, a in _instructions() if k == "FROM"]
    assert stages == ["python:3.11-slim", "python:3.11-slim"]
    env = {k: v for k, v in _dockerfile_env().items() if k.startswith("MAILGATE_")}
    # The image is production: it refuses to start until the operator names the domain and MX.
    with pytest.raises(ConfigError, match="mail_domain"):
        load_settings(environ=env)
    env |= {
        "MAILGATE_MAIL_DOMAIN": "mail.example-city.lg.jp",
        "MAILGATE_SMTP_HOSTNAME": "mx.example-city.lg.jp",
        "MAILGATE_WEB_SECRET_KEY_FILE": "/run/secrets/web_secret_key",
        "MAILGATE_WEB_SECURE_COOKIES": "true",
        "MAILGATE_WEB_E_APPLICATION_URL": "https://shinsei.example-city.lg.jp/",
    }
    settings = load_settings(environ=env)
    assert settings.smtp.host == settings.web.host == "0.0.0.0"
    assert settings.environment == "production"
    assert json.loads(_one("VOLUME", "runtime")) == [settings.data_dir]
    assert _one("USER", "runtime") not in ("root", "0")
    assert _one("EXPOSE", "runtime").split() == [str(settings.smtp.port), str(settings.web.port)]
    healthcheck = _one("HEALTHCHECK", "runtime")
    assert f"http://127.0.0.1:{settings.web.port}/healthz" in healthcheck
    assert json.loads(healthcheck.partition(" CMD ")[2])[0] == "python"


def test_dockerfile_builds_the_wheel_from_everything_it_needs() -> None:
    build = _instructions("build")
    assert ("RUN", "pip wheel --no-cache-dir . -w /wheels") in build
    copied = {
        source.rstrip("/")
        for keyword, arguments in build
        if keyword == "COPY"
        for source in arguments.split()[:-1]
    }
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]
    needed = {
        "pyproject.toml",
        pyproject["project"]["readme"],
        *wheel["packages"],
        *wheel.get("force-include", {}),
    }
    assert needed <= copied
    ignored = {
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert not (needed | {"docker", "docker/entrypoint.sh"}) & ignored


def test_mailgate_names_in_docker_files_and_docs_are_settings() -> None:
    known = set(_env_names(Settings)) | ENV_RESERVED | ENTRYPOINT_VARIABLES
    files = [DOCKERFILE, COMPOSE, ENTRYPOINT, ROOT / "docs" / "operations.md"]
    unknown = {}
    for path in files:
        for name in set(re.findall(r"MAILGATE_[A-Z0-9_]*", path.read_text(encoding="utf-8"))):
            if name.endswith("_"):  # a prefix such as MAILGATE_DELIVERY_RELAY_*
                ok = name.startswith(ENV_RESERVED_PREFIXES) or any(
                    k.startswith(name) for k in known
                )
            else:
                ok = name in known
            if not ok:
                unknown.setdefault(path.name, []).append(name)
    assert not unknown


def test_entrypoint_variable_would_be_refused_by_mailgate() -> None:
    # Why the entry point must unset it (if mailgate ever reserves the name, this can go).
    for name in ENTRYPOINT_VARIABLES:
        if name not in ENV_RESERVED:
            with pytest.raises(ConfigError):
                load_settings(environ={name: "1"})
            assert f"unset {name}" in ENTRYPOINT.read_text(encoding="utf-8")


def _leaf(argv: list[str]) -> click.Context:
    """Parse a mailgate command line as click would, without running it."""
    assert argv[0] == "mailgate", argv
    command: click.Command = cli
    rest, path = list(argv[1:]), ["mailgate"]
    while isinstance(command, click.Group):
        name = rest.pop(0)
        assert name in command.commands, f"not a mailgate command: {' '.join([*path, name])}"
        command = command.commands[name]
        path.append(name)
    # Converts and validates every option (e.g. --role against its choices); raises if wrong.
    return command.make_context(" ".join(path), rest)


def test_commands_in_docker_files_are_real_cli_commands(compose: dict[str, Any]) -> None:
    commands = [json.loads(_one("CMD", "runtime"))]
    commands += [compose["services"][name]["command"] for name in MAILGATE_SERVICES]
    # The entry point's own call.
    commands += [
        line.split()
        for line in ENTRYPOINT.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("mailgate ")
    ]
    assert ["mailgate", "db", "upgrade"] in commands
    for argv in commands:
        ctx = _leaf(argv)
        if ctx.command.name == "serve":
            assert set(ctx.params["roles"]) <= {*ROLES, "all"}
    assert json.loads(_one("ENTRYPOINT", "runtime")) == ["mailgate-entrypoint"]
    assert "COPY docker/entrypoint.sh /usr/local/bin/mailgate-entrypoint" in {
        f"{k} {a}" for k, a in _instructions("runtime")
    }


def test_unknown_role_is_refused_by_the_parser() -> None:
    # Guards _leaf itself: a check that accepts anything would make the test above vacuous.
    with pytest.raises(click.BadParameter):
        _leaf(["mailgate", "serve", "--role", "smpt"])
    with pytest.raises(AssertionError):
        _leaf(["mailgate", "database", "upgrade"])


@pytest.fixture
def run_entrypoint(tmp_path: Path):
    """Run docker/entrypoint.sh with a fake `mailgate` that logs its calls."""
    shell = shutil.which("sh")
    if shell is None:
        pytest.skip("no POSIX sh on this machine")
    log = tmp_path / "calls"
    fake = tmp_path / "bin" / "mailgate"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\n"
        'echo "$* skip=${MAILGATE_SKIP_MIGRATE-unset}" >> "$CALLS"\n'
        'if [ "$1 $2" = "db upgrade" ] && [ -n "${FAIL_UPGRADE:-}" ]; then exit 3; fi\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)

    def run(*argv: str, **extra: str) -> tuple[int, list[str]]:
        env = {"PATH": f"{fake.parent}{os.pathsep}{os.environ.get('PATH', '')}", "CALLS": str(log)}
        log.write_text("", encoding="utf-8")
        done = subprocess.run([shell, str(ENTRYPOINT), *argv], env={**env, **extra}, check=False)
        return done.returncode, log.read_text(encoding="utf-8").splitlines()

    return run


def test_entrypoint_migrates_before_serving(run_entrypoint) -> None:
    assert run_entrypoint("mailgate", "serve", "--role", "web") == (
        0,
        ["db upgrade skip=unset", "serve --role web skip=unset"],
    )
    assert run_entrypoint("mailgate", "-v", "serve") == (
        0,
        ["db upgrade skip=unset", "-v serve skip=unset"],
    )


def test_entrypoint_skip_and_other_commands(run_entrypoint) -> None:
    assert run_entrypoint("mailgate", "serve", MAILGATE_SKIP_MIGRATE="1") == (
        0,
        ["serve skip=unset"],
    )
    assert run_entrypoint("mailgate", "user", "list") == (0, ["user list skip=unset"])
    assert run_entrypoint("mailgate", "db", "upgrade") == (0, ["db upgrade skip=unset"])


def test_entrypoint_does_not_serve_after_a_failed_migration(run_entrypoint) -> None:
    status, calls = run_entrypoint("mailgate", "serve", FAIL_UPGRADE="1")
    assert status == 3
    assert calls == ["db upgrade skip=unset"]
