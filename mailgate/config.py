"""Settings: one TOML file plus MAILGATE_* environment overrides, validated at start.

Every setting has exactly one environment name, derived from its dotted path
(``smtp.port`` -> ``MAILGATE_SMTP_PORT``), so operators never guess. Unknown keys
in the file and unknown MAILGATE_* variables are errors: a typo must not silently
fall back to a default.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from mailgate.errors import ConfigError

ENV_PREFIX = "MAILGATE_"
# Variables with the prefix that are not settings.
ENV_RESERVED = {"MAILGATE_CONFIG", "MAILGATE_SKIP_MIGRATE"}
ENV_RESERVED_PREFIXES = ("MAILGATE_TEST_",)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class DatabaseSettings(_Section):
    # Empty means "SQLite file inside data_dir"; resolved by Settings.database_url.
    url: str = ""
    echo: bool = False


class SmtpSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=2525, ge=0, le=65535)
    # Name announced in the greeting; set explicitly so aiosmtpd does not call
    # socket.getfqdn() on every connection (measured cost, see FACTS).
    hostname: str = "mailgate.local"
    max_message_size: int = Field(default=25 * 1024 * 1024, gt=0)
    # Group commit: at most this many accepted messages share one fsync.
    commit_batch: int = Field(default=64, ge=1, le=10_000)


DEV_SECRET_KEY = "development-only-secret-key-change-me"
EXAMPLE_E_APPLICATION_URL = "https://e-shinsei.example-city.lg.jp/"


class WebSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8025, ge=0, le=65535)
    # Signs session cookies and salts the blocked log's hashes. Production refuses the default.
    secret_key: str = DEV_SECRET_KEY
    secret_key_file: str = ""
    # Secure cookies (HTTPS only). Off only for the plain-HTTP development server.
    secure_cookies: bool = False
    session_idle_minutes: float = Field(default=30.0, gt=0)
    session_absolute_hours: float = Field(default=12.0, gt=0)
    # Failed sign-ins per user name (or per client) inside the window before back-off.
    login_max_failures: int = Field(default=5, ge=1)
    login_window_minutes: float = Field(default=15.0, gt=0)
    page_size: int = Field(default=50, ge=5, le=500)
    # Where the ready reply to an e-mailed application sends residents (the e-application service).
    e_application_url: str = EXAMPLE_E_APPLICATION_URL

    def resolved_secret_key(self) -> str:
        if self.secret_key_file:
            try:
                return Path(self.secret_key_file).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(f"web.secret_key_file: cannot read: {exc}") from exc
        return self.secret_key


class RelaySettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    starttls: bool = False
    tls: bool = False  # implicit TLS (port 465 style)
    username: str = ""
    password: str = ""
    password_file: str = ""
    timeout: float = Field(default=30.0, gt=0)

    @model_validator(mode="after")
    def _one_tls_mode(self) -> RelaySettings:
        if self.starttls and self.tls:
            raise ValueError(
                "starttls and tls are exclusive: STARTTLS upgrades a plain connection, tls is implicit TLS"
            )
        return self

    def resolved_password(self) -> str:
        if self.password_file:
            try:
                return Path(self.password_file).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(f"delivery.relay.password_file: cannot read: {exc}") from exc
        return self.password


class DeliverySettings(_Section):
    mode: Literal["outbox", "relay"] = "outbox"
    # Empty means data_dir/outbox.
    outbox_dir: str = ""
    relay: RelaySettings = Field(default_factory=RelaySettings)
    concurrency: int = Field(default=4, ge=1, le=256)
    retry_base_seconds: float = Field(default=60.0, gt=0)
    retry_max_seconds: float = Field(default=3600.0, gt=0)
    # After this long since queueing, a deferred message fails for good.
    give_up_after_seconds: float = Field(default=2 * 86400.0, gt=0)
    lease_seconds: float = Field(default=300.0, gt=0)
    poll_seconds: float = Field(default=1.0, gt=0)


class DepartmentSettings(_Section):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    name: str
    addresses: list[str] = Field(min_length=1)

    @field_validator("addresses")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            if address.count("@") != 1 or not all(address.split("@")):
                raise ValueError(f"not an e-mail address: {address!r}")
        return [a.lower() for a in value]


class ImapAccountSettings(_Section):
    """One upstream mailbox whose folder is pulled into one department (docs/imap.md)."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
    # Exactly one of: the department slug, or one of its addresses (the reception's recipient).
    department: str = ""
    address: str = ""
    host: str
    # None: 993 for implicit TLS, 143 otherwise.
    port: int | None = Field(default=None, ge=1, le=65535)
    tls: Literal["implicit", "starttls", "none"] = "implicit"
    verify_certificate: bool = True
    ca_file: str = ""
    user: str
    # One source for the password; it is read when connecting and never logged.
    password: str = Field(default="", repr=False)
    password_file: str = ""
    password_env: str = ""
    folder: str = "INBOX"
    after_ingest: Literal["keep", "seen", "move"] = "keep"
    move_to: str = ""
    batch_size: int = Field(default=50, ge=1, le=10_000)
    poll_seconds: float = Field(default=60.0, gt=0)
    idle: bool = True
    timeout: float = Field(default=30.0, gt=0)
    reconnect_min_seconds: float = Field(default=1.0, gt=0)
    reconnect_max_seconds: float = Field(default=300.0, gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> ImapAccountSettings:
        if bool(self.department) == bool(self.address):
            raise ValueError("set exactly one of department (a slug) or address")
        if sum(1 for s in (self.password, self.password_file, self.password_env) if s) > 1:
            raise ValueError("set only one of password, password_file, password_env")
        if self.after_ingest == "move" and not self.move_to:
            raise ValueError('after_ingest = "move" needs move_to (the folder to move to)')
        return self

    @field_validator("address")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.strip().lower()

    @property
    def effective_port(self) -> int:
        return self.port or (993 if self.tls == "implicit" else 143)

    def resolved_password(self) -> str:
        if self.password_file:
            try:
                return Path(self.password_file).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(f"imap account {self.name}: password_file: {exc}") from exc
        if self.password_env:
            value = os.environ.get(self.password_env)
            if value is None:
                raise ConfigError(
                    f"imap account {self.name}: environment variable {self.password_env} is not set"
                )
            return value
        return self.password


class ImapSettings(_Section):
    accounts: list[ImapAccountSettings] = []
    # APPEND every sent message to the upstream folder of its department's account.
    sent_copy: bool = False
    sent_folder: str = "Sent"


class Settings(_Section):
    data_dir: str = "var"
    mail_domain: str = "mailgate.local"
    environment: Literal["development", "production"] = "development"
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    departments: list[DepartmentSettings] = []
    imap: ImapSettings = Field(default_factory=ImapSettings)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.data_path / 'mailgate.db'}"

    @property
    def outbox_path(self) -> Path:
        return (
            Path(self.delivery.outbox_dir)
            if self.delivery.outbox_dir
            else self.data_path / "outbox"
        )


