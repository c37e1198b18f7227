"""The inbound HTML sanitiser: formatting stays, anything active or remote goes."""

from __future__ import annotations

import re

import pytest

from mailgate.mail.sanitize import LINK_REL, sanitize_html


def clean(html: str) -> str:
    return sanitize_html(html).html


def test_formatting_survives() -> None:
    html = (
        "<h2>ご案内</h2><p>本文<b>太字</b><i>斜体</i><br>改行</p>"
        "<ul><li>一</li><li>二</li></ul><blockquote>引用</blockquote>"
        '<table><tr><th scope="col">項目</th><td colspan="2">値</td></tr></table>'
    )
    out = clean(html)
    for kept in ("<h2>ご案内</h2>", "<b>太字</b>", "<i>斜体</i>", "<br>", "<li>一</li>",
                 "<blockquote>引用</blockquote>", '<th scope="col">項目</th>', '<td colspan="2">値</td>'):  # fmt: skip
        assert kept in out, kept


@pytest.mark.parametrize("tag", ["script", "style", "iframe", "object", "form", "svg", "math", "noscript", "template", "textarea"])  # fmt: skip
def test_dangerous_elements_are_dropped_with_their_content(tag: str) -> None:
    out = clean(f"<p>before</p><{tag}>SECRET alert(1)</{tag}><p>after</p>")
    assert out == "<p>before</p><p>after</p>"


def test_unknown_tags_are_dropped_but_their_text_kept() -> None:
    assert clean("<blink>点滅</blink><custom-el>独自</custom-el>") == "点滅独自"
    assert clean('<input name="password" value="x">入力') == "入力"
    assert clean('<base href="http://evil/"><meta http-equiv="refresh" content="0">x') == "x"


@pytest.mark.parametrize(
    "attribute",
    ['onclick="alert(1)"', 'onerror="alert(1)"', 'onmouseover="x()"', 'style="color:red"',
     'class="button primary"', 'id="main"', 'name="csrf_token"', 'formaction="/x"'],
)  # fmt: skip
def test_event_handlers_styles_classes_and_ids_are_removed(attribute: str) -> None:
    out = clean(f"<div {attribute}>text</div>")
    assert out == "<div>text</div>"


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
     "jav&#x09;ascript:alert(1)", "javascript&colon;alert(1)", "vbscript:msgbox(1)",
     "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "/threads/1/done", "//evil.example/",
     "file:///etc/passwd"],
)  # fmt: skip
def test_dangerous_and_relative_links_lose_their_target(href: str) -> None:
    out = clean(f'<a href="{href}">link</a>')
    assert "href" not in out
    assert ">link</a>" in out


def test_safe_links_open_in_a_new_tab_without_referrer() -> None:
    out = clean('<a href="https://example.jp/page?a=1&b=2" target="_self" rel="opener">x</a>')
    assert 'href="https://example.jp/page?a=1&amp;b=2"' in out
    assert 'target="_blank"' in out and f'rel="{LINK_REL}"' in out
    assert "_self" not in out and '"opener"' not in out
    assert 'href="mailto:info@example.jp"' in clean('<a href="mailto:info@example.jp">m</a>')
    assert 'href="tel:0312345678"' in clean('<a href="tel:0312345678">t</a>')


def test_remote_images_are_removed_and_counted() -> None:
    result = sanitize_html(
        '<p>a</p><img src="http://tracker.example/o.gif"><img src="HTTPS://t.example/p.png">'
        '<img src="//t.example/x"><img src="/local.png"><img src=" http://spaced.example/x">'
    )
    assert result.html == "<p>a</p>"
    assert result.remote_images_blocked == 5
    assert result.inline_images_dropped == 0


def test_cid_images_are_dropped_and_inline_raster_data_kept() -> None:
    result = sanitize_html(
        '<img src="cid:logo@example.jp" alt="logo">'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">'
        '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" alt="svg">'
        '<img src="data:text/html,<script>alert(1)</script>">'
    )
    assert result.inline_images_dropped == 1
    assert result.remote_images_blocked == 2  # the SVG and the text/html "image"
    assert re.findall(r"<img[^>]*>", result.html) == [
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">'
    ]


def test_text_is_escaped_and_comments_removed() -> None:
    out = clean("<p>1 &lt; 2 &amp; <!-- <script>alert(1)</script> --> 3 > 2</p>")
    assert "<!--" not in out and "<script" not in out
    assert out == "<p>1 &lt; 2 &amp;  3 &gt; 2</p>"


def test_mutation_xss_payloads_stay_inert() -> None:
    payloads = [
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
        "<svg><p><style><img src=x onerror=alert(1)></style></p></svg>",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
        "<title><img src=x onerror=alert(1)></title>",
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
        "<img src=x onerror=alert(1)//",
    ]  # fmt: skip
    for payload in payloads:
        out = clean(payload)
        assert "onerror" not in out and "javascript" not in out.lower(), (payload, out)
        assert "<img" not in out, (payload, out)


def test_empty_input() -> None:
    assert sanitize_html("").empty
    assert sanitize_html("   \n").empty
    assert sanitize_html("<script>x</script>").empty
    assert not sanitize_html("<p>x</p>").empty
