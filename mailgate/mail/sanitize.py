"""Inbound HTML mail made safe to show inside the web inbox (nh3, the Rust ammonia sanitiser).

What survives is plain formatting: paragraphs, lists, tables, emphasis, links.
Everything that can run code, load something from the network or imitate our
own page is removed:

- script, style, iframe, object, embed, form, svg, math … are dropped with their
  content; any other unknown tag is dropped but its text kept;
- no event handlers (on*), no style or class attributes, no id/name (DOM
  clobbering of our page);
- links keep only http, https, mailto and tel targets (javascript:, data:,
  vbscript: and relative URLs are removed) and get rel="noopener noreferrer
  nofollow" and target="_blank";
- images: remote images (http, https, protocol-relative, anything that is not
  an inline data:image of a raster type) are removed, so opening a mail never
  tells a tracker that it was read; the count is returned so the page can say
  "remote images blocked". cid: images refer to a part of the mail; attachments
  are only ever served as downloads, so they are dropped too (counted apart).

The result is only ever shown through `Markup` in the thread template; the CSP
(no inline script or style, img-src 'self' data:) is a second line of defence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3

TAGS = {
    "a", "abbr", "address", "b", "bdi", "bdo", "blockquote", "br", "caption", "center",
    "cite", "code", "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em",
    "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span",
    "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "tt", "u", "ul", "var", "wbr",
}  # fmt: skip
# Dropped together with everything inside them.
DROP_WITH_CONTENT = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
    "form", "noscript", "template", "svg", "math", "title", "textarea", "select",
    "button", "audio", "video", "canvas", "head", "noembed", "noframes", "xmp",
}  # fmt: skip
TABLE_CELL = {"colspan", "rowspan", "align", "valign", "headers", "abbr"}
ATTRIBUTES = {
    "*": {"lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": TABLE_CELL,
    "th": TABLE_CELL | {"scope"},
    "col": {"span", "align", "valign"},
    "colgroup": {"span", "align", "valign"},
    "table": {"summary", "align"},
    "tr": {"align", "valign"},
    "tbody": {"align", "valign"},
    "thead": {"align", "valign"},
    "tfoot": {"align", "valign"},
    "p": {"align"},
    "div": {"align"},
    "h1": {"align"},
    "h2": {"align"},
    "h3": {"align"},
    "h4": {"align"},
    "h5": {"align"},
    "h6": {"align"},
    "font": {"color", "size", "face"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "time": {"datetime"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "del": {"datetime"},
    "ins": {"datetime"},
}
LINK_SCHEMES = ("http", "https", "mailto", "tel")
URL_SCHEMES = {*LINK_SCHEMES, "data", "cid"}
LINK_REL = "noopener noreferrer nofollow"
# Inline raster images only: an SVG image may carry script and is not worth the risk.
DATA_IMAGE = re.compile(r"^data:image/(?:png|gif|jpeg|jpg|webp);base64,[a-z0-9+/=\s]*$", re.I)
# Characters browsers ignore inside a URL's scheme ("java\tscript:").
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_SRCLESS_IMG = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
URL_ATTRIBUTES = {"href", "src", "cite"}


@dataclass
class SafeHtml:
    html: str
    remote_images_blocked: int = 0
    inline_images_dropped: int = 0

    @property
    def empty(self) -> bool:
        return not self.html.strip()


def _scheme(url: str) -> str:
    compact = _URL_NOISE.sub("", url).lower()
    scheme, colon, _ = compact.partition(":")
    if not colon or "/" in scheme or "?" in scheme or "#" in scheme:
        return ""  # relative
    return scheme


def sanitize_html(html: str) -> SafeHtml:
    """The mail's HTML reduced to safe formatting, with the number of images removed."""
    counts = {"remote": 0, "inline": 0}

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute.startswith("on"):
            return None
        if attribute not in URL_ATTRIBUTES:
            return value
        scheme = _scheme(value)
        if tag == "img" and attribute == "src":
            if scheme == "data" and DATA_IMAGE.match(_URL_NOISE.sub("", value)):
                return value
            counts["inline" if scheme == "cid" else "remote"] += 1
            return None
        if scheme in LINK_SCHEMES:
            return value.strip()
        return None

    if not html.strip():
        return SafeHtml("")
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ATTRIBUTES,
        attribute_filter=keep,
        strip_comments=True,
        link_rel=LINK_REL,
        set_tag_attribute_values={"a": {"target": "_blank"}},
        url_schemes=URL_SCHEMES,
        url_relative="pass_through",  # relative URLs are judged (and removed) by keep()
    )
    cleaned = _SRCLESS_IMG.sub("", cleaned)
    return SafeHtml(cleaned.strip(), counts["remote"], counts["inline"])
