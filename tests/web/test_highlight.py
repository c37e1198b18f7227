"""Findings highlighted in place: escaped text, one <mark> per finding, numbered like the list."""

from __future__ import annotations

from markupsafe import Markup

from mailgate.policy.findings import Finding, Reason
from mailgate.web.highlight import highlight, marked, shown_findings


def _finding(start: int, end: int, text: str, **kw: object) -> dict[str, object]:
    data: dict[str, object] = {
        "rule": "personal_data",
        "reason": "personal_data",
        "entity_type": "JP_MY_NUMBER",
        "location": "body",
        "start": start,
        "end": end,
        "text": text,
        "explanation_ja": "マイナンバーが含まれています",
        "explanation_en": "The text contains a My Number",
        "blocking": True,
    }
    data.update(kw)
    return data


def test_each_finding_is_marked_exactly_and_the_rest_is_escaped() -> None:
    text = "<b>番号</b> 123456789018 と 090-1234-5678 & more"
    start = text.index("123456789018")
    phone = text.index("090")
    findings = shown_findings(
        [
            _finding(start, start + 12, "123456789018"),
            _finding(phone, phone + 13, "090-1234-5678", entity_type="PHONE_NUMBER"),
        ]
    )
    html = highlight(text, findings)
    assert isinstance(html, Markup)
    assert html.startswith("&lt;b&gt;番号&lt;/b&gt; ")
    assert (
        '<mark class="finding" id="finding-1" data-n="1" '
        'title="1. マイナンバーが含まれています">123456789018</mark>'
    ) in html
    assert '<mark class="finding" id="finding-2"' in html and ">090-1234-5678</mark>" in html
    assert html.endswith(" &amp; more")
    assert "<b>" not in html
    assert marked(text, findings) == [1, 2]


def test_hostile_text_in_the_finding_and_its_explanation_is_escaped() -> None:
    hostile = "<script>alert(1)</script>"
    text = f'x{hostile}"y'
    findings = shown_findings(
        [_finding(1, 1 + len(hostile), hostile, explanation_en='say "hi" <img src=x>')], "en"
    )
    html = highlight(text, findings)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</mark>" in html
    assert 'title="1. say &#34;hi&#34; &lt;img src=x&gt;"' in html
    assert html.endswith("&#34;y")


def test_language_choice_and_non_blocking_findings() -> None:
    items = [
        _finding(0, 3, "abc"),
        _finding(4, 7, "def", reason=None, blocking=False, explanation_ja="参考"),
    ]
    assert shown_findings(items, "en")[0].explanation == "The text contains a My Number"
    assert shown_findings(items, "ja")[0].explanation == "マイナンバーが含まれています"
    assert [f.text for f in shown_findings(items)] == ["abc"]
    assert [f.text for f in shown_findings(items, blocking=False)] == ["def"]
    assert [f.number for f in shown_findings(items, blocking=None)] == [1, 2]


def test_finding_objects_work_as_well_as_report_dicts() -> None:
    finding = Finding(
        rule="personal_data",
        reason=Reason.PERSONAL_DATA,
        entity_type="JP_MY_NUMBER",
        location="body",
        start=2,
        end=5,
        text="123",
        explanation_ja="番号",
    )
    shown = shown_findings([finding])
    assert shown[0].reason == "personal_data" and shown[0].blocking
    assert highlight("ab123cd", shown) == Markup(
        'ab<mark class="finding" id="finding-1" data-n="1" title="1. 番号">123</mark>cd'
    )
    assert highlight("ab123cd", shown_findings([finding.to_dict()])) == highlight("ab123cd", shown)


def test_stale_overlapping_and_other_location_findings_are_not_marked() -> None:
    text = "0123456789"
    findings = shown_findings(
        [
            _finding(2, 6, "2345"),
            _finding(4, 8, "4567"),  # overlaps the first: listed, not marked
            _finding(0, 2, "zz"),  # the text changed since the check
            _finding(5, 50, ""),  # beyond the end
            _finding(0, 3, "012", location="subject"),
            _finding(None, None, "", location="attachment:a.pdf"),  # type: ignore[arg-type]
        ]
    )
    html = highlight(text, findings)
    assert html.count("<mark") == 1
    assert html == Markup(
        '01<mark class="finding" id="finding-1" data-n="1" '
        'title="1. マイナンバーが含まれています">2345</mark>6789'
    )
    assert marked(text, findings) == [1]
    assert marked("012", findings, "subject") == [5]
    assert findings[5].attachment == "a.pdf"
    assert highlight("", findings) == Markup("")
