"""The blocks-per-day chart: well-formed SVG, escaped text, a bar for the day of a block."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from mailgate.security_log import today
from mailgate.web.chart import Series, bar_chart, nice_max
from tests.web.harness import LiveServer, World, signed_in
from tests.web.test_security_log import block_a_reply

SVG = "{http://www.w3.org/2000/svg}"


def test_chart_is_well_formed_escaped_and_accessible() -> None:
    days = [date(2025, 4, 1) + timedelta(days=i) for i in range(30)]
    hostile = '<script>alert("x")</script> & "quotes"'
    svg = bar_chart(
        days=days,
        series=[
            Series("personal_data", hostile, [0] * 29 + [3]),
            Series("bulk\x01_send", "一斉送信", [1] + [0] * 29),
        ],
        title="Blocks & <more>",
        desc="desc \x00 with control",
    )
    root = ET.fromstring(svg)  # raises if not well-formed
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Blocks & <more>"
    assert root.find(f"{SVG}desc") is not None
    assert "<script>" not in svg and "style=" not in svg
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(bars) == 2
    last = next(b for b in bars if b.get("data-day") == "2025-04-30")
    assert last.get("data-count") == "3" and last.get("fill", "").startswith("#")
    assert last.find(f"{SVG}title").text == f"2025-04-30 {hostile}: 3"  # type: ignore[union-attr]
    # Bars scale against the same axis: the 3 is three times the 1.
    first = next(b for b in bars if b.get("data-day") == "2025-04-01")
    assert abs(float(last.get("height", 0)) - 3 * float(first.get("height", 0))) < 0.5


def test_empty_chart_says_so() -> None:
    svg = bar_chart(days=[date(2025, 1, 1)], series=[], title="t", desc="d", empty_text="なし")
    root = ET.fromstring(svg)
    assert "なし" in "".join(root.itertext())
    assert not [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]


def test_axis_top_is_round() -> None:
    assert [nice_max(v) for v in (0, 3, 6, 11, 24, 99, 101)] == [5, 5, 10, 20, 25, 100, 200]


def test_chart_route_has_a_bar_for_the_day_of_the_block(server: LiveServer, world: World) -> None:
    block_a_reply(server, world)
    officer = signed_in(server, world.officer)
    response = officer.get("/security/chart.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    day = today().isoformat()
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert [(b.get("data-day"), b.get("data-series"), b.get("data-count")) for b in bars] == [
        (day, "personal_data", "1")
    ]
    # The filters apply: another department has no bars, an old range none either.
    other = officer.get(f"/security/chart.svg?department={world.other.id}")
    assert not [
        r for r in ET.fromstring(other.content).iter(f"{SVG}rect") if r.get("class") == "bar"
    ]
    old = officer.get("/security/chart.svg?from=2020-01-01&to=2020-01-31")
    assert not [r for r in ET.fromstring(old.content).iter(f"{SVG}rect") if r.get("class") == "bar"]
    # The page shows the same number as a table.
    page = officer.get("/security/blocked").text
    table = page.split('<table class="counts">')[1].split("</table>")[0]
    assert f'<th scope="row">{day}</th>' in table and '<td class="num">1</td>' in table
