"""Configuration: file + environment, validated with messages an operator can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailgate.config import EXAMPLE, load_settings
from mailgate.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mailgate.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file() -> None:
    settings = load_settings(None, environ={})
    assert settings.smtp.port == 2525
    assert settings.database_url == "sqlite:///var/mailgate.db"
    assert settings.delivery.mode == "outbox"
    assert settings.outbox_path == Path("var/outbox")


def test_the_example_written_by_init_is_valid(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, EXAMPLE), environ={})
    assert settings.mail_domain == "mail.example-city.lg.jp"


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[smtp]\nport = 2600\n[database]\nurl = "sqlite:///a.db"\n')
    settings = load_settings(
        path,
        environ={
            "MAILGATE_SMTP_PORT": "2700",
            "MAILGATE_DATABASE_URL": "postgresql://db/mailgate",
            "MAILGATE_DATA_DIR": "/srv/mailgate",
            "MAILGATE_SMTP_HOST": "0.0.0.0",
            "MAILGATE_WEB_HOST": "0.0.0.0",
            "MAILGATE_WEB_PORT": "9000",
            "MAILGATE_DELIVERY_RELAY_HOST": "relay.internal",
        },
    )
    assert settings.smtp.port == 2700
    assert settings.database_url == "postgresql://db/mailgate"
    assert settings.data_dir == "/srv/mailgate"
    assert (settings.smtp.host, settings.web.host, settings.web.port) == (
        "0.0.0.0",
        "0.0.0.0",
        9000,
    )
    assert settings.delivery.relay.host == "relay.internal"


def test_config_path_from_environment(tmp_path: Path) -> None:
    path = write(tmp_path, 'mail_domain = "x.example"\n')
    assert load_settings(None, environ={"MAILGATE_CONFIG": str(path)}).mail_domain == "x.example"


@pytest.mark.parametrize(
    ("text", "environ", "message"),
    [
        ("[smtp]\nprot = 25\n", {}, "smtp.prot: unknown key"),
        ("[smtp]\nport = 70000\n", {}, "smtp.port: Input should be less than or equal to 65535"),
        ("", {"MAILGATE_SMTP_PORT": "abc"}, "smtp.port: Input should be a valid integer"),
        ("", {"MAILGATE_SMTP_PROT": "25"}, "unknown environment variable MAILGATE_SMTP_PROT"),
        ('[delivery]\nmode = "carrier-pigeon"\n', {}, "delivery.mode"),
        ("this is = = not toml", {}, "not valid TOML"),
        (
            '[[departments]]\nslug="a"\nname="A"\naddresses=["x@e.jp"]\n'
            '[[departments]]\nslug="b"\nname="B"\naddresses=["X@e.jp"]\n',
            {},
            "belongs to two departments",
        ),
        (
            '[[departments]]\nslug="a"\nname="A"\naddresses=["not-an-address"]\n',
            {},
            "not an e-mail address",
        ),
    ],
)
def test_mistakes_are_reported_clearly(
    tmp_path: Path, text: str, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(write(tmp_path, text), environ=environ)
    assert message in str(error.value)
    assert str(tmp_path) in str(error.value) or "environment" in str(error.value)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read configuration"):
        load_settings(tmp_path / "missing.toml", environ={})


def test_starttls_and_implicit_tls_are_exclusive(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="starttls and tls are exclusive"):
        load_settings(
            write(tmp_path, "[delivery.relay]\nstarttls = true\ntls = true\n"), environ={}
        )


def test_production_refuses_development_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'environment = "production"\n[delivery]\nmode = "relay"\n[delivery.relay]\nusername = "u"\npassword = "p"\n',
    )
    with pytest.raises(ConfigError) as error:
        load_settings(path, environ={})
    message = str(error.value)
    for problem in (
        "mail_domain",
        "smtp.hostname",
        "without TLS",
        "password is inline",
        "web.secret_key",
        "secure_cookies",
        "e_application_url",
    ):
        assert problem in message
    fixed = write(
        tmp_path,
        'environment = "production"\nmail_domain = "mail.example-city.lg.jp"\n[smtp]\nhostname = "mx.example-city.lg.jp"\n'
        '[delivery]\nmode = "relay"\n[delivery.relay]\nusername = "u"\nstarttls = true\npassword_file = "/run/secrets/relay"\n'
        '[web]\nsecret_key_file = "/run/secrets/web"\nsecure_cookies = true\n'
        'e_application_url = "https://shinsei.example-city.lg.jp/"\n',
    )
    assert load_settings(fixed, environ={}).environment == "production"
