"""Every string the UI shows has a Japanese translation (Japanese is the default language)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from mailgate.web import i18n

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_CALL = re.compile(r"""\b_\(\s*(?P<q>["'])(?P<msg>(?:(?!(?P=q)).|\\.)+?)(?P=q)""")
PYTHON_CALL = re.compile(r"""\b(?:ctx\.t|t|_)\(\s*(?P<q>["'])(?P<msg>(?:(?!(?P=q)).)+?)(?P=q)""")


def _msgids() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in (ROOT / "web" / "templates").rglob("*.html"):
        for match in TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group("msg"), str(path.relative_to(ROOT)))
    for path in (ROOT / "mailgate" / "web").rglob("*.py"):
        for match in PYTHON_CALL.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group("msg"), str(path.relative_to(ROOT)))
    return found


def test_every_ui_string_has_a_japanese_translation() -> None:
    catalog = i18n.catalog("ja")
    msgids = _msgids()
    assert len(msgids) > 30  # the scan finds the UI's strings at all
    missing = sorted(f"{where}: {msg}" for msg, where in msgids.items() if msg not in catalog)
    assert not missing, "no Japanese translation for:\n" + "\n".join(missing)


def test_catalogs_parse_and_placeholders_match() -> None:
    pattern = re.compile(r"%\(\w+\)s")
    for path in (i18n.locale_dir() / "ja" / "LC_MESSAGES").glob("*.po"):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="ja"):
                if not message.id:
                    continue
                assert sorted(pattern.findall(str(message.id))) == sorted(
                    pattern.findall(str(message.string))
                ), f"{path.name}: placeholders differ in {message.id!r}"


def test_english_is_the_message_id_and_choice_follows_the_browser() -> None:
    assert i18n.Translator("en").gettext("Sign in") == "Sign in"
    assert i18n.Translator("ja").gettext("Sign in") == "ログイン"
    assert i18n.choose("auto", "en-GB,en;q=0.8") == "en"
    assert i18n.choose("auto", "fr-FR, en;q=0.3, ja;q=0.9") == "ja"
    assert i18n.choose("auto", "") == "ja"
    assert i18n.choose("en", "ja") == "en"