def _env_names(model: type[BaseModel], path: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """Map every scalar setting to its environment variable name."""
    names: dict[str, tuple[str, ...]] = {}
    for field_name, field in model.model_fields.items():
        annotation = field.annotation
        here = (*path, field_name)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.update(_env_names(annotation, here))
        elif field_name not in ("departments", "accounts"):  # lists of tables: file or CLI only
            names[ENV_PREFIX + "_".join(here).upper()] = here
    return names


def _password_envs(data: dict[str, Any]) -> set[str]:
    """Variables named by imap accounts' password_env: secrets, not settings."""
    imap = data.get("imap")
    accounts = imap.get("accounts") if isinstance(imap, dict) else None
    if not isinstance(accounts, list):
        return set()
    return {a["password_env"] for a in accounts if isinstance(a, dict) and a.get("password_env")}


def _apply_env(data: dict[str, Any], environ: dict[str, str]) -> dict[str, Any]:
    known = _env_names(Settings)
    secrets = _password_envs(data)
    for env, value in environ.items():
        if not env.startswith(ENV_PREFIX) or env in ENV_RESERVED or env in secrets:
            continue
        if env.startswith(ENV_RESERVED_PREFIXES):
            continue
        if env not in known:
            raise ConfigError(
                f"unknown environment variable {env} (known: {', '.join(sorted(known))})"
            )
        node = data
        *parents, leaf = known[env]
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"{env}: {'.'.join(parents)} is not a table in the file")
        node[leaf] = value
    return data


def _format_errors(source: str, exc: ValidationError) -> str:
    lines = [f"{source}: invalid configuration"]
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        lines.append(f"  {where}: {message}")
    return "\n".join(lines)


