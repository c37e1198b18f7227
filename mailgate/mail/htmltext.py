"""Derive readable plain text from an HTML mail body, for HTML-only messages.

This is for reading, searching and policy checks, not for display: display sanitises the HTML
itself elsewhere. It uses only the stdlib parser, which tolerates any input.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIPPED = {"script", "style", "head", "title", "template", "noscript"}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
}  # fmt: skip
_CELLS = {"td", "th"}
_SPACES = re.compile(r"[ \t\r\n\f\xa0\u200b]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_TAGS = re.compile(r"<[^>]*>")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip_depth += 1
        elif tag == "pre":
            self._pre_depth += 1
        if tag in _BLOCKS:
            self.chunks.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/> and <hr/> must not open a skipped or <pre> region that is never closed.
        if tag in _BLOCKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)
        if tag in _BLOCKS:
            self.chunks.append("\n")
        elif tag in _CELLS:
            self.chunks.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        self.chunks.append(data if self._pre_depth else _SPACES.sub(" ", data))


def html_to_text(html: str) -> str:
    """Plain text of an HTML document: no script/style, block elements as line breaks."""
    collector = _TextCollector()
    try:
        collector.feed(html)
        collector.close()
        text = "".join(collector.chunks)
    except Exception:  # noqa: BLE001 - old parsers raise on odd markup; fall back to tag stripping
        text = _SPACES.sub(" ", _TAGS.sub(" ", html))
    lines = [line.strip(" \t\xa0") for line in text.replace("\xa0", " ").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")
