"""Japan time: one fixed +09:00 zone for pages, exports, date filters and quote lines."""

from __future__ import annotations

from datetime import UTC, date, datetime

from mailgate import localtime
from mailgate.models import Message
from mailgate.workflow import drafts

LATE_EVENING_UTC = datetime(2026, 11, 26, 19, 22, tzinfo=UTC)  # 04:22 next morning in Japan


def test_format_local_is_japan_time() -> None:
    assert localtime.format_local(LATE_EVENING_UTC) == "2026/11/27 04:22"
    assert localtime.format_local(LATE_EVENING_UTC.isoformat()) == "2026/11/27 04:22"
    assert localtime.format_local(None) == ""
    assert localtime.local_date(LATE_EVENING_UTC) == date(2026, 11, 27)


def test_a_japan_day_starts_at_15_utc_the_day_before() -> None:
    assert localtime.day_start(date(2026, 11, 27)) == datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
    assert localtime.parse_date(" 2026-11-27 ") == date(2026, 11, 27)
    assert localtime.parse_date("27/11/2026") is None
    assert localtime.parse_date("") is None


def test_the_quote_line_shows_the_residents_date_in_japan_time() -> None:
    original = Message(
        date=LATE_EVENING_UTC,
        from_name="山田 花子",
        from_address="hanako@example.jp",
        text_body="保育園の申込について\n\nよろしくお願いします。",
    )
    assert drafts.quote(original).splitlines() == [
        "2026/11/27 04:22 山田 花子 <hanako@example.jp>:",
        "> 保育園の申込について",
        ">",
        "> よろしくお願いします。",
    ]