def load_settings(
    path: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Load the file (if any) and the environment; raise ConfigError with a readable message."""
    environ = dict(os.environ if environ is None else environ)
    source = "defaults"
    data: dict[str, Any] = {}
    chosen = path or environ.get("MAILGATE_CONFIG")
    if chosen:
        file = Path(chosen)
        source = str(file)
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise ConfigError(f"{file}: cannot read configuration: {exc.strerror or exc}") from exc
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from exc
    data = _apply_env(data, environ)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_errors(source, exc)) from exc
    _check_departments(settings, source)
    _check_imap(settings, source)
    if settings.environment == "production":
        _refuse_insecure_defaults(settings, source)
    return settings


def _refuse_insecure_defaults(settings: Settings, source: str) -> None:
    """Production must not run on values that are only meant for a laptop."""
    problems = []
    if settings.mail_domain == "mailgate.local":
        problems.append("mail_domain is the development default; set the department mail domain")
    if settings.smtp.hostname == "mailgate.local":
        problems.append("smtp.hostname is the development default; set the MX host name")
    web = settings.web
    if not web.secret_key_file and web.secret_key == DEV_SECRET_KEY:
        problems.append("web.secret_key is the development default; set web.secret_key_file")
    if not web.secure_cookies:
        problems.append("web.secure_cookies is off; serve the inbox over HTTPS and turn it on")
    if web.e_application_url == EXAMPLE_E_APPLICATION_URL:
        problems.append("web.e_application_url is the example; set the e-application service's URL")
    relay = settings.delivery.relay
    if settings.delivery.mode == "relay" and relay.username and not (relay.starttls or relay.tls):
        problems.append("delivery.relay sends a password without TLS; set starttls or tls")
    if settings.delivery.mode == "relay" and relay.password and not relay.password_file:
        problems.append(
            "delivery.relay.password is inline; use password_file or MAILGATE_DELIVERY_RELAY_PASSWORD_FILE"
        )
    for account in settings.imap.accounts:
        where = f"imap account {account.name}"
        if account.tls == "none" and account.host not in ("127.0.0.1", "::1", "localhost"):
            problems.append(f"{where} sends its password without TLS; set tls")
        if not account.verify_certificate:
            problems.append(f"{where} does not verify the certificate; use ca_file instead")
        if account.password:
            problems.append(f"{where}: password is inline; use password_file or password_env")
    if problems:
        raise ConfigError(
            f"{source}: refusing insecure settings in production:\n  " + "\n  ".join(problems)
        )


def _check_departments(settings: Settings, source: str) -> None:
    seen_slugs: set[str] = set()
    seen_addresses: set[str] = set()
    for dept in settings.departments:
        if dept.slug in seen_slugs:
            raise ConfigError(f"{source}: departments: slug {dept.slug!r} appears twice")
        seen_slugs.add(dept.slug)
        for address in dept.addresses:
            if address in seen_addresses:
                raise ConfigError(
                    f"{source}: departments: address {address!r} belongs to two departments"
                )
            seen_addresses.add(address)


def _check_imap(settings: Settings, source: str) -> None:
    names = [a.name for a in settings.imap.accounts]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f"{source}: imap.accounts: name {name!r} appears twice")


EXAMPLE = """\
# mailgate configuration. Every key can be overridden by an environment
# variable named after its path: smtp.port -> MAILGATE_SMTP_PORT,
# database.url -> MAILGATE_DATABASE_URL, delivery.relay.host -> MAILGATE_DELIVERY_RELAY_HOST.

# Where the SQLite database (embedded default) and the file outbox live.
data_dir = "var"
# Domain used for the Message-IDs of outgoing mail.
mail_domain = "mail.example-city.lg.jp"
# "production" refuses insecure defaults (see docs/operations.md).
environment = "development"

[database]
# Empty: SQLite file data_dir/mailgate.db. Production: PostgreSQL, e.g.
# url = "postgresql+psycopg://mailgate@db.internal/mailgate"
url = ""

[smtp]
host = "127.0.0.1"
port = 2525
hostname = "mailgate.local"
# Bigger messages are refused with 552 during DATA.
max_message_size = 26214400

[web]
host = "127.0.0.1"
port = 8025
# Signs session cookies; create with: openssl rand -hex 32 > /etc/mailgate/web_secret_key
# secret_key_file = "/etc/mailgate/web_secret_key"
# Behind the HTTPS reverse proxy (production requires it):
# secure_cookies = true
# session_idle_minutes = 30
# session_absolute_hours = 12
# The e-application service residents are sent to when they apply by e-mail:
# e_application_url = "https://shinsei.example-city.lg.jp/"

[delivery]
# "outbox" writes each outgoing message to data_dir/outbox/*.eml (no relay needed);
# "relay" hands it to the SMTP relay below.
mode = "outbox"
retry_base_seconds = 60
retry_max_seconds = 3600
give_up_after_seconds = 172800

[delivery.relay]
host = "127.0.0.1"
port = 25
starttls = false
username = ""
# Prefer password_file (or MAILGATE_DELIVERY_RELAY_PASSWORD) to a password in this file.
password_file = ""

# Departments can also be managed with `mailgate dept add`. Mail for any
# address not listed for a department is refused at RCPT time (550 5.1.1).
# [[departments]]
# slug = "kosodate"
# name = "子育て支援課"
# addresses = ["kosodate@mail.example-city.lg.jp"]

# Pull mail from an existing mailbox as well (docs/imap.md lists every option).
# [[imap.accounts]]
# name = "kosodate-inbox"
# department = "kosodate"
# host = "imap.example-city.lg.jp"
# user = "kosodate@example-city.lg.jp"
# password_file = "/run/secrets/imap-kosodate"
"""
