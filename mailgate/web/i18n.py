"""Japanese by default, English on request: gettext catalogs read with Babel.

Message ids are English; web/locale/ja/LC_MESSAGES/*.po translate them (one
catalog per area of the UI, merged). English needs no catalog. The language is
the user's setting if they chose one, else the browser's Accept-Language, else
Japanese (the users are Japanese municipal staff).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from mailgate.resources import data_dir

LANGUAGES = ("ja", "en")
DEFAULT = "ja"


def locale_dir() -> Path:
    return data_dir("web") / "locale"


@cache
def catalog(lang: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    folder = locale_dir() / lang / "LC_MESSAGES"
    if lang == "en" or not folder.is_dir():
        return messages
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if message.id and message.string and not message.fuzzy:
                    messages[str(message.id)] = str(message.string)
    return messages


class Translator:
    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT
        self.messages = catalog(self.lang)

    def gettext(self, msgid: str, **values: object) -> str:
        text = self.messages.get(msgid, msgid)
        return text % values if values else text

    __call__ = gettext


def from_accept_language(header: str) -> str | None:
    """The first of our languages the browser asks for, honouring q-values."""
    choices = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            choices.append((-quality, index, primary))
    return min(choices)[2] if choices else None


def choose(user_setting: str | None, accept_language: str | None) -> str:
    if user_setting in LANGUAGES:
        return user_setting  # type: ignore[return-value]
    return from_accept_language(accept_language or "") or DEFAULT
